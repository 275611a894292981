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
