//! One line of an exchange file: a JSON object read into a typed record, checked against
//! every rule of `EXCHANGE.md` §1 that needs nothing but the line itself (and the clock):
//! fields known and of the right type, codes, times, countries, languages, lengths, a
//! group that adds up, consent and identifying data, a referral's history along the
//! lifecycle, a case's dates and the fields that go together (a decision and its date,
//! a done intervention and its date, a closure and its outcome), a job offer's season.
//! References (a team, a person, a contact) are resolved later, once the whole file is
//! read (`super::resolve`).
//!
//! A failure names the field — a path such as `group.people` or `history[2].status`,
//! empty for the line as a whole — and a reason; never what the field holds (an alias,
//! a note). The first failure of a line is its report.

mod fields;

use serde_json::Value;
use strada_shared::domain::{DocumentStatus, NeedCategory};
use strada_shared::schema::case::{MAX_CASE_SHORT, MAX_CASE_TEXT, MAX_INTERVENTIONS, MAX_REVIEWS};
use strada_shared::schema::contact::{
    MAX_GROUP, MAX_NOTE_CHARS, MAX_SHORT_TEXT, MIN_OCCURRED_AT_MS, check_alias,
};
use strada_shared::schema::job_offer::MAX_POSITIONS;
use strada_shared::schema::person::{BIRTH_YEARS, MAX_ALIASES, MAX_FIELD_CHARS};
use strada_shared::schema::referral::{MAX_OUTCOME_CHARS, MAX_PARTNER_CHARS};
use strada_shared::schema::{ReferralStatus, contact::Group};
use strada_shared::vocab::{
    Channel, Code, ConsentStatus, Decision, FollowUp, Gender, Indicator, InterventionStatus,
    Material, Mediator, Outcome, Sector, Strength,
};

use super::codes;
use crate::sync::rules::CLOCK_SKEW_MS;
use fields::Obj;

/// Longest id (a record's, a team's, a reference), in characters.
pub const MAX_ID_CHARS: usize = 200;
/// Longest team name and area, in characters.
pub const MAX_TEAM_TEXT: usize = 200;
/// Longest user name (`author`), in characters.
pub const MAX_USER_NAME: usize = 120;
/// Longest language code a contact keeps (as Strada's documents do).
pub const MAX_LANGUAGE_CHARS: usize = 16;

/// How a key the client sent is reported when it does not look like a field name.
pub const SOME_FIELD: &str = "(a field)";

/// Whether a key the client sent may be echoed in an error: ASCII lower-case letters,
/// digits and `_`, 1 to 40 characters — what every field name looks like. Any other key
/// may be data typed where a name belongs (`"Mario Rossi": …`).
pub fn looks_like_field_name(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A key the client sent as an error may name it: itself when it looks like a field
/// name ([`looks_like_field_name`]), else [`SOME_FIELD`].
pub fn reported_key(key: &str) -> &str {
    if looks_like_field_name(key) {
        key
    } else {
        SOME_FIELD
    }
}

/// Why a line is invalid: the field and the reason, never the field's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// A path into the line's object (`consent.at`, `needs[0]`); empty for the line.
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

type Checked<T> = Result<T, FieldError>;

/// The record types of the format, in the order an import handles them (each after
/// what it may refer to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Team,
    Person,
    Contact,
    Referral,
    Case,
    JobOffer,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Team,
        Kind::Person,
        Kind::Contact,
        Kind::Referral,
        Kind::Case,
        Kind::JobOffer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Person => "person",
            Kind::Contact => "contact",
            Kind::Referral => "referral",
            Kind::Case => "case",
            Kind::JobOffer => "job_offer",
        }
    }
}

/// A line read and checked on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The external id, as given.
    pub id: String,
    pub record: Record,
    /// The line digested (SHA-256 of its JSON with sorted keys, hex): the same record
    /// however its keys are ordered or spaced.
    pub digest: String,
}

impl Line {
    pub fn kind(&self) -> Kind {
        match self.record {
            Record::Team(_) => Kind::Team,
            Record::Person(_) => Kind::Person,
            Record::Contact(_) => Kind::Contact,
            Record::Referral(_) => Kind::Referral,
            Record::Case(_) => Kind::Case,
            Record::JobOffer(_) => Kind::JobOffer,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Team(Team),
    Person(Person),
    Contact(Contact),
    Referral(Referral),
    Case(Case),
    JobOffer(JobOffer),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub name: String,
    pub area: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// The team's external id.
    pub team: String,
    pub aliases: Vec<String>,
    pub birth_year: Option<i64>,
    pub birth_year_estimated: bool,
    pub gender: Gender,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<&'static str>,
    /// ISO 639-1, lower case, sorted.
    pub languages: Vec<String>,
    pub phone: Option<String>,
    pub documents: DocumentStatus,
    pub usual_place: Option<String>,
    pub consent: ConsentLine,
    /// Unix ms.
    pub created_at: i64,
    /// The first identifying field the line gave and Strada does not keep: the person's
    /// consent is `not_asked` or `refused` (said in the import's notices).
    pub dropped: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentLine {
    pub status: ConsentStatus,
    /// Unix ms.
    pub at: i64,
    /// Organisation names, sorted.
    pub partners: Vec<String>,
}

/// Who a contact was with.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    /// The person's external id.
    Person(String),
    Anonymous,
    Group(Group),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub team: String,
    /// A user name, as given.
    pub author: Option<String>,
    /// Unix ms.
    pub occurred_at: i64,
    /// Latitude, longitude.
    pub place: Option<(f64, f64)>,
    pub who: Who,
    pub channel: Channel,
    pub sector: Option<Sector>,
    pub workplace: String,
    /// Sorted, as documents read them.
    pub needs: Vec<NeedCategory>,
    /// Sorted by code.
    pub indicators: Vec<(Indicator, String)>,
    /// Sorted.
    pub materials: Vec<Material>,
    pub language: Option<String>,
    pub mediator: Mediator,
    pub follow_up: FollowUp,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub team: String,
    /// The contact's external id.
    pub contact: String,
    /// The person's external id.
    pub person: Option<String>,
    pub need: NeedCategory,
    /// A directory service id.
    pub service: Option<String>,
    /// An organisation's name.
    pub partner: Option<String>,
    /// Each status with its time (Unix ms), from `proposed` on.
    pub history: Vec<(ReferralStatus, i64)>,
    pub outcome: String,
}

/// A case: its dates are `YYYY-MM-DD`, as the document keeps them.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The person's external id.
    pub person: String,
    /// The team's external id.
    pub team: String,
    pub opened_at: String,
    /// User names, as given.
    pub case_manager: Option<String>,
    pub labour_expert: Option<String>,
    pub decision: Decision,
    /// Given with every decision but `pending` (and may be with it).
    pub decided_at: Option<String>,
    pub reasons: Option<String>,
    /// The ILO indicators graded, sorted by code.
    pub indicators: Vec<(Indicator, Strength)>,
    pub assessment_note: String,
    /// Sorted by id.
    pub interventions: Vec<InterventionLine>,
    /// Oldest first: the date and the note.
    pub reviews: Vec<(String, String)>,
    /// The closure: its date and its outcome.
    pub closed: Option<(String, Outcome)>,
}

/// One intervention of a case's PIP.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionLine {
    pub id: String,
    pub need: NeedCategory,
    /// A directory service id.
    pub service: Option<String>,
    pub planned_at: String,
    /// Given exactly when the status is `done`.
    pub done_at: Option<String>,
    pub status: InterventionStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobOffer {
    pub employer: String,
    pub sector: Sector,
    pub area: Option<String>,
    /// Latitude, longitude.
    pub place: Option<(f64, f64)>,
    pub positions: i64,
    /// ISO 639-1, lower case, sorted.
    pub languages: Vec<String>,
    /// The season it covers.
    pub from: Option<String>,
    pub to: Option<String>,
}

const TEAM_FIELDS: &[&str] = &["type", "id", "name", "area"];
const PERSON_FIELDS: &[&str] = &[
    "type",
    "id",
    "team",
    "aliases",
    "birth_year",
    "birth_year_estimated",
    "gender",
    "country",
    "languages",
    "phone",
    "documents",
    "usual_place",
    "consent",
    "created_at",
];
const CONSENT_FIELDS: &[&str] = &["status", "at", "partners"];
const CONTACT_FIELDS: &[&str] = &[
    "type",
    "id",
    "team",
    "author",
    "occurred_at",
    "place",
    "who",
    "person",
    "group",
    "channel",
    "sector",
    "workplace",
    "needs",
    "indicators",
    "materials",
    "language",
    "mediator",
    "follow_up",
    "note",
];
const PLACE_FIELDS: &[&str] = &["lat", "lon"];
const GROUP_FIELDS: &[&str] = &["people", "women", "men", "minors"];
const INDICATOR_FIELDS: &[&str] = &["code", "note"];
const REFERRAL_FIELDS: &[&str] = &[
    "type", "id", "team", "contact", "person", "need", "service", "partner", "history", "outcome",
];
const HISTORY_FIELDS: &[&str] = &["status", "at"];
const CASE_FIELDS: &[&str] = &[
    "type",
    "id",
    "person",
    "team",
    "opened_at",
    "case_manager",
    "labour_expert",
    "eligibility",
    "assessment",
    "interventions",
    "reviews",
    "closed_at",
    "outcome",
];
const ELIGIBILITY_FIELDS: &[&str] = &["decision", "at", "reasons"];
const ASSESSMENT_FIELDS: &[&str] = &["indicators", "note"];
const GRADE_FIELDS: &[&str] = &["code", "strength"];
const INTERVENTION_FIELDS: &[&str] = &["id", "need", "service", "planned_at", "done_at", "status"];
const REVIEW_FIELDS: &[&str] = &["at", "note"];
const JOB_OFFER_FIELDS: &[&str] = &[
    "type",
    "id",
    "employer",
    "sector",
    "area",
    "place",
    "positions",
    "languages",
    "from",
    "to",
];
/// Most languages a job offer lists.
const MAX_OFFER_LANGUAGES: usize = 50;

/// A line that is not valid: why, and which record it is when its `type` and `id` read
/// (a line that names it is then not reported too: the file is refused anyway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub key: Option<(Kind, String)>,
    pub error: FieldError,
}

