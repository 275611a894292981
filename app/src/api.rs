//! Calls to the server's API (same origin). Requests are plain fetches; the service
//! worker never caches them.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use strada_shared::api::{
    AccountPassword, AccountRecord, DEVICE_REVOKED, DeviceRecord, ErrorBody, LoginRequest,
    LoginResponse, NewAccount, RoleChange,
};
use strada_shared::central::{
    DuplicatePair, MergeRecord, MergeRequest, NotSame, Page, UnmergeRequest,
};
use strada_shared::sync::{
    self, EventsTicket, PullRequest, PullResponse, PushRequest, PushResponse, SnapshotsRequest,
    SnapshotsResponse, WireVersion,
};
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ApiError {
    /// No answer: offline, server down, or the connection dropped.
    Network,
    /// 401: `code` is `bad_credentials`, `no_session`, `session_expired` or
    /// `device_revoked`.
    Unauthorized { code: String },
    /// 429: too many attempts (`account_locked`, `too_many_attempts`, `too_many_streams`).
    TooMany { code: String },
    /// Any other error answer: `code` is the server's error code (`already_merged`...),
    /// empty when the answer had none; `message` is for logs, never shown as is.
    Server {
        status: u16,
        code: String,
        message: String,
    },
}

impl ApiError {
    /// The server revoked this device: the app must wipe its data at once.
    pub fn is_revoked(&self) -> bool {
        matches!(self, ApiError::Unauthorized { code } if code == DEVICE_REVOKED)
    }

    /// The server's error code, if it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Network => None,
            ApiError::Unauthorized { code }
            | ApiError::TooMany { code }
            | ApiError::Server { code, .. } => Some(code).filter(|c| !c.is_empty()),
        }
        .map(String::as_str)
    }
}

async fn decode<T: DeserializeOwned>(res: Response) -> Result<T, ApiError> {
    let status = res.status();
    if (200..300).contains(&status) {
        return res.json::<T>().await.map_err(|e| ApiError::Server {
            status,
            code: String::new(),
            message: e.to_string(),
        });
    }
    Err(refused(res).await)
}

/// The error a non-2xx response stands for. Not generic: compiled once, not once per
/// response type of [`decode`].
async fn refused(res: Response) -> ApiError {
    let status = res.status();
    let body: Option<ErrorBody> = res.json().await.ok();
    refusal(status, body)
}

/// A server's refusal (`status`, and its answer's body when it reads as one).
fn refusal(status: u16, body: Option<ErrorBody>) -> ApiError {
    match status {
        401 => ApiError::Unauthorized {
            code: body.map(|b| b.error).unwrap_or_default(),
        },
        429 => ApiError::TooMany {
            code: body.map(|b| b.error).unwrap_or_default(),
        },
        _ => {
            let (code, message) = body.map(|b| (b.error, b.message)).unwrap_or_default();
            ApiError::Server {
                status,
                code,
                message,
            }
        }
    }
}

async fn post<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<T, ApiError> {
    let mut req = Request::post(path);
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let res = req
        .json(body)
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    decode(res).await
}

thread_local! {
    /// The binary sync encoding this server speaks: the newest until a server answers
    /// that it does not know it (an older release), then an older one (see `fallback`)
    /// for the rest of the page's life.
    static WIRE: std::cell::Cell<WireVersion> = const { std::cell::Cell::new(WireVersion::NEWEST) };
}

/// The version to try after `version` was answered `status`: the previous one after a
/// 415 (a server that names the versions it knows), version 1 after a 400 (one older
/// still, which read the body as version 1); `None` when the answer is not about the
/// version.
fn fallback(version: WireVersion, status: u16) -> Option<WireVersion> {
    match status {
        415 => version.previous(),
        400 if version > WireVersion::V1 => Some(WireVersion::V1),
        _ => None,
    }
}

