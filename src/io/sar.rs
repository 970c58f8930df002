//! `watchroom sar`: answer a subject access request in one command. Finds
//! the person, writes everything held about them as JSON (for the record)
//! and as a readable report (to send), with the information the law requires
//! alongside the data (purposes, recipients, retention, sources, rights), each
//! file readable by its owner only, and audits the export.

use crate::domain::history::Change;
use crate::domain::retention::RetentionRules;
use crate::domain::text::clean;
use crate::store::privacy::SubjectData;
use crate::store::Store;
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The files one request produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarFiles {
    /// The record the request was answered for (a merged record stands for its person).
    pub offender_id: i64,
    pub json: PathBuf,
    pub markdown: PathBuf,
    /// Copies of the photos held of them.
    pub photos: Vec<PathBuf>,
}

/// For whoever sends the report: what the command cannot decide for them.
pub const BEFORE_SENDING: &str =
    "Before sending: read the report for other people's information in free text \
(incident summaries, notes) and redact it, and consider whether any exemption applies \
(e.g. where disclosure would prejudice the prevention or detection of crime). \
Answer within one month of the request.";

const PURPOSES: &[&str] = &[
    "Preventing and detecting crime in the partnership's area (theft, violence, anti-social behaviour), and keeping staff and the public safe.",
    "Running the partnership's exclusion scheme: deciding, serving, reviewing and enforcing warnings and exclusions, and telling members who is excluded.",
];

const RECIPIENTS: &[&str] = &[
    "Member businesses of the scheme (shops, pubs, venues and their staff), who see the register of offenders, exclusions and alerts.",
    "The police, when crime is reported or investigated, or when they ask for information.",
    "The scheme's own control-room, CCTV and management staff.",
];

const SOURCES: &[&str] = &[
    "Reports by member businesses and their staff (incidents, radio messages).",
    "CCTV: the control room's cameras and members' cameras (sightings and stills).",
    "The police.",
];

const RIGHTS: &[&str] = &[
    "to have anything wrong corrected, and anything incomplete completed (rectification);",
    "to ask for it to be deleted (erasure); the scheme will say whether it can, and why not if it cannot;",
    "to ask for its use to be restricted, or to object to it;",
    "to complain to the Information Commissioner's Office (ICO): ico.org.uk, telephone 0303 123 1113.",
];

const AUTOMATED: &str = "Alerts (hits) are raised automatically when a sighting or incident involves someone with an exclusion in force or a watch marker; an operator decides every one. No decision about you is made by automated means alone.";

#[derive(Serialize)]
struct Period {
    what: &'static str,
    period: String,
}

#[derive(Serialize)]
struct Information {
    purposes: &'static [&'static str],
    recipients: &'static [&'static str],
    sources: &'static [&'static str],
    retention: Vec<Period>,
    rights: &'static [&'static str],
    automated_decisions: &'static str,
}

#[derive(Serialize)]
struct Contents {
    aliases: usize,
    merged_records: usize,
    exclusions: usize,
    incidents: usize,
    sightings: usize,
    evidence: usize,
    hits: usize,
    views: usize,
    photos: usize,
    changes: usize,
    mentions: usize,
}

#[derive(Serialize)]
struct Export<'a> {
    about: &'static str,
    prepared_at: DateTime<Utc>,
    contents: Contents,
    information: Information,
    subject: &'a SubjectData,
}

fn information(rules: &RetentionRules) -> Information {
    Information {
        purposes: PURPOSES,
        recipients: RECIPIENTS,
        sources: SOURCES,
        retention: rules
            .describe()
            .into_iter()
            .map(|(what, period)| Period { what, period })
            .collect(),
        rights: RIGHTS,
        automated_decisions: AUTOMATED,
    }
}

fn contents(s: &SubjectData) -> Contents {
    Contents {
        aliases: s.aliases.len(),
        merged_records: s.merged_records.len(),
        exclusions: s.exclusions.len(),
        incidents: s.incidents.len(),
        sightings: s.sightings.len(),
        evidence: s.evidence.len(),
        hits: s.hits.len(),
        views: s.views.len(),
        photos: s.photo_paths().len(),
        changes: s.changes.len(),
        mentions: s.mentions.len(),
    }
}

