//! The file → its lines, numbered as an editor numbers them, each read on its own
//! ([`line::parse`]); a record given twice is refused on its second line.

use std::collections::{HashMap, HashSet};

use strada_shared::api::ImportLineError;

use crate::exchange::line::{self, Kind, Line};

/// The lines of a file, read one by one.
pub(super) struct Read {
    pub(super) lines: Vec<(usize, Line)>,
    pub(super) errors: Vec<ImportLineError>,
    /// Records of invalid lines, when their type and id read.
    pub(super) invalid: HashSet<(Kind, String)>,
}

/// Splits the file into lines (numbered from 1; a UTF-8 byte order mark, `\r\n` and
/// blank lines are fine) and reads each.
pub(super) fn read(file: &[u8], now_ms: i64) -> Read {
    let file = file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file);
    let mut out = Read {
        lines: Vec::new(),
        errors: Vec::new(),
        invalid: HashSet::new(),
    };
    let mut seen: HashMap<(Kind, String), usize> = HashMap::new();
    for (i, raw) in file.split(|b| *b == b'\n').enumerate() {
        let number = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let error = |field: &str, reason: String| super::line_error(number, field.into(), reason);
        let Ok(text) = std::str::from_utf8(raw) else {
            out.errors.push(error("", "not UTF-8 text".into()));
            continue;
        };
        match line::parse(text, now_ms) {
            Ok(l) => {
                let key = (l.kind(), l.id.clone());
                match seen.get(&key) {
                    Some(first) => out.errors.push(error(
                        "id",
                        format!("the same {} id is on line {first}", key.0.as_str()),
                    )),
                    None => {
                        seen.insert(key, number);
                        out.lines.push((number, l));
                    }
                }
            }
            Err(invalid) => {
                out.errors
                    .push(error(&invalid.error.field, invalid.error.reason));
                out.invalid.extend(invalid.key);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_as_in_the_file_whatever_their_endings_and_blanks() {
        let team = |id: &str| format!(r#"{{"type":"team","id":"{id}","name":"N"}}"#);
        let mut bytes = format!(
            "\u{FEFF}{}\r\n\n   \n{}\n{}\n",
            team("a"),
            team("b"),
            team("a")
        )
        .into_bytes();
        // Line 6: not UTF-8; line 7: a team without a name, no line break after it.
        bytes.extend_from_slice(b"\xFF\xFE\n{\"type\":\"team\",\"id\":\"c\"}");
        let read = read(&bytes, 1_767_225_600_000);
        let valid: Vec<(usize, &str)> = read
            .lines
            .iter()
            .map(|(n, l)| (*n, l.id.as_str()))
            .collect();
        assert_eq!(valid, vec![(1, "a"), (4, "b")]);
        let errors: Vec<(usize, &str, &str)> = read
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            errors,
            vec![
                (5, "id", "the same team id is on line 1"),
                (6, "", "not UTF-8 text"),
                (7, "name", "is missing"),
            ]
        );
        // The invalid team is known by its id: what names it is not reported again.
        assert!(read.invalid.contains(&(Kind::Team, "c".to_string())));
    }
}
