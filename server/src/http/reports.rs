//! The periodic report: `GET /api/reports/summary?from=&to=`, the figures of
//! `EXCHANGE.md` §2 over the central index (see `crate::report` for how each definition
//! is read). For the roles that see the whole PUA's figures (`Role::reads_reports`).

use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use strada_shared::central::NO_CONTACT_DAYS;
use strada_shared::domain::NeedCategory;
use strada_shared::ids::{TeamId, UserId};
use strada_shared::report::{
    CSV_TABLES, Counts, Dashboard, MAX_NOTE_CHARS, Monitoring, ReportNote, Summary, Views,
};
use strada_shared::schema::case::add_days;
use strada_shared::schema::pua_rules::PuaRulesDoc;
use strada_shared::vocab::InterventionStatus;
use strada_shared::vocab::{Channel, Code, Outcome, Sector};

use super::AppState;
use super::central::{csv_response, csv_row, require};
use super::error::AppError;
use crate::audit::{self, Act, Record};
use crate::auth::AuthUser;
use crate::central::Index;
use crate::exchange::export::Names as ExchangeNames;
use crate::report::anonymous::{self, Table};
use crate::report::{self, Period};
use crate::storage::{ExchangeKind, Store, StoreError};

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

/// The figures and views of a period (of one team's records when `team` is given),
/// computed over the index.
pub(crate) async fn figures_of(
    state: &AppState,
    period: Period,
    team: Option<TeamId>,
) -> Result<(Summary, Views), AppError> {
    let tally = super::central::with_index(state, move |_, index| {
        report::tally(index, &period, team.as_ref())
    })
    .await?;
    named(state, tally).await
}

/// A tally's keys named from the store and the directory.
async fn named(state: &AppState, tally: report::Tally) -> Result<(Summary, Views), AppError> {
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

fn require_reports(user: &AuthUser) -> Result<(), AppError> {
    require(
        user.role.reads_reports(),
        "the PUA's figures are for the central office",
    )
}

/// `GET /api/reports/summary?from=YYYY-MM-DD&to=YYYY-MM-DD`.
pub async fn summary(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Summary>, AppError> {
    require_reports(&user)?;
    let period = period_of(query)?;
    let (summary, _) = figures_of(&state, period, None).await?;
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ReadReport)
            .by(&user)
            .count(summary.contacts as usize),
    )?;
    Ok(Json(summary))
}

#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// A team's slug or its external id; none: the whole PUA.
    pub team: Option<String>,
}

/// The team a query names, by slug or by external id.
fn team_of(store: &dyn Store, team: Option<&str>) -> Result<Option<TeamId>, AppError> {
    let Some(t) = team.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if let Some(e) = store.exchange_entry(ExchangeKind::Team, t)? {
        return Ok(TeamId::parse(&e.internal).ok());
    }
    TeamId::parse(t)
        .map(Some)
        .map_err(|_| AppError::BadRequest {
            code: "invalid_filter",
            message: "team is a team's id".into(),
        })
}

/// The cases open at the end of the period — or on `today` (Rome) when the period is
/// not over: what is overdue today, not what would be by a day still to come —
/// monitored one by one, counted.
fn monitoring(
    index: &Index,
    period: &Period,
    team: Option<&TeamId>,
    rules: Option<&PuaRulesDoc>,
    today: chrono::NaiveDate,
) -> Monitoring {
    // A period wholly to come is looked at today too (the verification of the fix: its
    // first day counted reviews that are not yet overdue).
    let as_of = period.to.min(today);
    let to = as_of.format("%Y-%m-%d").to_string();
    let mut m = Monitoring {
        as_of: to.clone(),
        ..Monitoring::default()
    };
    for record in index.cases.values() {
        let c = &record.case;
        if team.is_some_and(|t| *t != c.team)
            || c.opened_at.as_str() > to.as_str()
            || c.closed_at.as_deref().is_some_and(|d| d <= to.as_str())
        {
            continue;
        }
        m.open += 1;
        let interval = rules
            .and_then(|r| r.version(c.rules_version).or_else(|| r.current()))
            .map_or(30, |v| v.review_interval_days);
        if c.review_due_as_of(interval, &to)
            .is_some_and(|due| due < to)
        {
            m.overdue_reviews += 1;
        }
        let survivor = index.survivor_of(c.person_id);
        let last_contact = index
            .contacts_of_person(survivor)
            .iter()
            .filter_map(|id| index.contacts.get(id))
            .map(|r| r.occurred_at)
            .filter(|at| report::rome_day(*at) <= as_of)
            .max()
            .map(|at| report::rome_day(at).format("%Y-%m-%d").to_string());
        let since = strada_shared::central::last_met(c, last_contact, &to);
        if add_days(&since, NO_CONTACT_DAYS).is_some_and(|d| d <= to) {
            m.no_recent_contact += 1;
        }
        let (live, done) = c
            .interventions
            .values()
            .filter(|i| i.status != InterventionStatus::Cancelled)
            .fold((0usize, 0usize), |(n, d), i| {
                let by_end = i.done_at.as_deref().is_some_and(|x| x <= to.as_str());
                (n + 1, d + usize::from(by_end))
            });
        let bucket = match (live, done) {
            (0, _) => "none",
            (_, 0) => "0",
            (n, d) if d >= n => "100",
            (n, d) if d * 2 >= n => "50-99",
            _ => "1-49",
        };
        *m.pip_done.entry(bucket.to_string()).or_default() += 1;
    }
    m
}

