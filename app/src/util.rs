//! Small browser helpers: randomness, time, formatting.

use strada_shared::ids::DocId;

/// Cryptographically random bytes from `crypto.getRandomValues`.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut buf);
    }
    buf
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

pub fn new_doc_id() -> DocId {
    DocId::new_v7(now_ms().max(0) as u64, random_bytes::<10>())
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

/// A short local date and time for lists.
pub fn format_local(ms: i64, lang: crate::i18n::Lang) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"dateStyle".into(), &"short".into());
    let _ = js_sys::Reflect::set(&opts, &"timeStyle".into(), &"short".into());
    d.to_locale_string(lang.code(), &opts).into()
}