/// A sync call in the binary encoding (compact on slow links), in the newest wire
/// version the server speaks.
async fn post_sync<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    token: &str,
    body: &B,
) -> Result<T, ApiError> {
    loop {
        let version = WIRE.with(std::cell::Cell::get);
        let bytes = sync::encode_as(version, body);
        let res = Request::post(path)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", version.media_type())
            .header("Accept", version.media_type())
            .body(js_sys::Uint8Array::from(bytes.as_slice()))
            .map_err(|_| ApiError::Network)?
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        let status = res.status();
        // A server that does not know this version: fall back (see `fallback`).
        if let Some(older) = fallback(version, status) {
            WIRE.with(|w| w.set(older));
            continue;
        }
        if (200..300).contains(&status) {
            let body = res.binary().await.map_err(|_| ApiError::Network)?;
            return sync::decode_as(version, &body).map_err(|e| ApiError::Server {
                status,
                code: String::new(),
                message: e.to_string(),
            });
        }
        return Err(refused(res).await);
    }
}

/// Signs in from this device: its actor, and the key its last sign-in gave it (see
/// `LoginResponse::device_key`).
pub async fn login(
    username: &str,
    password: &str,
    device_actor: &str,
    device_key: Option<String>,
) -> Result<LoginResponse, ApiError> {
    let req = LoginRequest {
        username: username.into(),
        password: password.into(),
        device_actor: Some(device_actor.into()),
        device_key,
    };
    post("/api/auth/login", None, &req).await
}

pub async fn snapshots(token: &str, req: &SnapshotsRequest) -> Result<SnapshotsResponse, ApiError> {
    post_sync("/api/sync/snapshots", token, req).await
}

pub async fn events_ticket(token: &str) -> Result<EventsTicket, ApiError> {
    post(
        "/api/sync/events-ticket",
        Some(token),
        &serde_json::json!({}),
    )
    .await
}

/// Ends the session on the server. `Err(Network)` when the server was not reached.
pub async fn logout(token: &str) -> Result<(), ApiError> {
    let res = Request::post("/api/auth/logout")
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    no_content(res).await
}

/// Ends a session by its sign-out key (after an offline sign-out wiped the token).
pub async fn end_session(logout_key: &str) -> Result<(), ApiError> {
    let res = Request::post("/api/auth/end-session")
        .json(&strada_shared::api::EndSessionRequest {
            logout_key: logout_key.to_string(),
        })
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    no_content(res).await
}

/// Every account (central office only).
pub async fn accounts(token: &str) -> Result<Vec<AccountRecord>, ApiError> {
    let res = Request::get("/api/accounts")
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    decode(res).await
}

/// Creates an account; the answer holds its one-time password.
pub async fn create_account(token: &str, req: &NewAccount) -> Result<AccountPassword, ApiError> {
    post("/api/accounts", Some(token), req).await
}

/// A new one-time password for an account (its sessions end).
pub async fn reset_password(token: &str, username: &str) -> Result<AccountPassword, ApiError> {
    post(
        &format!("/api/accounts/{username}/password"),
        Some(token),
        &serde_json::json!({}),
    )
    .await
}

/// `disable`, `enable`, `unlock` or `end-everything` on an account.
pub async fn account_act(
    token: &str,
    username: &str,
    act: &str,
) -> Result<AccountRecord, ApiError> {
    post(
        &format!("/api/accounts/{username}/{act}"),
        Some(token),
        &serde_json::json!({}),
    )
    .await
}

/// A new role and team for an account (its sessions end).
pub async fn set_role(
    token: &str,
    username: &str,
    req: &RoleChange,
) -> Result<AccountRecord, ApiError> {
    post(&format!("/api/accounts/{username}/role"), Some(token), req).await
}

/// Ends every session of a device, without revoking it (central office only).
pub async fn end_device_sessions(token: &str, id: &str) -> Result<DeviceRecord, ApiError> {
    post(
        &format!("/api/devices/{id}/end-sessions"),
        Some(token),
        &serde_json::json!({}),
    )
    .await
}

async fn no_content(res: Response) -> Result<(), ApiError> {
    if (200..300).contains(&res.status()) {
        Ok(())
    } else {
        Err(refused(res).await)
    }
}

pub async fn push(token: &str, req: &PushRequest) -> Result<PushResponse, ApiError> {
    post_sync("/api/sync/push", token, req).await
}

pub async fn pull(token: &str, cursor: u64, since: u64) -> Result<PullResponse, ApiError> {
    let req = PullRequest {
        cursor,
        since: Some(since),
    };
    post_sync("/api/sync/pull", token, &req).await
}

