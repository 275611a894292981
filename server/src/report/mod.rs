//! The periodic report's figures (`EXCHANGE.md` §2), computed from the central index's
//! rows (themselves projections of the documents), never by loading documents.
//!
//! How the definitions are read (also in the API description):
//! - Times belong to the date they have on Rome's clock; "in the period" is
//!   `[Rome midnight of from, Rome midnight of the day after to)`; case fields are dates.
//! - The store is described as of the end of `to`: a history entry, an eligibility
//!   decision, a closure or an intervention's `done_at` dated after `to` is not there.
//! - A contact names a person when it links a person record (counted as the survivor of
//!   any merge); a group contact without a person adds `group.people`; any other contact
//!   is anonymous and adds one.
//! - A referral's history is its path (`ReferralDoc::path`, the exchange format's
//!   `history`): its first entry is when it was proposed; its answer is its first
//!   `accepted` or `declined` entry dated by the end of `to`; days to answer run from
//!   its first `sent` entry.
//! - A referral's organisation: the directory organisation of its service when it
//!   names one the directory knows, else the partner as written (else the service id),
//!   else `"unknown"`.
//! - Workload: a user is named by the name they were imported with, else their
//!   account's name; a case counts for its case manager and its labour expert (once
//!   when they are the same name) when it was open on at least one day of the period:
//!   opened on or before `to`, and not closed before `from` (the day it closes it is
//!   still open). A contact whose author has no name adds to no one's load.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, TimeZone};
use strada_shared::domain::NeedCategory;
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::report::{
    Area, AreaCell, Counts, Funnel, PartnerFigures, Summary, Views, Workload, median, rate,
};
use strada_shared::schema::ReferralStatus;
use strada_shared::vocab::{
    Channel, Code, Decision, Indicator, InterventionStatus, Outcome, Sector,
};

use crate::central::{Index, Map, Set};
use crate::storage::StoreError;

pub mod anonymous;

/// The longest period a summary covers.
pub const MAX_YEARS: i32 = 5;

/// Days a sent referral waits before it counts as waiting at the end.
pub const WAITING_DAYS: i64 = 8;

/// A report's period: dates inclusive, on Rome's clock.
#[derive(Debug, Clone)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Rome midnight of `from` (Unix ms).
    start_ms: i64,
    /// Rome midnight of the day after `to` (Unix ms): the end of `to`, excluded.
    end_ms: i64,
    from_s: String,
    to_s: String,
}

/// Why a period was refused (the message is the API's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError(pub String);

fn rome_midnight(d: NaiveDate) -> i64 {
    let local = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    chrono_tz::Europe::Rome
        .from_local_datetime(&local)
        .earliest()
        .map_or_else(
            || local.and_utc().timestamp_millis(),
            |t| t.timestamp_millis(),
        )
}

/// The date a time (Unix ms) has on Rome's clock.
pub fn rome_day(ms: i64) -> NaiveDate {
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .with_timezone(&chrono_tz::Europe::Rome)
        .date_naive()
}

fn parse_date(name: &str, value: Option<&str>) -> Result<NaiveDate, PeriodError> {
    let Some(v) = value.filter(|v| !v.is_empty()) else {
        return Err(PeriodError(format!("`{name}` is required (YYYY-MM-DD)")));
    };
    if v.len() != 10 {
        return Err(PeriodError(format!("`{name}` is not a date (YYYY-MM-DD)")));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| PeriodError(format!("`{name}` is not a date (YYYY-MM-DD)")))
}

