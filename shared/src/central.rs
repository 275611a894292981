//! The central office's workspace on the wire: the records the server projects from
//! every document type (persons, contacts, referrals), the pages of a filtered list, and
//! a person's or a contact's page with what hangs off it.
//!
//! Records carry every field of their document; times are RFC 3339 (UTC).

use serde::{Deserialize, Serialize};

use crate::api::ContactRecord;
use crate::domain::{DocumentStatus, NeedCategory};
use crate::ids::{DocId, TeamId, UserId};
use crate::schema::ReferralStatus;
use crate::schema::conflicts::FieldConflict;
use crate::vocab::{ConsentStatus, Gender};

/// A person as the central office sees it: projected from its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub id: DocId,
    pub team: TeamId,
    /// Every alias, in any script; the first is shown first. Empty once consent is
    /// withdrawn.
    pub aliases: Vec<String>,
    pub birth_year: Option<i64>,
    pub birth_year_estimated: bool,
    pub gender: Gender,
    pub country: String,
    pub languages: Vec<String>,
    pub phone: Option<String>,
    pub documents: DocumentStatus,
    pub usual_place: String,
    pub consent: ConsentRecord,
    pub author: UserId,
    /// The person this record was merged into (see [`MergeRecord`]); lists show the
    /// survivor only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<DocId>,
    /// Sensitive fields set to different values on two devices apart (to review).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
    /// RFC 3339.
    pub created_at: String,
    pub received_at: String,
    pub updated_at: String,
    pub heads: Vec<String>,
}

/// A person's consent as last recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub status: ConsentStatus,
    /// RFC 3339.
    pub at: String,
    pub recorded_by: UserId,
    pub partners: Vec<String>,
}

/// A referral as the central office sees it: projected from its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralRecord {
    pub id: DocId,
    /// The contact the need was referred in.
    pub contact: DocId,
    pub person_id: Option<DocId>,
    /// The first alias of the person it is for (the survivor, after a merge): filled in
    /// when read, never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_name: Option<String>,
    /// How many people, when it was made in a group's contact: filled in when read, never
    /// stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_people: Option<u32>,
    pub need: NeedCategory,
    /// The partner as written (a directory service id or an organisation's name).
    pub partner: String,
    /// The directory service, when picked from the directory.
    pub service_id: Option<String>,
    /// The directory organisation of `service_id`, when the directory knows it.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Where the history leads.
    pub status: ReferralStatus,
    /// RFC 3339: since when it has that status.
    pub status_since: String,
    /// Two moves made apart that nobody has chosen between yet.
    pub conflict: bool,
    pub history: Vec<HistoryEntry>,
    /// The way the history leads, step by step, from `proposed` at the creation time
    /// (`ReferralDoc::path`): the exchange format's `history`, and what the report's
    /// figures read.
    #[serde(default)]
    pub path: Vec<PathStep>,
    pub outcome: String,
    /// The outcome set to different values on two devices apart (to review).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
    pub author: UserId,
    pub team: TeamId,
    /// RFC 3339.
    pub created_at: String,
    pub received_at: String,
    pub updated_at: String,
    pub heads: Vec<String>,
}

/// One move of a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub status: ReferralStatus,
    /// RFC 3339.
    pub at: String,
    pub by: UserId,
}

/// One step of a referral's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathStep {
    pub status: ReferralStatus,
    /// RFC 3339.
    pub at: String,
}

/// A person in a list, with what their contacts say of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    pub person: PersonRecord,
    pub contacts: u32,
    pub referrals: u32,
    /// RFC 3339: the latest contact naming the person.
    pub last_contact_at: Option<String>,
    /// Every team that met the person (theirs first).
    pub teams: Vec<TeamId>,
}

/// One page of a filtered, sorted list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many records match the filters, over every page.
    pub total: u64,
    /// The cursor of the next page (`cursor=` in the next request), `None` on the last.
    pub next: Option<String>,
}

