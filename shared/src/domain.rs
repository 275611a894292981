//! Domain vocabulary shared by the app and the server: roles, first-need categories,
//! places, and the person a contact is about.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// What a signed-in user may do. Enums of states, never booleans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Outreach educator or cultural mediator: logs contacts for their team.
    FieldWorker,
    /// Central office of the PUA: sees every record of its PUA.
    CentralOffice,
    /// Reads the audit log (who read or did what) and nothing else: no document, no
    /// record, no account. The central office is what the log watches, so it does not
    /// read it; the auditor reads no personal data (new at the end: variant indexes are
    /// on the wire).
    Auditor,
    /// Social-services expert of the central office: takes cases in charge (intake,
    /// assessment, eligibility, the PIP's interventions, reviews, closure), and
    /// reconciles persons.
    SocialExpert,
    /// Labour-policy expert of the central office: the survey of local job demand (job
    /// offers) and the work-reintegration plan of each case.
    LabourExpert,
    /// The PUA's director: reads everything the central office does, manages the PUA's
    /// rules and accounts, and the reports; edits no case.
    Director,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::FieldWorker,
        Role::CentralOffice,
        Role::Auditor,
        Role::SocialExpert,
        Role::LabourExpert,
        Role::Director,
    ];

    /// The stable wire/CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::FieldWorker => "field_worker",
            Role::CentralOffice => "central_office",
            Role::Auditor => "auditor",
            Role::SocialExpert => "social_expert",
            Role::LabourExpert => "labour_expert",
            Role::Director => "director",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The central office, in any of its roles: reads the whole PUA's persons, contacts
    /// and referrals (the workspace), on the global feed. `central_office` is all of
    /// them at once.
    pub fn is_central(self) -> bool {
        matches!(
            self,
            Role::CentralOffice | Role::SocialExpert | Role::LabourExpert | Role::Director
        )
    }

    /// Reads case documents, job offers and the PUA's rules.
    pub fn reads_cases(self) -> bool {
        self.is_central()
    }

    /// Opens cases and writes all of a case: intake, assessment, eligibility, the PIP's
    /// interventions, reviews, closure.
    pub fn manages_cases(self) -> bool {
        matches!(self, Role::CentralOffice | Role::SocialExpert)
    }

    /// Writes a case's work-reintegration plan.
    pub fn writes_work_plans(self) -> bool {
        matches!(
            self,
            Role::CentralOffice | Role::SocialExpert | Role::LabourExpert
        )
    }

    /// Records and edits job offers.
    pub fn writes_job_offers(self) -> bool {
        matches!(self, Role::CentralOffice | Role::LabourExpert)
    }

    /// Edits the PUA's rules.
    pub fn manages_rules(self) -> bool {
        matches!(self, Role::CentralOffice | Role::Director)
    }

    /// Manages accounts and devices, imports and exports the PUA's records.
    pub fn administers(self) -> bool {
        matches!(self, Role::CentralOffice | Role::Director)
    }

    /// Whether an account of this role may create, change, reset or shut out accounts of
    /// `target`'s role, or give an account that role: never a role with rights this one
    /// lacks, since whoever holds the account's password holds its rights (an attacker's
    /// probe: the director made a social-services expert and reconciled persons; a
    /// second: the director made a field worker and withdrew a person's consent). The
    /// central office administers every role but the auditor's; the director (who
    /// writes no field document, edits no case and reconciles nothing) sees the
    /// accounts and administers none. Auditors watch the central office: their accounts
    /// are made on the server's command line only.
    pub fn may_administer(self, target: Role) -> bool {
        self == Role::CentralOffice && target != Role::Auditor
    }

    /// Merges and unmerges persons, judges duplicates, and settles conflicting values.
    pub fn reconciles(self) -> bool {
        matches!(self, Role::CentralOffice | Role::SocialExpert)
    }

    /// Writes persons, contacts and referrals (the field's documents): the field
    /// worker their team's, the central office and the social-services expert any
    /// (a referral sent from a PIP).
    pub fn writes_field_documents(self) -> bool {
        matches!(
            self,
            Role::FieldWorker | Role::CentralOffice | Role::SocialExpert
        )
    }

    /// Sees the figures of the whole PUA (reports, dashboard).
    pub fn reads_reports(self) -> bool {
        self.is_central()
    }
}

/// A first need a person refers during a contact (the seed's "servizi di prima necessità"
/// and the other referral areas).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Reconcile,
    Hydrate,
)]
#[serde(rename_all = "snake_case")]
pub enum NeedCategory {
    #[autosurgeon(rename = "food")]
    Food,
    #[autosurgeon(rename = "shelter")]
    Shelter,
    #[autosurgeon(rename = "hygiene")]
    Hygiene,
    #[autosurgeon(rename = "health")]
    Health,
    #[autosurgeon(rename = "legal_aid")]
    LegalAid,
    #[autosurgeon(rename = "mediation")]
    Mediation,
    #[autosurgeon(rename = "housing")]
    Housing,
    #[autosurgeon(rename = "job_orientation")]
    JobOrientation,
    #[autosurgeon(rename = "documents")]
    Documents,
    #[autosurgeon(rename = "mobility")]
    Mobility,
    #[autosurgeon(rename = "protection")]
    Protection,
    #[autosurgeon(rename = "training")]
    Training,
}

impl NeedCategory {
    pub const ALL: [NeedCategory; 12] = [
        NeedCategory::Food,
        NeedCategory::Shelter,
        NeedCategory::Hygiene,
        NeedCategory::Health,
        NeedCategory::LegalAid,
        NeedCategory::Mediation,
        NeedCategory::Housing,
        NeedCategory::JobOrientation,
        NeedCategory::Documents,
        NeedCategory::Mobility,
        NeedCategory::Protection,
        NeedCategory::Training,
    ];

