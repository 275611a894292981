//! The workspace's address: the tab, and the record open beside its list
//! (`#/centrale/persone/persona/<id>`). Each tab chosen and each record opened is a
//! step of the browser's history, so Back and Forward move between them (before, Back
//! left the workspace), and an address reloaded or pasted opens them again once the
//! device is unlocked. Ids only: no name is ever written in an address (it would stay
//! in the browser's history and a proxy's log).

use strada_shared::ids::DocId;

use super::{Open, Tab};

/// The workspace's own address, without a tab.
pub(super) const BASE: &str = "#/centrale";

fn tab_slug(tab: Tab) -> &'static str {
    match tab {
        Tab::Persons => "persone",
        Tab::Contacts => "contatti",
        Tab::Referrals => "invii",
        Tab::Review => "da-rivedere",
        Tab::Duplicates => "doppioni",
        Tab::Cases => "casi",
        Tab::JobOffers => "offerte",
        Tab::Rules => "regole",
        Tab::Dashboard => "cruscotto",
        Tab::Report => "rapporto",
    }
}

const TABS: [Tab; 10] = [
    Tab::Persons,
    Tab::Contacts,
    Tab::Referrals,
    Tab::Review,
    Tab::Duplicates,
    Tab::Cases,
    Tab::JobOffers,
    Tab::Rules,
    Tab::Dashboard,
    Tab::Report,
];

fn open_parts(open: Open) -> (&'static str, DocId) {
    match open {
        Open::Person(id) => ("persona", id),
        Open::Contact(id) => ("contatto", id),
        Open::Referral(id) => ("invio", id),
        Open::Case(id) => ("caso", id),
    }
}

/// Which record beside a list a tab shows: the lists share one (it stays open from
/// one list to the next), the cases and "Da rivedere" have their own; the other tabs
/// none.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Detail {
    Lists,
    Cases,
    Review,
}

pub(super) fn detail_of(tab: Tab) -> Option<Detail> {
    match tab {
        Tab::Persons | Tab::Contacts | Tab::Referrals => Some(Detail::Lists),
        Tab::Cases => Some(Detail::Cases),
        Tab::Review => Some(Detail::Review),
        Tab::Duplicates | Tab::JobOffers | Tab::Rules | Tab::Dashboard | Tab::Report => None,
    }
}

/// The address of a tab and of the record open beside its list.
pub(super) fn format(tab: Tab, open: Option<Open>) -> String {
    let mut s = format!("{BASE}/{}", tab_slug(tab));
    if let Some(o) = open.filter(|_| detail_of(tab).is_some()) {
        let (kind, id) = open_parts(o);
        s.push_str(&format!("/{kind}/{id}"));
    }
    s
}

/// The address of "Doppioni" with a pair open for review
/// (`#/centrale/doppioni/coppia/<id>/<id>`), or without one.
pub(super) fn format_pair(pair: Option<(DocId, DocId)>) -> String {
    let mut s = format!("{BASE}/{}", tab_slug(Tab::Duplicates));
    if let Some((a, b)) = pair {
        s.push_str(&format!("/coppia/{a}/{b}"));
    }
    s
}

/// The pair an address of "Doppioni" names, if any.
pub(super) fn pair_of(hash: &str) -> Option<(DocId, DocId)> {
    let rest = hash
        .strip_prefix(&format_pair(None))?
        .strip_prefix("/coppia/")?;
    let (a, b) = rest.split_once('/')?;
    Some((DocId::parse(a).ok()?, DocId::parse(b).ok()?))
}

/// What an address names: the tab, and the record open in a list (`None` when the list
/// has none open). `None` for the bare workspace address and for anything else (an
/// unknown tab, a malformed id): the caller keeps what is shown.
pub(super) fn parse(hash: &str) -> Option<(Tab, Option<Open>)> {
    let rest = hash.strip_prefix(BASE)?.strip_prefix('/')?;
    let mut parts = rest.split('/');
    let slug = parts.next()?;
    let tab = TABS.into_iter().find(|t| tab_slug(*t) == slug)?;
    // A pair open in "Doppioni" is the tab's own (see [`pair_of`]).
    if tab == Tab::Duplicates && pair_of(hash).is_some() {
        return Some((tab, None));
    }
    let open = match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => None,
        (Some(kind), Some(id), None) if detail_of(tab).is_some() => {
            let id = DocId::parse(id).ok()?;
            Some(match kind {
                "persona" => Open::Person(id),
                "contatto" => Open::Contact(id),
                "invio" => Open::Referral(id),
                "caso" => Open::Case(id),
                _ => return None,
            })
        }
        _ => return None,
    };
    Some((tab, open))
}

