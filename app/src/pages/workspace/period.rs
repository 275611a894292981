//! The periods the dashboard and the quarterly report ask for: quarters (their days and
//! their key, `2026-Q3`, under which the director's observations are kept) and the quick
//! choices of the dashboard. Date arithmetic only: "today" is the caller's
//! ([`today`] reads the browser's clock), so everything else is tested natively.

use chrono::{Datelike, Months, NaiveDate};

/// A calendar quarter: `q` is 1 to 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

/// The years a report may be asked for (what a select offers and a key may name).
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Quarter {
    /// The quarter `q` of `year`, if both are in range.
    pub fn new(year: i32, q: u32) -> Option<Quarter> {
        ((1..=4).contains(&q) && YEARS.contains(&year)).then_some(Quarter { year, q })
    }

    /// The quarter a day falls in.
    pub fn of(day: NaiveDate) -> Quarter {
        Quarter {
            year: day.year(),
            q: day.month0() / 3 + 1,
        }
    }

    /// The last quarter that has ended by `today`: the one before today's.
    pub fn last_complete(today: NaiveDate) -> Quarter {
        Quarter::of(today).previous()
    }

    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        last_of_month(
            self.first_day()
                .checked_add_months(Months::new(2))
                .unwrap_or_default(),
        )
    }

    /// The period's key for the director's observations: `2026-Q3`.
    pub fn key(self) -> String {
        format!("{}-Q{}", self.year, self.q)
    }

    /// The quarter of a key (`2026-Q3`).
    pub fn parse(key: &str) -> Option<Quarter> {
        let (year, q) = key.split_once("-Q")?;
        Quarter::new(year.parse().ok()?, q.parse().ok()?)
    }
}

/// The last day of `day`'s month.
fn last_of_month(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), day.month(), 1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(day)
}

/// The dashboard's quick choices of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    ThisQuarter,
    LastQuarter,
    ThisYear,
    /// This month and the eleven before it: a whole seasonal cycle up to now.
    LastTwelveMonths,
}

impl Choice {
    pub const ALL: [Choice; 4] = [
        Choice::ThisQuarter,
        Choice::LastQuarter,
        Choice::ThisYear,
        Choice::LastTwelveMonths,
    ];

    /// The first and last day of the period chosen on `today`: whole months (the server
    /// compares them with as many months before), up to today for one not over yet —
    /// a report counts as of its last day, and a day to come would count, say, a
    /// referral sent yesterday as waiting for a week (a new user's walk).
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let (from, to) = self.whole_months(today);
        (from, to.min(today))
    }

    fn whole_months(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Choice::ThisQuarter => {
                let q = Quarter::of(today);
                (q.first_day(), q.last_day())
            }
            Choice::LastQuarter => {
                let q = Quarter::last_complete(today);
                (q.first_day(), q.last_day())
            }
            Choice::ThisYear => (
                NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
                NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today),
            ),
            Choice::LastTwelveMonths => {
                let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
                    .and_then(|d| d.checked_sub_months(Months::new(11)))
                    .unwrap_or(today);
                (first, last_of_month(today))
            }
        }
    }
}

/// A period as the API takes it: both days, `from` not after `to`. `None` for anything
/// else, so the page says so instead of asking the server.
pub fn checked(from: &str, to: &str) -> Option<(NaiveDate, NaiveDate)> {
    let f = NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d").ok()?;
    let t = NaiveDate::parse_from_str(to.trim(), "%Y-%m-%d").ok()?;
    (f <= t).then_some((f, t))
}

pub fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Today on this device's clock.
pub fn today() -> NaiveDate {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_quarter_runs_from_its_first_to_its_last_day() {
        let q3 = Quarter::new(2026, 3).unwrap();
        assert_eq!(iso(q3.first_day()), "2026-07-01");
        assert_eq!(iso(q3.last_day()), "2026-09-30");
        assert_eq!(iso(Quarter::new(2024, 1).unwrap().last_day()), "2024-03-31");
        assert_eq!(iso(Quarter::new(2026, 4).unwrap().last_day()), "2026-12-31");
        assert_eq!(q3.key(), "2026-Q3");
        assert_eq!(Quarter::parse("2026-Q3"), Some(q3));
        assert_eq!(Quarter::parse("2026-Q5"), None);
        assert_eq!(Quarter::new(2026, 0), None);
    }

    #[test]
    fn the_last_complete_quarter_is_the_one_before_todays() {
        assert_eq!(
            Quarter::last_complete(day("2026-12-02")),
            Quarter { year: 2026, q: 3 }
        );
        assert_eq!(
            Quarter::last_complete(day("2027-02-10")),
            Quarter { year: 2026, q: 4 }
        );
        assert_eq!(
            Quarter::last_complete(day("2026-07-01")),
            Quarter { year: 2026, q: 2 }
        );
    }

    #[test]
    fn quick_choices_are_whole_months_up_to_today() {
        let today = day("2026-12-02");
        let span = |c: Choice| {
            let (f, t) = c.days(today);
            (iso(f), iso(t))
        };
        assert_eq!(
            span(Choice::ThisQuarter),
            ("2026-10-01".into(), "2026-12-02".into())
        );
        assert_eq!(
            span(Choice::LastQuarter),
            ("2026-07-01".into(), "2026-09-30".into())
        );
        assert_eq!(
            span(Choice::ThisYear),
            ("2026-01-01".into(), "2026-12-02".into())
        );
        assert_eq!(
            span(Choice::LastTwelveMonths),
            ("2026-01-01".into(), "2026-12-02".into())
        );
        // On a quarter's last day, the whole quarter.
        let (f, t) = Choice::ThisQuarter.days(day("2026-12-31"));
        assert_eq!((iso(f), iso(t)), ("2026-10-01".into(), "2026-12-31".into()));
        let (f, t) = Choice::LastTwelveMonths.days(day("2026-03-31"));
        assert_eq!((iso(f), iso(t)), ("2025-04-01".into(), "2026-03-31".into()));
    }

    #[test]
    fn a_period_needs_two_days_in_order() {
        assert!(checked("2026-01-01", "2026-12-31").is_some());
        assert!(checked("2026-01-01", "2026-01-01").is_some());
        assert!(checked("2026-02-01", "2026-01-01").is_none());
        assert!(checked("", "2026-01-01").is_none());
        assert!(checked("2026-13-01", "2026-12-31").is_none());
    }
}
