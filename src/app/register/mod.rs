//! The CCTV desk in the console: the offender register, profiles and
//! exclusions (sightings and hits have modules of their own; the register's
//! forms are in `forms`).

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form, OffenderChoice, Suggest};
use super::work::{Figures, IndexUpdate, Job, Purpose, RegisterUpdate};
use super::{App, FormKind, Modal, Pane};
use crate::domain::exclusion::Exclusion;
use crate::domain::offender::OffenderKind;
use crate::domain::place::{suggest_places, PlaceChoice};
use crate::domain::search::{MatchedOn, OffenderIndex};
use crate::domain::{Member, Zone};
use crate::store::exclusions::ExclusionRow;
use crate::store::offenders::Profile;
use chrono::NaiveDate;
use std::collections::HashSet;

mod forms;
pub use forms::RegisterForm;

/// How far the console's search index has read the register, and whether a
/// reading is wanted again once the one on the worker is back.
#[derive(Debug, Default)]
pub(crate) struct IndexSync {
    pub(crate) mark: crate::store::search::RegisterMark,
    pub(crate) figures: Figures,
    pub(crate) again: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegisterView {
    #[default]
    Known,
    IdSought,
    /// The ID-sought as the members' bulletin shows them: stills side by side.
    Gallery,
    Exclusions,
}

impl RegisterView {
    pub fn label(self) -> &'static str {
        match self {
            RegisterView::Known => "known",
            RegisterView::IdSought => "ID-sought",
            RegisterView::Gallery => "gallery",
            RegisterView::Exclusions => "exclusions in force",
        }
    }
    fn next(self) -> RegisterView {
        match self {
            RegisterView::Known => RegisterView::IdSought,
            RegisterView::IdSought => RegisterView::Gallery,
            RegisterView::Gallery => RegisterView::Exclusions,
            RegisterView::Exclusions => RegisterView::Known,
        }
    }
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    pub id: i64,
    pub name: String,
    pub kind: OffenderKind,
    pub aliases: Vec<String>,
    pub markers: Vec<String>,
    pub activity: i64,
    /// The alias, nickname or marker that the search matched, when not the name.
    pub matched: Option<String>,
    pub excluded: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Register {
    pub view: RegisterView,
    pub query: String,
    pub rows: Vec<RegisterRow>,
    pub exclusions: Vec<ExclusionRow>,
    pub selected: usize,
    /// Offenders with an excluding sanction in force now.
    pub excluded: HashSet<i64>,
    /// Sanctions whose review has come or is within the week, soonest first.
    pub reviews_due: Vec<ExclusionRow>,
    /// The gallery: the bulletin's selection of the ID-sought, newest first
    /// (narrowed by the search, when one is typed).
    pub gallery: Vec<crate::domain::bulletin::SoughtPerson>,
}

/// A gallery tile's size in cells, borders included: a still (3:4) in
/// half-blocks ten rows high is fifteen columns wide, with room each side.
pub const TILE_WIDTH: u16 = 26;
pub const TILE_HEIGHT: u16 = 16;

/// How many tiles a row of the gallery holds in `width` columns (its pane's
/// borders taken off).
pub fn gallery_columns(width: u16) -> usize {
    (width.saturating_sub(2) / TILE_WIDTH).max(1) as usize
}

/// How far ahead an exclusion's review is listed as due.
pub const REVIEW_WITHIN_DAYS: i64 = 7;

#[derive(Debug, Clone)]
pub struct ProfileView {
    pub profile: Profile,
    /// The selected exclusion (for lifting).
    pub selected: usize,
}

/// Suggestions for the console's forms: places from the store, people from the index.
impl Register {
    /// A move in the list shown; Enter asks why before opening the
    /// selected person's profile.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav == Nav::Open {
            return self
                .selected_offender()
                .map(|offender| Effect::AskWhy {
                    offender,
                    why: None,
                })
                .into_iter()
                .collect();
        }
        if nav == Nav::NextView {
            self.view = self.view.next();
            self.selected = 0;
            return vec![Effect::Reload(Pane::Offenders)];
        }
        let n = self.len();
        moved(&mut self.selected, n, nav);
        vec![]
    }

    /// A move as the view lays it out: in the gallery, a row up or down
    /// is a row of tiles (`columns` of them).
    pub fn laid_out(&self, nav: Nav, columns: usize) -> Nav {
        match nav {
            Nav::By(d) if self.view == RegisterView::Gallery && d.abs() == 1 => {
                Nav::By(d * columns as i64)
            }
            nav => nav,
        }
    }

    pub fn selected_offender(&self) -> Option<i64> {
        match self.view {
            RegisterView::Exclusions => self
                .exclusions
                .get(self.selected)
                .map(|r| r.exclusion.offender_id),
            RegisterView::Gallery => self.gallery.get(self.selected).map(|s| s.offender_id),
            _ => self.rows.get(self.selected).map(|r| r.id),
        }
    }

    pub fn len(&self) -> usize {
        match self.view {
            RegisterView::Exclusions => self.exclusions.len(),
            RegisterView::Gallery => self.gallery.len(),
            _ => self.rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a register key does, to the person or exclusion a pane names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffenderAct {
    /// A new person, of the kind the register shows.
    New,
    Edit,
    /// Serve a sanction on the person.
    Exclude,
    /// Give an ID-sought record its name.
    Promote,
    /// Merge an ID-sought record into a known person.
    Merge,
    /// Lift the selected exclusion early.
    Lift,
    /// Record an appeal against the selected exclusion.
    Appeal,
    /// Record the selected exclusion's review.
    Review,
    /// The letter or notice for the selected exclusion.
    Notice,
}

impl OffenderAct {
    fn on_an_exclusion(self) -> bool {
        matches!(
            self,
            OffenderAct::Lift | OffenderAct::Appeal | OffenderAct::Review | OffenderAct::Notice
        )
    }
}

impl Register {
    /// A register key on the selected person; the exclusion keys need the
    /// person's profile open, to pick the exclusion from.
    pub fn act(&self, act: OffenderAct) -> Vec<Effect> {
        let kind = if matches!(self.view, RegisterView::IdSought | RegisterView::Gallery) {
            OffenderKind::IdSought
        } else {
            OffenderKind::Known
        };
        let exclusion_first = |what: &str| {
            vec![Effect::Warn(format!(
                "open the person's profile and select the exclusion{what}"
            ))]
        };
        match act {
            OffenderAct::New => vec![Effect::NewOffender(kind)],
            OffenderAct::Lift => exclusion_first(" to lift"),
            OffenderAct::Appeal => exclusion_first(" appealed"),
            OffenderAct::Review => exclusion_first(" reviewed"),
            OffenderAct::Notice => exclusion_first(""),
            act => self
                .selected_offender()
                .map(|id| Effect::OnOffender { id, act })
                .into_iter()
                .collect(),
        }
    }
}

impl ProfileView {
    /// A register key on the person shown, or on the exclusion selected (a
    /// new person is the register's: see [`Register::act`]).
    pub fn act(&self, act: OffenderAct) -> Vec<Effect> {
        if !act.on_an_exclusion() {
            return vec![Effect::OnOffender {
                id: self.profile.offender.id,
                act,
            }];
        }
        match self.profile.exclusions.get(self.selected) {
            Some(e) => vec![Effect::OnExclusion { id: e.id, act }],
            None => vec![Effect::Warn("this person has no exclusions".into())],
        }
    }

    /// A move among the person's exclusions.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav != Nav::Open {
            moved(&mut self.selected, self.profile.exclusions.len(), nav);
        }
        vec![]
    }
}