/// `GET /api/persons/{id}`: the person and everything recorded about them, across teams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonPage {
    pub person: PersonRecord,
    /// Their contacts, newest first — with those of every record merged into them.
    pub contacts: Vec<ContactRecord>,
    /// Their referrals (made in their contacts or naming them), newest first — with
    /// those of every record merged into them.
    pub referrals: Vec<ReferralRecord>,
    /// The records merged into this person (directly or through another merge).
    #[serde(default)]
    pub merged: Vec<PersonRecord>,
    /// Every merge this person took part in, newest first (undone ones too).
    #[serde(default)]
    pub merges: Vec<MergeRecord>,
    /// The consent as it was recorded over time, oldest first (read from the document's
    /// history: after a withdrawal, which rewrites it, only the withdrawal).
    #[serde(default)]
    pub consent_history: Vec<ConsentRecord>,
    /// By id of a record in `merged`: the consent as it was recorded on that record,
    /// oldest first (a merge keeps the more restrictive consent on the survivor; what each
    /// record held before stays to be seen).
    #[serde(default)]
    pub merged_consent: std::collections::BTreeMap<String, Vec<ConsentRecord>>,
    /// The pairs with this person judged not one person, newest first.
    #[serde(default)]
    pub not_same: Vec<NotSameRecord>,
    /// The user names of the ids in `merges` and `not_same` (by user id).
    #[serde(default)]
    pub user_names: std::collections::BTreeMap<String, String>,
    /// The first alias of each person `merges` names (by person id; none without
    /// consent), so that the history names both sides after an unmerge too.
    #[serde(default)]
    pub person_names: std::collections::BTreeMap<String, String>,
    /// The team of each person `merges` names (by person id), so that two records of one
    /// name are told apart ("Ilir (bergamo-1) → Ilir (cremona-2)").
    #[serde(default)]
    pub person_teams: std::collections::BTreeMap<String, TeamId>,
}

/// `GET /api/contacts/{id}`: the contact, its person and its referrals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactPage {
    pub contact: ContactRecord,
    pub person: Option<PersonRecord>,
    pub referrals: Vec<ReferralRecord>,
}

/// `GET /api/referrals/{id}`: the referral, its contact and its person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralPage {
    pub referral: ReferralRecord,
    pub contact: Option<ContactRecord>,
    pub person: Option<PersonRecord>,
}

/// A record with fields to review (`GET /api/conflicts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictItem {
    pub id: DocId,
    pub doc_type: crate::schema::DocType,
    pub team: TeamId,
    /// What the record is, to recognise it: a person's first alias, a contact's time,
    /// a referral's need, a case's opening day (`YYYY-MM-DD`).
    pub label: String,
    /// A case's, a contact's or a referral's person (the survivor's first alias when
    /// merged), to recognise the record by (new users' walks: a case was a bare date, a
    /// contact a time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    pub conflicts: Vec<FieldConflict>,
}

/// `POST /api/conflicts/resolve`: the value the reviewer keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    pub id: DocId,
    pub field: String,
    /// The chosen value's write (`ConflictValue::actor`, `counter`).
    pub actor: String,
    pub counter: u64,
}

/// One of the two persons of a candidate pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateSide {
    pub id: DocId,
    /// The id the PUA's exchange file gave it, when it was imported.
    pub external_id: Option<String>,
    pub team: TeamId,
    pub aliases: Vec<String>,
    pub birth_year: Option<i64>,
    pub contacts: u32,
}

/// Two person records that may be one person (`GET /api/persons/duplicates`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicatePair {
    pub a: DuplicateSide,
    pub b: DuplicateSide,
    /// The probability that they are one person, 0..=1.
    pub score: f32,
    /// Evidence for first, then against.
    pub reasons: Vec<crate::reconcile::Reason>,
}

/// `POST /api/persons/not-same`: a reviewer's judgement on a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotSame {
    pub a: DocId,
    pub b: DocId,
    /// Why the reviewer judged so (optional, at most 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A pair judged not one person, as one of the two persons' page lists it: the other
/// person, who judged, when and why. `POST /api/persons/not-same/undo` (a [`NotSame`]
/// without reason) takes the judgement back: the pair may be proposed again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotSameRecord {
    pub other: DocId,
    /// The other person's first alias (none without consent).
    pub other_name: Option<String>,
    pub by: UserId,
    /// RFC 3339.
    pub at: String,
    #[serde(default)]
    pub reason: String,
}

