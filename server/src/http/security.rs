//! Security headers on every response: for the app, a strict Content-Security-Policy, no
//! framing, no powerful features beyond geolocation, a separate browsing-context group;
//! for the API, a policy under which nothing runs, loads or frames.
//!
//! The PWA's `index.html` carries inline scripts (the service-worker registration, the
//! loader Trunk writes) and inline CSS (first paint never waits for a stylesheet). Rather
//! than `'unsafe-inline'`, the policy lists the SHA-256 of each inline `<script>` and
//! `<style>`, computed from the very file served (at start, and again when it changes);
//! WASM needs
//! `'wasm-unsafe-eval'` and nothing more. The app sets no `style` attributes (Leptos
//! views in `app/src` use classes only), so `style-src` needs no `'unsafe-inline'`
//! either. HSTS is the TLS terminator's (see README): this server speaks plain HTTP.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The headers that do not depend on the page.
const FIXED: [(&str, &str); 6] = [
    ("x-frame-options", "DENY"),
    (
        "permissions-policy",
        "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), \
         serial=(), midi=(), magnetometer=(), gyroscope=(), \
         accelerometer=(), display-capture=(), browsing-topics=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
];

/// The Content-Security-Policy of the page being served. A release may replace `dist/`
/// under a running server, so the hashes follow `index.html`: they are computed again
/// when its size or modification time changes (one `stat` per answer).
pub struct Policy {
    index: Option<PathBuf>,
    current: Mutex<(Option<(SystemTime, u64)>, HeaderValue)>,
}

impl Policy {
    /// The policy for the PWA in `dist` (or for the API alone); fails when the page
    /// cannot be read at start.
    pub fn new(dist: Option<PathBuf>) -> anyhow::Result<Policy> {
        let index = dist.map(|d| d.join("index.html"));
        let policy = Policy {
            index,
            current: Mutex::new((None, HeaderValue::from_static(""))),
        };
        let (stamp, value) = policy.compute()?;
        *policy.current.lock().unwrap_or_else(|p| p.into_inner()) = (stamp, value);
        Ok(policy)
    }

    fn stamp(&self) -> Option<(SystemTime, u64)> {
        let meta = std::fs::metadata(self.index.as_ref()?).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    }

    fn compute(&self) -> anyhow::Result<(Option<(SystemTime, u64)>, HeaderValue)> {
        let stamp = self.stamp();
        let inline = match &self.index {
            Some(path) => {
                let html = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
                inline_hashes(&html)
            }
            None => Inline::default(),
        };
        Ok((
            stamp,
            HeaderValue::from_str(&content_security_policy(&inline))?,
        ))
    }

    /// The policy for the page as it is now on disk.
    pub fn header(&self) -> HeaderValue {
        let stamp = self.stamp();
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current.0 != stamp {
            match self.compute() {
                Ok(fresh) => *current = fresh,
                // Mid-replacement: keep the last good policy, try again next time.
                Err(e) => tracing::warn!(error = %e, "cannot hash the page's inline scripts"),
            }
        }
        current.1.clone()
    }
}

/// The headers of API answers: data, never a page — nothing may run, load or frame
/// from them. The page-level ones (permissions, opener, the page's script hashes) would
/// cost each sync round trip half a kilobyte for nothing (a phone on a slow link makes
/// many).
const API: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("cross-origin-resource-policy", "same-origin"),
    ("referrer-policy", "no-referrer"),
];

/// Adds the security headers to every answer: the page's to the app, the API's to the
/// API.
pub async fn add_headers(State(policy): State<Arc<Policy>>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if api {
        for (name, value) in API {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        return res;
    }
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        policy.header(),
    );
    for (name, value) in FIXED {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    res
}

/// The SHA-256 sources (`'sha256-…'`) of a page's inline scripts and styles.
#[derive(Debug, Default, PartialEq)]
pub struct Inline {
    pub scripts: Vec<String>,
    pub styles: Vec<String>,
}

pub fn content_security_policy(inline: &Inline) -> String {
    let join = |v: &[String]| v.iter().map(|h| format!(" {h}")).collect::<String>();
    format!(
        "default-src 'self'; script-src 'self'{} 'wasm-unsafe-eval'; style-src 'self'{}; \
         img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        join(&inline.scripts),
        join(&inline.styles)
    )
}

/// Hashes the content of every inline `<script>` (one without `src`) and `<style>` of
/// `html`, exactly as written (what the browser hashes).
pub fn inline_hashes(html: &str) -> Inline {
    Inline {
        scripts: elements(html, "script")
            .filter(|(attrs, _)| !has_attribute(attrs, "src"))
            .map(|(_, body)| hash(body))
            .collect(),
        styles: elements(html, "style")
            .map(|(_, body)| hash(body))
            .collect(),
    }
}

fn hash(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// `(attributes, content)` of each `<tag …>…</tag>` in `html` (our own built page: no
/// comments or CDATA tricks to care about).
fn elements<'a>(html: &'a str, tag: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find(&open).map(|i| at + i) {
        let after = start + open.len();
        // `<scripts>` is not `<script>`.
        if !lower[after..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
            at = after;
            continue;
        }
        let Some(gt) = lower[after..].find('>').map(|i| after + i) else {
            break;
        };
        let Some(end) = lower[gt..].find(&close).map(|i| gt + i) else {
            break;
        };
        found.push((&html[after..gt], &html[gt + 1..end]));
        at = end + close.len();
    }
    found.into_iter()
}

fn has_attribute(attrs: &str, name: &str) -> bool {
    attrs
        .to_ascii_lowercase()
        .split(|c: char| c.is_ascii_whitespace())
        .any(|a| a == name || a.starts_with(&format!("{name}=")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_and_styles_are_hashed_and_external_scripts_are_not() {
        let html = "<html><head><style>body{margin:0}</style>\
            <script src=\"/x.js\"></script>\
            <SCRIPT type=\"module\">\nimport init from '/a.js';\n</SCRIPT>\
            <script>var a = 1;</script></head></html>";
        let inline = inline_hashes(html);
        assert_eq!(
            inline.scripts,
            vec![hash("\nimport init from '/a.js';\n"), hash("var a = 1;")]
        );
        assert_eq!(inline.styles, vec![hash("body{margin:0}")]);
        // The hash of the empty script, as browsers compute it.
        assert_eq!(
            hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
        let csp = content_security_policy(&inline);
        assert!(csp.contains(&format!(
            "script-src 'self' {} {} 'wasm-unsafe-eval';",
            inline.scripts[0], inline.scripts[1]
        )));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
