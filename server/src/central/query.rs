//! Filters, sorting and cursor pagination over the central index.
//!
//! A list request's parameters (all optional):
//! - `q`: search in every alias, any script, transliteration-insensitive (as on the
//!   phone); a contact matches by its person's aliases or its own alias, a referral by
//!   its person's, its contact's or its partner.
//! - `team`: the record's team; for a person, their own team or a team that met them.
//! - `from`, `to`: days (`YYYY-MM-DD`, inclusive, on Rome's clock): a contact's
//!   `occurred_at`, a referral's creation; a person met (a contact) in the period.
//! - `channel`, `sector`, `need`, `indicator` (codes): a contact recording it; a person
//!   with such a contact.
//! - `consent` (code): a person's or a contact's consent status.
//! - `status`, `partner` (referrals): the status the history leads to; the partner's
//!   name or directory id (folded, part of it).
//! - `person`, `contact` (ids): records of that person; referrals of that contact.
//! - `sort`: contacts and referrals `newest` (default) or `oldest`; referrals also
//!   `waiting` (longest in their status first); persons `relevance` (the default: with
//!   a search, the persons matching as typed before those matching only by
//!   transliteration, then as `recent`; without a search, as `recent`), `recent` (latest
//!   contact first), `name`, `newest` (first recorded).
//! - `cursor`: the `next` of the page before (a key and an id, never a name: the name
//!   sort's cursor names the person, whose name is read back); `limit`: 1..=200
//!   (default 50).
//!
//! Unknown parameters and malformed values are refused with the parameter's name (never
//! its value: a search may be a name).

use std::collections::HashSet;

use chrono::{NaiveDate, TimeZone};
use strada_shared::central::{DEFAULT_PAGE, MAX_PAGE, MAX_QUERY_CHARS};
use strada_shared::domain::NeedCategory;
use strada_shared::ids::{DocId, TeamId};
use strada_shared::schema::ReferralStatus;
use strada_shared::search::{Query, fold};
use strada_shared::vocab::{Channel, Code, ConsentStatus, Indicator, Sector};

use super::{ContactRow, Index, indicator_bit, need_bit};

/// What a list request asks for, validated.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: Option<Query>,
    pub team: Option<TeamId>,
    /// Unix ms, inclusive.
    pub from: Option<i64>,
    /// Unix ms, exclusive (the start of the day after `to`).
    pub until: Option<i64>,
    pub channel: Option<Channel>,
    pub sector: Option<Sector>,
    pub need: Option<NeedCategory>,
    pub indicator: Option<Indicator>,
    pub consent: Option<ConsentStatus>,
    pub status: Option<ReferralStatus>,
    pub partner: Option<String>,
    /// The directory services whose organisation's name holds `partner` (folded).
    pub partner_services: Vec<String>,
    pub person: Option<DocId>,
    pub contact: Option<DocId>,
    pub sort: Option<String>,
    pub cursor: Option<Cursor>,
    pub limit: usize,
}

/// Where a page ends: the sort key and the id of its last record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub key: Key,
    pub id: DocId,
}

/// A sort key: a time (or a rank and a time) or a folded name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Int(i64),
    Text(String),
    /// A cursor's name key, read back from the index by the cursor's id: a cursor
    /// travels in addresses (logs, history), so it never carries a name.
    NameOf,
}

impl Cursor {
    pub fn encode(&self) -> String {
        match &self.key {
            Key::Int(n) => format!("i{n}.{}", self.id),
            Key::Text(_) | Key::NameOf => format!("n.{}", self.id),
        }
    }

    fn decode(s: &str) -> Option<Cursor> {
        let (key, id) = s.rsplit_once('.')?;
        let id = DocId::parse(id).ok()?;
        let key = match key.split_at_checked(1)? {
            ("i", n) => Key::Int(n.parse().ok()?),
            ("n", "") => Key::NameOf,
            _ => return None,
        };
        Some(Cursor { key, id })
    }
}

