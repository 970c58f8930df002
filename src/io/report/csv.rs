//! The report as one tidy table: a figure a row (the columns are described
//! in the module's opening comment), text cells made inert for spreadsheets.

use crate::domain::report::Report;
use crate::domain::text::clean;

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
    for c in &h.false_by_camera {
        let camera = if c.label.is_empty() {
            "no camera"
        } else {
            &c.label
        };
        put(
            "hits",
            "false_matches_by_camera",
            camera,
            "",
            c.count.to_string(),
        );
    }
    let p = h.false_people;
    put(
        "hits",
        "false_match_people",
        "all",
        "",
        p.people.to_string(),
    );
    put(
        "hits",
        "false_match_people",
        "more_than_once",
        "",
        p.more_than_once.to_string(),
    );
    put(
        "hits",
        "false_match_people",
        "most_for_one",
        "",
        p.most_for_one.to_string(),
    );

    let c = &r.roll_calls;
    put("roll_calls", "held", "", "", c.held.to_string());
    put("roll_calls", "practice", "", "", c.practice.to_string());
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
    put("roll_calls", "relays", "", "", c.relays.to_string());
    put("roll_calls", "weak", "", "", c.weak.to_string());
    put("roll_calls", "late", "", "", c.late.to_string());
    // the worst zones, worst first, each by name
    for z in &c.worst_zones {
        put(
            "roll_calls",
            "worst_zone_answers",
            &z.zone,
            "",
            z.answers.to_string(),
        );
        put(
            "roll_calls",
            "worst_zone_loud_and_clear_share",
            &z.zone,
            "",
            share_value(z.share),
        );
    }
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
    for r in &d.to_recover {
        put("radios", "to_recover", r, "", "1".to_string());
    }

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

    let g = &r.governance;
    for (figure, n) in [
        ("agreements_in_force", g.agreements_in_force),
        ("agreements_due_for_review", g.agreements_due_for_review),
        ("breaches_found", g.breaches_found),
        ("breaches_reported_to_ico", g.breaches_reported),
        ("breaches_open", g.breaches_open),
    ] {
        put("governance", figure, "", "", n.to_string());
    }
    put(
        "governance",
        "last_dpia_review",
        "",
        "",
        g.last_dpia_review
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    put(
        "governance",
        "dpia_review_due",
        "",
        "",
        g.dpia_review_due.to_string(),
    );

    // the area and months the police figures are for, and the pairing
    put("police", "area", "", "", r.police_coverage.area.clone());
    for m in &r.police_coverage.months {
        let other = r.police_coverage.other_area.contains(m);
        put(
            "police",
            if other {
                "month_imported_for_another_area"
            } else {
                "month_imported"
            },
            "",
            m,
            "1".into(),
        );
    }
    for s in &r.police {
        for t in &s.scheme_types {
            // one row per scheme type: each is counted beside one police type
            put(
                "police",
                "scheme_type_counted_beside",
                t,
                "",
                s.crime_type.clone(),
            );
        }
    }
    let f = &r.releases;
    put("releases", "releases", "", "", f.releases.to_string());
    put("releases", "exhibits_released", "", "", f.items.to_string());
    for (a, n) in &f.by_agreement {
        put("releases", "by_agreement", a, "", n.to_string());
    }
    for (o, n) in &f.by_organisation {
        put("releases", "by_organisation", o, "", n.to_string());
    }

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
