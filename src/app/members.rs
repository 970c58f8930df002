//! The members pane: member businesses, their staff's training, and
//! membership over time. Read from the store when the pane opens, when the
//! view changes, and when the store changes while it is showing.

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form};
use super::{App, FormKind, Modal, Pane};
use crate::domain::member::{MemberStatus, MonthCount};
/// The ui draws contacts without naming the store.
pub use crate::store::members::Contact;
use crate::store::members::{MemberEdit, MemberRow, TrainingRecord};
use crate::store::StoreError;
use chrono::NaiveDate;

/// The members' forms: a new member, training, editing one, a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberForm {
    Add,
    AddTraining,
    Edit { id: i64, version: i64 },
    AddContact { member: i64 },
}

impl MemberForm {
    pub fn permission(&self) -> crate::domain::permission::Permission {
        use crate::domain::permission::Permission as P;
        match self {
            MemberForm::Add
            | MemberForm::AddTraining
            | MemberForm::Edit { .. }
            | MemberForm::AddContact { .. } => P::ManageMembers,
        }
    }
}

/// How many changed fields of the selected member are read (the latest).
pub const MEMBER_CHANGES: usize = 30;

/// The chart covers this many months, ending with this one.
pub const CHART_MONTHS: u32 = 12;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MembersView {
    #[default]
    Members,
    Training,
    OverTime,
}

impl MembersView {
    pub fn next(self) -> MembersView {
        match self {
            MembersView::Members => MembersView::Training,
            MembersView::Training => MembersView::OverTime,
            MembersView::OverTime => MembersView::Members,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MembersView::Members => "members",
            MembersView::Training => "training",
            MembersView::OverTime => "membership over time",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct MembersPane {
    pub view: MembersView,
    pub rows: Vec<MemberRow>,
    pub training: Vec<TrainingRecord>,
    pub months: Vec<MonthCount>,
    pub selected: usize,
    /// The contacts of the selected member (in the members view), and whose they are.
    pub contacts: Vec<Contact>,
    pub contacts_of: Option<i64>,
    /// The selected member's latest changes, newest first (whose: `contacts_of`).
    pub changes: Vec<crate::domain::history::Change>,
    /// The day the figures were judged against (the scheme's today).
    pub today: Option<NaiveDate>,
    pub error: Option<String>,
    /// A reading on its way from the store worker.
    pub reading: bool,
    /// The store changed while it was on its way: read again when it comes.
    pub again: bool,
}

/// What a members key does, to the member the pane names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberAct {
    Edit,
    AddContact,
}

impl MembersPane {
    /// A members key on the selected member, in the members view.
    pub fn act(&self, act: MemberAct) -> Vec<Effect> {
        if self.view != MembersView::Members {
            return vec![Effect::ChooseMember(act)];
        }
        match self.rows.get(self.selected) {
            Some(m) => vec![Effect::OnMember { id: m.id, act }],
            None => vec![Effect::Warn("there are no members yet".into())],
        }
    }

    /// A move in the list shown; on the members list the selected one's
    /// contacts and changes are read.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav == Nav::Open {
            return vec![];
        }
        if nav == Nav::NextView {
            self.view = self.view.next();
            self.selected = 0;
            return vec![
                Effect::Reload(Pane::Members),
                Effect::Say(format!("showing {}", self.view.label())),
            ];
        }
        let n = self.len();
        moved(&mut self.selected, n, nav);
        vec![Effect::MemberContacts(self.selected_id())]
    }

    /// The selected member, when the members list is shown.
    pub fn selected_id(&self) -> Option<i64> {
        (self.view == MembersView::Members)
            .then(|| self.rows.get(self.selected).map(|m| m.id))
            .flatten()
    }

