//! The dashboard's and the report's charts, hand-written SVG: contacts by month stacked
//! by sector, the territory as a grid of cells, and the referral funnel by partner. Each
//! is one string of markup (no chart crate, no view code per element: the first download
//! stays small), drawn whole into its figure, and the same string goes into the report's
//! downloaded file. Beside every chart the page puts a table with the same numbers.
//!
//! # Invariants
//! - Every text taken from data (an organisation's name, a town) is escaped.
//! - Each sector has a colour *and* a pattern, and the funnel's stages a shade *and* a
//!   height, so a chart reads printed in grey or by someone who does not see colours.
//! - The territory is drawn as cells of the server's grid, never a point per person; no
//!   tile server, no map background: reference towns at their real coordinates.
//! - Pure string building, tested natively; numbers are formatted by the caller's [`Fmt`].

use std::fmt::Write as _;

use strada_shared::report::{Area, AreaCell};

use crate::i18n::Lang;

/// Numbers as the page's language writes them.
#[derive(Clone, Copy)]
pub struct Fmt(pub Lang);

impl Fmt {
    fn separators(self) -> (char, char) {
        if self.0 == Lang::En {
            (',', '.')
        } else {
            ('.', ',')
        }
    }

    /// A count with its thousands grouped: `12.345` (Italian), `12,345` (English).
    pub fn int(self, n: u64) -> String {
        let (thousands, _) = self.separators();
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(thousands);
            }
            out.push(c);
        }
        out
    }

    /// A number with at most one decimal (`2,5`; `3` rather than `3,0`).
    pub fn dec(self, x: f64) -> String {
        let (_, decimal) = self.separators();
        let tenths = (x.abs() * 10.0).round() as u64;
        let sign = if x < 0.0 && tenths > 0 { "-" } else { "" };
        let whole = self.int(tenths / 10);
        match tenths % 10 {
            0 => format!("{sign}{whole}"),
            d => format!("{sign}{whole}{decimal}{d}"),
        }
    }

    /// A share of 0..1 as a percentage: whole percents, one decimal below 10%.
    pub fn pct(self, x: f64) -> String {
        let p = x * 100.0;
        if p.abs() < 10.0 {
            format!("{}%", self.dec(p))
        } else {
            format!("{}%", self.int(p.round().abs() as u64))
        }
    }

    /// A change with its sign always written (`+3`, `-2,5`, `0`).
    pub fn signed(self, x: f64) -> String {
        let s = self.dec(x);
        if s != "0" && !s.starts_with('-') {
            format!("+{s}")
        } else {
            s
        }
    }
}

/// Text for SVG or HTML markup.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `x`.
fn nice_step(x: f64) -> f64 {
    let x = x.max(1.0);
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * p)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * p)
}

/// The opening of a chart: its box, its name for assistive technology (`role="img"`
/// and `aria-label`, with a `<title>`), and the text style every label shares.
fn open_svg(out: &mut String, w: f64, h: f64, label: &str, testid: &str) {
    let label = esc(label);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rp-svg\" data-testid=\"{testid}\" \
         viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"{label}\">\
         <title>{label}</title>\
         <g font-family=\"system-ui, sans-serif\" font-size=\"11\" fill=\"#1a1a1a\">"
    );
}

fn close_svg(out: &mut String) {
    out.push_str("</g></svg>");
}

/// A sector's colour and the pattern drawn over it.
fn sector_style(code: &str) -> (&'static str, &'static str) {
    // The pattern's marks, white over the colour, in an 8×8 tile.
    const STRIPES: &str = "<rect width=\"3\" height=\"8\" fill=\"#fff\" fill-opacity=\".55\"/>";
    const DOTS: &str = "<circle cx=\"4\" cy=\"4\" r=\"1.7\" fill=\"#fff\" fill-opacity=\".75\"/>";
    const CROSS: &str = "<path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#fff\" stroke-opacity=\".65\" stroke-width=\"1.4\"/>";
    const ROWS: &str = "<rect y=\"5\" width=\"8\" height=\"2\" fill=\"#fff\" fill-opacity=\".6\"/>";
    const COLUMNS: &str =
        "<rect x=\"5\" width=\"2\" height=\"8\" fill=\"#fff\" fill-opacity=\".6\"/>";
    const CHECKS: &str = "<rect width=\"4\" height=\"4\" fill=\"#fff\" fill-opacity=\".45\"/><rect x=\"4\" y=\"4\" width=\"4\" height=\"4\" fill=\"#fff\" fill-opacity=\".45\"/>";
    const DARK_DOTS: &str = "<circle cx=\"2\" cy=\"2\" r=\"1\" fill=\"#333\"/><circle cx=\"6\" cy=\"6\" r=\"1\" fill=\"#333\"/>";
    match code {
        "agriculture" => ("#2e7d32", STRIPES),
        "logistics" => ("#1565c0", DOTS),
        "construction" => ("#d84315", CROSS),
        "hospitality" => ("#6a1b9a", ROWS),
        "domestic" => ("#00838f", COLUMNS),
        "manufacturing" => ("#795548", CHECKS),
        "other" => ("#546e7a", ""),
        _ => ("#d0d0d0", DARK_DOTS),
    }
}

