//! The command line: the console, the demo, and the scheme's tools, one file
//! per family of commands. This file parses, and holds what every command
//! shares: where the store and the config are, and a manager's sign-in.

mod audit;
mod backup;
mod console;
mod data;
mod documents;
mod evidence;
mod governance;
mod operator;
mod privacy;
mod setup;

use crate::app::config::Config;
use crate::domain::permission::Permission;
use crate::domain::{Clock, SystemClock};
use crate::store::Store;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use directories::ProjectDirs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "watchroom",
    version,
    about = "The control-room console for a Business Crime Reduction Partnership"
)]
pub struct Cli {
    /// The store file (default: $WATCHROOM_DB, or watchroom.db in the
    /// platform data directory)
    #[arg(long, global = true, value_name = "PATH", env = "WATCHROOM_DB")]
    pub db: Option<PathBuf>,
    /// Theme: default, light, high-contrast, night, or one of your own
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// Config file (default: config.toml in the platform config directory)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The operator signing on (default: your login name)
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub operator: Option<String>,
    /// File holding the passphrase of an encrypted store (default:
    /// $WATCHROOM_KEY_FILE); needs a build with --features encryption
    #[arg(long, global = true, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Commands>,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Make a new, empty store for a real scheme, with its first manager
    /// (the PIN is asked twice, or read as two lines of standard input);
    /// refuses a path where a file already exists
    Init {
        /// The first manager's name
        #[arg(long, value_name = "NAME")]
        manager: String,
    },
    /// The town's zones (a manager, named with --as; `list` needs no sign-in)
    Zone {
        #[command(subcommand)]
        command: setup::ZoneCommand,
    },
    /// The CCTV cameras (a manager, named with --as; `list` needs no sign-in)
    Camera {
        #[command(subcommand)]
        command: setup::CameraCommand,
    },
    /// Copy the live store to FILE while consoles and ingest keep working,
    /// check the copy (integrity and audit trail), and record it in the
    /// audit trail (a manager, named with --as)
    Backup {
        /// The file to write (it must not exist); owner-only
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Put a backup in place of the store named with --db, after checking
    /// it; refused while a console or ingest has the store open; the store
    /// it replaces is kept beside it (a manager, named with --as)
    Restore {
        /// The backup file
        file: PathBuf,
    },
    /// Manage operators (a manager, named with --as, gives their PIN first)
    Operator {
        #[command(subcommand)]
        command: operator::OperatorCommand,
    },
    /// Open the console on the demo town of Castlebrook (generated on first use)
    Demo {
        /// Throw the demo store away and generate it again
        #[arg(long)]
        fresh: bool,
    },
    /// Generate a large synthetic store for benchmarks (the demo town plus N incidents)
    Generate {
        /// How many incidents to add
        #[arg(long, default_value_t = 1_000_000)]
        incidents: u64,
        /// Replace the file if it exists
        #[arg(long)]
        fresh: bool,
        /// Also grow the radio network to this many radios …
        #[arg(long, default_value_t = 0)]
        radios: usize,
        /// … with this many nights of finished roll-calls (3650 is ten years)
        #[arg(long, default_value_t = 0)]
        nights: usize,
    },
    /// Remove what the scheme may no longer keep (a manager, named with --as)
    Retention {
        /// Say what would go and why, and change nothing (the default)
        #[arg(long, conflicts_with = "apply")]
        dry_run: bool,
        /// Remove it for real: no copy left in any table, free pages overwritten
        #[arg(long)]
        apply: bool,
    },
    /// Erase a person on their request (a manager's): everything held about
    /// them and every mention of them elsewhere. A dry run unless --apply
    Erase {
        /// The person: #id, id, or a full name or alias
        who: String,
        /// Why (kept in the audit trail, their names struck out), e.g. "erasure request ref 77, no ground to keep"
        #[arg(long)]
        why: String,
        /// Erase them (without it: say what would go, changing nothing)
        #[arg(long)]
        apply: bool,
        /// Erase them although an exclusion is in force, saying why
        #[arg(long, value_name = "WHY")]
        force: Option<String>,
    },
    /// Answer a subject access request: everything held about one person, as JSON and a report
    Sar {
        /// The person: #id, id, or a full name or alias
        who: String,
        /// Why (recorded in the audit trail), e.g. "SAR received 27 Nov by letter"
        #[arg(long)]
        why: String,
        /// The folder to write the files into
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Import zones, cameras, members, radios or offenders from a
    /// spreadsheet's CSV, or the police's street-level crime file (a
    /// manager, named with --as); `import police --remove-month YYYY-MM`
    /// removes a month of police data
    Import {
        /// What the file holds: zones, cameras, members, radios, offenders or police
        #[arg(value_parser = ["zones", "cameras", "members", "radios", "offenders", "police"])]
        what: String,
        /// The CSV file
        #[arg(required_unless_present = "remove_month")]
        file: Option<PathBuf>,
        /// Police data only: remove every row held for this month (YYYY-MM) instead of importing a file
        #[arg(long, value_name = "YYYY-MM", conflicts_with = "file")]
        remove_month: Option<String>,
        /// Say what would change and list every bad row, changing nothing (the default)
        #[arg(long, conflicts_with = "apply")]
        dry_run: bool,
        /// Import it in one transaction; a file with any problem changes nothing
        #[arg(long)]
        apply: bool,
    },
    /// Export a period's incidents, sightings, the register, radio log or
    /// roll-calls as CSV or JSON, or a day's net log (its radio log and
    /// roll-calls) as PDF (a manager, named with --as); audited with the
    /// reason
    Export {
        /// incidents, register, sightings, radio-log, roll-calls, or
        /// net-log (one day, PDF only)
        #[arg(value_parser = ["incidents", "register", "sightings", "radio-log", "roll-calls", "net-log"])]
        what: String,
        /// First day of the period (YYYY-MM-DD)
        #[arg(
            long,
            value_name = "DATE",
            required_unless_present = "day",
            requires = "to"
        )]
        from: Option<String>,
        /// Last day of the period, included (YYYY-MM-DD)
        #[arg(
            long,
            value_name = "DATE",
            required_unless_present = "day",
            requires = "from"
        )]
        to: Option<String>,
        /// One day, the same as --from DATE --to DATE (a net log's day)
        #[arg(long, value_name = "DATE", conflicts_with_all = ["from", "to"])]
        day: Option<String>,
        /// csv (the default) or json; pdf for net-log, which is made only as PDF
        #[arg(long, value_parser = ["csv", "json", "pdf"])]
        format: Option<String>,
        /// Why (recorded in the audit trail), e.g. "police request ref 1234"
        #[arg(long)]
        why: String,
        /// Replace the names of people on the register (and their aliases) everywhere, and leave out photos
        #[arg(long)]
        redact: bool,
        /// The file to write (default: e.g. incidents-2026-11-01-to-2026-11-30.csv
        /// or net-log-2026-11-20.pdf here)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The committee report for a period: incidents, losses, offenders,
    /// hits, roll-calls, radios, members and police data, as counts only
    /// (no one is named), so it needs no sign-in
    Report {
        /// First day of the period (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: String,
        /// Last day of the period, included (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: String,
        /// md (the statistics section of a progress report), csv (one tidy table) or json
        #[arg(long, default_value = "md", value_parser = ["md", "csv", "json"])]
        format: String,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The audit trail: prove it intact, or list its latest records
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Take in JSON lines from other systems (radio gateway, alarms,
    /// incidents) on standard input, or on a Unix socket; recorded under the
    /// account named with --as (default "ingest"), which nobody signs in with
    Ingest {
        /// Listen on this Unix socket (owner-only) instead of reading standard input
        #[arg(long, value_name = "PATH")]
        socket: Option<PathBuf>,
    },
    /// Make one of the scheme's documents from its template (a manager,
    /// named with --as); audited and linked to what it serves.
    /// `templates` puts copies of the built-in templates in the templates
    /// folder for the scheme to edit.
    Document {
        #[arg(value_parser = ["warning-letter", "exclusion-notice", "member-agreement", "privacy-notice", "templates"])]
        what: String,
        /// The exclusion a warning letter or exclusion notice serves
        #[arg(long, value_name = "N")]
        exclusion: Option<i64>,
        /// The member a member agreement is for
        #[arg(long, value_name = "N")]
        member: Option<i64>,
        #[arg(long, default_value = "both", value_parser = ["pdf", "md", "both"])]
        format: String,
        /// The folder to write into (default: documents, beside the store)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// The members' bulletin, and the alerts it carries (a manager, named with --as)
    Bulletin {
        #[command(subcommand)]
        command: documents::BulletinCommand,
    },
    /// The breach log: each breach, its 72-hour ICO deadline while
    /// unreported, and what was done (a manager, named with --as)
    Breach {
        #[command(subcommand)]
        command: governance::BreachCommand,
    },
    /// The information-sharing agreements: with whom, why, on what lawful
    /// basis, and when each is reviewed (a manager, named with --as)
    Agreement {
        #[command(subcommand)]
        command: governance::AgreementCommand,
    },
    /// The DPIA and the appropriate policy document: each version approved
    /// and its review date (a manager, named with --as)
    Dpia {
        #[command(subcommand)]
        command: governance::DpiaCommand,
    },
    /// The evidence log: footage kept as exhibits and its continuity trail
    /// from the camera to whoever received it (named with --as: CCTV staff
    /// or a manager to record; anyone signed in to list and show; a manager
    /// to export)
    Evidence {
        #[command(subcommand)]
        command: evidence::EvidenceCommand,
    },
}

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "watchroom")
}