/// «Gestione»'s address (`pages::central`: the exchange files, the devices and the
/// accounts, a page of their own): the workspace, hidden meanwhile, leaves it as it is.
pub(crate) const ADMIN: &str = "#/centrale/gestione";

/// Whether «Gestione» is shown: the address is its own and the role `administers`
/// (for any other role it is an address naming nothing).
pub(crate) fn shows_admin(administers: bool) -> bool {
    administers && current() == ADMIN
}

/// The address the browser shows now.
pub(crate) fn current() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Shows `hash` as the address: a new step of the history, or in place of the current
/// one (`replace`). Nothing when it is already shown. Neither fires `hashchange`.
pub(super) fn write(hash: &str, replace: bool) {
    if current() == hash {
        return;
    }
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let state = wasm_bindgen::JsValue::NULL;
    let _ = if replace {
        history.replace_state_with_url(&state, "", Some(hash))
    } else {
        history.push_state_with_url(&state, "", Some(hash))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_and_record_reads_back_from_its_address() {
        let id = DocId::new_v7(1_700_000_000_000, [7; 10]);
        for tab in TABS {
            assert_eq!(parse(&format(tab, None)), Some((tab, None)));
            for open in [
                Open::Person(id),
                Open::Contact(id),
                Open::Referral(id),
                Open::Case(id),
            ] {
                let back = parse(&format(tab, Some(open)));
                // Only the tabs with a list show a record beside it.
                let expected = detail_of(tab).map(|_| open);
                assert_eq!(back, Some((tab, expected)));
            }
        }
        assert_eq!(
            format(Tab::Persons, Some(Open::Person(id))),
            format!("#/centrale/persone/persona/{id}")
        );
        assert_eq!(
            format(Tab::Cases, Some(Open::Case(id))),
            format!("#/centrale/casi/caso/{id}")
        );
        assert_eq!(
            format(Tab::Duplicates, Some(Open::Person(id))),
            "#/centrale/doppioni"
        );
    }

    #[test]
    fn a_pair_in_doppioni_reads_back_from_its_address() {
        let (a, b) = (
            DocId::new_v7(1_700_000_000_000, [7; 10]),
            DocId::new_v7(1_700_000_000_001, [8; 10]),
        );
        let hash = format_pair(Some((a, b)));
        assert_eq!(hash, format!("#/centrale/doppioni/coppia/{a}/{b}"));
        assert_eq!(pair_of(&hash), Some((a, b)));
        assert_eq!(parse(&hash), Some((Tab::Duplicates, None)));
        assert_eq!(format_pair(None), "#/centrale/doppioni");
        for other in [
            format!("#/centrale/doppioni/coppia/{a}"),
            format!("#/centrale/doppioni/coppia/{a}/x"),
            format!("#/centrale/persone/coppia/{a}/{b}"),
        ] {
            assert_eq!(pair_of(&other), None, "{other}");
        }
    }

    #[test]
    fn other_addresses_name_nothing() {
        let id = DocId::new_v7(1_700_000_000_000, [7; 10]);
        for hash in [
            "",
            "#/",
            "#/centrale",
            "#/centrale/",
            "#/centrale/nowhere",
            "#/centrali/persone",
            "#/centrale/persone/persona",
            "#/centrale/persone/persona/not-an-id",
            "#/centrale/persone/someone/00000000-0000-0000-0000-000000000000",
            &format!("#/centrale/persone/persona/{id}/more"),
            &format!("#/centrale/doppioni/persona/{id}"),
        ] {
            assert_eq!(parse(hash), None, "{hash}");
        }
    }
}
