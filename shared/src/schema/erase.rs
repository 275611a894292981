//! What a withdrawal of consent erases beyond the person's own fields: the alias in each
//! of their contacts, and their names wherever a worker typed them in free text — a
//! contact's note, workplace and indicator notes, a referral's outcome.
//!
//! Names are matched case-insensitively in any script, as typed (no transliteration: a
//! note that spells a name differently keeps it), whole or word by word (words of three
//! letters or more, at word boundaries), and each run of erased text becomes
//! [`ERASED`]. The device does it in the withdrawal's transaction and the server again
//! for every contact and referral of the person it holds.

use super::{ContactDoc, PersonDoc, ReferralDoc};
use crate::domain::PersonRef;

/// What an erased name becomes in free text.
pub const ERASED: &str = "[…]";

/// Shortest word of a name erased on its own (shorter ones are particles: "il", "de").
const MIN_WORD_CHARS: usize = 3;

/// Every name of the person: aliases, and the alias each contact names them by.
pub fn names_of<'a>(
    person: Option<&'a PersonDoc>,
    contacts: impl IntoIterator<Item = &'a ContactDoc>,
) -> Vec<String> {
    let mut names: Vec<String> = person.map(|p| p.aliases.clone()).unwrap_or_default();
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
/// [`ERASED`].
pub fn scrub_names(text: &str, names: &[String]) -> String {
    let mut patterns: Vec<Vec<char>> = Vec::new();
    for name in names {
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
    if patterns.is_empty() || text.is_empty() {
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
    /// The person referred withdrew consent: none of their `names` in the outcome.
    pub fn erase_person(&mut self, names: &[String]) {
        self.outcome = scrub_names(&self.outcome, names);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
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