/// The console's suggestions, borrowed field by field, so a form being
/// typed in (itself one of the console's fields) can be handed them.
macro_rules! app_suggest {
    ($app:expr) => {
        $crate::app::register::AppSuggest {
            zones: &$app.zones,
            members: &$app.members,
            index: &mut $app.index,
            store: &$app.store,
            ladder: &$app.rules.ladder,
            now: $app.clock.now(),
            tz: $app.tz,
        }
    };
}
pub(crate) use app_suggest;

pub(crate) struct AppSuggest<'a> {
    pub zones: &'a [Zone],
    pub members: &'a [Member],
    pub index: &'a mut OffenderIndex,
    /// For what tells two people apart in the picker: a sanction in force
    /// and the last sighting (indexed reads, a few a keystroke).
    pub store: &'a crate::store::Store,
    pub ladder: &'a crate::domain::exclusion::Ladder,
    pub now: chrono::DateTime<chrono::Utc>,
    pub tz: chrono_tz::Tz,
}

impl AppSuggest<'_> {
    /// What sets a person apart, after their name: the first marker, a
    /// sanction in force and where, when last seen (each after " · ").
    fn facts(&self, id: i64, markers: &[String]) -> String {
        let mut parts = vec![];
        if let Some(m) = markers.first() {
            parts.push(m.clone());
        }
        let zone_name = |z: i64| {
            self.zones
                .iter()
                .find(|x| x.id == z)
                .map(|x| x.name.clone())
        };
        if let Ok(ex) = self.store.exclusions_for(id) {
            if let Some(b) =
                crate::domain::exclusion::exclusion_badge(&ex, self.ladder, zone_name, self.now)
            {
                parts.push(b);
            }
        }
        if let Ok(Some(at)) = self.store.last_sighted(id) {
            parts.push(format!(
                "seen {}",
                at.with_timezone(&self.tz).format("%d %b %H:%M")
            ));
        }
        parts.iter().map(|p| format!(" · {p}")).collect()
    }

    /// A person as the picker reads them: record number, name, the facts.
    /// (`name` until the register's index has them.)
    pub fn describe(&self, id: i64, name: &str) -> String {
        match self.index.entry(id) {
            Some(e) => format!("#{id} {}{}", e.name, self.facts(id, &e.markers)),
            None => format!("#{id} {name}{}", self.facts(id, &[])),
        }
    }
}