fn pattern_id(code: &str) -> String {
    let safe: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("rp-p-{safe}")
}

/// The contacts of each month stacked by sector, with a legend: the seasonal picture.
/// `layers` are (sector code, name), bottom first; `months` are (label, one count per
/// layer).
pub fn seasonal(
    label: &str,
    layers: &[(String, String)],
    months: &[(String, Vec<u64>)],
    fmt: Fmt,
) -> String {
    const W: f64 = 660.0;
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 18.0;
    const PLOT_H: f64 = 200.0;
    const PER_ROW: usize = 4;
    let legend_rows = layers.len().div_ceil(PER_ROW).max(1);
    let h = TOP + PLOT_H + 38.0 + legend_rows as f64 * 20.0 + 6.0;
    let mut out = String::new();
    open_svg(&mut out, W, h, label, "rp-seasonal-chart");
    out.push_str("<defs>");
    for (code, _) in layers {
        let (colour, marks) = sector_style(code);
        let _ = write!(
            out,
            "<pattern id=\"{}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" \
             patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"{colour}\"/>{marks}</pattern>",
            pattern_id(code)
        );
    }
    out.push_str("</defs>");
    let max = months
        .iter()
        .map(|(_, v)| v.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let step = nice_step(max as f64 / 4.0);
    let top = (max as f64 / step).ceil().max(1.0) * step;
    let y_of = |v: f64| TOP + PLOT_H - v / top * PLOT_H;
    // The grid and its values.
    let mut v = 0.0;
    while v <= top + 0.5 {
        let y = y_of(v);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#cfcac0\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            fmt.int(v as u64)
        );
        v += step;
    }
    let n = months.len().max(1);
    let slot = (W - LEFT - RIGHT) / n as f64;
    let bar = (slot * 0.72).max(1.0);
    // Month labels: every one when they fit, else every few.
    let every = (n as f64 * 34.0 / (W - LEFT - RIGHT)).ceil().max(1.0) as usize;
    for (i, (month, values)) in months.iter().enumerate() {
        let x = LEFT + i as f64 * slot + (slot - bar) / 2.0;
        let mut base = 0u64;
        for ((code, name), value) in layers.iter().zip(values) {
            if *value == 0 {
                continue;
            }
            let y0 = y_of(base as f64);
            let y1 = y_of((base + value) as f64);
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"url(#{})\" \
                 stroke=\"#fff\" stroke-width=\".5\"><title>{} · {}: {}</title></rect>",
                (y0 - y1).max(0.0),
                pattern_id(code),
                esc(&month.replace('\n', " ")),
                esc(name),
                fmt.int(*value)
            );
            base += value;
        }
        let cx = x + bar / 2.0;
        if n <= 24 && base > 0 {
            let _ = write!(
                out,
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">{}</text>",
                y_of(base as f64) - 3.0,
                fmt.int(base)
            );
        }
        if i % every == 0 {
            // A label's second line (the year) goes under its first.
            for (line, text) in month.lines().enumerate() {
                let _ = write!(
                    out,
                    "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    TOP + PLOT_H + 15.0 + line as f64 * 12.0,
                    esc(text)
                );
            }
        }
    }
    // The legend: a swatch with the sector's pattern, and its name.
    let legend_y = TOP + PLOT_H + 42.0;
    let col = (W - LEFT) / PER_ROW as f64;
    for (i, (code, name)) in layers.iter().enumerate() {
        let x = LEFT + (i % PER_ROW) as f64 * col;
        let y = legend_y + (i / PER_ROW) as f64 * 20.0;
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"16\" height=\"14\" fill=\"url(#{})\" stroke=\"#333\" stroke-width=\".6\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            pattern_id(code),
            x + 22.0,
            y + 11.0,
            esc(name)
        );
    }
    close_svg(&mut out);
    out
}