    /// Rows the selection moves over in the view shown.
    pub fn len(&self) -> usize {
        match self.view {
            MembersView::Members => self.rows.len(),
            MembersView::Training => self.training.len(),
            MembersView::OverTime => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl App {
    /// Read the pane again, on the store worker: each member's figures
    /// (incidents in 90 days, radios, training) are counted over the whole
    /// store, several milliseconds on a large one.
    pub(crate) fn reload_members(&mut self) {
        let now = self.now();
        let today = now.with_timezone(&self.tz).date_naive();
        let job = super::work::Job::Members {
            now,
            today,
            months: CHART_MONTHS,
        };
        self.work.queue(job, now);
        self.members_pane.reading = true;
        self.members_pane.again = false;
    }

    /// The worker's reading of the pane: the member selected stays selected.
    pub(crate) fn members_done(&mut self, read: Result<super::work::MembersRead, String>) {
        let p = &mut self.members_pane;
        p.reading = false;
        match read {
            Ok(r) => {
                let was = p.rows.get(p.selected).map(|m| m.id);
                p.rows = r.rows;
                p.training = r.training;
                p.months = r.months;
                p.error = None;
                p.today = Some(r.today);
                if p.view == MembersView::Members {
                    if let Some(i) = was.and_then(|id| p.rows.iter().position(|m| m.id == id)) {
                        p.selected = i;
                    }
                }
            }
            Err(e) => {
                p.error = Some(e.clone());
                self.warn(format!("the members could not be read: {e}"));
            }
        }
        let n = self.members_pane.len();
        self.members_pane.selected = self.members_pane.selected.min(n.saturating_sub(1));
        self.load_member_contacts(self.members_pane.selected_id());
        if std::mem::take(&mut self.members_pane.again) {
            self.reload_members();
        }
    }

    /// The selected member's contacts and latest changes, shown beneath the members list.
    pub(crate) fn load_member_contacts(&mut self, id: Option<i64>) {
        self.members_pane.contacts.clear();
        self.members_pane.changes.clear();
        self.members_pane.contacts_of = None;
        let Some(id) = id else {
            return;
        };
        let read = (
            self.store.member_contacts(id),
            self.store.member_changes(id, MEMBER_CHANGES),
        );
        match read {
            (Ok(contacts), Ok(changes)) => {
                self.members_pane.contacts = contacts;
                self.members_pane.changes = changes;
                self.members_pane.contacts_of = Some(id);
            }
            (Err(e), _) | (_, Err(e)) => self.store_error(e),
        }
    }

    /// `v`: members, then training, then membership over time.
    /// The store changed: read again, or, with a reading on its way, once it comes.
    pub(crate) fn members_store_changed(&mut self) {
        if self.pane != super::Pane::Members {
            return;
        }
        if self.members_pane.reading {
            self.members_pane.again = true;
        } else {
            self.reload_members();
        }
    }
}

fn parse_date(input: &str, what: &str) -> Result<Option<NaiveDate>, StoreError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| StoreError::Invalid(format!("{what}: “{s}” is not a date (YYYY-MM-DD)")))
}

impl App {
    fn today_here(&self) -> NaiveDate {
        self.now().with_timezone(&self.tz).date_naive()
    }

    /// The zones a member's form offers: every one in use, and the zone the
    /// member is in already (which it may keep after the zone retires).
    pub(crate) fn member_zones(&self, current: Option<i64>) -> Vec<crate::domain::Zone> {
        self.zones
            .iter()
            .filter(|z| !z.retired || Some(z.id) == current)
            .cloned()
            .collect()
    }

    /// `A` on the members pane: a new member, active from today.
    pub(crate) fn open_add_member_form(&mut self) {
        let zones: Vec<String> = self
            .member_zones(None)
            .iter()
            .map(|z| z.name.clone())
            .collect();
        if zones.is_empty() {
            self.warn("there are no zones yet: a member belongs to a zone (a manager adds them on the set-up pane)");
            return;
        }
        let renewal = self
            .today_here()
            .checked_add_months(chrono::Months::new(12))
            .map(|d| d.to_string())
            .unwrap_or_default();
        let form = Form::new(
            "Add a member",
            vec![
                Field::text(FieldKey::Name, "", "the business as members know it"),
                Field::text(
                    FieldKey::Type,
                    "shop",
                    "shop, pub, club, council, police liaison…",
                ),
                Field::choice(FieldKey::Zone, zones, 0, "←/→ or a letter"),
                Field::text(FieldKey::Address, "", "street and number"),
                Field::text(FieldKey::Renewal, &renewal, "YYYY-MM-DD, or blank"),
                Field::text(FieldKey::FeePaid, "", "e.g. 150 or 150.00"),
                Field::text(
                    FieldKey::Agreement,
                    &self.config.agreement_version.clone(),
                    "version signed today, or blank if not signed",
                ),
            ],
        );
        self.modal = Some(Modal::Form(FormKind::Member(MemberForm::Add), form));
    }

