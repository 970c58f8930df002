//! The store worker: what can take more than a few milliseconds on a large
//! store (the committee report, a board filter that reads every row's text,
//! the audit trail and the retention review, the register's search index,
//! a PDF notice, argon2 at sign-in) runs on a
//! thread of its own with a connection of its own, never on the loop that
//! reads keys and draws. The console queues a [`Job`] with a ticket; the
//! runtime hands it to the worker; the worker posts the [`Done`] back into the
//! one event channel. Only the newest ticket of each [`Purpose`] is applied: a
//! result that arrives after the operator has moved on is dropped.

use crate::domain::document::DocKind;
use crate::domain::exclusion::Ladder;
use crate::domain::member::MonthCount;
use crate::domain::pin::PinPolicy;
use crate::domain::radio_health::{radio_nights, zone_weeks_of, RadioNights, ZoneWeeks};
use crate::domain::report::{Report, ReportPeriod};
use crate::domain::retention::{DueItem, RetentionRules};
use crate::domain::search::{activity_moves, OffenderIndex, SearchEntry};
use crate::domain::IncidentFilter;
use crate::io::document::{DocSettings, Formats, Placed, Subject};
use crate::store::audit::AuditQuery;
use crate::store::members::{MemberRow, TrainingRecord};
use crate::store::operators::{first_manager_pin, PinCheck, SignInError};
use crate::store::search::{RegisterMark, RegisterRead};
use crate::store::{Anchor, AuditRecord, BoardRow, Store};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What a job is for: a newer job of the same purpose supersedes an older one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    Report,
    Notice,
    SignIn,
    Board,
    Activity,
    Members,
    Register,
    RadioHealth,
    Stale,
}

impl Purpose {
    /// Whether a job of this purpose only reads, so one waiting behind a
    /// newer job of its purpose can be skipped (its result would be dropped
    /// anyway). A notice or a sign-in is never skipped: it does something.
    fn skippable(self) -> bool {
        matches!(
            self,
            Purpose::Report
                | Purpose::Board
                | Purpose::Activity
                | Purpose::Members
                | Purpose::Register
                | Purpose::RadioHealth
                | Purpose::Stale
        )
    }
}

/// Work for the store worker, with everything it needs (it sees no `App`).
#[derive(Debug, Clone)]
pub enum Job {
    /// The reports pane's figures.
    Report {
        period: ReportPeriod,
        tz: chrono_tz::Tz,
        ladder: Ladder,
        police: crate::domain::police::PoliceRules,
        now: DateTime<Utc>,
    },
    /// `N` on a profile: the letter or notice for an exclusion, PDF and Markdown.
    Notice {
        kind: DocKind,
        exclusion: i64,
        settings: Box<DocSettings>,
        out: PathBuf,
        operator: i64,
        now: DateTime<Utc>,
    },
    /// A PIN checked at the sign-in or lock screen (argon2: tens of milliseconds).
    SignIn {
        name: String,
        pin: Pin,
        now: DateTime<Utc>,
    },
    /// Board rows (and, if asked, the count) under a filter that reads
    /// every row's text: a whole window (the last page instead if past the
    /// end), or the rows past the window's edge.
    Board {
        filter: IncidentFilter,
        anchor: Anchor,
        limit: usize,
        whole: bool,
        count_cap: Option<u64>,
    },
    /// The activity pane's audit records under a manager's filter (words
    /// in it are a scan of the whole trail, a record per change).
    Audit { query: AuditQuery, limit: usize },
    /// The retention review: what the rules say is due now.
    Retention {
        rules: RetentionRules,
        now: DateTime<Utc>,
    },
    /// The members pane: every member with its figures, the training
    /// records, and membership month by month.
    Members {
        now: DateTime<Utc>,
        today: NaiveDate,
        months: u32,
    },
    /// The register's changes since the console's search index last read
    /// it, made ready to apply (or the index built afresh, which takes a
    /// good part of a second on a register of 100,000).
    Register {
        mark: RegisterMark,
        /// How many entries the console's index holds.
        len: usize,
        /// The activity figures the console's index holds.
        figures: Figures,
        now: DateTime<Utc>,
    },
    /// Every radio's answers over the last `window` real roll-calls, and
    /// coverage by zone over them: the radio pane's marks and flags; and
    /// each radio's last 90 nights and each zone's last twelve weeks up to
    /// `now`'s night in `tz`: the inventory's sparklines and trends.
    RadioHealth {
        window: usize,
        now: DateTime<Utc>,
        tz: chrono_tz::Tz,
    },
    /// When each live incident was last changed (thousands on a large
    /// store, each looked up), for the stale count.
    Stale,
    /// The first manager of an empty store, made at the sign-in screen.
    FirstManager {
        name: String,
        pin: Pin,
        policy: PinPolicy,
        now: DateTime<Utc>,
    },
}