/// An open stream of pull pages (`POST /api/sync/pull-stream`): a first sync or a long
/// catch-up in one request. Each page arrives whole (a frame: its length, then the page
/// in the request's wire version) and is applied with its cursor like a paged pull's, so
/// a stream cut anywhere resumes from the last page applied.
///
/// Read through `XMLHttpRequest`, its progress as it comes, not `fetch`: Chromium logs a
/// `fetch` whose body a reader took to its end as aborted (`net::ERR_ABORTED`) whenever
/// the page has every byte before the browser marks the request complete — most syncs —
/// because the answer is `no-store`, which it stays (a body of personal data is written
/// to no cache; Firefox caches POST answers that allow it). Measured with a bare server:
/// 8–60 of 60 reads failed so, and 0 of 60 through `XMLHttpRequest`.
pub struct PullStream {
    xhr: web_sys::XmlHttpRequest,
    state: std::rc::Rc<std::cell::RefCell<XhrState>>,
    _handlers: Vec<wasm_bindgen::closure::Closure<dyn FnMut()>>,
    buf: Vec<u8>,
    version: WireVersion,
}

/// What a stream's request has told so far.
#[derive(Default)]
struct XhrState {
    /// Bytes received and not taken yet.
    bytes: Vec<u8>,
    /// How much of the answer's text was taken: one UTF-16 unit per byte (it is read as
    /// `x-user-defined`: bytes 0x80–0xFF are U+F780–U+F7FF).
    taken: u32,
    status: Option<u16>,
    done: bool,
    failed: bool,
    /// Something happened since the reader last waited.
    woken: bool,
    waker: Option<std::task::Waker>,
}

impl XhrState {
    fn wake(&mut self) {
        self.woken = true;
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

/// Resolves once the request tells something new (at once if it did since the last
/// wait).
struct Told<'a>(&'a std::cell::RefCell<XhrState>);

impl std::future::Future for Told<'_> {
    type Output = ();
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let mut s = self.0.borrow_mut();
        if std::mem::take(&mut s.woken) {
            std::task::Poll::Ready(())
        } else {
            s.waker = Some(cx.waker().clone());
            std::task::Poll::Pending
        }
    }
}

/// Takes what arrived of the answer's text since last time, as bytes.
fn take_arrived(xhr: &web_sys::XmlHttpRequest, state: &mut XhrState) {
    let Some(text) = xhr
        .response()
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::JsString>().ok())
    else {
        return;
    };
    let len = text.length();
    if len > state.taken {
        let part = String::from(text.slice(state.taken, len));
        state
            .bytes
            .extend(part.chars().map(|c| (u32::from(c) & 0xFF) as u8));
        state.taken = len;
    }
}

impl PullStream {
    /// Sends the request; its handlers fill `state`.
    fn send(token: &str, version: WireVersion, body: &[u8]) -> Result<PullStream, ApiError> {
        use std::cell::RefCell;
        use std::rc::Rc;
        use wasm_bindgen::closure::Closure;
        let xhr = web_sys::XmlHttpRequest::new().map_err(|_| ApiError::Network)?;
        xhr.open_with_async("POST", "/api/sync/pull-stream", true)
            .map_err(|_| ApiError::Network)?;
        for (name, value) in [
            ("Authorization", format!("Bearer {token}")),
            ("Content-Type", version.media_type().to_string()),
            ("Accept", version.media_type().to_string()),
        ] {
            xhr.set_request_header(name, &value)
                .map_err(|_| ApiError::Network)?;
        }
        xhr.override_mime_type("text/plain; charset=x-user-defined")
            .map_err(|_| ApiError::Network)?;
        let state = Rc::new(RefCell::new(XhrState::default()));
        let handler = |f: fn(&web_sys::XmlHttpRequest, &mut XhrState)| {
            let (xhr, state) = (xhr.clone(), state.clone());
            Closure::<dyn FnMut()>::new(move || {
                let mut s = state.borrow_mut();
                f(&xhr, &mut s);
                s.wake();
            })
        };
        let headers = handler(|xhr, s| {
            if xhr.ready_state() >= web_sys::XmlHttpRequest::HEADERS_RECEIVED {
                s.status = s.status.or_else(|| xhr.status().ok());
            }
        });
        let progress = handler(take_arrived);
        let load = handler(|xhr, s| {
            s.status = s.status.or_else(|| xhr.status().ok());
            take_arrived(xhr, s);
            s.done = true;
        });
        let failed = handler(|_, s| s.failed = true);
        xhr.set_onreadystatechange(Some(headers.as_ref().unchecked_ref()));
        xhr.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        xhr.set_onload(Some(load.as_ref().unchecked_ref()));
        for set in [
            web_sys::XmlHttpRequestEventTarget::set_onerror,
            web_sys::XmlHttpRequestEventTarget::set_onabort,
            web_sys::XmlHttpRequestEventTarget::set_ontimeout,
        ] {
            set(&xhr, Some(failed.as_ref().unchecked_ref()));
        }
        xhr.send_with_opt_u8_array(Some(body))
            .map_err(|_| ApiError::Network)?;
        Ok(PullStream {
            xhr,
            state,
            _handlers: vec![headers, progress, load, failed],
            buf: Vec::new(),
            version,
        })
    }

