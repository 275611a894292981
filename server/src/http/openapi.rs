//! `GET /api/openapi.json`: an OpenAPI 3.1 description of the whole API, built from one
//! table of operations ([`OPERATIONS`]). A test checks that every route the router serves
//! is in the table and that every operation of the table is routed, so the description
//! cannot drift from the server.

use axum::Json;
use serde_json::{Map, Value, json};
use strada_shared::domain::Role;

/// Who may call an operation.
#[derive(Clone, Copy)]
pub enum Access {
    Public,
    /// Any signed-in account.
    Session,
    /// A session bound to a device (field workers and the central office syncing).
    Device,
    Central,
    /// The reconciliation of persons and the review of conflicting values.
    Reconciler,
    /// Accounts, devices, the exchange of records.
    Admin,
    /// Cases, job offers, the PUA's rules.
    Cases,
    /// The whole PUA's figures (reports, dashboard).
    Reports,
    /// The PUA's rules and the report's observations (`Role::manages_rules`).
    Director,
    Auditor,
}

impl Access {
    /// The roles that may call an operation (the same capabilities the handlers check:
    /// `Role::is_central`, `reconciles`, `administers`, `reads_cases`), published as
    /// `x-strada-roles` and checked role by role by the authorization test.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|r| match self {
                Access::Public | Access::Session | Access::Device => true,
                Access::Central => r.is_central(),
                Access::Reconciler => r.reconciles(),
                Access::Admin => r.administers(),
                Access::Cases => r.reads_cases(),
                Access::Reports => r.reads_reports(),
                Access::Director => r.manages_rules(),
                Access::Auditor => *r == Role::Auditor,
            })
            .collect()
    }
}

/// One operation of the API.
pub struct Operation {
    pub method: &'static str,
    /// As the router writes it, under `/api` (`{id}` for a path parameter).
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub access: Access,
    /// Query parameters: name and meaning.
    pub query: &'static [(&'static str, &'static str)],
    /// The request body: a schema name of [`schemas`], or a media type for binary bodies.
    pub body: Option<&'static str>,
    /// The success answer: a schema name, or a media type.
    pub answer: &'static str,
}

const SYNC: &str = "application/x-strada-sync";

/// A list's query parameters: those of every list (a page of it when `paged`, else every
/// record: the CSV export), `sort` saying its orders, then `$own` (its filters).
macro_rules! list_query {
    (paged $sort:literal; $($own:expr),* $(,)?) => {
        list_query!(@ $sort; ("cursor", "the `next` of the page before"),
            ("limit", "records per page, 1..=200 (default 50)"), $($own),*)
    };
    (whole $sort:literal; $($own:expr),* $(,)?) => {
        list_query!(@ $sort; $($own),*)
    };
    (@ $sort:literal; $($own:expr),* $(,)?) => {
        &[
            (
                "q",
                "search in every alias, any script, transliteration-insensitive",
            ),
            (
                "team",
                "the record's team (a person: theirs or a team that met them)",
            ),
            ("from", "first day, YYYY-MM-DD, inclusive, on Rome's clock"),
            ("to", "last day, YYYY-MM-DD, inclusive, on Rome's clock"),
            ("sort", $sort),
            $($own),*
        ]
    };
}

const CONSENT: (&str, &str) = (
    "consent",
    "consent status: not_asked, given, refused, withdrawn",
);

/// The persons' list: its filters name a person with such a contact.
const PERSONS_QUERY: &[(&str, &str)] = list_query![
    paged "the order: relevance (the default with `q`), recent (the default), name, newest";
    ("channel", "a contact's channel code"),
    ("sector", "a contact's sector code"),
    ("need", "a contact's first-need code"),
    ("indicator", "a contact's indicator code"),
    CONSENT,
];

const CONTACTS_QUERY: &[(&str, &str)] = list_query![
    paged "the order: newest (the default), oldest";
    ("channel", "channel code"),
    ("sector", "sector code"),
    ("need", "first-need code"),
    ("indicator", "indicator code"),
    CONSENT,
    (
        "person",
        "the person's id (a merged person's contacts count under the survivor)"
    ),
];

const REFERRALS_QUERY: &[(&str, &str)] = list_query![
    paged "the order: newest (the default), oldest, waiting";
    ("need", "first-need code"),
    (
        "status",
        "referral status: proposed, sent, accepted, declined, attended, not_attended, closed"
    ),
    (
        "partner",
        "the partner or its service, as written (case- and accent-insensitive)"
    ),
    ("person", "the person's id"),
    ("contact", "the contact's id"),
];

/// The CSV export of any list: every record of it (no pages), every filter, each list
/// taking its own (`unknown_filter` for another list's).
const CSV_QUERY: &[(&str, &str)] = list_query![
    whole "the order, as the list's (persons: relevance, recent, name, newest; contacts: newest, oldest; referrals: newest, oldest, waiting)";
    ("channel", "channel code (persons, contacts)"),
    ("sector", "sector code (persons, contacts)"),
    ("need", "first-need code"),
    ("indicator", "indicator code (persons, contacts)"),
    (
        "consent",
        "consent status (persons, contacts): not_asked, given, refused, withdrawn"
    ),
    ("person", "the person's id (contacts, referrals)"),
    ("status", "referral status (referrals)"),
    ("partner", "the partner or its service (referrals)"),
    ("contact", "the contact's id (referrals)"),
];

/// How the report's figures read `EXCHANGE.md` §2 where a definition leaves room.
const REPORT_READINGS: &str = "Figures and keys as EXCHANGE.md section 2 defines them. Readings: a time belongs to its date on Rome's clock; the period runs from Rome midnight of `from` to Rome midnight after `to`. The store is read as of the end of `to`: history entries, eligibility decisions, closures and `done_at` dated later do not count. A contact names a person when it links a person record (counted once, as the survivor of any merge); a group contact without a person adds `group.people`; any other contact is anonymous and adds one. A referral's history is its path (the exchange format's `history`): its first entry is when it was proposed; its answer is its first `accepted` or `declined` entry dated by the end of `to`; days to answer run from its first `sent` entry, in Rome dates. Waiting at the end: a first `sent` entry 8 or more Rome days before `to` and no answer by the end of `to`. A referral's organisation is the directory organisation of its service when the directory knows the service, else the partner as written, else `unknown`. Workload keys are user names (as imported, else the account's); a case counts once for each of its case manager and labour expert when it was open on at least one day of the period (opened on or before `to` and not closed before `from`; it is open on the day it closes). `cases_active_at_end`: opened on or before `to`, no closure dated on or before `to`. Rates are null when their denominator is 0, medians null with nothing to count. A period is refused (400 `invalid_period`) when a date is missing or malformed, `from` is after `to`, or `to` is not before the day five years after `from`.";

