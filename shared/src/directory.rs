//! The services directory: partner organisations, their services and where and when
//! they can be reached, in the spirit of Open Referral HSDS (organisation → service →
//! location, with schedules, languages, eligibility and capacity).
//!
//! The server sends the whole directory as JSON (`GET /api/directory`); field devices keep
//! it and rank services with [`rank`] offline. Editing belongs to the central office.
//!
//! # Invariants
//! - Pure: no IO, no clock. The caller passes the local time ([`LocalTime`]) and the
//!   position, so ranking is the same on the device and the server.
//! - A [`Directory`] that passed [`Directory::validate`] has unique ids, references that
//!   resolve, coordinates in range and valid opening hours; errors name the offending id
//!   and the field, never any other content.
//! - The JSON layout is a wire format (served to devices and stored on them): add
//!   optional fields only; renames need a new `version` scheme.

mod rank;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::domain::NeedCategory;

pub use rank::{LocalTime, Query, Ranked, RequirementCheck, distance_m, is_open, rank};

/// A partner organisation (HSDS `organization`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Stable id, e.g. `org-ponte`; referrals point at service ids, not at this.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// What a service offers and to whom (HSDS `service` with its eligibility and
/// languages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The needs it answers; at least one.
    pub categories: Vec<NeedCategory>,
    /// Language codes as in [`crate::domain::LANGUAGES`] (other codes are kept as typed).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Access requirements, as the service states them.
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the person pays nothing.
    pub free_of_charge: bool,
}

/// How many people a service can take (beds, places in a course...), and a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// Beds or places, when the service counts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<u32>,
    /// E.g. "posti extra in inverno"; free text in the directory's language.
    #[serde(default)]
    pub note: String,
}

/// An access requirement with a stable code (the wire value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// An identity document (passport, ID card).
    IdentityDocument,
    /// A valid residence permit.
    ResidencePermit,
    /// A health card: tessera sanitaria, or an STP/ENI code for people without one.
    HealthCard,
    /// Registered residence in the municipality (residenza anagrafica).
    MunicipalResidence,
    /// A referral letter from another service (social services, PUA...).
    Referral,
    /// Only by appointment.
    Appointment,
    AdultsOnly,
    WomenOnly,
    MenOnly,
}

impl Requirement {
    pub const ALL: [Requirement; 9] = [
        Requirement::IdentityDocument,
        Requirement::ResidencePermit,
        Requirement::HealthCard,
        Requirement::MunicipalResidence,
        Requirement::Referral,
        Requirement::Appointment,
        Requirement::AdultsOnly,
        Requirement::WomenOnly,
        Requirement::MenOnly,
    ];

    /// The stable code used on the wire and in test selectors.
    pub fn code(self) -> &'static str {
        match self {
            Requirement::IdentityDocument => "identity_document",
            Requirement::ResidencePermit => "residence_permit",
            Requirement::HealthCard => "health_card",
            Requirement::MunicipalResidence => "municipal_residence",
            Requirement::Referral => "referral",
            Requirement::Appointment => "appointment",
            Requirement::AdultsOnly => "adults_only",
            Requirement::WomenOnly => "women_only",
            Requirement::MenOnly => "men_only",
        }
    }
}

/// The provinces of Lombardy, by their car-plate codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Province {
    BG,
    BS,
    MI,
    CR,
    MN,
    PV,
    LO,
    LC,
    CO,
    VA,
    SO,
    MB,
}

/// Where and when a service can be reached (HSDS `location` with its `schedule`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub id: String,
    pub service_id: String,
    pub name: String,
    pub address: String,
    pub city: String,
    pub province: Province,
    /// WGS84 degrees.
    pub lat: f64,
    pub lon: f64,
    /// Empty when the hours are not known (then "open now" is unknown too).
    #[serde(default)]
    pub schedule: Vec<OpeningHours>,
}

/// One opening interval on one weekday. `closes` before `opens` spans midnight (a night
/// shelter open 20:00–08:00 is open on the next morning too); `24:00` closes at midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// 1 = Monday … 7 = Sunday (ISO 8601).
    pub weekday: u8,
    /// "HH:MM", 00:00–23:59.
    pub opens: String,
    /// "HH:MM", 00:01–24:00.
    pub closes: String,
}