    /// The answer's status, once its headers are in.
    async fn status(&self) -> Result<u16, ApiError> {
        loop {
            {
                let s = self.state.borrow();
                if let Some(status) = s.status.filter(|&st| st != 0) {
                    return Ok(status);
                }
                if s.failed || s.done {
                    return Err(ApiError::Network);
                }
            }
            Told(&self.state).await;
        }
    }

    /// The whole answer (a refusal's body), once it is in.
    async fn whole(&mut self) -> Result<Vec<u8>, ApiError> {
        loop {
            {
                let mut s = self.state.borrow_mut();
                let bytes = std::mem::take(&mut s.bytes);
                self.buf.extend(bytes);
                if s.done {
                    return Ok(std::mem::take(&mut self.buf));
                }
                if s.failed {
                    return Err(ApiError::Network);
                }
            }
            Told(&self.state).await;
        }
    }
}

impl Drop for PullStream {
    /// A stream given up before its end (a sync stopped) is aborted; its handlers go
    /// first, so that nothing calls them once they are freed.
    fn drop(&mut self) {
        let x = &self.xhr;
        x.set_onreadystatechange(None);
        x.set_onprogress(None);
        x.set_onload(None);
        x.set_onerror(None);
        x.set_onabort(None);
        x.set_ontimeout(None);
        let s = self.state.borrow();
        if !s.done && !s.failed {
            let _ = x.abort();
        }
    }
}

/// Opens a pull stream; `Ok(None)` from a server without one (an older release): the
/// caller pulls page by page.
pub async fn open_pull_stream(
    token: &str,
    cursor: u64,
    since: u64,
) -> Result<Option<PullStream>, ApiError> {
    let req = PullRequest {
        cursor,
        since: Some(since),
    };
    loop {
        let version = WIRE.with(std::cell::Cell::get);
        if version == WireVersion::V1 {
            return Ok(None);
        }
        let mut stream = PullStream::send(token, version, &sync::encode_as(version, &req))?;
        match stream.status().await? {
            200 => return Ok(Some(stream)),
            // A server that does not speak this version: the one before it (the answer
            // read to its end first, so that the request completes).
            415 => {
                stream.whole().await?;
                match version.previous() {
                    Some(older) => WIRE.with(|w| w.set(older)),
                    None => return Ok(None),
                }
            }
            404 | 405 => {
                stream.whole().await?;
                return Ok(None);
            }
            status => {
                let body = stream.whole().await?;
                return Err(refusal(status, serde_json::from_slice(&body).ok()));
            }
        }
    }
}

