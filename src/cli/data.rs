//! Data in and out: imports, exports, the committee report, and ingest
//! from other systems.

use super::Globals;
use crate::domain::permission::Permission;
use crate::domain::Clock;
use crate::store::Store;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(super) fn import_command(
    g: &Globals,
    what: &str,
    file: &Path,
    apply: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    use crate::io::import::{run_import, ImportKind};
    let kind = ImportKind::from_code(what)
        .context("import zones, cameras, members, radios, offenders or police")?;
    // a whole force's file with no area to keep: refused before the PIN
    let area = g.config()?.police.area();
    if kind == ImportKind::Police && area.is_none() {
        anyhow::bail!("{}", no_area(g));
    }
    let mut s = g.manager_session(Permission::Import, now)?;
    let mut out = std::io::stdout();
    let outcome = run_import(
        &mut s.store,
        kind,
        file,
        apply,
        s.manager,
        now,
        area.as_ref(),
        &mut out,
    )?;
    let problems = outcome.problems().len();
    if problems > 0 {
        anyhow::bail!(
            "{problems} problem(s) in {}: nothing was imported",
            file.display()
        );
    }
    Ok(())
}

/// Why a police file is refused with no area set, and how to set one.
fn no_area(g: &Globals) -> String {
    let file = g
        .config_path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the config file (--config PATH)".into());
    format!(
        "{}.\nAdd to {}:\n\n{}\n",
        crate::io::import::NO_AREA,
        crate::domain::text::clean(&file),
        crate::domain::police::AREA_EXAMPLE
    )
}

/// `watchroom import police --remove-month YYYY-MM`: a dry run says how
/// many rows would go; `--apply` removes them, audited. A manager's, as the
/// import is.
pub(super) fn remove_police_month(
    g: &Globals,
    what: &str,
    month: &str,
    apply: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    use crate::domain::money::group_thousands;
    if what != "police" {
        anyhow::bail!("--remove-month is for police data only: `watchroom import police --remove-month YYYY-MM`");
    }
    let month = crate::domain::police::parse_month(month)
        .map_err(|e| anyhow::anyhow!("--remove-month {e}"))?;
    let mut s = g.manager_session(Permission::Import, now)?;
    let held = s.store.police_months()?;
    let Some(m) = held.iter().find(|m| m.month == month) else {
        anyhow::bail!("{}", crate::store::imports::not_held(&month, &held));
    };
    if !apply {
        println!(
            "dry run: {} police row(s) held for {month} would be removed; nothing was changed — add --apply to remove them",
            group_thousands(m.rows)
        );
        return Ok(());
    }
    let rows = s.store.remove_police_month(&month, s.manager, now)?;
    println!(
        "removed: {} police row(s) held for {month} (audited)",
        group_thousands(rows)
    );
    Ok(())
}

/// What `watchroom export` was asked for, as typed.
pub(super) struct ExportArgs {
    pub what: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Shorthand for the same day to `from` and `to`.
    pub day: Option<String>,
    /// None: the kind's own default.
    pub format: Option<String>,
    pub why: String,
    pub redact: bool,
    pub out: Option<PathBuf>,
}

pub(super) fn export_command(g: &Globals, a: ExportArgs, now: DateTime<Utc>) -> Result<()> {
    use crate::domain::text::clean;
    use crate::io::export::{parse_day, run_export, ExportFormat, ExportKind, ExportRequest};
    // everything that can be wrong with the request is said before the PIN is asked
    let kind = ExportKind::from_code(&a.what)
        .context("export incidents, register, sightings, radio-log, roll-calls or net-log")?;
    let format = match &a.format {
        Some(f) => ExportFormat::from_code(f).context("--format csv, json or pdf")?,
        None => kind.default_format(),
    };
    let (from, to) = match (&a.day, &a.from, &a.to) {
        (Some(d), None, None) => (parse_day(d)?, parse_day(d)?),
        (None, Some(f), Some(t)) => (parse_day(f)?, parse_day(t)?),
        _ => anyhow::bail!("give the period as --from DATE --to DATE, or one day as --day DATE"),
    };
    kind.check(format, from, to)?;
    if crate::domain::text::tidy_input(&a.why).is_empty() {
        anyhow::bail!(
            "say why the export is made (--why \"…\"); it is recorded in the audit trail"
        );
    }
    let mut s = g.manager_session(Permission::Export, now)?;
    let scheme = s
        .config
        .scheme
        .clone()
        .with(&s.store.scheme_details()?)
        .name;
    let request = ExportRequest {
        kind,
        from,
        to,
        tz: s.config.tz(),
        format,
        why: a.why,
        redact: a.redact,
        out: a.out,
        scheme,
    };
    let outcome = run_export(&mut s.store, &request, s.manager, now)?;
    // a file name is the user's own, but printed clean like any other text
    println!(
        "written: {} ({} {}s)",
        clean(&outcome.path.display().to_string()),
        outcome.rows,
        kind.unit()
    );
    if let Some(n) = &outcome.notice_path {
        println!(
            "written: {} (what the file contains)",
            clean(&n.display().to_string())
        );
    }
    Ok(())
}