impl Suggest for AppSuggest<'_> {
    fn places(&mut self, fragment: &str) -> Vec<PlaceChoice> {
        suggest_places(fragment, self.zones, self.members, 6)
    }
    fn offenders(&mut self, fragment: &str, kind: Option<OffenderKind>) -> Vec<OffenderChoice> {
        let hits = self.index.search(fragment, kind, 6);
        hits.into_iter()
            .filter_map(|h| {
                let e = self.index.entry(h.id)?;
                let mut label = format!("#{} {}", e.id, e.name);
                match (h.matched_on, &h.matched_text) {
                    (MatchedOn::Alias, Some(t)) => label.push_str(&format!(" (alias {t})")),
                    (MatchedOn::Nickname, Some(t)) => label.push_str(&format!(" (“{t}”)")),
                    (MatchedOn::Marker, Some(t)) => label.push_str(&format!(" [{t}]")),
                    _ => {}
                }
                if e.kind == OffenderKind::IdSought {
                    label.push_str(" · ID-sought");
                }
                label.push_str(&self.facts(e.id, &e.markers));
                Some(OffenderChoice {
                    id: e.id,
                    name: e.name.clone(),
                    label,
                    score: h.score,
                    photo: self.store.photo_path(e.id).unwrap_or_default(),
                })
            })
            .collect()
    }
}

fn parse_date(input: &str, what: &str) -> Result<Option<NaiveDate>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{what}: “{s}” is not a date (YYYY-MM-DD)"))
}

/// The lift form for this copy of an exclusion.
pub(crate) fn lift_form(e: &Exclusion) -> Modal {
    let form = Form::new(
        format!("Lift {} #{}", e.stage, e.id),
        vec![Field::text(FieldKey::Reason, "", "why it is lifted early")],
    );
    Modal::Form(
        FormKind::Register(RegisterForm::LiftExclusion {
            id: e.id,
            version: e.version,
        }),
        form,
    )
}

impl App {
    // ----- the register ------------------------------------------------------

    /// ←/→ in the gallery: the tile before or after.
    pub(crate) fn tile(&mut self, d: i64) {
        if self.pane != Pane::Offenders
            || self.profile.is_some()
            || self.register.view != RegisterView::Gallery
        {
            let v = self.keymap.key_for(crate::app::keymap::Command::CycleView);
            return self.info(format!(
                "←/→ move across the gallery of the ID-sought ({v} shows it)"
            ));
        }
        let effects = self.register.update(Nav::By(d));
        self.run(effects);
    }

