//! "Doppioni": pairs of person records that may be one person (the server's candidates,
//! best first), each with its likelihood and its evidence in words. A pair opens a
//! side-by-side review of the two records, where the reviewer chooses the record that
//! stays, which value to keep where the two differ, and says why: merge, "not the same
//! person" (never proposed again), or skip to the next pair.
//!
//! Test ids (browser tests): `dup-pair` (a row, `data-a`/`data-b` the two ids),
//! `dup-review`, `dup-survivor-a`/`dup-survivor-b` (the record that stays),
//! `dup-keep-{field}-survivor`/`dup-keep-{field}-merged` (whose value of a differing
//! field of `MERGE_FIELDS` to keep, named from the record that stays), `dup-reason`,
//! `dup-merge`, `dup-not-same`, `dup-skip`, `dup-error`, `dup-notice`.

use std::collections::BTreeMap;

use leptos::prelude::*;
use strada_shared::central::{
    DuplicatePair, DuplicateSide, JudgedPairs, JudgedSide, Keep, MERGE_FIELDS, MergeRequest,
    NotSame, PersonPage, PersonRecord,
};
use strada_shared::domain::DocumentStatus;
use strada_shared::ids::DocId;
use strada_shared::reconcile::{AliasMatch, Reason};
use strada_shared::vocab::Gender;

use super::merges::{checked, error_text, first_alias};
use super::{birth_label, fetch, keep_code, needs_label, row_keys, when};
use crate::api::{self, ApiError};
use crate::i18n::Catalogue;
use crate::state::Ctx;

/// The most pairs asked for at once.
const PAIRS: usize = 100;
/// The contacts of each record shown in the review.
const LATEST: usize = 3;

/// A pair by its two ids.
type Key = (DocId, DocId);

fn key(p: &DuplicatePair) -> Key {
    (p.a.id, p.b.id)
}

/// What is said above the list once a pair is judged or merged.
#[derive(Clone)]
enum Notice {
    Plain(fn(&Catalogue) -> &'static str),
    /// Both records named: "first alias (team)".
    Merged {
        merged: String,
        survivor: String,
    },
}

impl Notice {
    fn text(&self, t: &Catalogue) -> String {
        match self {
            Notice::Plain(m) => m(t).to_string(),
            Notice::Merged { merged, survivor } => t
                .dup_merged_ok
                .args(&[("merged", merged), ("survivor", survivor)]),
        }
    }
}

/// One of the two records of the pair open.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    A,
    B,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }
}

/// A piece of evidence as a short phrase: "stesso telefono", "Mohamed ≈ محمد (altro
/// alfabeto)", "nati nel 1990 / 1991", "incontrati a 300 m lo stesso giorno".
fn reason_text(r: &Reason, t: &Catalogue) -> String {
    fn pair<'a>(a: &'a str, b: &'a str) -> [(&'static str, &'a str); 2] {
        [("a", a), ("b", b)]
    }
    match r {
        Reason::SamePhone => t.dup_reason_same_phone.into(),
        Reason::Alias { a, b, how } => {
            let msg = match how {
                AliasMatch::Same => t.dup_reason_alias_same,
                AliasMatch::Transliteration => t.dup_reason_alias_transliteration,
                AliasMatch::Spelling => t.dup_reason_alias_spelling,
                AliasMatch::Phonetic => t.dup_reason_alias_phonetic,
                AliasMatch::Partial => t.dup_reason_alias_partial,
            };
            msg.args(&pair(a, b))
        }
        Reason::BirthYear { a, b } if a == b => t.dup_reason_same_year.with("a", &a.to_string()),
        Reason::BirthYear { a, b } => t
            .dup_reason_birth_year
            .args(&pair(&a.to_string(), &b.to_string())),
        Reason::SameGender { gender } => match gender {
            Gender::Woman => t.dup_reason_same_gender_woman,
            Gender::Man => t.dup_reason_same_gender_man,
            Gender::NonBinary => t.dup_reason_same_gender_non_binary,
            Gender::Unknown => t.dup_reason_same_gender_unknown,
        }
        .into(),
        Reason::SameCountry { country } => t
            .dup_reason_same_country
            .with("country", &t.country(country)),
        Reason::SharedLanguages { codes } => {
            let names = t.language_list(codes, ", ");
            t.dup_reason_shared_languages.with("languages", &names)
        }
        Reason::MetNear { metres, days } => {
            let distance = format!("{metres} m");
            match days {
                0 => t.dup_reason_met_same_day.with("distance", &distance),
                n => t
                    .dup_reason_met_days
                    .n_args(*n as usize, &[("distance", &distance)]),
            }
        }
        Reason::SameUsualPlace { place } => t.dup_reason_same_usual_place.with("place", place),
        Reason::SimilarPhone => t.dup_reason_similar_phone.into(),
        Reason::DifferentPhone => t.dup_reason_different_phone.into(),
        Reason::DifferentBirthYear { a, b } => t
            .dup_reason_different_birth_year
            .args(&pair(&a.to_string(), &b.to_string())),
        Reason::DifferentGender { a, b } => t
            .dup_reason_different_gender
            .args(&pair(t.gender_name(*a), t.gender_name(*b))),
        Reason::DifferentCountry { a, b } => t
            .dup_reason_different_country
            .args(&pair(&t.country(a), &t.country(b))),
        Reason::DifferentUsualPlace { a, b } => {
            t.dup_reason_different_usual_place.args(&pair(a, b))
        }
        Reason::Other => t.dup_reason_other.into(),
    }
}