/// Longer notes for some operations, added to their description.
const NOTES: &[(&str, &str)] = &[("/reports/summary", REPORT_READINGS)];

/// Every operation the server answers.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        method: "get",
        path: "/reports/summary",
        tag: "reports",
        summary: "The PUA's figures of a period (EXCHANGE.md section 2): contacts, people reached, new persons, needs, indicators, referrals and the network's answers, cases and their outcomes, the PIP's implementation, workload",
        access: Access::Reports,
        query: &[
            ("from", "first day, YYYY-MM-DD, inclusive, on Rome's clock"),
            ("to", "last day, YYYY-MM-DD, inclusive, on Rome's clock"),
        ],
        body: None,
        answer: "ReportSummary",
    },
    Operation {
        method: "get",
        path: "/reports/dashboard",
        tag: "reports",
        summary: "The dashboard of a period (and a team): the summary, the same figures for the period before (the previous quarter for a quarter, else as many days), contacts by month and sector, contacts and needs on a grid of the territory (never a point per person), the referral funnel by organisation, the cases' monitoring at the end of the period",
        access: Access::Reports,
        query: &[
            ("from", "first day, YYYY-MM-DD, inclusive, on Rome's clock"),
            ("to", "last day, YYYY-MM-DD, inclusive, on Rome's clock"),
            ("team", "a team's id or external id (none: the whole PUA)"),
        ],
        body: None,
        answer: "ReportDashboard",
    },
    Operation {
        method: "get",
        path: "/reports/csv",
        tag: "reports",
        summary: "One table of the dashboard as CSV: figures, seasonal, channels, sectors, teams, needs, indicators, referral_needs, network, workload, outcomes, area, monitoring",
        access: Access::Reports,
        query: &[
            ("table", "the table's name"),
            ("from", "first day, YYYY-MM-DD, inclusive, on Rome's clock"),
            ("to", "last day, YYYY-MM-DD, inclusive, on Rome's clock"),
            ("team", "a team's id or external id (none: the whole PUA)"),
        ],
        body: None,
        answer: "text/csv",
    },
    Operation {
        method: "get",
        path: "/reports/anonymous",
        tag: "reports",
        summary: "Counts of people of one calendar quarter for sharing outside the PUA (people by month and sector, by team and channel; persons by case outcome), as CSV: every published figure describes at least 11 people; smaller ones are hidden, and so are others where needed so that no hidden figure, nor any group of fewer than 11 people, can be worked out from the totals. Any other period is refused (400 `invalid_period`): two overlapping periods would give a hidden count away by their difference",
        access: Access::Reports,
        query: &[
            (
                "from",
                "the quarter's first day (YYYY-01-01, -04-01, -07-01 or -10-01)",
            ),
            ("to", "the quarter's last day, YYYY-MM-DD"),
        ],
        body: None,
        answer: "text/csv",
    },
    Operation {
        method: "get",
        path: "/reports/notes",
        tag: "reports",
        summary: "The director's context observations for a quarter's report",
        access: Access::Reports,
        query: &[("period", "the quarter, YYYY-Qn")],
        body: None,
        answer: "ReportNote",
    },
    Operation {
        method: "put",
        path: "/reports/notes",
        tag: "reports",
        summary: "Write the director's context observations for a quarter's report (at most 20,000 characters)",
        access: Access::Director,
        query: &[("period", "the quarter, YYYY-Qn")],
        body: Some("ReportNoteBody"),
        answer: "ReportNote",
    },
    Operation {
        method: "get",
        path: "/health",
        tag: "server",
        summary: "Whether the server and its store answer, and the store's layout version",
        access: Access::Public,
        query: &[],
        body: None,
        answer: "HealthResponse",
    },
    Operation {
        method: "get",
        path: "/openapi.json",
        tag: "server",
        summary: "This description",
        access: Access::Public,
        query: &[],
        body: None,
        answer: "application/json",
    },
    Operation {
        method: "post",
        path: "/auth/login",
        tag: "auth",
        summary: "Sign in (with the device's automerge actor when it syncs). 429 `too_many_devices`: a new device after ten of the account's devices signed in within a day",
        access: Access::Public,
        query: &[],
        body: Some("LoginRequest"),
        answer: "LoginResponse",
    },
    Operation {
        method: "post",
        path: "/auth/logout",
        tag: "auth",
        summary: "End this session",
        access: Access::Session,
        query: &[],
        body: None,
        answer: "Empty",
    },
    Operation {
        method: "post",
        path: "/auth/end-session",
        tag: "auth",
        summary: "End the session a sign-out key belongs to (a device signed out offline)",
        access: Access::Public,
        query: &[],
        body: Some("EndSessionRequest"),
        answer: "Empty",
    },
    Operation {
        method: "get",
        path: "/auth/me",
        tag: "auth",
        summary: "Who is signed in",
        access: Access::Session,
        query: &[],
        body: None,
        answer: "UserInfo",
    },
    Operation {
        method: "post",
        path: "/sync/push",
        tag: "sync",
        summary: "Push the changes of pending documents; each is accepted, refused or incomplete",
        access: Access::Device,
        query: &[],
        body: Some(SYNC),
        answer: SYNC,
    },
    Operation {
        method: "post",
        path: "/sync/pull",
        tag: "sync",
        summary: "One page of the feed after the device's cursor (`cursor`, `since` and `head` are unsigned 64-bit integers above 2^53: a JSON client reads them exactly, e.g. as BigInt, never as a double)",
        access: Access::Device,
        query: &[],
        body: Some(SYNC),
        answer: SYNC,
    },
    Operation {
        method: "post",
        path: "/sync/snapshots",
        tag: "sync",
        summary: "Whole documents whose pulled changes did not apply (repair)",
        access: Access::Device,
        query: &[],
        body: Some(SYNC),
        answer: SYNC,
    },
    Operation {
        method: "post",
        path: "/sync/pull-stream",
        tag: "sync",
        summary: "The feed as a stream of pages (4-byte length, then a page)",
        access: Access::Device,
        query: &[],
        body: Some(SYNC),
        answer: "application/octet-stream",
    },
    Operation {
        method: "post",
        path: "/sync/events-ticket",
        tag: "sync",
        summary: "A single-use ticket to open the live event stream",
        access: Access::Session,
        query: &[],
        body: None,
        answer: "EventsTicket",
    },
    Operation {
        method: "get",
        path: "/sync/events",
        tag: "sync",
        summary: "Server-sent events: the feed moved",
        access: Access::Public,
        query: &[("ticket", "the ticket from /sync/events-ticket")],
        body: None,
        answer: "text/event-stream",
    },
    Operation {
        method: "get",
        path: "/persons",
        tag: "central",
        summary: "Persons of the whole PUA (sort: relevance (default: with `q`, matches as typed before matches by transliteration, then by last contact), recent, name, newest; also channel, sector, need, indicator, consent: persons with such a contact)",
        access: Access::Central,
        query: PERSONS_QUERY,
        body: None,
        answer: "PageOfPersonRow",
    },
    Operation {
        method: "post",
        path: "/persons/search",
        tag: "central",
        summary: "The same as `GET /persons`, the parameters form-encoded in the body (a searched name stays out of addresses and access logs)",
        access: Access::Central,
        query: &[],
        body: Some("application/x-www-form-urlencoded"),
        answer: "PageOfPersonRow",
    },
    Operation {
        method: "get",
        path: "/persons/duplicates",
        tag: "reconciliation",
        summary: "Candidate pairs of persons who may be one person, best first, with score and reasons (team, limit 1..=50000, threshold 0.05..1, cursor); without `limit`, every pair; `total` counts every pair, `next` continues",
        access: Access::Reconciler,
        query: &[
            ("team", "pairs with a person of this team"),
            (
                "limit",
                "pairs answered, 1..=50000 (default: all, up to 50000)",
            ),
            ("threshold", "the least score, 0.05..1 (default 0.5)"),
            ("cursor", "the `next` of the page before"),
        ],
        body: None,
        answer: "PageOfDuplicatePair",
    },
    Operation {
        method: "get",
        path: "/persons/not-same",
        tag: "reconciliation",
        summary: "The pairs judged not the same person, newest first (at most 500), each person by its first alias (none without consent), team and birth year, with who judged, when and why",
        access: Access::Central,
        query: &[],
        body: None,
        answer: "JudgedPairs",
    },
    Operation {
        method: "post",
        path: "/persons/not-same",
        tag: "reconciliation",
        summary: "Judge a pair not the same person (with an optional reason, at most 500 characters): not proposed again; 409 `already_merged` when the two records are merged into one person (unmerge first)",
        access: Access::Reconciler,
        query: &[],
        body: Some("NotSame"),
        answer: "Empty",
    },
    Operation {
        method: "post",
        path: "/persons/not-same/undo",
        tag: "reconciliation",
        summary: "Take back a judgement \"not the same person\" (the reason is ignored): the pair may be proposed again; 404 when there is none",
        access: Access::Reconciler,
        query: &[],
        body: Some("NotSame"),
        answer: "Empty",
    },
    Operation {
        method: "get",
        path: "/teams",
        tag: "central",
        summary: "Every team with records (for the central lists' team filter), with the name and area an imported file gave it",
        access: Access::Central,
        query: &[],
        body: None,
        answer: "TeamList",
    },
    Operation {
        method: "get",
        path: "/devices/me/scope",
        tag: "devices",
        summary: "What this central office device keeps offline (teams, persons), and the teams to choose from",
        access: Access::Central,
        query: &[],
        body: None,
        answer: "ScopePage",
    },
    Operation {
        method: "put",
        path: "/devices/me/scope",
        tag: "devices",
        summary: "Choose what this central office device keeps offline (at most 50 teams, 500 persons); it syncs only that and what its user wrote",
        access: Access::Central,
        query: &[],
        body: Some("SyncScope"),
        answer: "ScopePage",
    },
    Operation {
        method: "post",
        path: "/persons/merge",
        tag: "reconciliation",
        summary: "Merge a person into another (survivor, merged, reason, keep: per field survivor | merged); reversible. A merge that withdraws the survivor's consent (the other never gave it, or withdrew it) erases their identifying data for good: refused (409 `merge_withdraws_consent`) unless `withdraw_consent` is true",
        access: Access::Reconciler,
        query: &[],
        body: Some("MergeRequest"),
        answer: "MergeRecord",
    },
    Operation {
        method: "post",
        path: "/persons/unmerge",
        tag: "reconciliation",
        summary: "Undo a merge (merge id, reason): both persons and their links as before",
        access: Access::Reconciler,
        query: &[],
        body: Some("UnmergeRequest"),
        answer: "MergeRecord",
    },
    Operation {
        method: "get",
        path: "/persons/{id}",
        tag: "central",
        summary: "A person with every contact and referral across teams",
        access: Access::Central,
        query: &[],
        body: None,
        answer: "PersonPage",
    },
    Operation {
        method: "get",
        path: "/contacts",
        tag: "central",
        summary: "Contacts of the whole PUA (sort: newest, oldest; also channel, sector, need, indicator, consent, person)",
        access: Access::Central,
        query: CONTACTS_QUERY,
        body: None,
        answer: "PageOfContactRecord",
    },
    Operation {
        method: "post",
        path: "/contacts/search",
        tag: "central",
        summary: "The same as `GET /contacts`, the parameters form-encoded in the body (a searched name stays out of addresses and access logs)",
        access: Access::Central,
        query: &[],
        body: Some("application/x-www-form-urlencoded"),
        answer: "PageOfContactRecord",
    },
    Operation {
        method: "get",
        path: "/contacts/{id}",
        tag: "central",
        summary: "One contact's record",
        access: Access::Central,
        query: &[],
        body: None,
        answer: "ContactRecord",
    },
    Operation {
        method: "get",
        path: "/referrals",
        tag: "central",
        summary: "Referrals of the whole PUA (sort: newest, oldest, waiting; also need, status, partner, person, contact)",
        access: Access::Central,
        query: REFERRALS_QUERY,
        body: None,
        answer: "PageOfReferralRecord",
    },
    Operation {
        method: "post",
        path: "/referrals/search",
        tag: "central",
        summary: "The same as `GET /referrals`, the parameters form-encoded in the body (a searched name stays out of addresses and access logs)",
        access: Access::Central,
        query: &[],
        body: Some("application/x-www-form-urlencoded"),
        answer: "PageOfReferralRecord",
    },
    Operation {
        method: "get",
        path: "/referrals/{id}",
        tag: "central",
        summary: "One referral's record",
        access: Access::Central,
        query: &[],
        body: None,
        answer: "ReferralRecord",
    },
    Operation {
        method: "get",
        path: "/csv/{list}",
        tag: "central",
        summary: "Every record of a filtered list (persons, contacts, referrals) as CSV, pseudonymous columns only",
        access: Access::Central,
        query: CSV_QUERY,
        body: None,
        answer: "text/csv",
    },
    Operation {
        method: "post",
        path: "/csv/{list}",
        tag: "central",
        summary: "The same as `GET /csv/{list}`, the parameters form-encoded in the body",
        access: Access::Central,
        query: &[],
        body: Some("application/x-www-form-urlencoded"),
        answer: "text/csv",
    },
    Operation {
        method: "get",
        path: "/cases",
        tag: "cases",
        summary: "Cases taken in charge, overdue reviews first (each with its person, next review, PIP implementation and the 90-days-without-contact flag). Cases are written as documents through /sync/push",
        access: Access::Cases,
        query: &[
            ("status", "open (default), closed or all"),
            (
                "manager",
                "cases this user name follows as case manager or labour expert; `me`: the caller's",
            ),
            ("person", "a person's cases (through merges)"),
        ],
        body: None,
        answer: "CaseList",
    },
    Operation {
        method: "get",
        path: "/cases/{id}",
        tag: "cases",
        summary: "A case with its person's contacts and referrals (through merges), the version of the PUA's rules it is assessed under, and the job offers matching its work plan with their reasons",
        access: Access::Cases,
        query: &[],
        body: None,
        answer: "CasePage",
    },
    Operation {
        method: "get",
        path: "/job-offers",
        tag: "cases",
        summary: "The survey of local job demand: every job offer (written as documents through /sync/push)",
        access: Access::Cases,
        query: &[],
        body: None,
        answer: "JobOfferList",
    },
    Operation {
        method: "get",
        path: "/rules",
        tag: "cases",
        summary: "The PUA's rules: every version published, the highest in force (the director publishes one through /sync/push)",
        access: Access::Cases,
        query: &[],
        body: None,
        answer: "PuaRules",
    },
    Operation {
        method: "get",
        path: "/conflicts",
        tag: "central",
        summary: "Records whose sensitive fields two devices wrote differently while apart",
        access: Access::Reconciler,
        query: &[],
        body: None,
        answer: "ConflictList",
    },
    Operation {
        method: "post",
        path: "/conflicts/resolve",
        tag: "central",
        summary: "Keep one of a field's values (a change synced to every device)",
        access: Access::Reconciler,
        query: &[],
        body: Some("Resolve"),
        answer: "Empty",
    },
    Operation {
        method: "post",
        path: "/exchange/import",
        tag: "exchange",
        summary: "Import a PUA exchange file (JSON Lines, EXCHANGE.md §1; at most 32 MB), all or nothing: the report, or 422 with the same report listing every invalid line (number, field, reason)",
        access: Access::Admin,
        query: &[(
            "dry_run",
            "true: check the file and report what it would do, storing nothing",
        )],
        body: Some("application/x-ndjson"),
        answer: "ImportReport",
    },
    Operation {
        method: "get",
        path: "/exchange/export",
        tag: "exchange",
        summary: "Every record of the PUA in the exchange format (JSON Lines), as a file to download",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "application/x-ndjson",
    },
    Operation {
        method: "get",
        path: "/directory",
        tag: "directory",
        summary: "The services directory (ETag; 304 when unchanged)",
        access: Access::Session,
        query: &[],
        body: None,
        answer: "application/json",
    },
    Operation {
        method: "get",
        path: "/devices",
        tag: "accounts",
        summary: "Devices that signed in",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "DeviceList",
    },
    Operation {
        method: "post",
        path: "/devices/{id}/revoke",
        tag: "accounts",
        summary: "Revoke a device: it wipes its data at its next request (403 for a device of an account whose role the caller does not administer: the director administers none)",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "DeviceRecord",
    },
    Operation {
        method: "post",
        path: "/devices/{id}/end-sessions",
        tag: "accounts",
        summary: "End a device's sessions without revoking it (403 as for a revocation)",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "DeviceRecord",
    },
    Operation {
        method: "get",
        path: "/accounts",
        tag: "accounts",
        summary: "Every account",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "AccountList",
    },
    Operation {
        method: "post",
        path: "/accounts",
        tag: "accounts",
        summary: "Create an account (a one-time password is answered)",
        access: Access::Admin,
        query: &[],
        body: Some("NewAccount"),
        answer: "AccountPassword",
    },
    Operation {
        method: "post",
        path: "/accounts/{name}/disable",
        tag: "accounts",
        summary: "Disable an account",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "AccountRecord",
    },
    Operation {
        method: "post",
        path: "/accounts/{name}/enable",
        tag: "accounts",
        summary: "Enable an account",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "AccountRecord",
    },
    Operation {
        method: "post",
        path: "/accounts/{name}/password",
        tag: "accounts",
        summary: "Reset an account's password (a one-time password is answered)",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "AccountPassword",
    },
    Operation {
        method: "post",
        path: "/accounts/{name}/role",
        tag: "accounts",
        summary: "Change an account's role and team",
        access: Access::Admin,
        query: &[],
        body: Some("RoleChange"),
        answer: "AccountRecord",
    },
    Operation {
        method: "post",
        path: "/accounts/{name}/unlock",
        tag: "accounts",
        summary: "Unlock an account locked by wrong passwords",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "AccountRecord",
    },
    Operation {
        method: "post",
        path: "/accounts/{name}/end-everything",
        tag: "accounts",
        summary: "End every session and revoke every device of an account",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "AccountRecord",
    },
    Operation {
        method: "get",
        path: "/accounts/{name}/sessions",
        tag: "accounts",
        summary: "An account's open sessions",
        access: Access::Admin,
        query: &[],
        body: None,
        answer: "SessionList",
    },
    Operation {
        method: "get",
        path: "/audit",
        tag: "audit",
        summary: "Audit log entries after a number",
        access: Access::Auditor,
        query: &[
            ("after", "the last entry number already read"),
            ("limit", "entries per page"),
        ],
        body: None,
        answer: "application/json",
    },
    Operation {
        method: "get",
        path: "/audit/verify",
        tag: "audit",
        summary: "Check the audit log's hash chain",
        access: Access::Auditor,
        query: &[],
        body: None,
        answer: "application/json",
    },
];