/// The dashboard of a period and team: one read of the index, the period and the one
/// before counted side by side (two threads: each is a pass over every contact).
pub(crate) async fn dashboard_of(
    state: &AppState,
    period: Period,
    team: Option<TeamId>,
) -> Result<Dashboard, AppError> {
    let store = state.store.clone();
    let cache = state.rules.clone();
    let rules = tokio::task::spawn_blocking(move || cache.get(store.as_ref()))
        .await
        .map_err(AppError::internal)??;
    let (now, before, monitoring, slugs) = super::central::with_index(state, move |_, index| {
        let previous = period.previous();
        let (now, before) = std::thread::scope(|scope| {
            let before = previous
                .as_ref()
                .map(|p| scope.spawn(|| report::tally(index, p, team.as_ref())));
            let now = report::tally(index, &period, team.as_ref());
            (now, before.map(|b| b.join()))
        });
        let today = report::rome_day(crate::now_ms());
        let m = monitoring(index, &period, team.as_ref(), rules.as_deref(), today);
        (now, before, m, index.teams())
    })
    .await?;
    let before = before
        .transpose()
        .map_err(|_| AppError::internal(anyhow::anyhow!("a report thread failed")))?;
    let (summary, views) = named(state, now).await?;
    let previous = match before {
        Some(tally) => Some(named(state, tally).await?.0),
        None => None,
    };
    let mut names = ExchangeNames::new(state.store.as_ref())?;
    let mut teams = Vec::new();
    for slug in slugs {
        let key = names.team_id(&slug)?;
        teams.push((slug.to_string(), key));
    }
    Ok(Dashboard {
        summary,
        previous,
        views,
        monitoring,
        teams,
    })
}

/// The period and team of a dashboard query.
fn dashboard_query(
    state: &AppState,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<(Period, Option<TeamId>, DashboardQuery), AppError> {
    let Query(q) = query.map_err(|_| AppError::BadRequest {
        code: "invalid_period",
        message: "the query string is not form-encoded".into(),
    })?;
    let period =
        Period::parse(q.from.as_deref(), q.to.as_deref()).map_err(|e| AppError::BadRequest {
            code: "invalid_period",
            message: e.0,
        })?;
    let team = team_of(state.store.as_ref(), q.team.as_deref())?;
    Ok((period, team, q))
}

/// `GET /api/reports/dashboard?from=&to=&team=`: the figures of a period and of the one
/// before, the seasonal, area and network views, and the cases' monitoring.
pub async fn dashboard(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Dashboard>, AppError> {
    require_reports(&user)?;
    let (period, team, _) = dashboard_query(&state, query)?;
    let dashboard = dashboard_of(&state, period, team).await?;
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ReadReport)
            .by(&user)
            .count(dashboard.summary.contacts as usize),
    )?;
    Ok(Json(dashboard))
}

fn number(v: Option<f64>) -> String {
    v.map(|x| {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    })
    .unwrap_or_default()
}

