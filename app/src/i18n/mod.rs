//! The string catalogue. The strings are data: one file per language in `app/i18n/`
//! (`it.ftl`, the reference, `en.ftl`, `ar.ftl` …, a subset of Fluent described in
//! [`ftl`]), which `app/build.rs` turns into a [`Catalogue`] struct with one field per
//! message and one static per language. Pages read `ctx.lang.get().t().some_key`.
//!
//! - Plain messages are `&'static str`; messages with arguments or plural forms are
//!   [`Msg`] (`t().sign_out_confirm_pending.n(3)`), with the language's CLDR rule
//!   ([`plural`]); names of vocabulary items are [`Names`] tables keyed by the items'
//!   stable codes (`t().channel_name(c)`), never by position.
//! - Italian and English are complete (tested); another language may be partial, and
//!   what its file leaves out is shown in Italian, the reference.
//! - Arabic and Urdu (and the other right-to-left languages, [`Lang::rtl`]) set
//!   `dir="rtl"` on the page.

#[cfg(test)]
mod ftl;
// Rules are here for the users' languages before their catalogue files are.
#[allow(dead_code)]
pub mod plural;

use plural::Category;
use strada_shared::domain::{DocumentStatus, NeedCategory, Role};
use strada_shared::schema::{ReferralStatus, ValidationError};
use strada_shared::sync::RefusalCode;
use strada_shared::vocab::{Channel, Code, ConsentStatus, Gender, Indicator, Material, Sector};

include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

/// The ISO 639 codes of languages written right to left, among those the users speak
/// and their neighbours.
const RTL: [&str; 8] = ["ar", "ur", "fa", "ps", "he", "ckb", "sd", "ug"];

impl Lang {
    /// The language of a stored code; Italian for anything unknown.
    pub fn parse(s: &str) -> Lang {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == s)
            .unwrap_or_default()
    }

    /// Whether the language is written right to left (the page's `dir`).
    pub fn rtl(self) -> bool {
        is_rtl(self.code())
    }
}

fn is_rtl(code: &str) -> bool {
    RTL.contains(&code)
}

/// A message that takes arguments: `{$name}` placeholders, and perhaps one form per
/// plural category of `$n`. The default form is last.
#[derive(Clone, Copy)]
pub struct Msg {
    rule: fn(u64) -> Category,
    forms: &'static [(Category, &'static str)],
}

impl Msg {
    /// The form the count `n` takes (with `{$n}` still in it).
    fn form(&self, n: usize) -> &'static str {
        let category = (self.rule)(n as u64);
        let forms = self.forms;
        forms
            .iter()
            .find(|(c, _)| *c == category)
            .or(forms.last())
            .map_or("", |(_, text)| text)
    }

    /// The sentence for the count `n`.
    pub fn n(&self, n: usize) -> String {
        self.form(n).replace("{$n}", &n.to_string())
    }

    /// The sentence for the count `n`, split around the number, for pages that show the
    /// number as an element of its own. A form without the number is all before it.
    pub fn split_n(&self, n: usize) -> (&'static str, &'static str) {
        split_at(self.form(n), "n")
    }

    /// The default form (the only one of a message without plural forms).
    fn default_form(&self) -> &'static str {
        self.forms.last().map_or("", |(_, text)| text)
    }

    /// The message with `{$var}` set to `value`.
    pub fn with(&self, var: &str, value: &str) -> String {
        self.default_form().replace(&format!("{{${var}}}"), value)
    }

    /// The message with each `{$var}` set to its value (a message of several arguments).
    pub fn args(&self, args: &[(&str, &str)]) -> String {
        fill(self.default_form(), args)
    }

    /// The sentence for the count `n`, with each other `{$var}` set to its value.
    pub fn n_args(&self, n: usize, args: &[(&str, &str)]) -> String {
        fill(&self.n(n), args)
    }

    /// The message split around `{$var}`, for pages that show the value as an element.
    pub fn split(&self, var: &str) -> (&'static str, &'static str) {
        split_at(self.default_form(), var)
    }
}