/// The platform data directory, made owner-only if it is new.
fn data_dir() -> Result<PathBuf> {
    let d = dirs()
        .context("cannot find a home directory for the store; use --db PATH")?
        .data_dir()
        .to_path_buf();
    std::fs::create_dir_all(&d).with_context(|| format!("cannot create {}", d.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700));
    }
    Ok(d)
}

fn config_dir() -> Option<PathBuf> {
    dirs().map(|d| d.config_dir().to_path_buf())
}

/// The global options every command shares, and what they lead to: the
/// store file, the config, and the manager a command acts for.
pub(crate) struct Globals {
    pub db: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub operator: Option<String>,
    pub theme: Option<String>,
}

/// A manager's command, signed in: the store, who they are, and the config.
pub(crate) struct Session {
    pub store: Store,
    pub manager: i64,
    pub config: Config,
}

impl Globals {
    /// The store file: `--db`, or watchroom.db in the platform's data directory.
    fn store_path(&self) -> Result<PathBuf> {
        Ok(match &self.db {
            Some(p) => p.clone(),
            None => data_dir()?.join("watchroom.db"),
        })
    }

    /// The store file, which must already exist: a command that reads or
    /// changes a store never makes a new, empty one by mistake.
    fn existing_store(&self) -> Result<PathBuf> {
        let path = self.store_path()?;
        if !path.exists() {
            anyhow::bail!(
                "there is no store at {}; a new scheme makes one with `watchroom init`",
                path.display()
            );
        }
        Ok(path)
    }