/// The rank of a search match in the key of the `relevance` sort, above any time (unix
/// ms stay below 2^44 until the year 2527).
const RANK: i64 = 1 << 44;

/// A refused parameter: its name and what is wrong, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFilter {
    pub code: &'static str,
    pub message: String,
}

fn bad(param: &str, what: &str) -> BadFilter {
    BadFilter {
        code: "invalid_filter",
        message: format!("`{param}`: {what}"),
    }
}

/// The start of a day on Rome's clock, in Unix ms.
pub fn rome_day_start(day: NaiveDate) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono_tz::Europe::Rome
        .from_local_datetime(&midnight)
        .earliest()
        .map(|d| d.timestamp_millis())
        // Midnight never falls in Rome's DST gap (02:00–03:00); kept total anyway.
        .unwrap_or_else(|| midnight.and_utc().timestamp_millis())
}

pub fn parse_day(param: &str, v: &str) -> Result<NaiveDate, BadFilter> {
    // Four digits of year, no sign (chrono reads «-2026-01-01» as a year before Christ:
    // an attacker's probe got every record for it).
    let shaped = v.len() == 10 && v.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .filter(|_| shaped)
        .ok_or_else(|| bad(param, "expected a date YYYY-MM-DD"))
}

fn code<T: Code>(param: &str, v: &str) -> Result<T, BadFilter> {
    T::from_code(v).ok_or_else(|| {
        let codes: Vec<&str> = T::ALL.iter().map(|c| c.code()).collect();
        bad(param, &format!("expected one of {}", codes.join(", ")))
    })
}

/// The parameters each list accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Persons,
    Contacts,
    Referrals,
}

impl List {
    /// The query parameters of the list beyond those of every list ([`List::COMMON`]).
    pub fn own_params(self) -> &'static [&'static str] {
        match self {
            List::Persons => &["channel", "sector", "need", "indicator", "consent"],
            List::Contacts => &[
                "channel",
                "sector",
                "need",
                "indicator",
                "consent",
                "person",
            ],
            List::Referrals => &["need", "status", "partner", "person", "contact"],
        }
    }

    /// The query parameters of every list.
    pub const COMMON: &'static [&'static str] =
        &["q", "team", "from", "to", "sort", "cursor", "limit"];

    fn accepts(self, param: &str) -> bool {
        List::COMMON.contains(&param) || self.own_params().contains(&param)
    }

    pub(crate) fn sorts(self) -> &'static [&'static str] {
        match self {
            List::Persons => &["relevance", "recent", "name", "newest"],
            List::Contacts => &["newest", "oldest"],
            List::Referrals => &["newest", "oldest", "waiting"],
        }
    }
}

