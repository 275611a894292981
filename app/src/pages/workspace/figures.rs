//! What the dashboard ([`super::dashboard`]) and the quarterly report ([`super::report`])
//! both show: the headline figures with the period before, and the tables behind every
//! chart (the same numbers, for whoever does not read the picture, and for print).
//!
//! Like the charts, these are markup built as text ([`Table::html`] and the functions
//! below) and drawn whole: they never change once drawn, and one string builder weighs
//! far less in the WASM than a view per table. Every text from data is escaped
//! ([`charts::esc`]). Names of codes (sectors, needs, channels, outcomes…) come from the
//! catalogue's vocabularies by code; a code it does not know shows as itself.

use std::fmt::Write as _;

use strada_shared::report::{
    AreaCell, Counts, Dashboard, Funnel, Monitoring, Summary, Views, Workload,
};
use strada_shared::sort::sort_by;
use strada_shared::vocab::{Code, Sector};

use super::charts::{self, Fmt, esc};
use crate::i18n::{Catalogue, Names};

/// A figure's value.
#[derive(Clone, Copy, PartialEq)]
pub enum Value {
    Count(u64),
    /// A share of 0..1; none when there was nothing to count.
    Rate(Option<f64>),
    /// A median in days; none when there was nothing to count.
    Days(Option<f64>),
}

impl Value {
    pub fn show(self, t: &Catalogue, fmt: Fmt) -> String {
        match self {
            Value::Count(n) => fmt.int(n),
            Value::Rate(Some(r)) => fmt.pct(r),
            Value::Days(Some(d)) => t.rp_days.with("value", &fmt.dec(d)),
            Value::Rate(None) | Value::Days(None) => "—".into(),
        }
    }

    /// The change from `before`: a count in percent (or in units from zero), a rate in
    /// points, a median in days; `None` when either side has nothing to count.
    pub fn change(self, before: Value, t: &Catalogue, fmt: Fmt) -> Option<(String, f64)> {
        match (self, before) {
            (Value::Count(now), Value::Count(then)) => {
                let diff = now as f64 - then as f64;
                Some(if then == 0 {
                    (fmt.signed(diff), diff)
                } else {
                    let pct = diff / then as f64;
                    let text = if pct.abs() < 0.0005 {
                        "0%".to_string()
                    } else if pct > 0.0 {
                        format!("+{}", fmt.pct(pct))
                    } else {
                        format!("-{}", fmt.pct(-pct))
                    };
                    (text, diff)
                })
            }
            (Value::Rate(Some(now)), Value::Rate(Some(then))) => {
                let points = (now - then) * 100.0;
                Some((t.rp_points.with("value", &fmt.signed(points)), points))
            }
            (Value::Days(Some(now)), Value::Days(Some(then))) => {
                let diff = now - then;
                Some((t.rp_days.with("value", &fmt.signed(diff)), diff))
            }
            _ => None,
        }
    }
}

type Get = fn(&Summary) -> Value;

/// The headline figures, in the order they are shown: (code, name, value).
pub fn headline(t: &'static Catalogue) -> [(&'static str, &'static str, Get); 12] {
    [
        ("contacts", t.rp_fig_contacts, |s| Value::Count(s.contacts)),
        ("people_reached", t.rp_fig_people_reached, |s| {
            Value::Count(s.people_reached)
        }),
        ("new_persons", t.rp_fig_new_persons, |s| {
            Value::Count(s.new_persons)
        }),
        ("referrals", t.rp_fig_referrals, |s| {
            Value::Count(s.referrals)
        }),
        ("referral_acceptance_rate", t.rp_fig_acceptance, |s| {
            Value::Rate(s.referral_acceptance_rate)
        }),
        (
            "referral_median_days_to_answer",
            t.rp_fig_median_days,
            |s| Value::Days(s.referral_median_days_to_answer),
        ),
        ("referrals_waiting_at_end", t.rp_fig_waiting, |s| {
            Value::Count(s.referrals_waiting_at_end)
        }),
        ("cases_opened", t.rp_fig_cases_opened, |s| {
            Value::Count(s.cases_opened)
        }),
        ("cases_eligible_rate", t.rp_fig_eligible, |s| {
            Value::Rate(s.cases_eligible_rate)
        }),
        ("cases_active_at_end", t.rp_fig_active, |s| {
            Value::Count(s.cases_active_at_end)
        }),
        ("case_success_rate", t.rp_fig_success, |s| {
            Value::Rate(s.case_success_rate)
        }),
        ("pip_implementation_rate", t.rp_fig_pip, |s| {
            Value::Rate(s.pip_implementation_rate)
        }),
    ]
}