/// The evidence of a pair: "A favore: …" and, if any, "Contro: …".
fn reasons_view(reasons: &[Reason], t: &Catalogue) -> AnyView {
    let join = |against: bool| {
        reasons
            .iter()
            .filter(|r| r.is_against() == against)
            .map(|r| reason_text(r, t))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let (pro, con) = (join(false), join(true));
    view! {
        {(!pro.is_empty()).then(|| view! { <span class="dup-for">{t.dup_for}": "{pro}</span> })}
        {(!con.is_empty()).then(|| view! { <br/><span class="dup-against">{t.dup_against}": "{con}</span> })}
    }
    .into_any()
}

/// One record of a pair in the list: its aliases, then team, birth year and contacts.
fn side_view(s: &DuplicateSide, t: &Catalogue) -> AnyView {
    let name = s
        .aliases
        .first()
        .cloned()
        .unwrap_or_else(|| t.person_anonymous.to_string());
    let others = s.aliases.iter().skip(1).cloned().collect::<Vec<_>>();
    let mut facts = vec![crate::teams::label(&s.team)];
    if let Some(y) = s.birth_year {
        facts.push(t.dup_born.with("year", &y.to_string()));
    }
    facts.push(t.dup_contacts.n(s.contacts as usize));
    view! {
        <strong>{name}</strong>
        {(!others.is_empty()).then(|| view! { " · "<span>{others.join(" · ")}</span> })}
        <br/><small>{facts.join(" · ")}</small>
    }
    .into_any()
}

/// The pair after `at` in `list` (the first after the last), if another one.
fn next_after(list: &[DuplicatePair], at: Key) -> Option<Key> {
    let i = list.iter().position(|p| key(p) == at)?;
    let next = list.get(i + 1).or_else(|| list.first()).map(key)?;
    (next != at).then_some(next)
}

/// A score as a whole percentage, never 100: the likeliest pair is still a judgement
/// (a new user's walk read "100%" as certain for a pair alike in name, place and year).
fn percent(score: f32) -> u32 {
    ((score.clamp(0.0, 1.0) * 100.0).floor() as u32).min(99)
}

/// `list` without the pair `done` and, when a record was merged away, without every
/// pair it was in; and the pair to open next: the one that took `done`'s place.
fn without(list: &mut Vec<DuplicatePair>, done: Key, merged: Option<DocId>) -> Option<Key> {
    let i = list.iter().position(|p| key(p) == done).unwrap_or(0);
    let gone =
        |p: &DuplicatePair| key(p) == done || merged.is_some_and(|m| p.a.id == m || p.b.id == m);
    // The first pair kept from `i` on, or else the first of all.
    let next = list[i.min(list.len())..]
        .iter()
        .chain(list.iter())
        .find(|p| !gone(p))
        .map(key);
    list.retain(|p| !gone(p));
    next
}

/// The pairs, and the one open. `refreshed` changes when the workspace's "refresh" is
/// pressed: the pairs are read again.
#[component]
pub(super) fn Duplicates(refreshed: RwSignal<u32>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let pairs = RwSignal::new(None::<Result<Vec<DuplicatePair>, ApiError>>);
    let open = RwSignal::new(None::<Key>);
    // What the last action did, said once (a message of the catalogue).
    let notice = RwSignal::new(None::<Notice>);
    // Bumped when a pair is judged or a judgement taken back: the list of judged pairs
    // is read again.
    let judged = RwSignal::new(0u32);
    let survivor = RwSignal::new(None::<DocId>);
    // The pair the address names (a reload, a link, Back or Forward), opened once the
    // pairs are read if it is among them.
    let wanted = RwSignal::new(super::route::pair_of(&super::route::current()));
    // What the notice above the list says stays until another pair is opened by hand: it
    // spoke of the last act (a new user's walk: "already merged" stayed above the next
    // pair's review, and contradicted what that review then said).
    let keep_notice = StoredValue::new(false);
    Effect::new(move |seen: Option<()>| {
        open.track();
        if seen.is_some() && !keep_notice.get_value() {
            notice.set(None);
        }
        keep_notice.set_value(false);
    });
    // Reads the pairs; `gone`, a record just merged away, is in none of them even if
    // the server's answer left before the merge reached it.
    let load_without = move |gone: Option<DocId>| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let res = api::duplicates(&s.token, &format!("limit={PAIRS}"))
                .await
                .map(|mut list| {
                    if let Some(m) = gone {
                        list.retain(|p| p.a.id != m && p.b.id != m);
                    }
                    list
                });
            pairs.set(Some(checked(ctx, res).await));
        });
    };
    let load = move || load_without(None);
    load();
    Effect::new(move |_| {
        let Some(at) = wanted.get() else { return };
        let listed = pairs.with(|p| match p {
            Some(Ok(list)) => Some(list.iter().any(|p| key(p) == at)),
            Some(Err(_)) => Some(false),
            None => None,
        });
        match listed {
            // Not read yet.
            None => {}
            Some(found) => {
                wanted.set(None);
                if found {
                    open.set(Some(at));
                } else {
                    // Judged or merged since: the address says what is shown.
                    super::route::write(&super::route::format_pair(open.get_untracked()), true);
                }
            }
        }
    });
    // Each pair opened is a step of the browser's history.
    Effect::new(move |seen: Option<()>| {
        let now = open.get();
        if seen.is_some() && wanted.get_untracked().is_none() {
            super::route::write(&super::route::format_pair(now), false);
        }
    });
    let moved = window_event_listener_untyped("hashchange", move |_| {
        let hash = super::route::current();
        if super::route::parse(&hash).is_some_and(|(t, _)| t == super::Tab::Duplicates) {
            let at = super::route::pair_of(&hash);
            if open.get_untracked() != at {
                if at.is_some() {
                    wanted.set(at);
                } else {
                    open.set(None);
                }
            }
        }
    });
    on_cleanup(move || moved.remove());
    Effect::new(move |seen: Option<u32>| {
        let n = refreshed.get();
        if seen.is_some_and(|s| s != n) {
            notice.set(None);
            open.set(None);
            load();
        }
        n
    });
    let done = move |at: Key, merged: Option<DocId>, said: Notice| {
        let mut next = None;
        pairs.update(|p| {
            if let Some(Ok(list)) = p {
                next = without(list, at, merged);
            }
        });
        notice.set(Some(said));
        keep_notice.set_value(true);
        // The person the pair became, one click away (its contacts, its merge history
        // and "Separa" are on its page).
        survivor.set(merged.map(|m| if at.0 == m { at.1 } else { at.0 }));
        open.set(next);
        judged.update(|n| *n += 1);
        // The survivor's other pairs now count the contacts of both and score anew
        // (a new user's walk: "Besnik · 2 contatti" after a merge that gave him 3).
        if merged.is_some() {
            load_without(merged);
        }
    };
    let skip = move |at: Key| {
        notice.set(None);
        let next = pairs.with_untracked(|p| match p {
            Some(Ok(list)) => next_after(list, at),
            _ => None,
        });
        open.set(next);
    };
    // The list changed under the reviewer (a pair already merged elsewhere).
    // Said above the list, where the review was (a new user's walk: the second desk's
    // merge of a pair the first had merged closed the review without a word).
    let stale = move |judged: bool| {
        keep_notice.set_value(true);
        open.set(None);
        load();
        survivor.set(None);
        notice.set(Some(Notice::Plain(if judged {
            |t: &Catalogue| t.dup_err_judged_meanwhile
        } else {
            |t: &Catalogue| t.dup_err_already_merged
        })));
    };
    let review = move || {
        let at = open.get()?;
        // Read again with the list: the pair's facts follow a merge of one of its
        // records.
        let pair = pairs.with(|p| match p {
            Some(Ok(list)) => list.iter().find(|p| key(p) == at).cloned(),
            _ => None,
        })?;
        // Esc in the review comes back to the pair's row (the review stays open); Esc
        // in the list closes it, as in the other lists (a new user's walk: Esc did
        // nothing here).
        let row = format!(
            "[data-testid=\"dup-pair\"][data-a=\"{}\"][data-b=\"{}\"]",
            at.0, at.1
        );
        Some(view! {
            <div on:keydown=move |ev| if ev.key() == "Escape" && let Some(el) = super::html_element(&row) {
                ev.prevent_default();
                let _ = el.focus();
            }>
            <Review pair=pair
                on_merged=Callback::new(move |(m, said): (DocId, Notice)| done(at, Some(m), said))
                on_not_same=Callback::new(move |()| done(at, None, Notice::Plain(|t: &Catalogue| t.dup_not_same_ok)))
                on_skip=Callback::new(move |()| skip(at))
                on_stale=Callback::new(stale)/>
            </div>
        })
    };
    view! {
        <div class="ws-duplicates" data-testid="ws-duplicates">
            <p class="hint">{move || t().dup_intro}</p>
            <p role="status" data-testid="dup-notice">{move || notice.get().map(|m| m.text(t()))}
                {move || notice.get().and(survivor.get()).map(|id| view! {
                    " "<a data-testid="dup-open-merged"
                        href=super::route::format(super::Tab::Persons, Some(super::Open::Person(id)))>
                        {t().dup_open_merged}</a>
                })}
            </p>
            {review}
            {move || match pairs.get() {
                None => view! { <p>{t().loading}</p> }.into_any(),
                Some(Err(e)) => super::unavailable(&e, t()),
                Some(Ok(list)) if list.is_empty() => view! { <p data-testid="dup-empty">{t().dup_empty}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div on:keydown=move |ev| if ev.key() == "Escape" && open.get_untracked().is_some() {
                        ev.prevent_default();
                        open.set(None);
                    }>{pairs_table(list, open, t())}</div>
                }.into_any(),
            }}
            <Judged changed=judged on_undone=Callback::new(move |()| load())/>
        </div>
    }
}