/// Reads one line (without its line break). `now_ms` is the server's clock: a consent,
/// a contact or a referral's move is not recorded in the future.
pub fn parse(text: &str, now_ms: i64) -> Result<Line, Invalid> {
    let twice = std::cell::RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let read = serde::de::DeserializeSeed::deserialize(
        unique::Unique {
            path: String::new(),
            twice: &twice,
        },
        &mut de,
    )
    .and_then(|v| de.end().map(|()| v));
    let value: Value = read.map_err(|_| Invalid {
        key: None,
        error: match twice.take() {
            Some(field) => FieldError::new(field, "given twice"),
            None => FieldError::new("", "not valid JSON"),
        },
    })?;
    let Value::Object(map) = value else {
        return Err(Invalid {
            key: None,
            error: FieldError::new("", "not a JSON object"),
        });
    };
    // serde_json's maps are sorted by key (no `preserve_order`).
    let digest = {
        use sha2::{Digest, Sha256};
        let canonical = serde_json::to_string(&map).unwrap_or_default();
        hex::encode(Sha256::digest(canonical.as_bytes()))
    };
    let o = Obj::root(&map);
    let (kind, id) = kind_and_id(&o).map_err(|error| Invalid { key: None, error })?;
    let record = match kind {
        Kind::Team => team(&o).map(Record::Team),
        Kind::Person => person(&o, now_ms).map(Record::Person),
        Kind::Contact => contact(&o, now_ms).map(Record::Contact),
        Kind::Referral => referral(&o, now_ms).map(Record::Referral),
        Kind::Case => case(&o).map(Record::Case),
        Kind::JobOffer => job_offer(&o).map(Record::JobOffer),
    };
    match record {
        Ok(record) => Ok(Line { id, record, digest }),
        Err(error) => Err(Invalid {
            key: Some((kind, id)),
            error,
        }),
    }
}

/// Reading a line as JSON, refusing an object that gives a key twice (serde_json
/// would keep the last one silently: the file would not say what it seems to).
mod unique {
    use std::cell::RefCell;
    use std::fmt;

    use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value};

    /// A JSON value at `path` (`consent.`, `history[2].`); the first key given twice is
    /// put in `twice`, with its path, as an error may name it.
    pub(super) struct Unique<'a> {
        pub(super) path: String,
        pub(super) twice: &'a RefCell<Option<String>>,
    }

    impl<'de> DeserializeSeed<'de> for Unique<'_> {
        type Value = Value;

        fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
            de.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Unique<'_> {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_bool<E: Error>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<Value, E> {
            Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
        }

        fn visit_str<E: Error>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_string()))
        }

        fn visit_string<E: Error>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }

        fn visit_unit<E: Error>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_none<E: Error>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(Unique {
                path: format!("{}[{}]", self.path, out.len()),
                twice: self.twice,
            })? {
                out.push(v);
            }
            Ok(Value::Array(out))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let dot = if self.path.is_empty() { "" } else { "." };
                let path = format!("{}{dot}{}", self.path, super::reported_key(&key));
                if out.contains_key(&key) {
                    *self.twice.borrow_mut() = Some(path);
                    return Err(A::Error::custom("a key is given twice"));
                }
                let value = map.next_value_seed(Unique {
                    path,
                    twice: self.twice,
                })?;
                out.insert(key, value);
            }
            Ok(Value::Object(out))
        }
    }
}

fn kind_and_id(o: &Obj<'_>) -> Checked<(Kind, String)> {
    let kind = match o.string("type", 40)?.as_str() {
        "team" => Kind::Team,
        "person" => Kind::Person,
        "contact" => Kind::Contact,
        "referral" => Kind::Referral,
        "case" => Kind::Case,
        "job_offer" => Kind::JobOffer,
        _ => {
            return Err(FieldError::new(
                "type",
                fields::not_known(["team", "person", "contact", "referral", "case", "job_offer"]),
            ));
        }
    };
    let id = o.string("id", MAX_ID_CHARS)?;
    // A team's id is a key of the reports and their CSVs, and every id is written back
    // by the export: no control character nor a mark that reorders text (the attacker's
    // sixteenth probe: a team "t5", NUL, U+202E "evil", TAB "=1" reached the teams' CSV).
    if strada_shared::schema::contact::check_name(&id).is_err() {
        return Err(o.err(
            "id",
            "holds a control character or a mark that reorders text, or shows nothing",
        ));
    }
    Ok((kind, id))
}

fn team(o: &Obj<'_>) -> Checked<Team> {
    o.only(TEAM_FIELDS)?;
    // Shown on every page that names a team: no control character nor a mark that
    // reorders text (found by the attacker's eleventh probe: a name of U+202E "evil").
    let shown = |field: &str, text: &str| {
        check_alias(text).map_err(|_| {
            o.err(
                field,
                "holds a control character or a mark that reorders text, or shows nothing",
            )
        })
    };
    let name = o.string("name", MAX_TEAM_TEXT)?;
    shown("name", &name)?;
    let area = o.opt_string("area", MAX_TEAM_TEXT)?;
    if let Some(a) = &area {
        shown("area", a)?;
    }
    Ok(Team { name, area })
}

/// The reason a field of a person without consent is refused.
const WITHOUT_CONSENT: &str = "a person whose consent is not given keeps no identifying data";