impl OpeningHours {
    /// `(opens, closes)` in minutes of the day, if both times are valid and differ.
    pub fn minutes(&self) -> Option<(u16, u16)> {
        let o = parse_hhmm(&self.opens).filter(|m| *m < 24 * 60)?;
        let c = parse_hhmm(&self.closes).filter(|m| *m > 0)?;
        (o != c && (1..=7).contains(&self.weekday)).then_some((o, c))
    }
}

/// "HH:MM" → minutes of the day (0..=1440, where "24:00" is 1440).
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// The whole directory, as the server sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// Grows with every published edit; the HTTP `ETag`, and what a device compares.
    pub version: u64,
    /// When this version was published.
    pub updated_at: chrono::NaiveDate,
    pub organizations: Vec<Organization>,
    pub services: Vec<Service>,
    pub locations: Vec<Location>,
}

/// Why a directory is not valid. Names ids and fields only.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DirectoryError {
    #[error("{kind} id {id:?} is used twice")]
    DuplicateId { kind: &'static str, id: String },
    #[error("{kind} {id:?} has an empty {field}")]
    Empty {
        kind: &'static str,
        id: String,
        field: &'static str,
    },
    #[error("{kind} {id:?} refers to a missing {target} {reference:?}")]
    Dangling {
        kind: &'static str,
        id: String,
        target: &'static str,
        reference: String,
    },
    #[error("service {id:?} has no location")]
    NoLocation { id: String },
    #[error("location {id:?} has coordinates out of range")]
    Coordinates { id: String },
    #[error("location {id:?} has an invalid opening interval (weekday 1-7, HH:MM, opens ≠ closes)")]
    Hours { id: String },
    #[error("service {id:?} has an invalid language code")]
    Language { id: String },
    #[error(
        "service id {id:?} is not 1 to 64 ASCII letters, digits, '-', '_', '.' or ':' (referrals record it)"
    )]
    ServiceId { id: String },
}