/// Every pair judged not one person, newest first, read when opened: each person a link
/// to their page, who judged, when and why, and the judgement taken back here (before,
/// only from one of the two persons' pages, which the reviewer had to find).
#[component]
fn Judged(changed: RwSignal<u32>, on_undone: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let shown = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let list = LocalResource::new(move || {
        changed.track();
        let open = shown.get();
        async move {
            if !open {
                return None;
            }
            Some(fetch::<JudgedPairs>(ctx, "/api/persons/not-same".into()).await)
        }
    });
    let toggled = move |ev: leptos::ev::Event| {
        let open = ev
            .target()
            .and_then(|el| js_sys::Reflect::get(&el, &"open".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        shown.set(open);
    };
    let undo = move |a: DocId, b: DocId| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let pair = NotSame { a, b, reason: None };
            let res = checked(ctx, api::not_same_undo(&s.token, &pair).await).await;
            failed.set(res.is_err());
            changed.try_update(|n| *n += 1);
            if res.is_ok() {
                on_undone.try_run(());
            }
        });
    };
    let reconciles = ctx
        .session
        .get_untracked()
        .is_some_and(|s| s.user.role.reconciles());
    let side = move |p: &JudgedSide, t: &'static Catalogue| {
        let name = p
            .name
            .clone()
            .unwrap_or_else(|| t.person_anonymous.to_string());
        let mut about: Vec<String> = p.team.iter().map(crate::teams::label).collect();
        about.extend(p.birth_year.map(|y| y.to_string()));
        let href = super::route::format(super::Tab::Persons, Some(super::Open::Person(p.id)));
        view! {
            <a href=href data-testid="dup-judged-person">{name}</a>
            {(!about.is_empty()).then(|| format!(" ({})", about.join(", ")))}
        }
    };
    view! {
        <details class="ws-judged" data-testid="dup-judged" on:toggle=toggled>
            <summary>{move || t().dup_judged_title}</summary>
            <p class="hint">{move || t().dup_judged_hint}</p>
            <Show when=move || failed.get()>
                <p class="error" role="alert">{move || t().ws_not_same_failed}</p>
            </Show>
            {move || {
                let t = t();
                let lang = ctx.lang.get();
                match list.get().flatten() {
                    None => shown.get().then(|| view! { <p>{t.loading}</p> }.into_any()),
                    Some(Err(e)) => Some(super::unavailable(&e, t)),
                    Some(Ok(l)) if l.items.is_empty() => Some(view! { <p data-testid="dup-judged-empty">{t.dup_judged_empty}</p> }.into_any()),
                    Some(Ok(l)) => {
                        let more = (l.total as usize > l.items.len())
                            .then(|| t.dup_judged_more.with("n", &l.items.len().to_string()));
                        let items = l.items.iter().map(|j| {
                            let (a, b) = (j.a.id, j.b.id);
                            let meta = t.ws_not_same_meta.args(&[
                                ("when", &when(&j.at, lang)),
                                ("by", j.by_name.as_deref().unwrap_or("—")),
                            ]);
                            let reason = (!j.reason.is_empty()).then(|| format!(": {}", j.reason));
                            view! {
                                <li data-testid="dup-judged-pair" data-a=a.to_string() data-b=b.to_string()>
                                    {side(&j.a, t)}" ≠ "{side(&j.b, t)}<br/>
                                    <small>{meta}{reason}</small>
                                    {reconciles.then(|| view! {
                                        " "<button type="button" class="secondary" data-testid="dup-judged-undo"
                                            on:click=move |_| undo(a, b)>{t.ws_not_same_undo}</button>
                                    })}
                                </li>
                            }
                        }).collect_view();
                        Some(view! {
                            <ul class="ws-merges" data-testid="dup-judged-list">{items}</ul>
                            {more.map(|m| view! { <p class="hint">{m}</p> })}
                        }.into_any())
                    }
                }
            }}
        </details>
    }
}

