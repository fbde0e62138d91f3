//! `gloss report`: one self-contained HTML page (no network at view time)
//! with, per subject, every claim's value over time by source as an SVG
//! chart, conflicts marked, and a table linking back to `file:line`.

use std::fmt::Write;

use gloss_analysis::entity::EntityKind;
use gloss_analysis::figure::group;
use gloss_analysis::index::ClaimId;
use gloss_analysis::Analysis;

use crate::line_of;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 90.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;
const PALETTE: [&str; 8] = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#e377c2"];
const CONFLICT: &str = "#d62728";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The page, for the whole workspace.
pub fn report_html(analysis: &Analysis, title: &str) -> String {
    let mut subjects: Vec<(&gloss_analysis::Id, &[ClaimId])> = analysis.index().subjects().map(|(id, ledger)| (id, &ledger.claims[..])).collect();
    subjects.sort();
    let mut body = String::new();
    let total: usize = subjects.iter().map(|(_, c)| c.len()).sum();
    let conflicts: usize = analysis.claims().filter(|&c| !analysis.relations(c).conflicts.is_empty()).count();
    let _ = writeln!(body, "<p class=\"summary\">{total} claims on {} subjects; {conflicts} in conflict.</p>", subjects.len());
    let _ = writeln!(body, "<nav><ul>");
    for (id, claims) in &subjects {
        let _ = writeln!(body, "<li><a href=\"#{}\">{}</a> ({})</li>", esc(id), esc(&subject_name(analysis, id)), claims.len());
    }
    let _ = writeln!(body, "</ul></nav>");
    for (id, claims) in subjects {
        section(analysis, &mut body, id, claims);
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n{body}</body>\n</html>\n",
        t = esc(title)
    )
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}\
h2{margin-top:2.2em;border-bottom:1px solid #ddd}table{border-collapse:collapse;width:100%;font-size:13px}\
td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}tr.conflict td{background:#fdecea}\
.conflict-mark{color:#d62728;font-weight:bold}svg{background:#fafafa;border:1px solid #eee}.summary{color:#555}\
svg text{font:11px system-ui,sans-serif}";

fn subject_name(analysis: &Analysis, id: &str) -> String {
    analysis.entity(id).filter(|(_, d)| d.kind == EntityKind::Subject).map_or(id.to_string(), |(_, d)| d.display_name().to_string())
}

fn section(analysis: &Analysis, out: &mut String, id: &str, claims: &[ClaimId]) {
    let unit = analysis.entity(id).and_then(|(_, d)| d.field_text("unit")).map(|u| format!(" · in {}", esc(u))).unwrap_or_default();
    let _ = writeln!(out, "<section id=\"{}\">\n<h2>{}</h2>\n<p><code>{}</code>{unit}</p>", esc(id), esc(&subject_name(analysis, id)), esc(id));
    let _ = writeln!(out, "{}", chart(analysis, id, claims));
    let _ = writeln!(out, "<table>\n<tr><th></th><th>value</th><th>interval</th><th>sources</th><th>date</th><th>text</th><th>where</th></tr>");
    let mut sorted = claims.to_vec();
    sorted.sort_by_key(|&no| (analysis.claim(no).1.date.map(|d| d.first), no));
    for no in sorted {
        let (file, c) = analysis.claim(no);
        let f = analysis.file(file).unwrap();
        let line = line_of(f, c.range.start());
        let relations = analysis.relations(no);
        let conflict = !relations.conflicts.is_empty();
        let interval = c.figure.as_ref().map_or("—".to_string(), |fig| fig.interval(analysis.config().claims.approx).to_string());
        let who: Vec<String> = c.named().map(|s| format!("@{}", s.id)).collect();
        let mark = if conflict {
            format!(
                "<span class=\"conflict-mark\" title=\"conflicts with {}\">⚠ conflict</span>",
                esc(&relations.conflicts.iter().map(|&o| gloss_analysis::diagnostics::summary(analysis, o)).collect::<Vec<_>>().join("; "))
            )
        } else if !relations.revised_by.is_empty() {
            "revised".to_string()
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<tr{}><td>{mark}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{}\">{}:{line}</a></td></tr>",
            if conflict { " class=\"conflict\"" } else { "" },
            esc(&c.figure.as_ref().map_or("?".to_string(), |fig| fig.describe())),
            esc(&interval),
            esc(&if who.is_empty() { "unsourced".to_string() } else { who.join(", ") }),
            c.date.map_or("—".to_string(), |d| d.to_string()),
            esc(&c.text),
            esc(&f.path),
            esc(&f.path),
        );
    }
    let _ = writeln!(out, "</table>\n</section>");
}

/// Claims as columns in date order (undated last), each an interval bar or
/// an exact point, on a value axis that is logarithmic when the figures span
/// more than a factor of 20; open bounds run to the chart's edge; claims in
/// conflict in red, each source its own colour.
fn chart(analysis: &Analysis, id: &str, claims: &[ClaimId]) -> String {
    let approx = analysis.config().claims.approx;
    let mut items: Vec<(ClaimId, Option<f64>, Option<f64>)> = claims
        .iter()
        .filter_map(|&no| {
            let i = analysis.claim(no).1.figure.as_ref()?.interval(approx);
            Some((no, i.low, i.high))
        })
        .collect();
    items.sort_by_key(|(no, _, _)| (analysis.claim(*no).1.date.map_or(i64::MAX, |d| d.first), *no));
    let values: Vec<f64> = items.iter().flat_map(|(_, l, h)| [*l, *h]).flatten().filter(|v| *v > 0.0).collect();
    let (mut vmin, mut vmax) = values.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    if values.is_empty() {
        (vmin, vmax) = (1.0, 10.0);
    }
    let log = vmax / vmin > 20.0;
    let (lo, hi) = if log { (vmin.log10().floor(), vmax.log10().ceil()) } else { (0.0, vmax * 1.15) };
    let (lo, hi) = if hi - lo <= 0.0 { (lo, lo + 1.0) } else { (lo, hi) };
    let y = |v: f64| {
        let t = if log { v.max(1e-9).log10() } else { v };
        TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - (t - lo) / (hi - lo))
    };
    let plot_w = WIDTH - LEFT - 20.0;
    let column = plot_w / items.len().max(1) as f64;
    let x = |k: usize| LEFT + column * (k as f64 + 0.5);
    let mut svg = String::new();
    let _ = write!(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"claims on {}\">", esc(id));
    let _ = write!(svg, "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{}\" stroke=\"#999\"/>", HEIGHT - BOTTOM);
    let _ = write!(svg, "<line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"#999\"/>", WIDTH - 20.0, b = HEIGHT - BOTTOM);
    let ticks: Vec<f64> = if log { (lo as i64..=hi as i64).map(|e| 10f64.powi(e as i32)).collect() } else { (0..=4).map(|k| hi * k as f64 / 4.0).collect() };
    for t in ticks {
        let _ = write!(svg, "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{}\" y2=\"{yy:.1}\" stroke=\"#eee\"/>", WIDTH - 20.0, yy = y(t));
        let _ = write!(svg, "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>", LEFT - 6.0, y(t) + 4.0, group(t.round()));
    }
    let mut sources: Vec<String> = Vec::new();
    for (k, (no, low, high)) in items.iter().enumerate() {
        let c = analysis.claim(*no).1;
        let who = c.named().map(|s| s.id.to_string()).next().unwrap_or_else(|| "unsourced".into());
        let ci = sources.iter().position(|s| *s == who).unwrap_or_else(|| {
            sources.push(who.clone());
            sources.len() - 1
        });
        let conflict = !analysis.relations(*no).conflicts.is_empty();
        let colour = if conflict { CONFLICT } else { PALETTE[ci % PALETTE.len()] };
        let cx = x(k);
        let top = high.map_or(TOP, y);
        let bottom = low.filter(|l| *l > 0.0 || !log).map_or(HEIGHT - BOTTOM, y);
        let value = c.figure.as_ref().map_or("?".into(), |f| f.describe());
        let title = esc(&format!("{value} ({who}, {})", c.date.map_or("undated".to_string(), |d| d.to_string())));
        let _ = write!(svg, "<g class=\"claim{}\"><title>{title}</title>", if conflict { " conflict" } else { "" });
        if (bottom - top).abs() < 1.0 {
            let _ = write!(svg, "<circle cx=\"{cx:.1}\" cy=\"{top:.1}\" r=\"5\" fill=\"{colour}\"/>");
        } else {
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"10\" height=\"{:.1}\" fill=\"{colour}\" fill-opacity=\"0.5\" stroke=\"{colour}\"/>",
                cx - 5.0,
                bottom - top
            );
        }
        let _ = write!(svg, "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>", (top - 8.0).max(TOP - 6.0), esc(&value));
        let when = c.date.map_or("undated".to_string(), |d| d.to_string());
        let _ = write!(svg, "<text x=\"{cx:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>", HEIGHT - BOTTOM + 14.0, esc(&when));
        let _ = write!(svg, "<text x=\"{cx:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text></g>", HEIGHT - BOTTOM + 28.0, esc(&who));
    }
    svg.push_str("</svg>");
    svg
}
