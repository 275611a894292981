//! Live notification that the change feed advanced, so online devices pull at once
//! instead of waiting for their next poll (polling stays the fallback).
//!
//! Devices listen with server-sent events. `EventSource` cannot send an `Authorization`
//! header, so a signed-in device first gets a ticket (random, stored hashed, valid only
//! for the event stream and only for a few hours) and opens
//! `GET /api/sync/events?ticket=…`. An event carries only the new feed position, and a
//! field worker hears only of changes to their team's documents.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use strada_shared::domain::Role;
use strada_shared::ids::TeamId;
use tokio::sync::{Semaphore, broadcast};

use crate::auth::{AuthUser, SessionToken, token::hash_token};

/// How long an events ticket opens the stream.
pub const TICKET_TTL_MS: i64 = 6 * 3600 * 1000;
/// Most event streams held at once; more get 503 and poll instead.
pub const MAX_STREAMS: usize = 20_000;

/// The feed moved to `seq` because a document of `team` changed.
#[derive(Debug, Clone)]
pub struct Advance {
    pub seq: u64,
    pub team: TeamId,
}

/// Who a ticket lets listen.
#[derive(Debug, Clone)]
pub struct Listener {
    pub role: Role,
    pub team: TeamId,
    expires_at: i64,
}

impl Listener {
    pub fn hears(&self, a: &Advance) -> bool {
        self.role == Role::CentralOffice || a.team == self.team
    }
}

pub struct Notifier {
    tx: broadcast::Sender<Advance>,
    /// Flips to `true` at shutdown so every stream ends and connections drain.
    closing: tokio::sync::watch::Sender<bool>,
    tickets: Mutex<HashMap<[u8; 32], Listener>>,
    /// Bounds the streams held, so memory stays bounded under any number of devices.
    pub streams: Arc<Semaphore>,
}

impl Default for Notifier {
    fn default() -> Self {
        Notifier {
            tx: broadcast::channel(1024).0,
            closing: tokio::sync::watch::channel(false).0,
            tickets: Mutex::new(HashMap::new()),
            streams: Arc::new(Semaphore::new(MAX_STREAMS)),
        }
    }
}

impl Notifier {
    pub fn advance(&self, seq: u64, team: TeamId) {
        // No receiver is not an error: nobody is listening right now.
        let _ = self.tx.send(Advance { seq, team });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Advance> {
        self.tx.subscribe()
    }

    /// Ends every stream (graceful shutdown).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves when the server is shutting down.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Issues a ticket for `user`, dropping expired ones.
    pub fn issue_ticket(&self, user: &AuthUser, now_ms: i64) -> SessionToken {
        let token = SessionToken::generate();
        let mut t = self.tickets.lock().unwrap_or_else(|p| p.into_inner());
        t.retain(|_, l| l.expires_at > now_ms);
        t.insert(
            token.hash(),
            Listener {
                role: user.role,
                team: user.team.clone(),
                expires_at: now_ms + TICKET_TTL_MS,
            },
        );
        token
    }

    /// The listener a ticket stands for, if valid.
    pub fn redeem(&self, ticket: &str, now_ms: i64) -> Option<Listener> {
        let t = self.tickets.lock().unwrap_or_else(|p| p.into_inner());
        t.get(&hash_token(ticket))
            .filter(|l| l.expires_at > now_ms)
            .cloned()
    }
}
