//! Live notification that the change feed advanced, so online devices pull at once
//! instead of waiting for their next poll (polling stays the fallback).
//!
//! Devices listen with server-sent events. `EventSource` cannot send an `Authorization`
//! header, so a signed-in device first gets a ticket (random, stored hashed, valid only
//! for the event stream, once, and only for a few minutes) and opens
//! `GET /api/sync/events?ticket=…`; to reconnect it asks for a new ticket. An event
//! carries only the new feed position, and a field worker hears only of changes to their
//! team's documents. A user holds at most a few streams at once (`Limits`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};
use tokio::sync::{Semaphore, broadcast};

use crate::auth::{AuthUser, SessionToken, token::hash_token};

/// How long an unused events ticket opens the stream: a device asks for one right before
/// opening the stream, and for a new one to reconnect.
pub const TICKET_TTL_MS: i64 = 5 * 60 * 1000;
/// Most event streams held at once; more get 503 and poll instead.
pub const MAX_STREAMS: usize = 20_000;

/// The feed moved to `seq` because a document of `team` changed; the team's own feed
/// is at `team_seq`.
#[derive(Debug, Clone)]
pub struct Advance {
    pub seq: u64,
    /// `None`: documents only the central office reads.
    pub team: Option<TeamId>,
    pub team_seq: u64,
}

/// Who a ticket lets listen.
#[derive(Debug, Clone)]
pub struct Listener {
    pub user: UserId,
    pub role: Role,
    pub team: TeamId,
    /// The session the ticket came from: the stream ends with it.
    pub session: [u8; 32],
    expires_at: i64,
}

impl Listener {
    pub fn hears(&self, a: &Advance) -> bool {
        match self.role {
            Role::FieldWorker => a.team.as_ref() == Some(&self.team),
            // The auditor reads no document, so no feed moves for it.
            Role::Auditor => false,
            _ => true,
        }
    }
}

/// Unspent events tickets a session holds at most.
pub const MAX_TICKETS_PER_SESSION: usize = 4;

pub struct Notifier {
    tx: broadcast::Sender<Advance>,
    /// Sessions that just ended (sign-out, disabled account, reset password, ended by
    /// the central office): their streams end, their unused tickets go.
    ended: broadcast::Sender<Arc<Vec<[u8; 32]>>>,
    /// Flips to `true` at shutdown so every stream ends and connections drain.
    closing: tokio::sync::watch::Sender<bool>,
    tickets: Mutex<HashMap<[u8; 32], Listener>>,
    /// Bounds the streams held, so memory stays bounded under any number of devices.
    pub streams: Arc<Semaphore>,
    /// Streams open per user (entries at zero are removed).
    per_user: Arc<Mutex<HashMap<UserId, usize>>>,
    max_per_user: usize,
}

/// Why a stream was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamRefused {
    /// The user holds the most streams allowed.
    PerUser,
    /// The server holds [`MAX_STREAMS`].
    Full,
}

/// One open stream: counted for its user and the server until dropped.
pub struct StreamSlot {
    user: UserId,
    per_user: Arc<Mutex<HashMap<UserId, usize>>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut m = self.per_user.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.user);
            }
        }
    }
}

impl Default for Notifier {
    fn default() -> Self {
        Notifier::new(crate::config::Limits::default().max_streams_per_user)
    }
}

impl Notifier {
    /// A notifier letting each user hold `max_per_user` streams.
    pub fn new(max_per_user: usize) -> Self {
        Notifier {
            tx: broadcast::channel(1024).0,
            ended: broadcast::channel(64).0,
            closing: tokio::sync::watch::channel(false).0,
            tickets: Mutex::new(HashMap::new()),
            streams: Arc::new(Semaphore::new(MAX_STREAMS)),
            per_user: Arc::default(),
            max_per_user,
        }
    }

    /// A slot for one more stream of `user`, if the user and the server have room.
    pub fn open_stream(&self, user: UserId) -> Result<StreamSlot, StreamRefused> {
        let mut m = self.per_user.lock().unwrap_or_else(|p| p.into_inner());
        let held = m.get(&user).copied().unwrap_or(0);
        if held >= self.max_per_user {
            return Err(StreamRefused::PerUser);
        }
        let permit = self
            .streams
            .clone()
            .try_acquire_owned()
            .map_err(|_| StreamRefused::Full)?;
        m.insert(user, held + 1);
        Ok(StreamSlot {
            user,
            per_user: self.per_user.clone(),
            _permit: permit,
        })
    }