/// One person of a pair judged not one person, as [`JudgedPairs`] lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgedSide {
    pub id: DocId,
    /// None when the record is gone.
    #[serde(default)]
    pub team: Option<TeamId>,
    /// Its first alias (none without consent).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub birth_year: Option<i64>,
}

/// A pair judged not one person: who judged, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgedPair {
    pub a: JudgedSide,
    pub b: JudgedSide,
    pub by: UserId,
    /// The user name of `by` (none when the account is gone).
    #[serde(default)]
    pub by_name: Option<String>,
    /// RFC 3339.
    pub at: String,
    #[serde(default)]
    pub reason: String,
}

/// `GET /api/persons/not-same`: the pairs judged not one person, newest first (at most
/// [`MAX_JUDGED_LISTED`]), and how many there are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgedPairs {
    pub items: Vec<JudgedPair>,
    pub total: u64,
}

/// `GET /api/teams`: a team with records, with the name and area an imported file gave
/// it (a team known only by its slug has neither: it is shown by its slug).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInfo {
    pub id: TeamId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
}

/// The most judged pairs `GET /api/persons/not-same` lists.
pub const MAX_JUDGED_LISTED: usize = 500;

/// The person fields a merge chooses between, field by field (aliases and languages are
/// always kept from both).
pub const MERGE_FIELDS: [&str; 6] = [
    "birth_year",
    "gender",
    "country",
    "phone",
    "documents",
    "usual_place",
];

/// Whose value the surviving person keeps for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    Survivor,
    Merged,
}

/// `POST /api/persons/merge`: `merged` becomes part of `survivor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    pub survivor: DocId,
    pub merged: DocId,
    /// Why they are one person (required; kept in the merge's record).
    pub reason: String,
    /// Per field of [`MERGE_FIELDS`], whose value to keep. A field not named keeps the
    /// survivor's value, or the merged person's when the survivor has none.
    #[serde(default)]
    pub keep: std::collections::BTreeMap<String, Keep>,
    /// The reviewer confirms a merge that withdraws the survivor's consent (one of the
    /// two never gave it, or withdrew it): the survivor's identifying data is then
    /// erased, and an unmerge does not bring it back. Without it such a merge is refused
    /// (409 `merge_withdraws_consent`) and nothing changes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdraw_consent: bool,
}

/// `POST /api/persons/unmerge`: undo a merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnmergeRequest {
    /// [`MergeRecord::id`].
    pub merge: DocId,
    pub reason: String,
}

/// Who undid a merge, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undone {
    pub by: UserId,
    /// RFC 3339.
    pub at: String,
    pub reason: String,
}

/// A merge as recorded: who, when, why and what was chosen. Never deleted; an unmerge
/// fills `undone`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeRecord {
    pub id: DocId,
    pub survivor: DocId,
    pub merged: DocId,
    pub by: UserId,
    /// RFC 3339.
    pub at: String,
    pub reason: String,
    /// Every field of [`MERGE_FIELDS`] that either person held, with whose value the
    /// survivor kept.
    pub kept: std::collections::BTreeMap<String, Keep>,
    /// The survivor's consent after the merge: the more restrictive of the two.
    pub consent: ConsentStatus,
    pub undone: Option<Undone>,
}

/// What a central office device keeps offline and syncs (`GET`/`PUT
/// /api/devices/me/scope`): the documents of these teams, these persons with their
/// contacts and referrals, and always what its user wrote. A central browser otherwise
/// reads the PUA's records from the server and holds none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncScope {
    #[serde(default)]
    pub teams: Vec<TeamId>,
    #[serde(default)]
    pub persons: Vec<DocId>,
    /// Case work offline (case roles only): the cases of these teams and persons and
    /// those the user follows (as case manager or labour expert), the job offers and
    /// the PUA's rules. An app that does not ask for them (an older one) never receives
    /// a case document.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cases: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl SyncScope {
    pub fn is_empty(&self) -> bool {
        self.teams.is_empty() && self.persons.is_empty() && !self.cases
    }

    /// The scope to save when `self` is what a form shows after its user's changes to
    /// `base` (the scope it read), and `current` is the device's scope now: only the
    /// user's changes are applied to `current`, so a person kept meanwhile from another
    /// tab or page is not dropped by a form that never showed them.
    pub fn rebased(&self, base: &SyncScope, current: &SyncScope) -> SyncScope {
        use crate::schema::rebase_list as apply;
        SyncScope {
            teams: apply(&current.teams, &base.teams, &self.teams),
            persons: apply(&current.persons, &base.persons, &self.persons),
            cases: if self.cases != base.cases {
                self.cases
            } else {
                current.cases
            },
        }
    }
}

