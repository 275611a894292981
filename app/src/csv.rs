//! CSV files as a spreadsheet set to Italian opens them. The server writes CSV as RFC
//! 4180 has it (commas, `.` in numbers): the format other programs read. An Italian
//! Excel splits columns on `;` (the comma is its decimal mark) and reads a file without
//! a byte order mark as Windows-1252, so every column landed in the first one and
//! accented letters came out garbled (found by a new user's walk). The workspace offers
//! the same file rewritten for it: `;` between fields, a UTF-8 byte order mark first.
//! Only the separator and the times change: a time (RFC 3339, `2026-12-05T09:10:00Z`)
//! is written as the local date and time Excel reads as one (`05/12/2026 10:10:00`);
//! every other value stays as the server wrote it (the guard a formula-like value
//! carries too).

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

/// The file as the browser's choice wants it: as written, or for Excel ([`for_excel`],
/// times on this browser's clock).
pub fn as_chosen(text: &str) -> String {
    if excel_chosen() {
        for_excel(text, &local_time)
    } else {
        text.to_string()
    }
}

/// An RFC 3339 time as a local `dd/mm/yyyy hh:mm:ss` (this browser's time zone); `None`
/// for anything else.
fn local_time(value: &str) -> Option<String> {
    if !looks_like_time(value) {
        return None;
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
    if d.get_time().is_nan() {
        return None;
    }
    Some(format!(
        "{:02}/{:02}/{:04} {:02}:{:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    ))
}

/// Whether a value has the shape of an RFC 3339 time (`YYYY-MM-DDTHH:MM…` and an offset).
pub(crate) fn looks_like_time(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 20
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && (value.ends_with('Z') || value.get(19..).is_some_and(|r| r.contains(['+', '-'])))
}

/// An RFC 4180 CSV (`,` between fields, `"` quoting, `""` for a quote within) rewritten
/// with `;` between fields, a field quoted when it holds `;`, a quote or a line break,
/// line ends kept as they were, a UTF-8 byte order mark first, and each value `time`
/// rewrites (an RFC 3339 time as a local one) rewritten.
pub fn for_excel(text: &str, time: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    out.push('\u{FEFF}');
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut started = false;
    let flush = |out: &mut String, field: &mut String| {
        if let Some(t) = time(field) {
            *field = t;
        }
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
    use super::{for_excel, looks_like_time};

    fn no_time(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn times_are_rewritten_and_nothing_else() {
        let csv = "id,occurred_at,note\r\n1,2026-12-05T09:10:00Z,2026-12-05\r\n";
        let local = |v: &str| looks_like_time(v).then(|| "05/12/2026 10:10:00".to_string());
        assert_eq!(
            for_excel(csv, &local),
            "\u{FEFF}id;occurred_at;note\r\n1;05/12/2026 10:10:00;2026-12-05\r\n"
        );
        assert!(looks_like_time("2026-12-05T09:10:00.123+01:00"));
        assert!(!looks_like_time("2026-12-05"));
        assert!(!looks_like_time("bergamo-1"));
        // Any text, without panicking (a value is whatever a record holds).
        // (`é` across byte 19: slicing there panicked.)
        assert!(!looks_like_time("2026-12-05T09:00:0é+01:00"));
    }

    #[test]
    fn fields_are_split_by_semicolons_and_quoted_only_when_they_must() {
        let csv = "id,team,note\r\n1,bergamo-1,\"a, b\"\r\n2,\"x;y\",\"say \"\"hi\"\"\"\r\n3,,\"two\nlines\"\r\n";
        assert_eq!(
            for_excel(csv, &no_time),
            "\u{FEFF}id;team;note\r\n1;bergamo-1;a, b\r\n2;\"x;y\";\"say \"\"hi\"\"\"\r\n3;;\"two\nlines\"\r\n"
        );
    }

    #[test]
    fn values_are_kept_as_written() {
        // A formula's guard, accents and scripts, a number with its point, empty fields.
        let csv = "a,b,c,d\r\n'=1+1,Caffè,محمد,0.5\r\n,,,\r\n";
        assert_eq!(
            for_excel(csv, &no_time),
            "\u{FEFF}a;b;c;d\r\n'=1+1;Caffè;محمد;0.5\r\n;;;\r\n"
        );
    }

    #[test]
    fn a_file_without_a_last_line_end_keeps_its_last_field() {
        assert_eq!(for_excel("a,b\r\n1,2", &no_time), "\u{FEFF}a;b\r\n1;2");
        assert_eq!(for_excel("", &no_time), "\u{FEFF}");
    }
}
