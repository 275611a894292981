//! Turns the catalogue files `app/i18n/<code>.ftl` into Rust (`$OUT_DIR/catalogue.rs`,
//! included by `src/i18n/mod.rs`): a `Lang` enum with one variant per file, a
//! `Catalogue` struct with one field per message of the reference file (`it.ftl`), and
//! one static per language. Strings stay data, no parser ships in the WASM, and a lookup
//! is a field read.
//!
//! - A message without arguments becomes `&'static str`; one with `{ $var }` or a plural
//!   choice becomes a `Msg`; the names of a vocabulary (`channel-street`, …) become one
//!   `Names` table per group (`channel_names`), keyed by the stable codes.
//! - A file may leave messages out: they are taken from the reference (Italian), so a
//!   language can start partial. `tests` in `src/i18n/mod.rs` require Italian and English
//!   to be complete.
//! - The build fails, naming the file and line, on a syntax error, a key the reference
//!   does not have (a typo would be lost), a file without `lang_name`, or a message that
//!   takes arguments in a translation but not in the reference.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

#[path = "src/i18n/ftl.rs"]
#[allow(dead_code)]
mod ftl;

use ftl::{Entry, Value};

const REFERENCE: &str = "it";

fn main() {
    println!("cargo:rerun-if-changed=i18n");
    println!("cargo:rerun-if-changed=src/i18n/ftl.rs");
    // Read at run time: a build script binary reused from another checkout of the same
    // sources would otherwise read that checkout's files.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("i18n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalogue.rs");
    match generate(&dir) {
        Ok(code) => std::fs::write(&out, code).expect("write catalogue.rs"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

struct Language {
    code: String,
    path: String,
    entries: Vec<Entry>,
}

fn variant(code: &str) -> String {
    let mut c = code.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase())
        .into_iter()
        .chain(c)
        .collect()
}

fn generate(dir: &Path) -> Result<String, String> {
    let mut langs = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    paths.sort();
    for path in paths {
        let code = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !(2..=3).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(format!(
                "{}: a catalogue file is named by its ISO 639 code (`ar.ftl`)",
                path.display()
            ));
        }
        let src = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let entries = ftl::parse(&src).map_err(|e| format!("{}: {e}", path.display()))?;
        if !entries.iter().any(|e| e.key == "lang_name") {
            return Err(format!(
                "{}: `lang_name` (the language's own name) is missing",
                path.display()
            ));
        }
        langs.push(Language {
            code,
            path: path.display().to_string(),
            entries,
        });
    }
    // The reference first, then English, then the others by code: the switch's order.
    langs.sort_by_key(|l| (l.code != REFERENCE, l.code != "en", l.code.clone()));
    let Some(reference) = langs.first().filter(|l| l.code == REFERENCE) else {
        return Err(format!("{}: {REFERENCE}.ftl is missing", dir.display()));
    };

    // Fields, in the reference's order; vocabulary names grouped per vocabulary.
    enum Field<'a> {
        Text(&'a str),
        Msg(&'a str),
        Names(&'a str, Vec<&'a str>),
    }
    let mut fields: Vec<Field> = Vec::new();
    for e in &reference.entries {
        match ftl::vocabulary_key(&e.key) {
            Some((group, code)) => {
                match fields
                    .iter_mut()
                    .find(|f| matches!(f, Field::Names(g, _) if *g == group))
                {
                    Some(Field::Names(_, codes)) => codes.push(code),
                    _ => fields.push(Field::Names(group, vec![code])),
                }
            }
            None if !e.value.variables().is_empty() => fields.push(Field::Msg(&e.key)),
            None => fields.push(Field::Text(&e.key)),
        }
    }
    let reference_map: BTreeMap<&str, &Entry> = reference
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e))
        .collect();
    for l in &langs {
        for e in &l.entries {
            let Some(r) = reference_map.get(e.key.as_str()) else {
                return Err(format!(
                    "{}: line {}: `{}` is not in {REFERENCE}.ftl",
                    l.path, e.line, e.key
                ));
            };
            let (vars, known) = (e.value.variables(), r.value.variables());
            if let Some(v) = vars.iter().find(|v| !known.contains(v)) {
                return Err(format!(
                    "{}: line {}: `{}` uses `{{ ${v} }}`, which {REFERENCE}.ftl does not pass",
                    l.path, e.line, e.key
                ));
            }
        }
    }

    let mut o = String::new();
    o.push_str("// Generated by app/build.rs from app/i18n/*.ftl: edit those files.\n\n");
    o.push_str(
        "/// The languages of the catalogue (`app/i18n/<code>.ftl`), the reference first.\n",
    );
    o.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]\npub enum Lang {\n");
    for (i, l) in langs.iter().enumerate() {
        if i == 0 {
            o.push_str("    #[default]\n");
        }
        let _ = writeln!(o, "    {},", variant(&l.code));
    }
    o.push_str("}\n\nimpl Lang {\n");
    let _ = writeln!(o, "    pub const ALL: [Lang; {}] = [", langs.len());
    for l in &langs {
        let _ = writeln!(o, "        Lang::{},", variant(&l.code));
    }
    o.push_str(
        "    ];\n\n    /// The ISO 639 code (the catalogue file's name, the `lang` attribute).\n",
    );
    o.push_str("    pub fn code(self) -> &'static str {\n        match self {\n");
    for l in &langs {
        let _ = writeln!(o, "            Lang::{} => {:?},", variant(&l.code), l.code);
    }
    o.push_str(
        "        }\n    }\n\n    pub fn t(self) -> &'static Catalogue {\n        match self {\n",
    );
    for l in &langs {
        let _ = writeln!(
            o,
            "            Lang::{} => &{},",
            variant(&l.code),
            l.code.to_uppercase()
        );
    }
    o.push_str("        }\n    }\n\n");
    o.push_str(
        "    /// Whether the language's file has every message (else the missing ones show in\n    /// the reference language).\n",
    );
    o.push_str("    pub fn complete(self) -> bool {\n        match self {\n");
    for l in &langs {
        let keys: std::collections::BTreeSet<&str> =
            l.entries.iter().map(|e| e.key.as_str()).collect();
        let complete = reference
            .entries
            .iter()
            .all(|e| keys.contains(e.key.as_str()));
        let _ = writeln!(o, "            Lang::{} => {complete},", variant(&l.code));
    }
    o.push_str("        }\n    }\n\n    /// The language's CLDR plural rule.\n");
    o.push_str("    #[cfg(test)]\n    pub fn plural_rule(self) -> fn(u64) -> Category {\n        match self {\n");
    for l in &langs {
        let _ = writeln!(
            o,
            "            Lang::{} => plural::{},",
            variant(&l.code),
            l.code
        );
    }
    o.push_str("        }\n    }\n}\n\n");

    o.push_str(
        "/// Every message, one field per key of the reference file.\npub struct Catalogue {\n",
    );
    for f in &fields {
        match f {
            Field::Text(k) => {
                let _ = writeln!(o, "    pub {k}: &'static str,");
            }
            Field::Msg(k) => {
                let _ = writeln!(o, "    pub {k}: Msg,");
            }
            Field::Names(g, _) => {
                let _ = writeln!(o, "    pub {g}_names: Names,");
            }
        }
    }
    o.push_str("}\n");

    for l in &langs {
        let own: BTreeMap<&str, &Entry> = l.entries.iter().map(|e| (e.key.as_str(), e)).collect();
        // A message the file leaves out is the reference's, with the reference's rule.
        let pick = |key: &str| -> (&Entry, &str) {
            match own.get(key) {
                Some(e) => (e, l.code.as_str()),
                None => (reference_map[key], REFERENCE),
            }
        };
        let _ = writeln!(
            o,
            "\npub static {}: Catalogue = Catalogue {{",
            l.code.to_uppercase()
        );
        for f in &fields {
            match f {
                Field::Text(k) => {
                    let (e, _) = pick(k);
                    let Value::Text(t) = &e.value else {
                        unreachable!("a plain message has text")
                    };
                    let _ = writeln!(o, "    {k}: {t:?},");
                }
                Field::Msg(k) => {
                    let (e, rule) = pick(k);
                    let forms: Vec<(String, &str)> = match &e.value {
                        Value::Text(t) => vec![("Other".to_string(), t.as_str())],
                        Value::Plural(forms) => forms
                            .iter()
                            .map(|(c, t)| (variant(c), t.as_str()))
                            .collect(),
                    };
                    let _ = write!(o, "    {k}: Msg {{ rule: plural::{rule}, forms: &[");
                    for (c, t) in forms {
                        let _ = write!(o, "(Category::{c}, {t:?}), ");
                    }
                    o.push_str("] },\n");
                }
                Field::Names(g, codes) => {
                    let _ = write!(o, "    {g}_names: Names(&[");
                    for c in codes {
                        let (e, _) = pick(&format!("{g}-{c}"));
                        let Value::Text(t) = &e.value else {
                            unreachable!("a vocabulary name is plain text")
                        };
                        let _ = write!(o, "({c:?}, {t:?}), ");
                    }
                    o.push_str("]),\n");
                }
            }
        }
        o.push_str("};\n");
    }

    // The files themselves, for the tests (never in the WASM).
    o.push_str("\n/// Each language's file, for the tests.\n#[cfg(test)]\npub const SOURCES: [(Lang, &str); ");
    let _ = writeln!(o, "{}] = [", langs.len());
    for l in &langs {
        let _ = writeln!(
            o,
            "    (Lang::{}, include_str!({:?})),",
            variant(&l.code),
            l.path
        );
    }
    o.push_str("];\n");
    Ok(o)
}
