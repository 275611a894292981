//! CSV as the exports write it: RFC 4180 quoting, CRLF lines, and no cell a
//! spreadsheet would run as a formula.

/// What a spreadsheet may read as the start of a formula: `=`, `+`, `-`, `@`, and a tab
/// or a line break before one (found by the attacker: `\t=HYPERLINK(…)` passed).
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

/// One CSV field, quoted when it must be; a value starting as a formula may
/// ([`FORMULA_STARTS`]) is prefixed with `'` so a spreadsheet never runs it (a number
/// such as `-5` stays as it is).
fn csv_field(out: &mut String, value: &str) {
    let guarded;
    let value = if value.starts_with(FORMULA_STARTS) && value.parse::<f64>().is_err() {
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
        // Numbers stay numbers; plain text is left alone.
        assert_eq!(
            row(&["-5", "+3.5", "Karim", "a,b"]),
            "-5,+3.5,Karim,\"a,b\"\r\n"
        );
    }
}
