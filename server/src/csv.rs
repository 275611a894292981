//! CSV as the exports write it: RFC 4180 quoting, CRLF lines, and no cell a
//! spreadsheet would run as a formula.

/// What a spreadsheet may read as the start of a formula: `=`, `+`, `-`, `@`, their
/// full-width and other look-alike forms (a spreadsheet may normalise them), and a `|`
/// (DDE) — also after blanks, control or invisible characters, which spreadsheets skip
/// (found by the attacker: `\t=HYPERLINK(…)`, then ` =…`, `＝…` and a BOM before `=`
/// passed).
const FORMULA_STARTS: [char; 13] = [
    '=', '+', '-', '@', '|', '＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '−',
];

/// Whether a spreadsheet could run `value` as a formula.
fn formula_like(value: &str) -> bool {
    let skipped = value.trim_start_matches(|c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
    });
    skipped.starts_with(FORMULA_STARTS) && value.trim().parse::<f64>().is_err()
        || skipped.len() != value.len() && skipped.starts_with(FORMULA_STARTS)
}

/// One CSV field, quoted when it must be; a value a spreadsheet could run as a formula
/// ([`formula_like`]) is prefixed with `'` (a number such as `-5` stays as it is).
fn csv_field(out: &mut String, value: &str) {
    let guarded;
    let value = if formula_like(value) {
        guarded = format!("'{value}");
        guarded.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

pub(crate) fn csv_row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::csv_row;

    fn row(fields: &[&str]) -> String {
        let mut out = String::new();
        csv_row(&mut out, fields);
        out
    }

    #[test]
    fn no_cell_starts_as_a_formula() {
        assert_eq!(
            row(&["=1+1", "+cmd", "@SUM(A1)", "-x"]),
            "'=1+1,'+cmd,'@SUM(A1),'-x\r\n"
        );
        // A tab or a line break before the formula (a spreadsheet skips them).
        assert_eq!(
            row(&["\t=HYPERLINK(\"http://x/\")", "\r=1+1"]),
            "\"'\t=HYPERLINK(\"\"http://x/\"\")\",\"'\r=1+1\"\r\n"
        );
        // After blanks or invisible characters, in full width, DDE.
        assert_eq!(
            row(&[" =1+1", "\u{feff}=1", "＝1+1", "\u{a0}-x", "|cmd"]),
            "' =1+1,'\u{feff}=1,'＝1+1,'\u{a0}-x,'|cmd\r\n"
        );
        // Numbers stay numbers; plain text is left alone.
        assert_eq!(
            row(&["-5", "+3.5", "Karim", "a,b"]),
            "-5,+3.5,Karim,\"a,b\"\r\n"
        );
    }
}