/// Text from the store made safe for the report: no control characters, and
/// nothing Markdown (or a renderer's HTML) would act on.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y %H:%M UTC").to_string()
}

/// A value from a history of edits, as the report shows it.
fn value(v: &str) -> String {
    match crate::domain::history::as_instant(v) {
        Some(t) => when(t),
        None if v.trim().is_empty() => "nothing".into(),
        None => format!("“{}”", md(v)),
    }
}

/// One save's changes in a line: `field: “old” → “new”; …`.
fn changed(c: &Change) -> String {
    c.fields
        .iter()
        .map(|f| format!("{}: {} → {}", md(&f.field), value(&f.old), value(&f.new)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter().map(|s| md(s)).collect::<Vec<_>>().join(", ")
    }
}

fn or_none(s: &str) -> String {
    if s.trim().is_empty() {
        "none recorded".into()
    } else {
        md(s)
    }
}

/// The readable report. `photos` are the file names of the copies made.
fn report(
    s: &SubjectData,
    rules: &RetentionRules,
    photos: &[String],
    now: DateTime<Utc>,
) -> String {
    let mut r = String::new();
    let id = s.offender_id;
    let _ = writeln!(r, "# Subject access request: record #{id}\n");
    let _ = writeln!(
        r,
        "Prepared {} by the Business Crime Reduction Partnership for the person this record is about. \
         It holds everything the partnership's control-room system holds about you, and what the law says you must be told about it.\n",
        when(now)
    );
    let c = contents(s);
    let _ = writeln!(r, "## What this report contains\n");
    for (what, n) in [
        ("your record (name, description, markers, photo)", 1),
        ("other names (aliases)", c.aliases),
        ("earlier records merged into yours", c.merged_records),
        ("warnings and exclusions", c.exclusions),
        ("incidents that name you", c.incidents),
        ("sightings of you on CCTV", c.sightings),
        (
            "CCTV footage kept as evidence, and who it was given to",
            c.evidence,
        ),
        ("alerts (hits) about you", c.hits),
        ("times your record was looked at", c.views),
        (
            "changes made to your record, with what it held before",
            c.changes,
        ),
        ("photos (sent with this report)", c.photos),
        ("other records that name you", c.mentions),
    ] {
        let _ = writeln!(r, "- {what}: {n}");
    }

    let _ = writeln!(r, "\n## Your record\n");
    let _ = writeln!(r, "- Record: #{id} ({})", md(&s.kind));
    let _ = writeln!(r, "- Name: {}", md(&s.name));
    let _ = writeln!(r, "- Other names (aliases): {}", list(&s.aliases));
    let _ = writeln!(r, "- Nicknames: {}", list(&s.nicknames));
    let _ = writeln!(r, "- Description: {}", or_none(&s.description));
    let _ = writeln!(
        r,
        "- Date of birth: {}",
        s.date_of_birth
            .as_deref()
            .map_or("none held".to_string(), md)
    );
    let _ = writeln!(r, "- Address: {}", or_none(&s.address));
    let _ = writeln!(r, "- Markers: {}", list(&s.markers));
    let _ = writeln!(
        r,
        "- Photo: {}",
        if photos.is_empty() {
            if s.photo_path.is_empty() {
                "none held".to_string()
            } else {
                "recorded, but the file could not be found".to_string()
            }
        } else {
            format!("held; a copy is sent with this report ({})", list(photos))
        }
    );
    let _ = writeln!(r, "- Status: {}", md(&s.status));
    let _ = writeln!(r, "- Record made: {}", when(s.created_at));
    let _ = writeln!(r, "- Last changed: {}", when(s.updated_at));

    if !s.merged_records.is_empty() {
        let _ = writeln!(r, "\n## Earlier records merged into yours\n");
        let _ = writeln!(
            r,
            "These were made before you were identified (for example from a CCTV still), and joined to your record when you were.\n"
        );
        for m in &s.merged_records {
            let _ = writeln!(
                r,
                "- Record #{}: {}, made {}, merged {}; description: {}; nicknames: {}; markers: {}",
                m.id,
                md(&m.name),
                when(m.created_at),
                when(m.merged_at),
                or_none(&m.description),
                list(&m.nicknames),
                list(&m.markers)
            );
        }
    }

    let _ = writeln!(
        r,
        "\n## Changes made to your record ({})\n",
        s.changes.len()
    );
    if s.changes.is_empty() {
        let _ = writeln!(r, "None recorded.");
    } else {
        let _ = writeln!(
            r,
            "Each change says what the record held before and what it holds since, newest first.\n"
        );
    }
    for c in &s.changes {
        let of = if c.of.is_empty() {
            String::new()
        } else {
            format!(" ({})", md(&c.of))
        };
        let _ = writeln!(
            r,
            "- {} by {}{of}: {}",
            when(c.at),
            or_none(&c.by),
            changed(c)
        );
    }

    let _ = writeln!(r, "\n## Warnings and exclusions ({})\n", s.exclusions.len());
    if s.exclusions.is_empty() {
        let _ = writeln!(r, "None held.");
    }
    for e in &s.exclusions {
        let scope = if e.all_zones {
            "all zones".to_string()
        } else {
            list(&e.zones)
        };
        let _ = writeln!(r, "### {} #{}\n", md(&e.stage), e.id);
        let _ = writeln!(r, "- Covers: {scope}");
        let _ = writeln!(r, "- From {} to {}", when(e.starts_at), when(e.ends_at));
        match e.served_at {
            Some(t) => {
                let _ = writeln!(r, "- Served {} by {}", when(t), or_none(&e.served_by));
            }
            None => {
                let _ = writeln!(r, "- Not recorded as served");
            }
        }
        let _ = writeln!(r, "- Reason: {}", or_none(&e.reason));
        let evidence: Vec<String> = e
            .evidence_incidents
            .iter()
            .map(|i| format!("#{i}"))
            .collect();
        let _ = writeln!(
            r,
            "- Evidence: {}",
            if evidence.is_empty() {
                "no incidents linked".to_string()
            } else {
                format!("incidents {}", evidence.join(", "))
            }
        );
        if let Some(d) = e.appeal_lodged_on {
            let _ = writeln!(
                r,
                "- Appeal lodged {d}; outcome: {}",
                e.appeal_outcome.as_deref().map_or("awaited".into(), md)
            );
        }
        if let Some(d) = e.review_on {
            let _ = writeln!(r, "- Review due {d}");
        }
        if let Some(t) = e.lifted_at {
            let _ = writeln!(r, "- Lifted {}", when(t));
        }
        let _ = writeln!(r);
    }
    if !s.documents.is_empty() {
        let _ = writeln!(
            r,
            "\n## Notices, letters and members' bulletins that showed you ({})\n",
            s.documents.len()
        );
        for (kind, exclusion, at) in &s.documents {
            let what = match (kind.as_str(), exclusion) {
                ("bulletin", _) => "the members' bulletin".to_string(),
                (k, Some(e)) => format!("{} for #{e}", md(&k.replace('-', " "))),
                (k, None) => md(&k.replace('-', " ")),
            };
            let _ = writeln!(r, "- {what}, made {}", when(*at));
        }
    }

    let _ = writeln!(r, "\n## Incidents that name you ({})\n", s.incidents.len());
    if s.incidents.is_empty() {
        let _ = writeln!(r, "None held.");
    }
    for i in &s.incidents {
        let police = if i.police_ref.is_empty() {
            String::new()
        } else {
            format!(" (police reference {})", md(&i.police_ref))
        };
        let _ = writeln!(
            r,
            "- Incident #{}, {}: {} at {} ({}){police}: {}",
            i.id,
            when(i.opened_at),
            md(&i.kind),
            or_none(&i.place),
            md(&i.status),
            md(&i.summary)
        );
        for c in &i.changes {
            let _ = writeln!(
                r,
                "  - changed {} by {}: {}",
                when(c.at),
                or_none(&c.by),
                changed(c)
            );
        }
    }

    let _ = writeln!(r, "\n## Sightings of you on CCTV ({})\n", s.sightings.len());
    if s.sightings.is_empty() {
        let _ = writeln!(r, "None held.");
    }
    for x in &s.sightings {
        let mut line = format!(
            "- Sighting #{}, {}: {}",
            x.id,
            when(x.at),
            if x.camera.is_empty() {
                "no camera recorded".to_string()
            } else {
                md(&x.camera)
            }
        );
        if !x.place.is_empty() {
            line.push_str(&format!(", {}", md(&x.place)));
        }
        if !x.description.is_empty() {
            line.push_str(&format!("; description: {}", md(&x.description)));
        }
        if !x.note.is_empty() {
            line.push_str(&format!("; note: {}", md(&x.note)));
        }
        if let Some(i) = x.incident_id {
            line.push_str(&format!("; part of incident #{i}"));
        }
        line.push_str(&format!("; recorded by {}", or_none(&x.recorded_by)));
        let _ = writeln!(r, "{line}");
    }

    let _ = writeln!(
        r,
        "\n## CCTV footage kept as evidence ({})\n",
        s.evidence.len()
    );
    if s.evidence.is_empty() {
        let _ = writeln!(r, "None held.");
    }
    for x in &s.evidence {
        let handed: Vec<String> = x
            .handed_to
            .iter()
            .map(|(at, org)| format!("{} on {}", md(org), when(*at)))
            .collect();
        let _ = writeln!(
            r,
            "- Exhibit {} ({}): {}, {} to {}; {}",
            md(&x.exhibit),
            x.on,
            md(&x.camera),
            when(x.clip_start),
            when(x.clip_end),
            if handed.is_empty() {
                "kept by the control room".to_string()
            } else {
                format!("given to {}", handed.join(", "))
            }
        );
    }

    let _ = writeln!(r, "\n## Alerts (hits) about you ({})\n", s.hits.len());
    if s.hits.is_empty() {
        let _ = writeln!(r, "None held.");
    }
    for h in &s.hits {
        let mut line = format!(
            "- Hit #{}, {}: {} in {}: {}; {}",
            h.id,
            when(h.raised_at),
            md(&h.kind),
            or_none(&h.zone),
            or_none(&h.detail),
            md(&h.status)
        );
        if let (Some(t), Some(by)) = (h.decided_at, &h.decided_by) {
            line.push_str(&format!(" {} by {}", when(t), md(by)));
        }
        if let Some(a) = &h.action_taken {
            line.push_str(&format!("; action taken: {}", md(a)));
        }
        if let Some(why) = &h.reject_reason {
            line.push_str(&format!("; rejected because: {}", md(why)));
        }
        let _ = writeln!(r, "{line}");
    }

    let _ = writeln!(
        r,
        "\n## Other records that name you ({})\n",
        s.mentions.len()
    );
    if s.mentions.is_empty() {
        let _ = writeln!(r, "None.");
    } else {
        let _ = writeln!(
            r,
            "Incident notes, the occurrence log, radio messages and other records that mention you by name, alias, nickname or surname, with the words around each:\n"
        );
    }
    for m in &s.mentions {
        let _ = writeln!(
            r,
            "- {}, {} ({}): {} — “{}”",
            when(m.at),
            md(&m.record),
            md(&m.field),
            list(&m.words),
            md(&m.context)
        );
    }

    let _ = writeln!(r, "\n## Who looked at your record ({})\n", s.views.len());
    if s.views.is_empty() {
        let _ = writeln!(r, "Nobody has opened it.");
    }
    for v in &s.views {
        let _ = writeln!(
            r,
            "- {}: {}, reason given: {}",
            when(v.at),
            md(&v.operator),
            or_none(&v.why)
        );
    }

    let _ = writeln!(r, "\n## Why the partnership holds this information\n");
    for p in PURPOSES {
        let _ = writeln!(r, "- {p}");
    }
    let _ = writeln!(r, "\n## Who it is shared with\n");
    for p in RECIPIENTS {
        let _ = writeln!(r, "- {p}");
    }
    let _ = writeln!(r, "\n## How long it is kept\n");
    for (what, period) in rules.describe() {
        let _ = writeln!(r, "- {what}: {period}.");
    }
    let _ = writeln!(r, "\n## Where it came from\n");
    for p in SOURCES {
        let _ = writeln!(r, "- {p}");
    }
    let _ = writeln!(r, "\n## Automated decisions\n\n{AUTOMATED}");
    let _ = writeln!(r, "\n## Your rights\n\nYou have the right:\n");
    for p in RIGHTS {
        let _ = writeln!(r, "- {p}");
    }
    r
}

/// Answer a subject access request for `who` (a record number, `#12` or
/// `12`, or a name or alias in full): write `sar-<id>-<date>.json` and
/// `sar-<id>-<date>.md` (and copies of any photos) into `out_dir`, each
/// readable by the owner only, and audit the export (action `export`,
/// entity `sar`, the record, `why`). Several people matching a name are
/// refused, listed by record number.
/// A name for this report's files that no earlier report in `dir` has: a
/// second report the same day is `…-2`, never written over the first.
fn fresh_stem(dir: &Path, base: &str) -> String {
    let taken = |stem: &str| {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_prefix(stem)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with("-photo"))
            })
    };
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|stem| !taken(stem))
        .unwrap_or_else(|| base.to_string())
}