fn person(o: &Obj<'_>, now_ms: i64) -> Checked<Person> {
    o.only(PERSON_FIELDS)?;
    let team = o.string("team", MAX_ID_CHARS)?;
    let mut aliases = Vec::new();
    let list = o
        .list("aliases")?
        .ok_or_else(|| o.err("aliases", "is missing"))?;
    if list.len() > MAX_ALIASES {
        return Err(o.err("aliases", format!("holds more than {MAX_ALIASES} aliases")));
    }
    for (i, v) in list.iter().enumerate() {
        let field = format!("{}aliases[{i}]", o.at);
        let Value::String(alias) = v else {
            return Err(FieldError::new(field, "must be a string"));
        };
        check_alias(alias).map_err(|e| FieldError::new(&field, e.to_string()))?;
        if alias.chars().count() > MAX_FIELD_CHARS {
            return Err(FieldError::new(field, too_long(MAX_FIELD_CHARS)));
        }
        aliases.push(alias.clone());
    }
    let mut birth_year = o.opt_int("birth_year", *BIRTH_YEARS.start(), *BIRTH_YEARS.end())?;
    let mut birth_year_estimated = o.opt_bool("birth_year_estimated")?.unwrap_or(false);
    let mut gender = o.opt_code::<Gender>("gender")?.unwrap_or_default();
    let mut country = match o.opt_string("country", MAX_FIELD_CHARS)? {
        None => None,
        Some(c) => Some(
            codes::country(&c)
                .ok_or_else(|| o.err("country", "not an ISO 3166-1 alpha-2 country code"))?,
        ),
    };
    let mut languages = o.code_list("languages", |s| codes::language(s).map(str::to_string), {
        "not an ISO 639-1 language code"
    })?;
    // Said of the field (a new user's check: the person's rule reported it on `id`).
    let most = strada_shared::schema::person::MAX_LANGUAGES;
    if languages.len() > most {
        return Err(o.err("languages", format!("holds more than {most} languages")));
    }
    let mut phone = o.opt_string("phone", MAX_FIELD_CHARS)?;
    let mut documents = match o.opt_string("documents", 40)? {
        None => DocumentStatus::Unknown,
        Some(d) => DocumentStatus::parse(&d).ok_or_else(|| {
            o.err(
                "documents",
                fields::not_known(DocumentStatus::ALL.map(|d| d.code())),
            )
        })?,
    };
    let mut usual_place = o.opt_string("usual_place", MAX_FIELD_CHARS)?;
    let c = o
        .object("consent", CONSENT_FIELDS)?
        .ok_or_else(|| o.err("consent", "is missing"))?;
    let mut consent = ConsentLine {
        status: c.code::<ConsentStatus>("status")?,
        at: c.time("at")?,
        partners: c.string_set("partners", MAX_FIELD_CHARS)?,
    };
    if consent.at > now_ms + CLOCK_SKEW_MS {
        return Err(c.err("at", "a consent cannot be recorded in the future"));
    }
    let created_at = o.time("created_at")?;
    // As a push of a person (the eighteenth attacker's probe: «2100-01-01» was taken).
    if created_at > now_ms + CLOCK_SKEW_MS {
        return Err(o.err("created_at", "in the future"));
    }
    let mut dropped = None;
    if consent.status == ConsentStatus::Given {
        if aliases.is_empty() {
            return Err(o.err(
                "aliases",
                "a person whose consent is given has at least one alias",
            ));
        }
    } else {
        // The first identifying field present, in the format's order.
        let held = [
            ("aliases", !aliases.is_empty()),
            ("birth_year", birth_year.is_some()),
            ("birth_year_estimated", birth_year_estimated),
            ("gender", gender != Gender::Unknown),
            ("country", country.is_some()),
            ("languages", !languages.is_empty()),
            ("phone", phone.is_some()),
            ("documents", documents != DocumentStatus::Unknown),
            ("usual_place", usual_place.is_some()),
        ];
        let first = held
            .iter()
            .find(|(_, held)| *held)
            .map(|(f, _)| *f)
            .or((!consent.partners.is_empty()).then_some("consent.partners"));
        match (first, consent.status) {
            (None, _) => {}
            // The format says so of a withdrawn person only.
            (Some(field), ConsentStatus::Withdrawn) => {
                return Err(match field {
                    "consent.partners" => c.err("partners", WITHOUT_CONSENT),
                    _ => o.err(field, WITHOUT_CONSENT),
                });
            }
            // Consent never given (a spreadsheet's row, say): the person is taken, and
            // what identifies them is not kept (a blind check's file was refused whole).
            (Some(field), _) => {
                dropped = Some(field);
                aliases.clear();
                birth_year = None;
                birth_year_estimated = false;
                gender = Gender::Unknown;
                country = None;
                languages.clear();
                phone = None;
                documents = DocumentStatus::Unknown;
                usual_place = None;
                consent.partners.clear();
            }
        }
    }
    Ok(Person {
        team,
        aliases,
        birth_year,
        birth_year_estimated,
        gender,
        country,
        languages,
        phone,
        documents,
        usual_place,
        consent,
        created_at,
        dropped,
    })
}

fn contact(o: &Obj<'_>, now_ms: i64) -> Checked<Contact> {
    o.only(CONTACT_FIELDS)?;
    let team = o.string("team", MAX_ID_CHARS)?;
    let author = o.opt_name("author", MAX_USER_NAME)?;
    let occurred_at = o.time("occurred_at")?;
    if occurred_at < MIN_OCCURRED_AT_MS {
        return Err(o.err("occurred_at", "before 2020"));
    }
    // As a device's push (`sync::rules`): refused there too, but named here (the push
    // path's refusal would read "id: the document does not match its schema").
    if occurred_at > now_ms + CLOCK_SKEW_MS {
        return Err(o.err("occurred_at", "in the future"));
    }
    let place = match o.object("place", PLACE_FIELDS)? {
        None => None,
        Some(p) => Some((p.number("lat", 90.0)?, p.number("lon", 180.0)?)),
    };
    let who_code = o.string("who", 40)?;
    let person = o.opt_string("person", MAX_ID_CHARS)?;
    let group = o.object("group", GROUP_FIELDS)?;
    let who =
        match who_code.as_str() {
            "person" => Who::Person(person.ok_or_else(|| {
                o.err("person", "is missing (a contact with a person names them)")
            })?),
            "anonymous" | "group" if person.is_some() => {
                return Err(o.err("person", "given only when `who` is `person`"));
            }
            "anonymous" => Who::Anonymous,
            "group" => {
                let g = group.as_ref().ok_or_else(|| {
                    o.err("group", "is missing (a group contact counts its people)")
                })?;
                Who::Group(group_of(g)?)
            }
            _ => {
                return Err(o.err("who", fields::not_known(["person", "anonymous", "group"])));
            }
        };
    if group.is_some() && !matches!(who, Who::Group(_)) {
        return Err(o.err("group", "given only when `who` is `group`"));
    }
    let channel = o.code::<Channel>("channel")?;
    let sector = o.opt_code::<Sector>("sector")?;
    let workplace = o
        .opt_string("workplace", MAX_SHORT_TEXT)?
        .unwrap_or_default();
    let needs = o.code_list(
        "needs",
        NeedCategory::from_code,
        &fields::not_known(NeedCategory::ALL.map(|n| n.code())),
    )?;
    if needs.is_empty() {
        return Err(o.err("needs", "lists at least one need"));
    }
    let indicators = indicators(o)?;
    let materials = o.code_list(
        "materials",
        Material::from_code,
        &fields::not_known(Material::ALL.iter().map(|m| m.code())),
    )?;
    let language = o.opt_string("language", MAX_LANGUAGE_CHARS)?;
    let mediator = o.opt_code::<Mediator>("mediator")?.unwrap_or_default();
    let follow_up = o.opt_code::<FollowUp>("follow_up")?.unwrap_or_default();
    let note = o.opt_string("note", MAX_NOTE_CHARS)?.unwrap_or_default();
    Ok(Contact {
        team,
        author,
        occurred_at,
        place,
        who,
        channel,
        sector,
        workplace,
        needs,
        indicators,
        materials,
        language,
        mediator,
        follow_up,
        note,
    })
}