    /// Run the register's search (or list) for the current view.
    pub(crate) fn refresh_register(&mut self) {
        let now = self.now();
        match self.store.exclusions_in_force(now) {
            Ok(rows) => {
                self.register.excluded = rows
                    .iter()
                    .filter(|r| self.rules.ladder.excludes(&r.exclusion.stage))
                    .map(|r| r.exclusion.offender_id)
                    .collect();
                self.register.exclusions = rows;
            }
            Err(e) => return self.store_error(e),
        }
        let today = now.with_timezone(&self.tz).date_naive();
        match self.store.reviews_due(today, REVIEW_WITHIN_DAYS, now) {
            Ok(rows) => self.register.reviews_due = rows,
            Err(e) => return self.store_error(e),
        }
        let kind = match self.register.view {
            RegisterView::Known => Some(OffenderKind::Known),
            RegisterView::IdSought | RegisterView::Gallery => Some(OffenderKind::IdSought),
            RegisterView::Exclusions => None,
        };
        if let Some(kind) = kind {
            let hits = self.index.search(&self.register.query, Some(kind), 500);
            self.register.rows = hits
                .into_iter()
                .filter_map(|h| {
                    let e = self.index.entry(h.id)?;
                    Some(RegisterRow {
                        id: e.id,
                        name: e.name.clone(),
                        kind: e.kind,
                        aliases: e.aliases.clone(),
                        markers: e.markers.clone(),
                        activity: e.activity,
                        matched: h
                            .matched_text
                            .clone()
                            .filter(|_| h.matched_on != MatchedOn::Name),
                        excluded: self.register.excluded.contains(&e.id),
                    })
                })
                .collect();
        }
        if self.register.view == RegisterView::Gallery {
            match self.store.sought(now, self.tz) {
                Ok(mut sought) => {
                    if !self.register.query.trim().is_empty() {
                        let found: HashSet<i64> = self.register.rows.iter().map(|r| r.id).collect();
                        sought.retain(|s| found.contains(&s.offender_id));
                    }
                    self.register.gallery = sought;
                }
                Err(e) => return self.store_error(e),
            }
        }
        let n = self.register.len();
        self.register.selected = self.register.selected.min(n.saturating_sub(1));
    }

    /// Have the worker read what changed on the register since the search
    /// index last looked (on this or another console); the index and the
    /// register's lists catch up when it answers ([`App::register_done`]).
    /// Cheap to call when nothing has changed.
    pub(crate) fn update_index(&mut self) {
        match self.store.register_changed_since(self.index_sync.mark) {
            Ok(false) => {}
            Ok(true) => {
                if self.work.busy(Purpose::Register).is_some() {
                    // the answer on its way may be older than this change
                    self.index_sync.again = true;
                } else {
                    let now = self.now();
                    let job = Job::Register {
                        mark: self.index_sync.mark,
                        len: self.index.len(),
                        figures: self.index_sync.figures.clone(),
                        now,
                    };
                    self.work.queue(job, now);
                }
            }
            Err(e) => self.store_error(e),
        }
    }

    /// The worker's reading of the register: applied to the index (a few
    /// entries moved, or a whole index swapped in), then the lists drawn
    /// from it again.
    pub(crate) fn register_done(&mut self, update: Result<RegisterUpdate, String>) {
        match update {
            Ok(u) => {
                let changed = !matches!(u.index, IndexUpdate::Unchanged);
                match u.index {
                    IndexUpdate::Unchanged => {}
                    IndexUpdate::Changes {
                        changed,
                        removed,
                        moved,
                    } => self.index.apply_changes(changed, &removed, &moved),
                    IndexUpdate::Whole(built) => self.index = *built.0,
                }
                self.index_sync.mark = u.mark;
                self.index_sync.figures = u.figures;
                if changed {
                    self.refresh_register();
                    self.describe_waiting();
                    if let Some(Modal::Form(_, form)) = &mut self.modal {
                        form.suggest_people_again(&mut app_suggest!(self));
                    }
                }
            }
            Err(e) => self.warn(format!("the register could not be read: {e}")),
        }
        if std::mem::take(&mut self.index_sync.again) {
            self.update_index();
        }
    }

    /// Ask in one line why a profile is opened from the register, outside a
    /// live incident or hit; the answer is audited with the view. Permission
    /// is checked first so a refused operator is not asked for a reason.
    pub(crate) fn ask_why(&mut self, offender: i64) {
        if !self.permit(crate::domain::permission::Permission::ViewProfile) {
            return;
        }
        let last = self.last_why.clone();
        self.input = Some(super::InputLine {
            kind: super::InputKind::Why { offender },
            line: super::input::LineInput::new(&last),
            before: String::new(),
            error: None,
        });
    }

