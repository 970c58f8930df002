//! The event loop: terminal input, a clock tick, other consoles' commits (and
//! the store's file gone from its path) and signals merge into one channel;
//! the loop drains it, applies each event, and draws only when something
//! changed.

use super::{App, Event};
use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use ratatui::{DefaultTerminal, Frame};
use std::io::Write;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// How often another console's commit (and the store's file) is looked for
/// when nothing wakes the console sooner (the `[sync] poll_ms` default).
pub const WATCH_EVERY: Duration = Duration::from_millis(200);
const TICK_EVERY: Duration = Duration::from_secs(1);
/// The shortest time between two frames: under a burst of changes a console
/// draws at most this often (about 60 a second) and never falls behind.
pub const FRAME_EVERY: Duration = Duration::from_millis(16);

/// When the next frame may be drawn: at once after a quiet spell (a key
/// press is drawn without waiting), else no sooner than [`FRAME_EVERY`]
/// after the last.
#[derive(Debug, Default, Clone, Copy)]
pub struct Pacer {
    last: Option<std::time::Instant>,
}

impl Pacer {
    /// The instant the next frame may be drawn (now or in the past: at once).
    pub fn due(&self) -> Option<std::time::Instant> {
        self.last.map(|t| t + FRAME_EVERY)
    }

    /// Whether a frame may be drawn at `now`.
    pub fn may_draw(&self, now: std::time::Instant) -> bool {
        self.due().is_none_or(|due| now >= due)
    }

    /// A frame was drawn at `now`.
    pub fn drew(&mut self, now: std::time::Instant) {
        self.last = Some(now);
    }
}

/// Apply a turn's events: all of them, with other consoles' commits read
/// once, after the rest (however many wake-ups came together, one reload
/// sees everything committed before it).
pub fn apply_turn(app: &mut App, first: Event, rest: impl FnMut() -> Option<Event>) {
    let mut rest = rest;
    let mut changed = false;
    let mut next = Some(first);
    while let Some(ev) = next.take() {
        match ev {
            Event::StoreChanged => changed = true,
            ev => app.handle_event(ev),
        }
        if app.quit {
            return;
        }
        next = rest();
    }
    if changed {
        app.handle_event(Event::StoreChanged);
    }
}

/// The loop's one channel, made before the loop so that what is set up first (the photo
/// widget's decoding thread, which the ui owns) can wake it.
pub struct Events {
    tx: UnboundedSender<Event>,
    rx: UnboundedReceiver<Event>,
}

impl Default for Events {
    fn default() -> Events {
        let (tx, rx) = unbounded_channel();
        Events { tx, rx }
    }
}

impl Events {
    pub fn new() -> Events {
        Events::default()
    }

    /// Posts [`Event::PhotoReady`], from any thread; once the loop has gone it does nothing.
    pub fn photo_ready(&self) -> impl Fn() + Send + Sync + 'static {
        let tx = self.tx.clone();
        move || {
            let _ = tx.send(Event::PhotoReady);
        }
    }
}

fn terminal_events(tx: UnboundedSender<Event>) {
    tokio::spawn(async move {
        let mut stream = EventStream::new();
        while let Some(ev) = stream.next().await {
            let ev = match ev {
                Ok(TermEvent::Key(k)) => Event::Key(k),
                Ok(TermEvent::Paste(s)) => Event::Paste(s),
                Ok(TermEvent::Resize(w, h)) => Event::Resize(w, h),
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "terminal input failed");
                    Event::Signal("input closed")
                }
            };
            if tx.send(ev).is_err() {
                return;
            }
        }
        let _ = tx.send(Event::Signal("input closed"));
    });
}

fn ticks(tx: UnboundedSender<Event>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TICK_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            every.tick().await;
            if tx.send(Event::Tick).is_err() {
                return;
            }
        }
    });
}

fn signals(tx: UnboundedSender<Event>) {
    use tokio::signal::unix::{signal, SignalKind};
    for (kind, name) in [
        (SignalKind::hangup(), "SIGHUP"),
        (SignalKind::terminate(), "SIGTERM"),
        (SignalKind::interrupt(), "SIGINT"),
    ] {
        let tx = tx.clone();
        match signal(kind) {
            Ok(mut s) => {
                tokio::spawn(async move {
                    if s.recv().await.is_some() {
                        let _ = tx.send(Event::Signal(name));
                    }
                });
            }
            Err(e) => tracing::warn!(error = %e, name, "cannot listen for signal"),
        }
    }
}