/// The most teams a device's [`SyncScope`] names.
pub const MAX_SCOPE_TEAMS: usize = 50;
/// The most persons a device's [`SyncScope`] names.
pub const MAX_SCOPE_PERSONS: usize = 500;

/// `GET /api/devices/me/scope`: the device's scope, and the teams it may choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopePage {
    pub scope: SyncScope,
    /// Every team with records, in order.
    pub teams: Vec<TeamId>,
}

/// The longest search text or partner name a list's filter takes, in characters (the
/// workspace's boxes take no more: a longer paste was refused as if a date were wrong).
pub const MAX_QUERY_CHARS: usize = 200;

/// The most records one page holds.
pub const MAX_PAGE: usize = 200;
/// The records a page holds when the request does not say.
pub const DEFAULT_PAGE: usize = 50;

/// A case as the central office sees it: every field of its document, and what its
/// metadata and the PUA's rules say of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    #[serde(flatten)]
    pub case: crate::schema::CaseDoc,
    /// Sensitive fields set to different values on two laptops apart (to review).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
    /// RFC 3339.
    pub received_at: String,
    pub updated_at: String,
    pub heads: Vec<String>,
}

/// A job offer as the central office sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobOfferRecord {
    #[serde(flatten)]
    pub offer: crate::schema::JobOfferDoc,
    /// RFC 3339.
    pub updated_at: String,
    pub heads: Vec<String>,
}

/// A case in a list (`GET /api/cases`), with what the list shows of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRow {
    pub case: CaseRecord,
    /// The person taken in charge (the survivor, when they were merged).
    pub person: Option<PersonRecord>,
    /// When the next review falls due (`YYYY-MM-DD`), for an open case.
    pub review_due: Option<String>,
    /// The review is due before today.
    pub overdue: bool,
    /// The person's latest contact (RFC 3339), across merged records.
    pub last_contact_at: Option<String>,
    /// An open case whose person had no contact for 90 days or more.
    pub no_recent_contact: bool,
    /// Interventions not cancelled, and how many are done.
    pub interventions: u32,
    pub interventions_done: u32,
    /// The PIP's implementation rate: `interventions_done / interventions`, none without
    /// an intervention.
    #[serde(default)]
    pub implementation_rate: Option<f64>,
}

/// `GET /api/cases/{id}`: the case, its person and everything recorded about them
/// (through merges), the rules it is assessed under, and the job offers that match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CasePage {
    pub row: CaseRow,
    pub contacts: Vec<ContactRecord>,
    pub referrals: Vec<ReferralRecord>,
    /// The version of the PUA's rules the case is assessed under (the one in force when
    /// it has none yet).
    pub rules: Option<crate::schema::pua_rules::RulesVersion>,
    /// Job offers ranked for the work plan, best first.
    pub matches: Vec<crate::jobs::OfferMatch>,
}

/// Days without a contact after which an open case is flagged (HMIS: exit after ~90 days).
pub const NO_CONTACT_DAYS: i64 = 90;

/// The last day, up to `as_of` (`YYYY-MM-DD`), the PUA met the person of case `c`: their
/// latest field contact (`last_contact`, a day), the case's opening, its first meeting
/// or a review — the flag of [`NO_CONTACT_DAYS`] counts from it (a new user's walk:
/// cases opened with a meeting a month before were flagged, their person last met on
/// the street months before).
pub fn last_met(c: &crate::schema::CaseDoc, last_contact: Option<String>, as_of: &str) -> String {
    let mut days: Vec<&str> = vec![c.opened_at.as_str()];
    days.extend(c.first_meeting.date.as_deref());
    days.extend(c.reviews.iter().map(|r| r.at.as_str()));
    days.extend(last_contact.as_deref());
    days.into_iter()
        .filter(|d| *d <= as_of)
        .max()
        .unwrap_or(c.opened_at.as_str())
        .to_string()
}

