//! Saved places: the farm gates, stations and squares a team goes back to, kept on the
//! device (sealed, `kv` key `places`) so a contact's place is one tap even where the
//! Geolocation fix is poor or absent.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::state::Ctx;
use crate::store;

/// Most places kept.
const MAX_PLACES: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlace {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

async fn load() -> Vec<SavedPlace> {
    store::kv_get("places")
        .await
        .ok()
        .flatten()
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

async fn save(places: &[SavedPlace]) -> bool {
    match serde_json::to_string(places) {
        Ok(j) => store::kv_set("places", &j).await.is_ok(),
        Err(_) => false,
    }
}

/// Picks a saved place (fills the coordinates through `on_pick`) or saves the current
/// coordinates under a name.
#[component]
pub fn SavedPlaces(
    current: Signal<Option<(f64, f64)>>,
    on_pick: Callback<SavedPlace>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let places = RwSignal::new(Vec::<SavedPlace>::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    leptos::task::spawn_local(async move { places.set(load().await) });
    let add = move |_| {
        let tr = ctx.lang.get_untracked().t();
        let n = name.get_untracked().trim().to_string();
        let Some((lat, lon)) = current.get_untracked() else {
            return error.set(Some(tr.err_place));
        };
        if n.is_empty() || n.chars().count() > 80 {
            return error.set(Some(tr.place_name_needed));
        }
        error.set(None);
        let mut list = places.get_untracked();
        list.retain(|p| p.name != n);
        list.insert(0, SavedPlace { name: n, lat, lon });
        list.truncate(MAX_PLACES);
        leptos::task::spawn_local(async move {
            if save(&list).await {
                places.set(list);
                name.set(String::new());
            } else {
                error.set(Some(ctx.lang.get_untracked().t().err_save));
            }
        });
    };
    view! {
        <div class="saved-places">
            <Show when=move || !places.with(Vec::is_empty)>
                <label for="saved-place">{move || t().saved_place}</label>
                <select id="saved-place" data-testid="saved-place" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(p) = places.with(|l| l.iter().find(|p| p.name == v).cloned()) {
                        on_pick.run(p);
                    }
                }>
                    <option value="">{move || t().choose}</option>
                    {move || places.get().into_iter().map(|p| view! { <option value=p.name.clone()>{p.name.clone()}</option> }).collect_view()}
                </select>
            </Show>
            <label for="new-place-name">{move || t().save_place_as}</label>
            <div class="row">
                <input id="new-place-name" maxlength="80" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="button" class="secondary" data-testid="save-place" on:click=add>{move || t().save}</button>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}