fn group_of(g: &Obj<'_>) -> Checked<Group> {
    let max = i64::from(MAX_GROUP);
    let count =
        |key: &str, min: i64| -> Checked<u32> { Ok(g.opt_int(key, min, max)?.unwrap_or(0) as u32) };
    let people = match g.opt_int("people", 2, max)? {
        Some(n) => n as u32,
        None => return Err(g.err("people", "is missing")),
    };
    let (women, men, minors) = (count("women", 0)?, count("men", 0)?, count("minors", 0)?);
    if women + men > people {
        // The field that alone is too many, else the one that makes the sum too many
        // (a new user's walk: `women: 3` of 2 people was reported on `group.men`).
        let field = if women > people { "women" } else { "men" };
        return Err(g.err(field, "women and men together are more than the people"));
    }
    if minors > people {
        return Err(g.err("minors", "more than the people"));
    }
    Ok(Group {
        people,
        women,
        men,
        minors,
    })
}

fn indicators(o: &Obj<'_>) -> Checked<Vec<(Indicator, String)>> {
    let Some(list) = o.list("indicators")? else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(Indicator, String)> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let at = format!("{}indicators[{i}]", o.at);
        let Value::Object(map) = v else {
            return Err(FieldError::new(at, "must be an object"));
        };
        let item = Obj {
            map,
            at: format!("{at}."),
        };
        item.only(INDICATOR_FIELDS)?;
        let code = item.code::<Indicator>("code")?;
        if out.iter().any(|(c, _)| *c == code) {
            return Err(item.err("code", "listed twice"));
        }
        let note = item.opt_string("note", MAX_SHORT_TEXT)?.unwrap_or_default();
        out.push((code, note));
    }
    out.sort_by_key(|(c, _)| *c);
    Ok(out)
}

fn referral(o: &Obj<'_>, now_ms: i64) -> Checked<Referral> {
    o.only(REFERRAL_FIELDS)?;
    let team = o.string("team", MAX_ID_CHARS)?;
    let contact = o.string("contact", MAX_ID_CHARS)?;
    let person = o.opt_string("person", MAX_ID_CHARS)?;
    let need = o.code::<NeedCategory>("need")?;
    let service = o.service("service")?;
    let partner = o.opt_string("partner", MAX_PARTNER_CHARS)?;
    if let Some(p) = &partner
        && p.trim().is_empty()
    {
        return Err(o.err("partner", "must not be empty"));
    }
    let list = o
        .list("history")?
        .ok_or_else(|| o.err("history", "is missing"))?;
    let mut history: Vec<(ReferralStatus, i64)> = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let at = format!("{}history[{i}]", o.at);
        let Value::Object(map) = v else {
            return Err(FieldError::new(at, "must be an object"));
        };
        let entry = Obj {
            map,
            at: format!("{at}."),
        };
        entry.only(HISTORY_FIELDS)?;
        let status = entry.status("status")?;
        let when = entry.time("at")?;
        match history.last() {
            None if status != ReferralStatus::Proposed => {
                return Err(entry.err("status", "a referral's history starts with `proposed`"));
            }
            None if when < MIN_OCCURRED_AT_MS => {
                return Err(entry.err("at", "before 2020"));
            }
            Some((prev, _)) if !prev.can_move_to(status) => {
                return Err(entry.err(
                    "status",
                    format!(
                        "does not follow the lifecycle: {} cannot move to {}",
                        prev.code(),
                        status.code()
                    ),
                ));
            }
            Some(_) if when < history[0].1 - CLOCK_SKEW_MS => {
                return Err(entry.err("at", "more than a day before the referral was proposed"));
            }
            _ => {}
        }
        if when > now_ms + CLOCK_SKEW_MS {
            return Err(entry.err("at", "in the future"));
        }
        history.push((status, when));
    }
    if history.is_empty() {
        return Err(o.err("history", "must not be empty"));
    }
    if service.is_none() && partner.is_none() {
        return Err(o.err(
            "service",
            "a referral names `service` (a directory service id) or `partner` (an organisation)",
        ));
    }
    let outcome = o
        .opt_string("outcome", MAX_OUTCOME_CHARS)?
        .unwrap_or_default();
    Ok(Referral {
        team,
        contact,
        person,
        need,
        service,
        partner,
        history,
        outcome,
    })
}

fn case(o: &Obj<'_>) -> Checked<Case> {
    o.only(CASE_FIELDS)?;
    let person = o.string("person", MAX_ID_CHARS)?;
    let team = o.string("team", MAX_ID_CHARS)?;
    let opened_at = o.date("opened_at")?;
    let case_manager = o.opt_name("case_manager", MAX_CASE_SHORT)?;
    let labour_expert = o.opt_name("labour_expert", MAX_CASE_SHORT)?;
    let e = o
        .object("eligibility", ELIGIBILITY_FIELDS)?
        .ok_or_else(|| o.err("eligibility", "is missing"))?;
    let decision = e.code::<Decision>("decision")?;
    let decided_at = e.opt_date("at")?;
    if decision != Decision::Pending && decided_at.is_none() {
        return Err(e.err(
            "at",
            "is missing (required unless the decision is `pending`)",
        ));
    }
    let reasons = e.opt_string("reasons", MAX_CASE_TEXT)?;
    let (indicators, assessment_note) = match o.object("assessment", ASSESSMENT_FIELDS)? {
        None => (Vec::new(), String::new()),
        Some(a) => {
            let grades = a
                .object_list("indicators", GRADE_FIELDS, Indicator::ALL.len())?
                .ok_or_else(|| a.err("indicators", "is missing"))?;
            let mut indicators: Vec<(Indicator, Strength)> = Vec::with_capacity(grades.len());
            for g in &grades {
                let code = g.code::<Indicator>("code")?;
                if indicators.iter().any(|(c, _)| *c == code) {
                    return Err(g.err("code", "listed twice"));
                }
                indicators.push((code, g.code::<Strength>("strength")?));
            }
            indicators.sort_by_key(|(c, _)| c.code());
            let note = a.opt_string("note", MAX_CASE_TEXT)?.unwrap_or_default();
            (indicators, note)
        }
    };
    let mut interventions: Vec<InterventionLine> = Vec::new();
    for i in o
        .object_list("interventions", INTERVENTION_FIELDS, MAX_INTERVENTIONS)?
        .unwrap_or_default()
    {
        let id = i.string("id", MAX_CASE_SHORT)?;
        if interventions.iter().any(|k| k.id == id) {
            return Err(i.err("id", "listed twice"));
        }
        let need = i.code::<NeedCategory>("need")?;
        let service = i.service("service")?;
        let planned_at = i.date("planned_at")?;
        let done_at = i.opt_date("done_at")?;
        let status = i.code::<InterventionStatus>("status")?;
        match (status, &done_at) {
            (InterventionStatus::Done, None) => {
                return Err(i.err("done_at", "is missing (required when the status is `done`)"));
            }
            (InterventionStatus::Done, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(i.err("done_at", "given only when the status is `done`"));
            }
        }
        interventions.push(InterventionLine {
            id,
            need,
            service,
            planned_at,
            done_at,
            status,
        });
    }
    interventions.sort_by(|a, b| a.id.cmp(&b.id));
    let mut reviews = Vec::new();
    for r in o
        .object_list("reviews", REVIEW_FIELDS, MAX_REVIEWS)?
        .unwrap_or_default()
    {
        let at = r.date("at")?;
        let note = r.opt_string("note", MAX_CASE_TEXT)?.unwrap_or_default();
        reviews.push((at, note));
    }
    let closed = match (o.opt_date("closed_at")?, o.opt_code::<Outcome>("outcome")?) {
        (Some(at), Some(outcome)) => Some((at, outcome)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(o.err("outcome", "is missing (required with `closed_at`)"));
        }
        (None, Some(_)) => {
            return Err(o.err("closed_at", "is missing (required with `outcome`)"));
        }
    };
    Ok(Case {
        person,
        team,
        opened_at,
        case_manager,
        labour_expert,
        decision,
        decided_at,
        reasons,
        indicators,
        assessment_note,
        interventions,
        reviews,
        closed,
    })
}

