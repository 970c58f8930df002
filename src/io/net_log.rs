//! A day's net log as a printed document: the radio log's lines in order,
//! then the roll-calls begun that day with their summaries and every
//! station's answer, headed with the scheme and the day. Drawn by the same
//! PDF writer as the scheme's documents; times are on the scheme's clock.

use super::export::{Made, Making};
use super::pdf::{render, PdfMeta};
use super::radio_export::{answer_words, event_words, read_roll_calls, roll_call_kind, saved};
use crate::domain::document::{Block, Doc};
use crate::store::radio_exports::{RadioLogExport, RollCallExport};
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// A time of the day on the scheme's clock; one on another day says which.
fn clock(t: DateTime<Utc>, tz: Tz, day: NaiveDate) -> String {
    let t = t.with_timezone(&tz);
    if t.date_naive() == day {
        t.format("%H:%M:%S").to_string()
    } else {
        t.format("%H:%M:%S on %-d %B").to_string()
    }
}

fn log_line(l: &RadioLogExport, tz: Tz, day: NaiveDate) -> String {
    let mut s = format!("{} {}: {}", clock(l.at, tz, day), l.call_sign, l.message);
    let event = event_words(&l.event);
    if !event.is_empty() {
        s.push_str(&format!(" ({event})"));
    }
    if !l.logged_by.is_empty() {
        s.push_str(&format!(" · logged by {}", l.logged_by));
    }
    s
}

fn roll_call_blocks(rc: &RollCallExport, tz: Tz, day: NaiveDate, out: &mut Vec<Block>) {
    let r = &rc.record;
    let kind = match roll_call_kind(rc) {
        "real" => String::new(),
        k => format!(" ({k})"),
    };
    let by = if r.started_by.is_empty() {
        String::new()
    } else {
        format!(" by {}", r.started_by)
    };
    out.push(Block::Subheading(format!(
        "Roll-call {}{kind}, begun {}{by}",
        r.id,
        clock(r.started_at, tz, day)
    )));
    let s = &r.summary;
    let saved = match (saved(r), &r.voided) {
        (Some((at, "")), _) => format!("Saved {}.", clock(at, tz, day)),
        (Some((at, by)), _) => format!("Saved {} by {by}.", clock(at, tz, day)),
        (None, Some(_)) => "Voided before it was saved.".to_string(),
        (None, None) => "Not saved yet.".to_string(),
    };
    out.push(Block::Para(format!(
        "{saved} {} of {} answered · {} relayed · {} nothing heard · {} late · {} corrected · {} weak · {} closed today",
        s.answered, s.expected, s.relays, s.nothing_heard, s.late, s.corrected, s.weak, s.closed
    )));
    if let Some(v) = &r.voided {
        out.push(Block::Para(format!(
            "Void, counted in no figure: {} (voided {} by {}).",
            v.reason,
            clock(v.at, tz, day),
            v.by
        )));
    }
    for st in &rc.stations {
        let mut line = format!(
            "{} {} ({}): {}",
            st.station.call_sign,
            st.station.member,
            st.station.zone,
            answer_words(st)
        );
        if let Some(e) = &st.entry {
            if e.late {
                line.push_str(", late");
            }
            if let Some(was) = &e.replaced {
                line.push_str(&format!(", corrected (was {})", was.label()));
            }
        }
        out.push(Block::Bullet(line));
    }
}

fn net_log_doc(
    scheme: &str,
    day: NaiveDate,
    tz: Tz,
    lines: &[RadioLogExport],
    calls: &[RollCallExport],
    notice: &str,
) -> Doc {
    let mut b = vec![
        Block::Title(format!("Net log, {}", day.format("%A %-d %B %Y"))),
        Block::Para(format!(
            "{scheme}: the day's radio traffic and roll-calls, times on the scheme's clock ({}).",
            tz.name()
        )),
        Block::Heading(format!("Radio log ({} lines)", lines.len())),
    ];
    if lines.is_empty() {
        b.push(Block::Para(
            "Nothing was logged on the radio this day.".into(),
        ));
    }
    b.extend(lines.iter().map(|l| Block::Bullet(log_line(l, tz, day))));
    b.push(Block::Heading(format!("Roll-calls ({})", calls.len())));
    if calls.is_empty() {
        b.push(Block::Para("No roll-call was begun this day.".into()));
    }
    for rc in calls {
        roll_call_blocks(rc, tz, day, &mut b);
    }
    b.push(Block::Small(notice.to_string()));
    Doc { blocks: b }
}

pub(super) fn net_log(store: &Store, m: &Making) -> anyhow::Result<Made> {
    let mut lines = store.export_radio_log(m.from, m.to)?;
    if let Some(r) = m.redactor {
        lines
            .iter_mut()
            .for_each(|l| l.message = r.text(&l.message));
    }
    let calls = read_roll_calls(store, m)?;
    let notice = super::export::notice(m.req, lines.len(), m.why, m.by, m.now);
    let day = m.req.from;
    let doc = net_log_doc(&m.req.scheme, day, m.req.tz, &lines, &calls, &notice);
    let meta = PdfMeta {
        title: doc.title().to_string(),
        footer: format!(
            "{} · net log {day}{} · not to be shared",
            m.req.scheme,
            if m.req.redact { " · redacted" } else { "" }
        ),
    };
    Ok(Made {
        rows: lines.len(),
        extra: format!("{} roll-calls", calls.len()),
        body: render(&doc, &meta)?,
        notice,
    })
}
