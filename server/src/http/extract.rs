//! Extractors: JSON bodies whose rejections become [`AppError`]s, and the signed-in user.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::AppState;
use super::error::AppError;
use crate::auth::{self, AuthUser};

/// `Json<T>` with this server's error bodies.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(v) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(v))
    }
}

/// The bearer token of the request, if any.
pub struct BearerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match bearer(&parts.headers) {
            Some(t) => Ok(BearerToken(t.to_string())),
            None => Err(AppError::Unauthorized {
                code: "no_session",
                message: "sign in first (missing Authorization: Bearer token)".into(),
            }),
        }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let BearerToken(token) = BearerToken::from_request_parts(parts, state).await?;
        Ok(auth::authenticate(
            state.store.as_ref(),
            &token,
            crate::now_ms(),
        )?)
    }
}

/// The client's address: the connection's peer (set by the accept loop), or behind a
/// reverse proxy (`STRADA_BEHIND_PROXY`) the address the proxy appended last to
/// `X-Forwarded-For` (entries before it are whatever the client claimed).
pub struct ClientAddr(pub std::net::IpAddr);

/// The connection's peer, as the accept loop records it on each request.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub std::net::SocketAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_addr(
            &parts.headers,
            &parts.extensions,
            state.behind_proxy,
        )))
    }
}

/// See [`ClientAddr`].
pub fn client_addr(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    behind_proxy: bool,
) -> std::net::IpAddr {
    let peer = extensions
        .get::<Peer>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |p| p.0.ip());
    if !behind_proxy {
        return peer;
    }
    // The last entry is the proxy's; one it wrote that does not read as an address
    // (`ip:port`, `[ip]:port` read too) falls back to the peer, never to an entry before
    // it, which the client may have written.
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .map(str::trim);
    last.and_then(|a| {
        a.parse::<std::net::IpAddr>()
            .ok()
            .or_else(|| a.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
    })
    .unwrap_or(peer)
}

/// The address a client's requests are counted under: an IPv6 address by its /64 (one
/// host holds a whole /64 to choose from), an IPv4 address as it is.
pub fn counted_addr(addr: std::net::IpAddr) -> std::net::IpAddr {
    match addr {
        std::net::IpAddr::V6(a) => {
            let s = a.segments();
            std::net::IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// The bearer token of a request's headers, if any (see [`BearerToken`]).
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{client_addr, counted_addr};
    use axum::http::{Extensions, HeaderMap, HeaderValue};

    #[test]
    fn behind_a_proxy_the_client_is_the_last_forwarded_entry_or_the_peer() {
        let peer: std::net::SocketAddr = "10.9.9.9:5000".parse().unwrap();
        let mut ext = Extensions::new();
        ext.insert(super::Peer(peer));
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
            client_addr(&h, &ext, true)
        };
        assert_eq!(with("1.1.1.1, 2.2.2.2").to_string(), "2.2.2.2");
        assert_eq!(with("1.1.1.1, 2.2.2.2:443").to_string(), "2.2.2.2");
        // The proxy's entry unreadable: the peer, not the client's own entry.
        assert_eq!(with("1.1.1.1, unknown").to_string(), "10.9.9.9");
        assert_eq!(
            client_addr(&HeaderMap::new(), &ext, false).to_string(),
            "10.9.9.9"
        );
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_slash_64() {
        let a = counted_addr("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = counted_addr("2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(
            counted_addr("1.2.3.4".parse().unwrap()).to_string(),
            "1.2.3.4"
        );
    }
}