/// Reference towns of Lombardy, at their real coordinates, to read the grid by.
pub const TOWNS: [(&str, f64, f64); 12] = [
    ("Milano", 45.464, 9.19),
    ("Bergamo", 45.698, 9.677),
    ("Brescia", 45.541, 10.211),
    ("Cremona", 45.133, 10.022),
    ("Mantova", 45.156, 10.791),
    ("Lodi", 45.314, 9.503),
    ("Pavia", 45.185, 9.155),
    ("Varese", 45.818, 8.825),
    ("Como", 45.808, 9.085),
    ("Lecco", 45.856, 9.397),
    ("Sondrio", 46.17, 9.87),
    ("Monza", 45.584, 9.274),
];

/// The reference town nearest to a point (by the same flat projection as the map).
pub fn nearest_town(lat: f64, lon: f64) -> &'static str {
    let k = lat.to_radians().cos();
    TOWNS
        .iter()
        .map(|(name, tlat, tlon)| {
            let dx = (lon - tlon) * k;
            let dy = lat - tlat;
            (name, dx * dx + dy * dy)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or("", |(name, _)| name)
}

/// `text` cut into lines of about `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The shades of the grid, lightest first (one hue: it prints in grey).
const SHADES: [&str; 5] = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"];

/// The shade class of a cell: by the square root of its share of the busiest cell, so
/// a few busy cells do not wash out the rest.
fn shade_of(contacts: u64, max: u64) -> usize {
    if max == 0 {
        return 0;
    }
    let r = (contacts as f64 / max as f64).sqrt();
    ((r * SHADES.len() as f64).ceil() as usize).clamp(1, SHADES.len()) - 1
}

/// The most contacts a shade class stands for.
fn shade_upper(class: usize, max: u64) -> u64 {
    let f = (class + 1) as f64 / SHADES.len() as f64;
    (max as f64 * f * f).floor() as u64
}

/// The contacts of each cell of the grid (those recording `need`, when given) on a flat
/// map of the territory (equirectangular, x scaled by the cosine of the middle latitude),
/// with the reference towns, a scale bar and the legend of the shades. `cell_label`
/// names a cell's count for its tooltip (`"{n} contatti"`), `legend` heads the shades.
/// The frame is the same whatever the need, so two maps compare.
pub fn area(
    label: &str,
    area: &Area,
    need: Option<&str>,
    legend: &str,
    cell_label: &dyn Fn(u64) -> String,
    fmt: Fmt,
) -> String {
    let value = |c: &AreaCell| need.map_or(c.contacts, |n| c.needs.get(n).copied().unwrap_or(0));
    const W: f64 = 660.0;
    const PAD: f64 = 12.0;
    const LEGEND_W: f64 = 165.0;
    let cell = if area.cell_deg > 0.0 {
        area.cell_deg
    } else {
        0.1
    };
    // The box: the towns and every cell, with a margin.
    let (mut s, mut n, mut w, mut e) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (_, lat, lon) in TOWNS {
        (s, n, w, e) = (s.min(lat), n.max(lat), w.min(lon), e.max(lon));
    }
    for c in &area.cells {
        (s, n) = (s.min(c.lat), n.max(c.lat + cell));
        (w, e) = (w.min(c.lon), e.max(c.lon + cell));
    }
    let margin = 0.08;
    (s, n, w, e) = (s - margin, n + margin, w - margin, e + margin);
    let k = ((s + n) / 2.0).to_radians().cos();
    let plot_w = W - 2.0 * PAD - LEGEND_W;
    let scale = plot_w / ((e - w) * k);
    let plot_h = (n - s) * scale;
    let h = plot_h + 2.0 * PAD + 18.0;
    let x_of = |lon: f64| PAD + (lon - w) * k * scale;
    let y_of = |lat: f64| PAD + (n - lat) * scale;
    let mut out = String::new();
    open_svg(&mut out, W, h, label, "rp-area-chart");
    let _ = write!(
        out,
        "<rect x=\"{PAD}\" y=\"{PAD}\" width=\"{plot_w:.1}\" height=\"{plot_h:.1}\" fill=\"#fbfaf7\" stroke=\"#cfcac0\"/>"
    );
    let max = area.cells.iter().map(value).max().unwrap_or(0);
    for c in area.cells.iter().filter(|c| value(c) > 0) {
        let x = x_of(c.lon);
        let y = y_of(c.lat + cell);
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"#7a6e5a\" stroke-width=\".5\">\
             <title>{} · {}</title></rect>",
            cell * k * scale,
            cell * scale,
            SHADES[shade_of(value(c), max)],
            esc(nearest_town(c.lat + cell / 2.0, c.lon + cell / 2.0)),
            esc(&cell_label(value(c)))
        );
    }
    for (name, lat, lon) in TOWNS {
        let (x, y) = (x_of(lon), y_of(lat));
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.6\" fill=\"#1a1a1a\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{name}</text>",
            x + 4.0,
            y - 3.0
        );
    }
    // A scale bar under the map.
    let km_per_px = 111.32 / scale;
    let bar_km = super::nice_length(plot_w * km_per_px / 5.0);
    let bar_px = bar_km / km_per_px;
    let y = PAD + plot_h + 12.0;
    let _ = write!(
        out,
        "<line x1=\"{PAD}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#1a1a1a\" stroke-width=\"2\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\">{} km</text>",
        PAD + bar_px,
        PAD + bar_px + 6.0,
        y + 4.0,
        fmt.int(bar_km as u64)
    );
    // The legend: each shade and the most contacts it stands for.
    let lx = W - LEGEND_W + 4.0;
    let title = wrap(legend, 22);
    for (i, line) in title.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{lx:.1}\" y=\"{:.1}\" font-weight=\"600\">{}</text>",
            PAD + 10.0 + i as f64 * 13.0,
            esc(line)
        );
    }
    let top = PAD + 10.0 + title.len() as f64 * 13.0 - 3.0;
    let mut low = 1;
    for (class, shade) in SHADES.iter().enumerate() {
        let high = shade_upper(class, max);
        if max == 0 || high < low {
            continue;
        }
        let y = top + class as f64 * 20.0;
        let range = if high == low {
            fmt.int(low)
        } else {
            format!("{}–{}", fmt.int(low), fmt.int(high))
        };
        let _ = write!(
            out,
            "<rect x=\"{lx:.1}\" y=\"{y:.1}\" width=\"16\" height=\"14\" fill=\"{shade}\" stroke=\"#7a6e5a\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{range}</text>",
            lx + 22.0,
            y + 11.0
        );
        low = high + 1;
    }
    close_svg(&mut out);
    out
}

