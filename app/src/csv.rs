//! CSV files as a spreadsheet set to Italian opens them. The server writes CSV as RFC
//! 4180 has it (commas, `.` in numbers): the format other programs read. An Italian
//! Excel splits columns on `;` (the comma is its decimal mark) and reads a file without
//! a byte order mark as Windows-1252, so every column landed in the first one and
//! accented letters came out garbled (found by a new user's walk). The workspace offers
//! the same file rewritten for it: `;` between fields, a UTF-8 byte order mark first.
//! Only the separator changes: every value stays as the server wrote it (the guard a
//! formula-like value carries too).

/// Where the choice is kept in this browser (not a secret: a preference).
pub const EXCEL_SETTING: &str = "strada-csv-excel";

/// Whether this browser's CSV files are written for a spreadsheet set to Italian.
pub fn excel_chosen() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(EXCEL_SETTING).ok().flatten())
        .is_some_and(|v| v == "1")
}

/// Remembers the choice in this browser.
pub fn choose_excel(excel: bool) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = if excel {
            s.set_item(EXCEL_SETTING, "1")
        } else {
            s.remove_item(EXCEL_SETTING)
        };
    }
}

/// The file as the browser's choice wants it: as written, or for Excel ([`for_excel`]).
pub fn as_chosen(text: &str) -> String {
    if excel_chosen() {
        for_excel(text)
    } else {
        text.to_string()
    }
}

/// An RFC 4180 CSV (`,` between fields, `"` quoting, `""` for a quote within) rewritten
/// with `;` between fields, a field quoted when it holds `;`, a quote or a line break,
/// line ends kept as they were, and a UTF-8 byte order mark first.
pub fn for_excel(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    out.push('\u{FEFF}');
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut started = false;
    let flush = |out: &mut String, field: &mut String| {
        if field.contains([';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
        field.clear();
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if !started => {
                quoted = true;
                started = true;
            }
            ',' => {
                flush(&mut out, &mut field);
                out.push(';');
                started = false;
            }
            '\r' | '\n' => {
                flush(&mut out, &mut field);
                out.push(c);
                started = false;
            }
            _ => {
                field.push(c);
                started = true;
            }
        }
    }
    if started || !field.is_empty() {
        flush(&mut out, &mut field);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::for_excel;

    #[test]
    fn fields_are_split_by_semicolons_and_quoted_only_when_they_must() {
        let csv = "id,team,note\r\n1,bergamo-1,\"a, b\"\r\n2,\"x;y\",\"say \"\"hi\"\"\"\r\n3,,\"two\nlines\"\r\n";
        assert_eq!(
            for_excel(csv),
            "\u{FEFF}id;team;note\r\n1;bergamo-1;a, b\r\n2;\"x;y\";\"say \"\"hi\"\"\"\r\n3;;\"two\nlines\"\r\n"
        );
    }

    #[test]
    fn values_are_kept_as_written() {
        // A formula's guard, accents and scripts, a number with its point, empty fields.
        let csv = "a,b,c,d\r\n'=1+1,Caffè,محمد,0.5\r\n,,,\r\n";
        assert_eq!(
            for_excel(csv),
            "\u{FEFF}a;b;c;d\r\n'=1+1;Caffè;محمد;0.5\r\n;;;\r\n"
        );
    }

    #[test]
    fn a_file_without_a_last_line_end_keeps_its_last_field() {
        assert_eq!(for_excel("a,b\r\n1,2"), "\u{FEFF}a;b\r\n1;2");
        assert_eq!(for_excel(""), "\u{FEFF}");
    }
}
