//! Reading the fields of a line's objects: each value checked for its type, and every
//! failure reported with the field's path and a reason, never with its value.

use chrono::DateTime;
use serde_json::{Map, Value};
use strada_shared::schema::ReferralStatus;
use strada_shared::schema::case::valid_date;
use strada_shared::schema::referral::is_service_id;
use strada_shared::vocab::Code;

use super::{Checked, FieldError, too_long};

/// The most items a set of free names (a consent's partners) holds in a line.
pub const MAX_SET_ITEMS: usize = 64;

/// The reason for a code not among `allowed`: which codes are (codes of the format,
/// never what the line held).
pub(super) fn not_known<'c>(allowed: impl IntoIterator<Item = &'c str>) -> String {
    let codes: Vec<&str> = allowed.into_iter().collect();
    format!("not a known code (one of: {})", codes.join(", "))
}

/// An object of the line, with the path its fields are reported under.
pub(super) struct Obj<'a> {
    pub(super) map: &'a Map<String, Value>,
    /// The prefix of its fields' paths: empty, or `consent.`, `history[2].`.
    pub(super) at: String,
}

impl<'a> Obj<'a> {
    pub(super) fn root(map: &'a Map<String, Value>) -> Obj<'a> {
        Obj {
            map,
            at: String::new(),
        }
    }

    pub(super) fn err(&self, key: &str, reason: impl Into<String>) -> FieldError {
        FieldError::new(format!("{}{key}", self.at), reason)
    }

    /// Refuses the first field (in name order) that is not in `allowed`. The field's
    /// name is reported when it looks like one (`super::reported_key`: a key may be
    /// data typed in the wrong place); what it holds is not.
    pub(super) fn only(&self, allowed: &[&str]) -> Checked<()> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(self.err(super::reported_key(k), "unknown field")),
            None => Ok(()),
        }
    }

    /// The field's value; `null` counts as absent.
    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(super) fn string(&self, key: &str, max: usize) -> Checked<String> {
        self.opt_string(key, max)?
            .ok_or_else(|| self.err(key, "is missing"))
    }

    /// An optional string: absent, `null` and `""` are none.
    pub(super) fn opt_string(&self, key: &str, max: usize) -> Checked<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Err(self.err(key, "is blank")),
            Some(Value::String(s)) if s.chars().count() > max => Err(self.err(key, too_long(max))),
            // Free text as the app keeps it (see `strada_shared::text`: the nineteenth
            // probe imported a note of NUL, ESC and a right-to-left override).
            Some(Value::String(s)) if !strada_shared::text::is_clean(s) => Err(self.err(
                key,
                "holds a control character or a mark that reorders text, or shows nothing",
            )),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(key, "must be a string")),
        }
    }

    /// An optional name shown on pages and in files (a user's, an employer's): no
    /// control character nor a mark that reorders text (the attacker's fourteenth probe:
    /// an author of NUL, TAB and "=1+1" reached the dashboard and the workload CSV).
    pub(super) fn opt_name(&self, key: &str, max: usize) -> Checked<Option<String>> {
        let name = self.opt_string(key, max)?;
        if let Some(n) = &name
            && strada_shared::schema::contact::check_name(n).is_err()
        {
            return Err(self.err(
                key,
                "holds a control character or a mark that reorders text, or shows nothing",
            ));
        }
        Ok(name)
    }

    /// An optional directory service id: an id's shape only
    /// ([`strada_shared::schema::referral::is_service_id`]), never a text.
    pub(super) fn service(&self, key: &str) -> Checked<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) if is_service_id(s) => Ok(Some(s.clone())),
            Some(Value::String(_)) => Err(self.err(
                key,
                "is not a directory service id (1 to 64 letters, digits, '-', '_', '.' or ':')",
            )),
            Some(_) => Err(self.err(key, "must be a string")),
        }
    }

    pub(super) fn code<T: Code>(&self, key: &str) -> Checked<T> {
        self.opt_code(key)?
            .ok_or_else(|| self.err(key, "is missing"))
    }

    pub(super) fn opt_code<T: Code>(&self, key: &str) -> Checked<Option<T>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => T::from_code(s)
                .map(Some)
                .ok_or_else(|| self.err(key, not_known(T::ALL.iter().map(|c| c.code())))),
            Some(_) => Err(self.err(key, "must be a string")),
        }
    }

    pub(super) fn status(&self, key: &str) -> Checked<ReferralStatus> {
        match self.get(key) {
            None => Err(self.err(key, "is missing")),
            Some(Value::String(s)) => ReferralStatus::ALL
                .into_iter()
                .find(|r| r.code() == s)
                .ok_or_else(|| self.err(key, not_known(ReferralStatus::ALL.map(|r| r.code())))),
            Some(_) => Err(self.err(key, "must be a string")),
        }
    }

    /// An RFC 3339 time with its offset, as Unix ms.
    pub(super) fn time(&self, key: &str) -> Checked<i64> {
        match self.get(key) {
            None => Err(self.err(key, "is missing")),
            Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
                .map(|t| t.timestamp_millis())
                .map_err(|_| self.err(key, "not an RFC 3339 time with an offset")),
            Some(_) => Err(self.err(key, "must be a string")),
        }
    }

    /// A date `YYYY-MM-DD` (from 2000 to 2100).
    pub(super) fn date(&self, key: &str) -> Checked<String> {
        self.opt_date(key)?
            .ok_or_else(|| self.err(key, "is missing"))
    }

    /// An optional date `YYYY-MM-DD` (from 2000 to 2100).
    pub(super) fn opt_date(&self, key: &str) -> Checked<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if valid_date(s) => Ok(Some(s.clone())),
            Some(Value::String(_)) => {
                Err(self.err(key, "not a date YYYY-MM-DD (from 2000 to 2100)"))
            }
            Some(_) => Err(self.err(key, "must be a string")),
        }
    }

    pub(super) fn opt_bool(&self, key: &str) -> Checked<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.err(key, "must be true or false")),
        }
    }

    pub(super) fn opt_int(&self, key: &str, min: i64, max: i64) -> Checked<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(v) if (min..=max).contains(&v) => Ok(Some(v)),
                _ => Err(self.err(key, format!("must be a whole number from {min} to {max}"))),
            },
            Some(_) => Err(self.err(key, "must be a number")),
        }
    }

    /// A required number within `-limit..=limit` (degrees).
    pub(super) fn number(&self, key: &str, limit: f64) -> Checked<f64> {
        match self.get(key) {
            None => Err(self.err(key, "is missing")),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(v) if v.is_finite() && (-limit..=limit).contains(&v) => Ok(v),
                _ => Err(self.err(key, format!("must be a number from -{limit} to {limit}"))),
            },
            Some(_) => Err(self.err(key, "must be a number")),
        }
    }

    pub(super) fn list(&self, key: &str) -> Checked<Option<&'a Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(self.err(key, "must be a list")),
        }
    }

    /// A nested object, its fields checked against `allowed`.
    pub(super) fn object(&self, key: &str, allowed: &[&str]) -> Checked<Option<Obj<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => {
                let o = Obj {
                    map,
                    at: format!("{}{key}.", self.at),
                };
                o.only(allowed)?;
                Ok(Some(o))
            }
            Some(_) => Err(self.err(key, "must be an object")),
        }
    }

    /// A list of objects, each with its fields checked against `allowed` and its path
    /// (`interventions[2].`); at most `max` of them.
    pub(super) fn object_list(
        &self,
        key: &str,
        allowed: &[&str],
        max: usize,
    ) -> Checked<Option<Vec<Obj<'a>>>> {
        let Some(list) = self.list(key)? else {
            return Ok(None);
        };
        if list.len() > max {
            return Err(self.err(key, format!("holds more than {max} items")));
        }
        let mut out = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            let at = format!("{}{key}[{i}]", self.at);
            let Value::Object(map) = v else {
                return Err(FieldError::new(at, "must be an object"));
            };
            let o = Obj {
                map,
                at: format!("{at}."),
            };
            o.only(allowed)?;
            out.push(o);
        }
        Ok(Some(out))
    }

    /// A list of codes read by `read` (which gives none for an unknown one: `unknown`
    /// is then the reason), each listed once; sorted.
    pub(super) fn code_list<T: Ord + PartialEq>(
        &self,
        key: &str,
        read: impl Fn(&str) -> Option<T>,
        unknown: &str,
    ) -> Checked<Vec<T>> {
        let Some(list) = self.list(key)? else {
            return Ok(Vec::new());
        };
        let mut out: Vec<T> = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            let field = format!("{}{key}[{i}]", self.at);
            let Value::String(s) = v else {
                return Err(FieldError::new(field, "must be a string"));
            };
            let code = read(s).ok_or_else(|| FieldError::new(&field, unknown))?;
            if out.contains(&code) {
                return Err(FieldError::new(field, "listed twice"));
            }
            out.push(code);
        }
        out.sort();
        Ok(out)
    }

    /// A list of free strings (organisation names), each listed once; sorted.
    pub(super) fn string_set(&self, key: &str, max: usize) -> Checked<Vec<String>> {
        let Some(list) = self.list(key)? else {
            return Ok(Vec::new());
        };
        // Bounded, and each item checked against the others in a set (a list of 600,000
        // partners took minutes, compared pairwise).
        if list.len() > MAX_SET_ITEMS {
            return Err(self.err(key, format!("holds more than {MAX_SET_ITEMS} items")));
        }
        let mut out: Vec<String> = Vec::with_capacity(list.len());
        let mut seen = std::collections::HashSet::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            let field = format!("{}{key}[{i}]", self.at);
            match v {
                Value::String(s) if s.trim().is_empty() => {
                    return Err(FieldError::new(field, "must not be empty"));
                }
                Value::String(s) if s.chars().count() > max => {
                    return Err(FieldError::new(field, too_long(max)));
                }
                Value::String(s) if !seen.insert(s.as_str()) => {
                    return Err(FieldError::new(field, "listed twice"));
                }
                Value::String(s) => out.push(s.clone()),
                _ => return Err(FieldError::new(field, "must be a string")),
            }
        }
        out.sort();
        Ok(out)
    }
}