    fn config_path(&self) -> Option<PathBuf> {
        self.config
            .clone()
            .or_else(|| config_dir().map(|d| d.join("config.toml")))
    }

    /// The config for a command: a broken file is refused, never guessed around.
    fn config(&self) -> Result<Config> {
        let (config, warning) = self.config_lenient();
        if let Some(w) = warning {
            anyhow::bail!("{w}");
        }
        Ok(config)
    }

    /// The config, or the defaults with the reason a broken file was set aside.
    fn config_lenient(&self) -> (Config, Option<String>) {
        match &self.config_path() {
            Some(p) => Config::load(p),
            None => (Config::default(), None),
        }
    }

    /// Open the store for a manager's command: the manager named with --as
    /// signs in with their PIN, and the command needs `needs`; a refusal is
    /// audited.
    fn manager_session(&self, needs: Permission, now: DateTime<Utc>) -> Result<Session> {
        let path = self.existing_store()?;
        let config = self.config()?;
        let mut store = Store::open(&path)?;
        let manager = signed_in(&mut store, self.operator.as_deref(), needs, now)?;
        Ok(Session {
            store,
            manager,
            config,
        })
    }
}

/// Sign in the operator named with --as (PIN from the terminal or standard
/// input) and check they may do `needs`; a refusal is audited.
fn signed_in(
    store: &mut Store,
    acting: Option<&str>,
    needs: Permission,
    now: DateTime<Utc>,
) -> Result<i64> {
    use crate::domain::permission::{allowed, refusal};
    let name = acting.context("name the manager doing this with --as NAME")?;
    let pin = read_pin(&format!("PIN for {name}"))?;
    let op = store
        .sign_in(name, &pin, now)?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let role = op.role;
    if !allowed(role, needs) {
        let why = refusal(role, needs);
        store.record_refusal(op.id, &why, now)?;
        anyhow::bail!("refused: {why}");
    }
    Ok(op.id)
}