fn counts_csv(out: &mut String, head: &str, now: &Counts, before: Option<&Counts>) {
    csv_row(out, &[head, "count", "previous"]);
    let mut keys: std::collections::BTreeSet<&String> = now.keys().collect();
    if let Some(b) = before {
        keys.extend(b.keys());
    }
    for k in keys {
        let n = now.get(k).copied().unwrap_or(0).to_string();
        let p = before.map(|b| b.get(k).copied().unwrap_or(0).to_string());
        csv_row(out, &[k, &n, p.as_deref().unwrap_or("")]);
    }
}

/// The figures of the summary that are one number, with their values.
fn headline(s: &Summary) -> Vec<(&'static str, String)> {
    vec![
        ("contacts", s.contacts.to_string()),
        ("people_reached", s.people_reached.to_string()),
        ("new_persons", s.new_persons.to_string()),
        ("referrals", s.referrals.to_string()),
        (
            "referral_acceptance_rate",
            number(s.referral_acceptance_rate),
        ),
        (
            "referral_median_days_to_answer",
            number(s.referral_median_days_to_answer),
        ),
        (
            "referrals_waiting_at_end",
            s.referrals_waiting_at_end.to_string(),
        ),
        ("cases_opened", s.cases_opened.to_string()),
        ("cases_eligible_rate", number(s.cases_eligible_rate)),
        ("cases_active_at_end", s.cases_active_at_end.to_string()),
        ("case_success_rate", number(s.case_success_rate)),
        ("pip_implementation_rate", number(s.pip_implementation_rate)),
    ]
}

/// One table of a dashboard as CSV (`CSV_TABLES`), `None` for an unknown name.
pub fn table_csv(d: &Dashboard, table: &str) -> Option<String> {
    let mut out = String::new();
    let s = &d.summary;
    let p = d.previous.as_ref();
    match table {
        "figures" => {
            csv_row(&mut out, &["figure", "value", "previous"]);
            let before = p.map(headline);
            for (i, (k, v)) in headline(s).into_iter().enumerate() {
                let prev = before.as_ref().map(|b| b[i].1.clone()).unwrap_or_default();
                csv_row(&mut out, &[k, &v, &prev]);
            }
        }
        "seasonal" => {
            let mut sectors: Vec<&str> = Sector::ALL.iter().map(|x| x.code()).collect();
            sectors.push("unknown");
            let mut head = vec!["month"];
            head.extend(&sectors);
            csv_row(&mut out, &head);
            for month in &d.views.months {
                let row = d.views.seasonal.get(month);
                let values: Vec<String> = sectors
                    .iter()
                    .map(|x| {
                        row.and_then(|r| r.get(*x))
                            .copied()
                            .unwrap_or(0)
                            .to_string()
                    })
                    .collect();
                let mut fields = vec![month.as_str()];
                fields.extend(values.iter().map(String::as_str));
                csv_row(&mut out, &fields);
            }
        }
        "channels" => counts_csv(
            &mut out,
            "channel",
            &s.contacts_by_channel,
            p.map(|p| &p.contacts_by_channel),
        ),
        "sectors" => counts_csv(
            &mut out,
            "sector",
            &s.contacts_by_sector,
            p.map(|p| &p.contacts_by_sector),
        ),
        "teams" => counts_csv(
            &mut out,
            "team",
            &s.contacts_by_team,
            p.map(|p| &p.contacts_by_team),
        ),
        "needs" => counts_csv(&mut out, "need", &s.needs, p.map(|p| &p.needs)),
        "indicators" => counts_csv(
            &mut out,
            "indicator",
            &s.indicators,
            p.map(|p| &p.indicators),
        ),
        "referral_needs" => counts_csv(
            &mut out,
            "need",
            &s.referrals_by_need,
            p.map(|p| &p.referrals_by_need),
        ),
        "outcomes" => counts_csv(
            &mut out,
            "outcome",
            &s.cases_closed_by_outcome,
            p.map(|p| &p.cases_closed_by_outcome),
        ),
        "network" => {
            csv_row(
                &mut out,
                &[
                    "organisation",
                    "proposed",
                    "sent",
                    "answered",
                    "accepted",
                    "declined",
                    "attended",
                    "acceptance_rate",
                    "median_days_to_answer",
                ],
            );
            for f in &d.views.funnel {
                let declined = f.answered - f.accepted;
                let rate = strada_shared::report::rate(f.accepted, f.answered);
                csv_row(
                    &mut out,
                    &[
                        &f.organisation,
                        &f.proposed.to_string(),
                        &f.sent.to_string(),
                        &f.answered.to_string(),
                        &f.accepted.to_string(),
                        &declined.to_string(),
                        &f.attended.to_string(),
                        &number(rate),
                        &number(f.median_days_to_answer),
                    ],
                );
            }
        }
        "workload" => {
            csv_row(&mut out, &["user", "contacts", "referrals", "cases"]);
            for (user, w) in &s.workload {
                csv_row(
                    &mut out,
                    &[
                        user,
                        &w.contacts.to_string(),
                        &w.referrals.to_string(),
                        &w.cases.to_string(),
                    ],
                );
            }
        }
        "area" => {
            let needs: Vec<&str> = NeedCategory::ALL.iter().map(|n| n.code()).collect();
            let mut head = vec!["south_lat", "west_lon", "cell_deg", "contacts"];
            head.extend(&needs);
            csv_row(&mut out, &head);
            for c in &d.views.area.cells {
                let mut fields = vec![
                    format!("{:.2}", c.lat),
                    format!("{:.2}", c.lon),
                    format!("{}", d.views.area.cell_deg),
                    c.contacts.to_string(),
                ];
                fields.extend(
                    needs
                        .iter()
                        .map(|n| c.needs.get(*n).copied().unwrap_or(0).to_string()),
                );
                let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
                csv_row(&mut out, &refs);
            }
        }
        "monitoring" => {
            let m = &d.monitoring;
            csv_row(&mut out, &["measure", "cases"]);
            csv_row(&mut out, &["open_at_end", &m.open.to_string()]);
            csv_row(
                &mut out,
                &["overdue_reviews", &m.overdue_reviews.to_string()],
            );
            csv_row(
                &mut out,
                &["no_contact_90_days", &m.no_recent_contact.to_string()],
            );
            for bucket in ["none", "0", "1-49", "50-99", "100"] {
                let n = m.pip_done.get(bucket).copied().unwrap_or(0).to_string();
                csv_row(&mut out, &[&format!("pip_done_{bucket}"), &n]);
            }
        }
        _ => return None,
    }
    Some(out)
}