impl Filter {
    /// Reads a list request's query parameters.
    pub fn parse(list: List, params: &[(String, String)]) -> Result<Filter, BadFilter> {
        let mut f = Filter {
            limit: DEFAULT_PAGE,
            ..Filter::default()
        };
        let mut seen = HashSet::new();
        let (mut from, mut to) = (None, None);
        for (k, v) in params {
            if !list.accepts(k) {
                return Err(BadFilter {
                    code: "unknown_filter",
                    message: format!(
                        "`{}` is not a filter of this list",
                        crate::exchange::line::reported_key(k)
                    ),
                });
            }
            if !seen.insert(k.as_str()) {
                return Err(bad(k, "given twice"));
            }
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "q" | "partner" if v.chars().any(char::is_control) => {
                    return Err(bad(k, "holds a control character"));
                }
                "q" => {
                    if v.chars().count() > MAX_QUERY_CHARS {
                        return Err(bad(k, "at most 200 characters"));
                    }
                    let q = Query::parse(v);
                    f.q = (!q.is_empty()).then_some(q);
                }
                "team" => f.team = Some(TeamId::parse(v).map_err(|_| bad(k, "not a team id"))?),
                "from" => from = Some(parse_day(k, v)?),
                "to" => to = Some(parse_day(k, v)?),
                "channel" => f.channel = Some(code(k, v)?),
                "sector" => f.sector = Some(code(k, v)?),
                "indicator" => f.indicator = Some(code(k, v)?),
                "consent" => f.consent = Some(code(k, v)?),
                "need" => {
                    f.need = Some(
                        NeedCategory::ALL
                            .into_iter()
                            .find(|n| n.code() == v)
                            .ok_or_else(|| bad(k, "not a need code"))?,
                    )
                }
                "status" => {
                    f.status = Some(
                        ReferralStatus::ALL
                            .iter()
                            .copied()
                            .find(|s| s.code() == v)
                            .ok_or_else(|| bad(k, "not a referral status"))?,
                    )
                }
                "partner" => {
                    if v.chars().count() > MAX_QUERY_CHARS {
                        return Err(bad(k, "at most 200 characters"));
                    }
                    f.partner = Some(fold(v));
                }
                "person" => f.person = Some(DocId::parse(v).map_err(|_| bad(k, "not an id"))?),
                "contact" => f.contact = Some(DocId::parse(v).map_err(|_| bad(k, "not an id"))?),
                "sort" => {
                    if !list.sorts().contains(&v) {
                        return Err(bad(
                            k,
                            &format!("expected one of {}", list.sorts().join(", ")),
                        ));
                    }
                    f.sort = Some(v.to_string());
                }
                "cursor" => {
                    f.cursor = Some(Cursor::decode(v).ok_or_else(|| bad(k, "not a cursor"))?)
                }
                "limit" => {
                    f.limit = v
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| bad(k, &format!("expected a number 1..={MAX_PAGE}")))?
                }
                _ => unreachable!("accepted above"),
            }
        }
        if let (Some(a), Some(b)) = (from, to)
            && a > b
        {
            return Err(bad("from", "after `to`"));
        }
        f.from = from.map(rome_day_start);
        f.until = to.and_then(|d| d.succ_opt()).map(rome_day_start);
        Ok(f)
    }

    fn in_period(&self, ms: i64) -> bool {
        self.from.is_none_or(|f| ms >= f) && self.until.is_none_or(|u| ms < u)
    }

    fn has_contact_filters(&self) -> bool {
        self.from.is_some()
            || self.until.is_some()
            || self.channel.is_some()
            || self.sector.is_some()
            || self.need.is_some()
            || self.indicator.is_some()
    }

    /// A contact's own fields against the filters that concern contacts (team, consent,
    /// person and search aside).
    fn contact_fields(&self, c: &ContactRow) -> bool {
        self.in_period(c.occurred_at)
            && self.channel.is_none_or(|x| c.channel == x)
            && self.sector.is_none_or(|x| c.sector == Some(x))
            && self.need.is_none_or(|n| c.needs & need_bit(n) != 0)
            && self
                .indicator
                .is_none_or(|i| c.indicators & indicator_bit(i) != 0)
    }
}

/// One page of ids, the total, and the cursor of the next page.
#[derive(Debug)]
pub struct Found {
    pub ids: Vec<DocId>,
    pub total: u64,
    pub next: Option<Cursor>,
}

/// The persons whose aliases match the search (all of them without one).
/// A person merged into another counts as the survivor: the survivor matches by any
/// alias of the records merged into them.
fn matching_persons(index: &Index, q: &Query) -> HashSet<DocId> {
    index
        .persons
        .iter()
        .filter(|(_, p)| p.key.score(q).is_some())
        .map(|(id, _)| index.survivor_of(*id))
        .collect()
}

