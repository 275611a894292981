//! The engine bundle (`strada-engine`): the document engine of the field bundle (see
//! the library's note and `engine`), imported by the page's loader at the first call.

use wasm_bindgen::prelude::wasm_bindgen;

/// Serves one call (JSON) with the page's data key (zeroed by the page right after).
#[wasm_bindgen]
pub async fn engine_call(key: Option<Vec<u8>>, req: String) -> String {
    strada_app::engine::serve_remote(key, req).await
}

/// Where the engine's events go: a function of the page.
#[wasm_bindgen]
pub fn engine_listen(f: js_sys::Function) {
    strada_app::engine_listen(f);
}

fn main() {
    strada_app::start_engine();
}