/// The order of the case list (the server's and the device's offline one): overdue
/// reviews first, then by the day the review falls due (cases with none last), then the
/// newest opened, then by id. Each side is `(overdue, review_due, opened_at, id)`.
pub fn case_list_order(
    a: (bool, Option<&str>, &str, DocId),
    b: (bool, Option<&str>, &str, DocId),
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    b.0.cmp(&a.0)
        .then_with(|| match (a.1, b.1) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| b.2.cmp(a.2))
        .then_with(|| a.3.cmp(&b.3))
}

#[cfg(test)]
mod case_order_tests {
    use super::{DocId, case_list_order};

    #[test]
    fn overdue_first_then_due_day_then_newest_opened() {
        let id = |n: u8| DocId::new_v7(1_760_000_000_000, [n; 10]);
        let mut rows = [
            (false, None, "2026-05-01", id(1)),
            (false, Some("2026-12-20"), "2026-01-01", id(2)),
            (true, Some("2026-11-30"), "2026-02-01", id(3)),
            (false, Some("2026-12-10"), "2026-03-01", id(4)),
            (false, None, "2026-06-01", id(5)),
            (true, Some("2026-11-01"), "2026-04-01", id(6)),
        ];
        rows.sort_by(|a, b| case_list_order(*a, *b));
        let order: Vec<DocId> = rows.iter().map(|r| r.3).collect();
        assert_eq!(order, [id(6), id(3), id(4), id(2), id(5), id(1)]);
    }
}

#[cfg(test)]
mod last_met_tests {
    use super::last_met;

    /// The flag of 90 days counts from the last time the PUA met the person: a field
    /// contact, the opening, the first meeting or a review, whichever is latest up to
    /// the day looked at.
    #[test]
    fn the_last_meeting_is_the_latest_of_contacts_meeting_and_reviews() {
        let mut c = crate::schema::case::tests::sample();
        c.opened_at = "2026-03-02".into();
        c.first_meeting.date = Some("2026-03-05".into());
        c.reviews.clear();
        assert_eq!(
            last_met(&c, Some("2025-11-01".into()), "2026-12-07"),
            "2026-03-05"
        );
        assert_eq!(
            last_met(&c, Some("2026-06-01".into()), "2026-12-07"),
            "2026-06-01"
        );
        c.reviews.push(crate::schema::case::Review {
            at: "2026-07-01".into(),
            note: String::new(),
            by: c.author,
        });
        assert_eq!(last_met(&c, None, "2026-12-07"), "2026-07-01");
        // As of a day before the review: not yet.
        assert_eq!(last_met(&c, None, "2026-06-30"), "2026-03-05");
    }
}

#[cfg(test)]
mod scope_tests {
    use super::{DocId, SyncScope, TeamId};

    #[test]
    fn a_form_applies_only_its_users_changes_to_the_scope_saved_meanwhile() {
        let id = |n: u8| DocId::new_v7(1_760_000_000_000, [n; 10]);
        let team = |s: &str| TeamId::parse(s).unwrap();
        // The form read one team and one person, its user ticked a second team and
        // cleared the persons; meanwhile another tab kept a second person.
        let base = SyncScope {
            teams: vec![team("bergamo-1")],
            persons: vec![id(1)],
            cases: false,
        };
        let wanted = SyncScope {
            teams: vec![team("bergamo-1"), team("milano")],
            persons: vec![],
            cases: false,
        };
        let current = SyncScope {
            teams: vec![team("bergamo-1")],
            persons: vec![id(1), id(2)],
            cases: true,
        };
        let saved = wanted.rebased(&base, &current);
        assert_eq!(saved.teams, vec![team("bergamo-1"), team("milano")]);
        // The person the user saw and cleared goes; the one kept meanwhile stays.
        assert_eq!(saved.persons, vec![id(2)]);
        // The user did not touch case work: the current choice stands.
        assert!(saved.cases);
        // A team the user unticked goes even if it is still current.
        let untick = SyncScope {
            teams: vec![],
            ..base.clone()
        };
        assert!(untick.rebased(&base, &current).teams.is_empty());
        // Nothing changed in the form: the current scope is saved as it is.
        assert_eq!(base.rebased(&base, &current), current);
    }
}
