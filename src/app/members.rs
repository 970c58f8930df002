//! The members pane: member businesses, their staff's training, and
//! membership over time. Read from the store when the pane opens, when the
//! view changes, and when the store changes while it is showing.

use super::form::{Field, Form};
use super::{App, FormKind, Modal};
use crate::domain::member::MonthCount;
use crate::store::members::{MemberEdit, MemberRow, TrainingRecord};
use crate::store::StoreError;
use chrono::NaiveDate;

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
    /// The day the figures were judged against (the scheme's today).
    pub today: Option<NaiveDate>,
    pub error: Option<String>,
}

impl MembersPane {
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
    pub(crate) fn reload_members(&mut self) {
        let now = self.now();
        let today = now.with_timezone(&self.tz).date_naive();
        let read = || -> crate::store::Result<_> {
            Ok((
                self.store.member_rows(now)?,
                self.store.training_records()?,
                self.store.membership_by_month(today, CHART_MONTHS)?,
            ))
        };
        match read() {
            Ok((rows, training, months)) => {
                self.members_pane.rows = rows;
                self.members_pane.training = training;
                self.members_pane.months = months;
                self.members_pane.error = None;
            }
            Err(e) => {
                self.members_pane.error = Some(e.to_string());
                self.store_error(e);
            }
        }
        self.members_pane.today = Some(today);
        let n = self.members_pane.len();
        self.members_pane.selected = self.members_pane.selected.min(n.saturating_sub(1));
    }

    /// `v`: members, then training, then membership over time.
    pub(crate) fn cycle_members_view(&mut self) {
        self.members_pane.view = self.members_pane.view.next();
        self.members_pane.selected = 0;
        self.reload_members();
        let label = self.members_pane.view.label();
        self.info(format!("showing {label}"));
    }

    /// The store changed: read again if the pane is showing.
    pub(crate) fn members_store_changed(&mut self) {
        if self.pane == super::Pane::Members {
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

    /// `A` on the members pane: a new member, active from today.
    pub(crate) fn open_add_member_form(&mut self) {
        let zones: Vec<String> = self.zones.iter().map(|z| z.name.clone()).collect();
        if zones.is_empty() {
            self.warn("there are no zones yet: a member belongs to a zone");
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
                Field::text("Name", "", "the business as members know it"),
                Field::text("Type", "shop", "shop, pub, club, council, police liaison…"),
                Field::choice("Zone", zones, 0, "←/→ or a letter"),
                Field::text("Address", "", "street and number"),
                Field::text("Renewal", &renewal, "YYYY-MM-DD, or blank"),
                Field::text("Fee paid", "", "e.g. 150 or 150.00"),
                Field::text(
                    "Agreement",
                    &self.config.agreement_version.clone(),
                    "version signed today, or blank if not signed",
                ),
            ],
        );
        self.modal = Some(Modal::Form(FormKind::AddMember, form));
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
                Field::choice("Member", names, index, "←/→ or a letter"),
                Field::text("Trained", "", "who took the course"),
                Field::choice("Course", courses, 0, "←/→ or a letter"),
                Field::text("Taken on", &today, "YYYY-MM-DD"),
            ],
        );
        self.modal = Some(Modal::Form(FormKind::AddTraining, form));
    }

    pub(crate) fn submit_members_form(
        &mut self,
        kind: &FormKind,
        form: &Form,
    ) -> Result<String, StoreError> {
        let now = self.now();
        let today = self.today_here();
        let op = self.operator.id;
        match kind {
            FormKind::AddMember => {
                let zone = self
                    .zones
                    .get(form.field("Zone").choice_index())
                    .map(|z| z.id)
                    .ok_or_else(|| StoreError::Invalid("choose a zone".into()))?;
                let fee = form.field("Fee paid").value().trim();
                let fee_paid_pence = if fee.is_empty() {
                    0
                } else {
                    crate::domain::parse_pence(fee)
                        .map_err(|e| StoreError::Invalid(format!("fee paid: {e}")))?
                };
                let version = crate::domain::text::tidy_input(form.field("Agreement").value());
                let signed = !version.is_empty();
                let m = MemberEdit {
                    name: form.field("Name").value().to_string(),
                    kind: form.field("Type").value().to_string(),
                    zone_id: zone,
                    address: form.field("Address").value().to_string(),
                    status: "active".into(),
                    joined_on: Some(today),
                    renewal_on: parse_date(form.field("Renewal").value(), "renewal")?,
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
            FormKind::AddTraining => {
                let member = self
                    .members
                    .get(form.field("Member").choice_index())
                    .map(|m| m.id)
                    .ok_or_else(|| StoreError::Invalid("choose a member".into()))?;
                let taken =
                    parse_date(form.field("Taken on").value(), "taken on")?.ok_or_else(|| {
                        StoreError::Invalid("taken on: the date the course was taken".into())
                    })?;
                let courses = self.config.training_courses.clone();
                self.store.add_training(
                    member,
                    form.field("Trained").value(),
                    form.field("Course").value(),
                    taken,
                    &courses,
                    op,
                    now,
                )?;
                self.reload_members();
                Ok("training recorded".into())
            }
            _ => unreachable!("other forms are saved elsewhere"),
        }
    }
}
