use super::*;

fn period(from: &str, to: &str) -> Result<Period, PeriodError> {
    Period::parse(Some(from), Some(to))
}

#[test]
fn a_bad_period_is_refused_with_its_reason() {
    assert!(
        period("2026-07-01", "2026-06-30")
            .unwrap_err()
            .0
            .contains("after")
    );
    assert!(
        period("2026-7-01", "2026-09-30")
            .unwrap_err()
            .0
            .contains("from")
    );
    assert!(
        period("2026-07-01", "2026-02-30")
            .unwrap_err()
            .0
            .contains("to")
    );
    assert!(
        Period::parse(None, Some("2026-09-30"))
            .unwrap_err()
            .0
            .contains("required")
    );
    // Five years exactly is the longest period; a day more is refused.
    assert!(period("2021-01-01", "2025-12-31").is_ok());
    assert!(
        period("2021-01-01", "2026-01-01")
            .unwrap_err()
            .0
            .contains("5 years")
    );
    assert!(period("2026-07-01", "2026-07-01").is_ok());
}

#[test]
fn a_period_runs_from_rome_midnight_to_rome_midnight() {
    // Summer: Rome is UTC+2; winter: UTC+1.
    let p = period("2026-07-01", "2026-07-31").unwrap();
    let ms = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    };
    assert!(p.holds(ms("2026-06-30T22:00:00Z")));
    assert!(!p.holds(ms("2026-06-30T21:59:59.999Z")));
    assert!(p.holds(ms("2026-07-31T21:59:59.999Z")));
    assert!(!p.holds(ms("2026-07-31T22:00:00Z")));
    // Written with another offset, a time counts on its Rome date.
    assert!(
        !p.holds(ms("2026-07-31T23:30:00+01:00")),
        "1 August in Rome"
    );
    assert!(!p.holds(ms("2026-07-01T00:30:00+03:00")), "30 June in Rome");
    assert!(p.holds(ms("2026-07-31T18:30:00-03:00")), "31 July in Rome");
    let w = period("2026-12-01", "2026-12-31").unwrap();
    assert!(w.holds(ms("2026-11-30T23:00:00Z")));
    assert!(!w.holds(ms("2026-12-31T23:00:00Z")));
    assert_eq!(
        rome_day(ms("2026-03-28T23:30:00Z")).to_string(),
        "2026-03-29"
    );
}

#[test]
fn months_are_cut_at_rome_midnight() {
    let p = period("2026-01-15", "2026-04-02").unwrap();
    let (first, rest) = p.months();
    assert_eq!(first, "2026-01");
    let keys: Vec<&str> = rest.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(keys, ["2026-02", "2026-03", "2026-04"]);
    // April starts at 22:00 UTC on 31 March (summer time).
    assert_eq!(
        crate::projection::rfc3339_ms(rest[2].0),
        "2026-03-31T22:00:00.000Z"
    );
}

#[test]
fn the_previous_period_is_as_long_and_ends_the_day_before() {
    let show = |p: Period| (p.from.to_string(), p.to.to_string());
    let q = period("2026-07-01", "2026-09-30")
        .unwrap()
        .previous()
        .unwrap();
    assert_eq!(show(q), ("2026-04-01".into(), "2026-06-30".into()));
    let m = period("2026-03-01", "2026-03-31")
        .unwrap()
        .previous()
        .unwrap();
    assert_eq!(show(m), ("2026-02-01".into(), "2026-02-28".into()));
    let d = period("2026-07-10", "2026-07-19")
        .unwrap()
        .previous()
        .unwrap();
    assert_eq!(show(d), ("2026-06-30".into(), "2026-07-09".into()));
    // A quarter ending on the 31st, and the one before on the 30th.
    let q = period("2026-07-01", "2026-09-30")
        .unwrap()
        .previous()
        .unwrap();
    assert_eq!(show(q), ("2026-04-01".into(), "2026-06-30".into()));
    let q = period("2026-04-01", "2026-06-30")
        .unwrap()
        .previous()
        .unwrap();
    assert_eq!(show(q), ("2026-01-01".into(), "2026-03-31".into()));
}

/// A new user's walk: this year up to 6 December was compared with 26/01/2025 to
/// 31/12/2025. A period begun on a month's first day and not over is compared with the
/// same days as many months before.
#[test]
fn a_period_in_progress_is_compared_with_the_same_days_before() {
    let show = |p: Period| (p.from.to_string(), p.to.to_string());
    let prev = |from: &str, to: &str| show(period(from, to).unwrap().previous().unwrap());
    assert_eq!(
        prev("2026-01-01", "2026-12-06"),
        ("2025-01-01".into(), "2025-12-06".into())
    );
    assert_eq!(
        prev("2026-10-01", "2026-12-06"),
        ("2026-07-01".into(), "2026-09-06".into())
    );
    assert_eq!(
        prev("2026-12-01", "2026-12-06"),
        ("2026-11-01".into(), "2026-11-06".into())
    );
    // 31 May, a month before: 30 April.
    assert_eq!(
        prev("2026-05-01", "2026-05-31"),
        ("2026-04-01".into(), "2026-04-30".into())
    );
    assert_eq!(
        prev("2026-03-01", "2026-03-30"),
        ("2026-02-01".into(), "2026-02-28".into())
    );
}