impl Period {
    /// The period `from`..=`to`: both valid dates, `from` not after `to`, and at most
    /// five years (`to` before the day five years after `from`).
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Period, PeriodError> {
        let f = parse_date("from", from)?;
        let t = parse_date("to", to)?;
        if f > t {
            return Err(PeriodError("`from` is after `to`".into()));
        }
        let limit = f
            .checked_add_months(chrono::Months::new(12 * MAX_YEARS as u32))
            .ok_or_else(|| PeriodError("`from` is out of range".into()))?;
        if t >= limit {
            return Err(PeriodError(format!(
                "the period spans more than {MAX_YEARS} years"
            )));
        }
        let next = t
            .succ_opt()
            .ok_or_else(|| PeriodError("`to` is out of range".into()))?;
        Ok(Period {
            from: f,
            to: t,
            start_ms: rome_midnight(f),
            end_ms: rome_midnight(next),
            from_s: f.format("%Y-%m-%d").to_string(),
            to_s: t.format("%Y-%m-%d").to_string(),
        })
    }

    /// Whether a time (Unix ms) falls in the period.
    pub fn holds(&self, ms: i64) -> bool {
        self.start_ms <= ms && ms < self.end_ms
    }

    /// Whether a time is by the end of `to`.
    fn by_end(&self, ms: i64) -> bool {
        ms < self.end_ms
    }

    /// Whether a date (`YYYY-MM-DD`) falls in the period.
    fn holds_date(&self, d: &str) -> bool {
        self.from_s.as_str() <= d && d <= self.to_s.as_str()
    }

    /// Whether a date is on or before `to`.
    fn date_by_end(&self, d: &str) -> bool {
        d <= self.to_s.as_str()
    }

    /// The period just before: a period starting on a month's first day (a quarter, a
    /// year, a month, whole or up to today) is compared with the same days as many
    /// months before (the quarter before a quarter; this year up to 6 December with last
    /// year up to 6 December — a new user's walk read "compared with 26/01/2025 to
    /// 31/12/2025"), else with as many days just before.
    pub fn previous(&self) -> Option<Period> {
        let (from, to) = if self.from.day() == 1 {
            let months = (self.to.year() - self.from.year()) * 12 + self.to.month() as i32
                - self.from.month() as i32
                + 1;
            let months = chrono::Months::new(u32::try_from(months).ok()?);
            let from = self.from.checked_sub_months(months)?;
            // The same day of the month, or the month's last when it has fewer (a
            // quarter to 31 March, the one before to 31 December; to 30 June, to 31
            // March).
            let whole = self.to.succ_opt()?.day() == 1;
            let to = match whole {
                true => self.to.succ_opt()?.checked_sub_months(months)?.pred_opt()?,
                false => self.to.checked_sub_months(months)?,
            };
            (from, to)
        } else {
            let to = self.from.pred_opt()?;
            let days = (self.to - self.from).num_days();
            (to.checked_sub_days(chrono::Days::new(days as u64))?, to)
        };
        Period::parse(
            Some(&from.format("%Y-%m-%d").to_string()),
            Some(&to.format("%Y-%m-%d").to_string()),
        )
        .ok()
    }

    /// The Rome midnight starting each month the period touches after its first, with
    /// the month's key, and the first month's key: `contacts_by_month` by binary search.
    fn months(&self) -> (String, Vec<(i64, String)>) {
        let first = format!("{:04}-{:02}", self.from.year(), self.from.month());
        let mut out = Vec::new();
        let mut m = NaiveDate::from_ymd_opt(self.from.year(), self.from.month(), 1)
            .expect("first of a month");
        while let Some(next) = m.checked_add_months(chrono::Months::new(1))
            && next <= self.to
        {
            out.push((
                rome_midnight(next),
                format!("{:04}-{:02}", next.year(), next.month()),
            ));
            m = next;
        }
        (first, out)
    }
}

/// What the index alone cannot say: a team's key, a user's name, a service's
/// organisation (read from the store and the directory once per key).
pub trait Names {
    fn team(&mut self, team: &TeamId) -> Result<String, StoreError>;
    fn user(&mut self, user: UserId) -> Result<Option<String>, StoreError>;
    fn organisation(&mut self, service_id: &str) -> Option<String>;
}

/// A referral's service id and partner as written.
type PartnerKey = (Option<Box<str>>, Box<str>);