/// `text` with each `{$var}` replaced once, in one pass: a value holding `{$other}` (a
/// name typed by a worker) is never read as a placeholder.
fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{$") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let var = &rest[start + 2..start + len];
        out.push_str(&rest[..start]);
        match args.iter().find(|(k, _)| *k == var) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[start..start + len + 1]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

fn split_at(text: &'static str, var: &str) -> (&'static str, &'static str) {
    let marker = format!("{{${var}}}");
    match text.find(&marker) {
        Some(i) => (&text[..i], &text[i + marker.len()..]),
        None => (text, ""),
    }
}

/// The names of a vocabulary's items, keyed by their stable codes.
#[derive(Clone, Copy)]
pub struct Names(&'static [(&'static str, &'static str)]);

impl Names {
    /// The name of the item with `code`; the code itself if the catalogue lacks it (the
    /// tests make sure it never does).
    pub fn get(&self, code: &'static str) -> &'static str {
        self.0
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(code, |(_, name)| name)
    }

    /// The name of the item with `code` read from data (the code itself if unknown).
    pub fn name_of(&self, code: &str) -> String {
        self.find(code)
            .map_or_else(|| code.to_string(), str::to_string)
    }

    /// The name of the item with `code`, if the catalogue has it (a code read from data).
    pub fn find(&self, code: &str) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, name)| *name)
    }
}

impl Catalogue {
    /// A language code's name in the interface's language (Arabo, Arabic), else its
    /// own name (العربية), else — an ISO 639 code the app does not list, from an import —
    /// the browser's name for it in the interface's language (`Intl.DisplayNames`:
    /// «Ungherese» for `hu`; a new user's check read «hu»), else the code as written.
    pub fn language_name(&self, code: &str) -> String {
        self.language_names
            .find(code)
            .or_else(|| strada_shared::domain::language_name(code))
            .map(str::to_string)
            .or_else(|| browser_language_name(self.lang(), code))
            .unwrap_or_else(|| code.to_string())
    }

    /// Language codes by their names in the interface's language, joined by `sep`.
    pub fn language_list(&self, codes: &[String], sep: &str) -> String {
        codes
            .iter()
            .map(|c| self.language_name(c))
            .collect::<Vec<_>>()
            .join(sep)
    }