fn obj(props: &[(&str, Value)], required: &[&str]) -> Value {
    let mut p = Map::new();
    for (k, v) in props {
        p.insert((*k).to_string(), v.clone());
    }
    json!({ "type": "object", "properties": p, "required": required })
}

fn s() -> Value {
    json!({ "type": "string" })
}
fn opt_s() -> Value {
    json!({ "type": ["string", "null"] })
}
fn int() -> Value {
    json!({ "type": "integer" })
}
fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}
fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
fn list(name: &str) -> Value {
    json!({ "type": "array", "items": r(name) })
}
fn page(item: &str) -> Value {
    obj(
        &[("items", list(item)), ("total", int()), ("next", opt_s())],
        &["items", "total", "next"],
    )
}

/// The body and record shapes (JSON).
fn schemas() -> Map<String, Value> {
    let conflict = obj(
        &[
            ("field", s()),
            (
                "values",
                json!({ "type": "array", "items": obj(&[
                    ("value", s()), ("actor", s()), ("counter", int()),
                    ("by", opt_s()), ("at", json!({"type": ["integer", "null"]})),
                    ("by_name", s()),
                ], &["value", "actor", "counter"]) }),
            ),
        ],
        &["field", "values"],
    );
    let conflicts = json!({ "type": "array", "items": conflict });
    let mut m = Map::new();
    let mut add = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    add("Empty", json!({ "type": "object" }));
    add(
        "ErrorBody",
        obj(&[("error", s()), ("message", s())], &["error", "message"]),
    );
    add(
        "HealthResponse",
        obj(
            &[("status", s()), ("schema_version", int())],
            &["status", "schema_version"],
        ),
    );
    add(
        "LoginRequest",
        obj(
            &[
                ("username", s()),
                ("password", s()),
                ("device_actor", opt_s()),
                (
                    "device_key",
                    json!({"type": "string", "description": "the key the device's last sign-in gave it: with it, the device counts as one the account uses (its own lock, not the account's); an actor id alone does not"}),
                ),
            ],
            &["username", "password"],
        ),
    );
    add(
        "UserInfo",
        obj(
            &[
                ("id", s()),
                ("username", s()),
                (
                    "role",
                    json!({"type": "string", "enum": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()}),
                ),
                ("team", s()),
            ],
            &["id", "username", "role", "team"],
        ),
    );
    add(
        "LoginResponse",
        obj(
            &[
                ("token", s()),
                ("user", r("UserInfo")),
                ("expires_at", s()),
                ("logout_key", opt_s()),
                (
                    "device_key",
                    json!({"type": "string", "description": "with a device actor: what the device shows at its next sign-in (a new one each time)"}),
                ),
            ],
            &["token", "user", "expires_at"],
        ),
    );
    add(
        "EndSessionRequest",
        obj(&[("logout_key", s())], &["logout_key"]),
    );
    add("EventsTicket", obj(&[("ticket", s())], &["ticket"]));
    add(
        "ContactRecord",
        obj(
            &[
                ("id", s()),
                ("occurred_at", s()),
                ("place", json!({"type": ["object", "null"]})),
                (
                    "person",
                    json!({"description": "\"anonymous\" or {\"alias\": …}"}),
                ),
                ("person_id", opt_s()),
                (
                    "survivor_name",
                    json!({"type": "string", "description": "the first alias of the person the contact counts under, when its person was merged into another"}),
                ),
                ("group", json!({"type": ["object", "null"]})),
                ("needs", strings()),
                ("channel", s()),
                ("sector", opt_s()),
                ("workplace", s()),
                (
                    "indicators",
                    json!({"type": "array", "items": obj(&[("code", s()), ("note", s())], &["code"])}),
                ),
                ("materials", strings()),
                ("language", opt_s()),
                ("mediator", s()),
                ("follow_up", s()),
                ("consent", s()),
                ("note", s()),
                ("author", s()),
                ("author_name", s()),
                ("team", s()),
                ("received_at", s()),
                ("updated_at", s()),
                ("heads", strings()),
                ("conflicts", conflicts.clone()),
            ],
            &["id", "occurred_at", "person", "needs", "author", "team"],
        ),
    );
    add(
        "PersonRecord",
        obj(
            &[
                ("id", s()),
                ("team", s()),
                ("aliases", strings()),
                ("birth_year", json!({"type": ["integer", "null"]})),
                ("birth_year_estimated", json!({"type": "boolean"})),
                ("gender", s()),
                ("country", s()),
                ("languages", strings()),
                ("phone", opt_s()),
                ("documents", s()),
                ("usual_place", s()),
                (
                    "consent",
                    obj(
                        &[
                            ("status", s()),
                            ("at", s()),
                            ("recorded_by", s()),
                            ("partners", strings()),
                        ],
                        &["status", "at"],
                    ),
                ),
                ("author", s()),
                ("merged_into", opt_s()),
                ("created_at", s()),
                ("received_at", s()),
                ("updated_at", s()),
                ("heads", strings()),
                ("conflicts", conflicts.clone()),
            ],
            &["id", "team", "aliases", "consent"],
        ),
    );
    add(
        "ReferralRecord",
        obj(
            &[
                ("id", s()),
                ("contact", s()),
                ("person_id", opt_s()),
                ("person_name", opt_s()),
                ("group_people", json!({"type": ["integer", "null"]})),
                ("need", s()),
                ("partner", s()),
                ("service_id", opt_s()),
                ("organisation", opt_s()),
                ("status", s()),
                ("status_since", s()),
                ("conflict", json!({"type": "boolean"})),
                (
                    "history",
                    json!({"type": "array", "items": obj(&[("status", s()), ("at", s()), ("by", s())], &["status", "at", "by"])}),
                ),
                ("outcome", s()),
                ("author", s()),
                ("team", s()),
                ("created_at", s()),
                ("received_at", s()),
                ("updated_at", s()),
                ("heads", strings()),
                ("conflicts", conflicts.clone()),
            ],
            &["id", "contact", "need", "status", "history", "team"],
        ),
    );
    add(
        "PersonRow",
        obj(
            &[
                ("person", r("PersonRecord")),
                ("contacts", int()),
                ("referrals", int()),
                ("last_contact_at", opt_s()),
                ("teams", strings()),
            ],
            &["person", "contacts", "referrals", "teams"],
        ),
    );
    add("PageOfPersonRow", page("PersonRow"));
    let side = obj(
        &[
            ("id", s()),
            ("external_id", opt_s()),
            ("team", s()),
            ("aliases", strings()),
            ("birth_year", json!({"type": ["integer", "null"]})),
            ("contacts", int()),
        ],
        &["id", "team", "aliases"],
    );
    add(
        "DuplicatePair",
        obj(
            &[
                ("a", side.clone()),
                ("b", side),
                ("score", json!({"type": "number"})),
                (
                    "reasons",
                    json!({"type": "array", "items": {"type": "object", "description": "{kind: same_phone | similar_phone | alias (how: same | transliteration | spelling | phonetic | partial) | birth_year | same_gender | same_country | shared_languages | met_near | same_usual_place | different_phone | different_birth_year | different_gender | different_country | different_usual_place, …}"}}),
                ),
            ],
            &["a", "b", "score", "reasons"],
        ),
    );
    add("PageOfDuplicatePair", page("DuplicatePair"));
    let judged_side = obj(
        &[
            ("id", s()),
            ("team", opt_s()),
            ("name", opt_s()),
            ("birth_year", json!({"type": ["integer", "null"]})),
        ],
        &["id"],
    );
    add(
        "JudgedPairs",
        obj(
            &[
                (
                    "items",
                    json!({"type": "array", "items": obj(
                        &[
                            ("a", judged_side.clone()),
                            ("b", judged_side),
                            ("by", s()),
                            ("by_name", opt_s()),
                            ("at", s()),
                            ("reason", s()),
                        ],
                        &["a", "b", "by", "at"],
                    )}),
                ),
                ("total", int()),
            ],
            &["items", "total"],
        ),
    );
    add(
        "NotSame",
        obj(&[("a", s()), ("b", s()), ("reason", s())], &["a", "b"]),
    );
    add(
        "TeamList",
        json!({"type": "array", "items": obj(
            &[("id", s()), ("name", s()), ("area", s())],
            &["id"],
        )}),
    );
    add("PageOfContactRecord", page("ContactRecord"));
    add("PageOfReferralRecord", page("ReferralRecord"));
    add(
        "PersonPage",
        obj(
            &[
                ("person", r("PersonRecord")),
                ("contacts", list("ContactRecord")),
                ("referrals", list("ReferralRecord")),
                ("merged", list("PersonRecord")),
                ("merges", list("MergeRecord")),
                (
                    "consent_history",
                    json!({"type": "array", "items": {"type": "object", "description": "status, at, recorded_by, partners"}}),
                ),
                (
                    "merged_consent",
                    json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object", "description": "status, at, recorded_by, partners"}}, "description": "by id of a record in `merged`: its own consent history, oldest first"}),
                ),
                (
                    "not_same",
                    json!({"type": "array", "items": obj(
                        &[("other", s()), ("other_name", opt_s()), ("by", s()), ("at", s()), ("reason", s())],
                        &["other", "by", "at"],
                    )}),
                ),
                (
                    "user_names",
                    json!({"type": "object", "additionalProperties": {"type": "string"}, "description": "user name by user id, for `merges` and `not_same`"}),
                ),
                (
                    "person_names",
                    json!({"type": "object", "additionalProperties": {"type": "string"}, "description": "first alias by person id, for the persons `merges` names"}),
                ),
                (
                    "person_teams",
                    json!({"type": "object", "additionalProperties": {"type": "string"}, "description": "team slug by person id, for the persons `merges` names"}),
                ),
            ],
            &[
                "person",
                "contacts",
                "referrals",
                "merged",
                "merges",
                "consent_history",
            ],
        ),
    );
    let keep = json!({ "type": "object", "description": "field (birth_year, gender, country, phone, documents, usual_place) → survivor | merged",
        "additionalProperties": { "type": "string", "enum": ["survivor", "merged"] } });
    add(
        "MergeRequest",
        obj(
            &[
                ("survivor", s()),
                ("merged", s()),
                ("reason", s()),
                ("keep", keep.clone()),
                ("withdraw_consent", json!({"type": "boolean"})),
            ],
            &["survivor", "merged", "reason"],
        ),
    );
    add(
        "SyncScope",
        obj(&[("teams", strings()), ("persons", strings())], &[]),
    );
    add(
        "ScopePage",
        obj(
            &[("scope", r("SyncScope")), ("teams", strings())],
            &["scope", "teams"],
        ),
    );
    add(
        "UnmergeRequest",
        obj(&[("merge", s()), ("reason", s())], &["merge", "reason"]),
    );
    add(
        "MergeRecord",
        obj(
            &[
                ("id", s()),
                ("survivor", s()),
                ("merged", s()),
                ("by", s()),
                ("at", s()),
                ("reason", s()),
                ("kept", keep),
                ("consent", s()),
                (
                    "undone",
                    json!({"type": ["object", "null"], "properties": {"by": {"type": "string"}, "at": {"type": "string"}, "reason": {"type": "string"}}}),
                ),
            ],
            &[
                "id", "survivor", "merged", "by", "at", "reason", "kept", "consent",
            ],
        ),
    );
    add(
        "ConflictList",
        json!({ "type": "array", "items": obj(&[
            ("id", s()), ("doc_type", s()), ("team", s()), ("label", s()), ("person", s()), ("conflicts", conflicts),
        ], &["id", "doc_type", "team", "conflicts"]) }),
    );
    let any_object = json!({ "type": "object" });
    let counts = json!({ "type": "object", "additionalProperties": { "type": "integer" } });
    let rate = json!({ "type": ["number", "null"], "minimum": 0, "maximum": 1 });
    let days = json!({ "type": ["number", "null"] });
    add(
        "ReportSummary",
        obj(
            &[
                ("from", s()),
                ("to", s()),
                ("contacts", int()),
                ("contacts_by_channel", counts.clone()),
                ("contacts_by_sector", counts.clone()),
                ("contacts_by_team", counts.clone()),
                ("contacts_by_month", counts.clone()),
                ("people_reached", int()),
                ("new_persons", int()),
                ("needs", counts.clone()),
                ("indicators", counts.clone()),
                ("referrals", int()),
                ("referrals_by_need", counts.clone()),
                ("referral_acceptance_rate", rate.clone()),
                ("referral_median_days_to_answer", days.clone()),
                ("referrals_waiting_at_end", int()),
                (
                    "referrals_by_partner",
                    json!({ "type": "object", "additionalProperties": obj(&[
                        ("referrals", int()), ("accepted", int()), ("declined", int()),
                        ("median_days_to_answer", days.clone()),
                    ], &["referrals", "accepted", "declined", "median_days_to_answer"]) }),
                ),
                ("cases_opened", int()),
                ("cases_eligible_rate", rate.clone()),
                ("cases_active_at_end", int()),
                ("cases_closed_by_outcome", counts.clone()),
                ("case_success_rate", rate.clone()),
                ("pip_implementation_rate", rate.clone()),
                (
                    "workload",
                    json!({ "type": "object", "additionalProperties": obj(&[
                        ("contacts", int()), ("referrals", int()), ("cases", int()),
                    ], &["contacts", "referrals", "cases"]) }),
                ),
            ],
            &[
                "contacts",
                "contacts_by_channel",
                "contacts_by_sector",
                "contacts_by_team",
                "contacts_by_month",
                "people_reached",
                "new_persons",
                "needs",
                "indicators",
                "referrals",
                "referrals_by_need",
                "referral_acceptance_rate",
                "referral_median_days_to_answer",
                "referrals_waiting_at_end",
                "referrals_by_partner",
                "cases_opened",
                "cases_eligible_rate",
                "cases_active_at_end",
                "cases_closed_by_outcome",
                "case_success_rate",
                "pip_implementation_rate",
                "workload",
            ],
        ),
    );
    add(
        "ReportDashboard",
        obj(
            &[
                ("summary", r("ReportSummary")),
                (
                    "previous",
                    json!({"oneOf": [r("ReportSummary"), {"type": "null"}]}),
                ),
                ("views", any_object.clone()),
                ("monitoring", any_object.clone()),
                ("teams", json!({"type": "array"})),
            ],
            &["summary", "previous", "views", "monitoring", "teams"],
        ),
    );
    add(
        "ReportNote",
        obj(
            &[
                ("period", s()),
                ("text", s()),
                ("updated_at", opt_s()),
                ("by", opt_s()),
            ],
            &["period", "text"],
        ),
    );
    add("ReportNoteBody", obj(&[("text", s())], &["text"]));
    add(
        "CaseList",
        json!({ "type": "array", "items": obj(&[
            ("case", any_object.clone()), ("person", json!({"type": ["object", "null"]})),
            ("review_due", opt_s()), ("overdue", json!({"type": "boolean"})),
            ("last_contact_at", opt_s()), ("no_recent_contact", json!({"type": "boolean"})),
            ("interventions", int()), ("interventions_done", int()),
        ], &["case", "overdue", "no_recent_contact", "interventions", "interventions_done"]) }),
    );
    add(
        "CasePage",
        obj(
            &[
                ("row", any_object.clone()),
                ("contacts", json!({"type": "array"})),
                ("referrals", json!({"type": "array"})),
                ("rules", json!({"type": ["object", "null"]})),
                (
                    "matches",
                    json!({"type": "array", "items": obj(&[
                    ("offer", s()), ("employer", s()), ("sector", s()), ("positions", int()),
                    ("score", int()), ("reasons", json!({"type": "array"})),
                ], &["offer", "score", "reasons"])}),
                ),
            ],
            &["row", "contacts", "referrals", "matches"],
        ),
    );
    add(
        "JobOfferList",
        json!({ "type": "array", "items": obj(&[
            ("id", s()), ("employer", s()), ("sector", s()), ("area", s()),
            ("positions", int()), ("languages", strings()), ("from", opt_s()), ("to", opt_s()),
        ], &["id", "employer", "sector", "positions"]) }),
    );
    add(
        "PuaRules",
        obj(
            &[
                ("id", s()),
                (
                    "versions",
                    json!({"type": "array", "items": obj(&[
                ("version", int()), ("published_at", int()), ("by", s()),
                ("access_conditions", json!({"type": "array"})),
                ("meeting_modes", json!({"type": "array"})),
                ("criteria", json!({"type": "array"})),
                ("judgements", json!({"type": "array"})),
                ("review_interval_days", int()),
            ], &["version", "review_interval_days"])}),
                ),
            ],
            &["id", "versions"],
        ),
    );
    add(
        "Resolve",
        obj(
            &[
                ("id", s()),
                ("field", s()),
                ("actor", s()),
                ("counter", int()),
            ],
            &["id", "field", "actor", "counter"],
        ),
    );
    let counts = json!({ "type": "object", "additionalProperties": { "type": "integer" },
        "description": "per type: team, person, contact, referral, case, job_offer" });
    add(
        "ImportReport",
        obj(
            &[
                ("ok", json!({"type": "boolean"})),
                ("dry_run", json!({"type": "boolean"})),
                ("created", counts.clone()),
                ("updated", counts.clone()),
                ("unchanged", counts),
                (
                    "withdrawals",
                    json!({"type": "integer", "description": "stored persons whose consent the file withdraws (their data erased for good)"}),
                ),
                (
                    "errors",
                    json!({ "type": "array", "items": obj(
                        &[("line", int()), ("field", s()), ("reason", s())],
                        &["line", "field", "reason"],
                    ) }),
                ),
                (
                    "notices",
                    json!({ "type": "array", "description": "lines taken without part of what they give (a person whose consent is not given: no identifying data; a contact or referral naming them: anonymous, not linked)", "items": obj(
                        &[("line", int()), ("field", s()), ("reason", s())],
                        &["line", "field", "reason"],
                    ) }),
                ),
            ],
            &["ok", "dry_run", "created", "updated", "unchanged", "errors"],
        ),
    );
    add(
        "DeviceRecord",
        obj(
            &[
                ("id", s()),
                ("short_id", s()),
                ("username", s()),
                ("team", s()),
                ("signed_in_at", s()),
                ("last_seen", s()),
                ("revoked_at", opt_s()),
                ("active_sessions", int()),
            ],
            &["id", "username", "team"],
        ),
    );
    add("DeviceList", list("DeviceRecord"));
    add(
        "AccountRecord",
        json!({ "type": "object", "description": "An account: name, role, team, state (disabled, locked), sessions and devices" }),
    );
    add("AccountList", list("AccountRecord"));
    add(
        "NewAccount",
        obj(
            &[("username", s()), ("role", s()), ("team", s())],
            &["username", "role", "team"],
        ),
    );
    add(
        "RoleChange",
        obj(&[("role", s()), ("team", s())], &["role", "team"]),
    );
    add(
        "AccountPassword",
        obj(
            &[("username", s()), ("password", s())],
            &["username", "password"],
        ),
    );
    add(
        "SessionList",
        json!({ "type": "array", "items": { "type": "object" } }),
    );
    // Request bodies that refuse a key they do not know (422 `invalid_body`).
    for name in CLOSED_BODIES {
        if let Some(Value::Object(o)) = m.get_mut(name) {
            o.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
    m
}

/// The request bodies whose type denies unknown fields (`#[serde(deny_unknown_fields)]`).
const CLOSED_BODIES: [&str; 7] = [
    "EndSessionRequest",
    "NotSame",
    "MergeRequest",
    "UnmergeRequest",
    "Resolve",
    "NewAccount",
    "RoleChange",
];

fn content(kind: &str) -> Value {
    if kind.contains('/') {
        json!({ kind: { "schema": { "type": "string", "format": "binary" } } })
    } else {
        json!({ "application/json": { "schema": r(kind) } })
    }
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let mut parameters: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": s() }))
            .collect();
        parameters.extend(op.query.iter().map(|(name, description)| {
            json!({ "name": name, "in": "query", "required": false, "description": description, "schema": s() })
        }));
        let security = match op.access {
            Access::Public => json!([]),
            _ => json!([{ "session": [] }]),
        };
        let who = match op.access {
            Access::Public => "anyone",
            Access::Session => "any signed-in account",
            Access::Device => "a session bound to a syncing device",
            Access::Central => {
                "the central office in any of its roles (central_office, social_expert, labour_expert, director)"
            }
            Access::Reconciler => "central_office or social_expert",
            Access::Admin => "central_office or director",
            Access::Cases => {
                "the case roles (central_office, social_expert, labour_expert, director); field workers never"
            }
            Access::Reports => {
                "the central office in any of its roles (central_office, social_expert, labour_expert, director)"
            }
            Access::Director => "central_office or director",
            Access::Auditor => "the auditor",
        };
        let notes = NOTES
            .iter()
            .find(|(path, _)| *path == op.path)
            .map_or(String::new(), |(_, n)| format!("\n\n{n}"));
        let mut operation = json!({
            "tags": [op.tag],
            "summary": op.summary,
            "description": format!("Who may call it: {who}. Errors answer an ErrorBody with a stable code.{notes}"),
            "parameters": parameters,
            "security": security,
            "x-strada-roles": op.access.roles().iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            "responses": {
                "200": { "description": "done", "content": content(op.answer) },
                "4XX": { "description": "refused", "content": content("ErrorBody") },
            },
        });
        if let Some(body) = op.body {
            operation["requestBody"] = json!({ "required": true, "content": content(body) });
        }
        let path = format!("/api{}", op.path);
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Strada",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The sync server and central records of the PUA (INLAV Lombardia). Sync bodies use the versioned binary encoding `application/x-strada-sync; v=N` (see ARCHITECTURE.md); everything else is JSON.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": { "session": { "type": "http", "scheme": "bearer" } },
        },
    })
}