/// One organisation's referrals of the period along the funnel, and the days each
/// answer took.
#[derive(Default)]
struct PartnerTally {
    referrals: u64,
    sent: u64,
    accepted: u64,
    declined: u64,
    attended: u64,
    days: Vec<i64>,
}

impl PartnerTally {
    fn add(&mut self, other: PartnerTally) {
        self.referrals += other.referrals;
        self.sent += other.sent;
        self.accepted += other.accepted;
        self.declined += other.declined;
        self.attended += other.attended;
        self.days.extend(other.days);
    }
}

/// The side of a square cell of the area view, in degrees (about 11 km north–south).
pub const CELL_DEG: f64 = 0.1;

/// Figures keyed by what the index holds, before [`Names`] gives the keys' names.
#[derive(Default)]
pub struct Tally {
    summary: Summary,
    by_team: HashMap<TeamId, u64>,
    /// Per author: contacts of the period, referrals of those contacts.
    authored: HashMap<UserId, (u64, u64)>,
    /// Per case-manager name: cases open in the period.
    managed: HashMap<String, u64>,
    /// Per (service id, partner as written).
    partners: HashMap<PartnerKey, PartnerTally>,
    /// Contacts per month (index into the period's months) and sector.
    seasonal: HashMap<(usize, &'static str), u64>,
    /// The months' keys, in order.
    months: Vec<String>,
    /// Per area cell (`floor(lat / CELL_DEG)`, `floor(lon / CELL_DEG)`): contacts, and
    /// contacts per need (bit order of `NeedCategory::ALL`).
    area: HashMap<(i32, i32), (u64, [u64; 32])>,
    without_place: u64,
}

/// Where a code stands in its vocabulary (`T::ALL`).
fn position<T: PartialEq + Copy>(all: &[T], x: T) -> usize {
    all.iter().position(|y| *y == x).unwrap_or(0)
}

/// Adds one to each count whose bit is set.
fn add_bits(counts: &mut [u64; 32], bits: u32) {
    let mut rest = bits;
    while rest != 0 {
        let i = rest.trailing_zeros() as usize;
        counts[i] += 1;
        rest &= rest - 1;
    }
}

fn add(map: &mut Counts, key: &str) {
    *map.entry(key.to_string()).or_default() += 1;
}

fn days_between(a: i64, b: i64) -> i64 {
    (rome_day(b) - rome_day(a)).num_days()
}

/// The first entry of `status` in a path, by the end of the period.
fn first_of(
    path: &[(ReferralStatus, i64)],
    period: &Period,
    pick: fn(ReferralStatus) -> bool,
) -> Option<(ReferralStatus, i64)> {
    path.iter()
        .copied()
        .find(|(s, at)| pick(*s) && period.by_end(*at))
}

fn is_answer(s: ReferralStatus) -> bool {
    matches!(s, ReferralStatus::Accepted | ReferralStatus::Declined)
}

fn is_sent(s: ReferralStatus) -> bool {
    s == ReferralStatus::Sent
}

/// Counts the figures of `period` over the index: of the whole PUA, or of one team's
/// contacts, referrals and cases (`team`).
pub(crate) fn tally(index: &Index, period: &Period, team: Option<&TeamId>) -> Tally {
    // A team no row names has nothing to count (`u32::MAX` is no team's number).
    let wanted = team.map(|t| index.team_number(t).unwrap_or(u32::MAX));
    let mine = |t: u32| wanted.is_none_or(|x| x == t);
    let cases_mine = |t: &TeamId| team.is_none_or(|x| x == t);
    let mut t = Tally::default();
    let s = &mut t.summary;
    s.from = period.from_s.clone();
    s.to = period.to_s.clone();

    // Contacts.
    let (first_month, month_starts) = period.months();
    // Counted in arrays and fast-hashed maps: a year holds a million contacts.
    let mut by_channel = [0u64; 16];
    let mut by_sector = [0u64; 16];
    let unknown_sector = Sector::ALL.len();
    let mut seasonal = vec![[0u64; 16]; month_starts.len() + 1];
    let mut by_team = vec![0u64; index.team_names.len()];
    let mut area: Map<(i32, i32), (u64, [u64; 32])> = Map::default();
    let mut authored: Map<UserId, (u64, u64)> = Map::default();
    let mut needs = [0u64; 32];
    let mut indicators = [0u64; 32];
    // The persons met, by number (merged persons as their survivor).
    let mut persons = vec![0u64; index.person_ids.len().div_ceil(64)];
    for c in index.contacts.values() {
        if !period.holds(c.occurred_at) || !mine(c.team_no) {
            continue;
        }
        s.contacts += 1;
        by_channel[position(Channel::ALL, c.channel)] += 1;
        let sector = c
            .sector
            .map_or(unknown_sector, |x| position(Sector::ALL, x));
        by_sector[sector] += 1;
        by_team[c.team_no as usize] += 1;
        let month = month_starts.partition_point(|(start, _)| *start <= c.occurred_at);
        seasonal[month][sector] += 1;
        match c.place {
            Some((lat, lon)) => {
                let cell = area
                    .entry((
                        (lat / CELL_DEG).floor() as i32,
                        (lon / CELL_DEG).floor() as i32,
                    ))
                    .or_insert((0, [0; 32]));
                cell.0 += 1;
                add_bits(&mut cell.1, c.needs);
            }
            None => t.without_place += 1,
        }
        match c.person {
            Some(_) => {
                let n = index.survivor_no(c.person_no) as usize;
                if let Some(word) = persons.get_mut(n / 64) {
                    *word |= 1 << (n % 64);
                }
            }
            None if c.group_people > 0 => s.people_reached += u64::from(c.group_people),
            None => s.people_reached += 1,
        }
        add_bits(&mut needs, c.needs);
        add_bits(&mut indicators, c.indicators);
        // The workload: the contact, and the referrals made in it whatever their date.
        let load = authored.entry(c.author).or_default();
        load.0 += 1;
        load.1 += u64::from(c.referrals);
    }
    t.authored = authored.into_iter().collect();
    t.by_team = by_team
        .into_iter()
        .zip(&index.team_names)
        .filter(|(n, _)| *n > 0)
        .map(|(n, team)| (team.clone(), n))
        .collect();
    t.area = area.into_iter().collect();
    // New: the first contact anywhere in the PUA is in the period (and, for a team,
    // the team met them in the period).
    for (w, word) in persons.iter().enumerate() {
        let mut rest = *word;
        while rest != 0 {
            let n = w * 64 + rest.trailing_zeros() as usize;
            rest &= rest - 1;
            s.people_reached += 1;
            if index
                .person_ids
                .get(n)
                .and_then(|id| index.first_contact_of(*id))
                .is_some_and(|at| period.holds(at))
            {
                s.new_persons += 1;
            }
        }
    }
    t.months = std::iter::once(first_month.clone())
        .chain(month_starts.iter().map(|(_, k)| k.clone()))
        .collect();
    let sector_code = |i: usize| Sector::ALL.get(i).map_or("unknown", |x| x.code());
    for (i, channel) in Channel::ALL.iter().enumerate() {
        if by_channel[i] > 0 {
            s.contacts_by_channel
                .insert(channel.code().to_string(), by_channel[i]);
        }
    }
    for (i, n) in by_sector.iter().enumerate().take(unknown_sector + 1) {
        if *n > 0 {
            s.contacts_by_sector.insert(sector_code(i).to_string(), *n);
        }
    }
    for (month, row) in seasonal.iter().enumerate() {
        let total: u64 = row.iter().sum();
        if total > 0 {
            s.contacts_by_month.insert(t.months[month].clone(), total);
        }
        for (i, n) in row.iter().enumerate().take(unknown_sector + 1) {
            if *n > 0 {
                t.seasonal.insert((month, sector_code(i)), *n);
            }
        }
    }
    for (i, need) in NeedCategory::ALL.iter().enumerate() {
        if needs[i] > 0 {
            s.needs.insert(need.code().to_string(), needs[i]);
        }
    }
    for (i, ind) in Indicator::ALL.iter().enumerate() {
        if indicators[i] > 0 {
            s.indicators.insert(ind.code().to_string(), indicators[i]);
        }
    }

    // Referrals.
    let mut answered = 0u64;
    let mut accepted = 0u64;
    let mut days: Vec<i64> = Vec::new();
    let mut by_need = [0u64; 32];
    // Keyed by the index's own strings; owned once per partner at the end.
    let mut partners: Map<(Option<&str>, &str), PartnerTally> = Map::default();
    for r in index.referrals.values().filter(|r| mine(r.team_no)) {
        let answer = first_of(&r.path, period, is_answer);
        let sent = first_of(&r.path, period, is_sent);
        if let Some((_, sent_at)) = sent
            && answer.is_none()
            && (period.to - rome_day(sent_at)).num_days() >= WAITING_DAYS
        {
            s.referrals_waiting_at_end += 1;
        }
        let Some((_, first_at)) = r.path.first().copied() else {
            continue;
        };
        if !period.holds(first_at) {
            continue;
        }
        s.referrals += 1;
        by_need[position(&NeedCategory::ALL, r.need)] += 1;
        let waited = match (sent, answer) {
            (Some((_, sent_at)), Some((_, answer_at))) => Some(days_between(sent_at, answer_at)),
            _ => None,
        };
        let partner = partners
            .entry((r.service_id.as_deref(), &r.partner_name))
            .or_default();
        partner.referrals += 1;
        partner.sent += u64::from(sent.is_some());
        if first_of(&r.path, period, |s| s == ReferralStatus::Attended).is_some() {
            partner.attended += 1;
        }
        if let Some((status, _)) = answer {
            answered += 1;
            if status == ReferralStatus::Accepted {
                accepted += 1;
                partner.accepted += 1;
            } else {
                partner.declined += 1;
            }
        }
        if let Some(d) = waited {
            days.push(d);
            partner.days.push(d);
        }
    }
    for (i, need) in NeedCategory::ALL.iter().enumerate() {
        if by_need[i] > 0 {
            s.referrals_by_need
                .insert(need.code().to_string(), by_need[i]);
        }
    }
    t.partners = partners
        .into_iter()
        .map(|((service, written), p)| ((service.map(Into::into), written.into()), p))
        .collect();
    s.referral_acceptance_rate = rate(accepted, answered);
    s.referral_median_days_to_answer = median(&mut days);

    // Cases.
    let mut decided = 0u64;
    let mut eligible = 0u64;
    let mut closed = 0u64;
    let mut emerged = 0u64;
    let mut planned = 0u64;
    let mut done = 0u64;
    for record in index.cases.values().filter(|c| cases_mine(&c.case.team)) {
        let c = &record.case;
        // As of the end of `to`: a closure dated later has not happened.
        let closed_at = c.closed_at.as_deref().filter(|d| period.date_by_end(d));
        let opened_by_end = period.date_by_end(&c.opened_at);
        if period.holds_date(&c.opened_at) {
            s.cases_opened += 1;
            let decision_by_end = c
                .eligibility
                .at
                .as_deref()
                .is_some_and(|d| period.date_by_end(d));
            match c.eligibility.decision {
                Decision::Eligible if decision_by_end => {
                    decided += 1;
                    eligible += 1;
                }
                Decision::NotEligible if decision_by_end => decided += 1,
                _ => {}
            }
        }
        if opened_by_end && closed_at.is_none() {
            s.cases_active_at_end += 1;
        }
        if let Some(d) = closed_at
            && period.holds_date(d)
        {
            closed += 1;
            if let Some(outcome) = c.outcome {
                add(&mut s.cases_closed_by_outcome, outcome.code());
                if outcome == Outcome::Emerged {
                    emerged += 1;
                }
            }
        }
        for i in c.interventions.values() {
            if i.status != InterventionStatus::Cancelled && period.holds_date(&i.planned_at) {
                planned += 1;
                if i.done_at.as_deref().is_some_and(|d| period.date_by_end(d)) {
                    done += 1;
                }
            }
        }
        // Open on at least one day of the period.
        let open_in_period = opened_by_end && closed_at.is_none_or(|d| d >= period.from_s.as_str());
        if open_in_period {
            let mut names: Vec<&str> = [c.case_manager.trim(), c.labour_expert.trim()]
                .into_iter()
                .filter(|n| !n.is_empty())
                .collect();
            names.dedup();
            for n in names {
                *t.managed.entry(n.to_string()).or_default() += 1;
            }
        }
    }
    s.cases_eligible_rate = rate(eligible, decided);
    s.case_success_rate = rate(emerged, closed);
    s.pip_implementation_rate = rate(done, planned);
    t
}

impl Tally {
    /// The summary, its keys named: teams by their external id, users by name,
    /// referrals by organisation.
    pub fn named(self, names: &mut dyn Names) -> Result<(Summary, Views), StoreError> {
        let mut s = self.summary;
        for (team, n) in self.by_team {
            *s.contacts_by_team.entry(names.team(&team)?).or_default() += n;
        }
        let mut workload: BTreeMap<String, Workload> = BTreeMap::new();
        for (user, (contacts, referrals)) in self.authored {
            if let Some(name) = names.user(user)? {
                let w = workload.entry(name).or_default();
                w.contacts += contacts;
                w.referrals += referrals;
            }
        }
        for (name, cases) in self.managed {
            workload.entry(name).or_default().cases += cases;
        }
        s.workload = workload;
        let mut partners: BTreeMap<String, PartnerTally> = BTreeMap::new();
        for ((service, written), tally) in self.partners {
            let org = service
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .and_then(|s| names.organisation(s))
                .or_else(|| (!written.trim().is_empty()).then(|| written.trim().to_string()))
                .or_else(|| service.as_deref().map(|s| s.trim().to_string()))
                .filter(|o| !o.is_empty())
                .unwrap_or_else(|| "unknown".to_string());
            partners.entry(org).or_default().add(tally);
        }
        let mut funnel = Vec::new();
        for (org, mut p) in partners {
            let median_days = median(&mut p.days);
            s.referrals_by_partner.insert(
                org.clone(),
                PartnerFigures {
                    referrals: p.referrals,
                    accepted: p.accepted,
                    declined: p.declined,
                    median_days_to_answer: median_days,
                },
            );
            funnel.push(Funnel {
                organisation: org,
                proposed: p.referrals,
                sent: p.sent,
                answered: p.accepted + p.declined,
                accepted: p.accepted,
                attended: p.attended,
                median_days_to_answer: median_days,
            });
        }
        let mut seasonal: BTreeMap<String, Counts> = BTreeMap::new();
        for ((month, sector), n) in self.seasonal {
            if let Some(key) = self.months.get(month) {
                seasonal
                    .entry(key.clone())
                    .or_default()
                    .insert(sector.to_string(), n);
            }
        }
        let mut cells: Vec<AreaCell> = self
            .area
            .into_iter()
            .map(|((lat, lon), (contacts, needs))| AreaCell {
                lat: f64::from(lat) * CELL_DEG,
                lon: f64::from(lon) * CELL_DEG,
                contacts,
                needs: NeedCategory::ALL
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| needs[*i] > 0)
                    .map(|(i, n)| (n.code().to_string(), needs[i]))
                    .collect(),
            })
            .collect();
        cells.sort_by(|a, b| b.lat.total_cmp(&a.lat).then(a.lon.total_cmp(&b.lon)));
        let views = Views {
            months: self.months,
            seasonal,
            area: Area {
                cell_deg: CELL_DEG,
                cells,
                without_place: self.without_place,
            },
            funnel,
        };
        Ok((s, views))
    }
}