#[derive(Debug, Default, Deserialize)]
pub struct CsvQuery {
    pub table: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub team: Option<String>,
}

/// `GET /api/reports/csv?table=&from=&to=&team=`: one table of the dashboard as CSV.
pub async fn csv(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<CsvQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    require_reports(&user)?;
    let Query(q) = query.map_err(|_| AppError::BadRequest {
        code: "invalid_period",
        message: "the query string is not form-encoded".into(),
    })?;
    let table = q.table.clone().unwrap_or_default();
    if !CSV_TABLES.contains(&table.as_str()) {
        return Err(AppError::BadRequest {
            code: "invalid_filter",
            message: format!("table is one of {}", CSV_TABLES.join(", ")),
        });
    }
    let (period, team, _) = dashboard_query(
        &state,
        Ok(Query(DashboardQuery {
            from: q.from,
            to: q.to,
            team: q.team,
        })),
    )?;
    let name = format!("strada-{}-{}-{}", table, period.from, period.to);
    let d = dashboard_of(&state, period, team).await?;
    let body = table_csv(&d, &table).unwrap_or_default();
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ExportCsv)
            .by(&user)
            .count(body.lines().count().saturating_sub(1)),
    )?;
    Ok(csv_response(&name, body))
}

/// Whether `from..=to` is one calendar quarter (January–March, …), its first day to its
/// last.
fn is_calendar_quarter(from: chrono::NaiveDate, to: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    from.day() == 1
        && from.month() % 3 == 1
        && from
            .checked_add_months(chrono::Months::new(3))
            .and_then(|next| next.pred_opt())
            == Some(to)
}

