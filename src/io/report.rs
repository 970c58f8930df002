//! `watchroom report`: the committee report as Markdown (the statistics
//! section of a scheme's yearly progress report), CSV (one tidy table) or
//! JSON (the figures as they are). Counts only: no person or member is named.
//!
//! The CSV has one figure per row, under the header
//! `section,figure,group,month,value`:
//! - `section`: period, incidents, losses, offenders, hits, roll_calls,
//!   radios, members, police;
//! - `figure`: what is counted (`incidents`, `loss_pence`, `accepted`, …);
//! - `group`: what the figure is broken down by, where it is (an incident
//!   type, a zone, a sanction stage, a hit kind — `breach`, `watch` or
//!   `all` —, a radio status, a police crime type), else empty;
//! - `month`: `YYYY-MM` for a month's figure, else empty;
//! - `value`: a whole number (money in pence), a share from 0 to 1 with three
//!   decimals (empty where there is nothing to share out), or, in the period
//!   section, a date or time zone name.
//!
//! A text cell that a spreadsheet would take for a formula (starting with
//! `=`, `+`, `-` or `@`) is written with a leading `'`.

use crate::domain::money::{format_pence, group_thousands};
use crate::domain::report::{day_label, month_label, month_long, percent, Count, Outcomes, Report};
use crate::domain::text::clean;
use std::fmt::Write as _;
use std::path::Path;

/// The formats `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "“{}” is not a report format (md, csv or json)",
                clean(other)
            )),
        }
    }
}

/// The report in `format`, as text.
pub fn render(report: &Report, format: Format) -> anyhow::Result<String> {
    Ok(match format {
        Format::Markdown => markdown(report),
        Format::Csv => csv(report)?,
        Format::Json => json(report)?,
    })
}

/// Write the report to `path` whole or not at all.
pub fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    super::files::write_whole(path, text.as_bytes())
}

pub fn json(report: &Report) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

// ----- CSV ----------------------------------------------------------------------

pub const CSV_HEADER: [&str; 5] = ["section", "figure", "group", "month", "value"];

/// One figure of the CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    pub section: &'static str,
    pub figure: &'static str,
    pub group: String,
    pub month: String,
    pub value: String,
}

fn share_value(s: Option<f64>) -> String {
    s.map(|s| format!("{s:.3}")).unwrap_or_default()
}

