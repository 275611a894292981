//! The reasons an import of an exchange file gives for an invalid line (`EXCHANGE.md`
//! §1), read back into what the app translates. The server writes each reason in
//! English (the command line shows it as it is); the workspace shows the translation
//! of the pattern it matches, with the pattern's values (numbers, codes: never what a
//! line holds). A reason is one of:
//! - a line rule of the format ([`LINE_REASONS`], `{name}` marking a value);
//! - a rule of the documents' schema ([`ValidationError`]'s message);
//! - a refusal of the push path ([`RefusalCode::reason`]).
//!
//! The server checks, in its debug builds, that every reason it writes is one of these
//! ([`read`]); the app's tests that its catalogue names each line rule.

use crate::schema::ValidationError;
use crate::sync::RefusalCode;

/// The line rules: (key in the app's catalogue, the English reason with `{name}` for
/// each value).
pub const LINE_REASONS: &[(&str, &str)] = &[
    ("missing", "is missing"),
    (
        "missing_with_outcome",
        "is missing (required with `outcome`)",
    ),
    (
        "missing_with_closed",
        "is missing (required with `closed_at`)",
    ),
    (
        "missing_when_done",
        "is missing (required when the status is `done`)",
    ),
    (
        "missing_unless_pending",
        "is missing (required unless the decision is `pending`)",
    ),
    (
        "missing_people",
        "is missing (a group contact counts its people)",
    ),
    (
        "missing_person",
        "is missing (a contact with a person names them)",
    ),
    ("blank", "is blank"),
    ("empty", "must not be empty"),
    ("not_string", "must be a string"),
    ("not_object", "must be an object"),
    ("not_list", "must be a list"),
    ("not_number", "must be a number"),
    ("not_bool", "must be true or false"),
    ("whole_number", "must be a whole number from {min} to {max}"),
    ("number_range", "must be a number from -{limit} to {limit}"),
    ("too_long", "longer than {max} characters"),
    ("too_many", "holds more than {max} items"),
    ("too_many_languages", "holds more than {max} languages"),
    ("too_many_aliases", "holds more than {max} aliases"),
    ("listed_twice", "listed twice"),
    ("given_twice", "given twice"),
    ("key_twice", "a key is given twice"),
    (
        "hidden_characters",
        "holds a control character or a mark that reorders text, or shows nothing",
    ),
    ("unknown_field", "unknown field"),
    ("unknown_code", "not a known code"),
    ("unknown_code_of", "not a known code (one of: {codes})"),
    ("unknown_type", "not a known record type"),
    ("not_language", "not an ISO 639-1 language code"),
    ("not_country", "not an ISO 3166-1 alpha-2 country code"),
    ("not_date", "not a date YYYY-MM-DD (from 2000 to 2100)"),
    ("not_time", "not an RFC 3339 time with an offset"),
    ("not_json", "not valid JSON"),
    ("not_json_object", "not a JSON object"),
    ("not_utf8", "not UTF-8 text"),
    ("file_too_large", "the file is larger than {max} bytes"),
    ("before_2020", "before 2020"),
    ("before_from", "before `from`"),
    ("future", "in the future"),
    (
        "consent_future",
        "a consent cannot be recorded in the future",
    ),
    (
        "service_id",
        "is not a directory service id (1 to 64 letters, digits, '-', '_', '.' or ':')",
    ),
    (
        "service_or_partner",
        "a referral names `service` (a directory service id) or `partner` (an organisation)",
    ),
    ("need_required", "lists at least one need"),
    (
        "group_parts",
        "women and men together are more than the people",
    ),
    ("more_than_people", "more than the people"),
    ("only_when_done", "given only when the status is `done`"),
    ("only_person", "given only when `who` is `person`"),
    ("only_group", "given only when `who` is `group`"),
    ("lifecycle_plain", "does not follow the lifecycle"),
    (
        "lifecycle",
        "does not follow the lifecycle: {from} cannot move to {to}",
    ),
    (
        "referral_start",
        "a referral's history starts with `proposed`",
    ),
    (
        "before_proposed",
        "more than a day before the referral was proposed",
    ),
    (
        "referral_moves_fixed",
        "a referral's recorded moves cannot be changed or removed",
    ),
    (
        "referral_conflict",
        "the referral waits for a choice between moves made at the same time: choose in the app first",
    ),
    ("referral_person_fixed", "a referral's person cannot change"),
    ("referral_need_fixed", "a referral's need cannot change"),
    (
        "referral_contact_fixed",
        "a referral's contact cannot change",
    ),
    (
        "proposed_at_fixed",
        "when a referral was proposed cannot change",
    ),
    ("contact_person_fixed", "a contact's person cannot change"),
    ("case_person_fixed", "a case's person cannot change"),
    (
        "reviews_kept",
        "a case's recorded reviews cannot be removed",
    ),
    (
        "reviews_fixed",
        "a case's recorded reviews cannot be changed or removed",
    ),
    ("team_move", "a record cannot move to another team"),
    ("author_fixed", "the author of a record cannot change"),
    ("other_type", "names a record of another type"),
    ("names_nothing", "names no {kind} in the file or the store"),
    ("other_team", "names a {kind} of another team"),
    ("same_id", "the same {kind} id is on line {line}"),
    ("no_slug", "no free team slug for an external id"),
    (
        "without_consent",
        "a person whose consent is not given keeps no identifying data",
    ),
    (
        "alias_required",
        "a person whose consent is given has at least one alias",
    ),
    (
        "contact_without_consent",
        "a contact recorded without the person's consent cannot name a person",
    ),
    (
        "anonymous_without_consent",
        "kept anonymous, not linked to the person: the person's consent is not given",
    ),
    (
        "not_kept_without_consent",
        "not kept, with every identifying field of the line: the person's consent is not given",
    ),
    (
        "case_without_consent",
        "names a person whose consent is not given: a case is opened only with the person's consent",
    ),
    (
        "case_after_withdrawal",
        "after the person's consent was withdrawn: a case is opened only with the person's consent",
    ),
    ("dated_before_opening", "dated before the case was opened"),
    (
        "consent_only_withdrawn",
        "a consent once given can only be withdrawn (write withdrawn): the records made with it stay linked",
    ),
    (
        "withdrawal_final",
        "a withdrawal of consent is final: record the person again as a new person",
    ),
    (
        "changed_meanwhile",
        "the stored record changed meanwhile: import the file again",
    ),
    ("unreadable", "the stored record cannot be read"),
    (
        "set_aside",
        "the stored record cannot be read (it is set aside): import it again later",
    ),
    ("not_writable", "the record cannot be written as a document"),
];