pub async fn get() -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `.route(…)` of the router (read from its source) is described, with each of
    /// its methods, and nothing is described that is not routed.
    #[test]
    fn every_route_is_described_and_every_description_is_routed() {
        let source = include_str!("mod.rs");
        let start = source.find("let api = Router::new()").expect("the router");
        let end = source[start..].find(".fallback(").expect("its end") + start;
        let router: String = source[start..end].split_whitespace().collect();
        let mut routed = Vec::new();
        for part in router.split(".route(").skip(1) {
            let path = part.split('"').nth(1).expect("a path");
            let handlers = &part[part.find(',').expect("handlers")..];
            for method in ["get", "post", "put", "delete", "patch"] {
                let call = format!("{method}(");
                if handlers.starts_with(&format!(",{call}"))
                    || handlers.contains(&format!(".{call}"))
                {
                    routed.push((method.to_string(), path.to_string()));
                }
            }
        }
        assert!(routed.len() >= 30, "the router was read: {routed:?}");
        let described: Vec<(String, String)> = OPERATIONS
            .iter()
            .map(|o| (o.method.to_string(), o.path.to_string()))
            .collect();
        for r in &routed {
            assert!(described.contains(r), "{r:?} is routed but not described");
        }
        for d in &described {
            assert!(routed.contains(d), "{d:?} is described but not routed");
        }
        // Every schema referred to exists.
        let doc = document().to_string();
        let names = schemas();
        for part in doc.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(names.contains_key(name), "schema {name} is missing");
        }
    }

    /// Each list's described query parameters are exactly those it accepts (a new user's
    /// check: the lists' filters were only named in their summaries), and the CSV export
    /// describes every filter of every list.
    #[test]
    fn the_lists_describe_every_filter_they_take() {
        use crate::central::query::List;
        let names = |path: &str| -> Vec<&str> {
            let op = OPERATIONS
                .iter()
                .find(|o| o.method == "get" && o.path == path)
                .expect(path);
            let mut v: Vec<&str> = op.query.iter().map(|q| q.0).collect();
            v.sort_unstable();
            v
        };
        let mut csv: Vec<&str> = Vec::new();
        for (path, list) in [
            ("/persons", List::Persons),
            ("/contacts", List::Contacts),
            ("/referrals", List::Referrals),
        ] {
            // Each order the list takes is named in its `sort`'s description.
            let op = OPERATIONS
                .iter()
                .find(|o| o.method == "get" && o.path == path)
                .unwrap();
            let sort = op.query.iter().find(|q| q.0 == "sort").unwrap().1;
            for order in list.sorts() {
                assert!(sort.contains(order), "{path}: {order}");
            }
            let mut takes: Vec<&str> = List::COMMON
                .iter()
                .chain(list.own_params())
                .copied()
                .collect();
            takes.sort_unstable();
            assert_eq!(names(path), takes, "{path}");
            csv.extend(takes);
        }
        // The CSV export writes every record: no pages.
        csv.retain(|p| !matches!(*p, "cursor" | "limit"));
        csv.sort_unstable();
        csv.dedup();
        assert_eq!(names("/csv/{list}"), csv);
    }

    /// The bodies described as closed are the types that deny unknown fields.
    #[test]
    fn closed_bodies_are_the_types_that_deny_unknown_fields() {
        let mut denying = Vec::new();
        for source in [
            include_str!("../../../shared/src/central.rs"),
            include_str!("../../../shared/src/api.rs"),
        ] {
            for part in source.split("#[serde(deny_unknown_fields)]").skip(1) {
                let name = part
                    .split("pub struct ")
                    .nth(1)
                    .and_then(|p| p.split([' ', '{']).next())
                    .expect("a struct");
                denying.push(name.to_string());
            }
        }
        let mut closed: Vec<String> = CLOSED_BODIES.iter().map(|s| s.to_string()).collect();
        denying.sort();
        closed.sort();
        assert_eq!(denying, closed);
        let names = schemas();
        for name in CLOSED_BODIES {
            assert_eq!(
                names[name]["additionalProperties"],
                Value::Bool(false),
                "{name}"
            );
        }
    }
}
