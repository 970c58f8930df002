//! The report as the statistics section of the scheme's progress report, in
//! Markdown: sentences and tables, stored text escaped so it is never markup.

use crate::domain::money::{format_pence, group_thousands};
use crate::domain::report::{day_label, month_label, month_long, percent, Count, Outcomes, Report};
use crate::domain::text::clean;
use std::fmt::Write as _;

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
    if all.rejected > 0 {
        let cameras = counts_sentence(&h.false_by_camera, |camera, n| {
            let camera = if camera.is_empty() {
                "no camera".to_string()
            } else {
                md(camera)
            };
            format!("{camera} {}", num(n))
        });
        let p = h.false_people;
        let _ = writeln!(
            out,
            "False matches by camera: {cameras}. They were for {}, {} of them more than once \
             (the most for one person: {}).\n",
            many(p.people, "person", "people"),
            num(p.more_than_once),
            num(p.most_for_one),
        );
    }

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
        let _ = writeln!(
            out,
            "Of the answers, {} came relayed by another station, {} weak (readability 2 or \
             less) and {} came late.",
            num(c.relays),
            many(c.weak, "was", "were"),
            num(c.late),
        );
        let worst: Vec<String> = c
            .worst_zones
            .iter()
            .map(|z| format!("{} ({})", md(&z.zone), percent(z.share)))
            .collect();
        if !worst.is_empty() {
            let _ = writeln!(out, "Loud and clear least often: {}.", list(&worst));
        }
    }
    if c.practice > 0 {
        let _ = writeln!(
            out,
            "{} practice {} held as well, counted apart.",
            num(c.practice),
            if c.practice == 1 {
                "roll-call was"
            } else {
                "roll-calls were"
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
    if !d.to_recover.is_empty() {
        let _ = writeln!(
            out,
            "Still with a member who has lapsed or left, to be fetched back: {}.\n",
            d.to_recover
                .iter()
                .map(|r| md(r))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

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

    police(&mut out, r);
    governance(&mut out, r);
    releases(&mut out, r);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Police recorded crime beside the scheme's own: the area, the months the
/// imported files cover, which of the scheme's types are counted beside
/// each police type, and the figures month by month.
fn police(out: &mut String, r: &Report) {
    let _ = writeln!(out, "### Police recorded crime beside the scheme's own\n");
    let c = &r.police_coverage;
    if c.area.is_empty() {
        let _ = writeln!(
            out,
            "No area is set for the police figures (the config's `[police] lsoa` or `boundary`).\n"
        );
    } else {
        let _ = writeln!(
            out,
            "The scheme's area in the police data: {}.\n",
            md(&c.area)
        );
    }
    if r.has_police_data() {
        let range = match (c.months.first(), c.months.last()) {
            (Some(a), Some(b)) if a == b => month_label(a),
            (Some(a), Some(b)) => format!("{} to {}", month_label(a), month_label(b)),
            _ => "none of the period's months".to_string(),
        };
        let _ = writeln!(
            out,
            "The police files imported cover {range} ({} of the period's {}).\n",
            num(c.months.len() as u64),
            many(r.period.months.len() as u64, "month", "months")
        );
        if !c.other_area.is_empty() {
            let months: Vec<String> = c.other_area.iter().map(|m| month_label(m)).collect();
            let _ = writeln!(
                out,
                "{} kept the rows of another area (or of the whole file, imported before an area was set): \
                 import {} again to count this area's alone.\n",
                list(&months),
                if months.len() == 1 { "it" } else { "them" }
            );
        }
        let pairs: Vec<String> = r
            .police
            .iter()
            .map(|s| {
                let types: Vec<String> = s.scheme_types.iter().map(|t| md(t)).collect();
                format!("{} beside the scheme's {}", md(&s.crime_type), list(&types))
            })
            .collect();
        let _ = writeln!(out, "Counted together: {}.\n", pairs.join("; "));
    }
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
        table(out, &header, 1, &rows);
    }
}

/// The scheme's data-protection governance, as it stood at the period's end.
fn governance(out: &mut String, r: &Report) {
    let g = &r.governance;
    let end = day_label(r.period.to);
    let _ = writeln!(
        out,
        "### Data protection governance
"
    );
    let _ = writeln!(
        out,
        "On {end} the scheme had {} in force, {} of them due for review within 30 days or overdue.\n",
        many(g.agreements_in_force, "information-sharing agreement", "information-sharing agreements"),
        num(g.agreements_due_for_review),
    );
    let breaches = if g.breaches_found == 0 {
        "No personal data breach was found during the period.".to_string()
    } else {
        format!(
            "{} found during the period; {} reported to the ICO and {} still open at its end.",
            capitalise(&many(
                g.breaches_found,
                "personal data breach was",
                "personal data breaches were"
            )),
            num(g.breaches_reported),
            num(g.breaches_open),
        )
    };
    let _ = writeln!(out, "{breaches}\n");
    let dpia = match g.last_dpia_review {
        None => "No data protection impact assessment (DPIA) had been recorded.".to_string(),
        Some(d) => format!(
            "The data protection impact assessment (DPIA) was last reviewed on {}; {}.",
            day_label(d),
            if g.dpia_review_due {
                "its next review was due"
            } else {
                "its next review was not yet due"
            }
        ),
    };
    let _ = writeln!(out, "{dpia}\n");
}

/// Footage released outside the control room, by agreement and by who received it.
fn releases(out: &mut String, r: &Report) {
    let f = &r.releases;
    let _ = writeln!(out, "### Release of CCTV footage\n");
    if f.releases == 0 {
        let _ = writeln!(
            out,
            "No footage was released outside the control room during the period.\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "{} of {} released outside the control room during the period, each under an information-sharing agreement in force that day.\n",
        capitalise(&many(f.releases, "release", "releases")),
        many(f.items, "exhibit", "exhibits"),
    );
    let rows: Vec<Vec<String>> = f
        .by_agreement
        .iter()
        .map(|(a, n)| vec![md(a), num(*n)])
        .collect();
    table(out, &["Agreement", "Releases"], 1, &rows);
    let rows: Vec<Vec<String>> = f
        .by_organisation
        .iter()
        .map(|(o, n)| vec![md(o), num(*n)])
        .collect();
    table(out, &["Received by", "Releases"], 1, &rows);
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