/// Read a PIN: without echo from a terminal, or a line from standard input
/// (so a script can pipe it). It is never printed or logged.
fn read_pin(prompt: &str) -> Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    if std::io::stdin().is_terminal() {
        use crossterm::event::{read, Event, KeyCode, KeyEventKind};
        eprint!("{prompt}: ");
        std::io::stderr().flush().ok();
        crossterm::terminal::enable_raw_mode()?;
        let mut pin = String::new();
        let result = loop {
            match read() {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                    KeyCode::Enter => break Ok(()),
                    KeyCode::Backspace => {
                        pin.pop();
                    }
                    KeyCode::Esc => break Err(anyhow::anyhow!("cancelled")),
                    KeyCode::Char('c')
                        if k.modifiers
                            .contains(crossterm::event::KeyModifiers::CONTROL) =>
                    {
                        break Err(anyhow::anyhow!("cancelled"))
                    }
                    KeyCode::Char(c) => pin.push(c),
                    _ => {}
                },
                Ok(_) => {}
                Err(e) => break Err(e.into()),
            }
        };
        crossterm::terminal::disable_raw_mode()?;
        eprintln!();
        result.map(|_| pin)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// A new PIN for `name`: typed twice (or two lines on standard input),
/// checked against the scheme's rule before anything is written.
fn read_new_pin(name: &str, policy: &crate::domain::pin::PinPolicy) -> Result<String> {
    let pin = read_pin(&format!("new PIN for {}", crate::domain::text::clean(name)))?;
    policy.check(&pin).map_err(anyhow::Error::msg)?;
    let again = read_pin("the same PIN again")?;
    if again != pin {
        anyhow::bail!("the two PINs differ; nothing was changed");
    }
    Ok(pin)
}

fn log_to_file(dir: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let appender = tracing_appender::rolling::never(dir, "watchroom.log");
    // readable by the owner only, like the store
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(
            dir.join("watchroom.log"),
            std::fs::Permissions::from_mode(0o600),
        );
    }
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("WATCHROOM_LOG")
        .unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Take the store key from --key-file or $WATCHROOM_KEY_FILE, before anything