/// `GET /api/reports/anonymous?from=&to=`: counts of people for sharing outside the
/// PUA, every figure describing at least 11 people or hidden (`report::anonymous`), for
/// one calendar quarter only: the difference between two overlapping periods (the
/// same month from its first and from its second day) would give away a count the
/// export hides (an attacker's probe).
pub async fn anonymous(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    require_reports(&user)?;
    let period = period_of(query)?;
    if !is_calendar_quarter(period.from, period.to) {
        return Err(AppError::BadRequest {
            code: "invalid_period",
            message: "the anonymous export covers one calendar quarter, from its first day to \
                      its last: two overlapping periods would give away the small counts it hides"
                .into(),
        });
    }
    // Published once a quarter is over, and the same file ever after (the attacker's
    // fifteenth probe: two exports of the quarter under way, one contact apart, gave
    // that one person away; a contact dated back into an ended quarter, or an edit,
    // would do the same between two exports made fresh).
    let today = crate::report::rome_day(crate::now_ms());
    if period.to >= today {
        return Err(AppError::BadRequest {
            code: "quarter_not_over",
            message: "the anonymous export of a quarter is published once the quarter is over (made from the day after its last): until then two exports would give away by their difference the small counts it hides"
                .into(),
        });
    }
    let name = format!("strada-anonymous-{}-{}", period.from, period.to);
    let key = format!(
        "{}-Q{}:anonymous",
        chrono::Datelike::year(&period.from),
        (chrono::Datelike::month(&period.from) - 1) / 3 + 1
    );
    if let Some(bytes) = state.store.report_note(&key)? {
        audit::record(
            state.store.as_ref(),
            crate::now_ms(),
            Record::new(Act::ExportAnonymous).by(&user),
        )?;
        return Ok(csv_response(&name, published_text(bytes)?));
    }
    let tables = super::central::with_index(&state, move |_, index| {
        report::people_tables(index, &period)
    })
    .await?;
    let mut names = ExchangeNames::new(state.store.as_ref())?;
    let team_keys: Vec<String> = tables
        .teams
        .iter()
        .map(|t| names.team_id(t))
        .collect::<Result<_, _>>()?;
    let mut sectors: Vec<&'static str> = Sector::ALL.iter().map(|x| x.code()).collect();
    sectors.push("unknown");
    let channels: Vec<&'static str> = Channel::ALL.iter().map(|x| x.code()).collect();
    let outcomes: Vec<&'static str> = Outcome::ALL.iter().map(|x| x.code()).collect();
    let grid = |rows: usize, cols: usize, f: &dyn Fn(usize, usize) -> u64| {
        (0..rows)
            .map(|r| (0..cols).map(|c| f(r, c)).collect())
            .collect::<Vec<Vec<u64>>>()
    };
    let month_sector = Table {
        name: "people_by_month_and_sector".into(),
        rows: tables.months.clone(),
        cols: sectors.iter().map(|s| s.to_string()).collect(),
        cells: grid(tables.months.len(), sectors.len(), &|r, c| {
            tables
                .month_sector
                .get(&(tables.months[r].clone(), sectors[c]))
                .copied()
                .unwrap_or(0)
        }),
    };
    let team_channel = Table {
        name: "people_by_team_and_channel".into(),
        rows: team_keys.clone(),
        cols: channels.iter().map(|s| s.to_string()).collect(),
        cells: grid(tables.teams.len(), channels.len(), &|r, c| {
            tables
                .team_channel
                .get(&(tables.teams[r].clone(), channels[c]))
                .copied()
                .unwrap_or(0)
        }),
    };
    let closed = Table {
        name: "persons_by_case_outcome".into(),
        rows: outcomes.iter().map(|s| s.to_string()).collect(),
        cols: vec!["persons".into()],
        cells: grid(outcomes.len(), 1, &|r, _| {
            tables.outcomes.get(outcomes[r]).copied().unwrap_or(0)
        }),
    };
    let published: Vec<_> = [month_sector, team_channel, closed]
        .iter()
        .map(anonymous::protect)
        .collect();
    let body = anonymous::csv(&published);
    // Two first requests at once: the first stored is the one published.
    let body = {
        let _held = PUBLISH.lock().unwrap_or_else(|p| p.into_inner());
        match state.store.report_note(&key)? {
            Some(first) => published_text(first)?,
            None => {
                state.store.put_report_note(&key, body.as_bytes())?;
                body
            }
        }
    };
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ExportAnonymous).by(&user),
    )?;
    Ok(csv_response(&name, body))
}

#[derive(Debug, Default, Deserialize)]
pub struct NoteQuery {
    pub period: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub text: String,
    /// The `updated_at` of the observations the text was written over (`""`: there were
    /// none): when they changed meanwhile, nothing is written (409 `note_changed`).
    /// Without it, the text is written whatever is stored.
    #[serde(default)]
    pub based_on: Option<String>,
}

