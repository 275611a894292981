//! Candidate duplicate persons: why two person records may be the same person.
//!
//! Only the wire types live here: the server finds the candidates
//! (`strada_server::reconcile`), devices and the central office show them. Each
//! [`Reason`] carries the data needed to say it in any language; [`Reason::describe_en`]
//! is the English sentence (logs, tests, the API's default), the app's catalogue has
//! the others.
//!
//! In a reason, `a` is what the candidate's first person holds and `b` the second's.

use serde::{Deserialize, Serialize};

use crate::vocab::Gender;

/// How two aliases were matched, from the closest to the loosest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasMatch {
    /// The same words once case and diacritics are folded ("Ioana" and "IOANA").
    Same,
    /// The same name written in another script ("Mohamed" and "محمد").
    Transliteration,
    /// Another spelling of the same name ("Mohamed" and "Muhammad").
    Spelling,
    /// Names that sound alike, or differ by a slip of the finger ("Ibrahima", "Ibrahina").
    Phonetic,
    /// Only some words of the two aliases match ("Gurpreet Singh" and "Amandeep Singh",
    /// "Ousmane Mamadou Diallo" and "Ousmane Diallo"): the others are another given name,
    /// or a part one record leaves out.
    Partial,
}

/// One piece of evidence for (or, for the `Different…` ones, against) two records being
/// the same person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Both phone numbers are the same once normalised (`+39 333 1234567`, `3331234567`).
    SamePhone,
    /// Two aliases, as each record holds them, and how they match.
    Alias {
        a: String,
        b: String,
        how: AliasMatch,
    },
    /// Birth years close enough to count for: two years apart at most, four when
    /// either is an estimate.
    BirthYear { a: i64, b: i64 },
    /// The same stated gender.
    SameGender { gender: Gender },
    /// The same country of origin (as the first record writes it).
    SameCountry { country: String },
    /// Languages both speak (codes, sorted).
    SharedLanguages { codes: Vec<String> },
    /// The two records' closest sightings: `metres` apart and `days` whole days apart
    /// (0: within 24 hours of each other).
    MetNear { metres: u32, days: u32 },
    /// The same usual place (where the person lives or sleeps, as the first record
    /// writes it), case and accents aside.
    SameUsualPlace { place: String },
    /// Two phone numbers one digit apart once normalised (a digit mistyped, two
    /// neighbours swapped).
    SimilarPhone,
    /// Two phone numbers that differ (people change SIM cards: weak evidence against).
    DifferentPhone,
    /// Birth years too far apart (see [`Reason::BirthYear`]).
    DifferentBirthYear { a: i64, b: i64 },
    /// Different stated genders.
    DifferentGender { a: Gender, b: Gender },
    /// Different countries of origin.
    DifferentCountry { a: String, b: String },
    /// Different usual places (people move with the seasons: weak evidence against).
    DifferentUsualPlace { a: String, b: String },
    /// A kind of evidence this build does not know (a newer server's): read, so that the
    /// rest of the list still shows, and said as "other evidence".
    #[serde(other)]
    Other,
}

fn gender_en(g: Gender) -> &'static str {
    match g {
        Gender::Unknown => "unknown",
        Gender::Woman => "woman",
        Gender::Man => "man",
        Gender::NonBinary => "non-binary",
    }
}

impl Reason {
    /// The reason as an English sentence fragment: "same phone", "Mohamed ≈ محمد",
    /// "born 1990 / 1991", "met 300 m apart on the same day".
    pub fn describe_en(&self) -> String {
        match self {
            Reason::SamePhone => "same phone".into(),
            Reason::Alias { a, b, how } => match how {
                AliasMatch::Same => format!("{a} = {b}"),
                AliasMatch::Partial => format!("{a} ~ {b} (part of the name)"),
                _ => format!("{a} ≈ {b}"),
            },
            Reason::BirthYear { a, b } if a == b => format!("both born {a}"),
            Reason::BirthYear { a, b } => format!("born {a} / {b}"),
            Reason::SameGender { gender } => match gender {
                Gender::Woman => "both women".into(),
                Gender::Man => "both men".into(),
                Gender::NonBinary => "both non-binary".into(),
                Gender::Unknown => "same gender".into(),
            },
            Reason::SameCountry { country } => format!("both from {country}"),
            Reason::SharedLanguages { codes } => format!("both speak {}", codes.join(", ")),
            Reason::MetNear { metres, days } => {
                let when = match days {
                    0 => "on the same day".to_string(),
                    1 => "a day apart".to_string(),
                    n => format!("{n} days apart"),
                };
                format!("met {metres} m apart {when}")
            }
            Reason::SameUsualPlace { place } => format!("both usually at {place}"),
            Reason::SimilarPhone => "phones one digit apart".into(),
            Reason::DifferentPhone => "different phones".into(),
            Reason::DifferentBirthYear { a, b } => format!("born {a} / {b}: too far apart"),
            Reason::DifferentGender { a, b } => {
                format!("different genders: {} / {}", gender_en(*a), gender_en(*b))
            }
            Reason::DifferentCountry { a, b } => format!("different countries: {a} / {b}"),
            Reason::DifferentUsualPlace { a, b } => format!("different usual places: {a} / {b}"),
            Reason::Other => "other evidence".into(),
        }
    }

    /// Whether the reason speaks against the two records being one person.
    pub fn is_against(&self) -> bool {
        matches!(
            self,
            Reason::DifferentPhone
                | Reason::DifferentBirthYear { .. }
                | Reason::DifferentGender { .. }
                | Reason::DifferentCountry { .. }
                | Reason::DifferentUsualPlace { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_the_issue_writes_them() {
        assert_eq!(Reason::SamePhone.describe_en(), "same phone");
        let alias = Reason::Alias {
            a: "Mohamed".into(),
            b: "محمد".into(),
            how: AliasMatch::Transliteration,
        };
        assert_eq!(alias.describe_en(), "Mohamed ≈ محمد");
        assert_eq!(
            Reason::BirthYear { a: 1990, b: 1991 }.describe_en(),
            "born 1990 / 1991"
        );
        assert_eq!(
            Reason::MetNear {
                metres: 300,
                days: 0
            }
            .describe_en(),
            "met 300 m apart on the same day"
        );
    }

    #[test]
    fn reasons_travel_as_tagged_snake_case_json() {
        let alias = Reason::Alias {
            a: "Mohamed".into(),
            b: "Muhammad".into(),
            how: AliasMatch::Spelling,
        };
        let json = serde_json::to_string(&alias).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"alias","a":"Mohamed","b":"Muhammad","how":"spelling"}"#
        );
        assert_eq!(serde_json::from_str::<Reason>(&json).unwrap(), alias);
        let gender = Reason::SameGender {
            gender: Gender::Woman,
        };
        let json = serde_json::to_string(&gender).unwrap();
        assert_eq!(json, r#"{"kind":"same_gender","gender":"woman"}"#);
        assert_eq!(serde_json::from_str::<Reason>(&json).unwrap(), gender);
        // A kind a newer server adds is read as `Other`, whatever its fields.
        let newer = r#"{"kind":"same_shoe_size","a":42,"b":[1,2]}"#;
        assert_eq!(
            serde_json::from_str::<Reason>(newer).unwrap(),
            Reason::Other
        );
        let place = Reason::SameUsualPlace {
            place: "Cascina Bassa".into(),
        };
        assert_eq!(
            serde_json::to_string(&place).unwrap(),
            r#"{"kind":"same_usual_place","place":"Cascina Bassa"}"#
        );
    }
}
