//! The page: every view in order, as static HTML.

use super::charts as ch;
use super::ctx::Ctx;
use super::html::{self, badge, card, current, esc, figure};
use super::{Chart, ReportError};
use crate::audit::{Kpi, KpiKey, Scope};

/// Headline KPIs: the cards, the trends and each queue's cards.
const HEADLINE: [KpiKey; 9] = [
    KpiKey::Offered,
    KpiKey::ServiceLevel,
    KpiKey::AnswerRate,
    KpiKey::AbandonRate,
    KpiKey::Asa,
    KpiKey::Aht,
    KpiKey::Occupancy,
    KpiKey::ForecastAccuracy,
    KpiKey::ForecastIntervalAccuracy,
];

/// Trend charts (13 months).
const TREND: [KpiKey; 5] = [
    KpiKey::Offered,
    KpiKey::ServiceLevel,
    KpiKey::AbandonRate,
    KpiKey::Asa,
    KpiKey::Aht,
];

fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The section id of a queue (`queue-NAME`) or a pool (`pool-NAME`).
fn scope_id(s: &Scope) -> String {
    match s.pool_name() {
        Some(p) => format!("pool-{}", safe(p)),
        None => format!("queue-{}", safe(s.as_str())),
    }
}

/// The queues, then the pools: the scopes with a section of their own.
fn sections(c: &Ctx<'_>) -> Vec<Scope> {
    c.audit
        .queues
        .iter()
        .cloned()
        .map(Scope::Queue)
        .chain(c.audit.pools.iter().cloned())
        .collect()
}

/// `queue PS` or `pool SHARED`.
fn scope_name(s: &Scope) -> String {
    match s.pool_name() {
        Some(p) => format!("pool {p}"),
        None => format!("queue {}", s.as_str()),
    }
}

/// Every chart, in page order.
pub(crate) fn charts(c: &Ctx<'_>) -> Result<Vec<Chart>, ReportError> {
    let mut out = vec![
        ch::forecast_daily::chart(c)?,
        ch::intraday::chart(c)?,
        ch::accuracy_heatmap::chart(c)?,
        ch::service_daily::chart(c)?,
        ch::asa_daily::chart(c)?,
        ch::sl_heatmap::chart(c)?,
        ch::asa_heatmap::chart(c)?,
        ch::staffing_daily::chart(c)?,
        ch::occupancy::chart(c)?,
        ch::week_coverage::chart(c)?,
        ch::shift_gantt::chart(c)?,
        ch::scenarios::chart(c)?,
        ch::capacity::chart(c)?,
        ch::model_check::chart(c)?,
        ch::scorecard::chart(c)?,
    ];
    out.extend(ch::day_forecast::charts(c)?);
    for key in TREND {
        if let Some(k) = c.audit.get(key, &Scope::All) {
            out.push(ch::trend::chart(k, &c.audit.months)?);
        }
    }
    for s in sections(c) {
        let id = scope_id(&s);
        let days = c.audit.scope_daily.get(&s).map_or(&[][..], Vec::as_slice);
        let name = scope_name(&s);
        out.push(ch::forecast_daily::volume(
            c,
            &format!("{id}-forecast"),
            &format!("{}: forecast vs actual offered calls per day", cap(&name)),
            days,
        )?);
        out.push(ch::service_daily::sl_abandon(
            c,
            &format!("{id}-daily"),
            &format!("{}: service level and abandon rate per day", cap(&name)),
            days,
            &s,
        )?);
    }
    Ok(out)
}

/// Whether `k` comes from an input labelled illustrative.
fn illustrative(c: &Ctx<'_>, k: &Kpi) -> bool {
    let il = &c.audit.illustrative;
    (k.source.contains("facts") && il.iter().any(|x| x.starts_with("facts")))
        || (k.source.contains("agent states") && il.iter().any(|x| x.starts_with("agent-states")))
        || (k.source.contains("planned") && il.iter().any(|x| x.starts_with("planned")))
}

/// `Queue PS` from `queue PS`.
fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

fn take(all: &mut Vec<Chart>, id: &str) -> Chart {
    let i = all
        .iter()
        .position(|c| c.id == id)
        .expect("every chart is drawn");
    all.remove(i)
}

