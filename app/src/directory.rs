//! The services directory on the device: fetched from `GET /api/directory` when online
//! (only when its version changed: `If-None-Match`), kept with `store::kv_set("directory")`
//! and loaded from there at start, so services can be ranked with no network.
//!
//! The directory lives in its own context ([`DirState`]), provided by the shell.

use std::cell::Cell;
use std::sync::Arc;

use gloo_net::http::Request;
use leptos::prelude::*;
use strada_shared::directory::{Directory, LocalTime, Requirement};
use strada_shared::domain::{DocumentStatus, NeedCategory, Place};

use crate::i18n::{Catalogue, Lang};
use crate::state::Ctx;
use crate::store;

/// The key under which the directory's JSON is kept on the device.
const KV_KEY: &str = "directory";
/// How often an open app asks the server whether the directory changed.
const CHECK_EVERY_MS: f64 = 15.0 * 60.0 * 1000.0;

#[derive(Clone, Copy)]
pub struct DirState {
    /// The directory on the device, if one was ever fetched.
    pub dir: RwSignal<Option<Arc<Directory>>>,
    /// The services page's filters, kept while the worker moves between pages.
    pub need: RwSignal<Option<NeedCategory>>,
    /// A language code, or empty for any.
    pub language: RwSignal<String>,
    pub documents: RwSignal<DocumentStatus>,
    pub open_now_only: RwSignal<bool>,
    pub place: RwSignal<Option<Place>>,
    pub locating: RwSignal<bool>,
}

thread_local! {
    static LAST_CHECK: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
    static FETCHING: Cell<bool> = const { Cell::new(false) };
}

/// Provides the context; the directory kept on the device is read after unlock
/// ([`load_from_device`]), since the device store is encrypted.
pub fn provide() -> DirState {
    let st = DirState {
        dir: RwSignal::new(None),
        need: RwSignal::new(None),
        language: RwSignal::new(String::new()),
        documents: RwSignal::new(DocumentStatus::Unknown),
        open_now_only: RwSignal::new(false),
        place: RwSignal::new(None),
        locating: RwSignal::new(false),
    };
    provide_context(st);
    st
}

/// Reads the directory kept on the device (once unlocked).
pub async fn load_from_device(st: DirState) {
    if let Ok(Some(json)) = store::kv_get(KV_KEY).await {
        // A directory kept on the device was valid when stored; if it no longer
        // parses (an older app), the next fetch replaces it.
        if let Ok(d) = Directory::from_json(&json) {
            // A fetch may have finished first with a newer version.
            if st.dir.get_untracked().is_none() {
                st.dir.set(Some(Arc::new(d)));
            }
        }
    }
}

pub fn use_directory() -> DirState {
    expect_context::<DirState>()
}

impl DirState {
    /// Asks the browser for the position ("near me"); without one, no distances.
    pub fn locate(self) {
        if self.locating.get_untracked() {
            return;
        }
        self.locating.set(true);
        leptos::task::spawn_local(async move {
            let p = crate::geo::current_position().await;
            self.place.set(p);
            self.locating.set(false);
        });
    }
}

/// Fetches the directory if it may have changed: at the first successful sync after
/// start or sign-in, then at most every 15 minutes. Offline, nothing happens.
pub async fn refresh_if_due(ctx: Ctx, st: DirState) {
    let Some(session) = ctx.session.get_untracked() else {
        return;
    };
    let now = js_sys::Date::now();
    if now - LAST_CHECK.with(Cell::get) < CHECK_EVERY_MS || FETCHING.with(|f| f.replace(true)) {
        return;
    }
    let ok = fetch(&session.token, st).await;
    FETCHING.with(|f| f.set(false));
    if ok {
        LAST_CHECK.with(|c| c.set(now));
    }
}

/// Asks the server for a newer version; `true` when it answered (200 or 304).
async fn fetch(token: &str, st: DirState) -> bool {
    let mut req =
        Request::get("/api/directory").header("Authorization", &format!("Bearer {token}"));
    if let Some(d) = st.dir.get_untracked() {
        req = req.header("If-None-Match", &format!("W/\"directory-{}\"", d.version));
    }
    let Ok(res) = req.send().await else {
        return false;
    };
    match res.status() {
        304 => true,
        200 => {
            let Ok(text) = res.text().await else {
                return false;
            };
            match Directory::from_json(&text) {
                // Kept first, shown after: what is shown is on the device. When it could
                // not be kept, it is asked for again at the next sync (not in 15 minutes).
                Ok(d) => {
                    let kept = store::kv_set(KV_KEY, &text).await.is_ok();
                    if kept {
                        st.dir.set(Some(Arc::new(d)));
                    }
                    kept
                }
                // An invalid directory is never stored; the old one stays.
                Err(_) => false,
            }
        }
        _ => false,
    }
}

/// The device's local time (weekday 1 = Monday).
pub fn local_now() -> LocalTime {
    let d = js_sys::Date::new_0();
    let day = d.get_day() as u8; // 0 = Sunday
    LocalTime {
        weekday: if day == 0 { 7 } else { day },
        minute_of_day: (d.get_hours() * 60 + d.get_minutes()) as u16,
    }
}

/// "850 m", "1,2 km" (Italian) or "1.2 km" (English), "35 km".
pub fn format_distance(m: f64, lang: Lang) -> String {
    if m < 1000.0 {
        return format!("{:.0} m", (m / 10.0).round() * 10.0);
    }
    let km = m / 1000.0;
    let s = if km < 10.0 {
        format!("{km:.1}")
    } else {
        format!("{km:.0}")
    };
    // A decimal point in English; a decimal comma in Italian and the others for now.
    match lang {
        Lang::En => format!("{s} km"),
        _ => format!("{} km", s.replace('.', ",")),
    }
}

impl Catalogue {
    pub fn requirement(&self, r: Requirement) -> &'static str {
        self.requirement_names.get(r.code())
    }

    /// A document situation as the services filter words it.
    pub fn document_status(&self, d: DocumentStatus) -> &'static str {
        self.svc_doc_names.get(d.code())
    }

    /// 1 = Monday … 7 = Sunday.
    pub fn weekday(&self, d: u8) -> &'static str {
        match d {
            1 => self.day_1,
            2 => self.day_2,
            3 => self.day_3,
            4 => self.day_4,
            5 => self.day_5,
            6 => self.day_6,
            _ => self.day_7,
        }
    }
}