/// What a reason is, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A line rule: its key in [`LINE_REASONS`] and its values by name.
    Line(&'static str, Vec<(&'static str, String)>),
    Schema(ValidationError),
    Refusal(RefusalCode),
}

/// The reason `text` is, if it is one Strada writes.
pub fn read(text: &str) -> Option<Reason> {
    if let Some(r) = LINE_REASONS
        .iter()
        .find_map(|(key, pattern)| values(pattern, text).map(|v| Reason::Line(key, v)))
    {
        return Some(r);
    }
    if let Some(e) = ValidationError::ALL.iter().find(|e| e.to_string() == text) {
        return Some(Reason::Schema(e.clone()));
    }
    RefusalCode::ALL
        .into_iter()
        .find(|c| c.reason() == text)
        .map(Reason::Refusal)
}

/// The values of `text` read with `pattern`, if it matches: each `{name}` stands for a
/// word of ASCII letters, digits and `_` (a number or a code) — `{codes}` for such
/// words joined by `, ` (the codes a field allows) — and is followed by the pattern's
/// next text or by its end.
fn values(pattern: &'static str, text: &str) -> Option<Vec<(&'static str, String)>> {
    let mut out = Vec::new();
    let (mut p, mut t) = (pattern, text);
    loop {
        let Some(open) = p.find('{') else {
            return (p == t).then_some(out);
        };
        t = t.strip_prefix(&p[..open])?;
        let close = open + p[open..].find('}')?;
        let name = &p[open + 1..close];
        p = &p[close + 1..];
        let next = &p[..p.find('{').unwrap_or(p.len())];
        let end = if next.is_empty() {
            t.len()
        } else {
            t.find(next)?
        };
        let value = &t[..end];
        let word =
            |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let fits = if name == "codes" {
            value.split(", ").all(word)
        } else {
            word(value)
        };
        if !fits {
            return None;
        }
        out.push((name, value.to_string()));
        t = &t[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_back_with_their_values() {
        assert_eq!(read("is missing"), Some(Reason::Line("missing", vec![])));
        assert_eq!(
            read("not a known code (one of: person, anonymous, group)"),
            Some(Reason::Line(
                "unknown_code_of",
                vec![("codes", "person, anonymous, group".into())]
            ))
        );
        // A list holds codes only.
        assert_eq!(read("not a known code (one of: a b, c)"), None);
        assert_eq!(
            read("longer than 120 characters"),
            Some(Reason::Line("too_long", vec![("max", "120".into())]))
        );
        assert_eq!(
            read("must be a number from -90 to 90"),
            Some(Reason::Line(
                "number_range",
                vec![("limit", "90".into()), ("limit", "90".into())]
            ))
        );
        assert_eq!(
            read("does not follow the lifecycle: proposed cannot move to closed"),
            Some(Reason::Line(
                "lifecycle",
                vec![("from", "proposed".into()), ("to", "closed".into())]
            ))
        );
        assert_eq!(
            read("names no job_offer in the file or the store"),
            Some(Reason::Line(
                "names_nothing",
                vec![("kind", "job_offer".into())]
            ))
        );
        assert_eq!(
            read(&ValidationError::NoAlias.to_string()),
            Some(Reason::Schema(ValidationError::NoAlias))
        );
        assert_eq!(
            read(RefusalCode::TeamMove.reason()),
            Some(Reason::Refusal(RefusalCode::TeamMove))
        );
    }

    #[test]
    fn a_value_is_a_word_never_free_text() {
        assert_eq!(read("longer than Mario Rossi characters"), None);
        assert_eq!(read("names no  in the file or the store"), None);
        assert_eq!(read("is missing!"), None);
        assert_eq!(read(""), None);
    }

    #[test]
    fn keys_and_patterns_are_unique_and_placeholders_closed() {
        let mut keys: Vec<_> = LINE_REASONS.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), LINE_REASONS.len());
        for (key, pattern) in LINE_REASONS {
            assert!(
                key.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
                "{key}"
            );
            assert_eq!(
                pattern.matches('{').count(),
                pattern.matches('}').count(),
                "{key}"
            );
        }
    }

    #[test]
    fn every_schema_rule_is_listed_once() {
        let mut messages: Vec<_> = ValidationError::ALL.iter().map(|e| e.to_string()).collect();
        messages.sort_unstable();
        messages.dedup();
        assert_eq!(messages.len(), ValidationError::ALL.len());
    }
}