/// A change as shown: an arrow for the eye only, and the text.
fn change_html(text: &str, diff: f64) -> String {
    let arrow = if diff > 0.0 {
        "▲ "
    } else if diff < 0.0 {
        "▼ "
    } else {
        ""
    };
    format!(
        "<span class=\"rp-change\"><span aria-hidden=\"true\">{arrow}</span>{}</span>",
        esc(text)
    )
}

/// A table of figures: each row headed by a name, the other cells by their column.
/// Rows and cells carry their keys (`data-key`, `data-col`) for whoever reads them
/// back (the browser tests).
pub struct Table<'a> {
    pub testid: &'a str,
    pub caption: &'a str,
    /// (key, head, numeric): the row heads' column first.
    pub cols: Vec<(&'a str, String, bool)>,
    /// (key, head, a text per column after the first).
    pub rows: Vec<(String, String, Vec<String>)>,
}

impl Table<'_> {
    /// The table, in a box that scrolls sideways and that the keyboard reaches.
    pub fn html(&self) -> String {
        let caption = esc(self.caption);
        let mut out = format!(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{caption}\">\
             <table class=\"rp-table\" data-testid=\"{}\"><caption>{caption}</caption><thead><tr>",
            self.testid
        );
        let num = |n: bool| if n { " class=\"num\"" } else { "" };
        for (_, head, numeric) in &self.cols {
            let _ = write!(out, "<th scope=\"col\"{}>{}</th>", num(*numeric), esc(head));
        }
        out.push_str("</tr></thead><tbody>");
        for (key, head, cells) in &self.rows {
            let _ = write!(
                out,
                "<tr data-key=\"{}\"><th scope=\"row\">{}</th>",
                esc(key),
                esc(head)
            );
            for ((col, _, numeric), cell) in self.cols.iter().skip(1).zip(cells) {
                let _ = write!(
                    out,
                    "<td{} data-col=\"{}\">{}</td>",
                    num(*numeric),
                    esc(col),
                    esc(cell)
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div>");
        out
    }
}

/// A few figures as terms and values.
pub fn facts(testid: &str, items: &[(&str, String)]) -> String {
    let mut out = format!("<dl class=\"rp-facts\" data-testid=\"{testid}\">");
    for (label, value) in items {
        let _ = write!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            esc(label),
            esc(value)
        );
    }
    out.push_str("</dl>");
    out
}

/// A section: its heading (`h3` on the dashboard, `h4` in the report) and its body.
pub fn section(level: u8, title: &str, body: &str) -> String {
    format!(
        "<section class=\"rp-section\"><h{level}>{}</h{level}>{body}</section>",
        esc(title)
    )
}

pub fn hint(text: &str) -> String {
    format!("<p class=\"hint\">{}</p>", esc(text))
}

/// The headline figures as tiles: the value, the previous period's, and the change.
pub fn tiles(d: &Dashboard, t: &'static Catalogue, fmt: Fmt) -> String {
    let mut out = String::from("<ul class=\"rp-tiles\" data-testid=\"rp-tiles\">");
    for (code, label, get) in headline(t) {
        let now = get(&d.summary);
        let _ = write!(
            out,
            "<li class=\"rp-tile\" data-testid=\"rp-fig-{code}\"><span class=\"rp-tile-label\">{}</span>\
             <strong class=\"rp-tile-value\" data-testid=\"rp-value\">{}</strong>",
            esc(label),
            esc(&now.show(t, fmt))
        );
        if let Some(before) = d.previous.as_ref().map(get) {
            let _ = write!(
                out,
                "<span class=\"rp-tile-prev\">{} {}",
                esc(t.rp_before),
                esc(&before.show(t, fmt))
            );
            if let Some((text, diff)) = now.change(before, t, fmt) {
                out.push_str(" · ");
                out.push_str(&change_html(&text, diff));
            }
            out.push_str("</span>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// The headline figures beside the previous period's, as a table (the report's
/// comparison).
pub fn comparison(
    d: &Dashboard,
    now_head: String,
    before_head: String,
    t: &'static Catalogue,
    fmt: Fmt,
) -> String {
    let rows = headline(t)
        .into_iter()
        .map(|(code, label, get)| {
            let now = get(&d.summary);
            let before = d.previous.as_ref().map(get);
            let change = before
                .and_then(|b| now.change(b, t, fmt))
                .map_or_else(|| "—".to_string(), |(text, _)| text);
            let before = before.map_or_else(|| "—".to_string(), |b| b.show(t, fmt));
            (
                code.to_string(),
                label.to_string(),
                vec![now.show(t, fmt), before, change],
            )
        })
        .collect();
    Table {
        testid: "rp-comparison",
        caption: t.rp_comparison_caption,
        cols: vec![
            ("figure", t.rp_col_figure.into(), false),
            ("now", now_head, true),
            ("before", before_head, true),
            ("change", t.rp_col_change.into(), true),
        ],
        rows,
    }
    .html()
}

/// A sector's name (`unknown`: contacts recorded without one).
pub fn sector_name(code: &str, t: &Catalogue) -> String {
    if code == "unknown" {
        t.rp_unknown.to_string()
    } else {
        t.sector_names.name_of(code)
    }
}

/// A month key (`2026-07`) as its short name and its year: ("lug", "2026").
pub fn month_label<'a>(key: &'a str, t: &Catalogue) -> (&'a str, &'a str) {
    let (y, m) = key.split_once('-').unwrap_or((key, ""));
    let name = m
        .parse::<usize>()
        .ok()
        .and_then(|m| t.rp_month_names.split(' ').nth(m.wrapping_sub(1)))
        .unwrap_or(m);
    (name, y)
}

/// The sectors of the seasonal view, in the vocabulary's order (agriculture at the
/// bottom of each bar), those with contacts only: (code, name).
fn seasonal_layers(v: &Views, t: &Catalogue) -> Vec<(String, String)> {
    Sector::ALL
        .iter()
        .map(|s| s.code())
        .chain(["unknown"])
        .filter(|code| {
            v.seasonal
                .values()
                .any(|row| row.get(*code).copied().unwrap_or(0) > 0)
        })
        .map(|code| (code.to_string(), sector_name(code, t)))
        .collect()
}

fn count_in(row: Option<&Counts>, code: &str) -> u64 {
    row.and_then(|r| r.get(code)).copied().unwrap_or(0)
}

/// A chart's markup with its table: beside it (the report), or one click away (the
/// dashboard).
pub fn chart(svg: &str, table: &str, folded: bool, t: &Catalogue) -> String {
    if folded {
        format!(
            "<figure class=\"rp-chart\"><div class=\"rp-svg-box\">{svg}</div>\
             <details class=\"rp-data\"><summary>{}</summary>{table}</details></figure>",
            esc(t.rp_show_table)
        )
    } else {
        format!("<figure class=\"rp-chart\"><div class=\"rp-svg-box\">{svg}</div>{table}</figure>")
    }
}

/// Contacts by month and sector: the stacked bars and their table.
pub fn seasonal(v: &Views, folded: bool, t: &'static Catalogue, fmt: Fmt) -> String {
    let layers = seasonal_layers(v, t);
    let first = v.months.first().cloned().unwrap_or_default();
    let months: Vec<(String, Vec<u64>)> = v
        .months
        .iter()
        .map(|m| {
            let row = v.seasonal.get(m);
            // The year under the first month and each January.
            let (name, year) = month_label(m, t);
            let label = if *m == first || m.ends_with("-01") {
                format!("{name}\n{year}")
            } else {
                name.to_string()
            };
            (
                label,
                layers.iter().map(|(c, _)| count_in(row, c)).collect(),
            )
        })
        .collect();
    let svg = charts::seasonal(t.rp_seasonal_label, &layers, &months, fmt);
    let mut cols = vec![("month", t.rp_col_month.to_string(), false)];
    cols.extend(
        layers
            .iter()
            .map(|(c, name)| (c.as_str(), name.clone(), true)),
    );
    cols.push(("total", t.rp_col_total.to_string(), true));
    let rows = v
        .months
        .iter()
        .map(|m| {
            let row = v.seasonal.get(m);
            let mut cells: Vec<String> = layers
                .iter()
                .map(|(c, _)| fmt.int(count_in(row, c)))
                .collect();
            cells.push(fmt.int(row.map(|r| r.values().sum()).unwrap_or(0)));
            let (name, year) = month_label(m, t);
            (m.clone(), format!("{name} {year}"), cells)
        })
        .collect();
    let table = Table {
        testid: "rp-seasonal-table",
        caption: t.rp_seasonal_title,
        cols,
        rows,
    };
    chart(&svg, &table.html(), folded, t)
}

fn fmt_deg(x: f64, fmt: Fmt) -> String {
    let hundredths = (x * 100.0).round() as i64;
    let sep = if fmt.0 == crate::i18n::Lang::En {
        '.'
    } else {
        ','
    };
    format!("{}{sep}{:02}", hundredths / 100, (hundredths % 100).abs())
}

/// Contacts on the grid of the territory (those recording `need`, when given): the map
/// and its table (busiest cells first).
pub fn area(
    v: &Views,
    folded: bool,
    need: Option<&str>,
    t: &'static Catalogue,
    fmt: Fmt,
) -> String {
    let a = &v.area;
    let need_name = need.map(|n| t.need_names.name_of(n));
    let value = |c: &AreaCell| need.map_or(c.contacts, |n| c.needs.get(n).copied().unwrap_or(0));
    let svg = match &need_name {
        Some(name) => charts::area(
            &t.rp_area_label_need.with("need", name),
            a,
            need,
            &t.rp_area_legend_need.with("need", name),
            &|n| format!("{name}: {}", fmt.int(n)),
            fmt,
        ),
        None => charts::area(
            t.rp_area_label,
            a,
            None,
            t.rp_area_legend,
            &|n| t.rp_contacts_n.n(n as usize),
            fmt,
        ),
    };
    let mut cells: Vec<_> = a.cells.iter().filter(|c| value(c) > 0).collect();
    sort_by(&mut cells, |x, y| value(y).cmp(&value(x)));
    let cell = a.cell_deg;
    let rows = cells
        .into_iter()
        .map(|c| {
            let mut needs: Vec<(&String, &u64)> = c.needs.iter().collect();
            sort_by(&mut needs, |x, y| y.1.cmp(x.1));
            let needs = needs
                .into_iter()
                .take(3)
                .map(|(code, n)| format!("{} ({})", t.need_names.name_of(code), fmt.int(*n)))
                .collect::<Vec<_>>()
                .join(", ");
            let place = format!(
                "{}–{} N · {}–{} E",
                fmt_deg(c.lat, fmt),
                fmt_deg(c.lat + cell, fmt),
                fmt_deg(c.lon, fmt),
                fmt_deg(c.lon + cell, fmt)
            );
            let near = charts::nearest_town(c.lat + cell / 2.0, c.lon + cell / 2.0);
            let mut row = vec![place, fmt.int(c.contacts)];
            row.extend(need.map(|_| fmt.int(value(c))));
            row.push(needs);
            (format!("{:.2},{:.2}", c.lat, c.lon), near.to_string(), row)
        })
        .collect();
    let mut cols = vec![
        ("near", t.rp_col_near.into(), false),
        ("cell", t.rp_col_cell.into(), false),
        ("contacts", t.rp_fig_contacts.into(), true),
    ];
    cols.extend(need_name.map(|name| ("need", name, true)));
    cols.push(("needs", t.rp_col_main_needs.into(), false));
    let table = Table {
        testid: "rp-area-table",
        caption: t.rp_area_title,
        cols,
        rows,
    };
    let table = format!(
        "{}<p class=\"hint\" data-testid=\"rp-without-place\">{}</p>",
        table.html(),
        esc(&t.rp_without_place.n(a.without_place as usize))
    );
    chart(&svg, &table, folded, t)
}

/// The organisations shown as bars (the table lists them all).
const FUNNEL_BARS: usize = 12;

/// Referrals by organisation along their way: the bars (the busiest organisations)
/// and the table of all, with the acceptance rate and the median days to answer.
pub fn funnel(v: &Views, folded: bool, t: &'static Catalogue, fmt: Fmt) -> String {
    let mut all: Vec<&Funnel> = v.funnel.iter().collect();
    sort_by(&mut all, |a, b| {
        b.proposed
            .cmp(&a.proposed)
            .then(a.organisation.cmp(&b.organisation))
    });
    let bars: Vec<(String, [u64; 4])> = all
        .iter()
        .take(FUNNEL_BARS)
        .map(|f| {
            (
                f.organisation.clone(),
                [f.proposed, f.sent, f.answered, f.attended],
            )
        })
        .collect();
    let label = if all.len() > FUNNEL_BARS {
        t.rp_funnel_label_top.n(FUNNEL_BARS)
    } else {
        t.rp_funnel_label.to_string()
    };
    let svg = charts::funnel(
        &label,
        [
            t.rp_stage_proposed,
            t.rp_stage_sent,
            t.rp_stage_answered,
            t.rp_stage_attended,
        ],
        &bars,
        fmt,
    );
    let rows = all
        .into_iter()
        .map(|f| {
            let rate = strada_shared::report::rate(f.accepted, f.answered);
            (
                f.organisation.clone(),
                f.organisation.clone(),
                vec![
                    fmt.int(f.proposed),
                    fmt.int(f.sent),
                    fmt.int(f.answered),
                    fmt.int(f.accepted),
                    fmt.int(f.answered.saturating_sub(f.accepted)),
                    Value::Rate(rate).show(t, fmt),
                    fmt.int(f.attended),
                    Value::Days(f.median_days_to_answer).show(t, fmt),
                ],
            )
        })
        .collect();
    let table = Table {
        testid: "rp-network-table",
        caption: t.rp_network_title,
        cols: vec![
            ("organisation", t.rp_col_organisation.into(), false),
            ("proposed", t.rp_stage_proposed.into(), true),
            ("sent", t.rp_stage_sent.into(), true),
            ("answered", t.rp_stage_answered.into(), true),
            ("accepted", t.rp_col_accepted.into(), true),
            ("declined", t.rp_col_declined.into(), true),
            ("acceptance_rate", t.rp_fig_acceptance.into(), true),
            ("attended", t.rp_stage_attended.into(), true),
            ("median_days", t.rp_fig_median_days.into(), true),
        ],
        rows,
    };
    chart(&svg, &table.html(), folded, t)
}

/// Each worker's contacts, referrals and cases in the period, busiest first.
pub fn workload(s: &Summary, t: &'static Catalogue, fmt: Fmt) -> String {
    let mut rows: Vec<(&String, &Workload)> = s.workload.iter().collect();
    sort_by(&mut rows, |a, b| {
        (b.1.contacts + b.1.cases)
            .cmp(&(a.1.contacts + a.1.cases))
            .then(a.0.cmp(b.0))
    });
    Table {
        testid: "rp-workload-table",
        // Not the section's title again (a new user's walk: read twice in a row).
        caption: t.rp_workload_caption,
        cols: vec![
            ("user", t.rp_col_user.into(), false),
            ("contacts", t.rp_fig_contacts.into(), true),
            ("referrals", t.rp_fig_referrals.into(), true),
            ("cases", t.rp_col_cases.into(), true),
        ],
        rows: rows
            .into_iter()
            .map(|(user, w)| {
                (
                    user.clone(),
                    user.clone(),
                    vec![fmt.int(w.contacts), fmt.int(w.referrals), fmt.int(w.cases)],
                )
            })
            .collect(),
    }
    .html()
}

/// The PIP buckets of open cases, in order.
const PIP_BUCKETS: [&str; 5] = ["none", "0", "1-49", "50-99", "100"];

/// The open cases at the end of the period, counted: reviews overdue, no contact for
/// 90 days, and how much of their PIP is done.
pub fn monitoring(m: &Monitoring, t: &'static Catalogue, fmt: Fmt) -> String {
    let counts = facts(
        "rp-monitoring",
        &[
            (
                // The day the cases are looked at: the period's last, or today while the
                // period runs.
                &t.rp_mon_open
                    .with("date", &crate::util::day_label(&m.as_of, fmt.0)),
                fmt.int(m.open),
            ),
            (t.rp_mon_overdue, fmt.int(m.overdue_reviews)),
            (t.rp_mon_no_contact, fmt.int(m.no_recent_contact)),
        ],
    );
    let table = Table {
        testid: "rp-pip-table",
        caption: t.rp_pip_title,
        cols: vec![
            ("pip_done", t.rp_col_pip_done.into(), false),
            ("cases", t.rp_col_cases.into(), true),
        ],
        rows: PIP_BUCKETS
            .into_iter()
            .map(|b| {
                let label = if b == "none" {
                    t.rp_pip_none.to_string()
                } else {
                    format!("{}%", b.replace('-', "–"))
                };
                let n = m.pip_done.get(b).copied().unwrap_or(0);
                (b.to_string(), label, vec![fmt.int(n)])
            })
            .collect(),
    };
    format!("{counts}{}", table.html())
}

/// Counts by code with the previous period's beside them, busiest first, under
/// `(caption, the codes' column head)`; `names` names the codes (none: the code is a
/// name already, as a team's slug).
pub fn counts(
    (caption, head): (&'static str, &'static str),
    now: &Counts,
    before: Option<&Counts>,
    names: Option<Names>,
    testid: &'static str,
    t: &'static Catalogue,
    fmt: Fmt,
) -> String {
    let mut codes: Vec<(&String, u64)> = now.iter().map(|(k, v)| (k, *v)).collect();
    if let Some(b) = before {
        codes.extend(b.keys().filter(|k| !now.contains_key(*k)).map(|k| (k, 0)));
    }
    sort_by(&mut codes, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut cols = vec![
        ("code", head.to_string(), false),
        ("period", t.rp_col_period.to_string(), true),
    ];
    if before.is_some() {
        cols.push(("before", t.rp_col_before.to_string(), true));
    }
    let rows = codes
        .into_iter()
        .map(|(code, n)| {
            let name = match names {
                Some(_) if code == "unknown" => t.rp_unknown.to_string(),
                Some(names) => names.name_of(code),
                None => code.clone(),
            };
            let mut cells = vec![fmt.int(n)];
            cells.extend(before.map(|b| fmt.int(b.get(code).copied().unwrap_or(0))));
            (code.clone(), name, cells)
        })
        .collect();
    Table {
        testid,
        caption,
        cols,
        rows,
    }
    .html()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn demo() -> Dashboard {
        let mut d = Dashboard::default();
        d.summary.contacts = 1157;
        d.summary.referral_acceptance_rate = Some(0.84);
        d.summary.workload.insert(
            "marta<b>".into(),
            Workload {
                contacts: 3,
                referrals: 1,
                cases: 0,
            },
        );
        d.views.months = vec!["2026-07".into(), "2026-08".into()];
        let mut july = Counts::new();
        july.insert("agriculture".into(), 197);
        july.insert("unknown".into(), 2);
        d.views.seasonal.insert("2026-07".into(), july);
        d.views.area.cell_deg = 0.1;
        d.views.area.cells.push(AreaCell {
            lat: 45.4,
            lon: 9.1,
            contacts: 12,
            ..Default::default()
        });
        d.previous = Some(Summary {
            contacts: 661,
            referral_acceptance_rate: Some(0.876),
            ..Default::default()
        });
        d
    }

    #[test]
    fn the_comparison_shows_each_figure_beside_the_period_before_and_the_change() {
        let (t, fmt) = (Lang::It.t(), Fmt(Lang::It));
        let html = comparison(&demo(), "Q3".into(), "Q2".into(), t, fmt);
        assert!(html.contains(
            "<tr data-key=\"contacts\"><th scope=\"row\">Contatti</th>\
             <td class=\"num\" data-col=\"now\">1.157</td>\
             <td class=\"num\" data-col=\"before\">661</td>\
             <td class=\"num\" data-col=\"change\">+75%</td></tr>"
        ));
        assert!(
            html.contains(">-3,6 punti</td>"),
            "a rate changes in points"
        );
        assert!(html.contains("<caption>"));
        let tiles = tiles(&demo(), t, fmt);
        assert!(tiles.contains(
            "Prima: 661 · <span class=\"rp-change\"><span aria-hidden=\"true\">▲ </span>+75%</span>"
        ));
    }

    #[test]
    fn the_seasonal_table_has_a_row_per_month_and_a_column_per_sector_with_contacts() {
        let html = seasonal(&demo().views, true, Lang::It.t(), Fmt(Lang::It));
        assert!(html.contains("<tr data-key=\"2026-07\"><th scope=\"row\">lug 2026</th>"));
        assert!(html.contains("<td class=\"num\" data-col=\"agriculture\">197</td>"));
        assert!(html.contains("<td class=\"num\" data-col=\"unknown\">2</td>"));
        assert!(html.contains("<td class=\"num\" data-col=\"total\">199</td>"));
        // August had none: a row of zeros; logistics had none: no column.
        assert!(html.contains("<tr data-key=\"2026-08\">"));
        assert!(!html.contains("data-col=\"logistics\""));
        assert!(html.contains("<details class=\"rp-data\"><summary>Tabella dei dati</summary>"));
    }

    #[test]
    fn names_from_data_are_escaped_in_tables() {
        let html = workload(&demo().summary, Lang::It.t(), Fmt(Lang::It));
        assert!(html.contains("<th scope=\"row\">marta&lt;b&gt;</th>"));
        assert!(!html.contains("marta<b>"));
    }

    #[test]
    fn the_area_table_names_each_cell_by_its_nearest_town() {
        let html = area(&demo().views, false, None, Lang::En.t(), Fmt(Lang::En));
        assert!(html.contains("<th scope=\"row\">Milano</th>"));
        assert!(html.contains(">45.40–45.50 N · 9.10–9.20 E</td>"));
        assert!(!html.contains("<details"), "unfolded in the report");
    }
}
