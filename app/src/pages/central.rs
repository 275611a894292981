//! The central office's records (online): every contact of the PUA as the server
//! projected it.

use leptos::prelude::*;
use strada_shared::api::ContactRecord;
use strada_shared::domain::PersonRef;

use crate::api::{self, ApiError};
use crate::state::Ctx;

#[component]
pub fn Central() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let records = RwSignal::new(None::<Result<Vec<ContactRecord>, ApiError>>);
    let load = move || {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        records.set(None);
        leptos::task::spawn_local(async move {
            let res = api::contacts(&s.token).await;
            if let Err(ApiError::Unauthorized { .. }) = &res {
                ctx.session_expired.set(true);
            }
            records.set(Some(res));
        });
    };
    load();

    let lang = move || ctx.lang.get();
    view! {
        <section class="card">
            <div class="row">
                <h2>{move || t().central_records}</h2>
                <button class="secondary" on:click=move |_| load()>{move || t().refresh}</button>
            </div>
            {move || match records.get() {
                None => view! { <p>{t().loading}</p> }.into_any(),
                Some(Err(_)) => view! { <p class="error" role="alert">{t().central_needs_network}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t().central_records>
                    <table data-testid="central-table">
                        <thead><tr>
                            <th scope="col">{t().col_when}</th>
                            <th scope="col">{t().col_person}</th>
                            <th scope="col">{t().col_needs}</th>
                            <th scope="col">{t().col_team}</th>
                            <th scope="col">{t().col_place}</th>
                            <th scope="col">{t().col_note}</th>
                            <th scope="col">{t().col_received}</th>
                        </tr></thead>
                        <tbody>
                        {list.into_iter().map(|r| {
                            let when = chrono::DateTime::parse_from_rfc3339(&r.occurred_at)
                                .map(|d| crate::util::format_local(d.timestamp_millis(), lang()))
                                .unwrap_or(r.occurred_at.clone());
                            let received = chrono::DateTime::parse_from_rfc3339(&r.received_at)
                                .map(|d| crate::util::format_local(d.timestamp_millis(), lang()))
                                .unwrap_or(r.received_at.clone());
                            let person = match &r.person {
                                PersonRef::Alias(a) => a.clone(),
                                PersonRef::Anonymous => t().anonymous.to_string(),
                            };
                            let needs = r.needs.iter().map(|n| t().need(*n)).collect::<Vec<_>>().join(", ");
                            let place = r.place.map(|p| format!("{:.5}, {:.5}", p.lat, p.lon)).unwrap_or_else(|| "—".into());
                            view! {
                                <tr data-testid="central-row" data-id=r.id.to_string()>
                                    <td>{when}</td><td>{person}</td><td>{needs}</td><td>{r.team.to_string()}</td>
                                    <td>{place}</td><td>{r.note.clone()}</td><td>{received}</td>
                                </tr>
                            }
                        }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
