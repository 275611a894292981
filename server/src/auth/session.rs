//! Signing in and out, and what a session token stands for.
//!
//! Sign-in is throttled per account and per device: after [`MAX_FAILED_LOGINS`] wrong
//! passwords in a row an account signs in for [`LOCK_MS`] only from a device it already
//! uses (and the central office can unlock it earlier), while each known device has a
//! counter of its own. So a stranger guessing a worker's password from elsewhere locks
//! the account for new devices, never the worker's own phone; and guesses made from that
//! phone lock that phone. (Per client address limits are in [`super::throttle`].)
//!
//! A session ends when it expires (a month for field devices, which stay offline for
//! days; a working day for central roles, or 15 idle minutes), when its user signs out
//! or is disabled, or when the central office ends it.

use crate::storage::{DeviceBinding, Store, StoredSession, StoredUser};

use super::device::{check_device, register_device};
use super::{
    AuthError, AuthUser, CENTRAL_IDLE_MS, CENTRAL_SESSION_TTL_MS, LAST_SEEN_RESOLUTION_MS, LOCK_MS,
    MAX_FAILED_LOGINS, MAX_SESSIONS_PER_ACCOUNT, Password, SESSION_TTL_MS, SessionToken,
    parse_actor, password, token,
};
use strada_shared::domain::Role;
use strada_shared::ids::UserId;

/// A session just opened.
#[derive(Debug)]
pub struct SignedIn {
    pub token: SessionToken,
    pub user: StoredUser,
    pub expires_at: i64,
    /// Ends this session and nothing else (see [`end_session_by_key`]).
    pub logout_key: SessionToken,
    /// What the device signing in shows at its next sign-in to be known as itself
    /// (`StoredDevice::key_hash`); none without a device.
    pub device_key: Option<SessionToken>,
    /// The account's sessions this sign-in ended (past [`MAX_SESSIONS_PER_ACCOUNT`], or
    /// expired): their event streams are closed.
    pub ended: Vec<[u8; 32]>,
}

/// How long a session of `role` lasts at most.
pub fn ttl(role: Role) -> i64 {
    match role {
        Role::FieldWorker => SESSION_TTL_MS,
        _ => CENTRAL_SESSION_TTL_MS,
    }
}

/// How long a session of `role` may go without a request.
pub fn idle_limit(role: Role) -> Option<i64> {
    match role {
        Role::FieldWorker => None,
        _ => Some(CENTRAL_IDLE_MS),
    }
}

/// Checks a username and password and opens a session, bound to the device's automerge
/// actor when one is given (a device that shows no key: see [`sign_in`]).
pub fn login(
    store: &dyn Store,
    username: &str,
    password: &Password,
    device_actor: Option<&str>,
    now_ms: i64,
) -> Result<SignedIn, AuthError> {
    sign_in(
        store,
        username,
        password,
        device_actor,
        None,
        super::MAX_NEW_DEVICES_PER_DAY,
        now_ms,
    )
}

