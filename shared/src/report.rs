//! The periodic report's figures (`GET /api/reports/summary`): their names are the
//! outward contract of `EXCHANGE.md` §2, so every field keeps its name, and a rate or a
//! median with nothing to count is `null` (never left out).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Counts by a code, a team id, a month (`YYYY-MM`) or an organisation.
pub type Counts = BTreeMap<String, u64>;

/// The figures of a period, as `EXCHANGE.md` §2 defines them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The period, dates inclusive (`YYYY-MM-DD`, Rome).
    pub from: String,
    pub to: String,
    pub contacts: u64,
    pub contacts_by_channel: Counts,
    pub contacts_by_sector: Counts,
    pub contacts_by_team: Counts,
    pub contacts_by_month: Counts,
    pub people_reached: u64,
    pub new_persons: u64,
    pub needs: Counts,
    pub indicators: Counts,
    pub referrals: u64,
    pub referrals_by_need: Counts,
    pub referral_acceptance_rate: Option<f64>,
    pub referral_median_days_to_answer: Option<f64>,
    pub referrals_waiting_at_end: u64,
    pub referrals_by_partner: BTreeMap<String, PartnerFigures>,
    pub cases_opened: u64,
    pub cases_eligible_rate: Option<f64>,
    pub cases_active_at_end: u64,
    pub cases_closed_by_outcome: Counts,
    pub case_success_rate: Option<f64>,
    pub pip_implementation_rate: Option<f64>,
    pub workload: BTreeMap<String, Workload>,
}

/// One partner organisation's referrals of the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerFigures {
    pub referrals: u64,
    pub accepted: u64,
    pub declined: u64,
    pub median_days_to_answer: Option<f64>,
}

/// One worker's load in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub contacts: u64,
    pub referrals: u64,
    pub cases: u64,
}

/// What the dashboard draws beside the summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Views {
    /// Every month the period touches (`YYYY-MM`), in order.
    pub months: Vec<String>,
    /// Contacts by month and sector code (`"unknown"` for none): the seasonal picture.
    pub seasonal: BTreeMap<String, Counts>,
    pub area: Area,
    /// Referrals of the period by organisation, along their way.
    pub funnel: Vec<Funnel>,
}

/// Contacts on a grid of the territory: never a point per person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Area {
    /// The side of a cell, in degrees.
    pub cell_deg: f64,
    pub cells: Vec<AreaCell>,
    /// Contacts of the period recorded without a place.
    pub without_place: u64,
}

/// One cell of the grid: its south-west corner, its contacts and their needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AreaCell {
    pub lat: f64,
    pub lon: f64,
    pub contacts: u64,
    pub needs: Counts,
}

/// One organisation's referrals of the period: proposed → sent → answered → attended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    pub organisation: String,
    pub proposed: u64,
    pub sent: u64,
    pub answered: u64,
    pub accepted: u64,
    pub attended: u64,
    pub median_days_to_answer: Option<f64>,
}

/// The dashboard of a period (and a team): its figures and views, and the same figures
/// for the period before.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub summary: Summary,
    pub previous: Option<Summary>,
    pub views: Views,
    pub monitoring: Monitoring,
    /// The teams to choose from: (slug, the key the summary uses).
    pub teams: Vec<(String, String)>,
}

/// Cases at the end of the period (or today, for a period not yet over), monitored one
/// by one and counted here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitoring {
    /// Open at the end of the period.
    pub open: u64,
    /// Open, with a review due before the end of the period.
    pub overdue_reviews: u64,
    /// Open, the person without a contact for 90 days at the end of the period.
    pub no_recent_contact: u64,
    /// Open cases by the share of their PIP done: `none` (no intervention planned),
    /// `0`, `1-49`, `50-99`, `100` (percent).
    pub pip_done: Counts,
    /// The day the cases are looked at (`YYYY-MM-DD`): the period's last, or today for a
    /// period not yet over (a new user's walk: the year's dashboard counted, on 6
    /// December, reviews that would be overdue by 31 December). Absent from an older
    /// server: the period's last day.
    #[serde(default)]
    pub as_of: String,
}

/// The director's context observations for a period's report (the CCC's seasonal
/// notes), kept by the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportNote {
    /// `YYYY-Qn` (a quarter) or `YYYY-MM-DD..YYYY-MM-DD`.
    pub period: String,
    pub text: String,
    /// RFC 3339, when last written; none before.
    pub updated_at: Option<String>,
    /// Who wrote it last (user name).
    pub by: Option<String>,
}

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;

/// The tables `GET /api/reports/csv?table=` downloads.
pub const CSV_TABLES: [&str; 13] = [
    "figures",
    "seasonal",
    "channels",
    "sectors",
    "teams",
    "needs",
    "indicators",
    "referral_needs",
    "network",
    "workload",
    "outcomes",
    "area",
    "monitoring",
];

/// `part / whole`, `None` when there is nothing to count.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The median of `values` (the mean of the two middle ones for an even count), `None`
/// for none.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5.0));
        assert_eq!(median(&mut [9, 1, 4]), Some(4.0));
        assert_eq!(median(&mut [1, 2, 3, 10]), Some(2.5));
    }

    #[test]
    fn a_rate_with_nothing_to_count_is_null() {
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(1, 4), Some(0.25));
        let json = serde_json::to_value(Summary::default()).unwrap();
        assert!(json["referral_acceptance_rate"].is_null());
        assert!(json.get("pip_implementation_rate").is_some());
    }
}
