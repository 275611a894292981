//! What a withdrawal of consent erases beyond the person's own fields: the alias in each
//! of their contacts, and their names wherever a worker typed them in free text — a
//! contact's note, workplace and indicator notes, a referral's outcome.
//!
//! Names are matched case-insensitively in any script, as typed (no transliteration: a
//! note that spells a name differently keeps it), whole or word by word (words of three
//! letters or more, at word boundaries), and each run of erased text becomes
//! [`ERASED`]. The person's phone number is erased too, however it is written in the
//! text (spaced, dashed, with or without the country's prefix: `+39 333 1234567`,
//! `333-1234567`), and never a number that only shares some of its digits. The device
//! does it in the withdrawal's transaction and the server again for every contact and
//! referral of the person it holds.

use super::{ContactDoc, PersonDoc, ReferralDoc};
use crate::domain::PersonRef;

/// What an erased name becomes in free text.
pub const ERASED: &str = "[…]";

/// Shortest word of a name erased on its own (shorter ones are particles: "il", "de").
const MIN_WORD_CHARS: usize = 3;

/// Fewest digits a phone number has to be erased from free text as one.
const MIN_PHONE_DIGITS: usize = 6;

/// Fewest digits of a number written without its country's prefix that still match the
/// whole number (`3331234567` for `+39 333 1234567`).
const MIN_NATIONAL_DIGITS: usize = 8;

/// Every name of the person: aliases, the alias each contact names them by, and their
/// phone number (erased as a number, see [`scrub_names`]).
pub fn names_of<'a>(
    person: Option<&'a PersonDoc>,
    contacts: impl IntoIterator<Item = &'a ContactDoc>,
) -> Vec<String> {
    let mut names: Vec<String> = person.map(|p| p.aliases.clone()).unwrap_or_default();
    if let Some(phone) = person.and_then(|p| p.phone.clone()) {
        names.push(phone);
    }
    for c in contacts {
        if let PersonRef::Alias(a) = &c.person {
            names.push(a.clone());
        }
    }
    crate::sort::sort(&mut names);
    names.dedup();
    names
}

/// `text` with every occurrence of the `names` (and of their words) replaced by
/// [`ERASED`]. A name that is a phone number (digits and the signs numbers are
/// written with, at least six digits) is erased wherever the same number stands, written
/// in any of the usual ways, and its groups of digits are not erased on their own.
pub fn scrub_names(text: &str, names: &[String]) -> String {
    let mut patterns: Vec<Vec<char>> = Vec::new();
    let mut phones: Vec<String> = Vec::new();
    for name in names {
        if let Some(digits) = phone_digits(name) {
            phones.push(digits);
            continue;
        }
        let whole: Vec<char> = fold(name.trim());
        if !whole.is_empty() {
            patterns.push(whole);
        }
        for word in name.split(|c: char| !c.is_alphanumeric()) {
            if word.chars().count() >= MIN_WORD_CHARS {
                patterns.push(fold(word));
            }
        }
    }
    if (patterns.is_empty() && phones.is_empty()) || text.is_empty() {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // The folded text, each folded char with the index of the char it came from.
    let folded: Vec<(char, usize)> = chars
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.to_lowercase().map(move |l| (l, i)))
        .collect();
    let mut erase = vec![false; chars.len()];
    for pat in &patterns {
        if pat.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - pat.len() {
            if folded[start..start + pat.len()]
                .iter()
                .map(|(c, _)| c)
                .ne(pat.iter())
            {
                continue;
            }
            let (first, last) = (folded[start].1, folded[start + pat.len() - 1].1);
            // Whole words only: "Ali" is not erased from "alimentari".
            let before = first.checked_sub(1).map(|i| chars[i]);
            let after = chars.get(last + 1).copied();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            erase[first..=last].iter_mut().for_each(|e| *e = true);
        }
    }
    if !phones.is_empty() {
        mark_numbers(&chars, &phones, &mut erase);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for (c, gone) in chars.iter().zip(&erase) {
        match (gone, in_run) {
            (true, false) => out.push_str(ERASED),
            (true, true) => {}
            (false, _) => out.push(*c),
        }
        in_run = *gone;
    }
    out
}

/// Signs a phone number is written with besides its digits.
fn phone_sign(c: char) -> bool {
    matches!(c, ' ' | '+' | '-' | '.' | '/' | '(' | ')')
}

/// The digits of `name` when it is a phone number, without an international prefix's
/// `00`; `None` for a name.
fn phone_digits(name: &str) -> Option<String> {
    let t = name.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || phone_sign(c)) {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= MIN_PHONE_DIGITS).then(|| international(digits))
}

fn international(digits: String) -> String {
    match digits.strip_prefix("00") {
        Some(rest) => rest.to_string(),
        None => digits,
    }
}

/// Whether two numbers' digits are one number: the same, or one the other without its
/// country's prefix.
fn same_number(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short == long || (short.len() >= MIN_NATIONAL_DIGITS && long.ends_with(short))
}

