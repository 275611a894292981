//! REST messages: sign-in, errors, and the central records the server projects.

use serde::{Deserialize, Serialize};

use crate::domain::{NeedCategory, PersonRef, Place, Role};
use crate::ids::{DocId, TeamId, UserId};
use crate::schema::contact::Group;
use crate::vocab::{Channel, ConsentStatus, FollowUp, Indicator, Material, Mediator, Sector};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The syncing device's automerge actor id (hex). A session without one can read the
    /// API but not push.
    #[serde(default)]
    pub device_actor: Option<String>,
    /// The key the device was given at its last sign-in (`LoginResponse::device_key`):
    /// with it, the device signs in even while the account is locked for other devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
}

/// Who is signed in, as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub team: TeamId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// Opaque bearer token; the server keeps only its hash.
    pub token: String,
    pub user: UserInfo,
    /// RFC 3339.
    pub expires_at: String,
    /// Ends this session and nothing else: what a device keeps when it signs out
    /// offline, to end the session at its next contact (`POST /api/auth/end-session`).
    #[serde(default)]
    pub logout_key: Option<String>,
    /// For a device: what it shows at its next sign-in to be known as itself (an actor
    /// id is no secret). Kept with the session, encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
}

/// `POST /api/auth/end-session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndSessionRequest {
    pub logout_key: String,
}

/// Every 4xx/5xx body: a stable machine code and a safe, human message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// The 401 error code of a request from a device the central office revoked: the app
/// wipes its data at once.
pub const DEVICE_REVOKED: &str = "device_revoked";
/// The 401 error code of a request or sign-in of an account the central office
/// disabled: the app keeps its data and says why.
pub const ACCOUNT_DISABLED: &str = "account_disabled";
/// The 429 error code of a sign-in while too many wrong passwords lock the account (from
/// devices it never used) or the device.
pub const ACCOUNT_LOCKED: &str = "account_locked";
/// The 429 error code of a sign-in from one more new device after too many devices of the
/// account signed in within a day.
pub const TOO_MANY_DEVICES: &str = "too_many_devices";
/// The 429 error code of a sign-in from an address with too many wrong ones.
pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";

/// A device that signed in, as the central office lists it: no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// The device's automerge actor id (hex): the id to revoke it by.
    pub id: String,
    /// The first 8 hex digits of the actor, to tell devices apart.
    pub short_id: String,
    pub username: String,
    pub team: TeamId,
    /// RFC 3339: the first sign-in on this device.
    pub signed_in_at: String,
    /// RFC 3339: the last request from this device (to the minute).
    pub last_seen: String,
    /// RFC 3339, when revoked.
    pub revoked_at: Option<String>,
    /// Unexpired sessions opened on this device.
    #[serde(default)]
    pub active_sessions: u32,
}

/// A contact as the central office sees it: projected from its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub id: DocId,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub place: Option<Place>,
    pub person: PersonRef,
    pub needs: Vec<NeedCategory>,
    pub note: String,
    pub author: UserId,
    /// The author's user name (an account's, or as an imported file gave it): on a single
    /// contact's page (`GET /api/contacts/{id}`) only, never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub team: TeamId,
    /// When the server first stored the document, RFC 3339.
    pub received_at: String,
    /// When the server last merged a change into it, RFC 3339.
    pub updated_at: String,
    /// The document heads this record was projected from.
    pub heads: Vec<String>,
    // Every field below came with the central workspace (issue 11): a record stored
    // before reads with defaults until the server projects it again (at its start).
    /// The person document, when the person is known and consented.
    #[serde(default)]
    pub person_id: Option<DocId>,
    /// The first alias of the person the contact counts under when its person was
    /// merged into another (the survivor): filled in when read, never stored; `None`
    /// otherwise (the contact's own `person` names them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survivor_name: Option<String>,
    /// A group contact (two people or more).
    #[serde(default)]
    pub group: Option<Group>,
    #[serde(default)]
    pub channel: Channel,
    #[serde(default)]
    pub sector: Option<Sector>,
    #[serde(default)]
    pub workplace: String,
    /// Observed indicators, each with its note.
    #[serde(default)]
    pub indicators: Vec<IndicatorNote>,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub mediator: Mediator,
    #[serde(default)]
    pub follow_up: FollowUp,
    /// Consent at the time of the contact.
    #[serde(default)]
    pub consent: ConsentStatus,
    /// Sensitive fields set to different values on two devices apart (to review).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<crate::schema::conflicts::FieldConflict>,
}

/// An observed indicator of exploitation and the worker's note on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorNote {
    pub code: Indicator,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthResponse {
    pub status: String,
    pub version: String,
    pub schema_version: u32,
}

/// An account as the central office administers it: no password, no token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub username: String,
    pub role: Role,
    pub team: TeamId,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, when disabled.
    pub disabled_at: Option<String>,
    /// RFC 3339: until then the account signs in only from devices it already uses
    /// (too many wrong passwords).
    pub locked_until: Option<String>,
    /// Wrong passwords in a row from new devices.
    pub failed_logins: u32,
    /// Unexpired sessions.
    pub sessions: u32,
    /// Devices not revoked.
    pub devices: u32,
}

/// `POST /api/accounts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub role: Role,
    pub team: String,
}

/// `POST /api/accounts/{name}/role`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: Role,
    pub team: String,
}

/// A one-time password, shown once to the central office to hand to the account's owner.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountPassword {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for AccountPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountPassword")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// One open session of an account (no token, no key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSession {
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: the last request (to the minute).
    pub last_used: String,
    /// RFC 3339: when it ends unless used (idle limit) or at the latest.
    pub expires_at: String,
    /// The first 8 hex digits of the device's actor, when opened on a syncing device.
    pub device: Option<String>,
}

/// One invalid line of an exchange file (`POST /api/exchange/import`): its number (from
/// 1), the field (a path such as `group.people` or `history[2].status`; empty for the
/// line as a whole) and the reason — never what the field holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLineError {
    pub line: usize,
    pub field: String,
    pub reason: String,
}

/// What an import of an exchange file did, or — dry, or with invalid lines — would do:
/// records per type (`team`, `person`, `contact`, `referral`) created, updated and
/// unchanged, or every invalid line (then nothing is stored and the counts are 0).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    /// No invalid line.
    pub ok: bool,
    /// Checked only: nothing was stored.
    pub dry_run: bool,
    pub created: std::collections::BTreeMap<String, u64>,
    pub updated: std::collections::BTreeMap<String, u64>,
    pub unchanged: std::collections::BTreeMap<String, u64>,
    /// Stored persons whose consent the file withdraws, and those a person it withdraws
    /// was merged into: their identifying data, and the names in their contacts and
    /// referrals, are erased for good (a check says it before anything is stored).
    #[serde(default)]
    pub withdrawals: u64,
    /// In line order.
    pub errors: Vec<ImportLineError>,
    /// Lines taken without part of what they give, in line order: a person whose consent
    /// is `not_asked` or `refused` is kept without identifying data (the field named is
    /// the first such field of the line).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<ImportLineError>,
}