/// Every figure of the report as a row of the tidy table.
pub fn csv_rows(r: &Report) -> Vec<CsvRow> {
    let mut rows = vec![];
    let mut put =
        |section: &'static str, figure: &'static str, group: &str, month: &str, value: String| {
            rows.push(CsvRow {
                section,
                figure,
                group: group.to_string(),
                month: month.to_string(),
                value,
            })
        };
    let p = &r.period;
    put("period", "from", "", "", p.from.to_string());
    put("period", "to", "", "", p.to.to_string());
    put("period", "time_zone", "", "", p.time_zone.clone());
    put("period", "made_on", "", "", p.made_on.to_string());

    let i = &r.incidents;
    put("incidents", "incidents", "", "", i.total.to_string());
    for t in &i.by_type {
        put(
            "incidents",
            "incidents_by_type",
            &t.label,
            "",
            t.count.to_string(),
        );
        put(
            "incidents",
            "loss_pence_by_type",
            &t.label,
            "",
            t.loss_pence.to_string(),
        );
        put(
            "incidents",
            "recovered_pence_by_type",
            &t.label,
            "",
            t.recovered_pence.to_string(),
        );
    }
    for z in &i.by_zone {
        put(
            "incidents",
            "incidents_by_zone",
            &z.label,
            "",
            z.count.to_string(),
        );
    }
    for m in &i.by_month {
        put("incidents", "incidents", "", &m.month, m.count.to_string());
    }

    let l = &r.losses;
    put("losses", "loss_pence", "", "", l.loss_pence.to_string());
    put(
        "losses",
        "recovered_pence",
        "",
        "",
        l.recovered_pence.to_string(),
    );
    put(
        "losses",
        "incidents_with_loss",
        "",
        "",
        l.incidents_with_loss.to_string(),
    );
    put(
        "losses",
        "recovered_share",
        "",
        "",
        share_value(l.recovered_share),
    );

    let o = &r.offenders;
    put("offenders", "active", "", "", o.active.to_string());
    put("offenders", "new", "", "", o.new.to_string());
    put("offenders", "excluded", "", "", o.excluded.to_string());
    put(
        "offenders",
        "exclusions_issued",
        "",
        "",
        o.exclusions_issued.to_string(),
    );
    for s in &o.sanctions_issued {
        put(
            "offenders",
            "sanctions_issued",
            &s.label,
            "",
            s.count.to_string(),
        );
    }

    let h = &r.hits;
    for (kind, out) in [("breach", h.breach), ("watch", h.watch), ("all", h.all())] {
        put("hits", "raised", kind, "", out.raised.to_string());
        put("hits", "accepted", kind, "", out.accepted.to_string());
        put("hits", "rejected", kind, "", out.rejected.to_string());
        put("hits", "waiting", kind, "", out.waiting.to_string());
    }
    for m in &h.by_month {
        put("hits", "raised", "all", &m.month, m.count.to_string());
    }

    let c = &r.roll_calls;
    put("roll_calls", "held", "", "", c.held.to_string());
    put(
        "roll_calls",
        "stations_called",
        "",
        "",
        c.stations_called.to_string(),
    );
    put("roll_calls", "answered", "", "", c.answered.to_string());
    put(
        "roll_calls",
        "nothing_heard",
        "",
        "",
        c.nothing_heard.to_string(),
    );
    put("roll_calls", "closed", "", "", c.closed.to_string());
    put(
        "roll_calls",
        "answered_share",
        "",
        "",
        share_value(c.answered_share),
    );
    for m in &c.by_month {
        put("roll_calls", "held", "", &m.month, m.held.to_string());
        put(
            "roll_calls",
            "stations_called",
            "",
            &m.month,
            m.called.to_string(),
        );
        put(
            "roll_calls",
            "answered",
            "",
            &m.month,
            m.answered.to_string(),
        );
        put(
            "roll_calls",
            "nothing_heard",
            "",
            &m.month,
            m.nothing_heard.to_string(),
        );
        put("roll_calls", "closed", "", &m.month, m.closed.to_string());
        put(
            "roll_calls",
            "answered_share",
            "",
            &m.month,
            share_value(m.answered_share),
        );
    }

    let d = &r.radios;
    put("radios", "radios", "", "", d.total.to_string());
    for s in &d.by_status {
        put(
            "radios",
            "radios_by_status",
            &s.label,
            "",
            s.count.to_string(),
        );
    }
    put(
        "radios",
        "faulty_or_in_repair",
        "",
        "",
        d.faulty_or_in_repair.to_string(),
    );
    put(
        "radios",
        "faults_reported",
        "",
        "",
        d.faults_reported.to_string(),
    );

    let m = &r.members;
    put("members", "joined", "", "", m.joined.to_string());
    put("members", "lapsed", "", "", m.lapsed.to_string());
    put(
        "members",
        "total_at_end",
        "",
        "",
        m.total_at_end.to_string(),
    );
    put("members", "reporting", "", "", m.reporting.to_string());
    put(
        "members",
        "reporting_share",
        "",
        "",
        share_value(m.reporting_share),
    );

    for s in &r.police {
        put(
            "police",
            "police_recorded",
            &s.crime_type,
            "",
            s.police_total.to_string(),
        );
        put(
            "police",
            "scheme_incidents",
            &s.crime_type,
            "",
            s.scheme_total.to_string(),
        );
        for pm in &s.by_month {
            put(
                "police",
                "police_recorded",
                &s.crime_type,
                &pm.month,
                pm.police.to_string(),
            );
            put(
                "police",
                "scheme_incidents",
                &s.crime_type,
                &pm.month,
                pm.scheme.to_string(),
            );
        }
    }
    rows
}

/// Text a spreadsheet would run as a formula, made inert.
fn inert(s: &str) -> String {
    let s = clean(s);
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.into_owned()
    }
}