    /// The stable code used in documents, on the wire and in test selectors.
    pub fn code(self) -> &'static str {
        match self {
            NeedCategory::Food => "food",
            NeedCategory::Shelter => "shelter",
            NeedCategory::Hygiene => "hygiene",
            NeedCategory::Health => "health",
            NeedCategory::LegalAid => "legal_aid",
            NeedCategory::Mediation => "mediation",
            NeedCategory::Housing => "housing",
            NeedCategory::JobOrientation => "job_orientation",
            NeedCategory::Documents => "documents",
            NeedCategory::Mobility => "mobility",
            NeedCategory::Protection => "protection",
            NeedCategory::Training => "training",
        }
    }
}

/// A position from the browser's Geolocation API (WGS84 degrees), possibly corrected by
/// the worker.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Place {
    pub lat: f64,
    pub lon: f64,
    /// Radius of the 95% confidence circle in metres, as the browser reports it; `None`
    /// when the worker typed the position.
    pub accuracy_m: Option<f64>,
}

impl Place {
    /// The point as a `geo` point would take it (x = longitude, y = latitude).
    pub fn lon_lat(&self) -> (f64, f64) {
        (self.lon, self.lat)
    }
}

/// Who the contact was with. Without consent only an alias or nothing is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(tag = "kind", content = "alias", rename_all = "snake_case")]
pub enum PersonRef {
    /// The person did not want to be named, or was not asked.
    #[autosurgeon(rename = "anonymous")]
    Anonymous,
    /// A nickname or alias the worker will recognise; never a full legal name.
    #[autosurgeon(rename = "alias")]
    Alias(String),
}

/// A person's document situation, as the person tells it (the five cases).
/// Services use it to flag access requirements the person does not meet.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Reconcile, Hydrate,
)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Not asked or not said.
    #[default]
    #[autosurgeon(rename = "unknown")]
    Unknown,
    /// No document at all.
    #[autosurgeon(rename = "none")]
    NoDocument,
    /// An identity document (passport, ID card) but no residence permit.
    #[autosurgeon(rename = "identity")]
    IdentityDocument,
    /// A valid residence permit.
    #[autosurgeon(rename = "permit")]
    ResidencePermit,
    /// A permit or document that has expired.
    #[autosurgeon(rename = "expired")]
    Expired,
    /// Documents held by the employer (an ILO indicator too).
    #[autosurgeon(rename = "withheld")]
    WithheldByEmployer,
}

impl DocumentStatus {
    pub const ALL: [DocumentStatus; 6] = [
        DocumentStatus::Unknown,
        DocumentStatus::NoDocument,
        DocumentStatus::IdentityDocument,
        DocumentStatus::ResidencePermit,
        DocumentStatus::Expired,
        DocumentStatus::WithheldByEmployer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentStatus::Unknown => "unknown",
            DocumentStatus::NoDocument => "none",
            DocumentStatus::IdentityDocument => "identity",
            DocumentStatus::ResidencePermit => "permit",
            DocumentStatus::Expired => "expired",
            DocumentStatus::WithheldByEmployer => "withheld",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentStatus> {
        DocumentStatus::ALL.into_iter().find(|d| d.code() == s)
    }

    /// Whether the person can show an identity document today.
    pub fn has_identity_document(self) -> bool {
        matches!(
            self,
            DocumentStatus::IdentityDocument | DocumentStatus::ResidencePermit
        )
    }

    /// Whether the person holds a valid residence permit today.
    pub fn has_residence_permit(self) -> bool {
        self == DocumentStatus::ResidencePermit
    }
}

/// Languages the app offers in pickers: ISO 639-1 (or 639-3 where there is no 639-1)
/// code and the language's own name, so a person can point at theirs. Documents store
/// the code; any other code is kept as typed.
pub const LANGUAGES: [(&str, &str); 24] = [
    ("it", "Italiano"),
    ("en", "English"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("bn", "বাংলা"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("ur", "اردو"),
    ("hi", "हिन्दी"),
    ("wo", "Wolof"),
    ("ff", "Fulfulde"),
    ("bm", "Bamanankan"),
    ("ro", "Română"),
    ("sq", "Shqip"),
    ("es", "Español"),
    ("pt", "Português"),
    ("zh", "中文"),
    ("ti", "ትግርኛ"),
    ("am", "አማርኛ"),
    ("so", "Soomaali"),
    ("tw", "Twi"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("ps", "پښتو"),
];

/// The own name of a language code, if the app knows it.
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod role_tests {
    use super::Role;

    /// No administrator makes (or takes over) an account holding a right it lacks.
    #[test]
    fn an_administered_role_never_holds_a_right_its_administrator_lacks() {
        let rights: [fn(Role) -> bool; 11] = [
            Role::is_central,
            Role::reads_cases,
            Role::manages_cases,
            Role::writes_work_plans,
            Role::writes_job_offers,
            Role::manages_rules,
            Role::administers,
            Role::reconciles,
            Role::reads_reports,
            |r| r == Role::Auditor,
            // A field worker writes their team's documents; the central roles that
            // write field documents write any team's.
            Role::writes_field_documents,
        ];
        for admin in Role::ALL {
            for target in Role::ALL {
                if !admin.may_administer(target) {
                    continue;
                }
                assert!(admin.administers(), "{admin:?}");
                for (i, right) in rights.iter().enumerate() {
                    assert!(
                        !right(target) || right(admin),
                        "{admin:?} administers {target:?} (right {i})"
                    );
                }
            }
        }
    }
}