/// The fidelity report's verdict in words, above its table.
fn fidelity_verdict(f: &crate::audit::fidelity::Fidelity) -> String {
    let verdict = match f.verdict {
        Some((model, calibrated)) => format!(
            "best fit: <b>{model}{}</b>",
            if calibrated { ", calibrated" } else { "" }
        ),
        None => "no busy interval: no verdict".to_string(),
    };
    format!(
        "<p>Pool {}, with the calibration (<code>--calibration</code>), on busy intervals (≥ {} \
         offered calls): {verdict}, by the offered-weighted ΔSL² + Δabandon²; errors per \
         interval, beside the noise floor a perfect model would still show.</p>",
        html::esc(&f.pool),
        f.min_offered
    )
}

fn section(id: &str, title: &str, body: &str) -> String {
    format!("<section id=\"{id}\" data-view=\"{id}\">\n<h2>{title}</h2>\n{body}</section>\n")
}

fn head(c: &Ctx<'_>) -> String {
    let period = c.audit.options.period;
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>wfm report {period}</title>\n{}</head><body>\n<h1>wfm monthly report — {period}</h1>\n",
        html::STYLE
    );
    let mut links: Vec<(String, String)> = [
        ("cards", "headline"),
        ("trend", "trend"),
        ("daily", "daily"),
        ("sl-heatmap", "SL heatmap"),
        ("asa-heatmap", "ASA heatmap"),
        ("day-forecast", "day view"),
        ("week-coverage", "week coverage"),
        ("shift-gantt", "shifts"),
        ("scenarios", "scenarios"),
        ("capacity", "capacity"),
        ("fidelity", "fidelity"),
        ("scorecard-page", "scorecard"),
        ("kpi-table", "KPI table"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    links.extend(sections(c).iter().map(|s| (scope_id(s), scope_name(s))));
    h.push_str("<nav>");
    for (id, text) in links {
        h.push_str(&format!("<a href=\"#{id}\">{}</a>", esc(&text)));
    }
    h.push_str("</nav>\n");
    if !c.audit.illustrative.is_empty() {
        h.push_str("<p class=\"banner\"><b>Illustrative inputs</b> (not measured data; KPIs from them are tagged): ");
        let items: Vec<String> = c.audit.illustrative.iter().map(|s| esc(s)).collect();
        h.push_str(&items.join(" · "));
        h.push_str("</p>\n");
    }
    h
}

fn cards(c: &Ctx<'_>) -> String {
    let mut body = String::from("<div class=\"cards\">\n");
    for key in HEADLINE {
        if let Some(k) = c.audit.get(key, &Scope::All) {
            body.push_str(&card(k, illustrative(c, k)));
        }
    }
    if let Some(sc) = &c.audit.scorecard {
        let v = sc.total.map_or_else(
            || "n/a".to_string(),
            |t| format!("{t:.1} / {:.0}", sc.max_total),
        );
        body.push_str(&format!(
            "<div class=\"card\" data-kpi=\"scorecard\"><div class=\"name\">scorecard total <span class=\"hb\">{}</span></div><b>{}</b><div class=\"m4\">its indicators are listed in the scorecard section</div></div>\n",
            esc(&sc.name),
            esc(&v)
        ));
    }
    body.push_str("</div>\n");
    let nc: Vec<String> = c
        .audit
        .kpis
        .iter()
        .filter(|k| k.scope == Scope::All)
        .filter_map(|k| match &k.value {
            crate::audit::KpiValue::NotComputable { needs } => Some(format!(
                "<li>{} ({}): needs {}</li>",
                esc(k.def.name),
                esc(k.def.handbook),
                esc(needs)
            )),
            crate::audit::KpiValue::Value(_) => None,
        })
        .collect();
    if !nc.is_empty() {
        body.push_str(&format!(
            "<h3>Not computable from these inputs</h3><ul class=\"nc\">{}</ul>\n",
            nc.join("\n")
        ));
    }
    section(
        "cards",
        "Headline KPIs: status against target, month over month",
        &body,
    )
}

/// The queue × KPI pivot: value and status per scope.
fn pivot(c: &Ctx<'_>) -> String {
    let a = c.audit;
    let scopes: Vec<Scope> = std::iter::once(Scope::All).chain(sections(c)).collect();
    let mut h = String::from(
        "<h3>Queue × KPI</h3><table class=\"kpi pivot\"><thead><tr><th>KPI</th><th>handbook</th>",
    );
    for s in &scopes {
        h.push_str(&format!("<th>{}</th>", esc(s.as_str())));
    }
    h.push_str("</tr></thead><tbody>\n");
    for key in KpiKey::ALL {
        if a.get(
            *key,
            &Scope::Queue(a.queues.first().cloned().unwrap_or_default()),
        )
        .is_none()
        {
            continue;
        }
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td>",
            esc(key.def().name),
            esc(key.def().handbook)
        ));
        for s in &scopes {
            let cell = a.get(*key, s).map_or(String::new(), |k| {
                let st = if k.target.is_some() || k.no_target.is_some() {
                    badge(k.status())
                } else {
                    String::new()
                };
                format!("{} {st}", esc(&current(k)))
            });
            h.push_str(&format!("<td class=\"n\">{cell}</td>"));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
    h
}

/// The centre's KPIs with status, target, previous month, change, 4-month mean and formula.
fn centre_table(c: &Ctx<'_>) -> String {
    let mut h = String::from("<h3>Every KPI of the centre</h3><table class=\"kpi\"><thead><tr><th>KPI</th><th>handbook</th><th>value</th><th>status</th><th>target</th><th>vs previous month</th><th>4-month mean</th><th>formula</th><th>source</th></tr></thead><tbody>\n");
    for k in c.audit.kpis.iter().filter(|k| k.scope == Scope::All) {
        let tag = if illustrative(c, k) {
            " <span class=\"illus\">illustrative</span>"
        } else {
            ""
        };
        let status = match &k.value {
            crate::audit::KpiValue::NotComputable { needs } => {
                format!(
                    "<span class=\"nc\">not computable: needs {}</span>",
                    esc(needs)
                )
            }
            crate::audit::KpiValue::Value(_) => badge(k.status()),
        };
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{status}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{tag}</td></tr>\n",
            esc(k.def.name),
            esc(k.def.handbook),
            esc(&current(k)),
            esc(&html::target(k)),
            html::change(k),
            esc(&html::mean4(k)),
            esc(k.def.formula),
            esc(&k.source),
        ));
    }
    h.push_str("</tbody></table>\n");
    h
}