pub fn csv(report: &Report) -> anyhow::Result<String> {
    let mut w = ::csv::Writer::from_writer(vec![]);
    w.write_record(CSV_HEADER)?;
    for row in csv_rows(report) {
        w.write_record([
            row.section,
            row.figure,
            &inert(&row.group),
            &row.month,
            &inert(&row.value),
        ])?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}

// ----- Markdown -----------------------------------------------------------------

/// Stored text made safe for the report: no control characters, and
/// nothing Markdown would read as markup.
fn md(s: &str) -> String {
    let mut out = String::new();
    for c in clean(s).chars() {
        if matches!(
            c,
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn num(n: u64) -> String {
    group_thousands(n)
}

/// `1 incident`, `1,234 incidents`
fn many(n: u64, one: &str, more: &str) -> String {
    format!("{} {}", num(n), if n == 1 { one } else { more })
}

/// `a, b and c`
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn share_of(n: u64, total: u64) -> String {
    percent(crate::domain::report::share(n, total))
}

fn table(out: &mut String, header: &[&str], right_from: usize, rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let rule: Vec<&str> = (0..header.len())
        .map(|i| if i >= right_from { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out.push('\n');
}

fn outcome_row(label: &str, o: &Outcomes) -> Vec<String> {
    vec![
        label.to_string(),
        num(o.raised),
        num(o.accepted),
        num(o.rejected),
        num(o.waiting),
    ]
}

fn counts_sentence(counts: &[Count], noun: impl Fn(&str, u64) -> String) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| noun(&c.label, c.count))
        .collect();
    list(&parts)
}

/// The statistics section of the scheme's progress report.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let period = r.period.period();
    let months = r.period.months.len().max(1) as u64;
    let _ = writeln!(out, "## Statistics: {}\n", period.label());
    let _ = writeln!(
        out,
        "These figures are drawn from the scheme's own records for {} ({} whole days, {} time). \
         They are counts only: no person or member business is named. \
         Radio figures are as they stood on {}.\n",
        period.label(),
        num(period.days().max(0) as u64),
        md(&r.period.time_zone),
        day_label(r.period.made_on)
    );

    // incidents
    let i = &r.incidents;
    let _ = writeln!(out, "### Incidents\n");
    if i.total == 0 {
        let _ = writeln!(out, "No incidents were logged in the period.\n");
    } else {
        let mut s = format!(
            "Members and the control room logged {}, an average of {} a month.",
            many(i.total, "incident", "incidents"),
            num((i.total as f64 / months as f64).round() as u64)
        );
        let top: Vec<String> = i
            .by_type
            .iter()
            .take(3)
            .map(|t| {
                format!(
                    "{} ({}, {})",
                    md(&t.label),
                    num(t.count),
                    share_of(t.count, i.total)
                )
            })
            .collect();
        let _ = write!(
            s,
            " The most common {} {}.",
            if top.len() == 1 {
                "type was"
            } else {
                "types were"
            },
            list(&top)
        );
        // the first of equals
        let most = i.by_month.iter().map(|m| m.count).max().unwrap_or(0);
        if let Some(busiest) = i.by_month.iter().find(|m| m.count == most) {
            if i.by_month.len() > 1 {
                let _ = write!(
                    s,
                    " The busiest month was {}, with {}.",
                    month_long(&busiest.month),
                    num(busiest.count)
                );
            }
        }
        if let Some(zone) = i.by_zone.first() {
            let _ = write!(
                s,
                " {} saw the most ({}, {}).",
                capitalise(&md(&zone.label)),
                num(zone.count),
                share_of(zone.count, i.total)
            );
        }
        let _ = writeln!(out, "{s}\n");
        let _ = writeln!(out, "By type:\n");
        let mut rows: Vec<Vec<String>> = i
            .by_type
            .iter()
            .map(|t| {
                vec![
                    md(&t.label),
                    num(t.count),
                    share_of(t.count, i.total),
                    format_pence(t.loss_pence),
                    format_pence(t.recovered_pence),
                ]
            })
            .collect();
        rows.push(vec![
            "**All types**".into(),
            format!("**{}**", num(i.total)),
            "100%".into(),
            format!("**{}**", format_pence(r.losses.loss_pence)),
            format!("**{}**", format_pence(r.losses.recovered_pence)),
        ]);
        table(
            &mut out,
            &["Type", "Incidents", "Share", "Loss", "Recovered"],
            1,
            &rows,
        );
        let _ = writeln!(out, "By zone:\n");
        let rows: Vec<Vec<String>> = i
            .by_zone
            .iter()
            .map(|z| vec![md(&z.label), num(z.count), share_of(z.count, i.total)])
            .collect();
        table(&mut out, &["Zone", "Incidents", "Share"], 1, &rows);
    }
    let _ = writeln!(
        out,
        "By month, with the hits raised and the evening roll-calls:\n"
    );
    let rows: Vec<Vec<String>> = r
        .period
        .months
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let inc = i.by_month.get(k).map_or(0, |x| x.count);
            let hits = r.hits.by_month.get(k).map_or(0, |x| x.count);
            let rc = r.roll_calls.by_month.get(k);
            vec![
                month_label(m),
                num(inc),
                num(hits),
                num(rc.map_or(0, |x| x.held)),
                percent(rc.and_then(|x| x.answered_share)),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "Month",
            "Incidents",
            "Hits",
            "Roll-calls",
            "Stations answering",
        ],
        1,
        &rows,
    );

    // losses
    let l = &r.losses;
    let _ = writeln!(out, "### Losses and recoveries\n");
    if l.loss_pence == 0 {
        let _ = writeln!(out, "No losses were recorded on the period's incidents.\n");
    } else {
        let _ = writeln!(
            out,
            "Losses of {} were recorded on {}, of which {} ({}) was recovered.\n",
            format_pence(l.loss_pence),
            many(l.incidents_with_loss, "incident", "incidents"),
            format_pence(l.recovered_pence),
            percent(l.recovered_share)
        );
    }

    // offenders
    let o = &r.offenders;
    let _ = writeln!(out, "### Offenders and exclusions\n");
    let issued = counts_sentence(&o.sanctions_issued, |stage, n| {
        format!("{} {}", num(n), md(&plural(stage, n)))
    });
    let was = |n: u64| if n == 1 { "was" } else { "were" };
    let _ = writeln!(
        out,
        "{} on the register {} active in the period (seen on camera or named on an incident), \
         and {} {} added to it. {} had an exclusion in force at some point in the period. {}\n",
        capitalise(&many(o.active, "person", "people")),
        was(o.active),
        num(o.new),
        was(o.new),
        capitalise(&many(o.excluded, "person", "people")),
        if issued.is_empty() {
            "No sanctions were issued.".to_string()
        } else {
            format!("Sanctions issued: {issued}.")
        }
    );
    let rows: Vec<Vec<String>> = o
        .sanctions_issued
        .iter()
        .map(|s| vec![md(&s.label), num(s.count)])
        .collect();
    table(&mut out, &["Sanction", "Issued"], 1, &rows);

    // hits
    let h = &r.hits;
    let all = h.all();
    let _ = writeln!(out, "### Breaches and hits\n");
    if all.raised == 0 {
        let _ = writeln!(out, "No hits were raised in the period.\n");
    } else {
        let _ = writeln!(
            out,
            "The register raised {}: {} of an exclusion and {}. \
             Operators accepted {} and rejected {} as false matches; {} still waiting to be acknowledged.\n",
            many(all.raised, "hit", "hits"),
            many(h.breach.raised, "breach", "breaches"),
            many(h.watch.raised, "watch alert", "watch alerts"),
            num(all.accepted),
            num(all.rejected),
            if all.waiting == 1 { "1 is".to_string() } else { format!("{} are", num(all.waiting)) }
        );
    }
    table(
        &mut out,
        &["Hits", "Raised", "Accepted", "Rejected", "Waiting"],
        1,
        &[
            outcome_row("Breach of an exclusion", &h.breach),
            outcome_row("Watch marker", &h.watch),
            outcome_row("All", &all),
        ],
    );

    // radio
    let c = &r.roll_calls;
    let d = &r.radios;
    let _ = writeln!(out, "### The radio network\n");
    if c.held == 0 {
        let _ = writeln!(out, "No roll-calls were held in the period.");
    } else {
        let _ = writeln!(
            out,
            "The coordinator held {}, calling {} in all: {} answered and {} {} not heard, \
             an answer rate of {}{}.",
            many(c.held, "roll-call", "roll-calls"),
            many(c.stations_called, "station", "stations"),
            num(c.answered),
            num(c.nothing_heard),
            if c.nothing_heard == 1 { "was" } else { "were" },
            percent(c.answered_share),
            if c.closed > 0 {
                format!(
                    " ({} closed for the day {} not counted against it)",
                    many(c.closed, "station", "stations"),
                    if c.closed == 1 { "is" } else { "are" }
                )
            } else {
                String::new()
            }
        );
    }
    let statuses = counts_sentence(&d.by_status, |s, n| format!("{} {}", num(n), md(s)));
    let _ = writeln!(
        out,
        "On {} the network had {}{}. {} faulty or in repair; {} reported faulty during the period.\n",
        day_label(r.period.made_on),
        many(d.total, "radio", "radios"),
        if statuses.is_empty() { String::new() } else { format!(": {statuses}") },
        if d.faulty_or_in_repair == 0 {
            "None is".to_string()
        } else if d.faulty_or_in_repair == 1 {
            "1 is".to_string()
        } else {
            format!("{} are", num(d.faulty_or_in_repair))
        },
        if d.faults_reported == 0 {
            "none was".to_string()
        } else if d.faults_reported == 1 {
            "1 was".to_string()
        } else {
            format!("{} were", num(d.faults_reported))
        }
    );
    let rows: Vec<Vec<String>> = d
        .by_status
        .iter()
        .map(|s| vec![md(&capitalise(&s.label)), num(s.count)])
        .collect();
    table(&mut out, &["Radio status", "Radios"], 1, &rows);

    // members
    let m = &r.members;
    let _ = writeln!(out, "### Membership\n");
    let _ = writeln!(
        out,
        "{} joined and {} lapsed or left during the period; the scheme had {} at its end. \
         Of the {} who were members at some point in the period, {} ({}) reported at least one incident.\n",
        capitalise(&many(m.joined, "member", "members")),
        num(m.lapsed),
        many(m.total_at_end, "member", "members"),
        num(m.during),
        num(m.reporting),
        percent(m.reporting_share)
    );

    // police
    let _ = writeln!(out, "### Police recorded crime beside the scheme's own\n");
    if !r.has_police_data() {
        let _ = writeln!(
            out,
            "No police open data has been imported for these months, so recorded crime \
             cannot be set beside the scheme's figures.\n"
        );
    } else {
        let of = |items: Vec<(u64, String)>, noun: &str| {
            let parts: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(k, (n, what))| {
                    if k == 0 {
                        format!("{} {noun} of {what}", num(*n))
                    } else {
                        format!("{} of {what}", num(*n))
                    }
                })
                .collect();
            list(&parts)
        };
        let police = of(
            r.police
                .iter()
                .map(|s| (s.police_total, md(&s.crime_type.to_lowercase())))
                .collect(),
            "records",
        );
        let scheme = of(
            r.police
                .iter()
                .map(|s| {
                    (
                        s.scheme_total,
                        md(s.scheme_types.first().map(String::as_str).unwrap_or("")),
                    )
                })
                .collect(),
            "incidents",
        );
        let _ = writeln!(
            out,
            "The police's published street-level crime data holds {police} for the scheme's \
             area over the months of the period; the scheme logged {scheme}. Police figures \
             are for whole months; the scheme's follow the days of the period.\n"
        );
        let mut header = vec!["Month".to_string()];
        for s in &r.police {
            header.push(format!("{} (police)", md(&s.crime_type)));
            header.push(format!(
                "{} (scheme)",
                md(&capitalise(
                    s.scheme_types.first().map(String::as_str).unwrap_or("")
                ))
            ));
        }
        let rows: Vec<Vec<String>> = r
            .period
            .months
            .iter()
            .enumerate()
            .map(|(k, month)| {
                let mut row = vec![month_label(month)];
                for s in &r.police {
                    let pm = s.by_month.get(k);
                    row.push(num(pm.map_or(0, |p| p.police)));
                    row.push(num(pm.map_or(0, |p| p.scheme)));
                }
                row
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        table(&mut out, &header, 1, &rows);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A sanction stage's name for `n` of them: `warning` → `warnings`.
fn plural(stage: &str, n: u64) -> String {
    if n == 1 || stage.ends_with('s') || stage.chars().all(|c| !c.is_lowercase()) {
        stage.to_string()
    } else {
        format!("{stage}s")
    }
}
