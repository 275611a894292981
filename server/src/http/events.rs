//! `POST /api/sync/events-ticket` and `GET /api/sync/events?ticket=…` (server-sent events).

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use strada_shared::sync::EventsTicket;
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use super::error::AppError;
use crate::auth::AuthUser;
use crate::notify::StreamRefused;
use crate::sync::position::Feed;

pub async fn ticket(State(state): State<AppState>, user: AuthUser) -> Json<EventsTicket> {
    let t = state.notify.issue_ticket(&user, crate::now_ms());
    Json(EventsTicket {
        ticket: t.expose().to_string(),
    })
}

#[derive(serde::Deserialize)]
pub struct TicketQuery {
    ticket: String,
}

pub async fn events(
    State(state): State<AppState>,
    query: Result<Query<TicketQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    // Answered as every other refusal, not with axum's own text (the attacker's eighth
    // probe).
    let Query(q) = query.map_err(|_| AppError::Unauthorized {
        code: "no_session",
        message: "the events ticket is missing, wrong or expired".into(),
    })?;
    let listener =
        state
            .notify
            .redeem(&q.ticket, crate::now_ms())
            .ok_or(AppError::Unauthorized {
                code: "no_session",
                message: "the events ticket is missing, wrong or expired".into(),
            })?;
    // A ticket taken before its session ended (a device revoked, an account disabled)
    // opens nothing.
    if !crate::auth::session_alive(state.store.as_ref(), &listener.session, crate::now_ms()) {
        return Err(AppError::Unauthorized {
            code: "no_session",
            message: "the events ticket is missing, wrong or expired".into(),
        });
    }
    let permit = state
        .notify
        .open_stream(listener.user)
        .map_err(|refused| match refused {
            StreamRefused::PerUser => AppError::TooManyRequests {
                code: "too_many_streams",
                message:
                    "this user already holds the most event streams allowed: close one, or poll"
                        .into(),
                retry_after: None,
            },
            StreamRefused::Full => AppError::Unavailable,
        })?;
    // Positions in the feed the listener reads (its team's, for a field device).
    let head = match Feed::of_role(listener.role, &listener.team) {
        Feed::Global => state.store.feed_head()?,
        Feed::Team(team) => Feed::Team(team).to_device(state.store.team_feed_head(team)?),
    };
    let rx = state.notify.subscribe();
    let closing = state.notify.closing();
    let ended = state.notify.ended();
    // The first event tells the device where the feed is; then one per relevant advance.
    let first = Event::default().event("feed").data(head.to_string());
    let store = state.store.clone();
    let stream = futures_util::stream::unfold(
        (Some(first), rx, closing, ended, listener, permit),
        move |(first, mut rx, mut closing, mut ended, listener, permit)| {
            let store = store.clone();
            async move {
                if let Some(ev) = first {
                    return Some((Ok(ev), (None, rx, closing, ended, listener, permit)));
                }
                loop {
                    let next = tokio::select! {
                        r = rx.recv() => r,
                        _ = closing.wait_for(|c| *c) => return None,
                        // The stream's session ended: so does the stream.
                        e = ended.recv() => match e {
                            Ok(gone) if gone.contains(&listener.session) => return None,
                            Ok(_) | Err(RecvError::Lagged(_)) => continue,
                            Err(RecvError::Closed) => return None,
                        },
                    };
                    let data = match next {
                        Ok(a) if listener.hears(&a) => {
                            match Feed::of_role(listener.role, &listener.team) {
                                Feed::Global => a.seq,
                                Feed::Team(team) => Feed::Team(team).to_device(a.team_seq),
                            }
                            .to_string()
                        }
                        Ok(_) => continue,
                        // Missed some: say "something moved" without a position.
                        Err(RecvError::Lagged(_)) => "0".to_string(),
                        Err(RecvError::Closed) => return None,
                    };
                    // An event is told only while the stream's session would still
                    // authenticate: revoked, disabled or expired, the stream ends.
                    if !crate::auth::session_alive(
                        store.as_ref(),
                        &listener.session,
                        crate::now_ms(),
                    ) {
                        return None;
                    }
                    let ev = Event::default().event("feed").data(data);
                    return Some((Ok(ev), (None, rx, closing, ended, listener, permit)));
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}