/// Checks a username and password and opens a session, bound to the device's automerge
/// actor when one is given. The device counts as one the account already uses (its
/// own lock, not the account's) only with the key it was given at its last sign-in,
/// once it has one: an actor id is no secret, and a stranger naming a worker's phone
/// must not lock it (an attacker's probe). A device the account never used is refused
/// when `new_devices_per_day` of its devices signed in within the last day.
pub fn sign_in(
    store: &dyn Store,
    username: &str,
    password: &Password,
    device_actor: Option<&str>,
    device_key: Option<&str>,
    new_devices_per_day: usize,
    now_ms: i64,
) -> Result<SignedIn, AuthError> {
    let actor = device_actor.map(parse_actor).transpose()?;
    let user = store.user_by_name(username)?;
    // A device this account already signed in from (and still may), proving it.
    let shown = device_key
        .filter(|k| k.len() <= 128)
        .map(|k| hex::encode(super::token::hash_token(k)));
    let known = match (&user, &actor) {
        (Some(u), Some(a)) => store.device(a)?.filter(|d| {
            d.user_id == u.id
                && d.revoked_at.is_none()
                && d.key_hash
                    .as_ref()
                    .is_none_or(|h| shown.as_ref() == Some(h))
        }),
        _ => None,
    };
    // Locked out: no password is checked at all (no guess is worth anything, and a flood
    // costs no Argon2).
    let locked = match (&user, &known) {
        (_, Some(d)) => d.locked_until.filter(|t| *t > now_ms),
        (Some(u), None) => u.locked_until.filter(|t| *t > now_ms),
        (None, None) => None,
    };
    if let Some(until) = locked {
        return Err(AuthError::Locked { until });
    }
    // Verify against a dummy hash for unknown users so timing does not reveal them.
    let hash = user
        .as_ref()
        .map_or(password::DUMMY_HASH, |u| u.password_hash.as_str());
    let ok = password.verify(hash);
    let Some(user) = user else {
        return Err(AuthError::BadCredentials);
    };
    if !ok {
        record_failure(
            store,
            &user,
            known.as_ref().map(|d| d.actor.as_str()),
            now_ms,
        )?;
        return Err(AuthError::BadCredentials);
    }
    if user.disabled_at.is_some() {
        return Err(AuthError::Disabled);
    }
    // A sign-in starts the count again where it was kept: on the device it came from
    // when the account uses that device (`register_device` below), else on the account.
    // The account's lock itself stays until it ends or the central office lifts it: a
    // sign-in from the owner's phone says nothing about the guesses made elsewhere.
    if known.is_none() && user.failed_logins > 0 {
        store.update_user(user.id, &mut |mut u| {
            u.failed_logins = 0;
            u
        })?;
    }
    // Given anew at each sign-in: shown at the next.
    let new_key = SessionToken::generate();
    if let Some(a) = &actor {
        super::device::admit_device(store, a, user.id, new_devices_per_day, now_ms)?;
        match store.bind_actor(a, user.id) {
            Err(crate::storage::StoreError::Conflict) => return Err(AuthError::DeviceTaken),
            other => other?,
        }
        register_device(store, a, user.id, hex::encode(new_key.hash()), now_ms)?;
    }
    let token = SessionToken::generate();
    let secret = SessionToken::generate();
    let expires_at = now_ms + ttl(user.role);
    let device = actor.as_ref().map(|a| DeviceBinding {
        actor: hex::encode(a),
    });
    store.put_session(
        &token.hash(),
        &StoredSession {
            user_id: user.id,
            created_at: now_ms,
            expires_at,
            device,
            logout_hash: Some(hex::encode(secret.hash())),
            last_used: now_ms,
        },
    )?;
    let ended = end_sessions_past_the_bound(store, user.id, &token.hash(), now_ms)?;
    store.flush()?;
    // The key names its session (the token's hash, useless to sign in) and proves it
    // (the secret, stored hashed).
    let logout_key =
        SessionToken::from_secret(format!("{}.{}", hex::encode(token.hash()), secret.expose()));
    Ok(SignedIn {
        token,
        user,
        expires_at,
        logout_key,
        device_key: actor.is_some().then_some(new_key),
        ended,
    })
}

/// Ends the account's expired sessions, and its sessions past
/// [`MAX_SESSIONS_PER_ACCOUNT`]: those of no device first, each kind used longest ago
/// first; never `opened`, the one just opened.
fn end_sessions_past_the_bound(
    store: &dyn Store,
    user: UserId,
    opened: &[u8; 32],
    now_ms: i64,
) -> Result<Vec<[u8; 32]>, AuthError> {
    let mut ended = Vec::new();
    let mut live = Vec::new();
    for (hash, s) in store.sessions()? {
        if s.user_id != user || &hash == opened {
            continue;
        }
        if s.expires_at <= now_ms {
            ended.push(hash);
        } else {
            live.push((s.device.is_some(), s.last_used, hash));
        }
    }
    live.sort();
    let over = (live.len() + 1).saturating_sub(MAX_SESSIONS_PER_ACCOUNT);
    ended.extend(live.into_iter().take(over).map(|(_, _, h)| h));
    for hash in &ended {
        store.delete_session(hash)?;
    }
    Ok(ended)
}

