//! Small browser helpers: randomness, time, formatting.

use strada_shared::ids::DocId;

/// The browser gave no cryptographic randomness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the browser's random number generator is unavailable")]
pub struct NoRandomness;

/// Cryptographically random bytes from `crypto.getRandomValues`, or an error: keys,
/// salts, nonces and actor ids are never made without it (a buffer left as it was would
/// be all zeros).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut buf = [0u8; N];
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or(NoRandomness)?;
    crypto
        .get_random_values_with_u8_array(&mut buf)
        .map_err(|_| NoRandomness)?;
    Ok(buf)
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A new document id (UUIDv7). Ids are not secrets: without the browser's cryptography
/// (it never happens in a browser that can run the app) `Math.random` still keeps two
/// ids of the same millisecond apart.
pub fn new_doc_id() -> DocId {
    let bytes = random_bytes::<10>()
        .unwrap_or_else(|_| std::array::from_fn(|_| (js_sys::Math::random() * 256.0) as u8));
    DocId::new_v7(now_ms().max(0) as u64, bytes)
}

/// `YYYY-MM-DDTHH:MM` in the browser's local time, for `<input type="datetime-local">`.
pub fn to_local_input(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Parses the value of a `datetime-local` input (local time) into Unix ms.
pub fn from_local_input(s: &str) -> Option<i64> {
    if s.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(s)).get_time();
    if ms.is_nan() { None } else { Some(ms as i64) }
}

/// A short local date and time for lists: "26/11/2026, 14:05" in Italian (the year
/// whole, as [`day_label`] writes a day: a new user's walk saw both in one workspace),
/// "26 Nov 2026, 14:05" in English (see `format_short`). Written here rather than
/// with `Intl.DateTimeFormat`, whose first use loads the browser's locale data in one
/// main-thread task of ~25 ms, right when a page with thousands of records is drawn.
pub fn format_local(ms: i64, lang: crate::i18n::Lang) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format_short(
        lang,
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
    )
}

/// A calendar day (`YYYY-MM-DD`) as a page shows it: "24/06/2026" in Italian, "24 Jun
/// 2026" in English; anything else as it is.
pub fn day_label(day: &str, lang: crate::i18n::Lang) -> String {
    let mut parts = day.splitn(3, '-').map(|p| p.parse::<u32>());
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return day.to_string();
    };
    if !(1..=12).contains(&m) {
        return day.to_string();
    }
    match lang {
        crate::i18n::Lang::En => format!("{d} {} {y}", MONTHS_EN[(m - 1) as usize]),
        _ => format!("{d:02}/{m:02}/{y}"),
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn format_short(
    lang: crate::i18n::Lang,
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
) -> String {
    // Day first and 24 hours. English names the month: its readers are Italian offices'
    // staff and foreign colleagues, to whom "5/8/26" may be 5 August or May 8.
    match lang {
        crate::i18n::Lang::En => {
            let name = MONTHS_EN[(month.clamp(1, 12) - 1) as usize];
            format!("{day} {name} {year}, {hour:02}:{minute:02}")
        }
        _ => format!("{day:02}/{month:02}/{year:04}, {hour:02}:{minute:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::format_short;
    use crate::i18n::Lang;

    #[test]
    fn short_dates_read_as_each_language_writes_them() {
        assert_eq!(
            format_short(Lang::It, 2026, 11, 6, 9, 5),
            "06/11/2026, 09:05"
        );
        assert_eq!(
            format_short(Lang::En, 2026, 11, 6, 9, 5),
            "6 Nov 2026, 09:05"
        );
        assert_eq!(
            format_short(Lang::En, 2026, 1, 16, 23, 59),
            "16 Jan 2026, 23:59"
        );
        assert_eq!(
            format_short(Lang::It, 2000, 1, 1, 0, 0),
            "01/01/2000, 00:00"
        );
        assert_eq!(super::day_label("2026-06-24", Lang::It), "24/06/2026");
        assert_eq!(super::day_label("2026-06-24", Lang::En), "24 Jun 2026");
        assert_eq!(super::day_label("not a day", Lang::It), "not a day");
    }
}
