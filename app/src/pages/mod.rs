//! Pages, one per file, and the shell that switches between them.

pub mod accounts;
pub mod app;
pub mod central;
pub mod field;
pub mod login;
pub mod offline_scope;
pub mod persons;
pub mod referrals;
pub mod services;
pub mod unlock;
pub mod workspace;
