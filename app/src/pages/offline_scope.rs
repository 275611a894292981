//! What a central office device keeps offline (`SyncScope`): the workspace reads the
//! PUA's records from the server, so a central browser holds none of them unless it
//! chooses teams (a laptop in a mobile unit) or persons (from their page) to keep.
//! Saving syncs again from the start of the feed; once that pull is whole, the device
//! forgets what it did not bring (never a pending change) — a sync that fails forgets
//! nothing. The form saves only its user's changes, onto the
//! scope as it is when saved ([`SyncScope::rebased`]): another tab may have kept a
//! person since the form was read.

use leptos::prelude::*;
use strada_shared::central::{ScopePage, SyncScope};
use strada_shared::ids::{DocId, TeamId};

use crate::api::{self, ApiError};
use crate::state::Ctx;

/// Saves `scope` for this device and syncs from the feed's start (then forgets what the
/// device no longer keeps).
pub async fn save_scope(ctx: Ctx, scope: SyncScope) -> Result<ScopePage, ApiError> {
    let Some(s) = ctx.session.get_untracked() else {
        return Err(ApiError::Network);
    };
    let page = api::set_sync_scope(&s.token, &scope).await?;
    // A pull still running would write a cursor past what the new scope needs.
    for _ in 0..600 {
        if !ctx.syncing.get_untracked() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(100).await;
    }
    use crate::engine::{self, Answer, Call};
    let generation = js_sys::Date::now().to_string();
    match engine::call(Call::ResyncFromStart(generation)).await {
        Ok(Answer::Store(Ok(()))) => {}
        Ok(Answer::Store(Err(e))) | Err(e) => ctx.storage_error.set(Some(e)),
        Ok(_) => ctx.storage_error.set(Some(engine::mismatch())),
    }
    crate::state::refresh_rows(ctx).await;
    leptos::task::spawn_local(crate::state::sync(ctx));
    Ok(page)
}

/// The scope last saved from anywhere on the central page (a person's page keeps a
/// person): the "offline" section follows it, so that saving its teams never sends
/// the persons list it read before (a new user's walk: a person kept from their page
/// was dropped by the next "Salva e sincronizza").
#[derive(Clone, Copy)]
pub struct ScopeSaved(pub RwSignal<Option<ScopePage>>);

/// Provides [`ScopeSaved`] to the central page's parts.
pub fn provide_scope_saved() {
    provide_context(ScopeSaved(RwSignal::new(None)));
}

/// Adds or removes one person from what this device keeps offline: whether the person
/// is now kept.
pub async fn toggle_person(
    ctx: Ctx,
    person: DocId,
    saved: Option<ScopeSaved>,
) -> Result<bool, ApiError> {
    let Some(s) = ctx.session.get_untracked() else {
        return Err(ApiError::Network);
    };
    let mut scope = api::sync_scope(&s.token).await?.scope;
    let kept = if scope.persons.contains(&person) {
        scope.persons.retain(|p| *p != person);
        false
    } else {
        scope.persons.push(person);
        true
    };
    let page = save_scope(ctx, scope).await?;
    if let Some(ScopeSaved(saved)) = saved {
        saved.set(Some(page));
    }
    Ok(kept)
}

