//! HTML fragments: escaping, tables, status badges, values, change arrows, figures.

use super::Chart;
use crate::audit::{Better, Kpi, KpiValue, Status};

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A table of an output [`crate::table::Table`] (numbers right-aligned, a `note` column wide
/// enough to read; a table wider than the page scrolls sideways instead of being cut).
pub(crate) fn table(t: &crate::table::Table) -> String {
    let mut buf = Vec::new();
    let _ = t.write_csv(&mut buf);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(buf.as_slice());
    let mut out = String::from("<div class=\"tw\"><table class=\"kpi\"><thead><tr>");
    for h in &t.columns {
        out.push_str(&format!("<th>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead><tbody>\n");
    for rec in rdr.records().flatten() {
        out.push_str("<tr>");
        for (f, col) in rec.iter().zip(&t.columns) {
            let num = !f.is_empty() && f.parse::<f64>().is_ok();
            let class = if num {
                " class=\"n\""
            } else if col == "note" {
                " class=\"note\""
            } else if f.chars().count() <= 24 {
                // A short label (a model, a queue, a date) is not broken at its hyphens.
                " class=\"s\""
            } else {
                ""
            };
            out.push_str(&format!("<td{class}>{}</td>", esc(f)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// A status badge: colour and text (never colour alone).
pub(crate) fn badge(s: Option<Status>) -> String {
    match s {
        Some(Status::Met) => "<span class=\"st met\">✓ met</span>".to_string(),
        Some(Status::Near) => "<span class=\"st near\">≈ near</span>".to_string(),
        Some(Status::Missed) => "<span class=\"st missed\">✗ missed</span>".to_string(),
        None => "<span class=\"st none\">no target</span>".to_string(),
    }
}

/// A KPI value in display units with its unit.
pub(crate) fn value(k: &Kpi, v: f64) -> String {
    let u = k.def.unit;
    let unit = u.label();
    format!("{:.*} {unit}", u.decimals(), v * u.display_factor())
}

/// The KPI's value, or `n/a`.
pub(crate) fn current(k: &Kpi) -> String {
    match &k.value {
        KpiValue::Value(v) => value(k, *v),
        KpiValue::NotComputable { .. } => "n/a".to_string(),
    }
}

/// The month-over-month change with an arrow, coloured good/bad by which way is better.
pub(crate) fn change(k: &Kpi) -> String {
    let Some(d) = k.change() else {
        return "<span class=\"chg\">no previous month</span>".to_string();
    };
    let u = k.def.unit;
    let shown = d * u.display_factor();
    let unit = if u.display_factor() == 100.0 {
        "pts"
    } else {
        u.label()
    };
    if shown.abs() < 0.5 * 10f64.powi(-(u.decimals() as i32)) {
        return format!("<span class=\"chg\">→ unchanged vs {}</span>", prev(k));
    }
    let (arrow, up) = if d > 0.0 {
        ("▲", true)
    } else {
        ("▼", false)
    };
    let class = match k.def.better {
        Better::Higher if up => "good",
        Better::Lower if !up => "good",
        Better::Closer => "neutral",
        _ => "bad",
    };
    format!(
        "<span class=\"chg {class}\">{arrow} {shown:+.*} {unit} vs {}</span>",
        u.decimals(),
        prev(k)
    )
}

fn prev(k: &Kpi) -> String {
    k.previous.map_or("–".to_string(), |p| value(k, p))
}

/// The handbook's 4-month mean, when defined.
pub(crate) fn mean4(k: &Kpi) -> String {
    k.mean_4m.map_or(String::new(), |m| {
        format!("4-month mean {} ({} mo)", value(k, m.value), m.months)
    })
}

/// The target, when set; "no target" and where that was said, when it was said explicitly.
pub(crate) fn target(k: &Kpi) -> String {
    let Some(t) = &k.target else {
        return k
            .no_target
            .as_ref()
            .map_or(String::new(), |why| format!("no target: {why}"));
    };
    let op = match t.better {
        Better::Higher => "≥",
        Better::Lower => "≤",
        Better::Closer => "≈",
    };
    format!("target {op} {}", value(k, t.value))
}

/// A figure holding one chart; `view` adds a `data-view` attribute.
pub(crate) fn figure(c: &Chart, view: Option<&str>) -> String {
    let dv = view.map_or(String::new(), |v| format!(" data-view=\"{v}\""));
    let needs = if c.needs.is_some() { " needs" } else { "" };
    format!(
        "<figure class=\"chart{needs}\" id=\"{}\" data-chart=\"{}\"{dv}><figcaption>{}</figcaption>\n{}\n</figure>\n",
        esc(&c.id),
        esc(&c.id),
        esc(&c.title),
        c.svg
    )
}

/// A headline card of one KPI.
pub(crate) fn card(k: &Kpi, illustrative: bool) -> String {
    let tag = if illustrative {
        "<span class=\"illus\">illustrative input</span>"
    } else {
        ""
    };
    format!(
        "<div class=\"card\" data-kpi=\"{}\"><div class=\"name\">{} <span class=\"hb\">{}</span></div><b>{}</b>{} <span class=\"tgt\">{}</span><div>{}</div><div class=\"m4\">{}</div>{tag}</div>\n",
        k.def.key,
        esc(k.def.name),
        esc(k.def.handbook),
        esc(&current(k)),
        badge(k.status()),
        esc(&target(k)),
        change(k),
        esc(&mean4(k)),
    )
}

pub(crate) const STYLE: &str = "<style>\n\
body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;margin:24px;color:#222;max-width:1240px}\n\
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}h3{font-size:15px}\n\
nav{font-size:13px;margin:8px 0 16px}nav a{margin-right:10px}\n\
table{border-collapse:collapse;font-size:12px;margin:8px 0}\n\
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}\n\
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}\n\
.tw{overflow-x:auto;max-width:100%}td.note{min-width:320px}td.s{white-space:nowrap}\n\
figure{margin:12px 0}figcaption{font-weight:bold;margin-bottom:4px}\n\
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:200px;font-size:12px}\n\
.card b{display:block;font-size:22px;margin:2px 0}.card .name{font-size:13px}.hb{color:#555}\n\
.st{display:inline-block;border-radius:4px;padding:0 5px;font-size:12px;font-weight:bold}\n\
.st.met{background:#d8f0d8;color:#1a6b1a}.st.near{background:#fbecc8;color:#8a5a00}.st.missed{background:#f7d4d4;color:#9b1c1c}.st.none{color:#777}\n\
.chg.good{color:#1a6b1a}.chg.bad{color:#9b1c1c}.chg{color:#555}.m4,.tgt{color:#555}\n\
.illus{display:inline-block;background:#eee;border:1px dashed #999;padding:0 4px;font-size:11px;margin-top:3px}\n\
.banner{border:1px dashed #999;background:#fafafa;padding:6px 10px;font-size:13px}\n\
.nc{color:#a33;font-size:13px}\n\
</style>\n";
