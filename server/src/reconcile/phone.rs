//! Phone numbers compared as numbers, not as typed.

/// The country code numbers without an international prefix are assumed to belong to.
const HOME_CODE: &str = "39";

/// Shortest and longest national number kept (Italian numbers have 6 to 11 digits).
const NATIONAL_DIGITS: std::ops::RangeInclusive<usize> = 6..=11;
/// Longest international number (E.164) without its `+`.
const MAX_INTERNATIONAL_DIGITS: usize = 15;

/// A phone number in one canonical form, or `None` when it is not one.
///
/// Spaces, dashes, dots and brackets are ignored, and so are the digits of the Arabic,
/// Persian, Bengali, Devanagari and Gurmukhi keyboards (read as 0–9). An international
/// prefix (`+` or `00`) with the Italian code 39 gives the national number:
/// `+39 333 1234567`, `0039 333-123-4567` and `3331234567` are all `3331234567`. A
/// foreign number keeps its country code: `+212 612 345678` is `+212612345678`. Without
/// a prefix, a number is Italian, unless it is longer than any Italian number (12 digits
/// or more): then it is read as an international number typed without its `+`.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let plus = raw.starts_with('+');
    let digits: String = raw.chars().filter_map(digit).collect();
    let international = if plus {
        Some(digits.as_str())
    } else if let Some(rest) = digits.strip_prefix("00").filter(|r| !r.starts_with('0')) {
        // No country code begins with 0: `000 288 2549` is a national number (found by a
        // new user's walk: `+39 000 288 2549` and `0002882549` read as two phones).
        Some(rest)
    } else if digits.len() > *NATIONAL_DIGITS.end() {
        Some(digits.as_str())
    } else {
        None
    };
    let national = match international {
        Some(number) => match number.strip_prefix(HOME_CODE) {
            Some(national) => national,
            None if (8..=MAX_INTERNATIONAL_DIGITS).contains(&number.len()) => {
                return Some(format!("+{number}"));
            }
            None => return None,
        },
        None => digits.as_str(),
    };
    NATIONAL_DIGITS
        .contains(&national.len())
        .then(|| national.to_string())
}

/// The ASCII digit a character stands for, from the keyboards outreach workers meet.
fn digit(c: char) -> Option<char> {
    let zero = match c as u32 {
        0x30..=0x39 => return Some(c),
        0x0660..=0x0669 => 0x0660, // Arabic-Indic
        0x06F0..=0x06F9 => 0x06F0, // Persian and Urdu
        0x0966..=0x096F => 0x0966, // Devanagari
        0x09E6..=0x09EF => 0x09E6, // Bengali
        0x0A66..=0x0A6F => 0x0A66, // Gurmukhi
        _ => return None,
    };
    char::from_digit(c as u32 - zero, 10)
}

#[cfg(test)]
mod tests {
    use super::normalise_phone;

    #[test]
    fn a_national_number_beginning_with_00_is_not_read_as_international() {
        assert_eq!(normalise_phone("0002882549").as_deref(), Some("0002882549"));
        assert_eq!(
            normalise_phone("+39 000 288 2549"),
            normalise_phone("0002882549")
        );
        assert_eq!(
            normalise_phone("00 212 612 345678").as_deref(),
            Some("+212612345678")
        );
    }

    #[test]
    fn italian_numbers_match_however_they_are_written() {
        for raw in [
            "+39 333 1234567",
            "3331234567",
            "0039 333-123-4567",
            " 333.123.45.67 ",
            "(+39) 333 1234567",
            "393331234567",
            "٣٣٣١٢٣٤٥٦٧",
        ] {
            assert_eq!(normalise_phone(raw).as_deref(), Some("3331234567"), "{raw}");
        }
        assert_eq!(
            normalise_phone("02 1234 5678").as_deref(),
            Some("0212345678")
        );
        assert_eq!(
            normalise_phone("+39 02 12345678").as_deref(),
            Some("0212345678")
        );
    }

    #[test]
    fn foreign_numbers_keep_their_country_code() {
        assert_eq!(
            normalise_phone("+212 612-345678").as_deref(),
            Some("+212612345678")
        );
        assert_eq!(
            normalise_phone("00212612345678").as_deref(),
            Some("+212612345678")
        );
        assert_eq!(
            normalise_phone("+880 1712 345678").as_deref(),
            Some("+8801712345678")
        );
        // The same digits as a foreign number are another number than the Italian one.
        assert_ne!(
            normalise_phone("+33 3331234567"),
            normalise_phone("3331234567")
        );
    }

    #[test]
    fn what_is_not_a_phone_number_is_none() {
        for raw in [
            "",
            "  ",
            "non ce l'ha",
            "12345",
            "+1 23",
            "333 1234567 / 320 7654321",
        ] {
            assert_eq!(normalise_phone(raw), None, "{raw}");
        }
    }
}
