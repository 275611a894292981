//! Security headers (issue 9 §5): a strict Content-Security-Policy whose hashes are those
//! of the served page's inline scripts and styles, no framing, geolocation only, a
//! separate browsing-context group.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use strada_server::testing::TestServer;

/// A page shaped like Trunk's build of `app/index.html`: inline CSS, a classic inline
/// script, the module loader, an external module preload.
const INDEX: &str = "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\">\
<link rel=\"modulepreload\" href=\"/strada-app-0123456789abcdef.js\" crossorigin=\"anonymous\">\
<style>body{margin:0;font-family:system-ui}</style>\
<script>\n  if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js'); }\n</script>\
<script type=\"module\">\nimport init from '/strada-app-0123456789abcdef.js';\nawait init({ module_or_path: '/strada-app-0123456789abcdef_bg.wasm' });\n</script>\
</head><body><main id=\"shell\">Caricamento…</main></body></html>";

fn sha256(s: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
    )
}

/// The inline elements of `html` named `tag`, as written (a test-side reading, independent
/// of the server's).
fn inline(html: &str, tag: &str) -> Vec<String> {
    html.split(&format!("<{tag}"))
        .skip(1)
        .filter_map(|part| {
            let (attrs, rest) = part.split_once('>')?;
            if attrs.contains("src=") {
                return None;
            }
            Some(rest.split(&format!("</{tag}>")).next()?.to_string())
        })
        .collect()
}

#[tokio::test]
async fn the_page_and_the_api_carry_a_strict_policy_with_the_inline_scripts_hashes() {
    let dist = std::env::temp_dir().join(format!("strada-dist-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX).unwrap();
    let s = TestServer::start_with(strada_server::Served {
        dist: Some(dist.clone()),
        ..Default::default()
    })
    .await;
    let page = reqwest::get(s.url("/")).await.unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let served = page.text().await.unwrap();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let scripts = inline(&served, "script");
    let styles = inline(&served, "style");
    assert_eq!((scripts.len(), styles.len()), (2, 1));
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .expect("a script-src");
    let mut want = vec!["script-src".to_string(), "'self'".to_string()];
    want.extend(scripts.iter().map(|s| sha256(s)));
    want.push("'wasm-unsafe-eval'".into());
    assert_eq!(script_src.split(' ').collect::<Vec<_>>(), want);
    assert!(
        csp.contains(&format!("style-src 'self' {};", sha256(&styles[0]))),
        "{csp}"
    );
    for directive in [
        "default-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    assert_eq!(headers["cross-origin-opener-policy"], "same-origin");
    assert_eq!(headers["x-frame-options"], "DENY");
    let permissions = headers["permissions-policy"].to_str().unwrap();
    assert!(permissions.contains("geolocation=(self)"), "{permissions}");
    assert!(permissions.contains("camera=()") && permissions.contains("microphone=()"));
    // App routes (index.html as the fallback) carry the same headers.
    let res = reqwest::get(s.url("/persone")).await.unwrap();
    assert_eq!(res.headers()["content-security-policy"], csp.as_str());
    assert_eq!(res.headers()["cross-origin-opener-policy"], "same-origin");
    // The API answers data: nothing runs, loads or frames from it, and it carries no
    // page-level headers (they would cost every sync round trip).
    let res = reqwest::get(s.url("/api/health")).await.unwrap();
    let h = res.headers();
    assert_eq!(
        h["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cross-origin-resource-policy"], "same-origin");
    assert!(h.get("permissions-policy").is_none());
    // A release replaces the page under the running server: the policy follows it.
    let next = INDEX.replace("register('/sw.js')", "register('/sw.js', { scope: '/' })");
    std::fs::write(dist.join("index.html"), &next).unwrap();
    let res = reqwest::get(s.url("/")).await.unwrap();
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for script in inline(&next, "script") {
        assert!(csp.contains(&sha256(&script)), "{csp}");
    }
    assert!(
        !csp.contains(&sha256(&scripts[0])),
        "the old hash is gone: {csp}"
    );
    drop(s);
    let _ = std::fs::remove_dir_all(dist);
}

/// The eighteenth attacker's probe: a method a route does not take was answered 405 with
/// an empty body; it now has the JSON error shape every other error has, and `Allow`.
#[tokio::test]
async fn a_method_a_route_does_not_take_gets_the_json_error_and_allow() {
    let s = TestServer::start().await;
    let res = reqwest::Client::new()
        .delete(s.url("/api/sync/push"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert!(res.headers().get("allow").is_some(), "{:?}", res.headers());
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");
}