/// The page of `items` (sort key, id) after the cursor, in order.
fn page(mut items: Vec<(Key, DocId)>, desc: bool, f: &Filter) -> Found {
    let total = items.len() as u64;
    let after = |k: &Key, id: &DocId| -> bool {
        match &f.cursor {
            None => true,
            Some(c) if desc => (k, id) < (&c.key, &c.id),
            Some(c) => (k, id) > (&c.key, &c.id),
        }
    };
    items.retain(|(k, id)| after(k, id));
    let order = |a: &(Key, DocId), b: &(Key, DocId)| {
        if desc { b.cmp(a) } else { a.cmp(b) }
    };
    let want = f.limit + 1;
    if items.len() > want {
        items.select_nth_unstable_by(want - 1, order);
        items.truncate(want);
    }
    items.sort_unstable_by(order);
    let more = items.len() > f.limit;
    items.truncate(f.limit);
    let next = match (more, items.last()) {
        (true, Some((key, id))) => Some(Cursor {
            key: key.clone(),
            id: *id,
        }),
        _ => None,
    };
    Found {
        ids: items.into_iter().map(|(_, id)| id).collect(),
        total,
        next,
    }
}

pub(crate) fn contacts(index: &Index, f: &Filter) -> Found {
    let persons = f.q.as_ref().map(|q| matching_persons(index, q));
    let items: Vec<(Key, DocId)> = index
        .contacts
        .iter()
        .filter(|(_, c)| {
            f.team.as_ref().is_none_or(|t| &c.team == t)
                && f.consent.is_none_or(|s| c.consent == s)
                && f.person.is_none_or(|p| {
                    c.person
                        .is_some_and(|cp| index.survivor_of(cp) == index.survivor_of(p))
                })
                && f.contact_fields(c)
                && match (&f.q, &persons) {
                    (Some(q), Some(set)) => {
                        c.person
                            .is_some_and(|p| set.contains(&index.survivor_of(p)))
                            || c.key.as_ref().is_some_and(|k| k.score(q).is_some())
                    }
                    _ => true,
                }
        })
        .map(|(id, c)| (Key::Int(c.occurred_at), *id))
        .collect();
    let desc = f.sort.as_deref() != Some("oldest");
    page(items, desc, f)
}

pub(crate) fn persons(index: &Index, f: &Filter) -> Found {
    // A cursor of the name sort names its person: the key is their name as indexed.
    let resolved;
    let f = match &f.cursor {
        Some(c) if c.key == Key::NameOf => {
            let name = index.persons.get(&c.id).map(|p| p.name.clone());
            resolved = Filter {
                cursor: Some(Cursor {
                    key: Key::Text(name.unwrap_or_default()),
                    id: c.id,
                }),
                ..f.clone()
            };
            &resolved
        }
        _ => f,
    };
    let contact_filters = f.has_contact_filters();
    // With a search, the best matches first (as typed before by transliteration), each
    // group by last contact; without, by last contact.
    let sort = f.sort.as_deref().unwrap_or("relevance");
    let sort = if sort == "relevance" && f.q.is_none() {
        "recent"
    } else {
        sort
    };
    // One pass over the contacts: who was met as the filters say, and who was met by
    // the team.
    let mut met: HashSet<DocId> = HashSet::new();
    let mut met_by_team: HashSet<DocId> = HashSet::new();
    if contact_filters || f.team.is_some() {
        for c in index.contacts.values() {
            let Some(p) = c.person else {
                continue;
            };
            let matched = contact_filters && f.contact_fields(c);
            let by_team = f.team.as_ref().is_some_and(|t| &c.team == t);
            if matched || by_team {
                let p = index.survivor_of(p);
                if matched {
                    met.insert(p);
                }
                if by_team {
                    met_by_team.insert(p);
                }
            }
        }
    }
    let mut found: Vec<(DocId, &super::PersonRow, i64)> = Vec::new();
    for (id, p) in &index.persons {
        if index.merged_away(*id) || f.consent.is_some_and(|s| p.consent != s) {
            continue;
        }
        // How well the search matches the person or a record merged into them.
        let rank = match &f.q {
            None => 0,
            Some(q) => {
                let merged = index.family.get(id).into_iter().flatten();
                let best = std::iter::once(p.key.score(q))
                    .chain(merged.map(|m| index.persons.get(m).and_then(|mp| mp.key.score(q))))
                    .flatten()
                    .max();
                match best {
                    Some(r) => i64::from(r),
                    None => continue,
                }
            }
        };
        if let Some(team) = &f.team
            && &p.team != team
            && !met_by_team.contains(id)
        {
            continue;
        }
        if contact_filters && !met.contains(id) {
            continue;
        }
        found.push((*id, p, rank));
    }
    // When each person found was last met: read from their own contacts when the
    // filters left at most half of the persons (the central benchmark's filtered page
    // spent most of its time updating the latest contact of all 100,000 persons), else
    // in one pass over the contacts (a lookup per contact of nearly everyone would be
    // a million random reads).
    let need_last = sort == "recent" || sort == "relevance";
    let mut last: std::collections::HashMap<DocId, i64> = std::collections::HashMap::new();
    if need_last && found.len() <= index.persons.len() / 2 {
        for (id, _, _) in &found {
            let newest = index
                .contacts_of_person(*id)
                .iter()
                .filter_map(|c| index.contacts.get(c).map(|row| row.occurred_at))
                .max();
            if let Some(at) = newest {
                last.insert(*id, at);
            }
        }
    } else if need_last {
        for c in index.contacts.values() {
            let Some(p) = c.person else {
                continue;
            };
            let l = last.entry(index.survivor_of(p)).or_insert(c.occurred_at);
            *l = (*l).max(c.occurred_at);
        }
    }
    let mut items = Vec::with_capacity(found.len());
    for (id, p, rank) in found {
        let key = match sort {
            "name" => Key::Text(p.name.clone()),
            "newest" => Key::Int(p.created_at),
            "relevance" => Key::Int(rank * RANK + last.get(&id).copied().unwrap_or(0).max(0)),
            _ => Key::Int(last.get(&id).copied().unwrap_or(0)),
        };
        items.push((key, id));
    }
    page(items, sort != "name", f)
}

