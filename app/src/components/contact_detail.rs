//! One contact opened: its document read from the device, every field shown, with the
//! referrals it made.

use leptos::prelude::*;
use strada_shared::ids::DocId;
use strada_shared::schema::ContactDoc;
use strada_shared::vocab::{FollowUp, Mediator};

use crate::state::{self, Ctx};
use crate::util;

#[component]
pub fn ContactDetail(id: DocId) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let contact = RwSignal::new(None::<ContactDoc>);
    let failed = RwSignal::new(false);
    // Read again whenever the contact's row changes (a pull, an edit): an opened contact
    // never shows what the document no longer says.
    let row = Memo::new(move |_| ctx.records.with(|r| r.contact(id).cloned()));
    Effect::new(move |_| {
        row.track();
        leptos::task::spawn_local(async move {
            // Setting a signal of a closed detail is a no-op.
            match state::read_doc::<ContactDoc>(id).await {
                Ok(c) => contact.set(Some(c)),
                Err(_) => failed.set(true),
            }
        });
    });
    let referrals = move || {
        ctx.records.with(|r| {
            r.referrals
                .iter()
                .filter(|x| x.contact == id)
                .map(|x| (x.need, x.partner.clone(), x.status))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="detail" data-testid="contact-detail">
            <Show when=move || failed.get()>
                <p class="error" role="alert">{move || t().err_save}</p>
            </Show>
            {move || contact.get().map(|c| {
                let lang = ctx.lang.get();
                let tr = lang.t();
                let mut lines: Vec<(&'static str, String)> = vec![
                    (tr.channel, tr.channel_name(c.channel).to_string()),
                    (tr.needs, c.needs.iter().map(|n| tr.need(*n)).collect::<Vec<_>>().join(", ")),
                ];
                if let Some(g) = c.group {
                    lines.push((tr.group, format!("{} ({} {}, {} {}, {} {})", g.people, g.women, tr.group_women, g.men, tr.group_men, g.minors, tr.group_minors)));
                }
                if let Some(s) = c.sector {
                    lines.push((tr.sector, tr.sector_name(s).to_string()));
                }
                if !c.workplace.is_empty() {
                    lines.push((tr.workplace, c.workplace.clone()));
                }
                if let Some(l) = &c.language {
                    lines.push((tr.language_used, tr.language_name(l)));
                }
                if c.mediator == Mediator::Present {
                    lines.push((tr.mediator_present, "✓".into()));
                }
                if c.follow_up == FollowUp::Needed {
                    lines.push((tr.follow_up_needed, "✓".into()));
                }
                if !c.materials.is_empty() {
                    lines.push((tr.materials, c.materials.iter().map(|m| tr.material_name(*m)).collect::<Vec<_>>().join(", ")));
                }
                for (i, note) in &c.indicators {
                    let v = if note.is_empty() { "✓".to_string() } else { note.clone() };
                    lines.push((tr.indicator_name(*i), v));
                }
                if let Some(p) = c.place {
                    lines.push((tr.place, format!("{:.5}, {:.5}{}", p.lat, p.lon, p.accuracy_m.map(|a| format!(" ±{a:.0} m")).unwrap_or_default())));
                }
                // A group gives no consent of its own.
                if c.group.is_none() || c.person_id.is_some() {
                    lines.push((tr.consent, tr.consent_name(c.consent).to_string()));
                }
                if !c.note.is_empty() {
                    lines.push((tr.note, c.note.clone()));
                }
                view! {
                    <p class="small muted">{util::format_local(c.occurred_at, lang)}</p>
                    <dl class="fields">
                        {lines.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                }
            })}
            <ul class="small">
                {move || referrals().into_iter().map(|(need, partner, status)| view! {
                    <li data-testid="detail-referral">{t().need(need)}" → "{partner}" · "{t().referral_status(status)}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}