/// touches a store (`demo --fresh` removes one first).
fn use_key_file(cli: &Cli) -> Result<()> {
    let file = cli.key_file.clone().or_else(|| {
        std::env::var_os("WATCHROOM_KEY_FILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let Some(file) = file else { return Ok(()) };
    if !crate::store::ENCRYPTION {
        return Err(crate::store::StoreError::NoEncryption.into());
    }
    crate::store::key::use_key(crate::store::StoreKey::from_file(&file)?)?;
    Ok(())
}

/// Take the audit trail's key from `[audit] key_file`, before anything
/// touches a store: a key file missing, empty or readable by others is
/// refused here, saying what to do.
fn use_audit_key(g: &Globals) -> Result<()> {
    let (config, _) = g.config_lenient();
    let Some(file) = config.audit.key_file else {
        return Ok(());
    };
    let key = crate::store::audit::AuditKey::from_file(&file)?;
    crate::store::audit::key::use_key(key)?;
    Ok(())
}

pub fn run() -> Result<()> {
    let cli = Cli::parse();
    use_key_file(&cli)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let log_dir = match &cli.db {
        Some(p) => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
        None => data_dir()?,
    };
    // a log never makes a folder: a mistyped --db must not leave one behind
    let _log = log_dir.is_dir().then(|| log_to_file(&log_dir)).flatten();

    let g = Globals {
        db: cli.db.clone(),
        config: cli.config.clone(),
        operator: cli.operator.clone(),
        theme: cli.theme.clone(),
    };
    use_audit_key(&g)?;
    let now = clock.now();
    match cli.command {
        None => console::console_command(&g, clock),
        Some(Commands::Init { manager }) => setup::init_command(&g, &manager, now),
        Some(Commands::Backup { out }) => backup::backup_command(&g, &out, now),
        Some(Commands::Restore { file }) => backup::restore_command(&g, &file, now),
        Some(Commands::Zone { command }) => setup::zone_command(&g, command, now),
        Some(Commands::Camera { command }) => setup::camera_command(&g, command, now),
        Some(Commands::Demo { fresh }) => console::demo_command(&g, fresh, clock),
        Some(Commands::Generate {
            incidents,
            fresh,
            radios,
            nights,
        }) => console::generate_command(&g, incidents, fresh, radios, nights, now),
        Some(Commands::Operator { command }) => operator::operator_command(&g, command, now),
        Some(Commands::Audit { command }) => audit::audit_command(&g, command, now),
        Some(Commands::Retention { dry_run: _, apply }) => {
            privacy::retention_command(&g, apply, now)
        }
        Some(Commands::Sar { who, why, out }) => privacy::sar_command(&g, &who, &why, &out, now),
        Some(Commands::Erase {
            who,
            why,
            apply,
            force,
        }) => privacy::erase_command(
            &g,
            &crate::io::erasure::EraseRequest {
                who: &who,
                why: &why,
                apply,
                force: force.as_deref(),
            },
            now,
        ),
        Some(Commands::Import {
            what,
            file,
            remove_month,
            dry_run: _,
            apply,
        }) => match (file, remove_month) {
            (_, Some(month)) => data::remove_police_month(&g, &what, &month, apply, now),
            (Some(file), None) => data::import_command(&g, &what, &file, apply, now),
            (None, None) => anyhow::bail!("name the CSV file to import"),
        },
        Some(Commands::Export {
            what,
            from,
            to,
            day,
            format,
            why,
            redact,
            out,
        }) => data::export_command(
            &g,
            data::ExportArgs {
                what,
                from,
                to,
                day,
                format,
                why,
                redact,
                out,
            },
            now,
        ),
        Some(Commands::Report {
            from,
            to,
            format,
            out,
        }) => data::report_command(&g, &from, &to, &format, out.as_deref(), now),
        Some(Commands::Ingest { socket }) => data::ingest_command(&g, socket.as_deref(), clock),
        Some(Commands::Document {
            what,
            exclusion,
            member,
            format,
            out,
        }) => documents::document_command(&g, &what, exclusion, member, &format, out, now),
        Some(Commands::Bulletin { command }) => documents::bulletin_command(&g, command, now),
        Some(Commands::Breach { command }) => governance::breach_command(&g, command, now),
        Some(Commands::Agreement { command }) => governance::agreement_command(&g, command, now),
        Some(Commands::Dpia { command }) => governance::dpia_command(&g, command, now),
        Some(Commands::Evidence { command }) => evidence::evidence_command(&g, command, now),
    }
}

#[cfg(all(test, not(feature = "encryption")))]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_given_to_a_build_without_encryption_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("store.key");
        std::fs::write(&key, "s3cret\n").unwrap();
        let cli = Cli::try_parse_from(["watchroom", "--key-file", key.to_str().unwrap(), "demo"])
            .unwrap();
        let err = use_key_file(&cli).unwrap_err().to_string();
        assert!(err.contains("rebuild with --features encryption"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
    }
}