/// A published anonymous export, as stored.
fn published_text(bytes: Vec<u8>) -> Result<String, AppError> {
    String::from_utf8(bytes)
        .map_err(|e| AppError::from(crate::storage::StoreError::Corrupt(e.to_string())))
}

/// Serialises the publication of a quarter's anonymous export.
static PUBLISH: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Serialises the observations' check and write (two desks saving at once: the second
/// is told, never silently overwrites the first: a new user's walk).
static NOTE_WRITE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A report's period key: `YYYY-Qn`.
fn note_period(
    query: Result<Query<NoteQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<String, AppError> {
    let Query(q) = query.map_err(|_| AppError::BadRequest {
        code: "invalid_period",
        message: "period is a quarter, YYYY-Qn".into(),
    })?;
    let p = q.period.unwrap_or_default();
    let b = p.as_bytes();
    let ok = b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && &b[4..6] == b"-Q"
        && (b'1'..=b'4').contains(&b[6]);
    // A quarter of the records' years (from 2020, as a contact's time), not of any
    // year from 0000 to 9999 (the attacker's eighth probe: 40,000 quarters a director
    // could fill with notes).
    let year: i32 = p.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    if ok && (2020..=this_year).contains(&year) {
        Ok(p)
    } else {
        Err(AppError::BadRequest {
            code: "invalid_period",
            message: format!("period is a quarter, YYYY-Qn, of a year from 2020 to {this_year}"),
        })
    }
}

fn read_note(store: &dyn Store, period: &str) -> Result<ReportNote, AppError> {
    Ok(match store.report_note(period)? {
        Some(bytes) => serde_json::from_slice(&bytes).map_err(AppError::internal)?,
        None => ReportNote {
            period: period.to_string(),
            ..ReportNote::default()
        },
    })
}

/// `GET /api/reports/notes?period=YYYY-Qn`: the director's observations for a report.
pub async fn get_note(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<NoteQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ReportNote>, AppError> {
    require_reports(&user)?;
    let period = note_period(query)?;
    Ok(Json(read_note(state.store.as_ref(), &period)?))
}

/// `PUT /api/reports/notes?period=YYYY-Qn` `{text}`: writes them (the director and the
/// central office), flushed before the answer.
pub async fn put_note(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<NoteQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Json<NoteBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ReportNote>, AppError> {
    require(
        user.role.manages_rules(),
        "the report's observations are the director's",
    )?;
    let period = note_period(query)?;
    // The answer to any other body never quotes what it holds (see `error.rs`).
    let Json(body) = body.map_err(|e| match AppError::from(e) {
        AppError::BadRequest { message, .. } | AppError::Unprocessable { message, .. } => {
            AppError::BadRequest {
                code: "invalid_body",
                message,
            }
        }
        other => other,
    })?;
    if body.text.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::BadRequest {
            code: "too_long",
            message: format!("the observations hold at most {MAX_NOTE_CHARS} characters"),
        });
    }
    // Control characters and text-direction overrides go (as from a merge's reason):
    // a printed report should read as it was written (the attacker's ninth probe).
    let text: String = body
        .text
        .chars()
        .filter(|&c| {
            (!c.is_control() || c == '\n' || c == '\t')
                && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        })
        .collect();
    let note = ReportNote {
        period: period.clone(),
        text,
        updated_at: Some(crate::projection::rfc3339_ms(crate::now_ms())),
        by: Some(user.username.clone()),
    };
    let bytes = serde_json::to_vec(&note).map_err(AppError::internal)?;
    let store = state.store.clone();
    let key = period.clone();
    let based_on = body.based_on;
    tokio::task::spawn_blocking(move || {
        let _one = NOTE_WRITE.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(based_on) = based_on {
            let now = read_note(store.as_ref(), &key)?;
            if now.updated_at.as_deref().unwrap_or_default() != based_on {
                return Err(AppError::ConflictCode {
                    code: "note_changed",
                    message:
                        "the observations were changed meanwhile: read them again before saving"
                            .into(),
                });
            }
        }
        store.put_report_note(&key, &bytes).map_err(AppError::from)
    })
    .await
    .map_err(AppError::internal)??;
    // Read back what was stored before acknowledging it.
    let stored = read_note(state.store.as_ref(), &period)?;
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ReportNoteWritten).by(&user),
    )?;
    Ok(Json(stored))
}
