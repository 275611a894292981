//! `ServicePicker`: the five best services for one need, for the contact form's referral
//! step. One tap picks; works offline from the directory on the device.

use leptos::prelude::*;
use strada_shared::directory::{Query, rank};
use strada_shared::domain::{DocumentStatus, NeedCategory, Place};
use strada_shared::vocab::Gender;

use crate::components::service_card::ServiceCard;
use crate::directory::{local_now, use_directory};
use crate::state::Ctx;

/// How many services the picker proposes.
const TOP: usize = 5;

#[component]
pub fn ServicePicker(
    need: NeedCategory,
    #[prop(into)] place: Signal<Option<Place>>,
    #[prop(into)] languages: Signal<Vec<String>>,
    #[prop(into)] documents: Signal<DocumentStatus>,
    /// The person's gender (a service for the other gender only sinks as unmet).
    #[prop(into, default = Signal::stored(Gender::Unknown))]
    gender: Signal<Gender>,
    /// Called with (service id, display name).
    on_pick: Callback<(String, String)>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let st = use_directory();
    let t = move || ctx.lang.get().t();
    let picked = RwSignal::new(None::<String>);
    let rows = move || {
        let dir = st.dir.get()?;
        let q = Query {
            need: Some(need),
            at: place.get().map(|p| (p.lat, p.lon)),
            languages: languages.get(),
            now: Some(local_now()),
            documents: documents.get(),
            gender: gender.get(),
            open_now_only: false,
            max: TOP,
        };
        Some((rank(&dir, &q), dir))
    };
    view! {
        <div class="svc-picker" data-testid=format!("service-picker-{}", need.code())>
            <p class="small"><b>{move || t().svc_picker_title}": "{move || t().need(need)}</b></p>
            {move || match rows() {
                None => view! { <p class="small muted">{move || t().svc_no_directory}</p> }.into_any(),
                Some((list, _)) if list.is_empty() => view! { <p class="small muted">{move || t().svc_none}</p> }.into_any(),
                Some((list, dir)) => {
                    let docs = documents.get_untracked();
                    list.into_iter().map(|r| {
                        let id = r.service_id.clone();
                        let name = dir.service(&id).map(|s| s.name.clone()).unwrap_or_default();
                        let id2 = id.clone();
                        let is_picked = Memo::new(move |_| picked.with(|p| p.as_deref() == Some(id2.as_str())));
                        view! {
                            <div class="svc-pick" class:picked=move || is_picked.get()>
                                <ServiceCard dir=dir.clone() ranked=r documents=docs/>
                                <button type="button" class="secondary" data-testid="pick-service"
                                    aria-pressed=move || is_picked.get().to_string()
                                    on:click=move |_| {
                                        picked.set(Some(id.clone()));
                                        on_pick.run((id.clone(), name.clone()));
                                    }>
                                    {move || if is_picked.get() { t().svc_picked } else { t().svc_pick }}
                                </button>
                            </div>
                        }
                    }).collect_view().into_any()
                }
            }}
        </div>
    }
}