/// The shades and heights of the funnel's stages, outermost first.
const STAGES: [(&str, f64); 4] = [
    ("#cfd8dc", 20.0),
    ("#90a4ae", 15.0),
    ("#546e7a", 10.0),
    ("#1c2b33", 5.0),
];

/// Each organisation's referrals along their way (proposed → sent → answered →
/// attended) as nested bars, widest the first stage; `stages` names the four.
pub fn funnel(label: &str, stages: [&str; 4], rows: &[(String, [u64; 4])], fmt: Fmt) -> String {
    const W: f64 = 660.0;
    const PAD: f64 = 8.0;
    const ROW: f64 = 44.0;
    const TEXT_W: f64 = 150.0;
    let h = 30.0 + rows.len() as f64 * ROW + PAD;
    let mut out = String::new();
    open_svg(&mut out, W, h, label, "rp-funnel-chart");
    // The legend: each stage's swatch, as tall as its bar.
    let col = (W - 2.0 * PAD) / 4.0;
    for (i, ((shade, height), name)) in STAGES.iter().zip(stages).enumerate() {
        let x = PAD + i as f64 * col;
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"16\" height=\"{height}\" fill=\"{shade}\" stroke=\"#333\" stroke-width=\".5\"/>\
             <text x=\"{:.1}\" y=\"16\">{}</text>",
            12.0 - height / 2.0,
            x + 22.0,
            esc(name)
        );
    }
    let max = rows.iter().map(|(_, v)| v[0]).max().unwrap_or(0).max(1);
    let bar_w = W - 2.0 * PAD - TEXT_W;
    for (i, (organisation, values)) in rows.iter().enumerate() {
        let top = 30.0 + i as f64 * ROW;
        let mid = top + 28.0;
        let _ = write!(
            out,
            "<text x=\"{PAD}\" y=\"{:.1}\" font-weight=\"600\">{}</text>",
            top + 12.0,
            esc(organisation)
        );
        for ((shade, height), v) in STAGES.iter().zip(values) {
            let _ = write!(
                out,
                "<rect x=\"{PAD}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{height}\" fill=\"{shade}\"/>",
                mid - height / 2.0,
                (*v as f64 / max as f64 * bar_w).max(if *v > 0 { 1.5 } else { 0.0 })
            );
        }
        let text = values
            .iter()
            .map(|v| fmt.int(*v))
            .collect::<Vec<_>>()
            .join(" → ");
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\">{text}</text>",
            W - PAD - TEXT_W + 8.0,
            mid + 4.0
        );
    }
    close_svg(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_the_language_writes_them() {
        let it = Fmt(Lang::It);
        let en = Fmt(Lang::En);
        assert_eq!(it.int(0), "0");
        assert_eq!(it.int(1234567), "1.234.567");
        assert_eq!(en.int(1234), "1,234");
        assert_eq!(it.dec(2.5), "2,5");
        assert_eq!(en.dec(2.5), "2.5");
        assert_eq!(it.dec(3.0), "3");
        assert_eq!(it.dec(-0.04), "0");
        assert_eq!(it.pct(0.634), "63%");
        assert_eq!(it.pct(0.055), "5,5%");
        assert_eq!(it.signed(3.0), "+3");
        assert_eq!(it.signed(-1.5), "-1,5");
        assert_eq!(it.signed(0.0), "0");
    }

    #[test]
    fn text_from_data_cannot_break_the_markup() {
        assert_eq!(
            esc("<b>\"A&B\"</b>"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
        let rows = vec![("Ente <script>".to_string(), [3, 2, 1, 0])];
        let svg = funnel("x", ["a", "b", "c", "d"], &rows, Fmt(Lang::It));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("Ente &lt;script&gt;"));
    }

    #[test]
    fn the_seasonal_chart_has_a_bar_per_month_and_a_pattern_per_sector() {
        let layers = vec![
            ("agriculture".to_string(), "Agricoltura".to_string()),
            ("logistics".to_string(), "Logistica".to_string()),
        ];
        let months = vec![
            ("gen\n2026".to_string(), vec![1, 9]),
            ("lug".to_string(), vec![40, 2]),
            ("dic".to_string(), vec![0, 30]),
        ];
        let svg = seasonal("Contatti", &layers, &months, Fmt(Lang::It));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-label=\"Contatti\""));
        assert_eq!(svg.matches("<pattern ").count(), 2);
        // Five segments (a zero draws nothing), two legend swatches.
        assert_eq!(
            svg.matches("fill=\"url(#rp-p-agriculture)\"").count(),
            2 + 1
        );
        assert_eq!(svg.matches("fill=\"url(#rp-p-logistics)\"").count(), 3 + 1);
        assert!(
            svg.contains(">42</text>"),
            "each month's total above its bar"
        );
    }

    #[test]
    fn the_area_map_draws_cells_and_towns_never_points_of_people() {
        let grid = Area {
            cell_deg: 0.1,
            cells: vec![
                AreaCell {
                    lat: 45.4,
                    lon: 9.1,
                    contacts: 100,
                    ..Default::default()
                },
                AreaCell {
                    lat: 45.6,
                    lon: 9.6,
                    contacts: 4,
                    ..Default::default()
                },
            ],
            without_place: 3,
        };
        let svg = area(
            "Territorio",
            &grid,
            None,
            "Contatti",
            &|n| format!("{n} contatti"),
            Fmt(Lang::It),
        );
        // Two cells (plus the background, the legend's shades), twelve towns.
        assert_eq!(svg.matches("<circle").count(), TOWNS.len());
        assert!(svg.contains("Milano · 100 contatti"));
        assert!(svg.contains("Bergamo · 4 contatti"));
        assert_eq!(svg.matches("stroke-width=\".5\"><title>").count(), 2);
        assert_eq!(nearest_town(45.45, 9.15), "Milano");
        // One need: only the cells where contacts recorded it.
        let mut food = grid.clone();
        food.cells[0].needs.insert("food".into(), 7);
        let svg = area(
            "x",
            &food,
            Some("food"),
            "x",
            &|n| format!("{n} cibo"),
            Fmt(Lang::It),
        );
        assert!(svg.contains("Milano · 7 cibo") && !svg.contains("Bergamo ·"));
        assert_eq!(nearest_town(46.1, 9.9), "Sondrio");
    }

    #[test]
    fn a_long_legend_is_cut_at_spaces() {
        assert_eq!(wrap("Contatti per cella", 22), ["Contatti per cella"]);
        assert_eq!(
            wrap("Mediazione linguistico-culturale: contatti per cella", 22),
            ["Mediazione", "linguistico-culturale:", "contatti per cella"]
        );
    }

    #[test]
    fn shades_grow_with_the_contacts_and_the_busiest_cell_is_darkest() {
        assert_eq!(shade_of(100, 100), 4);
        assert_eq!(shade_of(1, 100), 0);
        assert!(shade_of(30, 100) > shade_of(5, 100));
        assert_eq!(shade_upper(4, 100), 100);
    }
}