fn job_offer(o: &Obj<'_>) -> Checked<JobOffer> {
    o.only(JOB_OFFER_FIELDS)?;
    let employer = o.string("employer", MAX_CASE_SHORT)?;
    let sector = o.code::<Sector>("sector")?;
    let area = o.opt_string("area", MAX_CASE_SHORT)?;
    let place = match o.object("place", PLACE_FIELDS)? {
        None => None,
        Some(p) => Some((p.number("lat", 90.0)?, p.number("lon", 180.0)?)),
    };
    let positions = o
        .opt_int("positions", 1, MAX_POSITIONS)?
        .ok_or_else(|| o.err("positions", "is missing"))?;
    let languages = o.code_list("languages", |s| codes::language(s).map(str::to_string), {
        "not an ISO 639-1 language code"
    })?;
    if languages.len() > MAX_OFFER_LANGUAGES {
        return Err(o.err(
            "languages",
            format!("holds more than {MAX_OFFER_LANGUAGES} languages"),
        ));
    }
    let from = o.opt_date("from")?;
    let to = o.opt_date("to")?;
    if let (Some(f), Some(t)) = (&from, &to)
        && f > t
    {
        return Err(o.err("to", "before `from`"));
    }
    Ok(JobOffer {
        employer,
        sector,
        area,
        place,
        positions,
        languages,
        from,
        to,
    })
}

