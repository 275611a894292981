//! The browser's Geolocation API as a future.

use strada_shared::domain::Place;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The current position, or `None` when unavailable, refused or too slow.
pub async fn current_position() -> Option<Place> {
    let geo = web_sys::window()?.navigator().geolocation().ok()?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |pos: web_sys::Position| {
            let _ = resolve.call1(&JsValue::NULL, &pos);
        });
        let err = Closure::once_into_js(move |e: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        let opts = web_sys::PositionOptions::new();
        opts.set_enable_high_accuracy(true);
        opts.set_timeout(15_000);
        opts.set_maximum_age(60_000);
        let _ = geo.get_current_position_with_error_callback_and_options(
            ok.unchecked_ref(),
            Some(err.unchecked_ref()),
            &opts,
        );
    });
    // Chromium names the class `GeolocationPosition`; web-sys binds the old `Position`
    // name, so cast without an `instanceof` check.
    let pos: web_sys::Position = JsFuture::from(promise).await.ok()?.unchecked_into();
    let c = pos.coords();
    Some(Place {
        lat: c.latitude(),
        lon: c.longitude(),
        accuracy_m: Some(c.accuracy()),
    })
}