#[component]
pub fn OfflineScope() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let page = RwSignal::new(None::<ScopePage>);
    // What the form last read from the server (or was told was saved): a save applies
    // only the user's changes to it onto the device's scope as it is then.
    let base = RwSignal::new(SyncScope::default());
    let teams = RwSignal::new(Vec::<TeamId>::new());
    let persons = RwSignal::new(Vec::<DocId>::new());
    let cases = RwSignal::new(false);
    let reads_cases = ctx
        .session
        .get_untracked()
        .is_some_and(|s| s.user.role.reads_cases());
    let status = RwSignal::new(None::<bool>);
    let busy = RwSignal::new(false);
    // The choice is the server's: without the network it cannot be read, and the
    // section says so rather than showing nothing ticked (a new user's walk read «no
    // person kept» on a laptop that kept a team and three persons).
    let unread = RwSignal::new(false);
    let load = move || {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::sync_scope(&s.token).await {
                Ok(p) => {
                    teams.set(p.scope.teams.clone());
                    persons.set(p.scope.persons.clone());
                    cases.set(p.scope.cases);
                    base.set(p.scope.clone());
                    page.set(Some(p));
                    unread.set(false);
                }
                Err(_) => unread.set(page.get_untracked().is_none()),
            }
        });
    };
    load();
    // Back online with the choice never read: read it now.
    Effect::new(move |_| {
        if ctx.online.get() && unread.get_untracked() {
            load();
        }
    });
    // Records came in (a sync, an import): the teams to choose from are read again; what
    // is ticked stays as the user left it.
    Effect::new(move |first: Option<()>| {
        ctx.pulled.track();
        if first.is_none() {
            return;
        }
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(p) = api::sync_scope(&s.token).await {
                page.update(|pg| {
                    if let Some(pg) = pg {
                        pg.teams = p.teams;
                    }
                });
            }
        });
    });
    // A person kept or dropped from their page: the list follows (the teams ticked
    // here and not saved yet stay ticked).
    if let Some(ScopeSaved(saved)) = use_context::<ScopeSaved>() {
        Effect::new(move |_| {
            if let Some(p) = saved.get() {
                persons.set(p.scope.persons.clone());
                base.update(|b| b.persons = p.scope.persons.clone());
            }
        });
    }
    let save = move |_| {
        busy.set(true);
        status.set(None);
        let wanted = SyncScope {
            teams: teams.get_untracked(),
            persons: persons.get_untracked(),
            cases: cases.get_untracked(),
        };
        let from = base.get_untracked();
        leptos::task::spawn_local(async move {
            // Read again, so that a person kept from another tab since the form was
            // read is not dropped by a form that never showed them.
            let res = match ctx.session.get_untracked() {
                Some(s) => match api::sync_scope(&s.token).await {
                    Ok(now) => save_scope(ctx, wanted.rebased(&from, &now.scope)).await,
                    Err(e) => Err(e),
                },
                None => Err(ApiError::Network),
            };
            if let Ok(p) = &res {
                teams.set(p.scope.teams.clone());
                persons.set(p.scope.persons.clone());
                cases.set(p.scope.cases);
                base.set(p.scope.clone());
                page.set(Some(p.clone()));
            }
            status.set(Some(res.is_ok()));
            busy.set(false);
        });
    };
    view! {
        <section class="offline-scope" data-testid="offline-scope" aria-labelledby="offline-scope-title">
            <h2 id="offline-scope-title">{move || t().scope_title}</h2>
            <p class="hint">{move || t().scope_help}</p>
            <Show when=move || unread.get()>
                <p class="warning" role="status" data-testid="scope-unread">
                    {move || t().scope_unread.n(ctx.records.with(|r| r.persons.len()))}
                </p>
            </Show>
            <div role="group" aria-labelledby="offline-scope-title" class="scope-teams">
                <For
                    each=move || page.get().map(|p| p.teams).unwrap_or_default()
                    key=|team| team.clone()
                    let(team)
                >
                    {
                        let slug = team.as_str().to_string();
                        let checked_team = team.clone();
                        let toggled_team = team.clone();
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    data-testid=format!("scope-team-{slug}")
                                    prop:checked=move || teams.get().contains(&checked_team)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let team = toggled_team.clone();
                                        teams.update(|v| {
                                            v.retain(|x| *x != team);
                                            if on {
                                                v.push(team);
                                            }
                                        });
                                    }
                                />
                                {move || t().scope_team.with("team", &crate::teams::label_of(&slug))}
                            </label>
                        }
                    }
                </For>
            </div>
            <p data-testid="scope-persons" hidden=move || unread.get()>
                {move || match persons.get().len() {
                    0 => t().scope_no_persons.to_string(),
                    n => t().scope_persons.n(n),
                }}
                <Show when=move || !persons.get().is_empty()>
                    " "
                    <button type="button" class="link" on:click=move |_| persons.set(Vec::new())>
                        {move || t().scope_clear_persons}
                    </button>
                </Show>
            </p>
            // Each person kept, by the name this device holds, to take off one by one (a
            // new user's walk read only «3 persone tenute offline»).
            <ul class="scope-person-list" hidden=move || unread.get() data-testid="scope-person-list">
                <For each=move || persons.get() key=|id| *id let:id>
                    <li data-testid="scope-person">
                        {move || ctx.records.with(|r| r.person(id).and_then(|p| p.aliases.first().cloned()))
                            .unwrap_or_else(|| t().scope_person_not_here.to_string())}
                        " "
                        <button type="button" class="link" data-testid="scope-person-remove"
                            on:click=move |_| persons.update(|v| v.retain(|p| *p != id))>
                            {move || t().scope_person_remove}
                        </button>
                    </li>
                </For>
            </ul>
            {reads_cases.then(|| view! {
                <label class="check">
                    <input type="checkbox" data-testid="scope-cases"
                        prop:checked=move || cases.get()
                        on:change=move |ev| cases.set(event_target_checked(&ev))/>
                    {move || t().scope_cases}
                </label>
            })}
            <button
                type="button"
                data-testid="scope-save"
                prop:disabled=move || busy.get() || unread.get()
                on:click=save
            >
                {move || t().scope_save}
            </button>
            <p role="status" data-testid="scope-status">
                {move || match status.get() {
                    Some(true) => t().scope_saved,
                    Some(false) => t().scope_failed,
                    None => "",
                }}
            </p>
        </section>
    }
}