    /// `a` on the members pane: a course taken by someone at a member
    /// (the selected member is offered first).
    pub(crate) fn open_add_training_form(&mut self) {
        if self.members.is_empty() {
            self.warn("there are no members yet");
            return;
        }
        let names: Vec<String> = self.members.iter().map(|m| m.name.clone()).collect();
        let selected = match self.members_pane.view {
            MembersView::Training => self
                .members_pane
                .training
                .get(self.members_pane.selected)
                .map(|t| t.member_id),
            _ => self
                .members_pane
                .rows
                .get(self.members_pane.selected)
                .map(|m| m.id),
        };
        let index = selected
            .and_then(|id| self.members.iter().position(|m| m.id == id))
            .unwrap_or(0);
        let courses: Vec<String> = self
            .config
            .training_courses
            .iter()
            .map(|c| c.name.clone())
            .collect();
        let today = self.today_here().to_string();
        let form = Form::new(
            "Record training",
            vec![
                Field::choice(FieldKey::Member, names, index, "←/→ or a letter"),
                Field::text(FieldKey::Trained, "", "who took the course"),
                Field::choice(FieldKey::Course, courses, 0, "←/→ or a letter"),
                Field::text(FieldKey::TakenOn, &today, "YYYY-MM-DD"),
            ],
        );
        self.modal = Some(Modal::Form(FormKind::Member(MemberForm::AddTraining), form));
    }

    /// The member `e` or `c` works on: the one selected in the members view.
    /// A members key, through the members pane's own update.
    pub(crate) fn member_key(&mut self, act: MemberAct) {
        if self.pane != Pane::Members {
            return self.choose_member_first(act);
        }
        let effects = self.members_pane.act(act);
        self.run(effects);
    }

    /// Said when a members key needs a member chosen in the members view,
    /// with the keys now bound.
    pub(crate) fn choose_member_first(&mut self, act: MemberAct) {
        let (command, what) = match act {
            MemberAct::Edit => (super::keymap::Command::EditMember, "to edit it"),
            MemberAct::AddContact => (super::keymap::Command::AddContact, "to add a contact"),
        };
        self.warn(format!(
            "choose the member in the members view ({}), then {} {what}",
            self.keymap.key_for(super::keymap::Command::CycleView),
            self.keymap.key_for(command)
        ));
    }

    /// Carry out a members key on member `id` as the pane shows them.
    pub(crate) fn on_member(&mut self, id: i64, act: MemberAct) {
        let Some(m) = self.members_pane.rows.iter().find(|m| m.id == id).cloned() else {
            return;
        };
        match act {
            // the member's details, status, renewal, fee and agreement, as they stand
            MemberAct::Edit => self.modal = Some(self.edit_member_form(&m)),
            MemberAct::AddContact => self.open_add_contact_form(&m),
        }
    }

    /// The edit form for this copy of a member.
    pub(crate) fn edit_member_form(&self, m: &MemberRow) -> Modal {
        let offered = self.member_zones(Some(m.zone_id));
        let zones: Vec<String> = offered.iter().map(|z| z.name.clone()).collect();
        let zone = offered.iter().position(|z| z.id == m.zone_id).unwrap_or(0);
        let statuses: Vec<String> = MemberStatus::ALL.map(|s| s.code().to_string()).into();
        let status = MemberStatus::ALL
            .iter()
            .position(|s| *s == m.status)
            .unwrap_or(0);
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let fee = crate::domain::format_pence(m.fee_paid_pence)
            .trim_start_matches('£')
            .to_string();
        let form = Form::new(
            format!("Edit {}", m.name),
            vec![
                Field::text(FieldKey::Name, &m.name, "the business as members know it"),
                Field::text(
                    FieldKey::Type,
                    &m.kind,
                    "shop, pub, club, council, police liaison…",
                ),
                Field::choice(FieldKey::Zone, zones, zone, "←/→ or a letter"),
                Field::text(FieldKey::Address, &m.address, "street and number"),
                Field::choice(
                    FieldKey::Status,
                    statuses,
                    status,
                    "←/→ or a letter; lapsed or left records the day",
                ),
                Field::text(
                    FieldKey::Renewal,
                    &day(m.renewal_on),
                    "YYYY-MM-DD, or blank",
                ),
                Field::text(FieldKey::FeePaid, &fee, "e.g. 150 or 150.00"),
                Field::text(
                    FieldKey::Agreement,
                    m.agreement_version.as_deref().unwrap_or(""),
                    "version signed, or blank if not signed",
                ),
                Field::text(
                    FieldKey::SignedOn,
                    &day(m.agreement_signed_on),
                    "YYYY-MM-DD, the day the agreement was signed",
                ),
            ],
        );
        Modal::Form(
            FormKind::Member(MemberForm::Edit {
                id: m.id,
                version: m.version,
            }),
            form,
        )
    }