impl PullStream {
    /// The next page, or `None` once the server ended the stream (the last page said
    /// whether more remain). A cut connection is `Network`.
    pub async fn next(&mut self) -> Result<Option<PullResponse>, ApiError> {
        loop {
            if self.buf.len() >= 4 {
                let len = u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]])
                    as usize;
                if self.buf.len() >= 4 + len {
                    let page =
                        sync::decode_as(self.version, &self.buf[4..4 + len]).map_err(|e| {
                            ApiError::Server {
                                status: 200,
                                code: String::new(),
                                message: e.to_string(),
                            }
                        })?;
                    self.buf.drain(..4 + len);
                    return Ok(Some(page));
                }
            }
            {
                // The bytes and the end are read together: `load` takes the last
                // bytes before it says the end.
                let mut s = self.state.borrow_mut();
                let bytes = std::mem::take(&mut s.bytes);
                if !bytes.is_empty() {
                    self.buf.extend(bytes);
                    continue;
                }
                if s.failed {
                    return Err(ApiError::Network);
                }
                if s.done {
                    return if self.buf.is_empty() {
                        Ok(None)
                    } else {
                        Err(ApiError::Network)
                    };
                }
            }
            Told(&self.state).await;
        }
    }
}

/// A GET of the central workspace's API (`path` with its query string).
pub async fn get_json<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
    let res = Request::get(path)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    decode(res).await
}

/// A form-encoded POST. The central lists' filters travel so, in the body: a searched
/// name in an address would stay in the browser's history and a proxy's access log.
async fn post_form(token: &str, path: &str, form: &str) -> Result<Response, ApiError> {
    Request::post(path)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.to_string())
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)
}

/// A page of the central records (`/api/persons`, `/api/contacts`, `/api/referrals`),
/// the filters (`query`, form-encoded) posted to `/api/{list}/search`.
pub async fn central_page<T: DeserializeOwned>(
    token: &str,
    list: &str,
    query: &str,
) -> Result<Page<T>, ApiError> {
    decode(post_form(token, &format!("/api/{list}/search"), query).await?).await
}

/// Keeps one of a field's conflicting values.
pub async fn resolve_conflict(
    token: &str,
    choice: &strada_shared::central::Resolve,
) -> Result<serde_json::Value, ApiError> {
    post("/api/conflicts/resolve", Some(token), choice).await
}

/// Candidate pairs of persons who may be one person, best first (`query`: `team=`,
/// `limit=`, `threshold=`). Read as a plain list or as a page of one.
pub async fn duplicates(token: &str, query: &str) -> Result<Vec<DuplicatePair>, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Pairs {
        List(Vec<DuplicatePair>),
        Page(Page<DuplicatePair>),
    }
    Ok(
        match get_json::<Pairs>(token, &format!("/api/persons/duplicates?{query}")).await? {
            Pairs::List(v) => v,
            Pairs::Page(p) => p.items,
        },
    )
}

/// Records that a candidate pair is two persons (never proposed again).
pub async fn not_same(token: &str, pair: &NotSame) -> Result<(), ApiError> {
    post_pair("/api/persons/not-same", token, pair).await
}

/// Takes back a judgement "not the same person".
pub async fn not_same_undo(token: &str, pair: &NotSame) -> Result<(), ApiError> {
    post_pair("/api/persons/not-same/undo", token, pair).await
}

/// Posts a pair of persons; the answer carries nothing to read.
async fn post_pair(path: &str, token: &str, pair: &NotSame) -> Result<(), ApiError> {
    let res = Request::post(path)
        .header("Authorization", &format!("Bearer {token}"))
        .json(pair)
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    no_content(res).await
}

/// The teams with records (`GET /api/teams`).
pub async fn teams(token: &str) -> Result<Vec<strada_shared::central::TeamInfo>, ApiError> {
    let teams: Vec<strada_shared::central::TeamInfo> = get_json(token, "/api/teams").await?;
    crate::teams::learn(&teams);
    Ok(teams)
}

/// Merges one person into another; the answer is the merge as recorded.
pub async fn merge(token: &str, req: &MergeRequest) -> Result<MergeRecord, ApiError> {
    post("/api/persons/merge", Some(token), req).await
}

/// Undoes a merge; the answer is the merge with who undid it.
pub async fn unmerge(token: &str, req: &UnmergeRequest) -> Result<MergeRecord, ApiError> {
    post("/api/persons/unmerge", Some(token), req).await
}

/// The PUA's records in the exchange format (JSON Lines), as text.
pub async fn exchange_export(token: &str) -> Result<String, ApiError> {
    get_text(token, "/api/exchange/export").await
}

