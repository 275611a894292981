//! The closed vocabularies of the contact form: channel, sector, the ILO's eleven
//! forced-labour indicators, materials given, and the states of consent, mediation and
//! follow-up. Each has a stable code used in documents, on the wire and in test
//! selectors; names live in the app's catalogue.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// Implemented by every closed vocabulary: the stable code and its inverse.
pub trait Code: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Reconcile, Hydrate)]
        pub enum $name {
            $($(#[$vmeta])* #[autosurgeon(rename = $code)] #[serde(rename = $code)] $variant),+
        }

        impl Code for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }
    };
}

vocabulary! {
    /// How the contact came about.
    Channel {
        Street = "street",
        ItinerantUnit = "itinerant_unit",
        Desk = "desk",
        ListeningCentre = "listening_centre",
        Phone = "phone",
        ViaPartner = "via_partner",
    }
}

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for Channel {
    fn default() -> Self {
        Channel::Street
    }
}

vocabulary! {
    /// The sector the person works in.
    Sector {
        Agriculture = "agriculture",
        Logistics = "logistics",
        Construction = "construction",
        Hospitality = "hospitality",
        Domestic = "domestic",
        Manufacturing = "manufacturing",
        Other = "other",
    }
}

vocabulary! {
    /// The ILO's 11 indicators of forced labour (ILO, 2012), as observed or told.
    Indicator {
        AbuseOfVulnerability = "abuse_of_vulnerability",
        Deception = "deception",
        RestrictionOfMovement = "restriction_of_movement",
        Isolation = "isolation",
        PhysicalSexualViolence = "physical_sexual_violence",
        IntimidationThreats = "intimidation_threats",
        RetentionOfDocuments = "retention_of_documents",
        WithholdingOfWages = "withholding_of_wages",
        DebtBondage = "debt_bondage",
        AbusiveConditions = "abusive_conditions",
        ExcessiveOvertime = "excessive_overtime",
    }
}

vocabulary! {
    /// What the team handed out.
    Material {
        InfoLeaflet = "info_leaflet",
        FoodKit = "food_kit",
        Water = "water",
        HygieneKit = "hygiene_kit",
        Clothing = "clothing",
        ProtectiveEquipment = "protective_equipment",
        HealthKit = "health_kit",
        Other = "other",
    }
}

vocabulary! {
    /// The person's consent to having data recorded and shared.
    ConsentStatus {
        /// Not asked (a quick anonymous contact): only anonymous data is kept.
        NotAsked = "not_asked",
        Given = "given",
        Refused = "refused",
        Withdrawn = "withdrawn",
    }
}

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for ConsentStatus {
    fn default() -> Self {
        ConsentStatus::NotAsked
    }
}

vocabulary! {
    /// Whether a cultural mediator took part.
    Mediator {
        Absent = "absent",
        Present = "present",
    }
}

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for Mediator {
    fn default() -> Self {
        Mediator::Absent
    }
}

vocabulary! {
    /// Whether the team must go back to the person.
    FollowUp {
        NotNeeded = "not_needed",
        Needed = "needed",
    }
}

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for FollowUp {
    fn default() -> Self {
        FollowUp::NotNeeded
    }
}

vocabulary! {
    /// A person's gender as they state it.
    Gender {
        Unknown = "unknown",
        Woman = "woman",
        Man = "man",
        NonBinary = "non_binary",
    }
}

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for Gender {
    fn default() -> Self {
        Gender::Unknown
    }
}

vocabulary! {
    /// How strongly an ILO indicator is present, in a case's exploitation assessment.
    Strength {
        Strong = "strong",
        Medium = "medium",
        Weak = "weak",
    }
}

vocabulary! {
    /// A case's eligibility decision.
    Decision {
        Pending = "pending",
        Eligible = "eligible",
        NotEligible = "not_eligible",
    }
}

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for Decision {
    fn default() -> Self {
        Decision::Pending
    }
}

vocabulary! {
    /// Where an intervention of a PIP stands.
    InterventionStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
}

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for InterventionStatus {
    fn default() -> Self {
        InterventionStatus::Planned
    }
}

vocabulary! {
    /// How a case ended: whether the person emerged from exploitation.
    Outcome {
        Emerged = "emerged",
        PartlyEmerged = "partly_emerged",
        NotEmerged = "not_emerged",
        DroppedOut = "dropped_out",
        Transferred = "transferred",
    }
}

impl Code for crate::domain::NeedCategory {
    const ALL: &'static [Self] = &crate::domain::NeedCategory::ALL;
    fn code(self) -> &'static str {
        crate::domain::NeedCategory::code(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Code + PartialEq + std::fmt::Debug>() {
        for v in T::ALL {
            assert_eq!(T::from_code(v.code()), Some(*v));
        }
        let mut codes: Vec<_> = T::ALL.iter().map(|v| v.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), T::ALL.len(), "codes are unique");
    }

    #[test]
    fn every_code_parses_back_and_is_unique() {
        round_trip::<Channel>();
        round_trip::<Sector>();
        round_trip::<Indicator>();
        round_trip::<Material>();
        round_trip::<ConsentStatus>();
        round_trip::<Mediator>();
        round_trip::<FollowUp>();
        round_trip::<Gender>();
        round_trip::<Strength>();
        round_trip::<Decision>();
        round_trip::<InterventionStatus>();
        round_trip::<Outcome>();
        assert_eq!(Indicator::ALL.len(), 11, "the ILO lists eleven indicators");
    }

    #[test]
    fn codes_are_stable_on_the_wire() {
        // Golden: these strings are stored in documents on devices; never change them.
        assert_eq!(
            serde_json::to_string(&Indicator::RetentionOfDocuments).unwrap(),
            "\"retention_of_documents\""
        );
        assert_eq!(Channel::ItinerantUnit.code(), "itinerant_unit");
        assert_eq!(ConsentStatus::default(), ConsentStatus::NotAsked);
    }
}