/// Counts a wrong password against the device it came from when the account uses that
/// device, else against the account; locks at [`MAX_FAILED_LOGINS`].
fn record_failure(
    store: &dyn Store,
    user: &StoredUser,
    known_device: Option<&str>,
    now_ms: i64,
) -> Result<(), AuthError> {
    let bump = |failed: &mut u32, locked_until: &mut Option<i64>| {
        *failed = failed.saturating_add(1);
        if *failed >= MAX_FAILED_LOGINS {
            *locked_until = Some(now_ms + LOCK_MS);
            *failed = 0;
        }
    };
    match known_device {
        Some(actor) => {
            let actor = hex::decode(actor).map_err(|_| AuthError::InvalidDevice)?;
            store.update_device(&actor, &mut |current| {
                current.map(|mut d| {
                    bump(&mut d.failed_logins, &mut d.locked_until);
                    d
                })
            })?;
        }
        None => {
            let updated = store.update_user(user.id, &mut |mut u| {
                bump(&mut u.failed_logins, &mut u.locked_until);
                u
            })?;
            if let Some(u) = updated
                && u.locked_until.is_some_and(|t| t > now_ms)
                && u.failed_logins == 0
            {
                tracing::warn!(user = %u.id, "account locked after repeated wrong passwords");
            }
        }
    }
    store.flush()?;
    Ok(())
}

/// The account of a bearer token's session, if it has not expired — no more (the
/// request's own authentication says whether it is still allowed): what the in-flight
/// limit asks before it gives a request a signed-in slot. Reads only.
pub fn live_user(store: &dyn Store, token: &str, now_ms: i64) -> Option<UserId> {
    store
        .session(&token::hash_token(token))
        .ok()
        .flatten()
        .filter(|s| s.expires_at > now_ms)
        .map(|s| s.user_id)
}

/// Whether the session with this hash would still authenticate (not expired nor idle
/// too long, its account not disabled, its device not revoked), reading only: what a
/// live event stream, opened with a ticket of it, asks before each event (a revoked
/// phone's stream went on telling it when its team wrote: found by the attacker's
/// seventh probe).
pub fn session_alive(store: &dyn Store, hash: &[u8; 32], now_ms: i64) -> bool {
    let Ok(Some(session)) = store.session(hash) else {
        return false;
    };
    let Ok(Some(user)) = store.user_by_id(session.user_id) else {
        return false;
    };
    if lapsed(&session, &user, now_ms).is_some() {
        return false;
    }
    match session.device.as_ref().map(|d| hex::decode(&d.actor)) {
        None => true,
        Some(Ok(actor)) => match store.device(&actor) {
            Ok(Some(device)) => device.revoked_at.is_none(),
            // A session from before devices were recorded (migration step 4).
            Ok(None) => true,
            Err(_) => false,
        },
        Some(Err(_)) => false,
    }
}

/// Why a session no longer authenticates, its device aside: expired, idle too long
/// (central roles), or its account disabled.
fn lapsed(session: &StoredSession, user: &StoredUser, now_ms: i64) -> Option<AuthError> {
    let last_used = session.last_used.max(session.created_at);
    let idle = idle_limit(user.role).is_some_and(|limit| now_ms - last_used > limit);
    if session.expires_at <= now_ms || idle {
        Some(AuthError::ExpiredSession)
    } else if user.disabled_at.is_some() {
        Some(AuthError::Disabled)
    } else {
        None
    }
}

/// Whether a session was opened on the device `actor_hex`.
fn on_device(actor_hex: &str) -> Result<impl Fn(&StoredSession) -> bool, AuthError> {
    let actor = hex::encode(parse_actor(actor_hex)?);
    Ok(move |s: &StoredSession| s.device.as_ref().is_some_and(|d| d.actor == actor))
}

/// The sessions opened on a device (by actor hex), ended or not by nothing: a revoked
/// device's sessions stay (its next request is told `device_revoked`), but its live
/// streams end.
pub fn device_sessions(store: &dyn Store, actor_hex: &str) -> Result<Vec<[u8; 32]>, AuthError> {
    let on = on_device(actor_hex)?;
    Ok(store
        .sessions()?
        .into_iter()
        .filter(|(_, s)| on(s))
        .map(|(hash, _)| hash)
        .collect())
}

/// Resolves a bearer token to its user.
pub fn authenticate(store: &dyn Store, token: &str, now_ms: i64) -> Result<AuthUser, AuthError> {
    let hash = token::hash_token(token);
    let session = store.session(&hash)?.ok_or(AuthError::MissingSession)?;
    let user = store
        .user_by_id(session.user_id)?
        .ok_or(AuthError::MissingSession)?;
    if let Some(e) = lapsed(&session, &user, now_ms) {
        store.delete_session(&hash)?;
        return Err(e);
    }
    let last_used = session.last_used.max(session.created_at);
    let mut auth = AuthUser::from(&user);
    auth.session = hash;
    auth.actor = session
        .device
        .as_ref()
        .and_then(|d| hex::decode(&d.actor).ok());
    if let Some(actor) = &auth.actor {
        check_device(store, actor, now_ms)?;
    }
    // "Last used" moves at most once a minute: a hint for the idle expiry, not flushed
    // (the next real write carries it).
    if now_ms - last_used >= LAST_SEEN_RESOLUTION_MS {
        store.touch_session(&hash, now_ms)?;
    }
    Ok(auth)
}