/// A PIN on its way to be checked: never shown by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(pub String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

impl Job {
    pub fn purpose(&self) -> Purpose {
        match self {
            Job::Report { .. } => Purpose::Report,
            Job::Notice { .. } => Purpose::Notice,
            Job::SignIn { .. } | Job::FirstManager { .. } => Purpose::SignIn,
            Job::Board { .. } => Purpose::Board,
            Job::Audit { .. } | Job::Retention { .. } => Purpose::Activity,
            Job::Members { .. } => Purpose::Members,
            Job::Register { .. } => Purpose::Register,
            Job::RadioHealth { .. } => Purpose::RadioHealth,
            Job::Stale => Purpose::Stale,
        }
    }

    /// Do it, on the worker's own connection.
    pub fn run(self, store: &mut Store) -> Outcome {
        match self {
            Job::Report {
                period,
                tz,
                ladder,
                police,
                now,
            } => Outcome::Report {
                period,
                report: store
                    .report_with(&period, tz, &ladder, &police, now)
                    .map(Box::new)
                    .map_err(|e| e.to_string()),
            },
            Job::Notice {
                kind,
                exclusion,
                settings,
                out,
                operator,
                now,
            } => {
                let both = Formats {
                    pdf: true,
                    markdown: true,
                };
                // the files made here; their record is the console's to
                // write, on its own connection
                let placed = crate::io::document::place_document(
                    store,
                    kind,
                    Subject::Exclusion(exclusion),
                    &settings,
                    both,
                    &out,
                    now,
                );
                Outcome::Notice {
                    kind,
                    exclusion,
                    placed: placed.map(Box::new).map_err(|e| e.to_string()),
                    operator,
                    now,
                }
            }
            // only the PIN checked here: the console writes what came of it
            // on its own connection, so its screen is not reloaded for it
            Job::SignIn { name, pin, now } => Outcome::PinChecked {
                check: store.check_pin(&name, &pin.0).map_err(|e| e.to_string()),
                name,
                pin,
                now,
            },
            Job::Board {
                filter,
                anchor,
                limit,
                whole,
                count_cap,
            } => Outcome::Board {
                rows: if whole {
                    store.board_page(&filter, anchor, limit)
                } else {
                    store.board_window(&filter, anchor, limit)
                }
                .map_err(|e| e.to_string()),
                count: count_cap.map(|cap| {
                    store
                        .count_incidents(&filter, cap)
                        .map_err(|e| e.to_string())
                }),
            },
            Job::Audit { query, limit } => Outcome::Audit(
                store
                    .audit_filtered(&query, limit)
                    .map_err(|e| e.to_string()),
            ),
            Job::Retention { rules, now } => {
                Outcome::Retention(store.retention_due(&rules, now).map_err(|e| e.to_string()))
            }
            Job::Members { now, today, months } => Outcome::Members(
                (|| -> crate::store::Result<MembersRead> {
                    Ok(MembersRead {
                        rows: store.member_rows(now)?,
                        training: store.training_records()?,
                        months: store.membership_by_month(today, months)?,
                        today,
                    })
                })()
                .map_err(|e| e.to_string()),
            ),
            Job::Register {
                mark,
                len,
                figures,
                now,
            } => Outcome::Register(
                register_update(store, mark, len, &figures, now).map_err(|e| e.to_string()),
            ),
            Job::Stale => Outcome::Stale(store.live_changed_times().map_err(|e| e.to_string())),
            Job::RadioHealth { window, now, tz } => Outcome::RadioHealth(
                radio_health(store, window, now, tz).map_err(|e| e.to_string()),
            ),
            Job::FirstManager {
                name,
                pin,
                policy,
                now,
            } => Outcome::FirstManagerPin {
                name,
                hash: first_manager_pin(&pin.0, &policy).map_err(|e| e.to_string()),
                now,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoticeMade {
    pub file: Option<PathBuf>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SignInFailure {
    Refused(SignInError),
    Store(String),
}

/// What a job came to, posted back to the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Report {
        period: ReportPeriod,
        report: Result<Box<Report>, String>,
    },
    /// A notice's files made, for the console to record.
    Notice {
        kind: DocKind,
        exclusion: i64,
        placed: Result<Box<Placed>, String>,
        operator: i64,
        now: DateTime<Utc>,
    },
    /// A PIN checked for a sign-in, for the console to record.
    PinChecked {
        name: String,
        pin: Pin,
        check: Result<PinCheck, String>,
        now: DateTime<Utc>,
    },
    /// A first manager's PIN checked and hashed, for the console to make.
    FirstManagerPin {
        name: String,
        hash: Result<String, String>,
        now: DateTime<Utc>,
    },
    Board {
        rows: Result<Vec<BoardRow>, String>,
        count: Option<Result<u64, String>>,
    },
    Audit(Result<Vec<AuditRecord>, String>),
    Retention(Result<Vec<DueItem>, String>),
    Members(Result<MembersRead, String>),
    Register(Result<RegisterUpdate, String>),
    RadioHealth(Result<RadioHealthRead, String>),
    Stale(Result<Vec<(DateTime<Utc>, i64)>, String>),
}

/// The radios' answers over the last roll-calls, by radio, oldest first;
/// and per zone the share loud and clear, over how many answers. Then each
/// radio's last 90 nights summed up, and each zone's weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct RadioHealthRead {
    pub answers: HashMap<i64, Vec<crate::domain::rollcall::Answer>>,
    pub coverage: Vec<(String, f64, usize)>,
    pub nights: HashMap<i64, RadioNights>,
    pub zones: Vec<ZoneWeeks>,
}

/// The whole of [`Job::RadioHealth`]: the reads, and the nights summed up
/// here rather than on the console.
pub fn radio_health(
    store: &Store,
    window: usize,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> crate::store::Result<RadioHealthRead> {
    // the 90 nights read once, for the radios and their zones both
    let (tonight, by_radio) = store.radio_nights(now, tz)?;
    Ok(RadioHealthRead {
        answers: store.recent_answers(window)?,
        coverage: store.coverage_by_zone(window)?,
        nights: by_radio
            .iter()
            .map(|(id, answers)| (*id, radio_nights(answers, tonight)))
            .collect(),
        zones: zone_weeks_of(&by_radio, &store.radio_zones()?, tonight),
    })
}

/// Activity figures by offender (every one not 0), shared between the
/// console and the worker without copying.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Figures(pub Arc<HashMap<i64, i64>>);

impl std::fmt::Debug for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Figures({} offenders)", self.0.len())
    }
}

/// A search index built on the worker, handed over whole.
#[derive(Debug)]
pub struct Built(pub Box<OffenderIndex>);

impl Clone for Built {
    fn clone(&self) -> Built {
        Built(Box::new(OffenderIndex::new(
            self.0.iter().cloned().collect(),
        )))
    }
}

impl PartialEq for Built {
    /// The same entries, whatever their order.
    fn eq(&self, other: &Built) -> bool {
        let sorted = |i: &OffenderIndex| {
            let mut e: Vec<SearchEntry> = i.iter().cloned().collect();
            e.sort_by_key(|e| e.id);
            e
        };
        sorted(&self.0) == sorted(&other.0)
    }
}

/// How the console's search index catches up with the register.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexUpdate {
    Unchanged,
    /// A few records and figures to apply in place.
    Changes {
        changed: Vec<SearchEntry>,
        removed: Vec<i64>,
        moved: Vec<(i64, i64)>,
    },
    /// An index built afresh, to take the place of the console's.
    Whole(Built),
}