/// The section of a queue or a pool: its cards, forecast vs actual and service per day, and its
/// forecast accuracy.
fn scope_section(c: &Ctx<'_>, scope: &Scope, all: &mut Vec<Chart>) -> String {
    let id = scope_id(scope);
    let name = scope_name(scope);
    let mut body = String::new();
    if let Scope::Pool { queues, .. } = scope {
        body.push_str(&format!(
            "<p>Queues served by this pool: {}</p>\n",
            esc(&queues.join(", "))
        ));
    }
    body.push_str("<div class=\"cards\">\n");
    for key in HEADLINE {
        if let Some(k) = c.audit.get(key, scope) {
            body.push_str(&card(k, false));
        }
    }
    body.push_str("</div>\n");
    body.push_str(&figure(&take(all, &format!("{id}-forecast")), None));
    body.push_str(&figure(&take(all, &format!("{id}-daily")), None));
    let fc: Vec<String> = [
        KpiKey::ForecastWape,
        KpiKey::ForecastBias,
        KpiKey::AhtForecastAccuracy,
    ]
    .iter()
    .filter_map(|key| c.audit.get(*key, scope))
    .map(|k| format!("{} {}", esc(k.def.name), esc(&current(k))))
    .collect();
    body.push_str(&format!(
        "<p>Forecast accuracy of {}: {}</p>\n",
        esc(&name),
        fc.join(" · ")
    ));
    format!(
        "<section id=\"{id}\" data-view=\"{id}\">\n<h2>{}</h2>\n{body}</section>\n",
        esc(&cap(&name))
    )
}

