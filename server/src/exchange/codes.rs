//! The ISO code lists the exchange format names: countries (ISO 3166-1 alpha-2, the
//! 249 officially assigned codes) and languages (ISO 639-1, the 184 codes). Taken from
//! Debian's `iso-codes` data (`iso_3166-1.json`, `iso_639-2.json`); sorted, so a lookup
//! is a binary search.

pub use strada_shared::countries::COUNTRIES;

/// ISO 639-1: every code, lower case.
pub const LANGUAGES: [&str; 184] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// The ISO 3166-1 alpha-2 code `s` stands for, in either case (`"sn"` is `"SN"`).
pub fn country(s: &str) -> Option<&'static str> {
    let upper = s.to_ascii_uppercase();
    COUNTRIES
        .binary_search(&upper.as_str())
        .ok()
        .map(|i| COUNTRIES[i])
}

/// The ISO 639-1 code `s` stands for, in either case (`"FR"` is `"fr"`).
pub fn language(s: &str) -> Option<&'static str> {
    let lower = s.to_ascii_lowercase();
    LANGUAGES
        .binary_search(&lower.as_str())
        .ok()
        .map(|i| LANGUAGES[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_sorted_so_lookups_find_every_code() {
        assert!(COUNTRIES.windows(2).all(|w| w[0] < w[1]));
        assert!(LANGUAGES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(country("SN"), Some("SN"));
        assert_eq!(country("it"), Some("IT"));
        assert_eq!(country("XX"), None);
        assert_eq!(country("Senegal"), None);
        assert_eq!(language("wo"), Some("wo"));
        assert_eq!(language("PA"), Some("pa"));
        assert_eq!(language("fra"), None);
        // The languages the app offers in its pickers are all ISO 639-1 codes.
        for (code, _) in strada_shared::domain::LANGUAGES {
            assert_eq!(language(code), Some(code), "{code}");
        }
    }
}
