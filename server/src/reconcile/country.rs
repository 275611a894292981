//! Countries of origin as people say them ("Marocco", "Morocco", "Maroc", "المغرب"),
//! resolved to one code so that two spellings agree and two countries disagree.

use std::collections::HashMap;

use strada_shared::search::{fold, skeleton};

/// The countries outreach teams in Italy meet most, each with its names in Italian,
/// English, French and the country's own languages (folded before comparison).
const NAMES: &[(&str, &[&str])] = &[
    ("AF", &["Afghanistan", "افغانستان"]),
    ("AL", &["Albania", "Albanie", "Shqipëri", "Shqiperia"]),
    ("DZ", &["Algeria", "Algérie", "الجزائر"]),
    ("BD", &["Bangladesh", "বাংলাদেশ"]),
    ("BF", &["Burkina Faso", "Burkina"]),
    ("BG", &["Bulgaria", "Bulgarie", "България"]),
    ("BR", &["Brasile", "Brazil", "Brasil", "Brésil"]),
    (
        "CI",
        &[
            "Costa d'Avorio",
            "Ivory Coast",
            "Côte d'Ivoire",
            "Cote d Ivoire",
        ],
    ),
    ("CM", &["Camerun", "Cameroon", "Cameroun"]),
    ("CN", &["Cina", "China", "Chine", "中国"]),
    ("EC", &["Ecuador", "Équateur"]),
    ("EG", &["Egitto", "Egypt", "Égypte", "مصر"]),
    ("ER", &["Eritrea", "Érythrée", "ኤርትራ"]),
    ("ET", &["Etiopia", "Ethiopia", "Éthiopie", "ኢትዮጵያ"]),
    ("GE", &["Georgia", "Géorgie", "Sakartvelo"]),
    ("GH", &["Ghana"]),
    ("GM", &["Gambia", "The Gambia", "Gambie"]),
    ("GN", &["Guinea", "Guinée", "Guinea Conakry"]),
    ("GW", &["Guinea-Bissau", "Guinée-Bissau"]),
    (
        "IN",
        &["India", "Inde", "Bharat", "भारत", "ਭਾਰਤ", "Punjab", "ਪੰਜਾਬ"],
    ),
    ("IQ", &["Iraq", "Irak", "العراق"]),
    ("IR", &["Iran", "ایران"]),
    ("IT", &["Italia", "Italy", "Italie"]),
    ("LY", &["Libia", "Libya", "Libye", "ليبيا"]),
    (
        "MA",
        &["Marocco", "Morocco", "Maroc", "Marruecos", "المغرب"],
    ),
    ("MD", &["Moldavia", "Moldova", "Moldavie"]),
    (
        "MK",
        &[
            "Macedonia",
            "Macedonia del Nord",
            "North Macedonia",
            "Македонија",
        ],
    ),
    ("ML", &["Mali"]),
    ("NE", &["Niger"]),
    ("NG", &["Nigeria", "Nigéria"]),
    ("NP", &["Nepal", "नेपाल"]),
    ("PE", &["Perù", "Peru", "Pérou"]),
    ("PH", &["Filippine", "Philippines", "Pilipinas"]),
    ("PK", &["Pakistan", "پاکستان"]),
    ("RO", &["Romania", "Roumanie", "România"]),
    ("RS", &["Serbia", "Serbie", "Србија"]),
    ("RU", &["Russia", "Russie", "Россия"]),
    ("SD", &["Sudan", "Soudan", "السودان"]),
    ("SN", &["Senegal", "Sénégal"]),
    ("SO", &["Somalia", "Somalie", "Soomaaliya"]),
    ("LK", &["Sri Lanka"]),
    ("SY", &["Siria", "Syria", "Syrie", "سوريا"]),
    ("TN", &["Tunisia", "Tunisie", "تونس"]),
    ("TR", &["Turchia", "Turkey", "Turquie", "Türkiye"]),
    ("UA", &["Ucraina", "Ukraine", "Україна"]),
    ("XK", &["Kosovo"]),
];

/// A country as one record states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Country {
    /// Not stated.
    Unknown,
    /// Found in the table: an index into it.
    Known(u16),
    /// An ISO 3166-1 alpha-2 code outside the table (the exchange format's `country`),
    /// upper case.
    Code([u8; 2]),
    /// Not in the table: the consonant skeleton of what was written, interned.
    Written(u32),
}