/// The whole page.
pub(crate) fn render(c: &Ctx<'_>) -> Result<String, ReportError> {
    let mut all = charts(c)?;
    let a = c.audit;
    let mut h = head(c);
    h.push_str(&cards(c));
    let trend: String = TREND
        .iter()
        .filter_map(|k| {
            all.iter()
                .position(|x| x.id == format!("trend-{}", k.def().key))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|i| all.remove(i))
        .collect::<Vec<_>>()
        .iter()
        .rev()
        .map(|ch| figure(ch, None))
        .collect();
    h.push_str(&section("trend", "Monthly trend (up to 13 months)", &trend));
    let mut daily = String::new();
    for id in [
        "forecast-daily",
        "forecast-intraday",
        "service-daily",
        "asa-daily",
        "occupancy",
        "staffing",
        "accuracy-heatmap",
    ] {
        daily.push_str(&figure(&take(&mut all, id), Some(id)));
    }
    h.push_str(&format!("<section id=\"daily\" data-view=\"daily\"><h2>The month by day and by time of day</h2>\n{daily}</section>\n"));
    for id in ["sl-heatmap", "asa-heatmap"] {
        h.push_str(&figure(&take(&mut all, id), Some(id)));
    }
    let days: String = all
        .iter()
        .filter(|x| x.id.starts_with("day-forecast-"))
        .map(|x| figure(x, None))
        .collect();
    all.retain(|x| !x.id.starts_with("day-forecast-"));
    h.push_str(&section(
        "day-forecast",
        "Forecast vs actual by interval: the worst and the best day",
        &days,
    ));
    for id in ["week-coverage", "shift-gantt"] {
        h.push_str(&figure(&take(&mut all, id), Some(id)));
    }
    let mut sc = figure(&take(&mut all, ch::scenarios::ID), None);
    if let Some(s) = &c.extras.scenarios {
        sc.push_str(&scenario_table(s));
    }
    h.push_str(&section("scenarios", "Scenarios (wfm scenario)", &sc));
    h.push_str(&section(
        "capacity",
        "Capacity plan (wfm capacity): hiring, training and the floor over the coming weeks",
        &(figure(&take(&mut all, ch::capacity::ID), None) + &capacity_totals(c)),
    ));
    let mut fid = figure(&take(&mut all, ch::model_check::ID), None);
    fid.push_str(&html::table(&a.model_check_table()));
    if !c.extras.fidelity.is_empty() {
        for f in &c.extras.fidelity {
            fid.push_str(&fidelity_verdict(f));
        }
        fid.push_str(&html::table(&crate::io::calibration::fidelity_table(
            &c.extras.fidelity,
        )));
    }
    h.push_str(&section(
        "fidelity",
        "Fidelity: Erlang C / Erlang A against what happened",
        &fid,
    ));
    let mut card_s = figure(&take(&mut all, ch::scorecard::ID), None);
    if a.scorecard.is_some() {
        card_s.push_str(&html::table(&a.scorecard_table()));
    }
    h.push_str(&section("scorecard-page", "Scorecard", &card_s));
    h.push_str(&section(
        "kpi-table",
        "KPIs",
        &(pivot(c) + &centre_table(c)),
    ));
    for s in sections(c) {
        h.push_str(&scope_section(c, &s, &mut all));
    }
    h.push_str(&tail(c));
    Ok(h)
}

/// The plan's totals under the capacity chart.
fn capacity_totals(c: &Ctx<'_>) -> String {
    let Some(p) = &c.extras.capacity else {
        return String::new();
    };
    let w = &p.weeks;
    let sum = |f: fn(&crate::capacity::WeekRow) -> f64| w.iter().map(f).sum::<f64>();
    format!(
        "<p>{} weeks: {} hires in {} classes; {:.1} joiners and {:.1} leavers on the floor; {:.1} FTE-weeks of overtime; {} under-staffed week(s) ({:.1} FTE-weeks); total cost {:.0}. Source: {}</p>\n",
        w.len(),
        w.iter().map(|r| r.hires_started).sum::<u32>(),
        w.iter().filter(|r| r.class_open).count(),
        sum(|r| r.joiners),
        sum(|r| r.leavers),
        sum(|r| r.overtime),
        w.iter().filter(|r| r.under > 1e-9).count(),
        sum(|r| r.under),
        sum(|r| r.cost),
        esc(&p.path.display().to_string()),
    )
}

fn scenario_table(s: &super::ScenarioRows) -> String {
    let mut h = String::from("<table class=\"kpi\"><thead><tr>");
    for col in &s.columns {
        h.push_str(&format!("<th>{}</th>", esc(col)));
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in &s.rows {
        h.push_str("<tr>");
        for v in r {
            let num = v.parse::<f64>().ok();
            match num {
                Some(x) => {
                    let t = format!("{x:.3}");
                    let t = t.trim_end_matches('0').trim_end_matches('.');
                    h.push_str(&format!("<td class=\"n\">{}</td>", esc(t)));
                }
                None => h.push_str(&format!("<td>{}</td>", esc(v))),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
    h
}

fn tail(c: &Ctx<'_>) -> String {
    let a = c.audit;
    let mut h = String::new();
    if !a.accuracy.is_empty() {
        h.push_str("<h2>Forecast accuracy by queue and weekday</h2>\n");
        let mut t = a.accuracy_table();
        t.rows.retain(|r| {
            !matches!(&r[1], crate::table::Cell::Text(g) if g == "weekday_interval" || g == "day")
        });
        h.push_str(&html::table(&t));
    }
    h.push_str("<h2>Inputs</h2>\n");
    h.push_str(&html::table(&a.inputs_table()));
    h.push_str(&format!(
        "<p>Generated by wfm {} · formulas and definitions: docs/audit.md</p>\n</body></html>\n",
        env!("CARGO_PKG_VERSION")
    ));
    h
}
