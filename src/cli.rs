//! The command line: the console, the demo, and the scheme's tools.

use crate::app::config::Config;
use crate::app::signin::{LockMode, LockScreen};
use crate::app::App;
use crate::domain::permission::Permission;
use crate::domain::{Clock, SystemClock};
use crate::store::{demo, Store};
use crate::ui::Themes;
use anyhow::{Context as _, Result};
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
    /// The store file (default: watchroom.db in the platform data directory)
    #[arg(long, global = true, value_name = "PATH")]
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
pub enum OperatorCommand {
    /// List operators, their roles and whether they can sign in
    List,
    /// Add an operator with a role (operator, cctv, coordinator, manager, viewer); asks for their PIN
    Add {
        name: String,
        #[arg(long, default_value = "operator")]
        role: String,
    },
    /// Stop an operator signing in (their history stays)
    Disable { name: String },
    /// Set a new PIN for an operator (and clear a lock-out)
    ResetPin { name: String },
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Manage operators (a manager, named with --as, gives their PIN first)
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
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
    /// Import members, radios or offenders from a spreadsheet's CSV, or the
    /// police's street-level crime file (a manager, named with --as)
    Import {
        /// What the file holds: members, radios, offenders or police
        #[arg(value_parser = ["members", "radios", "offenders", "police"])]
        what: String,
        /// The CSV file
        file: PathBuf,
        /// Say what would change and list every bad row, changing nothing (the default)
        #[arg(long, conflicts_with = "apply")]
        dry_run: bool,
        /// Import it in one transaction; a file with any problem changes nothing
        #[arg(long)]
        apply: bool,
    },
    /// Export a period's incidents, sightings or the register as CSV or JSON
    /// (a manager, named with --as); audited with the reason
    Export {
        /// incidents, register or sightings
        #[arg(value_parser = ["incidents", "register", "sightings"])]
        what: String,
        /// First day of the period (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: String,
        /// Last day of the period, included (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: String,
        #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
        format: String,
        /// Why (recorded in the audit trail), e.g. "police request ref 1234"
        #[arg(long)]
        why: String,
        /// Replace the names of people on the register (and their aliases) everywhere, and leave out photos
        #[arg(long)]
        redact: bool,
        /// The file to write (default: e.g. incidents-2026-11-01-to-2026-11-30.csv here)
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
        command: AuditCommand,
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
        command: BulletinCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BulletinCommand {
    /// Make the bulletin for a period (default: the seven days to yesterday)
    Make {
        /// First day of the period (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day of the period, included (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[arg(long, default_value = "both", value_parser = ["pdf", "md", "both"])]
        format: String,
        /// The folder to write into (default: documents, beside the store)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Add an alert for members ("counterfeit £20 notes in town")
    Alert {
        text: String,
        /// The first day it shows (default: today)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// The last day it shows
        #[arg(long, value_name = "DATE")]
        until: String,
    },
    /// List the alerts showing today or later
    Alerts,
    /// End an alert now
    EndAlert { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every record against its hash chain; exit 1 naming the first
    /// record edited, removed or inserted out of order
    Verify,
    /// Print the latest records, newest first
    List {
        /// How many records
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "watchroom")
}

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

/// Remove a store and its WAL companions so it can be generated again.
fn remove_store(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", p.display())),
        }
    }
    Ok(())
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
    let _log = log_to_file(&log_dir);

    let globals = Globals {
        db: cli.db.clone(),
        config: cli.config.clone(),
        operator: cli.operator.clone(),
    };
    match cli.command {
        Some(Commands::Generate {
            incidents,
            fresh,
            radios,
            nights,
        }) => {
            let path = cli
                .db
                .clone()
                .context("generate needs --db PATH (the store to write)")?;
            if fresh {
                remove_store(&path)?;
            } else if path.exists() {
                anyhow::bail!("{} exists; add --fresh to replace it", path.display());
            }
            let mut store = Store::open(&path)?;
            let now = clock.now();
            demo::build_demo(&mut store, now)?;
            eprintln!("generating {incidents} incidents into {} …", path.display());
            demo::add_bulk_incidents(&mut store, incidents, now, |n| eprint!("\r{n} "))?;
            if radios > 0 || nights > 0 {
                eprintln!("\rgenerating {nights} nights of roll-calls for {radios} radios …");
                demo::add_bulk_roll_calls(&mut store, radios, nights, now)?;
            }
            eprintln!("\rdone: {}", path.display());
            Ok(())
        }
        Some(Commands::Ingest { socket }) => {
            let path = match &cli.db {
                Some(p) => p.clone(),
                None => data_dir()?.join("watchroom.db"),
            };
            // events need the scheme's radios, members and zones: never a new, empty store
            if !path.exists() {
                anyhow::bail!("there is no store at {}", path.display());
            }
            let config_path = cli
                .config
                .clone()
                .or_else(|| config_dir().map(|d| d.join("config.toml")));
            let config = match &config_path {
                Some(p) => {
                    let (c, warning) = Config::load(p);
                    if let Some(w) = warning {
                        eprintln!("watchroom: {w}; using the default settings");
                    }
                    c
                }
                None => Config::default(),
            };
            let rules = crate::io::ingest::Rules {
                incident_types: config.incident_types,
            };
            crate::io::ingest::run(
                &path,
                cli.operator.as_deref(),
                socket.as_deref(),
                rules,
                clock,
            )
        }
        Some(Commands::Audit { command }) => {
            let path = match &cli.db {
                Some(p) => p.clone(),
                None => data_dir()?.join("watchroom.db"),
            };
            // checking a trail must not make a new, empty one
            if !path.exists() {
                anyhow::bail!("there is no store at {}", path.display());
            }
            let store = Store::open(&path)?;
            let config_path = cli
                .config
                .clone()
                .or_else(|| config_dir().map(|d| d.join("config.toml")));
            let tz = match &config_path {
                Some(p) => Config::load(p).0.tz(),
                None => Config::default().tz(),
            };
            let when = |t: chrono::DateTime<chrono::Utc>| {
                t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
            };
            match command {
                AuditCommand::Verify => {
                    let report = store.verify_audit()?;
                    if let Some(problem) = &report.problem {
                        println!("audit trail broken at {problem}");
                        drop(store);
                        std::process::exit(1);
                    }
                    let digits = report.records.to_string();
                    let mut grouped = String::new();
                    for (i, c) in digits.chars().enumerate() {
                        if i > 0 && (digits.len() - i) % 3 == 0 {
                            grouped.push(',');
                        }
                        grouped.push(c);
                    }
                    let noun = if report.records == 1 {
                        "record"
                    } else {
                        "records"
                    };
                    match &report.last {
                        Some(last) => {
                            println!(
                                "audit trail intact: {grouped} {noun}, last at {}",
                                when(last.at)
                            );
                            // an outside witness: kept elsewhere, it shows later
                            // whether the trail still reaches this record
                            println!("newest: seq {}, hash {}", last.seq, last.hash);
                        }
                        None => println!("audit trail intact: no records yet"),
                    }
                    Ok(())
                }
                AuditCommand::List { limit } => {
                    use crate::domain::text::clean;
                    // the trail says who looked at whom: a manager's, as in the console
                    drop(store);
                    let (store, _, _) = manager_session(
                        cli.db.clone(),
                        cli.operator.clone(),
                        cli.config.clone(),
                        Permission::ViewAudit,
                        clock.now(),
                    )?;
                    for r in store.recent_audit(None, limit)? {
                        let entity = match r.entity_id {
                            Some(id) => format!("{} #{id}", r.entity),
                            None => r.entity.clone(),
                        };
                        println!(
                            "{}  {:<20}  {:<8}  {:<16}  {}",
                            when(r.at),
                            clean(&r.operator),
                            clean(&r.action),
                            clean(&entity),
                            clean(&r.detail)
                        );
                    }
                    Ok(())
                }
            }
        }
        Some(Commands::Retention { dry_run: _, apply }) => {
            let (mut store, manager, config) = manager_session(
                cli.db.clone(),
                cli.operator.clone(),
                cli.config.clone(),
                Permission::RunRetention,
                clock.now(),
            )?;
            let mut out = std::io::stdout();
            let outcome = crate::io::retention::run_retention(
                &mut store,
                &config.retention,
                apply,
                manager,
                clock.now(),
                &mut out,
            )?;
            for p in &outcome.problems {
                eprintln!("watchroom: {}", crate::domain::text::clean(p));
            }
            Ok(())
        }
        Some(Commands::Import {
            what,
            file,
            dry_run: _,
            apply,
        }) => {
            use crate::io::import::{run_import, ImportKind};
            let kind = ImportKind::from_code(&what)
                .context("import members, radios, offenders or police")?;
            let (mut store, manager, _) = manager_session(
                cli.db.clone(),
                cli.operator.clone(),
                cli.config.clone(),
                Permission::Import,
                clock.now(),
            )?;
            let mut out = std::io::stdout();
            let outcome = run_import(
                &mut store,
                kind,
                &file,
                apply,
                manager,
                clock.now(),
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
        Some(Commands::Export {
            what,
            from,
            to,
            format,
            why,
            redact,
            out,
        }) => {
            use crate::io::export::{
                parse_day, run_export, ExportFormat, ExportKind, ExportRequest,
            };
            // everything that can be wrong with the request is said before the PIN is asked
            let kind =
                ExportKind::from_code(&what).context("export incidents, register or sightings")?;
            let format = ExportFormat::from_code(&format).context("--format csv or json")?;
            let (from, to) = (parse_day(&from)?, parse_day(&to)?);
            if crate::domain::text::tidy_input(&why).is_empty() {
                anyhow::bail!(
                    "say why the export is made (--why \"…\"); it is recorded in the audit trail"
                );
            }
            let (mut store, manager, config) = manager_session(
                cli.db.clone(),
                cli.operator.clone(),
                cli.config.clone(),
                Permission::Export,
                clock.now(),
            )?;
            let request = ExportRequest {
                kind,
                from,
                to,
                tz: config.tz(),
                format,
                why,
                redact,
                out,
            };
            let outcome = run_export(&mut store, &request, manager, clock.now())?;
            println!(
                "written: {} ({} rows)",
                outcome.path.display(),
                outcome.rows
            );
            if let Some(n) = &outcome.notice_path {
                println!("written: {} (what the file contains)", n.display());
            }
            Ok(())
        }
        Some(Commands::Report {
            from,
            to,
            format,
            out,
        }) => report_command(
            cli.db.clone(),
            cli.config.clone(),
            &from,
            &to,
            &format,
            out.as_deref(),
            clock.now(),
        ),
        Some(Commands::Document {
            what,
            exclusion,
            member,
            format,
            out,
        }) => document_command(
            &globals,
            &what,
            exclusion,
            member,
            &format,
            out,
            clock.now(),
        ),
        Some(Commands::Bulletin { command }) => bulletin_command(&globals, command, clock.now()),
        Some(Commands::Sar { who, why, out }) => {
            let (mut store, manager, config) = manager_session(
                cli.db.clone(),
                cli.operator.clone(),
                cli.config.clone(),
                Permission::AnswerSubjectAccess,
                clock.now(),
            )?;
            let files = crate::io::sar::run_sar(
                &mut store,
                &config.retention,
                &who,
                &out,
                manager,
                &why,
                clock.now(),
            )?;
            println!("written: {}", files.json.display());
            println!("written: {}", files.markdown.display());
            for p in &files.photos {
                println!("written: {}", p.display());
            }
            println!("{}", crate::io::sar::BEFORE_SENDING);
            Ok(())
        }
        Some(Commands::Operator { command }) => {
            operator_command(cli.db.clone(), cli.operator.clone(), command, clock.now())
        }
        Some(Commands::Demo { fresh }) => {
            let path = match &cli.db {
                Some(p) => p.clone(),
                None => data_dir()?.join("demo.db"),
            };
            if fresh {
                remove_store(&path)?;
            }
            let mut store = Store::open(&path)?;
            if demo::ensure_demo(&mut store, clock.now())? {
                add_demo_photos(&mut store, &path, clock.now())?;
            }
            let operator = store.operator_or_add(
                cli.operator.as_deref().unwrap_or(demo::DEMO_OPERATOR),
                "operator",
                clock.now(),
            )?;
            console(store, operator, &cli, clock, None)
        }
        None => {
            let path = match &cli.db {
                Some(p) => p.clone(),
                None => data_dir()?.join("watchroom.db"),
            };
            let store = Store::open(&path)?;
            // nobody is signed in until a name and PIN are given; the first
            // start of an empty store creates its manager
            let has_manager = store
                .operators()?
                .iter()
                .any(|o| o.active && o.has_pin && o.role == "manager");
            let mode = if has_manager {
                LockMode::SignIn
            } else {
                LockMode::FirstManager
            };
            let name = cli.operator.clone().unwrap_or_default();
            let nobody = crate::store::Operator {
                id: 0,
                name: String::new(),
                role: "viewer".into(),
            };
            console(
                store,
                nobody,
                &cli,
                clock,
                Some(LockScreen::new(mode, &name)),
            )
        }
    }
}

/// `watchroom report`: the figures hold counts only, no one's name, so any
/// user who can open the store file may make them (as any role may see them
/// in the console); nothing is written to the store.
fn report_command(
    db: Option<PathBuf>,
    config: Option<PathBuf>,
    from: &str,
    to: &str,
    format: &str,
    out: Option<&Path>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    use crate::domain::report::ReportPeriod;
    use crate::io::report::{render, write_file, Format};
    // a bad request is refused before any store is touched
    let period = ReportPeriod::parse(from, to).map_err(anyhow::Error::msg)?;
    let format: Format = format.parse().map_err(anyhow::Error::msg)?;
    let path = match db {
        Some(p) => p,
        None => data_dir()?.join("watchroom.db"),
    };
    // a report on a new, empty store would be all noughts: say so instead
    if !path.exists() {
        anyhow::bail!("there is no store at {}", path.display());
    }
    let config_path = config.or_else(|| config_dir().map(|d| d.join("config.toml")));
    let config = match &config_path {
        Some(p) => {
            // the time zone and ladder decide the figures: never guess them
            let (c, warning) = Config::load(p);
            if let Some(w) = warning {
                anyhow::bail!("{w}");
            }
            c
        }
        None => Config::default(),
    };
    let store = Store::open(&path)?;
    let ladder = crate::domain::exclusion::Ladder {
        stages: config.ladder.clone(),
    };
    let report = store.report(&period, config.tz(), &ladder, now)?;
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

fn doc_settings(store: &Store, config: &Config) -> crate::io::document::DocSettings {
    config.document_settings(beside_store(store.path(), "templates"))
}

use crate::io::document::beside_store;

fn print_made(made: &crate::io::document::Made) {
    use crate::domain::text::clean;
    for f in &made.files {
        println!("written: {}", clean(&f.display().to_string()));
    }
    for w in &made.warnings {
        eprintln!("note: {}", clean(w));
    }
}

/// The global options a manager's command needs.
struct Globals {
    db: Option<PathBuf>,
    config: Option<PathBuf>,
    operator: Option<String>,
}

fn document_command(
    cli: &Globals,
    what: &str,
    exclusion: Option<i64>,
    member: Option<i64>,
    format: &str,
    out: Option<PathBuf>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    use crate::domain::document::DocKind;
    use crate::io::document::{make_document, write_templates, Formats, Subject};
    if what == "templates" {
        let config = load_config(cli.config.clone())?;
        let dir = match config.templates_dir {
            Some(d) => d,
            None => beside_store(&store_path(cli.db.clone())?, "templates"),
        };
        let written = write_templates(&dir)?;
        for f in &written {
            println!("written: {}", f.display());
        }
        println!(
            "templates in {} ({} new); edit them there: placeholders are {{{{name}}}}",
            dir.display(),
            written.len()
        );
        return Ok(());
    }
    let kind = DocKind::from_code(what).context("no such document")?;
    let formats = Formats::parse(format).map_err(anyhow::Error::msg)?;
    let subject = match (exclusion, member) {
        (Some(_), Some(_)) => anyhow::bail!("give --exclusion or --member, not both"),
        (Some(e), None) => Subject::Exclusion(e),
        (None, Some(m)) => Subject::Member(m),
        (None, None) => Subject::None,
    };
    let needs = match kind {
        DocKind::MemberAgreement => Permission::ManageMembers,
        _ => Permission::ManageExclusions,
    };
    let (mut store, manager, config) = manager_session(
        cli.db.clone(),
        cli.operator.clone(),
        cli.config.clone(),
        needs,
        now,
    )?;
    let settings = doc_settings(&store, &config);
    let out = out.unwrap_or_else(|| beside_store(store.path(), "documents"));
    let made = make_document(
        &mut store, kind, subject, &settings, formats, &out, manager, now,
    )?;
    print_made(&made);
    Ok(())
}

fn bulletin_command(
    cli: &Globals,
    command: BulletinCommand,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    use crate::io::export::parse_day;
    let (mut store, manager, config) = manager_session(
        cli.db.clone(),
        cli.operator.clone(),
        cli.config.clone(),
        Permission::Export,
        now,
    )?;
    let today = now.with_timezone(&config.tz()).date_naive();
    match command {
        BulletinCommand::Make {
            from,
            to,
            format,
            out,
        } => {
            let formats =
                crate::io::document::Formats::parse(&format).map_err(anyhow::Error::msg)?;
            let to = match to {
                Some(t) => parse_day(&t)?,
                None => today.pred_opt().unwrap_or(today),
            };
            let from = match from {
                Some(f) => parse_day(&f)?,
                None => to - chrono::Duration::days(6),
            };
            if to < from {
                anyhow::bail!("the period ends ({to}) before it starts ({from})");
            }
            let settings = doc_settings(&store, &config);
            let out = out.unwrap_or_else(|| beside_store(store.path(), "documents"));
            let made = crate::io::document::make_bulletin(
                &mut store, from, to, &settings, formats, &out, manager, now,
            )?;
            print_made(&made);
        }
        BulletinCommand::Alert { text, from, until } => {
            let from = match from {
                Some(f) => parse_day(&f)?,
                None => today,
            };
            let until = parse_day(&until)?;
            let id = store.add_bulletin_alert(&text, from, until, manager, now)?;
            println!("alert {id} added: shows in bulletins from {from} to {until}");
        }
        BulletinCommand::Alerts => {
            // dates are compared as ISO text: the last four-digit year, not NaiveDate::MAX
            let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date");
            let alerts = store.bulletin_alerts(today, last)?;
            if alerts.is_empty() {
                println!("no alerts showing today or later");
            }
            for a in alerts {
                println!(
                    "{:>4}  {} to {}  {}",
                    a.id,
                    a.from_on,
                    a.until_on,
                    crate::domain::text::clean(&a.text)
                );
            }
        }
        BulletinCommand::EndAlert { id } => {
            store.end_bulletin_alert(id, manager, now, today)?;
            println!("alert {id} ended");
        }
    }
    Ok(())
}

/// The store file: `--db`, or the platform's data directory.
fn store_path(db: Option<PathBuf>) -> Result<PathBuf> {
    Ok(match db {
        Some(p) => p,
        None => data_dir()?.join("watchroom.db"),
    })
}

/// The config for a command: a broken file is refused, never guessed around.
fn load_config(config: Option<PathBuf>) -> Result<Config> {
    let config_path = config.or_else(|| config_dir().map(|d| d.join("config.toml")));
    Ok(match &config_path {
        Some(p) => {
            let (c, warning) = Config::load(p);
            if let Some(w) = warning {
                anyhow::bail!("{w}");
            }
            c
        }
        None => Config::default(),
    })
}

/// Open the store for a manager's command: the manager named with --as signs
/// in with their PIN, and the command needs `needs`; a refusal is audited.
fn manager_session(
    db: Option<PathBuf>,
    acting: Option<String>,
    config: Option<PathBuf>,
    needs: Permission,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Store, i64, Config)> {
    use crate::domain::permission::{allowed, refusal, Role};
    let path = store_path(db)?;
    let config = load_config(config)?;
    let mut store = Store::open(&path)?;
    let name = acting.context("name the manager doing this with --as NAME")?;
    let pin = read_pin(&format!("PIN for {name}"))?;
    let op = store
        .sign_in(&name, &pin, now)?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let role = Role::from_code(&op.role).unwrap_or(Role::Viewer);
    if !allowed(role, needs) {
        let why = refusal(role, needs);
        store.record_refusal(op.id, &why, now)?;
        anyhow::bail!("refused: {why}");
    }
    Ok((store, op.id, config))
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

fn operator_command(
    db: Option<PathBuf>,
    acting: Option<String>,
    command: OperatorCommand,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    use crate::domain::permission::{allowed, Permission, Role};
    let path = match db {
        Some(p) => p,
        None => data_dir()?.join("watchroom.db"),
    };
    let mut store = Store::open(&path)?;
    let operators = store.operators()?;
    let empty = !operators
        .iter()
        .any(|o| o.active && o.has_pin && o.role == "manager");
    // the first manager of an empty store needs no one's say-so; after that, a manager signs in
    let manager = if empty {
        None
    } else {
        let name = acting.context("name the manager doing this with --as NAME")?;
        let pin = read_pin(&format!("PIN for {name}"))?;
        let op = store
            .sign_in(&name, &pin, now)?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let role = Role::from_code(&op.role).unwrap_or(Role::Viewer);
        if !allowed(role, Permission::ManageOperators) {
            let why = crate::domain::permission::refusal(role, Permission::ManageOperators);
            store.record_refusal(op.id, &why, now)?;
            anyhow::bail!("refused: {why}");
        }
        Some(op)
    };
    let by = manager.as_ref().map(|m| m.id);
    match command {
        OperatorCommand::List => {
            for o in store.operators()? {
                println!(
                    "{:<24} {:<12} {}{}",
                    crate::domain::text::clean(&o.name),
                    o.role,
                    if o.active { "" } else { "disabled " },
                    if o.has_pin { "" } else { "no PIN yet" }
                );
            }
        }
        OperatorCommand::Add { name, role } => {
            if empty && role != "manager" {
                anyhow::bail!("this store has no manager yet: add one first (--role manager)");
            }
            let pin = read_pin(&format!("new PIN for {name}"))?;
            crate::store::operators::check_pin(&pin).map_err(|e| anyhow::anyhow!(e))?;
            let op = store.add_operator(&name, &role, by, now)?;
            store.set_pin(op.id, &pin, by.or(Some(op.id)), now)?;
            println!(
                "added {} ({})",
                crate::domain::text::clean(&op.name),
                op.role
            );
        }
        OperatorCommand::Disable { name } => {
            store.disable_operator(&name, by, now)?;
            println!(
                "{} can no longer sign in",
                crate::domain::text::clean(&name)
            );
        }
        OperatorCommand::ResetPin { name } => {
            let op = store
                .operator_by_name(&name)?
                .with_context(|| format!("no active operator called {name}"))?;
            let pin = read_pin(&format!("new PIN for {name}"))?;
            store.set_pin(op.id, &pin, by, now)?;
            println!("PIN reset for {}", crate::domain::text::clean(&op.name));
        }
    }
    Ok(())
}

/// Synthetic CCTV stills for the demo's ID-sought records and some known
/// people, written beside the demo store: no real person's image is shipped.
fn add_demo_photos(store: &mut Store, db: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("demo-photos");
    let operator = store.operator_or_add(demo::DEMO_OPERATOR, "operator", now)?;
    for entry in store.search_entries(now)? {
        let photographed =
            entry.kind == crate::domain::offender::OffenderKind::IdSought || entry.id % 3 == 0;
        if !photographed {
            continue;
        }
        let file = dir.join(format!("offender-{}.png", entry.id));
        crate::io::stills::write_still(&file, entry.id as u64)
            .with_context(|| format!("cannot write {}", file.display()))?;
        store.set_offender_photo(entry.id, &file.to_string_lossy(), operator.id, now)?;
    }
    Ok(())
}

fn console(
    store: Store,
    operator: crate::store::Operator,
    cli: &Cli,
    clock: Arc<dyn Clock>,
    lock: Option<LockScreen>,
) -> Result<()> {
    let config_path = cli
        .config
        .clone()
        .or_else(|| config_dir().map(|d| d.join("config.toml")));
    let (config, config_warning) = match &config_path {
        Some(p) => Config::load(p),
        None => (Config::default(), None),
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let user_themes = config_dir().map(|d| d.join("themes"));
    let (themes, theme_warnings) = Themes::load(user_themes.as_deref(), no_color);
    let mut warnings: Vec<String> = config_warning.into_iter().chain(theme_warnings).collect();
    let wanted = cli.theme.clone().unwrap_or_else(|| config.theme.clone());
    let theme = if themes.get(&wanted).is_some() {
        wanted
    } else {
        warnings.push(format!("no theme called “{wanted}”; using default"));
        "default".to_string()
    };
    let mut app = App::new(store, clock, config, operator, theme, themes.names())?;
    app.lock = lock;
    if !warnings.is_empty() {
        app.warn(warnings.join(" · "));
    }

    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!("the console needs a terminal (stdin and stdout must be a terminal)");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    // ratatui::init installs a panic hook that restores the terminal first
    let mut terminal = ratatui::init();
    // crossterm installs its resize handler on the first poll; do it before any resize can land
    let _ = crossterm::event::poll(std::time::Duration::ZERO);
    // ask the terminal what images it can show, briefly, before any key is read
    let mut photos = if std::env::var_os("NO_GRAPHICS").is_some() {
        crate::ui::widgets::photo::Photos::half_blocks()
    } else {
        crate::ui::widgets::photo::Photos::detect(std::time::Duration::from_millis(200))
    };
    tracing::info!(protocol = photos.protocol_name(), "photos");
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    let result = runtime.block_on(crate::app::runtime::run(
        &mut app,
        &mut terminal,
        |f, app| crate::ui::draw_with(f, app, &themes, Some(&mut photos)),
    ));
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    result
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