impl Directory {
    /// Checks ids, references, coordinates, hours and codes; the first problem found.
    pub fn validate(&self) -> Result<(), DirectoryError> {
        fn unique<'a>(
            kind: &'static str,
            ids: impl Iterator<Item = &'a str>,
        ) -> Result<HashSet<&'a str>, DirectoryError> {
            let mut seen = HashSet::new();
            for id in ids {
                if id.trim().is_empty() {
                    return Err(DirectoryError::Empty {
                        kind,
                        id: id.into(),
                        field: "id",
                    });
                }
                if !seen.insert(id) {
                    return Err(DirectoryError::DuplicateId {
                        kind,
                        id: id.into(),
                    });
                }
            }
            Ok(seen)
        }
        let empty = |kind, id: &str, field| DirectoryError::Empty {
            kind,
            id: id.into(),
            field,
        };
        let orgs = unique(
            "organization",
            self.organizations.iter().map(|o| o.id.as_str()),
        )?;
        let services = unique("service", self.services.iter().map(|s| s.id.as_str()))?;
        unique("location", self.locations.iter().map(|l| l.id.as_str()))?;
        for o in &self.organizations {
            if o.name.trim().is_empty() {
                return Err(empty("organization", &o.id, "name"));
            }
        }
        for s in &self.services {
            // Referrals record it: an id's shape only (see `schema::referral`).
            if !crate::schema::referral::is_service_id(&s.id) {
                return Err(DirectoryError::ServiceId { id: s.id.clone() });
            }
            if s.name.trim().is_empty() {
                return Err(empty("service", &s.id, "name"));
            }
            if s.categories.is_empty() {
                return Err(empty("service", &s.id, "categories"));
            }
            if !orgs.contains(s.organization_id.as_str()) {
                return Err(DirectoryError::Dangling {
                    kind: "service",
                    id: s.id.clone(),
                    target: "organization",
                    reference: s.organization_id.clone(),
                });
            }
            let code_ok = |c: &String| {
                (2..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_lowercase())
            };
            if !s.languages.iter().all(code_ok) {
                return Err(DirectoryError::Language { id: s.id.clone() });
            }
        }
        let mut located = HashSet::new();
        for l in &self.locations {
            if !services.contains(l.service_id.as_str()) {
                return Err(DirectoryError::Dangling {
                    kind: "location",
                    id: l.id.clone(),
                    target: "service",
                    reference: l.service_id.clone(),
                });
            }
            if l.address.trim().is_empty() {
                return Err(empty("location", &l.id, "address"));
            }
            if l.city.trim().is_empty() {
                return Err(empty("location", &l.id, "city"));
            }
            let lat_ok = l.lat.is_finite() && (-90.0..=90.0).contains(&l.lat);
            let lon_ok = l.lon.is_finite() && (-180.0..=180.0).contains(&l.lon);
            if !lat_ok || !lon_ok {
                return Err(DirectoryError::Coordinates { id: l.id.clone() });
            }
            if l.schedule.iter().any(|h| h.minutes().is_none()) {
                return Err(DirectoryError::Hours { id: l.id.clone() });
            }
            located.insert(l.service_id.as_str());
        }
        if let Some(s) = self
            .services
            .iter()
            .find(|s| !located.contains(s.id.as_str()))
        {
            return Err(DirectoryError::NoLocation { id: s.id.clone() });
        }
        Ok(())
    }

    /// Parses and validates a directory from JSON.
    pub fn from_json(json: &str) -> Result<Directory, String> {
        let d: Directory = serde_json::from_str(json).map_err(|e| e.to_string())?;
        d.validate().map_err(|e| e.to_string())?;
        Ok(d)
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn organization(&self, id: &str) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }

    pub fn location(&self, id: &str) -> Option<&Location> {
        self.locations.iter().find(|l| l.id == id)
    }

    /// The locations of one service.
    pub fn locations_of<'a>(&'a self, service_id: &'a str) -> impl Iterator<Item = &'a Location> {
        self.locations
            .iter()
            .filter(move |l| l.service_id == service_id)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn hours(weekday: u8, opens: &str, closes: &str) -> OpeningHours {
        OpeningHours {
            weekday,
            opens: opens.into(),
            closes: closes.into(),
        }
    }

    /// Two organisations, three services, four locations around Bergamo.
    pub fn sample() -> Directory {
        let org = |id: &str| Organization {
            id: id.into(),
            name: format!("Associazione Sintetica {id}"),
            description: String::new(),
            url: None,
            phone: None,
            email: None,
        };
        let service =
            |id: &str, org: &str, cats: Vec<NeedCategory>, langs: &[&str], reqs| Service {
                id: id.into(),
                organization_id: org.into(),
                name: format!("Servizio {id}"),
                description: String::new(),
                categories: cats,
                languages: langs.iter().map(|l| l.to_string()).collect(),
                requirements: reqs,
                capacity: None,
                phone: None,
                email: None,
                free_of_charge: true,
            };
        let loc = |id: &str, service: &str, lat, lon, schedule| Location {
            id: id.into(),
            service_id: service.into(),
            name: format!("Sede {id}"),
            address: "Via Esempio 1".into(),
            city: "Bergamo".into(),
            province: Province::BG,
            lat,
            lon,
            schedule,
        };
        let weekdays = |o: &str, c: &str| (1..=5).map(|d| hours(d, o, c)).collect::<Vec<_>>();
        Directory {
            version: 3,
            updated_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            organizations: vec![org("a"), org("b")],
            services: vec![
                service(
                    "mensa",
                    "a",
                    vec![NeedCategory::Food],
                    &["it", "fr"],
                    vec![],
                ),
                service(
                    "dormitorio",
                    "a",
                    vec![NeedCategory::Shelter, NeedCategory::Hygiene],
                    &["it", "en", "ar"],
                    vec![Requirement::IdentityDocument, Requirement::MenOnly],
                ),
                service(
                    "casa",
                    "b",
                    vec![NeedCategory::Shelter, NeedCategory::Housing],
                    &["it"],
                    vec![Requirement::ResidencePermit, Requirement::Referral],
                ),
            ],
            locations: vec![
                // Bergamo centre.
                loc(
                    "mensa-1",
                    "mensa",
                    45.6950,
                    9.6700,
                    weekdays("11:30", "14:00"),
                ),
                // Night shelter near the station, 20:00–08:00 every day.
                loc(
                    "dorm-1",
                    "dormitorio",
                    45.6905,
                    9.6750,
                    (1..=7).map(|d| hours(d, "20:00", "08:00")).collect(),
                ),
                // Seriate, a few km east.
                loc(
                    "casa-1",
                    "casa",
                    45.6850,
                    9.7230,
                    weekdays("09:00", "12:00"),
                ),
                // Treviglio, ~20 km south.
                loc(
                    "casa-2",
                    "casa",
                    45.5210,
                    9.5930,
                    weekdays("09:00", "17:00"),
                ),
            ],
        }
    }

    #[test]
    fn the_sample_directory_is_valid_and_round_trips_through_json() {
        let d = sample();
        d.validate().expect("valid");
        let json = serde_json::to_string(&d).expect("json");
        assert_eq!(Directory::from_json(&json).expect("parse"), d);
        assert!(json.contains("\"identity_document\""));
        assert!(json.contains("\"province\":\"BG\""));
    }

    #[test]
    fn duplicate_ids_are_named_in_the_error() {
        let mut d = sample();
        d.services[1].id = "mensa".into();
        assert_eq!(
            d.validate(),
            Err(DirectoryError::DuplicateId {
                kind: "service",
                id: "mensa".into()
            })
        );
    }

    #[test]
    fn a_service_id_has_an_ids_shape() {
        for id in ["Mensa Caritas", "svc/1", "città", &"s".repeat(65)] {
            let mut d = sample();
            for l in d.locations.iter_mut().filter(|l| l.service_id == "mensa") {
                l.service_id = id.to_string();
            }
            d.services[0].id = id.to_string();
            assert_eq!(
                d.validate(),
                Err(DirectoryError::ServiceId { id: id.to_string() })
            );
        }
    }

    #[test]
    fn dangling_references_are_refused() {
        let mut d = sample();
        d.services[0].organization_id = "ghost".into();
        let e = d.validate().unwrap_err();
        assert_eq!(
            e.to_string(),
            "service \"mensa\" refers to a missing organization \"ghost\""
        );
        let mut d = sample();
        d.locations[0].service_id = "ghost".into();
        assert!(
            matches!(d.validate(), Err(DirectoryError::Dangling { id, .. }) if id == "mensa-1")
        );
    }

    #[test]
    fn coordinates_out_of_range_are_refused() {
        for (lat, lon) in [(91.0, 9.0), (45.0, 181.0), (f64::NAN, 9.0)] {
            let mut d = sample();
            d.locations[2].lat = lat;
            d.locations[2].lon = lon;
            assert_eq!(
                d.validate(),
                Err(DirectoryError::Coordinates {
                    id: "casa-1".into()
                })
            );
        }
    }

    #[test]
    fn invalid_hours_are_refused() {
        for (w, o, c) in [
            (0, "09:00", "10:00"),
            (8, "09:00", "10:00"),
            (1, "9:00", "10:00"),
            (1, "09:60", "10:00"),
            (1, "25:00", "10:00"),
            (1, "24:00", "10:00"),
            (1, "10:00", "10:00"),
            (1, "10:00", "00:00"),
        ] {
            let mut d = sample();
            d.locations[0].schedule.push(hours(w, o, c));
            assert_eq!(
                d.validate(),
                Err(DirectoryError::Hours {
                    id: "mensa-1".into()
                }),
                "{w} {o}-{c}"
            );
        }
        let mut d = sample();
        d.locations[0].schedule.push(hours(7, "00:00", "24:00"));
        d.validate().expect("a whole day is valid");
    }

    #[test]
    fn a_service_without_location_or_category_is_refused() {
        let mut d = sample();
        d.locations.retain(|l| l.service_id != "mensa");
        assert_eq!(
            d.validate(),
            Err(DirectoryError::NoLocation { id: "mensa".into() })
        );
        let mut d = sample();
        d.services[0].categories.clear();
        assert!(matches!(
            d.validate(),
            Err(DirectoryError::Empty {
                field: "categories",
                ..
            })
        ));
        let mut d = sample();
        d.services[0].languages.push("Italiano".into());
        assert_eq!(
            d.validate(),
            Err(DirectoryError::Language { id: "mensa".into() })
        );
    }

    #[test]
    fn bad_json_gives_a_clear_error() {
        let e = Directory::from_json("{\"version\": 1}").unwrap_err();
        assert!(e.contains("missing field"), "{e}");
    }
}
