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
}

impl Role {
    pub const ALL: [Role; 2] = [Role::FieldWorker, Role::CentralOffice];

    /// The stable wire/CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::FieldWorker => "field_worker",
            Role::CentralOffice => "central_office",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
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