/// The counts of people the anonymous export publishes (before suppression): every
/// person reached in the period is in exactly one cell of each table, so totals are sums.
/// A person named by contacts counts once (merged persons once, as the survivor), in the
/// cell of their first contact of the period; an anonymous contact is one person; a
/// group contact is `group.people` people, in its contact's cell.
pub(crate) struct PeopleTables {
    /// Months of the period (`YYYY-MM`), sector codes (and `unknown`).
    pub month_sector: BTreeMap<(String, &'static str), u64>,
    /// Team, channel code.
    pub team_channel: BTreeMap<(TeamId, &'static str), u64>,
    /// Cases closed in the period by outcome, a person counted once (their last closure).
    pub outcomes: BTreeMap<&'static str, u64>,
    pub months: Vec<String>,
    pub teams: Vec<TeamId>,
}

pub(crate) fn people_tables(index: &Index, period: &Period) -> PeopleTables {
    let (first_month, month_starts) = period.months();
    let months: Vec<String> = std::iter::once(first_month)
        .chain(month_starts.iter().map(|(_, k)| k.clone()))
        .collect();
    let mut first: Map<DocId, (i64, usize, &'static str, &TeamId, &'static str)> = Map::default();
    // Counted by position and borrowed keys, named once at the end.
    let mut month_sector: Map<(usize, &'static str), u64> = Map::default();
    let mut team_channel: Map<(&TeamId, &'static str), u64> = Map::default();
    let mut t = PeopleTables {
        month_sector: BTreeMap::new(),
        team_channel: BTreeMap::new(),
        outcomes: BTreeMap::new(),
        months: months.clone(),
        teams: Vec::new(),
    };
    let mut teams: Set<&TeamId> = Set::default();
    for c in index.contacts.values() {
        if !period.holds(c.occurred_at) {
            continue;
        }
        let month = month_starts.partition_point(|(start, _)| *start <= c.occurred_at);
        let sector = c.sector.map_or("unknown", Code::code);
        let channel = c.channel.code();
        teams.insert(&c.team);
        match c.person {
            Some(p) => {
                let who = index.survivor_of(p);
                let entry = (c.occurred_at, month, sector, &c.team, channel);
                first
                    .entry(who)
                    .and_modify(|e| {
                        if entry.0 < e.0 {
                            *e = entry;
                        }
                    })
                    .or_insert(entry);
            }
            None => {
                let people = u64::from(c.group_people.max(1));
                *month_sector.entry((month, sector)).or_default() += people;
                *team_channel.entry((&c.team, channel)).or_default() += people;
            }
        }
    }
    for (_, month, sector, team, channel) in first.into_values() {
        *month_sector.entry((month, sector)).or_default() += 1;
        *team_channel.entry((team, channel)).or_default() += 1;
    }
    for ((month, sector), n) in month_sector {
        *t.month_sector
            .entry((months[month].clone(), sector))
            .or_default() += n;
    }
    for ((team, channel), n) in team_channel {
        *t.team_channel.entry((team.clone(), channel)).or_default() += n;
    }
    let mut closed: Map<DocId, (&str, &'static str)> = Map::default();
    for record in index.cases.values() {
        let c = &record.case;
        if let (Some(at), Some(outcome)) = (c.closed_at.as_deref(), c.outcome)
            && period.holds_date(at)
        {
            let who = index.survivor_of(c.person_id);
            let e = closed.entry(who).or_insert((at, outcome.code()));
            if at > e.0 {
                *e = (at, outcome.code());
            }
        }
    }
    for (_, outcome) in closed.into_values() {
        *t.outcomes.entry(outcome).or_default() += 1;
    }
    t.teams = teams.into_iter().cloned().collect();
    t.teams.sort_unstable();
    t
}

#[cfg(test)]
mod tests;