/// A [`Job::Register`] done: what to apply, the figures the index then
/// holds, and the mark to read from next time.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterUpdate {
    pub index: IndexUpdate,
    pub figures: Figures,
    pub mark: RegisterMark,
}

/// Read what changed on the register and make it ready: a few changes (the
/// usual case, one record saved) are handed over to apply in place, which
/// costs the console a few entries moved; more are built into a whole index
/// here, so the console only swaps it in.
fn register_update(
    store: &Store,
    mark: RegisterMark,
    len: usize,
    figures: &Figures,
    now: DateTime<Utc>,
) -> crate::store::Result<RegisterUpdate> {
    let (read, mark) = store.read_register(mark, len, now)?;
    let entries = match read {
        RegisterRead::Unchanged => {
            return Ok(RegisterUpdate {
                index: IndexUpdate::Unchanged,
                figures: figures.clone(),
                mark,
            })
        }
        RegisterRead::Changes(c) => {
            let moved = activity_moves(&figures.0, &c.activity);
            if OffenderIndex::few_enough(c.changed.len() + c.removed.len() + moved.len()) {
                return Ok(RegisterUpdate {
                    index: IndexUpdate::Changes {
                        changed: c.changed,
                        removed: c.removed,
                        moved,
                    },
                    figures: Figures(Arc::new(c.activity)),
                    mark,
                });
            }
            // the read a moment later can only be newer than `mark`: the
            // changes between are read again next time, which is harmless
            store.search_entries(now)?
        }
        RegisterRead::Whole(entries) => entries,
    };
    let figures = entries
        .iter()
        .filter(|e| e.activity != 0)
        .map(|e| (e.id, e.activity))
        .collect();
    Ok(RegisterUpdate {
        index: IndexUpdate::Whole(Built(Box::new(OffenderIndex::new(entries)))),
        figures: Figures(Arc::new(figures)),
        mark,
    })
}