pub(crate) fn referrals(index: &Index, f: &Filter) -> Found {
    let persons = f.q.as_ref().map(|q| matching_persons(index, q));
    let sort = f.sort.as_deref().unwrap_or("newest");
    let items: Vec<(Key, DocId)> = index
        .referrals
        .iter()
        .filter(|(_, r)| {
            let contact = index.contacts.get(&r.contact);
            f.team.as_ref().is_none_or(|t| &r.team == t)
                && f.in_period(r.created_at)
                && f.need.is_none_or(|n| r.need == n)
                && f.status.is_none_or(|s| r.status == s)
                && f.contact.is_none_or(|c| r.contact == c)
                && f.partner.as_ref().is_none_or(|p| {
                    r.partner.contains(p.as_str())
                        || r.service_id
                            .as_deref()
                            .is_some_and(|s| f.partner_services.iter().any(|x| x == s))
                })
                && f.person.is_none_or(|p| {
                    let p = index.survivor_of(p);
                    r.person.is_some_and(|rp| index.survivor_of(rp) == p)
                        || contact
                            .is_some_and(|c| c.person.is_some_and(|cp| index.survivor_of(cp) == p))
                })
                && match (&f.q, &persons) {
                    (Some(q), Some(set)) => {
                        r.person
                            .is_some_and(|p| set.contains(&index.survivor_of(p)))
                            || contact.is_some_and(|c| {
                                c.person
                                    .is_some_and(|p| set.contains(&index.survivor_of(p)))
                                    || c.key.as_ref().is_some_and(|k| k.score(q).is_some())
                            })
                    }
                    _ => true,
                }
        })
        .map(|(id, r)| {
            let key = if sort == "waiting" {
                r.status_since
            } else {
                r.created_at
            };
            (Key::Int(key), *id)
        })
        .collect();
    page(items, sort == "newest", f)
}