    pub fn need(&self, n: NeedCategory) -> &'static str {
        self.need_names.get(n.code())
    }

    pub fn role_name(&self, r: Role) -> &'static str {
        self.role_names.get(r.as_str())
    }

    /// An import's reason for an invalid line in this language: the translation of the
    /// rule it reads back as ([`strada_shared::import_reasons`]), with its values (a
    /// record type or a referral's status by name); else as the server wrote it.
    pub fn import_reason(&self, text: &str) -> String {
        use strada_shared::import_reasons::{Reason, read};
        match read(text) {
            Some(Reason::Line(key, values)) => {
                let values: Vec<(&str, String)> = values
                    .into_iter()
                    .map(|(name, v)| match name {
                        "kind" => (name, self.xf_one_names.name_of(&v)),
                        "from" | "to" => (name, self.referral_status_names.name_of(&v)),
                        _ => (name, v),
                    })
                    .collect();
                let args: Vec<(&str, &str)> =
                    values.iter().map(|(n, v)| (*n, v.as_str())).collect();
                match self.xf_reason_names.find(key) {
                    Some(form) => fill(form, &args),
                    None => text.to_string(),
                }
            }
            Some(Reason::Schema(e)) => self.validation(&e).to_string(),
            Some(Reason::Refusal(code)) => self.refusal(code).to_string(),
            None => text.to_string(),
        }
    }

    pub fn refusal(&self, code: RefusalCode) -> &'static str {
        self.refusal_names.get(code.code())
    }

    pub fn channel_name(&self, c: Channel) -> &'static str {
        self.channel_names.get(c.code())
    }

    pub fn sector_name(&self, c: Sector) -> &'static str {
        self.sector_names.get(c.code())
    }

    pub fn indicator_name(&self, c: Indicator) -> &'static str {
        self.indicator_names.get(c.code())
    }

    pub fn material_name(&self, c: Material) -> &'static str {
        self.material_names.get(c.code())
    }

    pub fn consent_name(&self, c: ConsentStatus) -> &'static str {
        self.consent_names.get(c.code())
    }

    pub fn gender_name(&self, c: Gender) -> &'static str {
        self.gender_names.get(c.code())
    }

    pub fn documents_name(&self, d: DocumentStatus) -> &'static str {
        self.documents_names.get(d.code())
    }

    pub fn referral_status(&self, s: ReferralStatus) -> &'static str {
        self.referral_status_names.get(s.code())
    }

    /// The button that moves a referral to `s`.
    pub fn referral_action(&self, s: ReferralStatus) -> &'static str {
        self.referral_action_names.get(s.code())
    }

    pub fn validation(&self, e: &ValidationError) -> &'static str {
        match e {
            ValidationError::EmptyAlias => self.err_empty_alias,
            ValidationError::AliasTooLong => self.err_alias_too_long,
            ValidationError::NoNeeds => self.err_no_needs,
            ValidationError::DuplicateNeed => self.err_duplicate_need,
            ValidationError::NoteTooLong => self.err_note_too_long,
            ValidationError::PlaceOutOfRange => self.err_place,
            ValidationError::TimeOutOfRange => self.err_time,
            ValidationError::Partner => self.err_partner,
            ValidationError::ConsentRequired => self.err_consent_required,
            ValidationError::Group => self.err_group,
            ValidationError::ShortTextTooLong => self.err_short_text,
            ValidationError::NoAlias => self.err_no_alias,
            ValidationError::IdentifyingWithoutConsent => self.err_identifying,
            ValidationError::BirthYear => self.err_birth_year_range,
            ValidationError::AliasCharacters => self.err_alias_characters,
            ValidationError::CaseDate => self.err_case_date,
            ValidationError::OutcomeRequired => self.err_outcome_required,
            ValidationError::EligibilityIncomplete => self.err_eligibility,
            ValidationError::InterventionDate => self.err_intervention_date,
            ValidationError::AssessmentGrade => self.err_assessment_grade,
            ValidationError::CaseTextTooLong => self.err_case_text,
            ValidationError::JobOffer => self.err_job_offer,
            ValidationError::Rules => self.err_rules,
            ValidationError::TooManyLanguages => self.err_too_many_languages,
        }
    }
}

#[cfg(test)]
mod tests;

impl Catalogue {
    /// The language this catalogue is of.
    pub fn lang(&self) -> Lang {
        Lang::ALL
            .into_iter()
            .find(|l| std::ptr::eq(l.t(), self))
            .unwrap_or_default()
    }

    /// A person's country as the reader names it: a recorded ISO 3166-1 code by its name
    /// in this language (the browser's `Intl.DisplayNames`); anything else (a country
    /// typed as text by an older version of the app) as it is.
    pub fn country(&self, value: &str) -> String {
        country_names(self.lang())(value)
    }
}

/// The browser's name of an ISO 639 language code in `lang`, capitalised as the
/// catalogue's names are; `None` off the browser, for anything but two or three
/// lowercase letters, or a code the browser does not know.
fn browser_language_name(lang: Lang, code: &str) -> Option<String> {
    if !cfg!(target_arch = "wasm32")
        || !(2..=3).contains(&code.len())
        || !code.bytes().all(|b| b.is_ascii_lowercase())
    {
        return None;
    }
    let locales = js_sys::Array::of1(&lang.code().into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"language".into());
    let names = js_sys::Intl::DisplayNames::new(&locales, &options);
    let name = String::from(names.of(code)?);
    if name.is_empty() || name == code {
        return None;
    }
    let mut chars = name.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// Names countries in `lang`: see [`Catalogue::country`]. One `Intl.DisplayNames` for
/// many names (a list of every country).
pub fn country_names(lang: Lang) -> impl Fn(&str) -> String {
    let names = (cfg!(target_arch = "wasm32")).then(|| {
        let locales = js_sys::Array::of1(&lang.code().into());
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"type".into(), &"region".into());
        js_sys::Intl::DisplayNames::new(&locales, &options)
    });
    move |value: &str| {
        let value = value.trim();
        match &names {
            Some(n) if strada_shared::countries::is_country(value) => n
                .of(value)
                .map(String::from)
                .unwrap_or_else(|| value.to_string()),
            _ => value.to_string(),
        }
    }
}