/// Marks in `erase` every run of `chars` that writes one of `phones`: consecutive
/// groups of digits (with a `+` before them) joined by the signs numbers are written
/// with, standing apart from other digits and letters.
fn mark_numbers(chars: &[char], phones: &[String], erase: &mut [bool]) {
    // The groups of digits: (first char, last char).
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            groups.push((start, i - 1));
        } else {
            i += 1;
        }
    }
    let joined = |a: (usize, usize), b: (usize, usize)| {
        chars[a.1 + 1..b.0].iter().all(|&c| phone_sign(c)) && b.0 - a.1 <= 3
    };
    for first in 0..groups.len() {
        let start = groups[first].0;
        if start > 0 && chars[start - 1].is_alphanumeric() {
            continue;
        }
        let mut digits = String::new();
        for last in first..groups.len() {
            if last > first && !joined(groups[last - 1], groups[last]) {
                break;
            }
            let (s, e) = groups[last];
            digits.extend(&chars[s..=e]);
            if chars.get(e + 1).is_some_and(|c| c.is_alphanumeric()) {
                continue;
            }
            let candidate = international(digits.clone());
            if candidate.len() >= MIN_PHONE_DIGITS
                && phones.iter().any(|p| same_number(p, &candidate))
            {
                let from = if start > 0 && chars[start - 1] == '+' {
                    start - 1
                } else {
                    start
                };
                erase[from..=e].iter_mut().for_each(|x| *x = true);
            }
        }
    }
}

fn fold(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

impl ContactDoc {
    /// The person withdrew consent: no alias (see [`ContactDoc::withdraw_consent`]), and
    /// none of their `names` in the contact's free text.
    pub fn erase_person(&mut self, names: &[String]) {
        self.withdraw_consent();
        self.note = scrub_names(&self.note, names);
        self.workplace = scrub_names(&self.workplace, names);
        for (_, note) in &mut self.indicators {
            *note = scrub_names(note, names);
        }
    }
}

impl ReferralDoc {
    /// The person referred withdrew consent: none of their `names` in the outcome, nor
    /// in the partner's name as typed (the attacker's fifteenth probe: "Caritas for
    /// Yaw" kept him).
    pub fn erase_person(&mut self, names: &[String]) {
        self.outcome = scrub_names(&self.outcome, names);
        self.partner = scrub_names(&self.partner, names);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_persons_phone_number_is_erased_however_it_is_written() {
        let n = names(&["Kwame", "+39 333 1234567"]);
        assert_eq!(
            scrub_names("Kwame: tel. 333-1234567, oppure 0039 333 123 4567.", &n),
            "[…]: tel. […], oppure […]."
        );
        assert_eq!(
            scrub_names("Numero +393331234567 (cell.)", &n),
            "Numero […] (cell.)"
        );
        // Its groups of digits are not erased on their own, nor a number that only
        // shares some of its digits, nor digits within a longer number.
        assert_eq!(
            scrub_names("Paga 333 euro; capo 333 7654321; 13331234567", &n),
            "Paga 333 euro; capo 333 7654321; 13331234567"
        );
        // A number stored without the prefix is found with it.
        let bare = names(&["3331234567"]);
        assert_eq!(
            scrub_names("chiamare +39 333 1234567 domani, 2 volte", &bare),
            "chiamare […] domani, 2 volte"
        );
        assert_eq!(scrub_names("ID 12345", &names(&["12345"])), "ID […]");
    }

    #[test]
    fn names_are_erased_whole_or_word_by_word_in_any_case_and_script() {
        let n = names(&["Mamadou 'il lungo'", "محمد", "Ками"]);
        assert_eq!(
            scrub_names(
                "Incontrato MAMADOU alla serra; dice che mamadou 'il lungo' lavora.",
                &n
            ),
            "Incontrato […] alla serra; dice che […] lavora."
        );
        assert_eq!(scrub_names("قال محمد إنه يعمل", &n), "قال […] إنه يعمل");
        assert_eq!(scrub_names("КАМИ пришёл", &n), "[…] пришёл");
        // Inside other words nothing is erased, and short particles stay.
        assert_eq!(
            scrub_names(
                "Alimentari di Mamadouba, il lunedì",
                &names(&["Ali Mamadou"])
            ),
            "Alimentari di Mamadouba, il lunedì"
        );
        assert_eq!(scrub_names("", &n), "");
        assert_eq!(scrub_names("nothing here", &[]), "nothing here");
    }

    #[test]
    fn a_withdrawal_erases_the_alias_and_the_names_in_free_text() {
        let mut c = ContactDoc {
            person: PersonRef::Alias("Karim".into()),
            note: "Karim ha paura del datore".into(),
            workplace: "serra di karim".into(),
            indicators: vec![(crate::vocab::Indicator::Deception, "Karim: promessa".into())],
            consent: crate::vocab::ConsentStatus::Given,
            ..ContactDoc::blank()
        };
        let n = names_of(None, [&c]);
        c.erase_person(&n);
        assert_eq!(c.person, PersonRef::Anonymous);
        assert_eq!(c.note, "[…] ha paura del datore");
        assert_eq!(c.workplace, "serra di […]");
        assert_eq!(c.indicators[0].1, "[…]: promessa");
    }
}