fn pairs_table(
    list: Vec<DuplicatePair>,
    open: RwSignal<Option<Key>>,
    t: &'static Catalogue,
) -> AnyView {
    // One tab stop for the list, as in the other lists (↑/↓ move within it): the open
    // pair's row, else the first.
    let keys: std::sync::Arc<Vec<Key>> = std::sync::Arc::new(list.iter().map(key).collect());
    let rows = list
        .into_iter()
        .map(|p| {
            let at = key(&p);
            let pct = percent(p.score);
            let keys = keys.clone();
            let stop = move || {
                let now = open.get();
                let here = now == Some(at)
                    || (keys.first() == Some(&at) && !now.is_some_and(|n| keys.contains(&n)));
                if here { "0" } else { "-1" }
            };
            view! {
                <tr tabindex=stop data-testid="dup-pair" data-a=p.a.id.to_string() data-b=p.b.id.to_string()
                    aria-selected=move || (open.get() == Some(at)).to_string()
                    on:click=move |_| open.set(Some(at)) on:keydown=row_keys>
                    <td>{side_view(&p.a, t)}</td>
                    <td>{side_view(&p.b, t)}</td>
                    <td>{t.dup_score.with("pct", &pct.to_string())}</td>
                    <td>{reasons_view(&p.reasons, t)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="ws-list table-wrap" tabindex="-1">
            <table data-testid="dup-pairs">
                <caption>{t.dup_pairs}</caption>
                <thead><tr>
                    <th scope="col">{t.dup_col_first}</th>
                    <th scope="col">{t.dup_col_second}</th>
                    <th scope="col">{t.dup_col_score}</th>
                    <th scope="col">{t.dup_col_reasons}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A field of [`MERGE_FIELDS`] as the reviewer reads it ("—" when not known).
fn merge_value(p: &PersonRecord, field: &str, t: &Catalogue) -> String {
    let text = match field {
        "birth_year" => birth_label(p, t),
        "gender" if p.gender == Gender::Unknown => String::new(),
        "gender" => t.gender_name(p.gender).into(),
        "country" => t.country(&p.country),
        "phone" => p.phone.clone().unwrap_or_default(),
        "documents" if p.documents == DocumentStatus::Unknown => String::new(),
        "documents" => t.documents_name(p.documents).into(),
        "usual_place" => p.usual_place.trim().into(),
        _ => String::new(),
    };
    if text.is_empty() { "—".into() } else { text }
}

/// Whose value is kept for `field` unless the reviewer chooses: the survivor's, or the
/// other's when the survivor has none.
fn default_keep(survivor: &PersonRecord, field: &str, t: &Catalogue) -> Keep {
    if merge_value(survivor, field, t) == "—" {
        Keep::Merged
    } else {
        Keep::Survivor
    }
}

/// The rows of the side-by-side table: a field's name and its value in each record.
fn compare_rows(
    a: &PersonPage,
    b: &PersonPage,
    t: &Catalogue,
    lang: crate::i18n::Lang,
) -> Vec<(&'static str, String, String)> {
    let languages = |p: &PersonRecord| t.language_list(&p.languages, ", ");
    let consent = |p: &PersonRecord| {
        format!(
            "{} · {}",
            t.consent_name(p.consent.status),
            when(&p.consent.at, lang)
        )
    };
    let latest = |p: &PersonPage| {
        p.contacts
            .iter()
            .take(LATEST)
            .map(|c| {
                format!(
                    "{} · {} · {}",
                    when(&c.occurred_at, lang),
                    crate::teams::label(&c.team),
                    needs_label(&c.needs, t)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (pa, pb) = (&a.person, &b.person);
    let mut rows = vec![(t.ws_aliases, pa.aliases.join(" · "), pb.aliases.join(" · "))];
    for f in MERGE_FIELDS {
        rows.push((
            t.ws_merge_field_names.get(f),
            merge_value(pa, f, t),
            merge_value(pb, f, t),
        ));
    }
    rows.extend([
        (t.ws_languages, languages(pa), languages(pb)),
        (t.ws_consent, consent(pa), consent(pb)),
        (
            t.col_team,
            crate::teams::label(&pa.team),
            crate::teams::label(&pb.team),
        ),
        (
            t.dup_contacts_count,
            a.contacts.len().to_string(),
            b.contacts.len().to_string(),
        ),
        (t.dup_latest_contacts, latest(a), latest(b)),
    ]);
    rows
}

/// The review of one pair, side by side.
#[component]
fn Review(
    pair: DuplicatePair,
    on_merged: Callback<(DocId, Notice)>,
    on_not_same: Callback<()>,
    on_skip: Callback<()>,
    on_stale: Callback<bool>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let (a_id, b_id) = key(&pair);
    // The evidence, beside the records it is read against (a new user's walk: only the
    // list's row said it).
    let reasons = pair.reasons.clone();
    let pages = LocalResource::new(move || async move {
        let a = fetch::<PersonPage>(ctx, format!("/api/persons/{a_id}")).await?;
        let b = fetch::<PersonPage>(ctx, format!("/api/persons/{b_id}")).await?;
        Ok::<_, ApiError>((a, b))
    });
    // Their open cases (a merge gives the survivor the cases of both: found by a review,
    // merging two persons each in charge gave no warning). Only the counts are used.
    let open_cases = LocalResource::new(move || async move {
        let count = |id: DocId| async move {
            fetch::<Vec<strada_shared::central::CaseRow>>(
                ctx,
                format!("/api/cases?status=open&person={id}"),
            )
            .await
            .map(|rows| rows.len())
        };
        Ok::<_, ApiError>((count(a_id).await?, count(b_id).await?))
    });
    let survivor = RwSignal::new(Side::A);
    // The values the reviewer chose, by field: the record whose value to keep.
    let picks = RwSignal::new(BTreeMap::<&'static str, Side>::new());
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // "Not the same person" asks once more: the pair is not proposed again.
    let confirming = RwSignal::new(false);
    // So does a merge, naming which record goes under which (a new user's walk: one
    // click merged two persons).
    let merging = RwSignal::new(false);
    // A merge of a record with consent and one without withdraws the survivor's consent
    // and erases its identifying data for good: the reviewer ticks that they know.
    let erase_ok = RwSignal::new(false);
    let heading = NodeRef::<leptos::html::H3>::new();
    // The review takes the focus when it opens (from the list, or after the last pair).
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });

    let record = move |side: Side| {
        pages.with(|p| {
            p.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|(a, b)| match side {
                    Side::A => a.person.clone(),
                    Side::B => b.person.clone(),
                })
        })
    };
    let withdraws = move || {
        let given = |side| {
            record(side).map(|p: PersonRecord| {
                p.consent.status == strada_shared::vocab::ConsentStatus::Given
            })
        };
        matches!((given(Side::A), given(Side::B)), (Some(a), Some(b)) if a != b)
    };
    // Both gave consent, to different partners: the merged person keeps the partners
    // both allow (found by a new user's walk: narrowed with no word said).
    let narrows_to = move || {
        let (a, b) = (record(Side::A)?, record(Side::B)?);
        let given = strada_shared::vocab::ConsentStatus::Given;
        if a.consent.status != given || b.consent.status != given {
            return None;
        }
        let mut pa = a.consent.partners.clone();
        let mut pb = b.consent.partners.clone();
        pa.sort();
        pb.sort();
        (pa != pb).then(|| {
            pa.into_iter()
                .filter(|p| pb.contains(p))
                .collect::<Vec<_>>()
        })
    };
    // Whose value of `field` is kept, as a side.
    let kept_side = move |field: &'static str, s: Side, rs: &PersonRecord| {
        picks.with(|p| p.get(field).copied()).unwrap_or_else(|| {
            match default_keep(rs, field, ctx.lang.get_untracked().t()) {
                Keep::Survivor => s,
                Keep::Merged => s.other(),
            }
        })
    };
    let differing = move || -> Vec<&'static str> {
        let tr = ctx.lang.get_untracked().t();
        match (record(Side::A), record(Side::B)) {
            (Some(a), Some(b)) => MERGE_FIELDS
                .into_iter()
                .filter(|f| merge_value(&a, f, tr) != merge_value(&b, f, tr))
                .collect(),
            _ => Vec::new(),
        }
    };

    let run = move |not_same: bool| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let (Some(ra), Some(rb)) = (record(Side::A), record(Side::B)) else {
            return;
        };
        let keep_s = survivor.get_untracked();
        let (rs, rm) = match keep_s {
            Side::A => (ra, rb),
            Side::B => (rb, ra),
        };
        let keep: BTreeMap<String, Keep> = differing()
            .into_iter()
            .map(|f| {
                let k = if kept_side(f, keep_s, &rs) == keep_s {
                    Keep::Survivor
                } else {
                    Keep::Merged
                };
                (f.to_string(), k)
            })
            .collect();
        let why = reason.get_untracked().trim().to_string();
        if !not_same && why.is_empty() {
            return;
        }
        // Said once merged, naming both (a new user's walk: "Schede unite." named
        // neither, above the next pair).
        let said = {
            let tr = ctx.lang.get_untracked().t();
            let name = |r: &PersonRecord| {
                format!("{} ({})", first_alias(r, tr), crate::teams::label(&r.team))
            };
            Notice::Merged {
                merged: name(&rm),
                survivor: name(&rs),
            }
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let res = if not_same {
                let pair = NotSame {
                    a: a_id,
                    b: b_id,
                    reason: Some(why).filter(|w| !w.is_empty()),
                };
                checked(ctx, api::not_same(&s.token, &pair).await)
                    .await
                    .map(|()| None)
            } else {
                let req = MergeRequest {
                    survivor: rs.id,
                    merged: rm.id,
                    reason: why,
                    keep,
                    withdraw_consent: erase_ok.get_untracked(),
                };
                checked(ctx, api::merge(&s.token, &req).await)
                    .await
                    .map(|m| Some(m.merged))
            };
            busy.set(false);
            match res {
                // The review may have closed meanwhile (skipped, another tab): its
                // callbacks are then gone, and so is what they would redraw.
                Ok(Some(merged)) => {
                    on_merged.try_run((merged, said));
                }
                Ok(None) => {
                    on_not_same.try_run(());
                }
                // Merged, or judged not the same, from another desk meanwhile: the list
                // is read again and says so (a new user's walk: the second desk's merge
                // of a pair the first had judged kept the pair and its button).
                Err(e) if matches!(e.code(), Some("already_merged" | "judged_not_same")) => {
                    let judged = e.code() == Some("judged_not_same");
                    error.set(Some(e));
                    on_stale.try_run(judged);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let column = move |side: Side| {
        let id = format!("dup-survivor-{}", side.code());
        let name = move || {
            record(side)
                .map(|r| first_alias(&r, t()))
                .unwrap_or_default()
        };
        view! {
            <th scope="col" data-testid=format!("dup-col-{}", side.code())>
                <strong>{name}</strong><br/>
                <label class="choice" for=id.clone()>
                    // Named with its person too: both read «Resta questa scheda» (a new
                    // user's walk with a screen reader).
                    <input type="radio" name="dup-survivor" id=id.clone() data-testid=id.clone()
                        aria-label=move || format!("{} — {}", t().dup_survivor, name())
                        prop:checked=move || survivor.get() == side
                        on:change=move |_| survivor.set(side)/>
                    {move || t().dup_survivor}
                </label>
            </th>
        }
    };

    let keep_choices = move || {
        let tr = t();
        let s = survivor.get();
        let (Some(rs), Some(rm)) = (record(s), record(s.other())) else {
            return None;
        };
        let fields = differing();
        if fields.is_empty() {
            return Some(
                view! { <p class="hint" data-testid="dup-keep-none">{tr.dup_keep_none}</p> }
                    .into_any(),
            );
        }
        Some(
            fields
                .into_iter()
                .map(|f| {
                    let chosen = kept_side(f, s, &rs);
                    let options = [(s, Keep::Survivor, &rs), (s.other(), Keep::Merged, &rm)].map(|(side, k, r)| {
                        let testid = format!("dup-keep-{f}-{}", keep_code(k));
                        let checked = chosen == side;
                        let label = tr.dup_keep_from.args(&[
                            ("value", &merge_value(r, f, tr)),
                            // The team too: two records of one name are told apart
                            // (found by a new user's walk: "1973 (da Ilir)").
                            ("name", &format!("{}, {}", first_alias(r, tr), crate::teams::label(&r.team))),
                        ]);
                        view! {
                            <label class="choice">
                                <input type="radio" name=format!("dup-keep-{f}") data-testid=testid
                                    prop:checked=checked
                                    on:change=move |_| picks.update(|p| { p.insert(f, side); })/>
                                " "{label}
                            </label>
                        }
                    });
                    view! {
                        <fieldset data-testid="dup-keep" data-field=f>
                            <legend>{tr.ws_merge_field_names.get(f)}</legend>
                            {options.into_iter().collect_view()}
                        </fieldset>
                    }
                })
                .collect_view()
                .into_any(),
        )
    };

    let table = move || {
        pages.get().map(|res| match res {
            Err(e) => super::unavailable(&e, t()).into_any(),
            Ok((a, b)) => {
                let tr = t();
                let rows = compare_rows(&a, &b, tr, ctx.lang.get_untracked());
                view! {
                    <div class="table-wrap" tabindex="-1">
                        <table class="dup-compare" data-testid="dup-compare">
                            <caption>{tr.dup_compare}</caption>
                            <thead><tr>
                                <th scope="col">{tr.dup_field}</th>
                                {column(Side::A)}
                                {column(Side::B)}
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(name, va, vb)| {
                                    let differs = va != vb;
                                    view! {
                                        <tr class:dup-differs=differs>
                                            <th scope="row">{name}</th>
                                            <td class="dup-value">{va}</td>
                                            <td class="dup-value">{vb}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        })
    };

    view! {
        <section class="card dup-review" data-testid="dup-review" aria-labelledby="dup-review-title">
            <h3 id="dup-review-title" tabindex="-1" node_ref=heading>{move || t().dup_review}</h3>
            <div class="dup-review-reasons" data-testid="dup-review-reasons">
                {move || reasons_view(&reasons, t())}
            </div>
            {move || table().unwrap_or_else(|| view! { <p>{t().loading}</p> }.into_any())}
            <h4>{move || t().dup_keep_title}</h4>
            {keep_choices}
            <label for="dup-reason">{move || t().dup_reason}</label>
            <textarea id="dup-reason" data-testid="dup-reason" rows="3" maxlength="500"
                aria-describedby="dup-reason-hint"
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            <p id="dup-reason-hint" class="hint">{move || t().dup_reason_hint}</p>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert" data-testid="dup-error">
                    {move || error.with(|e| e.as_ref().map(|e| error_text(e, t())))}
                </p>
            </Show>
            {move || {
                let tr = t();
                let (a, b) = open_cases.get().and_then(Result::ok)?;
                let text = match (a, b) {
                    (0, 0) => return None,
                    (1.., 1..) => tr.dup_cases_both.to_string(),
                    // Named with the team: the two records often bear one name.
                    (1.., 0) => tr.dup_cases_one.with("name", &record(Side::A).map(|r| format!("{} ({})", first_alias(&r, tr), crate::teams::label(&r.team))).unwrap_or_default()),
                    (0, 1..) => tr.dup_cases_one.with("name", &record(Side::B).map(|r| format!("{} ({})", first_alias(&r, tr), crate::teams::label(&r.team))).unwrap_or_default()),
                };
                Some(view! { <p class="warning" role="note" data-testid="dup-cases">{text}</p> })
            }}
            {move || narrows_to().map(|common| {
                let tr = t();
                let names = if common.is_empty() {
                    tr.dup_narrows_none.to_string()
                } else {
                    crate::contact_entry::partner_names(&common, tr)
                };
                view! {
                    <p class="warning" role="note" data-testid="dup-narrows">{tr.dup_narrows.with("partners", &names)}</p>
                }
            })}
            <Show when=withdraws>
                <div class="warning" data-testid="dup-withdraws">
                    <p>{move || t().dup_withdraws}</p>
                    <label class="choice">
                        <input type="checkbox" data-testid="dup-withdraws-ok" prop:checked=move || erase_ok.get()
                            on:change=move |ev| erase_ok.set(event_target_checked(&ev))/>
                        {move || t().dup_withdraws_ok}
                    </label>
                </div>
            </Show>
            <div class="row ws-actions">
                <button type="button" data-testid="dup-merge"
                    aria-expanded=move || merging.get().to_string()
                    on:click=move |_| { confirming.set(false); merging.set(true); request_animation_frame(|| {
                        if let Some(el) = super::html_element("[data-testid=\"dup-merge-confirm\"]") { let _ = el.focus(); }
                    }); }
                    disabled=move || busy.get() || reason.with(|r| r.trim().is_empty()) || record(Side::A).is_none()
                        || (withdraws() && !erase_ok.get())>
                    {move || t().dup_merge}
                </button>
                <button type="button" class="secondary" data-testid="dup-not-same"
                    aria-expanded=move || confirming.get().to_string()
                    on:click=move |_| { merging.set(false); confirming.set(true); request_animation_frame(|| {
                        if let Some(el) = super::html_element("[data-testid=\"dup-not-same-confirm\"]") { let _ = el.focus(); }
                    }); }
                    disabled=move || busy.get()>{move || t().dup_not_same}</button>
                <button type="button" class="secondary" data-testid="dup-skip" on:click=move |_| on_skip.run(())>
                    {move || t().dup_skip}
                </button>
            </div>
            <Show when=move || merging.get()>
                <div class="warning" role="group" aria-labelledby="dup-merge-q" data-testid="dup-merge-box">
                    <p id="dup-merge-q">{move || {
                        let tr = t();
                        let s = survivor.get();
                        let name = |side| record(side).map(|r| format!("{} ({})", first_alias(&r, tr), crate::teams::label(&r.team))).unwrap_or_default();
                        tr.dup_merge_confirm.args(&[("merged", &name(s.other())), ("survivor", &name(s))])
                    }}</p>
                    <div class="row ws-actions">
                        <button type="button" data-testid="dup-merge-confirm"
                            on:click=move |_| { merging.set(false); run(false) }
                            disabled=move || busy.get() || reason.with(|r| r.trim().is_empty())>
                            {move || t().dup_merge_yes}</button>
                        <button type="button" class="secondary" on:click=move |_| {
                            merging.set(false);
                            if let Some(el) = super::html_element("[data-testid=\"dup-merge\"]") { let _ = el.focus(); }
                        }>{move || t().dup_not_same_cancel}</button>
                    </div>
                </div>
            </Show>
            <Show when=move || confirming.get()>
                <div class="warning" role="group" aria-labelledby="dup-not-same-q" data-testid="dup-not-same-box">
                    <p id="dup-not-same-q">{move || t().dup_not_same_confirm}</p>
                    <div class="row ws-actions">
                        <button type="button" class="danger" data-testid="dup-not-same-confirm"
                            on:click=move |_| { confirming.set(false); run(true) } disabled=move || busy.get()>
                            {move || t().dup_not_same_yes}</button>
                        <button type="button" class="secondary" on:click=move |_| {
                            confirming.set(false);
                            if let Some(el) = super::html_element("[data-testid=\"dup-not-same\"]") { let _ = el.focus(); }
                        }>{move || t().dup_not_same_cancel}</button>
                    </div>
                </div>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn reasons_read_as_short_phrases_in_italian_and_english() {
        let (it, en) = (Lang::It.t(), Lang::En.t());
        assert_eq!(reason_text(&Reason::SamePhone, it), "stesso telefono");
        let alias = Reason::Alias {
            a: "Mohamed".into(),
            b: "محمد".into(),
            how: AliasMatch::Transliteration,
        };
        assert_eq!(reason_text(&alias, it), "Mohamed ≈ محمد (altro alfabeto)");
        assert_eq!(reason_text(&alias, en), "Mohamed ≈ محمد (another script)");
        let years = Reason::BirthYear { a: 1990, b: 1991 };
        assert_eq!(reason_text(&years, it), "nati nel 1990 / 1991");
        assert_eq!(reason_text(&years, en), "born 1990 / 1991");
        let near = Reason::MetNear {
            metres: 300,
            days: 0,
        };
        assert_eq!(
            reason_text(&near, it),
            "incontrati a 300 m lo stesso giorno"
        );
        assert_eq!(reason_text(&near, en), "met 300 m apart on the same day");
        let later = Reason::MetNear {
            metres: 40,
            days: 2,
        };
        assert_eq!(
            reason_text(&later, it),
            "incontrati a 40 m a 2 giorni di distanza"
        );
        let genders = Reason::DifferentGender {
            a: Gender::Woman,
            b: Gender::Man,
        };
        assert_eq!(reason_text(&genders, it), "genere diverso: Donna / Uomo");
        let langs = Reason::SharedLanguages {
            codes: vec!["ar".into(), "fr".into()],
        };
        assert!(reason_text(&langs, en).starts_with("both speak "));
        // A name holding a placeholder is written as it is.
        let odd = Reason::Alias {
            a: "{$b}".into(),
            b: "x".into(),
            how: AliasMatch::Same,
        };
        assert_eq!(reason_text(&odd, en), "{$b} = x");
        // Part of a name only (a second independent check read «Gurpreet Singh =
        // Amandeep Singh»), and a phone one digit off.
        let part = Reason::Alias {
            a: "Gurpreet Singh".into(),
            b: "Amandeep Singh".into(),
            how: AliasMatch::Partial,
        };
        assert_eq!(
            reason_text(&part, it),
            "Gurpreet Singh ~ Amandeep Singh (solo una parte del nome)"
        );
        assert_eq!(
            reason_text(&Reason::SimilarPhone, it),
            "telefoni quasi uguali: una sola cifra diversa"
        );
    }

    fn side(n: u8) -> DuplicateSide {
        DuplicateSide {
            id: DocId::new_v7(1_760_000_000_000, [n; 10]),
            external_id: None,
            team: strada_shared::ids::TeamId::parse("t").unwrap(),
            aliases: vec![format!("P{n}")],
            birth_year: None,
            contacts: 0,
        }
    }

    fn pair(a: u8, b: u8) -> DuplicatePair {
        DuplicatePair {
            a: side(a),
            b: side(b),
            score: 0.9,
            reasons: vec![],
        }
    }

    #[test]
    fn a_score_shows_as_a_percentage_short_of_certainty() {
        assert_eq!(percent(1.0), 99);
        assert_eq!(percent(0.998), 99);
        assert_eq!(percent(0.5), 50);
        assert_eq!(percent(0.509), 50);
        assert_eq!(percent(f32::NAN), 0);
    }

    #[test]
    fn a_pair_done_leaves_the_list_with_every_pair_of_the_merged_record() {
        let mut list = vec![pair(1, 2), pair(2, 3), pair(4, 5), pair(6, 2)];
        let merged = side(2).id;
        let next = without(&mut list, key(&pair(1, 2)), Some(merged));
        assert_eq!(
            list.iter().map(key).collect::<Vec<_>>(),
            vec![key(&pair(4, 5))]
        );
        assert_eq!(next, Some(key(&pair(4, 5))), "the next pair opens");
        // Judged not the same: only that pair goes; the last one done opens the first.
        let mut list = vec![pair(1, 2), pair(3, 4)];
        assert_eq!(
            without(&mut list, key(&pair(3, 4)), None),
            Some(key(&pair(1, 2)))
        );
        assert_eq!(without(&mut list, key(&pair(1, 2)), None), None);
        assert!(list.is_empty());
    }

    #[test]
    fn skipping_moves_to_the_next_pair_and_around() {
        let list = vec![pair(1, 2), pair(3, 4)];
        assert_eq!(next_after(&list, key(&list[0])), Some(key(&list[1])));
        assert_eq!(next_after(&list, key(&list[1])), Some(key(&list[0])));
        assert_eq!(next_after(&list[..1], key(&list[0])), None);
    }
}