    /// Open a profile; the view is audited with why it was opened.
    pub(crate) fn open_profile(&mut self, id: i64, why: &str) {
        if !self.permit(crate::domain::permission::Permission::ViewProfile) {
            return;
        }
        let now = self.now();
        match self.store.open_profile(id, self.operator.id, why, now) {
            Ok(profile) => {
                self.mark_own_writes_seen();
                self.pane = Pane::Offenders;
                self.profile = Some(ProfileView {
                    profile,
                    selected: 0,
                });
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(crate) fn refresh_profile(&mut self) {
        let Some(p) = &self.profile else { return };
        let id = p.profile.offender.id;
        match self.store.profile(id, self.now()) {
            Ok(profile) => {
                let selected = p.selected.min(profile.exclusions.len().saturating_sub(1));
                self.profile = Some(ProfileView { profile, selected });
            }
            Err(e) => {
                self.profile = None;
                self.store_error(e);
            }
        }
    }

    /// A register key, through the pane that names the person: the open
    /// profile, else the register's selected row.
    pub(crate) fn register_key(&mut self, act: OffenderAct) {
        if self.pane != Pane::Offenders {
            return;
        }
        // a new person takes its kind from the register's view, profile or not
        let effects = match &self.profile {
            Some(p) if act != OffenderAct::New => p.act(act),
            _ => self.register.act(act),
        };
        self.run(effects);
    }

    /// Carry out a register key on person `id`.
    pub(crate) fn on_offender(&mut self, id: i64, act: OffenderAct) {
        match act {
            // the kind is the record's own when editing
            OffenderAct::Edit => self.open_offender_form(Some(id), OffenderKind::Known),
            OffenderAct::Exclude => self.open_exclusion_form(id),
            OffenderAct::Promote => self.open_promote_form(id),
            OffenderAct::Merge => self.open_merge_form(id),
            // the exclusion keys come as OnExclusion; a new person as NewOffender
            OffenderAct::New
            | OffenderAct::Lift
            | OffenderAct::Appeal
            | OffenderAct::Review
            | OffenderAct::Notice => {}
        }
    }

    /// Carry out an exclusion key on exclusion `id` of the profile shown.
    pub(crate) fn on_exclusion(&mut self, id: i64, act: OffenderAct) {
        let Some(e) = self
            .profile
            .as_ref()
            .and_then(|p| p.profile.exclusions.iter().find(|e| e.id == id))
            .cloned()
        else {
            return;
        };
        match act {
            OffenderAct::Lift => self.open_lift_form(&e),
            OffenderAct::Appeal => self.modal = Some(self.appeal_form(&e)),
            OffenderAct::Review => self.modal = Some(self.review_form(&e)),
            OffenderAct::Notice => self.make_notice(&e),
            _ => {}
        }
    }

    pub(super) fn current_offender(&self) -> Option<i64> {
        if self.pane != Pane::Offenders {
            return None;
        }
        match &self.profile {
            Some(p) => Some(p.profile.offender.id),
            None => self.register.selected_offender(),
        }
    }

    /// `N`: the warning letter or exclusion notice for the selected
    /// exclusion, written beside the store like the shell's `document`.
    pub(crate) fn make_notice(&mut self, e: &Exclusion) {
        use crate::domain::document::DocKind;
        let (id, stage) = (e.id, e.stage.clone());
        let kind = if self.config.hit_rules().ladder.excludes(&stage) {
            DocKind::ExclusionNotice
        } else {
            DocKind::WarningLetter
        };
        if self.work.busy(super::work::Purpose::Notice).is_some() {
            return self.info("a notice is still being made: a moment");
        }
        let store = self.store.path();
        let settings = self
            .config
            .document_settings(crate::io::document::beside_store(store, "templates"));
        let out = crate::io::document::beside_store(store, "documents");
        let now = self.now();
        // the PDF is made on the store worker: keys and other consoles' hits go on meanwhile
        self.work.queue(
            super::work::Job::Notice {
                kind,
                exclusion: id,
                settings: Box::new(settings),
                out,
                operator: self.operator.id,
                now,
            },
            now,
        );
        self.info(format!("making the {} for #{id}…", kind.label()));
    }

    /// The worker has made the notice (or could not).
    pub(crate) fn notice_done(
        &mut self,
        kind: crate::domain::document::DocKind,
        id: i64,
        made: Result<super::work::NoticeMade, String>,
    ) {
        match made {
            Ok(made) => {
                self.mark_own_writes_seen();
                self.refresh_profile();
                let file = made.file.map(|f| f.display().to_string());
                let notes = if made.warnings.is_empty() {
                    String::new()
                } else {
                    format!(" · note: {}", made.warnings.join("; "))
                };
                self.info(format!(
                    "{} for #{id} written: {}{notes}",
                    kind.label(),
                    crate::domain::text::clean(&file.unwrap_or_default())
                ));
            }
            Err(e) => self.warn(format!("no {} made: {e}", kind.label())),
        }
    }
}