    /// Tells listeners where a commit moved the feed, per team (see
    /// [`crate::sync::Advanced`]).
    pub fn announce(
        &self,
        store: &dyn crate::storage::Store,
        advanced: crate::sync::Advanced,
    ) -> Result<(), crate::storage::StoreError> {
        for (team, seq) in advanced {
            let team_seq = match &team {
                Some(t) => store.team_feed_head(t)?,
                None => 0,
            };
            self.advance(seq, team, team_seq);
        }
        Ok(())
    }

    pub fn advance(&self, seq: u64, team: Option<TeamId>, team_seq: u64) {
        // No receiver is not an error: nobody is listening right now.
        let _ = self.tx.send(Advance {
            seq,
            team,
            team_seq,
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Advance> {
        self.tx.subscribe()
    }

    /// Ends the streams and tickets of sessions that ended.
    pub fn end_sessions(&self, sessions: &[[u8; 32]]) {
        if sessions.is_empty() {
            return;
        }
        let mut t = self.tickets.lock().unwrap_or_else(|p| p.into_inner());
        t.retain(|_, l| !sessions.contains(&l.session));
        drop(t);
        let _ = self.ended.send(Arc::new(sessions.to_vec()));
    }

    /// Listens for sessions that end.
    pub fn ended(&self) -> broadcast::Receiver<Arc<Vec<[u8; 32]>>> {
        self.ended.subscribe()
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
        // A session holds a few unspent tickets at most (a device needs one at a time):
        // its oldest goes (the attacker's third probe piled up 238,000 in 100 s, each
        // kept five minutes and scanned at every issue).
        let mine: Vec<([u8; 32], i64)> = t
            .iter()
            .filter(|(_, l)| l.session == user.session)
            .map(|(k, l)| (*k, l.expires_at))
            .collect();
        if mine.len() >= MAX_TICKETS_PER_SESSION
            && let Some((oldest, _)) = mine.iter().min_by_key(|(_, at)| *at)
        {
            t.remove(oldest);
        }
        t.insert(
            token.hash(),
            Listener {
                user: user.id,
                role: user.role,
                team: user.team.clone(),
                session: user.session,
                expires_at: now_ms + TICKET_TTL_MS,
            },
        );
        token
    }

    /// The listener a ticket stands for, if valid. A ticket opens one stream: it is
    /// spent here, so one seen in a log or a proxy's history opens nothing.
    pub fn redeem(&self, ticket: &str, now_ms: i64) -> Option<Listener> {
        let mut t = self.tickets.lock().unwrap_or_else(|p| p.into_inner());
        t.remove(&hash_token(ticket))
            .filter(|l| l.expires_at > now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u8) -> AuthUser {
        AuthUser {
            id: UserId::new_v7(1_700_000_000_000, [n; 10]),
            username: "u".into(),
            role: Role::FieldWorker,
            team: TeamId::parse("t").expect("team"),
            actor: None,
            session: [n; 32],
        }
    }

    #[test]
    fn a_ticket_opens_once() {
        let n = Notifier::new(3);
        let t = n.issue_ticket(&user(1), 0);
        assert!(n.redeem(t.expose(), 1).is_some());
        assert!(n.redeem(t.expose(), 1).is_none());
        let late = n.issue_ticket(&user(1), 0);
        assert!(n.redeem(late.expose(), TICKET_TTL_MS + 1).is_none());
    }

    #[test]
    fn a_session_holds_a_few_unspent_tickets_the_newest() {
        let n = Notifier::new(3);
        let tickets: Vec<_> = (0..10).map(|i| n.issue_ticket(&user(1), i)).collect();
        let other = n.issue_ticket(&user(2), 0);
        assert_eq!(n.tickets.lock().unwrap().len(), MAX_TICKETS_PER_SESSION + 1);
        // The newest open; the oldest were dropped; another session's is untouched.
        assert!(n.redeem(tickets[9].expose(), 20).is_some());
        assert!(n.redeem(tickets[0].expose(), 20).is_none());
        assert!(n.redeem(other.expose(), 20).is_some());
    }

    #[test]
    fn each_user_holds_at_most_the_streams_allowed_until_one_closes() {
        let n = Notifier::new(2);
        let (a, b) = (user(1).id, user(2).id);
        let first = n.open_stream(a).expect("one");
        let _second = n.open_stream(a).expect("two");
        assert_eq!(n.open_stream(a).err(), Some(StreamRefused::PerUser));
        let _other = n.open_stream(b).expect("another user is not affected");
        drop(first);
        assert!(n.open_stream(a).is_ok());
    }
}
