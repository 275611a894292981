//! The PUA's own rules, which the director edits: the access conditions, the ways a first
//! meeting happens, the eligibility criteria (a checklist with explanations), the overall
//! judgements of the exploitation assessment (whose indicators are the ILO's eleven,
//! graded strong / medium / weak) and the review interval of a PIP.
//!
//! One document for the whole PUA ([`RULES_ID`]). It holds every version ever published,
//! oldest first; publishing adds a version and never rewrites one (the server refuses it),
//! so a case assessed under version *n* — a closed one above all — reads the rules it was
//! assessed under, whatever was edited since.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::case::{MAX_CASE_SHORT, MAX_CASE_TEXT};
use super::shape::Shape;
use super::{DocType, Document, ValidationError};
use crate::ids::{DocId, TeamId, UserId};

/// The id of the PUA's rules document (there is one).
pub const RULES_ID: &str = "01900000-0000-7000-8000-000000000001";

/// The rules document's id.
pub fn rules_id() -> DocId {
    DocId::parse(RULES_ID).expect("a valid UUIDv7")
}

/// Most items in one list of the rules.
pub const MAX_RULE_ITEMS: usize = 60;
/// Most versions the document keeps.
pub const MAX_VERSIONS: usize = 500;
/// Accepted review intervals, in days.
pub const REVIEW_DAYS: std::ops::RangeInclusive<i64> = 7..=365;

/// One item of a list of the rules: a stable code (what cases record), its label, and
/// an explanation for whoever applies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct RuleItem {
    pub code: String,
    pub label: String,
    pub explanation: String,
}

/// One published version of the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct RulesVersion {
    /// 1, 2, …
    pub version: u64,
    /// Unix ms.
    pub published_at: i64,
    pub by: UserId,
    pub access_conditions: Vec<RuleItem>,
    pub meeting_modes: Vec<RuleItem>,
    pub criteria: Vec<RuleItem>,
    pub judgements: Vec<RuleItem>,
    pub review_interval_days: i64,
}

/// The rules document (schema version 1).
///
/// Do not rename or retype fields: see the module note in `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct PuaRulesDoc {
    pub id: DocId,
    pub author: UserId,
    pub team: TeamId,
    /// Unix ms.
    pub created_at: i64,
    /// Every version published, oldest first.
    pub versions: Vec<RulesVersion>,
}

fn item(code: &str, label: &str, explanation: &str) -> RuleItem {
    RuleItem {
        code: code.into(),
        label: label.into(),
        explanation: explanation.into(),
    }
}

impl RulesVersion {
    /// The rules a PUA starts with (the seed's model), until the director edits them.
    /// Labels in Italian: the director writes them in the PUA's language.
    pub fn initial(by: UserId, at: i64) -> RulesVersion {
        RulesVersion {
            version: 1,
            published_at: at,
            by,
            access_conditions: vec![
                item(
                    "adult",
                    "Maggiore età",
                    "La persona ha almeno 18 anni (i minori sono segnalati ai servizi per i minori).",
                ),
                item(
                    "lombardy",
                    "Presenza in Lombardia",
                    "La persona vive o lavora nel territorio del PUA.",
                ),
                item(
                    "identity",
                    "Documento d'identità o dichiarazione",
                    "Un documento, anche scaduto, o una dichiarazione di identità raccolta dal PUA.",
                ),
                item(
                    "legal_status",
                    "Condizione giuridica verificata",
                    "Permesso di soggiorno, richiesta in corso o condizione irregolare: verificata, non esclusiva.",
                ),
                item(
                    "consent",
                    "Consenso informato",
                    "La persona ha dato il consenso al trattamento dei dati e alla presa in carico.",
                ),
            ],
            meeting_modes: vec![
                item("desk", "Sportello", "Colloquio allo sportello del PUA."),
                item(
                    "listening_centre",
                    "Centro di ascolto",
                    "Colloquio in un centro di ascolto della rete.",
                ),
                item(
                    "outreach",
                    "Unità di strada / servizio itinerante",
                    "Primo colloquio durante un'uscita.",
                ),
                item(
                    "partner_referral",
                    "Invio da un ente della rete",
                    "La persona arriva inviata da un partner.",
                ),
                item(
                    "phone",
                    "Telefono / numero verde",
                    "Primo contatto telefonico.",
                ),
            ],
            criteria: vec![
                item(
                    "indicators",
                    "Indicatori di sfruttamento",
                    "Almeno un indicatore ILO forte, o due medi, nella valutazione.",
                ),
                item(
                    "current",
                    "Situazione in atto o recente",
                    "Lo sfruttamento è in corso o terminato da meno di 12 mesi.",
                ),
                item(
                    "willing",
                    "Adesione al percorso",
                    "La persona vuole intraprendere un percorso di uscita.",
                ),
                item(
                    "territory",
                    "Territorio",
                    "Lo sfruttamento è avvenuto o la persona vive nel territorio del PUA.",
                ),
            ],
            judgements: vec![
                item(
                    "severe_exploitation",
                    "Grave sfruttamento",
                    "Più indicatori forti: possibile lavoro forzato o tratta.",
                ),
                item(
                    "exploitation",
                    "Sfruttamento lavorativo",
                    "Indicatori forti o medi di sfruttamento.",
                ),
                item(
                    "at_risk",
                    "A rischio",
                    "Indicatori deboli: condizione da monitorare.",
                ),
                item(
                    "no_exploitation",
                    "Sfruttamento non rilevato",
                    "Nessun indicatore significativo.",
                ),
            ],
            review_interval_days: 30,
        }
    }

