//! A strict subset of Project Fluent's syntax (FTL), the format of the catalogue files in
//! `app/i18n/`. Read by `app/build.rs` (which turns the files into Rust) and by the
//! catalogue's tests; it never ships in the WASM.
//!
//! What the subset accepts, one message per line:
//!
//! ```ftl
//! # a comment (also ## and ###)
//! key = Plain text, with a { $variable } and a { "literal" } placeable
//! key =
//!     { $n ->
//!         [one] One form, with { $n } or without it
//!        *[other] The default form, { $n }
//!     }
//! ```
//!
//! Keys are `[a-z][a-z0-9_]*`, or `group-code` for the name of a vocabulary item by its
//! stable code (`channel-itinerant_unit`). The only selector is `$n`, on the CLDR plural
//! categories (`zero`, `one`, `two`, `few`, `many`, `other`); one variant is the
//! default (`*`). Anything else Fluent allows (multi-line text, attributes, terms,
//! functions, other selectors) is an error with its line number, so nothing is silently
//! dropped. Placeables are normalised to `{$name}`; string literals become their text.

/// The CLDR plural categories, in CLDR's order.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// One message of a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// 1-based line of the key, for error messages.
    pub line: usize,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text with `{$name}` placeables (possibly none).
    Text(String),
    /// A choice on `$n`: (category, text) pairs, the default last.
    Plural(Vec<(String, String)>),
}

impl Value {
    /// The variables the message uses, sorted, without repeats.
    pub fn variables(&self) -> Vec<String> {
        let mut vars = Vec::new();
        let texts: Vec<&str> = match self {
            Value::Text(t) => vec![t],
            Value::Plural(forms) => {
                vars.push("n".to_string());
                forms.iter().map(|(_, t)| t.as_str()).collect()
            }
        };
        for t in texts {
            let mut rest = t;
            while let Some(start) = rest.find("{$") {
                let Some(end) = rest[start..].find('}') else {
                    break;
                };
                vars.push(rest[start + 2..start + end].to_string());
                rest = &rest[start + end..];
            }
        }
        vars.sort();
        vars.dedup();
        vars
    }
}

/// The group and the code of a vocabulary name (`channel-street`), if the key is one.
pub fn vocabulary_key(key: &str) -> Option<(&str, &str)> {
    key.split_once('-')
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_key(s: &str) -> bool {
    match vocabulary_key(s) {
        Some((group, code)) => is_identifier(group) && is_identifier(code),
        None => is_identifier(s),
    }
}

/// Reads a catalogue file; the error names the line.
pub fn parse(src: &str) -> Result<Vec<Entry>, String> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut lines = src.lines().enumerate().map(|(i, l)| (i + 1, l)).peekable();
    while let Some((line, text)) = lines.next() {
        let trimmed = text.trim();
        if trimmed.is_empty() || text.starts_with('#') {
            continue;
        }
        if text.starts_with(char::is_whitespace) {
            return Err(format!(
                "line {line}: indented text outside a choice (multi-line text is not supported: keep a message on one line)"
            ));
        }
        let Some((key, value)) = text.split_once('=') else {
            return Err(format!("line {line}: expected `key = value`"));
        };
        let key = key.trim();
        if !is_key(key) {
            return Err(format!(
                "line {line}: `{key}` is not a key (lowercase letters, digits, `_`; `group-code` for vocabulary names)"
            ));
        }
        if entries.iter().any(|e| e.key == key) {
            return Err(format!("line {line}: `{key}` is defined twice"));
        }
        let value = value.trim();
        let opening = if value.is_empty() {
            lines.next().map(|(_, l)| l.trim()).unwrap_or_default()
        } else {
            value
        };
        let value = if opening.replace(' ', "") == "{$n->" {
            parse_choice(line, &mut lines)?
        } else if value.is_empty() {
            return Err(format!(
                "line {line}: `{key}` has no text (the only multi-line form is a choice `{{ $n -> … }}`)"
            ));
        } else {
            Value::Text(parse_text(line, value)?)
        };
        entries.push(Entry {
            key: key.to_string(),
            line,
            value,
        });
    }
    Ok(entries)
}

fn parse_choice<'a>(
    line: usize,
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
) -> Result<Value, String> {
    let mut forms: Vec<(String, String)> = Vec::new();
    let mut default = None;
    for (l, text) in lines.by_ref() {
        let t = text.trim();
        if t == "}" {
            let Some(d) = default else {
                return Err(format!(
                    "line {l}: a choice needs a default variant (`*[other]`)"
                ));
            };
            // The default goes last: it is what any other category falls back to.
            let def = forms.remove(d);
            forms.push(def);
            return Ok(Value::Plural(forms));
        }
        let (is_default, rest) = match t.strip_prefix('*') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let Some((category, body)) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) else {
            return Err(format!(
                "line {l}: expected a variant `[category] text` or `}}`"
            ));
        };
        let category = category.trim();
        if !CATEGORIES.contains(&category) {
            return Err(format!(
                "line {l}: `{category}` is not a plural category ({})",
                CATEGORIES.join(", ")
            ));
        }
        if forms.iter().any(|(c, _)| c == category) {
            return Err(format!("line {l}: variant `{category}` twice"));
        }
        if is_default {
            if default.is_some() {
                return Err(format!("line {l}: two default variants"));
            }
            default = Some(forms.len());
        }
        forms.push((category.to_string(), parse_text(l, body.trim())?));
    }
    Err(format!("line {line}: the choice is not closed with `}}`"))
}

/// Checks the placeables of one line of text and normalises them.
fn parse_text(line: usize, text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err(format!("line {line}: empty text"));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(['{', '}']) {
        if rest[start..].starts_with('}') {
            return Err(format!("line {line}: `}}` without `{{`"));
        }
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(format!("line {line}: `{{` without `}}`"));
        };
        let inner = after[..end].trim();
        if let Some(var) = inner.strip_prefix('$') {
            if !is_identifier(var) {
                return Err(format!("line {line}: `{{ {inner} }}` is not a variable"));
            }
            out.push_str("{$");
            out.push_str(var);
            out.push('}');
        } else if let Some(lit) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            if lit.contains(['"', '\\']) {
                return Err(format!(
                    "line {line}: escapes in string literals are not supported"
                ));
            }
            out.push_str(lit);
        } else {
            return Err(format!(
                "line {line}: `{{ {inner} }}`: only variables `{{ $name }}` and literals `{{ \"text\" }}` are supported"
            ));
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