/// Show a desktop notification off the drawing path: a notification service
/// that accepts and never answers must not hang the console.
fn notify(notice: super::hits::Notice, tx: UnboundedSender<Event>) {
    tokio::spawn(async move {
        let shown = tokio::time::timeout(
            Duration::from_secs(3),
            notify_rust::Notification::new()
                .appname("watchroom")
                .summary(&notice.summary)
                .body(&notice.body)
                .show_async(),
        )
        .await;
        let trouble = match shown {
            Ok(Ok(_)) => return,
            Ok(Err(e)) => e.to_string(),
            Err(_) => "the notification service did not answer".to_string(),
        };
        tracing::warn!(%trouble, "desktop notification");
        let _ = tx.send(Event::NotifyFailed(trouble));
    });
}

/// How soon after start, and how often after that, a console looks whether
/// a scheduled backup is due (the store says whether it is, and who takes it).
const BACKUP_FIRST: Duration = Duration::from_secs(2);
const BACKUP_EVERY: Duration = Duration::from_secs(60);

/// Take scheduled backups off the drawing path: each on a blocking thread
/// with connections of its own, its outcome posted back as an event. None
/// once the console's store has gone from its path: opening the path then
/// would make a new, empty store there, back that up and prune real backups.
fn scheduled_backups(
    store: std::path::PathBuf,
    files: crate::store::StoreFiles,
    schedule: crate::store::backup::Schedule,
    tx: UnboundedSender<Event>,
) {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + BACKUP_FIRST;
        let mut every = tokio::time::interval_at(start, BACKUP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            every.tick().await;
            if files.gone().is_some() {
                continue;
            }
            let (store, schedule) = (store.clone(), schedule.clone());
            let done = tokio::task::spawn_blocking(move || {
                crate::store::backup::run_schedule(
                    &store,
                    crate::store::key::start_key(),
                    &schedule,
                    chrono::Utc::now(),
                )
            })
            .await;
            let event = match done {
                Ok(Ok(None)) => continue,
                Ok(Ok(Some(b))) => Event::Backup(Ok(crate::store::backup::describe_scheduled(&b))),
                Ok(Err(e)) => Event::Backup(Err(e.to_string())),
                Err(e) => Event::Backup(Err(e.to_string())),
            };
            if tx.send(event).is_err() {
                return;
            }
        }
    });
}

/// Run the console until it quits, reading `events`. `draw` is the ui's frame function.
///
/// However the loop ends (a quit, the terminal failing, a panic), a signed-in
/// operator's sign-out is recorded before this returns or the panic goes on.
pub async fn run(
    app: &mut App,
    terminal: &mut DefaultTerminal,
    events: Events,
    draw: impl FnMut(&mut Frame, &App),
) -> anyhow::Result<()> {
    use futures::FutureExt;
    let outcome = std::panic::AssertUnwindSafe(event_loop(app, terminal, events, draw))
        .catch_unwind()
        .await;
    match outcome {
        Ok(Ok(())) => {
            app.close_console("console closed");
            Ok(())
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the console stopped");
            app.close_console("the terminal failed");
            Err(e)
        }
        Err(panic) => {
            app.close_console("the console failed");
            std::panic::resume_unwind(panic)
        }
    }
}

/// Draw one frame inside the terminal's synchronized update: a terminal that
/// knows it shows the frame whole, never half-drawn (over a slow SSH link);
/// one that does not ignores the two sequences.
fn draw_synced(
    terminal: &mut DefaultTerminal,
    draw: impl FnOnce(&mut Frame),
) -> std::io::Result<()> {
    use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(draw).map(|_| ());
    // ended even when the frame failed, so the terminal is not left holding output
    crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    drawn
}

