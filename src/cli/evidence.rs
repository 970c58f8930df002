//! `watchroom evidence`: the evidence log from the shell. CCTV staff and
//! managers add items, record handovers and corrections, and make a
//! continuity statement; anyone signed in lists and shows (a show is
//! audited); a manager exports, with why. Times are typed and shown on the
//! scheme's clock. What can be checked without the store is checked before
//! the PIN is asked.

use super::Globals;
use crate::domain::audit::AuditAction;
use crate::domain::evidence::{
    parse_time, sha256_hex, ClipDetails, EntryBody, EvidenceOf, HandoverDetails, Medium,
};
use crate::domain::permission::Permission;
use crate::domain::text::clean;
use crate::store::evidence::{NewEvidence, NewHandover};
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Add an item: `evidence add PS/1 --incident 12 --camera "Cam 3" --start "2026-11-20 14:02" --end "2026-11-20 14:09"`
    Add {
        /// Its exhibit reference, unique (e.g. PS/1)
        exhibit: String,
        /// The incident it is evidence of
        #[arg(
            long,
            value_name = "N",
            conflicts_with = "sighting",
            required_unless_present = "sighting"
        )]
        incident: Option<i64>,
        /// The sighting it is evidence of
        #[arg(long, value_name = "N")]
        sighting: Option<i64>,
        #[command(flatten)]
        clip: ClipFields,
    },
    /// Record a handover: `evidence handover PS/1 --to "PC 4471 Reed" --org "Kent Police" --why "crime ref 46/12345/26"`.
    /// A handover is a release of footage (and needs a sharing agreement in
    /// force) unless --internal says it stayed in the control room
    Handover {
        exhibit: String,
        /// Who received it
        #[arg(long)]
        to: String,
        /// Their organisation
        #[arg(long = "org", value_name = "ORGANISATION")]
        organisation: String,
        /// Why it was handed over
        #[arg(long)]
        why: String,
        /// When (YYYY-MM-DD HH:MM[:SS]; default now)
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// It stayed within the control room (to a colleague, the evidence safe): not a release
        #[arg(long, conflicts_with = "agreement")]
        internal: bool,
        /// The information-sharing agreement the release falls under (default:
        /// the one in force whose party is the organisation)
        #[arg(long, value_name = "N")]
        agreement: Option<i64>,
        /// This corrects handover entry N (the trail keeps both) …
        #[arg(long, value_name = "ENTRY", requires = "correction")]
        corrects: Option<i64>,
        /// … for this reason
        #[arg(long, value_name = "WHY", requires = "corrects")]
        correction: Option<String>,
    },
    /// Correct the clip's details with a new entry superseding ENTRY (what is not given stays as it was)
    Correct {
        exhibit: String,
        /// The clip entry it corrects
        #[arg(long, value_name = "ENTRY")]
        entry: i64,
        /// Why it is corrected
        #[arg(long)]
        why: String,
        #[command(flatten)]
        clip: ClipFields,
    },
    /// The evidence log, newest first
    List {
        /// How many items
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// One item with its whole trail (audited)
    Show { exhibit: String },
    /// The items with an entry recorded in a period, with their trails, as
    /// CSV or JSON (a manager's; audited with the reason)
    Export {
        #[arg(long, value_name = "DATE")]
        from: String,
        #[arg(long, value_name = "DATE")]
        to: String,
        #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
        format: String,
        /// Why (recorded in the audit trail), e.g. "police request ref 1234"
        #[arg(long)]
        why: String,
        /// Strike the names of people on the register out of the entries' words
        #[arg(long)]
        redact: bool,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The item's continuity statement as PDF, for the police officer's file (audited)
    Statement {
        exhibit: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// The clip's fields as typed; for a correction, what is not given stays.
#[derive(Debug, clap::Args)]
pub struct ClipFields {
    /// The camera (name or number)
    #[arg(long)]
    camera: Option<String>,
    /// When the clip starts (YYYY-MM-DD HH:MM[:SS])
    #[arg(long, value_name = "TIME")]
    start: Option<String>,
    /// When it ends, after the start
    #[arg(long, value_name = "TIME")]
    end: Option<String>,
    /// Who reviewed the footage (default: you)
    #[arg(long = "reviewed-by", value_name = "NAME")]
    reviewed_by: Option<String>,
    /// Who made the copy
    #[arg(long = "copied-by", value_name = "NAME")]
    copied_by: Option<String>,
    /// What the copy is on: usb, dvd, cd, secure-upload, hard-drive
    #[arg(long)]
    medium: Option<String>,
    /// The exported file: its SHA-256 is computed and its name kept
    #[arg(long, value_name = "PATH", conflicts_with = "sha256")]
    file: Option<PathBuf>,
    /// The exported file's SHA-256, when the file is not at hand
    #[arg(long, value_name = "HEX")]
    sha256: Option<String>,
    #[arg(long)]
    note: Option<String>,
}

impl ClipFields {
    /// `base` with what was typed put over it (the camera is resolved later).
    fn apply(
        &self,
        mut c: ClipDetails,
        tz: chrono_tz::Tz,
        now: DateTime<Utc>,
    ) -> Result<ClipDetails> {
        let m = anyhow::Error::msg;
        if let Some(v) = &self.start {
            c.clip_start = parse_time("start", v, tz, now).map_err(m)?;
        }
        if let Some(v) = &self.end {
            c.clip_end = parse_time("end", v, tz, now).map_err(m)?;
        }
        if let Some(v) = &self.reviewed_by {
            c.reviewed_by = v.clone();
        }
        if let Some(v) = &self.copied_by {
            c.copied_by = v.clone();
        }
        if let Some(v) = &self.medium {
            c.medium = Some(Medium::parse(v).map_err(m)?);
        }
        if let Some(v) = &self.sha256 {
            c.sha256 = v.clone();
        }
        if let Some(p) = &self.file {
            let bytes = std::fs::read(p)
                .with_context(|| format!("cannot read {}", clean(&p.display().to_string())))?;
            c.sha256 = sha256_hex(&bytes);
            c.file_name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        if let Some(v) = &self.note {
            c.note = v.clone();
        }
        Ok(c)
    }
}

fn needs(command: &EvidenceCommand) -> Permission {
    match command {
        EvidenceCommand::List { .. } | EvidenceCommand::Show { .. } => Permission::ViewProfile,
        EvidenceCommand::Export { .. } => Permission::Export,
        _ => Permission::RecordEvidence,
    }
}

pub(super) fn evidence_command(
    g: &Globals,
    command: EvidenceCommand,
    now: DateTime<Utc>,
) -> Result<()> {
    let tz = g.config()?.tz();
    // the clip of a new item, read before the PIN is asked
    let fresh = match &command {
        EvidenceCommand::Add { clip, .. } => {
            if clip.start.is_none() || clip.end.is_none() {
                anyhow::bail!("give the clip's --start and --end (YYYY-MM-DD HH:MM[:SS])");
            }
            if clip.camera.is_none() {
                anyhow::bail!("give the --camera the footage is from");
            }
            Some(clip.apply(ClipDetails::default(), tz, now)?)
        }
        _ => None,
    };
    if let EvidenceCommand::Export { from, to, why, .. } = &command {
        crate::io::export::parse_day(from)?;
        crate::io::export::parse_day(to)?;
        if crate::domain::text::tidy_input(why).is_empty() {
            anyhow::bail!(
                "say why the export is made (--why \"…\"); it is recorded in the audit trail"
            );
        }
    }
    let mut s = g.manager_session(needs(&command), now)?;
    let op = s.manager;
    let me = s
        .store
        .operators()?
        .into_iter()
        .find(|o| o.id == op)
        .map(|o| o.name)
        .unwrap_or_default();
    let store = &mut s.store;
    let camera = |store: &crate::store::Store, name: &str| -> Result<i64> {
        Ok(store
            .camera_by_name(name)?
            .with_context(|| {
                format!(
                    "no camera called “{}” (see `watchroom camera list`)",
                    clean(name.trim())
                )
            })?
            .id)
    };
    let exhibit_of = |store: &crate::store::Store, exhibit: &str| {
        store.evidence_by_exhibit(exhibit)?.with_context(|| {
            format!(
                "no exhibit “{}” in the evidence log (see `watchroom evidence list`)",
                clean(exhibit.trim())
            )
        })
    };
    match command {
        EvidenceCommand::Add {
            exhibit,
            incident,
            sighting,
            clip,
        } => {
            let mut details = fresh.expect("read above");
            details.camera_id = Some(camera(store, clip.camera.as_deref().unwrap_or(""))?);
            if details.reviewed_by.trim().is_empty() {
                details.reviewed_by = me.clone();
            }
            let of = match (incident, sighting) {
                (Some(i), _) => EvidenceOf::Incident(i),
                (None, Some(si)) => EvidenceOf::Sighting(si),
                (None, None) => anyhow::bail!("give --incident N or --sighting N"),
            };
            let item = store.add_evidence(
                &NewEvidence {
                    exhibit,
                    of,
                    clip: details,
                },
                op,
                now,
            )?;
            println!(
                "exhibit {} added on {}",
                clean(&item.exhibit),
                crate::store::evidence::describe_of(item.of)
            );
        }
        EvidenceCommand::Handover {
            exhibit,
            to,
            organisation,
            why,
            at,
            internal,
            agreement,
            corrects,
            correction,
        } => {
            let item = exhibit_of(store, &exhibit)?;
            let at = match at {
                Some(t) => parse_time("at", &t, tz, now).map_err(anyhow::Error::msg)?,
                None => now,
            };
            let h = NewHandover {
                details: HandoverDetails {
                    to,
                    organisation,
                    at,
                    why,
                    release: !internal,
                    agreement_id: None,
                },
                agreement,
                day: at.with_timezone(&tz).date_naive(),
            };
            let supersedes = corrects.map(|c| (c, correction.as_deref().unwrap_or("")));
            let item = store.hand_over_evidence(item.id, &h, supersedes, op, now)?;
            let last = item.entries.last().expect("just recorded");
            if let EntryBody::Handover { details, agreement } = &last.body {
                match details.agreement_id {
                    Some(a) => println!(
                        "exhibit {} released to {} ({}) under agreement #{a} ({}); entry {}",
                        clean(&item.exhibit),
                        clean(&details.to),
                        clean(&details.organisation),
                        clean(agreement),
                        last.id
                    ),
                    None => println!(
                        "exhibit {} handed to {} ({}); entry {}",
                        clean(&item.exhibit),
                        clean(&details.to),
                        clean(&details.organisation),
                        last.id
                    ),
                }
            }
        }
        EvidenceCommand::Correct {
            exhibit,
            entry,
            why,
            clip,
        } => {
            let item = exhibit_of(store, &exhibit)?;
            let base = item
                .entries
                .iter()
                .find(|e| e.id == entry)
                .and_then(|e| match &e.body {
                    EntryBody::Clip(c) => Some(c.clone()),
                    _ => None,
                })
                .with_context(|| {
                    format!(
                        "entry {entry} is not a clip entry of {} (a handover is corrected with `evidence handover --corrects`)",
                        clean(&item.exhibit)
                    )
                })?;
            let mut details = clip.apply(base, tz, now)?;
            if let Some(name) = &clip.camera {
                details.camera_id = Some(camera(store, name)?);
            }
            let item = store.correct_evidence_clip(item.id, entry, &why, &details, op, now)?;
            println!(
                "exhibit {}: entry {} corrects entry {entry}",
                clean(&item.exhibit),
                item.entries.last().map_or(0, |e| e.id)
            );
        }
        EvidenceCommand::List { limit } => {
            let items = store.recent_evidence(limit)?;
            if items.is_empty() {
                println!("the evidence log is empty");
            }
            for i in items {
                let clip = i.clip().map_or_else(String::new, |c| {
                    format!(
                        "{}, {}",
                        c.camera,
                        crate::io::continuity::local(c.clip_start, tz)
                    )
                });
                println!(
                    "{}  on {}  {}  held by {}",
                    clean(&i.exhibit),
                    crate::store::evidence::describe_of(i.of),
                    clean(&clip),
                    clean(&i.held_by())
                );
            }
        }
        EvidenceCommand::Show { exhibit } => {
            let item = store.view_evidence(&exhibit, AuditAction::View, "trail shown", op, now)?;
            print!("{}", crate::io::continuity::show(&item, tz));
        }
        EvidenceCommand::Export {
            from,
            to,
            format,
            why,
            redact,
            out,
        } => {
            use crate::io::export::{
                parse_day, run_export, ExportFormat, ExportKind, ExportRequest,
            };
            let scheme = s
                .config
                .scheme
                .clone()
                .with(&s.store.scheme_details()?)
                .name;
            let request = ExportRequest {
                kind: ExportKind::Evidence,
                from: parse_day(&from)?,
                to: parse_day(&to)?,
                tz,
                format: ExportFormat::from_code(&format).context("--format csv or json")?,
                why,
                redact,
                out,
                scheme,
            };
            let outcome = run_export(&mut s.store, &request, op, now)?;
            println!(
                "written: {} ({} items)",
                clean(&outcome.path.display().to_string()),
                outcome.rows
            );
            if let Some(n) = &outcome.notice_path {
                println!(
                    "written: {} (what the file contains)",
                    clean(&n.display().to_string())
                );
            }
        }
        EvidenceCommand::Statement { exhibit, out } => {
            if out.is_dir() {
                anyhow::bail!("{} is a folder: give a file name with --out", out.display());
            }
            let scheme = s
                .config
                .scheme
                .clone()
                .with(&s.store.scheme_details()?)
                .name;
            let item = exhibit_of(&s.store, &exhibit)?;
            let pdf = crate::io::continuity::statement_pdf(&item, &scheme, tz, now)?;
            // written whole under a temporary name, audited, then put in place
            let temp = crate::io::files::write_temp(&out, &pdf)?;
            if let Err(e) = s.store.view_evidence(
                &item.exhibit,
                AuditAction::Document,
                "continuity statement made",
                op,
                now,
            ) {
                let _ = std::fs::remove_file(&temp);
                return Err(e.into());
            }
            std::fs::rename(&temp, &out)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "written: {} (continuity statement of exhibit {})",
                clean(&out.display().to_string()),
                clean(&item.exhibit)
            );
        }
    }
    Ok(())
}