/// `watchroom report`: the figures hold counts only, no one's name, so any
/// user who can open the store file may make them (as any role may see them
/// in the console); nothing is written to the store.
pub(super) fn report_command(
    g: &Globals,
    from: &str,
    to: &str,
    format: &str,
    out: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<()> {
    use crate::domain::report::ReportPeriod;
    use crate::io::report::{render, write_file, Format};
    // a bad request is refused before any store is touched
    let period = ReportPeriod::parse(from, to).map_err(anyhow::Error::msg)?;
    let format: Format = format.parse().map_err(anyhow::Error::msg)?;
    // a report on a new, empty store would be all noughts: say so instead
    let path = g.existing_store()?;
    // the time zone and ladder decide the figures: never guess them
    let config = g.config()?;
    let store = Store::open(&path)?;
    let ladder = crate::domain::exclusion::Ladder {
        stages: config.ladder.clone(),
    };
    let report = store.report_with(&period, config.tz(), &ladder, &config.police.rules(), now)?;
    let text = render(&report, format)?;
    match out {
        Some(file) => {
            write_file(file, &text)?;
            println!("written: {}", file.display());
        }
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(())
}

pub(super) fn ingest_command(
    g: &Globals,
    socket: Option<&Path>,
    clock: Arc<dyn Clock>,
) -> Result<()> {
    // events need the scheme's radios, members and zones: never a new, empty store
    let path = g.existing_store()?;
    // held while ingest runs: a restore waits for it to stop
    let _in_use = crate::store::backup::mark_in_use(&path)?;
    let (config, warning) = g.config_lenient();
    if let Some(w) = warning {
        eprintln!("watchroom: {w}; using the default settings");
    }
    let backups = config
        .backup
        .schedule()
        .map(|s| ScheduledBackups::start(path.clone(), s));
    let rules = crate::io::ingest::Rules {
        incident_types: config.incident_types,
    };
    let outcome = crate::io::ingest::run(&path, g.operator.as_deref(), socket, rules, clock);
    if let Some(b) = backups {
        b.finish();
    }
    outcome
}

/// Scheduled backups taken beside ingest, on a thread of their own: one
/// under way when ingest ends is finished, never left half-written.
struct ScheduledBackups {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl ScheduledBackups {
    fn start(store: std::path::PathBuf, schedule: crate::store::backup::Schedule) -> Self {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut wait = std::time::Duration::from_secs(2);
            loop {
                // wake often enough to stop promptly, look every minute
                let until = std::time::Instant::now() + wait;
                while std::time::Instant::now() < until {
                    if flag.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                wait = std::time::Duration::from_secs(60);
                match crate::store::backup::run_schedule(
                    &store,
                    crate::store::key::start_key(),
                    &schedule,
                    Utc::now(),
                ) {
                    Ok(None) => {}
                    Ok(Some(b)) => {
                        let line = crate::store::backup::describe_scheduled(&b);
                        tracing::info!(%line, "scheduled backup");
                        eprintln!("watchroom: {line}");
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "scheduled backup");
                        eprintln!(
                            "watchroom: scheduled backup failed: {}",
                            crate::domain::text::clean(&e.to_string())
                        );
                    }
                }
            }
        });
        ScheduledBackups { stop, thread }
    }

    fn finish(self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = self.thread.join();
    }
}