/// The members pane as read, and the day its figures were judged against.
#[derive(Debug, Clone, PartialEq)]
pub struct MembersRead {
    pub rows: Vec<MemberRow>,
    pub training: Vec<TrainingRecord>,
    pub months: Vec<MonthCount>,
    pub today: NaiveDate,
}

/// A job's result with its ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub ticket: u64,
    pub purpose: Purpose,
    pub outcome: Outcome,
}

/// The console's side: jobs waiting to be handed over, and which ticket of
/// each purpose is the one still wanted.
#[derive(Debug, Default)]
pub struct Work {
    next: u64,
    queued: Vec<(u64, Job)>,
    wanted: HashMap<Purpose, (u64, DateTime<Utc>)>,
}

impl Work {
    /// Queue a job; any older job of the same purpose is no longer wanted.
    pub fn queue(&mut self, job: Job, now: DateTime<Utc>) -> u64 {
        self.next += 1;
        self.wanted.insert(job.purpose(), (self.next, now));
        self.queued.push((self.next, job));
        self.next
    }

    /// The jobs queued since the last call, for the worker.
    pub fn take(&mut self) -> Vec<(u64, Job)> {
        std::mem::take(&mut self.queued)
    }

    /// Whether a job of this purpose is running (or waiting), and since when.
    pub fn busy(&self, purpose: Purpose) -> Option<DateTime<Utc>> {
        self.wanted.get(&purpose).map(|(_, since)| *since)
    }

    /// Forget the job of this purpose: its result, when it comes, is dropped.
    pub fn drop_wanted(&mut self, purpose: Purpose) {
        self.wanted.remove(&purpose);
    }

    /// Whether this result is the one wanted (and, if so, it no longer is).
    pub fn accept(&mut self, done: &Done) -> bool {
        match self.wanted.get(&done.purpose) {
            Some((t, _)) if *t == done.ticket => {
                self.wanted.remove(&done.purpose);
                true
            }
            _ => false,
        }
    }
}

/// The next job worth running, in the order queued: a read waiting behind a
/// newer one of its purpose is passed over (typing a filter queues a job a
/// key, and only the newest is worth the scan).
fn next_job(waiting: &mut std::collections::VecDeque<(u64, Job)>) -> Option<(u64, Job)> {
    while let Some((ticket, job)) = waiting.pop_front() {
        let purpose = job.purpose();
        if purpose.skippable() && waiting.iter().any(|(_, j)| j.purpose() == purpose) {
            continue;
        }
        return Some((ticket, job));
    }
    None
}

/// Run jobs on a thread of its own, with its own connection to the store,
/// posting each result through `post` until it returns false. The thread
/// ends when the sender is dropped.
pub fn spawn(
    mut store: Store,
    mut post: impl FnMut(Done) -> bool + Send + 'static,
) -> std::io::Result<std::sync::mpsc::Sender<(u64, Job)>> {
    let (tx, rx) = std::sync::mpsc::channel::<(u64, Job)>();
    std::thread::Builder::new()
        .name("store-worker".into())
        .spawn(move || {
            let mut waiting = std::collections::VecDeque::new();
            loop {
                if waiting.is_empty() {
                    match rx.recv() {
                        Ok(job) => waiting.push_back(job),
                        Err(_) => return,
                    }
                }
                waiting.extend(rx.try_iter());
                let Some((ticket, job)) = next_job(&mut waiting) else {
                    continue;
                };
                let purpose = job.purpose();
                let outcome = job.run(&mut store);
                if !post(Done {
                    ticket,
                    purpose,
                    outcome,
                }) {
                    return;
                }
            }
        })?;
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    fn board(words: &str) -> Job {
        Job::Board {
            filter: IncidentFilter::parse(words, Default::default()).unwrap(),
            anchor: Anchor::First,
            limit: 20,
            whole: true,
            count_cap: None,
        }
    }

    fn sign_in(name: &str) -> Job {
        Job::SignIn {
            name: name.into(),
            pin: Pin("1234".into()),
            now: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn a_read_behind_a_newer_one_of_its_purpose_is_passed_over_and_nothing_else_is() {
        let mut waiting: VecDeque<(u64, Job)> = VecDeque::from(vec![
            (1, board("w")),
            (2, sign_in("Alex Morgan")),
            (3, board("wa")),
            (4, sign_in("Priya Shah")),
            (5, board("wal")),
        ]);
        let mut ran = vec![];
        while let Some((ticket, _)) = next_job(&mut waiting) {
            ran.push(ticket);
        }
        // both sign-ins are done (each does something); of the filters only the newest
        assert_eq!(ran, vec![2, 4, 5]);
    }
}