pub fn run_sar(
    store: &mut Store,
    rules: &RetentionRules,
    who: &str,
    out_dir: &Path,
    operator: i64,
    why: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<SarFiles> {
    if crate::domain::text::tidy_input(why).is_empty() {
        anyhow::bail!("say why the export is made (e.g. the request's reference)");
    }
    let id = store.find_subject(who)?;
    let subject = store.subject_access(id)?;
    let id = subject.offender_id;
    if !out_dir.is_dir() {
        // owner-only, as every folder of personal data the scheme writes
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(out_dir)
            .with_context(|| format!("cannot create the folder {}", out_dir.display()))?;
    }
    let stem = fresh_stem(out_dir, &format!("sar-{id}-{}", now.format("%Y-%m-%d")));
    let json_path = out_dir.join(format!("{stem}.json"));
    let md_path = out_dir.join(format!("{stem}.md"));
    let mut written: Vec<PathBuf> = vec![];
    let result = (|| -> anyhow::Result<Vec<PathBuf>> {
        let mut photos = vec![];
        for (k, photo) in subject.photo_paths().into_iter().enumerate() {
            let src = Path::new(photo);
            // one gone or unreadable is not sent: the report says it could not be found
            let Ok((bytes, format)) = crate::store::photos::read(src) else {
                continue;
            };
            let ext = format.ext();
            let name = if k == 0 {
                format!("{stem}-photo.{ext}")
            } else {
                format!("{stem}-photo-{}.{ext}", k + 1)
            };
            let dest = out_dir.join(&name);
            super::files::write_whole(&dest, &bytes)?;
            written.push(dest.clone());
            photos.push(dest);
        }
        let names: Vec<String> = photos
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        let export = Export {
            about: "Subject access request: everything the partnership's control-room system holds about one person",
            prepared_at: now,
            contents: contents(&subject),
            information: information(rules),
            subject: &subject,
        };
        let json = serde_json::to_vec_pretty(&export)?;
        super::files::write_whole(&json_path, &json)?;
        written.push(json_path.clone());
        super::files::write_whole(&md_path, report(&subject, rules, &names, now).as_bytes())?;
        written.push(md_path.clone());
        store.record_subject_export(id, operator, why, now)?;
        Ok(photos)
    })();
    match result {
        Ok(photos) => Ok(SarFiles {
            offender_id: id,
            json: json_path,
            markdown: md_path,
            photos,
        }),
        Err(e) => {
            // no export without its audit record: take back what was written
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_text_cannot_act_in_the_report() {
        assert_eq!(md("<b>Kyle</b> *x* #1"), "\\<b\\>Kyle\\</b\\> \\*x\\* \\#1");
        assert!(!md("Bob\x1b[2J\n# Heading").contains('\x1b'));
        assert!(!md("Bob\n# Heading").contains('\n'));
    }
}