/// Imports (or, `dry_run`, checks) an exchange file: the report, also when lines are
/// invalid (422).
pub async fn exchange_import(
    token: &str,
    file: String,
    dry_run: bool,
) -> Result<strada_shared::api::ImportReport, ApiError> {
    let res = Request::post(&format!("/api/exchange/import?dry_run={dry_run}"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/x-ndjson")
        .body(file)
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if res.status() == 422 {
        return res.json().await.map_err(|_| ApiError::Network);
    }
    decode(res).await
}

/// The CSV of a filtered list, as text.
pub async fn central_csv(token: &str, list: &str, query: &str) -> Result<String, ApiError> {
    text_of(post_form(token, &format!("/api/csv/{list}"), query).await?).await
}

/// A file of the report (`/api/reports/csv?table=…` or `/api/reports/anonymous?…`, the
/// path with its query), as text.
pub async fn report_file(token: &str, path: &str) -> Result<String, ApiError> {
    get_text(token, path).await
}

/// Writes the director's observations for a period of the report (`2026-Q3`); the
/// answer is the note as the server stored it.
/// `based_on`: the `updated_at` of the observations the text was written over (`""`:
/// none); when they changed meanwhile the server answers 409 `note_changed`.
pub async fn put_report_note(
    token: &str,
    period: &str,
    text: &str,
    based_on: &str,
) -> Result<strada_shared::report::ReportNote, ApiError> {
    let res = Request::put(&format!(
        "/api/reports/notes?period={}",
        String::from(js_sys::encode_uri_component(period))
    ))
    .header("Authorization", &format!("Bearer {token}"))
    .json(&serde_json::json!({ "text": text, "based_on": based_on }))
    .map_err(|_| ApiError::Network)?
    .send()
    .await
    .map_err(|_| ApiError::Network)?;
    decode(res).await
}

/// A GET answered with a file (CSV, JSON Lines), as text.
async fn get_text(token: &str, path: &str) -> Result<String, ApiError> {
    let res = Request::get(path)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    text_of(res).await
}

/// A successful answer's text.
async fn text_of(res: Response) -> Result<String, ApiError> {
    if !(200..300).contains(&res.status()) {
        return Err(ApiError::Server {
            status: res.status(),
            code: String::new(),
            message: String::new(),
        });
    }
    res.text().await.map_err(|_| ApiError::Network)
}

/// The devices that signed in (central office only).
pub async fn devices(token: &str) -> Result<Vec<DeviceRecord>, ApiError> {
    let res = Request::get("/api/devices")
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    decode(res).await
}

/// Revokes a device (central office only).
pub async fn revoke_device(token: &str, id: &str) -> Result<DeviceRecord, ApiError> {
    post(
        &format!("/api/devices/{id}/revoke"),
        Some(token),
        &serde_json::json!({}),
    )
    .await
}

/// What this central office device keeps offline, and the teams to choose from.
pub async fn sync_scope(token: &str) -> Result<strada_shared::central::ScopePage, ApiError> {
    get_json(token, "/api/devices/me/scope").await
}

/// Chooses what this central office device keeps offline.
pub async fn set_sync_scope(
    token: &str,
    scope: &strada_shared::central::SyncScope,
) -> Result<strada_shared::central::ScopePage, ApiError> {
    let res = Request::put("/api/devices/me/scope")
        .header("Authorization", &format!("Bearer {token}"))
        .json(scope)
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    decode(res).await
}

#[cfg(test)]
mod version_tests {
    use super::fallback;
    use strada_shared::sync::WireVersion::{V1, V2, V3};

    #[test]
    fn a_server_that_does_not_know_a_version_gets_the_one_before_it() {
        // 415: a server that names the versions it speaks — one step back at a time.
        assert_eq!(fallback(V3, 415), Some(V2));
        assert_eq!(fallback(V2, 415), Some(V1));
        assert_eq!(fallback(V1, 415), None);
        // 400: a server from before versions were named read the body as version 1.
        assert_eq!(fallback(V3, 400), Some(V1));
        assert_eq!(fallback(V1, 400), None);
        // Anything else is not about the version.
        assert_eq!(fallback(V3, 401), None);
        assert_eq!(fallback(V3, 500), None);
    }
}