    /// `c` on the members view: someone to contact at the selected member.
    fn open_add_contact_form(&mut self, m: &MemberRow) {
        let form = Form::new(
            format!("Add a contact at {}", m.name),
            vec![
                Field::text(FieldKey::Name, "", "who to ask for"),
                Field::text(
                    FieldKey::Role,
                    "",
                    "e.g. store manager, licensee, security lead",
                ),
                Field::text(FieldKey::Phone, "", "as it is dialled"),
                Field::text(FieldKey::Email, "", "or blank"),
            ],
        );
        self.modal = Some(Modal::Form(
            FormKind::Member(MemberForm::AddContact { member: m.id }),
            form,
        ));
    }

    pub(crate) fn submit_members_form(
        &mut self,
        kind: &MemberForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        let now = self.now();
        let today = self.today_here();
        let op = self.operator.id;
        match kind {
            MemberForm::Add => {
                let zone = self
                    .member_zones(None)
                    .get(form.field(FieldKey::Zone)?.choice_index())
                    .map(|z| z.id)
                    .ok_or_else(|| StoreError::Invalid("choose a zone".into()))?;
                let fee = form.field(FieldKey::FeePaid)?.value().trim();
                let fee_paid_pence = if fee.is_empty() {
                    0
                } else {
                    crate::domain::parse_pence(fee)
                        .map_err(|e| StoreError::Invalid(format!("fee paid: {e}")))?
                };
                let version =
                    crate::domain::text::tidy_input(form.field(FieldKey::Agreement)?.value());
                let signed = !version.is_empty();
                let m = MemberEdit {
                    name: form.field(FieldKey::Name)?.value().to_string(),
                    kind: form.field(FieldKey::Type)?.value().to_string(),
                    zone_id: zone,
                    address: form.field(FieldKey::Address)?.value().to_string(),
                    status: MemberStatus::Active,
                    joined_on: Some(today),
                    renewal_on: parse_date(form.field(FieldKey::Renewal)?.value(), "renewal")?,
                    agreement_version: signed.then_some(version),
                    agreement_signed_on: signed.then_some(today),
                    fee_paid_pence,
                };
                self.store.add_member(&m, op, now)?;
                self.members = self.store.members()?;
                self.reload_members();
                Ok(format!(
                    "{} added",
                    crate::domain::text::tidy_input(&m.name)
                ))
            }
            MemberForm::AddTraining => {
                let member = self
                    .members
                    .get(form.field(FieldKey::Member)?.choice_index())
                    .map(|m| m.id)
                    .ok_or_else(|| StoreError::Invalid("choose a member".into()))?;
                let taken = parse_date(form.field(FieldKey::TakenOn)?.value(), "taken on")?
                    .ok_or_else(|| {
                        StoreError::Invalid("taken on: the date the course was taken".into())
                    })?;
                let courses = self.config.training_courses.clone();
                self.store.add_training(
                    member,
                    form.field(FieldKey::Trained)?.value(),
                    form.field(FieldKey::Course)?.value(),
                    taken,
                    &courses,
                    op,
                    now,
                )?;
                self.reload_members();
                Ok("training recorded".into())
            }
            MemberForm::Edit { id, version: seen } => {
                let before = self
                    .members_pane
                    .rows
                    .iter()
                    .find(|m| m.id == *id)
                    .cloned()
                    .ok_or_else(|| StoreError::NotFound(format!("there is no member {id}")))?;
                // by name: a form merged onto a fresh copy may offer other zones
                let zone_name = form.field(FieldKey::Zone)?.value();
                let zone = self
                    .member_zones(Some(before.zone_id))
                    .iter()
                    .find(|z| z.name == zone_name)
                    .map(|z| z.id)
                    .ok_or_else(|| StoreError::Invalid("choose a zone".into()))?;
                let status = MemberStatus::ALL
                    .get(form.field(FieldKey::Status)?.choice_index())
                    .copied()
                    .unwrap_or(MemberStatus::Active);
                let renewal_on = parse_date(form.field(FieldKey::Renewal)?.value(), "renewal")?;
                let fee_paid_pence =
                    crate::domain::parse_pence(form.field(FieldKey::FeePaid)?.value())
                        .map_err(|e| StoreError::Invalid(format!("fee paid: {e}")))?;
                let version =
                    crate::domain::text::tidy_input(form.field(FieldKey::Agreement)?.value());
                let signed_on = parse_date(form.field(FieldKey::SignedOn)?.value(), "signed on")?;
                let (agreement_version, agreement_signed_on) = match (version.is_empty(), signed_on)
                {
                    (true, None) => (None, None),
                    (false, Some(on)) => (Some(version), Some(on)),
                    (false, None) => {
                        return Err(StoreError::Invalid(format!(
                            "signed on: the day agreement {version} was signed (YYYY-MM-DD), or clear the version"
                        )))
                    }
                    (true, Some(on)) => {
                        return Err(StoreError::Invalid(format!(
                            "agreement: the version signed on {on}, or clear the date"
                        )))
                    }
                };
                // a pending application that becomes a member joins today;
                // otherwise the day it joined stays as it was
                let joined_on = match before.joined_on {
                    None if before.status == MemberStatus::Pending
                        && status == MemberStatus::Active =>
                    {
                        Some(today)
                    }
                    kept => kept,
                };
                let m = MemberEdit {
                    name: form.field(FieldKey::Name)?.value().to_string(),
                    kind: form.field(FieldKey::Type)?.value().to_string(),
                    zone_id: zone,
                    address: form.field(FieldKey::Address)?.value().to_string(),
                    status,
                    joined_on,
                    renewal_on,
                    agreement_version,
                    agreement_signed_on,
                    fee_paid_pence,
                };
                self.store.edit_member(*id, *seen, &m, op, now, today)?;
                self.members = self.store.members()?;
                self.reload_members();
                // A radio left with a member off the scheme is on no roll-call:
                // say so now, as well as flagging it on the inventory.
                let held: Vec<String> = self
                    .store
                    .radios()?
                    .into_iter()
                    .filter(|r| {
                        r.member_id == Some(*id)
                            && crate::domain::radio::to_recover(&r.status, &r.member_status)
                                .is_some()
                    })
                    .map(|r| r.call_sign)
                    .collect();
                let name = crate::domain::text::tidy_input(&m.name);
                Ok(if held.is_empty() {
                    format!("{name} saved")
                } else {
                    format!(
                        "{name} saved; radio {} is still with them: fetch it back (flagged on the inventory)",
                        held.join(", ")
                    )
                })
            }
            MemberForm::AddContact { member } => {
                let email = crate::domain::text::tidy_input(form.field(FieldKey::Email)?.value());
                if !email.is_empty() && !email.contains('@') {
                    return Err(StoreError::Invalid(format!(
                        "email: “{email}” is not an email address"
                    )));
                }
                self.store.add_contact(
                    *member,
                    form.field(FieldKey::Name)?.value(),
                    form.field(FieldKey::Role)?.value(),
                    form.field(FieldKey::Phone)?.value(),
                    &email,
                    op,
                    now,
                )?;
                self.reload_members();
                let name = self
                    .members_pane
                    .rows
                    .iter()
                    .find(|m| m.id == *member)
                    .map(|m| m.name.clone())
                    .unwrap_or_else(|| format!("member {member}"));
                Ok(format!("contact added to {name}"))
            }
        }
    }
}
