//! Serves the built PWA: precompressed assets when present, `index.html` for app routes,
//! long caching for content-hashed files and revalidation for the rest (`index.html`,
//! `sw.js`, the manifest), so a new release is picked up.

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::services::{ServeDir, ServeFile};

pub fn service(dist: PathBuf) -> Router {
    let serve = ServeDir::new(&dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(dist.join("index.html"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new()
        .fallback_service(serve)
        .layer(middleware::from_fn(cache_headers))
}

/// Trunk names built assets `name-<hash>.ext`, the hash a `u64` in hex without leading
/// zeros: 16 digits, 15 in one build of sixteen, fewer more rarely. Eight at least keeps
/// a name like `icon-192.png` apart (a hash that short comes once in four billion builds,
/// and is then served with revalidation: slower, never stale).
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, h)| {
        (8..=16).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

async fn cache_headers(req: Request<Body>, next: Next) -> Response {
    // A request target that is not a path (`GET 30`, authority form) is no file: the
    // file service would log an error for each (a flood of them fills the disk).
    if !req.uri().path().starts_with('/') {
        return (axum::http::StatusCode::BAD_REQUEST, "not a path").into_response();
    }
    let hashed = is_hashed(req.uri().path());
    let mut res = next.run(req).await;
    let value = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

#[cfg(test)]
mod tests {
    /// Found by the attacker: `GET 30 HTTP/1.1` (a target that is not a path) made the
    /// file service log an error for each request; now a plain 400.
    #[tokio::test]
    async fn a_target_that_is_not_a_path_is_a_bad_request() {
        use tower::ServiceExt;
        let dir = std::env::temp_dir().join(format!("strada-static-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        for (target, status) in [("30", 400), ("example.org:80", 400), ("/", 200)] {
            let req = axum::http::Request::builder()
                .uri(target)
                .body(axum::body::Body::empty())
                .unwrap();
            let res = super::service(dir.clone()).oneshot(req).await.unwrap();
            assert_eq!(res.status(), status, "{target}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(super::is_hashed("/strada-app-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(super::is_hashed("/strada-app-1a2b3c4d5e6f7a8b.js"));
        // A hash with a leading zero is written one digit shorter (a build of 4 Dec 2026).
        assert!(super::is_hashed("/strada-app-8a6d3cf8f7d7eb2_bg.wasm"));
        assert!(super::is_hashed("/strada-app-8a6d3cf8f7d7eb2.js"));
        assert!(!super::is_hashed("/icons/icon-192.png"));
        assert!(!super::is_hashed("/icons/icon-maskable-512.png"));
        assert!(!super::is_hashed("/strada-central_bg.wasm"));
        assert!(!super::is_hashed("/index.html"));
        assert!(!super::is_hashed("/sw.js"));
    }
}
