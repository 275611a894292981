//! The periodic report: `GET /api/reports/summary?from=&to=`, the figures of
//! `EXCHANGE.md` §2 over the central index (see `crate::report` for how each definition
//! is read). For the roles that see the whole PUA's figures (`Role::reads_reports`).

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use strada_shared::ids::{TeamId, UserId};
use strada_shared::report::Summary;

use super::AppState;
use super::central::require;
use super::error::AppError;
use crate::audit::{self, Act, Record};
use crate::auth::AuthUser;
use crate::exchange::export::Names as ExchangeNames;
use crate::report::{self, Period};
use crate::storage::StoreError;

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The period of a query, or a 400 that says what is wrong with it.
pub fn period_of(
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Period, AppError> {
    let Query(q) = query.map_err(|_| AppError::BadRequest {
        code: "invalid_period",
        message: "the query string is not form-encoded".into(),
    })?;
    Period::parse(q.from.as_deref(), q.to.as_deref()).map_err(|e| AppError::BadRequest {
        code: "invalid_period",
        message: e.0,
    })
}

/// Team keys, user names and organisations, from the store and the directory.
struct StoreNames<'a> {
    exchange: ExchangeNames<'a>,
    directory: &'a crate::directory::ServedDirectory,
}

impl report::Names for StoreNames<'_> {
    fn team(&mut self, team: &TeamId) -> Result<String, StoreError> {
        self.exchange.team_id(team)
    }
    fn user(&mut self, user: UserId) -> Result<Option<String>, StoreError> {
        self.exchange.user(user)
    }
    fn organisation(&mut self, service_id: &str) -> Option<String> {
        self.directory.organisation_of(service_id)
    }
}

/// The summary of a period, computed over the index.
pub(crate) async fn summary_of(state: &AppState, period: Period) -> Result<Summary, AppError> {
    let tally =
        super::central::with_index(state, move |_, index| report::tally(index, &period)).await?;
    let store = state.store.clone();
    let directory = state.directory.clone();
    tokio::task::spawn_blocking(move || {
        let mut names = StoreNames {
            exchange: ExchangeNames::new(store.as_ref())?,
            directory: &directory,
        };
        tally.named(&mut names)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

/// `GET /api/reports/summary?from=YYYY-MM-DD&to=YYYY-MM-DD`.
pub async fn summary(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Summary>, AppError> {
    require(
        user.role.reads_reports(),
        "the PUA's figures are for the central office",
    )?;
    let period = period_of(query)?;
    let summary = summary_of(&state, period).await?;
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ReadReport)
            .by(&user)
            .count(summary.contacts as usize),
    )?;
    Ok(Json(summary))
}