async fn event_loop(
    app: &mut App,
    terminal: &mut DefaultTerminal,
    events: Events,
    mut draw: impl FnMut(&mut Frame, &App),
) -> anyhow::Result<()> {
    let Events { tx, mut rx } = events;
    terminal_events(tx.clone());
    ticks(tx.clone());
    signals(tx.clone());
    let notify_tx = tx.clone();
    if let Some(schedule) = app.backup_schedule() {
        scheduled_backups(
            app.store.path().to_path_buf(),
            app.store.files().clone(),
            schedule,
            tx.clone(),
        );
    }
    // the worker's own connection: the store is open, so this never makes one
    let worker_tx = tx.clone();
    let worker = super::work::spawn(crate::store::Store::open(app.store.path())?, move |done| {
        worker_tx.send(Event::Worked(done)).is_ok()
    })?;
    let watch_tx = tx.clone();
    let waking = crate::store::watch::spawn(&app.store, app.config.sync.watch(), move |notice| {
        use crate::store::watch::Notice;
        let event = match notice {
            Notice::Changed => Event::StoreChanged,
            Notice::Gone(gone) => Event::StoreGone(gone),
            Notice::Since(now) => Event::StoreSince(now),
            Notice::Failed(why) => Event::SyncFailed(why),
            Notice::Resumed => Event::SyncResumed,
        };
        watch_tx.send(event).is_ok()
    })?;
    tracing::info!(store = %app.store.path().display(), "{}", waking.waking);
    drop(tx);

    let size = terminal.size()?;
    app.handle_event(Event::Resize(size.width, size.height));
    // signed in already (the demo): open where this role works, now the size is known
    if app.lock.is_none() {
        app.open_home();
    }
    draw_synced(terminal, |f| draw(f, app))?;
    app.dirty = false;
    let mut pacer = Pacer::default();
    pacer.drew(std::time::Instant::now());

    while !app.quit {
        // a frame held back by the pacer is drawn when it falls due, or
        // sooner with whatever else has arrived by then
        let first = match pacer.due().filter(|_| app.dirty) {
            Some(due) => tokio::select! {
                ev = rx.recv() => match ev { Some(ev) => Some(ev), None => break },
                _ = tokio::time::sleep_until(due.into()) => None,
            },
            None => match rx.recv().await {
                Some(ev) => Some(ev),
                None => break,
            },
        };
        // apply everything already waiting before drawing once
        if let Some(first) = first {
            apply_turn(app, first, || rx.try_recv().ok());
        }
        // hand the worker what the events asked for before drawing, so it starts now
        for job in app.work.take() {
            if worker.send(job).is_err() {
                anyhow::bail!("the store worker stopped");
            }
        }
        let now = std::time::Instant::now();
        if app.dirty && !app.quit && pacer.may_draw(now) {
            draw_synced(terminal, |f| draw(f, app))?;
            app.dirty = false;
            pacer.drew(now);
        }
        // looked at on every turn (a tick a second at least): a bell held
        // back by the gap rings when the gap is over
        if !app.quit && app.take_bell() {
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x07");
            let _ = out.flush();
        }
        for notice in std::mem::take(&mut app.notices) {
            if app.notify_trouble.is_none() {
                notify(notice, notify_tx.clone());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_after_a_quiet_spell_is_drawn_at_once_and_the_next_waits_its_turn() {
        let mut pacer = Pacer::default();
        let t0 = std::time::Instant::now();
        assert!(pacer.may_draw(t0), "the first frame");
        pacer.drew(t0);
        assert!(!pacer.may_draw(t0 + Duration::from_millis(5)));
        assert_eq!(pacer.due(), Some(t0 + FRAME_EVERY));
        assert!(pacer.may_draw(t0 + FRAME_EVERY));
        assert!(
            pacer.may_draw(t0 + Duration::from_secs(3)),
            "after a quiet spell"
        );
    }

    #[test]
    fn a_photo_ready_reaches_the_loop_from_another_thread_until_the_loop_goes() {
        let mut events = Events::new();
        let wake = events.photo_ready();
        std::thread::scope(|s| {
            s.spawn(&wake);
        });
        assert!(matches!(events.rx.try_recv(), Ok(Event::PhotoReady)));
        assert!(events.rx.try_recv().is_err());
        drop(events);
        wake(); // the loop has gone: nothing to wake, and no panic
    }
}