/// Ends a session; returns whose it was (`None`: no such session).
pub fn logout(store: &dyn Store, token: &str) -> Result<Option<UserId>, AuthError> {
    let hash = token::hash_token(token);
    let user = store.session(&hash)?.map(|s| s.user_id);
    store.delete_session(&hash)?;
    store.flush()?;
    Ok(user)
}

/// Ends the session a sign-out key belongs to (a device that signed out while offline
/// sends it later). Returns the ended session's hash and whose it was; a wrong or spent
/// key ends nothing and says nothing more.
pub fn end_session_by_key(
    store: &dyn Store,
    key: &str,
) -> Result<Option<([u8; 32], UserId)>, AuthError> {
    let Some((hash_hex, secret)) = key.split_once('.') else {
        return Ok(None);
    };
    let Some(hash) = hex::decode(hash_hex)
        .ok()
        .and_then(|h| <[u8; 32]>::try_from(h).ok())
    else {
        return Ok(None);
    };
    let Some(session) = store.session(&hash)? else {
        return Ok(None);
    };
    let proof = hex::encode(token::hash_token(secret));
    let matches = session.logout_hash.as_deref().is_some_and(|h| {
        // Constant time: the comparison says nothing about how close a guess was.
        h.len() == proof.len()
            && h.bytes()
                .zip(proof.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    if !matches {
        return Ok(None);
    }
    store.delete_session(&hash)?;
    store.flush()?;
    Ok(Some((hash, session.user_id)))
}

/// Ends every session `keep` says no to; returns the hashes of those ended.
pub fn end_sessions_where(
    store: &dyn Store,
    mut end: impl FnMut(&StoredSession) -> bool,
) -> Result<Vec<[u8; 32]>, AuthError> {
    let mut ended = Vec::new();
    for (hash, s) in store.sessions()? {
        if end(&s) {
            store.delete_session(&hash)?;
            ended.push(hash);
        }
    }
    store.flush()?;
    Ok(ended)
}

/// Ends every session opened on a device (the central office, for a phone that signed
/// out offline and never came back). The device may sign in again.
pub fn end_device_sessions(store: &dyn Store, actor_hex: &str) -> Result<Vec<[u8; 32]>, AuthError> {
    end_sessions_where(store, on_device(actor_hex)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SledStore;
    use strada_shared::ids::TeamId;

    fn store() -> (crate::testing::TempDir, SledStore) {
        crate::testing::temp_store("strada-auth")
    }

    fn user(s: &SledStore, name: &str, role: Role) {
        super::super::create_user(
            s,
            name,
            &Password::new(format!("password-{name}")),
            role,
            TeamId::parse("t").expect("team"),
            0,
        )
        .expect("user");
    }

    const N: usize = crate::auth::MAX_NEW_DEVICES_PER_DAY;
    const PHONE: &str = "0123456789abcdef0123456789abcdef";
    const OTHER: &str = "fedcba9876543210fedcba9876543210";

    /// From the attacker's thirteenth probe: a request read its session, a sign-out
    /// ended it, and the request's "last used" wrote it back. Touching an ended session
    /// leaves it ended; a live one moves.
    #[test]
    fn touching_an_ended_session_does_not_bring_it_back() {
        let (_d, s) = store();
        user(&s, "marta", Role::FieldWorker);
        let good = Password::new("password-marta".into());
        let ended = login(&s, "marta", &good, None, 1_000).expect("a sign-in");
        let live = login(&s, "marta", &good, None, 1_000).expect("another");
        s.delete_session(&ended.token.hash()).unwrap();
        s.touch_session(&ended.token.hash(), 500_000).unwrap();
        assert!(s.session(&ended.token.hash()).unwrap().is_none());
        assert!(authenticate(&s, ended.token.expose(), 500_000).is_err());
        assert!(authenticate(&s, live.token.expose(), 500_000).is_ok());
        let touched = s.session(&live.token.hash()).unwrap().expect("live");
        assert_eq!(touched.last_used, 500_000);
    }

    /// From the attacker's eighteenth probe: each sign-in from a new device id left a
    /// device record for good. Past the day's bound a new device is refused and nothing
    /// of it is stored; a device already known signs in; a day later new ones may again.
    #[test]
    fn an_account_registers_a_bounded_number_of_new_devices_a_day() {
        let (_d, s) = store();
        user(&s, "marta", Role::FieldWorker);
        let good = Password::new("password-marta".into());
        let actor = |i: usize| format!("{i:032x}");
        for i in 0..N {
            let signed = sign_in(
                &s,
                "marta",
                &good,
                Some(&actor(i + 1)),
                None,
                N,
                1_000 + i as i64,
            )
            .expect("a new device");
            assert!(signed.device_key.is_some());
        }
        let next = actor(99);
        let refused = sign_in(&s, "marta", &good, Some(&next), None, N, 5_000);
        assert!(
            matches!(refused, Err(AuthError::TooManyDevices)),
            "{refused:?}"
        );
        let raw = parse_actor(&next).unwrap();
        assert!(
            s.device(&raw).unwrap().is_none(),
            "no record of the refused device"
        );
        assert_eq!(s.devices().unwrap().len(), N);
        // A device the account uses signs in as ever, and another account is not bound.
        sign_in(&s, "marta", &good, Some(&actor(1)), None, N, 6_000).expect("a known device");
        user(&s, "karim", Role::FieldWorker);
        let karim = Password::new("password-karim".into());
        sign_in(&s, "karim", &karim, Some(&next), None, N, 6_000).expect("another account");
        // A day later the first devices are a day old: a new one signs in.
        let later = 1_000 + 24 * 3600 * 1000;
        sign_in(
            &s,
            "marta",
            &good,
            Some(&actor(200)),
            None,
            N,
            later + 7_000,
        )
        .expect("a day later");
    }

    /// From the attacker's eleventh probe: signing in again and again kept every session
    /// (161 in 5 s, each for a month). Past the bound the oldest end, the phone's last.
    #[test]
    fn an_account_holds_a_bounded_number_of_sessions_and_its_phone_keeps_its_own() {
        let (_d, s) = store();
        user(&s, "marta", Role::FieldWorker);
        let good = Password::new("password-marta".into());
        let phone = login(&s, "marta", &good, Some(PHONE), 1_000).expect("her phone");
        let mut tokens = Vec::new();
        let mut ended = Vec::new();
        for i in 0..(MAX_SESSIONS_PER_ACCOUNT as i64 + 5) {
            let signed = login(&s, "marta", &good, None, 2_000 + i).expect("a sign-in");
            ended.extend(signed.ended.iter().copied());
            tokens.push(signed.token);
        }
        let mine = |s: &SledStore| {
            s.sessions()
                .unwrap()
                .into_iter()
                .filter(|(_, x)| x.user_id == phone.user.id)
                .count()
        };
        assert_eq!(mine(&s), MAX_SESSIONS_PER_ACCOUNT);
        // The phone's session holds; the first browser sessions ended, the latest hold.
        assert!(authenticate(&s, phone.token.expose(), 3_000).is_ok());
        for t in &tokens[..6] {
            assert!(authenticate(&s, t.expose(), 3_000).is_err());
            assert!(ended.contains(&t.hash()));
        }
        for t in &tokens[6..] {
            assert!(authenticate(&s, t.expose(), 3_000).is_ok());
        }
        assert_eq!(ended.len(), 6);
    }

    #[test]
    fn six_wrong_passwords_lock_new_devices_out_but_not_the_phone_the_account_uses() {
        let (_d, s) = store();
        user(&s, "marta", Role::FieldWorker);
        let good = Password::new("password-marta".into());
        let bad = Password::new("wrong-password".into());
        let first =
            login(&s, "marta", &good, Some(PHONE), 1_000).expect("first sign-in on her phone");
        let key = first.device_key.expect("a key for the phone");
        for _ in 0..MAX_FAILED_LOGINS {
            assert!(matches!(
                login(&s, "marta", &bad, Some(OTHER), 2_000),
                Err(AuthError::BadCredentials)
            ));
        }
        // From elsewhere, even the right password waits (and is not even checked).
        assert!(matches!(
            login(&s, "marta", &good, Some(OTHER), 3_000),
            Err(AuthError::Locked { .. })
        ));
        assert!(matches!(
            login(&s, "marta", &good, None, 3_000),
            Err(AuthError::Locked { .. })
        ));
        // Her own phone signs in, showing its key — not whoever names its actor (no
        // secret: every change the phone writes carries it).
        assert!(matches!(
            login(&s, "marta", &good, Some(PHONE), 3_000),
            Err(AuthError::Locked { .. })
        ));
        assert!(matches!(
            sign_in(&s, "marta", &good, Some(PHONE), Some("a-guess"), N, 3_000),
            Err(AuthError::Locked { .. })
        ));
        sign_in(
            &s,
            "marta",
            &good,
            Some(PHONE),
            Some(key.expose()),
            N,
            3_000,
        )
        .expect("her phone is not locked out");
        // Until the lock ends for the others.
        login(&s, "marta", &good, Some(OTHER), 2_000 + LOCK_MS + 1).expect("after the lock");
    }

    /// Marta signed in on her phone: her password, a wrong one, and her phone's key.
    fn marta_on_her_phone(s: &SledStore) -> (Password, Password, SessionToken) {
        user(s, "marta", Role::FieldWorker);
        let good = Password::new("password-marta".into());
        let bad = Password::new("wrong-password".into());
        let key = login(s, "marta", &good, Some(PHONE), 0)
            .expect("sign-in")
            .device_key
            .expect("key");
        (good, bad, key)
    }

    #[test]
    fn guesses_from_a_known_device_lock_that_device_only() {
        let (_d, s) = store();
        let (good, bad, key) = marta_on_her_phone(&s);
        for _ in 0..MAX_FAILED_LOGINS {
            let _ = sign_in(&s, "marta", &bad, Some(PHONE), Some(key.expose()), N, 10);
        }
        assert!(matches!(
            sign_in(&s, "marta", &good, Some(PHONE), Some(key.expose()), N, 20),
            Err(AuthError::Locked { .. })
        ));
        login(&s, "marta", &good, Some(OTHER), 20).expect("the account itself is not locked");
    }

    /// An attacker's probe: six wrong passwords naming a worker's phone (its actor id,
    /// read from any change it wrote) locked that phone out. Without the phone's key
    /// they count against the account, and the phone still signs in.
    #[test]
    fn a_stranger_naming_a_phone_does_not_lock_it_out() {
        let (_d, s) = store();
        let (good, bad, key) = marta_on_her_phone(&s);
        for _ in 0..MAX_FAILED_LOGINS {
            assert!(matches!(
                login(&s, "marta", &bad, Some(PHONE), 10),
                Err(AuthError::BadCredentials)
            ));
        }
        let next = sign_in(&s, "marta", &good, Some(PHONE), Some(key.expose()), N, 20)
            .expect("the phone signs in");
        // The key changes at each sign-in: the old one no longer proves the phone.
        let newer = next.device_key.expect("a new key");
        assert_ne!(newer.expose(), key.expose());
        assert!(matches!(
            sign_in(&s, "marta", &good, Some(PHONE), Some(key.expose()), N, 30),
            Err(AuthError::Locked { .. })
        ));
        sign_in(&s, "marta", &good, Some(PHONE), Some(newer.expose()), N, 30).expect("the new key");
    }

    #[test]
    fn central_sessions_end_after_fifteen_idle_minutes_field_ones_do_not() {
        let (_d, s) = store();
        user(&s, "admin", Role::CentralOffice);
        user(&s, "marta", Role::FieldWorker);
        let a = login(
            &s,
            "admin",
            &Password::new("password-admin".into()),
            None,
            0,
        )
        .expect("sign-in");
        let m = login(
            &s,
            "marta",
            &Password::new("password-marta".into()),
            None,
            0,
        )
        .expect("sign-in");
        // Used every 10 minutes: alive.
        for t in [10, 20, 30] {
            authenticate(&s, a.token.expose(), t * 60_000).expect("still in use");
        }
        // 16 idle minutes.
        assert!(matches!(
            authenticate(&s, a.token.expose(), 46 * 60_000),
            Err(AuthError::ExpiredSession)
        ));
        // A field session idles for days.
        authenticate(&s, m.token.expose(), 5 * 24 * 3_600_000).expect("offline for days");
        assert!(matches!(
            authenticate(&s, m.token.expose(), SESSION_TTL_MS + 1),
            Err(AuthError::ExpiredSession)
        ));
    }
}
