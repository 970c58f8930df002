//! The console itself, the demo town, and the benchmark store generator.

use super::{config_dir, data_dir, Globals};
use crate::app::signin::{LockMode, LockScreen};
use crate::app::App;
use crate::domain::Clock;
use crate::store::{demo, Store};
use crate::ui::Themes;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// `watchroom`: the console, opening on the sign-in screen. Nobody is signed
/// in until a name and PIN are given; only a store that has never had an
/// operator offers to create its first manager.
pub(super) fn console_command(g: &Globals, clock: Arc<dyn Clock>) -> Result<()> {
    let path = g.store_path()?;
    // held while the console runs: a restore waits for it to close
    let _in_use = crate::store::backup::mark_in_use(&path)?;
    let store = Store::open(&path)?;
    let operators = store.operators()?;
    let mode = if operators.is_empty() {
        LockMode::FirstManager
    } else {
        LockMode::SignIn
    };
    let name = g.operator.clone().unwrap_or_default();
    let nobody = crate::store::Operator {
        id: 0,
        name: String::new(),
        role: crate::domain::permission::Role::Viewer,
    };
    let mut lock = LockScreen::new(mode, &name);
    if !operators.is_empty() && !store.has_manager()? {
        lock.notice = Some(
            "this store has no manager who can sign in: the owner of the store file runs `watchroom operator recover NAME`".into(),
        );
    }
    console(store, nobody, g, clock, Some(lock))
}

/// `watchroom demo`: the demo town, generated on first use. It opens only a
/// demo store: anything else is refused before a byte of it is touched.
pub(super) fn demo_command(g: &Globals, fresh: bool, clock: Arc<dyn Clock>) -> Result<()> {
    use crate::store::meta::{inspect, Found, StoreKind};
    let path = match &g.db {
        Some(p) => p.clone(),
        None => data_dir()?.join("demo.db"),
    };
    match inspect(&path, crate::store::key::start_key())? {
        Found::Is(StoreKind::Scheme) => {
            return Err(crate::store::StoreError::NotDemo { path }.into());
        }
        Found::Is(StoreKind::Demo) if fresh => remove_store(&path)?,
        Found::Missing | Found::Empty | Found::Is(StoreKind::Demo) => {}
    }
    let now = clock.now();
    let _in_use = crate::store::backup::mark_in_use(&path)?;
    let mut store = Store::open(&path)?;
    if demo::ensure_demo(&mut store, now)? {
        add_demo_photos(&mut store, now)?;
    }
    let operator = store.operator_or_add(
        g.operator.as_deref().unwrap_or(demo::DEMO_OPERATOR),
        "operator",
        now,
    )?;
    // the demo's operators sign in without a PIN; it is still recorded
    store.record_demo_sign_in(operator.id, now)?;
    console(store, operator, g, clock, None)
}

/// `watchroom generate`: the demo town plus a large synthetic history.
pub(super) fn generate_command(
    g: &Globals,
    incidents: u64,
    fresh: bool,
    radios: usize,
    nights: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    let path =
        g.db.clone()
            .context("generate needs --db PATH (the store to write)")?;
    if fresh {
        remove_store(&path)?;
    } else if path.exists() {
        anyhow::bail!("{} exists; add --fresh to replace it", path.display());
    }
    let mut store = Store::open(&path)?;
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

/// Synthetic CCTV stills for the demo's ID-sought records and some known
/// people, put into the demo store's photo folder as any photo is: no real
/// person's image is shipped.
fn add_demo_photos(store: &mut Store, now: DateTime<Utc>) -> Result<()> {
    let operator = store.operator_or_add(demo::DEMO_OPERATOR, "operator", now)?;
    for entry in store.search_entries(now)? {
        let photographed =
            entry.kind == crate::domain::offender::OffenderKind::IdSought || entry.id % 3 == 0;
        if !photographed {
            continue;
        }
        let still = crate::io::stills::png(entry.id as u64)
            .with_context(|| format!("cannot draw the demo's still for record {}", entry.id))?;
        store.set_offender_photo_bytes(entry.id, &still, operator.id, now)?;
    }
    Ok(())
}

/// Run the console on `store` until it quits, restoring the terminal on
/// every way out.
fn console(
    store: Store,
    operator: crate::store::Operator,
    g: &Globals,
    clock: Arc<dyn Clock>,
    lock: Option<LockScreen>,
) -> Result<()> {
    let (config, config_warning) = g.config_lenient();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let user_themes = config_dir().map(|d| d.join("themes"));
    let (themes, theme_warnings) = Themes::load(user_themes.as_deref(), no_color);
    let mut warnings: Vec<String> = config_warning.into_iter().chain(theme_warnings).collect();
    let wanted = g.theme.clone().unwrap_or_else(|| config.theme.clone());
    let theme = if themes.get(&wanted).is_some() {
        wanted
    } else {
        warnings.push(format!("no theme called “{wanted}”; using default"));
        "default".to_string()
    };
    let mut app = App::new(store, clock, config, operator, theme, themes.names())?;
    app.lock = lock;
    warnings.extend(app.ladder_problem());
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
    let photos = if std::env::var_os("NO_GRAPHICS").is_some() {
        crate::ui::widgets::photo::Photos::half_blocks()
    } else {
        crate::ui::widgets::photo::Photos::detect(std::time::Duration::from_millis(200))
    };
    tracing::info!(protocol = photos.protocol_name(), "photos");
    // photos are decoded on a thread of their own, which wakes the loop when one is ready
    let events = crate::app::runtime::Events::new();
    let mut photos = photos.waking(events.photo_ready());
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    let result = runtime.block_on(crate::app::runtime::run(
        &mut app,
        &mut terminal,
        events,
        |f, app| crate::ui::draw_with(f, app, &themes, Some(&mut photos)),
    ));
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    // said once the terminal is back, and an exit status of 1: what was
    // done after the store went, the sign-out included, was not recorded
    match (&result, &app.store_gone) {
        (Ok(()), Some(gone)) => anyhow::bail!(
            "{gone} while the console had it open: nothing was saved after that, and the sign-out was not recorded — {}",
            gone.advice()
        ),
        _ => result,
    }
}