    /// The item with `code` in `list`.
    pub fn find<'a>(list: &'a [RuleItem], code: &str) -> Option<&'a RuleItem> {
        list.iter().find(|i| i.code == code)
    }

    fn validate(&self) -> Result<(), ValidationError> {
        if !REVIEW_DAYS.contains(&self.review_interval_days) || self.version == 0 {
            return Err(ValidationError::Rules);
        }
        for list in [
            &self.access_conditions,
            &self.meeting_modes,
            &self.criteria,
            &self.judgements,
        ] {
            if list.len() > MAX_RULE_ITEMS {
                return Err(ValidationError::Rules);
            }
            let mut codes: Vec<&str> = Vec::new();
            for i in list {
                let code_ok = !i.code.is_empty()
                    && i.code.len() <= 40
                    && i.code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if !code_ok
                    || codes.contains(&i.code.as_str())
                    || i.label.trim().is_empty()
                    || i.label.chars().count() > MAX_CASE_SHORT
                    || i.explanation.chars().count() > MAX_CASE_TEXT
                {
                    return Err(ValidationError::Rules);
                }
                codes.push(&i.code);
            }
        }
        Ok(())
    }
}

impl PuaRulesDoc {
    /// The version in force: the highest (two published at once: the later, then by
    /// user id, so every reader picks the same).
    pub fn current(&self) -> Option<&RulesVersion> {
        self.versions
            .iter()
            .max_by_key(|v| (v.version, v.published_at, v.by))
    }

    /// Version `n`, as published (the one in force among two published at once).
    pub fn version(&self, n: u64) -> Option<&RulesVersion> {
        self.versions
            .iter()
            .filter(|v| v.version == n)
            .max_by_key(|v| (v.published_at, v.by))
    }

    /// Publishes `next` as the version after the current one.
    pub fn publish(&mut self, mut next: RulesVersion, by: UserId, at: i64) {
        next.version = self.current().map_or(1, |c| c.version + 1);
        next.by = by;
        next.published_at = at;
        self.versions.push(next);
    }
}

impl Document for PuaRulesDoc {
    const TYPE: DocType = DocType::PuaRules;
    const SCHEMA: u64 = 1;
    const SHAPE: &'static [(&'static str, Shape)] = &[
        ("id", Shape::Value),
        ("author", Shape::Value),
        ("team", Shape::Value),
        ("created_at", Shape::Value),
        (
            "versions",
            Shape::List(&Shape::Map(&[
                ("version", Shape::Value),
                ("published_at", Shape::Value),
                ("by", Shape::Value),
                ("access_conditions", Shape::List(&ITEM)),
                ("meeting_modes", Shape::List(&ITEM)),
                ("criteria", Shape::List(&ITEM)),
                ("judgements", Shape::List(&ITEM)),
                ("review_interval_days", Shape::Value),
            ])),
        ),
    ];

    fn id(&self) -> DocId {
        self.id
    }

    fn validate(&self) -> Result<(), ValidationError> {
        if self.id != rules_id() || self.versions.len() > MAX_VERSIONS {
            return Err(ValidationError::Rules);
        }
        self.versions.iter().try_for_each(RulesVersion::validate)
    }
}

static ITEM: Shape = Shape::Map(&[
    ("code", Shape::Value),
    ("label", Shape::Value),
    ("explanation", Shape::Value),
]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn publishing_adds_a_version_and_the_initial_rules_are_valid() {
        let me = UserId::new_v7(1_760_000_000_000, [1; 10]);
        let mut r = PuaRulesDoc {
            id: rules_id(),
            author: me,
            team: TeamId::parse("centrale").unwrap(),
            created_at: 1,
            versions: vec![RulesVersion::initial(me, 1)],
        };
        let doc = schema::create(automerge::ActorId::from(vec![1u8; 16]), &r).unwrap();
        assert_eq!(schema::read::<PuaRulesDoc>(&doc).unwrap(), r);
        assert_eq!(schema::check_shape::<PuaRulesDoc>(&doc), Ok(()));
        let mut next = r.current().unwrap().clone();
        next.review_interval_days = 60;
        r.publish(next, me, 2);
        assert_eq!(r.current().unwrap().version, 2);
        assert_eq!(r.version(1).unwrap().review_interval_days, 30);
        let mut bad = r.clone();
        let first = bad.versions[1].criteria[0].clone();
        bad.versions[1].criteria.push(first);
        assert_eq!(bad.validate(), Err(ValidationError::Rules));
    }
}
