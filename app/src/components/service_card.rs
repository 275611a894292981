//! One ranked service as the list and the picker show it: name, organisation, distance,
//! open now, languages, and the access requirements flagged for the person's documents.

use std::sync::Arc;

use leptos::prelude::*;
use strada_shared::directory::{Directory, Ranked, RequirementCheck};
use strada_shared::domain::DocumentStatus;

use crate::directory::format_distance;
use crate::state::Ctx;

/// The body of a card; the caller wraps it in a link or a button.
#[component]
pub fn ServiceCard(
    dir: Arc<Directory>,
    ranked: Ranked,
    documents: DocumentStatus,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let Some(service) = dir.service(&ranked.service_id).cloned() else {
        return ().into_any();
    };
    let org = dir
        .organization(&service.organization_id)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let city = dir
        .location(&ranked.location_id)
        .map(|l| l.city.clone())
        .unwrap_or_default();
    let distance = ranked.distance_m;
    let open = ranked.open_now;
    let languages = ctx
        .lang
        .get_untracked()
        .t()
        .language_list(&service.languages, " · ");
    let flags = service
        .requirements
        .iter()
        .map(|r| {
            let r = *r;
            let (class, kind) = match r.check(documents) {
                RequirementCheck::Unmet => ("flag unmet", "unmet"),
                RequirementCheck::ToCheck => ("flag check", "check"),
                RequirementCheck::Met => ("flag met", "met"),
                RequirementCheck::Condition => ("flag cond", "cond"),
            };
            view! {
                <li class=class data-testid=format!("flag-{kind}") data-req=r.code()>
                    {move || t().requirement(r)}
                    {move || match kind {
                        "unmet" => format!(" — {}", t().svc_not_met),
                        "check" => format!(" — {}", t().svc_to_check),
                        _ => String::new(),
                    }}
                </li>
            }
        })
        .collect_view();
    let language_match = ranked.language_match;
    view! {
        <div class="svc-card" data-testid="service-row" data-service-id=ranked.service_id.clone()
            data-distance-m=distance.map(|d| format!("{d:.0}")).unwrap_or_default()
            data-open=match open { Some(true) => "open", Some(false) => "closed", None => "unknown" }
            data-score=format!("{:.3}", ranked.score)>
            <div class="svc-head">
                <span class="svc-name">{service.name.clone()}</span>
                <span class="svc-dist" data-testid="service-distance">
                    {move || distance.map(|d| format_distance(d, ctx.lang.get())).unwrap_or_default()}
                </span>
            </div>
            <div class="small muted">{org}" · "{city}</div>
            <div class="svc-badges">
                <span class=move || match open { Some(true) => "badge synced", Some(false) => "badge refused", None => "badge neutral" }
                    data-testid="open-badge">
                    {move || match open {
                        Some(true) => t().svc_open,
                        Some(false) => t().svc_closed,
                        None => t().svc_hours_unknown,
                    }}
                </span>
                {language_match.then(|| view! { <span class="badge lang">{move || t().svc_language_match}</span> })}
            </div>
            <div class="small">{languages}</div>
            <ul class="svc-flags">{flags}</ul>
        </div>
    }
    .into_any()
}
