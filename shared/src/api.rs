//! REST messages: sign-in, errors, and the central records the server projects.

use serde::{Deserialize, Serialize};

use crate::domain::{NeedCategory, PersonRef, Place, Role};
use crate::ids::{DocId, TeamId, UserId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The syncing device's automerge actor id (hex). A session without one can read the
    /// API but not push.
    #[serde(default)]
    pub device_actor: Option<String>,
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
}

/// `POST /api/auth/end-session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub team: TeamId,
    /// When the server first stored the document, RFC 3339.
    pub received_at: String,
    /// When the server last merged a change into it, RFC 3339.
    pub updated_at: String,
    /// The document heads this record was projected from.
    pub heads: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthResponse {
    pub status: String,
    pub version: String,
    pub schema_version: u32,
}