impl Country {
    /// The ISO code of a country of the table.
    pub(super) fn code(self) -> Option<&'static str> {
        match self {
            Country::Known(i) => NAMES.get(usize::from(i)).map(|(code, _)| *code),
            _ => None,
        }
    }

    /// Whether two records agree (`Some(true)`), disagree (`Some(false)`) or cannot be
    /// compared (`None`). Two unknown texts that differ prove nothing: "Punjab" and
    /// "Pakistan" may be the same place as the person tells it.
    pub(super) fn agrees(self, other: Country) -> Option<bool> {
        match (self, other) {
            (Country::Unknown, _) | (_, Country::Unknown) => None,
            (Country::Known(a), Country::Known(b)) => Some(a == b),
            (Country::Code(a), Country::Code(b)) => Some(a == b),
            // Every code of the table resolves to `Known`.
            (Country::Known(_), Country::Code(_)) | (Country::Code(_), Country::Known(_)) => {
                Some(false)
            }
            (a, b) if a == b => Some(true),
            _ => None,
        }
    }
}

/// The folded names of the table, built once per reconciliation.
pub(super) struct Countries {
    by_name: HashMap<String, u16>,
    by_code: HashMap<[u8; 2], u16>,
}

impl Countries {
    pub(super) fn new() -> Countries {
        let mut by_name = HashMap::new();
        let mut by_code = HashMap::new();
        for (i, (code, names)) in NAMES.iter().enumerate() {
            if let &[a, b] = code.as_bytes() {
                by_code.insert([a, b], i as u16);
            }
            for name in *names {
                by_name.insert(fold(name), i as u16);
            }
        }
        Countries { by_name, by_code }
    }

    /// Resolves what a record says: an ISO 3166-1 alpha-2 code (as the exchange format
    /// writes it: `MA` is Marocco), else the whole text, else any of its words or pairs
    /// of words ("India (Punjab)" is India), else its skeleton.
    pub(super) fn resolve(&self, text: &str, intern: &mut impl FnMut(String) -> u32) -> Country {
        if let &[a, b] = text.trim().as_bytes()
            && a.is_ascii_alphabetic()
            && b.is_ascii_alphabetic()
        {
            let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
            return match self.by_code.get(&code) {
                Some(&i) => Country::Known(i),
                None => Country::Code(code),
            };
        }
        let folded = fold(text);
        if folded.is_empty() {
            return Country::Unknown;
        }
        if let Some(&i) = self.by_name.get(&folded) {
            return Country::Known(i);
        }
        let words: Vec<&str> = folded.split(' ').collect();
        let pairs = words.windows(2).map(|w| w.join(" "));
        for part in words.iter().map(|w| w.to_string()).chain(pairs) {
            if let Some(&i) = self.by_name.get(&part) {
                return Country::Known(i);
            }
        }
        let sk: String = words.iter().map(|w| skeleton(w)).collect();
        Country::Written(intern(if sk.is_empty() { folded } else { sk }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> Country {
        let mut interned = Vec::new();
        Countries::new().resolve(text, &mut |s: String| {
            interned.push(s);
            interned.len() as u32 - 1
        })
    }

    #[test]
    fn spellings_of_one_country_agree_and_two_countries_disagree() {
        let morocco = resolve("Marocco");
        for other in ["Morocco", "MAROC", "المغرب", " marocco "] {
            assert_eq!(resolve(other), morocco, "{other}");
        }
        assert_eq!(resolve("India (Punjab)"), resolve("India"));
        assert_eq!(resolve("Україна"), resolve("Ucraina"));
        assert_eq!(morocco.agrees(resolve("Egitto")), Some(false));
        assert_eq!(resolve("").agrees(morocco), None);
        // Texts outside the table agree only with themselves, and prove nothing else.
        assert_eq!(
            resolve("Atlantide").agrees(resolve("atlantide")),
            Some(true)
        );
        assert_eq!(resolve("Atlantide").agrees(morocco), None);
    }

    #[test]
    fn iso_codes_resolve_as_the_countries_they_name() {
        // The exchange format writes countries as ISO 3166-1 alpha-2 codes.
        assert_eq!(resolve("MA"), resolve("Marocco"));
        assert_eq!(resolve(" ml "), resolve("Mali"));
        assert_eq!(resolve("NG").agrees(resolve("ML")), Some(false));
        assert_eq!(resolve("SN").agrees(resolve("Senegal")), Some(true));
        // Codes outside the table agree with themselves and differ from the table's.
        assert_eq!(resolve("FR").agrees(resolve("fr")), Some(true));
        assert_eq!(resolve("FR").agrees(resolve("US")), Some(false));
        assert_eq!(resolve("FR").agrees(resolve("Mali")), Some(false));
        // A name outside the table proves nothing against a code.
        assert_eq!(resolve("FR").agrees(resolve("Francia")), None);
    }
}