fn too_long(max: usize) -> String {
    format!("longer than {max} characters")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-01T00:00:00Z.
    const NOW: i64 = 1_767_225_600_000;

    fn err(line: &str) -> FieldError {
        parse(line, NOW).expect_err("invalid").error
    }

    fn ok(line: &str) -> Record {
        parse(line, NOW).expect("valid").record
    }

    const PERSON: &str = r#"{"type":"person","id":"P1","team":"T1","aliases":["Karim","كريم"],"birth_year":1990,"birth_year_estimated":true,"gender":"man","country":"sn","languages":["fr","WO"],"phone":"+39 000 000","documents":"permit","usual_place":"synthetic road","consent":{"status":"given","at":"2025-03-01T10:00:00+01:00","partners":["PUA"]},"created_at":"2025-03-01T10:00:00+01:00"}"#;

    fn with(base: &str, key: &str, value: serde_json::Value) -> String {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        match value {
            serde_json::Value::Null => {
                v.as_object_mut().unwrap().remove(key);
            }
            value => {
                v[key] = value;
            }
        }
        v.to_string()
    }

    #[test]
    fn a_full_person_reads_with_codes_normalised() {
        let Record::Person(p) = ok(PERSON) else {
            panic!("a person")
        };
        assert_eq!(p.country, Some("SN"));
        assert_eq!(p.languages, vec!["fr", "wo"]);
        assert_eq!(p.consent.at, 1_740_819_600_000);
        assert_eq!(p.documents, DocumentStatus::ResidencePermit);
        assert_eq!(p.aliases.len(), 2);
    }

    /// From the nineteenth probe: a line's free text carried NUL, ESC and a right-to-left
    /// override into the store and the export. Refused by field, never quoted; a line
    /// break stays.
    #[test]
    fn free_text_with_control_or_direction_override_characters_is_refused() {
        for bad in ["Stazione\u{202E}evil", "a\u{0}b", "x\u{1b}[31m"] {
            let e = err(&with(PERSON, "usual_place", bad.into()));
            assert_eq!(
                e,
                FieldError::new(
                    "usual_place",
                    "holds a control character or a mark that reorders text, or shows nothing"
                )
            );
        }
        let Record::Person(p) = ok(&with(PERSON, "usual_place", "riga\nseconda".into())) else {
            panic!("a person")
        };
        assert_eq!(p.usual_place.as_deref(), Some("riga\nseconda"));
    }

    #[test]
    fn more_languages_than_a_person_speaks_are_refused_on_the_field() {
        let codes = [
            "ar", "fr", "en", "it", "es", "pt", "de", "ru", "uk", "ro", "sq", "tr", "ur", "hi",
            "pa", "bn", "zh", "wo", "ff", "ha", "yo", "ig", "tw", "am", "ti",
        ];
        let e = err(&with(PERSON, "languages", serde_json::json!(codes)));
        assert_eq!(
            e,
            FieldError::new("languages", "holds more than 24 languages")
        );
    }

    #[test]
    fn unknown_fields_are_refused_by_name_at_any_depth() {
        let e = err(&with(PERSON, "nickname", "x".into()));
        assert_eq!(e, FieldError::new("nickname", "unknown field"));
        let e = err(&with(
            PERSON,
            "consent",
            serde_json::json!({"status":"given","at":"2025-03-01T10:00:00Z","by":"x"}),
        ));
        assert_eq!(e, FieldError::new("consent.by", "unknown field"));
    }

    #[test]
    fn an_unknown_code_is_reported_with_the_codes_allowed() {
        let e = err(&with(PERSON, "gender", "male".into()));
        assert_eq!(
            e,
            FieldError::new(
                "gender",
                "not a known code (one of: unknown, woman, man, non_binary)"
            )
        );
        let e = err(&with(PERSON, "documents", "passport".into()));
        assert_eq!(
            e.reason,
            "not a known code (one of: unknown, none, identity, permit, expired, withheld)"
        );
        let e = err(&with(CONTACT, "who", "someone".into()));
        assert_eq!(
            e,
            FieldError::new("who", "not a known code (one of: person, anonymous, group)")
        );
        let e = err(&with(PERSON, "type", "patient".into()));
        assert_eq!(
            e,
            FieldError::new(
                "type",
                "not a known code (one of: team, person, contact, referral, case, job_offer)"
            )
        );
        let e = err(&with(
            CONTACT,
            "needs",
            serde_json::json!(["food", "lodging"]),
        ));
        assert_eq!(e.field, "needs[1]");
        assert!(
            e.reason
                .starts_with("not a known code (one of: food, shelter, "),
            "{e:?}"
        );
        // Every such reason reads back as the rule the workspace translates.
        for e in [e, err(&with(CONTACT, "channel", "fax".into()))] {
            assert!(
                matches!(
                    strada_shared::import_reasons::read(&e.reason),
                    Some(strada_shared::import_reasons::Reason::Line(
                        "unknown_code_of",
                        _
                    ))
                ),
                "{e:?}"
            );
        }
    }

    #[test]
    fn country_and_languages_must_be_iso_codes() {
        let e = err(&with(PERSON, "country", "Senegal".into()));
        assert_eq!(e.field, "country");
        let e = err(&with(PERSON, "country", "XX".into()));
        assert_eq!(e.field, "country");
        let e = err(&with(
            PERSON,
            "languages",
            serde_json::json!(["fr", "wolof"]),
        ));
        assert_eq!(e.field, "languages[1]");
        let e = err(&with(PERSON, "languages", serde_json::json!(["fr", "fr"])));
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("languages[1]", "listed twice")
        );
    }

    #[test]
    fn times_need_an_offset_and_consent_is_not_in_the_future() {
        let e = err(&with(PERSON, "created_at", "2025-03-01T10:00:00".into()));
        assert_eq!(e.field, "created_at");
        let e = err(&with(PERSON, "created_at", "2100-01-01T10:00:00Z".into()));
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("created_at", "in the future")
        );
        let e = err(&with(PERSON, "created_at", "2025-03-01".into()));
        assert_eq!(e.field, "created_at");
        let e = err(&with(
            PERSON,
            "consent",
            serde_json::json!({"status":"given","at":"2030-01-01T00:00:00Z"}),
        ));
        assert_eq!(e.field, "consent.at");
    }

    #[test]
    fn consent_given_needs_an_alias_and_otherwise_no_identifying_field() {
        let e = err(&with(PERSON, "aliases", serde_json::json!([])));
        assert_eq!(e.field, "aliases");
        let withdrawn = with(
            PERSON,
            "consent",
            serde_json::json!({"status":"withdrawn","at":"2025-04-01T00:00:00Z"}),
        );
        assert_eq!(err(&withdrawn).field, "aliases");
        let mut blank = with(&withdrawn, "aliases", serde_json::json!([]));
        for key in [
            "birth_year",
            "birth_year_estimated",
            "gender",
            "country",
            "languages",
            "phone",
            "documents",
            "usual_place",
        ] {
            assert_eq!(err(&blank).field, key, "{blank}");
            blank = with(&blank, key, serde_json::Value::Null);
        }
        // What says nothing about the person may stay.
        let blank = with(&blank, "gender", "unknown".into());
        let blank = with(&blank, "birth_year_estimated", false.into());
        let Record::Person(p) = ok(&blank) else {
            panic!("a person")
        };
        assert_eq!(p.consent.status, ConsentStatus::Withdrawn);
    }

    #[test]
    fn a_team_named_with_direction_overrides_is_refused_without_quoting_it() {
        let e = err(r#"{"type":"team","id":"T9","name":"\u202eevil"}"#);
        assert_eq!(e.field, "name");
        assert!(!e.reason.contains("evil"), "{}", e.reason);
        let e = err(r#"{"type":"team","id":"T9","name":"Bassa","area":"a\u0007b"}"#);
        assert_eq!(e.field, "area");
    }

    #[test]
    fn an_alias_with_direction_overrides_is_refused_without_quoting_it() {
        let e = err(&with(
            PERSON,
            "aliases",
            serde_json::json!(["Ka\u{202E}rim"]),
        ));
        assert_eq!(e.field, "aliases[0]");
        assert!(!e.reason.contains("Ka"), "{}", e.reason);
    }

    const CONTACT: &str = r#"{"type":"contact","id":"C1","team":"T1","author":"Giulia","occurred_at":"2025-06-01T08:30:00Z","place":{"lat":45.6,"lon":9.7},"who":"group","group":{"people":5,"women":2,"men":3,"minors":1},"channel":"street","sector":"agriculture","workplace":"serra","needs":["shelter","food"],"indicators":[{"code":"isolation","note":"n"},{"code":"deception"}],"materials":["water"],"language":"ar","mediator":"present","follow_up":"needed","note":"synthetic"}"#;

    #[test]
    fn a_full_contact_reads_with_sets_sorted() {
        let Record::Contact(c) = ok(CONTACT) else {
            panic!("a contact")
        };
        assert_eq!(c.needs, vec![NeedCategory::Food, NeedCategory::Shelter]);
        assert_eq!(c.indicators[0].0, Indicator::Deception);
        assert!(matches!(c.who, Who::Group(g) if g.people == 5 && g.minors == 1));
    }

    #[test]
    fn who_decides_which_of_person_and_group_is_given() {
        let e = err(&with(CONTACT, "who", "person".into()));
        assert_eq!(e.field, "person");
        let e = err(&with(CONTACT, "who", "anonymous".into()));
        assert_eq!(e.field, "group");
        let e = err(&with(CONTACT, "group", serde_json::Value::Null));
        assert_eq!(e.field, "group");
        let e = err(&with(CONTACT, "who", "nobody".into()));
        assert_eq!(e.field, "who");
    }

    #[test]
    fn a_group_must_add_up() {
        for (group, field) in [
            (serde_json::json!({"people": 1}), "group.people"),
            (serde_json::json!({"people": 501}), "group.people"),
            (
                serde_json::json!({"people": 3, "women": 2, "men": 2}),
                "group.men",
            ),
            (serde_json::json!({"people": 2, "women": 3}), "group.women"),
            (
                serde_json::json!({"people": 3, "minors": 4}),
                "group.minors",
            ),
            (serde_json::json!({"people": 3.5}), "group.people"),
            (serde_json::json!({"people": 3, "kids": 1}), "group.kids"),
        ] {
            assert_eq!(err(&with(CONTACT, "group", group)).field, field);
        }
    }

    #[test]
    fn needs_are_at_least_one_known_code_once() {
        assert_eq!(
            err(&with(CONTACT, "needs", serde_json::json!([]))).field,
            "needs"
        );
        assert_eq!(
            err(&with(CONTACT, "needs", serde_json::json!(["food", "beer"]))).field,
            "needs[1]"
        );
        assert_eq!(
            err(&with(
                CONTACT,
                "indicators",
                serde_json::json!([{"code":"isolation"},{"code":"isolation"}])
            ))
            .field,
            "indicators[1].code"
        );
        assert_eq!(
            err(&with(
                CONTACT,
                "place",
                serde_json::json!({"lat": 91, "lon": 0})
            ))
            .field,
            "place.lat"
        );
        assert_eq!(
            err(&with(CONTACT, "occurred_at", "2019-12-31T23:00:00Z".into())).field,
            "occurred_at"
        );
        // A day past the server's clock is a device's skew; more is a typo, named.
        let e = err(&with(CONTACT, "occurred_at", "2030-01-01T00:00:00Z".into()));
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("occurred_at", "in the future")
        );
        ok(&with(CONTACT, "occurred_at", "2026-01-01T12:00:00Z".into()));
    }

    const REFERRAL: &str = r#"{"type":"referral","id":"R1","team":"T1","contact":"C1","need":"shelter","partner":"Dormitorio","history":[{"status":"proposed","at":"2025-06-01T09:00:00Z"},{"status":"sent","at":"2025-06-02T09:00:00Z"},{"status":"accepted","at":"2025-06-05T09:00:00Z"}],"outcome":"ok"}"#;

    #[test]
    fn a_referral_history_starts_proposed_and_follows_the_lifecycle() {
        let Record::Referral(r) = ok(REFERRAL) else {
            panic!("a referral")
        };
        assert_eq!(r.history.len(), 3);
        let h = |entries: serde_json::Value| with(REFERRAL, "history", entries);
        let at = "2025-06-01T09:00:00Z";
        assert_eq!(err(&h(serde_json::json!([]))).field, "history");
        assert_eq!(
            err(&h(serde_json::json!([{"status":"sent","at":at}]))).field,
            "history[0].status"
        );
        let e = err(&h(serde_json::json!([
            {"status":"proposed","at":at},
            {"status":"sent","at":at},
            {"status":"attended","at":at}
        ])));
        assert_eq!(e.field, "history[2].status");
        assert_eq!(
            err(&h(
                serde_json::json!([{"status":"proposed","at":"2030-01-01T00:00:00Z"}])
            ))
            .field,
            "history[0].at"
        );
        assert_eq!(
            err(&h(
                serde_json::json!([{"status":"proposed","at":at,"by":"x"}])
            ))
            .field,
            "history[0].by"
        );
    }

    #[test]
    fn a_referral_names_a_service_or_a_partner() {
        let neither = with(REFERRAL, "partner", serde_json::Value::Null);
        assert_eq!(err(&neither).field, "service");
        assert!(matches!(
            ok(&with(&neither, "service", "svc-1".into())),
            Record::Referral(r) if r.service.as_deref() == Some("svc-1") && r.partner.is_none()
        ));
    }

    #[test]
    fn a_service_is_a_directory_service_id_never_a_text() {
        let secret = "Mario Rossi +39 333 1234567";
        for line in [
            with(REFERRAL, "service", secret.into()),
            with(REFERRAL, "service", "svc 1".into()),
            with(REFERRAL, "service", "s".repeat(65).into()),
        ] {
            let e = err(&line);
            assert_eq!(e.field, "service");
            assert!(
                e.reason.starts_with("is not a directory service id"),
                "{e:?}"
            );
        }
        let mut case: serde_json::Value = serde_json::from_str(CASE).unwrap();
        case["interventions"][1]["service"] = secret.into();
        let e = err(&case.to_string());
        assert_eq!(e.field, "interventions[1].service");
        assert!(!e.reason.contains(secret));
        let ok_ids = with(REFERRAL, "service", "org.x:svc_2-B".into());
        assert!(matches!(ok(&ok_ids), Record::Referral(_)));
    }

    const CASE: &str = r#"{"type":"case","id":"K1","person":"P1","team":"T1","opened_at":"2025-06-01","case_manager":"Sara","labour_expert":"Leo","eligibility":{"decision":"eligible","at":"2025-06-05","reasons":"synthetic"},"assessment":{"indicators":[{"code":"isolation","strength":"weak"},{"code":"deception","strength":"strong"}],"note":"synthetic"},"interventions":[{"id":"i2","need":"health","planned_at":"2025-06-10","status":"planned"},{"id":"i1","need":"shelter","service":"svc-1","planned_at":"2025-06-06","done_at":"2025-06-07","status":"done"}],"reviews":[{"at":"2025-07-01","note":"synthetic"},{"at":"2025-08-01"}],"closed_at":"2025-09-01","outcome":"emerged"}"#;

    fn in_case(key: &str, inner: &str, value: serde_json::Value) -> String {
        let mut v: serde_json::Value = serde_json::from_str(CASE).unwrap();
        match value {
            serde_json::Value::Null => {
                v[key].as_object_mut().unwrap().remove(inner);
            }
            value => v[key][inner] = value,
        }
        v.to_string()
    }

    #[test]
    fn a_full_case_reads_with_its_collections_sorted() {
        let Record::Case(c) = ok(CASE) else {
            panic!("a case")
        };
        assert_eq!(c.decided_at.as_deref(), Some("2025-06-05"));
        assert_eq!(
            c.indicators,
            vec![
                (Indicator::Deception, Strength::Strong),
                (Indicator::Isolation, Strength::Weak)
            ]
        );
        assert_eq!(c.interventions[0].id, "i1");
        assert_eq!(c.reviews[1], ("2025-08-01".to_string(), String::new()));
        assert_eq!(c.closed, Some(("2025-09-01".to_string(), Outcome::Emerged)));
        // The least a case says.
        let least = r#"{"type":"case","id":"K2","person":"P1","team":"T1","opened_at":"2025-06-01","eligibility":{"decision":"pending"}}"#;
        let Record::Case(c) = ok(least) else {
            panic!("a case")
        };
        assert_eq!((c.decision, c.closed), (Decision::Pending, None));
    }

    #[test]
    fn a_case_keeps_its_fields_together_and_its_dates_as_dates() {
        let e = err(&with(CASE, "outcome", serde_json::Value::Null));
        assert_eq!(e.field, "outcome");
        let e = err(&with(CASE, "closed_at", serde_json::Value::Null));
        assert_eq!(e.field, "closed_at");
        let e = err(&in_case("eligibility", "at", serde_json::Value::Null));
        assert_eq!(e.field, "eligibility.at");
        // Pending: no date needed, no reasons either.
        let pending = in_case("eligibility", "decision", "pending".into());
        let pending = with(
            &pending,
            "eligibility",
            serde_json::json!({"decision": "pending"}),
        );
        assert!(matches!(ok(&pending), Record::Case(_)));
        let e = err(&in_case("eligibility", "decision", "maybe".into()));
        assert_eq!(e.field, "eligibility.decision");
        for (key, value, field) in [
            ("opened_at", "2025-06-01T10:00:00Z", "opened_at"),
            ("opened_at", "2025-13-01", "opened_at"),
            ("opened_at", "01/06/2025", "opened_at"),
            ("closed_at", "1999-12-31", "closed_at"),
        ] {
            assert_eq!(err(&with(CASE, key, value.into())).field, field, "{key}");
        }
        let e = err(&in_case("eligibility", "at", "2025-6-5".into()));
        assert_eq!(e.field, "eligibility.at");
        let interventions = |list: serde_json::Value| with(CASE, "interventions", list);
        let e = err(&interventions(serde_json::json!([
            {"id":"i1","need":"shelter","planned_at":"2025-06-06","status":"done"}
        ])));
        assert_eq!(e.field, "interventions[0].done_at");
        let e = err(&interventions(serde_json::json!([
            {"id":"i1","need":"shelter","planned_at":"2025-06-06","status":"planned","done_at":"2025-06-07"}
        ])));
        assert_eq!(e.field, "interventions[0].done_at");
        let e = err(&interventions(serde_json::json!([
            {"id":"i1","need":"shelter","planned_at":"2025-06-06","status":"planned"},
            {"id":"i1","need":"food","planned_at":"2025-06-06","status":"planned"}
        ])));
        assert_eq!(e.field, "interventions[1].id");
        let e = err(&interventions(serde_json::json!([
            {"id":"i1","need":"shelter","planned_at":"2025-06-06","status":"planned","partner":"x"}
        ])));
        assert_eq!(
            e,
            FieldError::new("interventions[0].partner", "unknown field")
        );
        let e = err(&with(
            CASE,
            "reviews",
            serde_json::json!([{"at":"2025-07-01","by":"x"}]),
        ));
        assert_eq!(e.field, "reviews[0].by");
    }

    #[test]
    fn an_assessment_grades_known_indicators_once_with_a_known_strength() {
        let grades = |list: serde_json::Value| in_case("assessment", "indicators", list);
        let e = err(&grades(
            serde_json::json!([{"code":"isolation","strength":"extreme"}]),
        ));
        assert_eq!(e.field, "assessment.indicators[0].strength");
        let e = err(&grades(
            serde_json::json!([{"code":"gossip","strength":"weak"}]),
        ));
        assert_eq!(e.field, "assessment.indicators[0].code");
        let e = err(&grades(serde_json::json!([
            {"code":"isolation","strength":"weak"},
            {"code":"isolation","strength":"strong"}
        ])));
        assert_eq!(e.field, "assessment.indicators[1].code");
        let e = err(&in_case(
            "assessment",
            "indicators",
            serde_json::Value::Null,
        ));
        assert_eq!(e.field, "assessment.indicators");
        let e = err(&in_case("assessment", "judgement", "x".into()));
        assert_eq!(e.field, "assessment.judgement");
    }

    const OFFER: &str = r#"{"type":"job_offer","id":"J1","employer":"Synthetic Farm","sector":"agriculture","area":"Bassa","place":{"lat":45.5,"lon":9.7},"positions":4,"languages":["pa","IT"],"from":"2025-06-01","to":"2025-09-30"}"#;

    #[test]
    fn a_job_offer_reads_and_keeps_its_season_in_order() {
        let Record::JobOffer(j) = ok(OFFER) else {
            panic!("a job offer")
        };
        assert_eq!(j.languages, vec!["it", "pa"]);
        assert_eq!(j.place, Some((45.5, 9.7)));
        assert_eq!(err(&with(OFFER, "to", "2025-05-01".into())).field, "to");
        assert_eq!(err(&with(OFFER, "from", "June".into())).field, "from");
        assert_eq!(err(&with(OFFER, "positions", 0.into())).field, "positions");
        assert_eq!(
            err(&with(OFFER, "positions", serde_json::Value::Null)).field,
            "positions"
        );
        assert_eq!(err(&with(OFFER, "sector", "mining".into())).field, "sector");
        assert_eq!(
            err(&with(OFFER, "languages", serde_json::json!(["punjabi"]))).field,
            "languages[0]"
        );
        assert_eq!(
            err(&with(OFFER, "team", "T1".into())),
            FieldError::new("team", "unknown field")
        );
        assert_eq!(
            err(&with(OFFER, "employer", serde_json::Value::Null)).field,
            "employer"
        );
    }

    #[test]
    fn a_key_that_is_not_a_field_name_is_not_echoed() {
        let e = err(&with(PERSON, "ZZSECRETZZ", "x".into()));
        assert_eq!(e, FieldError::new("(a field)", "unknown field"));
        let e = err(&with(PERSON, "Mario Rossi +39 333 1234567", "x".into()));
        assert_eq!(e, FieldError::new("(a field)", "unknown field"));
        let e = err(&with(PERSON, &"x".repeat(41), "x".into()));
        assert_eq!(e, FieldError::new("(a field)", "unknown field"));
        let e = err(&with(
            PERSON,
            "consent",
            serde_json::json!({"status":"given","at":"2025-03-01T10:00:00Z","Karim":"x"}),
        ));
        assert_eq!(e, FieldError::new("consent.(a field)", "unknown field"));
        // What looks like a field name is named.
        let e = err(&with(PERSON, "nick_name2", "x".into()));
        assert_eq!(e, FieldError::new("nick_name2", "unknown field"));
    }

    #[test]
    fn a_key_given_twice_in_one_object_is_refused() {
        let line = r#"{"type":"team","id":"T1","name":"a","name":"b"}"#;
        assert_eq!(err(line), FieldError::new("name", "given twice"));
        let nested = PERSON.replacen(r#""consent":{"#, r#""consent":{"status":"refused","#, 1);
        assert_ne!(nested, PERSON);
        assert_eq!(
            err(&nested),
            FieldError::new("consent.status", "given twice")
        );
        // A key given twice that is not a field name is not echoed.
        let line = r#"{"type":"team","id":"T1","name":"a","Karim X":1,"Karim X":2}"#;
        assert_eq!(err(line), FieldError::new("(a field)", "given twice"));
        // The same key in two objects is fine, and a line still reads as before.
        let Record::Team(t) = ok(r#"{"type":"team","id":"T1","name":"a","area":"b"}"#) else {
            panic!("a team")
        };
        assert_eq!((t.name.as_str(), t.area.as_deref()), ("a", Some("b")));
        assert!(matches!(ok(PERSON), Record::Person(_)));
        assert_eq!(err("{} {}"), FieldError::new("", "not valid JSON"));
    }

    #[test]
    fn unknown_types_are_refused() {
        assert_eq!(err(r#"{"type":"worker","id":"X"}"#).field, "type");
        assert_eq!(err(r#"{"id":"X"}"#), FieldError::new("type", "is missing"));
        assert_eq!(
            err(r#"{"type":"team"}"#),
            FieldError::new("id", "is missing")
        );
        assert_eq!(err("[1,2]"), FieldError::new("", "not a JSON object"));
        assert_eq!(err("{\"type\":"), FieldError::new("", "not valid JSON"));
    }

    #[test]
    fn reasons_never_quote_what_a_field_holds() {
        let secret = "Mamadou-Secret-Alias";
        for line in [
            with(PERSON, "birth_year", secret.into()),
            with(PERSON, "country", secret.into()),
            with(PERSON, "gender", secret.into()),
            with(CONTACT, "needs", serde_json::json!([secret])),
            with(CONTACT, "occurred_at", secret.into()),
            with(REFERRAL, "need", secret.into()),
            with(CASE, "opened_at", secret.into()),
            with(CASE, "outcome", secret.into()),
            in_case("eligibility", "reasons", secret.repeat(200).into()),
            with(OFFER, "from", secret.into()),
            with(OFFER, "sector", secret.into()),
        ] {
            let e = err(&line);
            assert!(
                !e.reason.contains(secret) && !e.field.contains(secret),
                "{e:?}"
            );
        }
    }

    /// Every path of a JSON value (objects' keys and lists' items), the value first.
    fn paths(v: &serde_json::Value, at: Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
        out.push(at.clone());
        match v {
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    let mut p = at.clone();
                    p.push(PathStep::Key(k.clone()));
                    paths(x, p, out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let mut p = at.clone();
                    p.push(PathStep::Index(i));
                    paths(x, p, out);
                }
            }
            _ => {}
        }
    }

    #[derive(Clone)]
    enum PathStep {
        Key(String),
        Index(usize),
    }

    /// `base` with the value at `path` replaced (`None`: removed).
    fn mutated(
        base: &serde_json::Value,
        path: &[PathStep],
        to: Option<serde_json::Value>,
    ) -> String {
        let mut v = base.clone();
        let (last, parents) = path.split_last().expect("not the root");
        let mut here = &mut v;
        for step in parents {
            here = match step {
                PathStep::Key(k) => &mut here[k.as_str()],
                PathStep::Index(i) => &mut here[*i],
            };
        }
        match (last, to) {
            (PathStep::Key(k), None) => {
                here.as_object_mut().unwrap().remove(k);
            }
            (PathStep::Index(i), None) => {
                here.as_array_mut().unwrap().remove(*i);
            }
            (PathStep::Key(k), Some(x)) => here[k.as_str()] = x,
            (PathStep::Index(i), Some(x)) => here[*i] = x,
        }
        v.to_string()
    }

    /// Every reason a line can get is one the app translates
    /// (`strada_shared::import_reasons`), and none quotes the line: each field of a valid
    /// line of each type removed, or set to values of every wrong kind.
    #[test]
    fn every_reason_of_a_broken_line_is_one_the_app_translates() {
        use serde_json::json;
        let secret = "Zebulon Quintavalle";
        let wrong = [
            json!(null),
            json!(true),
            json!(0),
            json!(-1),
            json!(1.5),
            json!(1e12),
            json!(""),
            json!(" "),
            json!(secret),
            json!(secret.repeat(400)),
            json!([]),
            json!([secret, secret]),
            json!(vec![secret; 300]),
            json!({}),
            json!({ "Zebulon": 1 }),
            json!("2019-01-01"),
            json!("2031-01-01T00:00:00Z"),
            json!("2025-06-01T08:30:00"),
        ];
        let team = r#"{"type":"team","id":"T1","name":"Bergamo","area":"Bassa"}"#;
        let mut reasons = std::collections::BTreeSet::new();
        let mut untranslated = Vec::new();
        for base in [team, PERSON, CONTACT, REFERRAL, CASE, OFFER] {
            let base: serde_json::Value = serde_json::from_str(base).unwrap();
            let mut all = Vec::new();
            paths(&base, Vec::new(), &mut all);
            for path in all.iter().filter(|p| !p.is_empty()) {
                let tries = std::iter::once(None).chain(wrong.iter().cloned().map(Some));
                for to in tries {
                    let line = mutated(&base, path, to);
                    if let Err(e) = parse(&line, NOW) {
                        let reason = e.error.reason;
                        assert!(!reason.contains("Zebulon"), "{reason}");
                        if strada_shared::import_reasons::read(&reason).is_none() {
                            untranslated.push(reason.clone());
                        }
                        reasons.insert(reason);
                    }
                }
            }
        }
        for raw in ["{", "[1]", "\"x\"", r#"{"type":"spaceship","id":"X"}"#] {
            let reason = parse(raw, NOW).expect_err("invalid").error.reason;
            if strada_shared::import_reasons::read(&reason).is_none() {
                untranslated.push(reason.clone());
            }
            reasons.insert(reason);
        }
        untranslated.sort();
        untranslated.dedup();
        assert!(untranslated.is_empty(), "{untranslated:#?}");
        // The sweep reaches most of the rules (a change of this number is a hint, not a
        // failure of the product: it guards the sweep itself).
        assert!(reasons.len() >= 40, "{}: {reasons:#?}", reasons.len());
    }

    /// Found by the attacker: a consent listing 600,000 partners was checked pairwise
    /// for minutes (and a person with 20,000 was taken).
    #[test]
    fn a_consent_lists_a_bounded_number_of_partners() {
        let partners = |n: usize| (0..n).map(|i| format!("Ente {i}")).collect::<Vec<_>>();
        let line = |n: usize| {
            let mut v: serde_json::Value = serde_json::from_str(PERSON).unwrap();
            v["consent"]["partners"] = serde_json::json!(partners(n));
            v.to_string()
        };
        assert!(parse(&line(fields::MAX_SET_ITEMS), NOW).is_ok());
        let e = err(&line(600_000));
        assert_eq!(
            e,
            FieldError::new("consent.partners", "holds more than 64 items")
        );
    }
}
