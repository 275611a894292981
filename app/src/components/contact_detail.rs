//! One contact opened: its document read from the device, every field shown, with the
//! referrals it made.

use leptos::prelude::*;
use strada_shared::domain::NeedCategory;
use strada_shared::ids::DocId;
use strada_shared::schema::ContactDoc;
use strada_shared::vocab::{Code, FollowUp, Mediator, Sector};

use crate::components::contact_form::IndicatorList;
use crate::components::in_review::InReview;
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
    // Bumped by a correction saved here: a field the row does not show (the sector)
    // changes nothing the row tracks.
    let saved = RwSignal::new(0u32);
    Effect::new(move |_| {
        row.track();
        saved.track();
        // A pull may change a field the row does not show (another phone's workplace).
        ctx.pulled.track();
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
    // A contact is corrected where it was logged (a new user's walk found no way to
    // change a sector or an indicator once saved): the fields a worker may get wrong.
    let editing = RwSignal::new(false);
    view! {
        <div class="detail" data-testid="contact-detail">
            <InReview kind="contact"
                fields=Signal::derive(move || row.with(|r| r.as_ref().map(|c| c.in_review.clone()).unwrap_or_default()))
                mine=Signal::derive(move || row.with(|r| r.as_ref().map(|c| c.in_review_mine.clone()).unwrap_or_default()))/>
            <Show when=move || failed.get()>
                <p class="error" role="alert">{move || t().err_save}</p>
            </Show>
            <Show when=move || editing.get()>
                {move || contact.get_untracked().map(|c| view! { <ContactEditor base=c editing=editing saved=saved/> })}
            </Show>
            <Show when=move || !editing.get() && contact.with(Option::is_some)>
                <button type="button" class="secondary" data-testid="contact-edit"
                    on:click=move |_| editing.set(true)>{move || t().contact_edit}</button>
            </Show>
            {move || contact.get().filter(|_| !editing.get()).map(|c| {
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

/// The fields of a contact a worker may correct: needs, sector, workplace, indicators
/// and their notes, follow-up, note. Saving writes only what its user changed onto the
/// contact as the device holds it then ([`ContactDoc::apply_form`]).
#[component]
fn ContactEditor(base: ContactDoc, editing: RwSignal<bool>, saved: RwSignal<u32>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let id = base.id;
    let needs = RwSignal::new(base.needs.clone());
    let sector = RwSignal::new(base.sector);
    let workplace = RwSignal::new(base.workplace.clone());
    let indicators = RwSignal::new(base.indicators.clone());
    let follow_up = RwSignal::new(base.follow_up == FollowUp::Needed);
    let note = RwSignal::new(base.note.clone());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tr = ctx.lang.get_untracked().t();
        let mut edited = base.clone();
        edited.needs = needs.get_untracked();
        edited.sector = sector.get_untracked();
        edited.workplace = workplace.get_untracked().trim().to_string();
        edited.indicators = indicators.get_untracked();
        edited.follow_up = if follow_up.get_untracked() {
            FollowUp::Needed
        } else {
            FollowUp::default()
        };
        edited.note = note.get_untracked().trim().to_string();
        if edited.needs.is_empty() {
            return error.set(Some(
                tr.validation(&strada_shared::schema::contact::ValidationError::NoNeeds)
                    .into(),
            ));
        }
        if let Err(e) = strada_shared::schema::Document::validate(&edited) {
            return error.set(Some(tr.validation(&e).into()));
        }
        let base = base.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let res = match state::read_doc::<ContactDoc>(id).await {
                Ok(mut current) => {
                    current.apply_form(&base, &edited);
                    state::save_edit(ctx, current).await
                }
                Err(e) => Err(e),
            };
            busy.set(false);
            match res {
                Ok(()) => {
                    saved.update(|n| *n += 1);
                    editing.set(false);
                }
                Err(e) => error.set(Some(e.message(ctx.lang.get_untracked().t()).into())),
            }
        });
    };
    view! {
        <form class="editor" on:submit=save data-testid="contact-editor">
            <fieldset>
                <legend>{move || t().needs}</legend>
                <div class="needs">
                    {NeedCategory::ALL.into_iter().map(|n| view! {
                        <label class="need">
                            <input type="checkbox" data-testid=format!("edit-need-{}", n.code())
                                prop:checked=move || needs.with(|v| v.contains(&n))
                                on:change=move |_| needs.update(|v| if let Some(i) = v.iter().position(|x| *x == n) { v.remove(i); } else { v.push(n); strada_shared::sort::sort(v); })/>
                            <span>{move || t().need(n)}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <label for=format!("edit-sector-{id}")>{move || t().sector}</label>
            <select id=format!("edit-sector-{id}") data-testid="edit-sector" on:change=move |ev| sector.set(Sector::from_code(&event_target_value(&ev)))>
                <option value="" selected=move || sector.get().is_none()>{move || t().not_said}</option>
                {Sector::ALL.iter().map(|s| view! {
                    <option value=s.code() selected=move || sector.get() == Some(*s)>{move || t().sector_name(*s)}</option>
                }).collect_view()}
            </select>
            <label for=format!("edit-workplace-{id}")>{move || t().workplace}</label>
            <input id=format!("edit-workplace-{id}") maxlength="500" data-testid="edit-workplace"
                prop:value=move || workplace.get() on:input=move |ev| workplace.set(event_target_value(&ev))/>
            <fieldset>
                <legend>{move || t().indicators}</legend>
                <IndicatorList indicators=indicators prefix="edit-indicator"/>
            </fieldset>
            <label class="choice">
                <input type="checkbox" data-testid="edit-follow-up" prop:checked=move || follow_up.get()
                    on:change=move |_| follow_up.update(|m| *m = !*m)/>
                {move || t().follow_up_needed}
            </label>
            <label for=format!("edit-note-{id}")>{move || t().note}</label>
            <textarea id=format!("edit-note-{id}") rows="3" maxlength="4000" data-testid="edit-note"
                prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="row">
                <button type="submit" class="primary" data-testid="contact-edit-save" prop:disabled=move || busy.get()>{move || t().save}</button>
                <button type="button" class="secondary" on:click=move |_| editing.set(false)>{move || t().contact_edit_cancel}</button>
            </div>
        </form>
    }
}