/// Per person id (with the records merged into them): how many contacts and referrals, the latest contact (Unix ms) and the
/// teams that met them (theirs first).
pub(crate) fn person_stats(index: &Index, id: DocId) -> (u32, u32, Option<i64>, Vec<TeamId>) {
    let mut teams: Vec<TeamId> = index
        .persons
        .get(&id)
        .map(|p| vec![p.team.clone()])
        .unwrap_or_default();
    let mut last = None::<i64>;
    let mut n = 0u32;
    for m in index.family.get(&id).into_iter().flatten() {
        if let Some(p) = index.persons.get(m)
            && !teams.contains(&p.team)
        {
            teams.push(p.team.clone());
        }
    }
    for c in index.contacts_of_person(id).iter() {
        if let Some(row) = index.contacts.get(c) {
            n += 1;
            last = Some(last.map_or(row.occurred_at, |l| l.max(row.occurred_at)));
            if !teams.contains(&row.team) {
                teams.push(row.team.clone());
            }
        }
    }
    let referrals = index.referrals_of_person(id).len() as u32;
    (n, referrals, last, teams)
}

/// Contacts by their occurred time, newest first (for a person's timeline).
pub(crate) fn newest_first(index: &Index, ids: &[DocId]) -> Vec<DocId> {
    let mut v: Vec<(i64, DocId)> = ids
        .iter()
        .filter_map(|id| index.contacts.get(id).map(|c| (c.occurred_at, *id)))
        .collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.into_iter().map(|(_, id)| id).collect()
}

/// Referrals by creation, newest first.
pub(crate) fn referrals_newest_first(index: &Index, ids: &[DocId]) -> Vec<DocId> {
    let mut v: Vec<(i64, DocId)> = ids
        .iter()
        .filter_map(|id| index.referrals.get(id).map(|r| (r.created_at, *id)))
        .collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.into_iter().map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn cursors_read_back() {
        let id = DocId::new_v7(1_760_000_000_000, [3; 10]);
        for key in [Key::Int(-5), Key::Int(1_760_000_000_000)] {
            let c = Cursor { key, id };
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        // A name key never travels: the cursor names the person, the key is read back.
        let named = Cursor {
            key: Key::Text("mohamed ali".into()),
            id,
        };
        assert_eq!(named.encode(), format!("n.{id}"));
        assert_eq!(
            Cursor::decode(&named.encode()),
            Some(Cursor {
                key: Key::NameOf,
                id
            })
        );
        assert_eq!(Cursor::decode("x1.nope"), None);
        assert_eq!(Cursor::decode("n6d6f.nope"), None);
    }

    #[test]
    fn bad_parameters_name_the_parameter_not_the_value() {
        let e = Filter::parse(List::Contacts, &params(&[("from", "Mohamed")])).unwrap_err();
        assert_eq!(e.code, "invalid_filter");
        assert!(e.message.contains("`from`") && !e.message.contains("Mohamed"));
        let e = Filter::parse(List::Contacts, &params(&[("status", "sent")])).unwrap_err();
        assert_eq!(e.code, "unknown_filter");
        let e = Filter::parse(
            List::Contacts,
            &params(&[("from", "2026-05-02"), ("to", "2026-05-01")]),
        )
        .unwrap_err();
        assert!(e.message.contains("after"));
        assert!(Filter::parse(List::Contacts, &params(&[("limit", "201")])).is_err());
        assert!(Filter::parse(List::Contacts, &params(&[("limit", "0")])).is_err());
        assert!(Filter::parse(List::Persons, &params(&[("sort", "oldest")])).is_err());
    }

    #[test]
    fn a_period_is_days_on_romes_clock() {
        let f = Filter::parse(
            List::Contacts,
            &params(&[("from", "2026-07-01"), ("to", "2026-07-31")]),
        )
        .unwrap();
        // 2026-07-01 00:00 in Rome (CEST, +02:00) is 2026-06-30T22:00Z.
        assert_eq!(f.from, Some(1_782_856_800_000));
        // Until 2026-08-01 00:00 in Rome.
        assert_eq!(f.until, Some(1_785_535_200_000));
        assert!(f.in_period(1_782_856_800_000));
        assert!(!f.in_period(1_782_856_800_000 - 1));
        assert!(!f.in_period(1_785_535_200_000));
    }
}
