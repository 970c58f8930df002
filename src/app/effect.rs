//! What a pane's own update asks of the console. Each pane is plain state
//! with an `update` for the moves it owns (a row, a page, the top or the
//! bottom, Enter); it changes itself and returns [`Effect`]s, and never
//! holds the store. The app runs them: a window read at once (the panes
//! benchmark shows these take well under a millisecond on the
//! million-incident store), anything longer on the store worker.

use super::form::Form;
use super::incidents::IncidentAct;
use super::members::MemberAct;
use super::radio::RadioAct;
use super::register::OffenderAct;
use super::rollcall::StepRefused;
use super::setup::SetupAct;
use super::{board, App, FormKind, InputKind, InputLine, Modal, Pane};
use crate::domain::offender::OffenderKind;
use crate::domain::permission::Permission;
use crate::domain::rollcall::Step;

/// A move within the pane's list, or opening what is selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// Rows down (positive) or up, stopping at the ends.
    By(i64),
    Top,
    Bottom,
    /// Enter: open (or, on a finished roll-call, save) what is selected.
    Open,
    /// `v`: the pane's next view, from its first row.
    NextView,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Rows for the board.
    Board(board::Read),
    /// The selected member's contacts and changes (none: clear them).
    MemberContacts(Option<i64>),
    /// The selected radio's recent roll-calls and changes (none: clear them).
    RadioHistory(Option<i64>),
    /// An incident full screen, on the board.
    OpenIncident(i64),
    /// An incident key carried out on incident `id`.
    OnIncident { id: i64, act: IncidentAct },
    /// A profile, audited with why it was opened.
    OpenProfile { offender: i64, why: String },
    /// A register key carried out on person `id`.
    OnOffender { id: i64, act: OffenderAct },
    /// An exclusion key carried out on exclusion `id` of the profile shown.
    OnExclusion { id: i64, act: OffenderAct },
    /// A members key carried out on member `id`.
    OnMember { id: i64, act: MemberAct },
    /// A members key that needs a member chosen in the members view first.
    ChooseMember(MemberAct),
    /// A set-up key carried out on the zone or camera `id`.
    OnSetup { act: SetupAct, id: Option<i64> },
    /// A radio key carried out on radio `id`.
    OnRadio { id: i64, act: RadioAct },
    /// A radio key pressed away from the inventory.
    ChooseRadio(RadioAct),
    /// The form for a new person of this kind.
    NewOffender(OffenderKind),
    /// Ask why a profile is opened before opening it, offering `why`.
    AskWhy {
        offender: i64,
        why: Option<&'static str>,
    },
    /// The report's figures for the period now chosen, on the store worker.
    Report,
    /// Read the pane's rows again (its view changed).
    Reload(Pane),
    /// Read the radio log's or the roll-calls' window around the row selected.
    RadioWindow,
    /// A past roll-call, station by station.
    OpenPastRollCall(i64),
    /// Keep roll-call `id`'s step as number `seq`; `applied` steps were in
    /// before it, to go back to if the store refuses it.
    RecordStep {
        id: i64,
        seq: usize,
        step: Step,
        applied: usize,
    },
    /// The roll-call did not take the step.
    StepRefused(StepRefused),
    /// Save the finished roll-call.
    SaveRollCall,
    /// What the operator may not do: refused, and the refusal audited.
    Refuse(Permission),
    /// A line for the status bar.
    Say(String),
    /// A warning for the status bar.
    Warn(String),
    /// A form over the pane.
    OpenForm(FormKind, Form),
    /// A line to type in, empty.
    AskLine(InputKind),
    /// The evidence item selected, with its trail (audited).
    OpenEvidence,
}

/// Move `selected` by a [`Nav`] within `n` rows, stopping at the ends.
pub(super) fn moved(selected: &mut usize, n: usize, nav: Nav) {
    let last = n.saturating_sub(1) as i64;
    *selected = match nav {
        Nav::By(d) => (*selected as i64).saturating_add(d).clamp(0, last),
        Nav::Top => 0,
        Nav::Bottom => last,
        Nav::Open => *selected as i64,
        Nav::NextView => 0,
    } as usize;
}

impl App {
    /// A move in whatever the pane shows, handed to that pane's update.
    pub(super) fn nav(&mut self, nav: Nav) {
        let effects = match self.pane {
            Pane::Overview => self.overview_nav(nav),
            Pane::Incidents => match &mut self.detail {
                Some(d) => d.update(nav),
                None => self.board.update(nav),
            },
            Pane::Activity => self.activity.update(nav),
            Pane::Hits => self.hits.update(nav),
            Pane::Log => self.log.update(nav),
            Pane::Reports => self.reports.update(nav),
            Pane::Setup => {
                let n = self.setup_len();
                self.setup.update(nav, n)
            }
            Pane::Members => self.members_pane.update(nav),
            Pane::Evidence => self.evidence.update(nav),
            Pane::Sightings => self.sightings.update(nav),
            Pane::Radio => self.radio.update(nav),
            Pane::Offenders => match &mut self.profile {
                Some(p) => p.update(nav),
                None => {
                    let columns = super::register::gallery_columns(self.size.0);
                    self.register.update(self.register.laid_out(nav, columns))
                }
            },
        };
        self.run(effects);
    }

    /// Carry out what a pane's update asked for.
    pub(super) fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Board(read) => self.board_read(Some(read)),
                Effect::MemberContacts(id) => self.load_member_contacts(id),
                Effect::RadioHistory(id) => self.load_radio_history(id),
                Effect::OpenIncident(id) => {
                    self.pane = Pane::Incidents;
                    self.open_incident(id);
                }
                Effect::OnIncident { id, act } => self.on_incident(id, act),
                Effect::OnOffender { id, act } => self.on_offender(id, act),
                Effect::OnExclusion { id, act } => self.on_exclusion(id, act),
                Effect::NewOffender(kind) => self.open_offender_form(None, kind),
                Effect::OnMember { id, act } => self.on_member(id, act),
                Effect::OnSetup { act, id } => self.on_setup(act, id),
                Effect::OnRadio { id, act } => self.on_radio(id, act),
                Effect::ChooseRadio(act) => self.choose_radio_first(act),
                Effect::ChooseMember(act) => self.choose_member_first(act),
                Effect::OpenProfile { offender, why } => self.open_profile(offender, &why),
                Effect::AskWhy { offender, why } => {
                    if let Some(why) = why {
                        self.last_why = why.into();
                    }
                    self.ask_why(offender);
                }
                Effect::Reload(pane) => match pane {
                    Pane::Radio => self.refresh_radio(),
                    Pane::Members => self.reload_members(),
                    Pane::Setup => self.reload_setup(),
                    Pane::Offenders => self.refresh_register(),
                    Pane::Activity => self.reload_activity(),
                    Pane::Evidence => self.reload_evidence(),
                    _ => {}
                },
                Effect::RecordStep {
                    id,
                    seq,
                    step,
                    applied,
                } => self.record_step(id, seq, step, applied),
                Effect::StepRefused(why) => self.step_refused(why),
                Effect::RadioWindow => self.radio_window(),
                Effect::OpenPastRollCall(id) => self.open_past_roll_call(id),
                Effect::SaveRollCall => self.save_roll_call(),
                Effect::Refuse(p) => {
                    self.permit(p);
                }
                Effect::Report => self.reload_report(),
                Effect::OpenEvidence => self.open_evidence(),
                Effect::Say(text) => self.info(text),
                Effect::Warn(text) => self.warn(text),
                Effect::OpenForm(kind, form) => self.modal = Some(Modal::Form(kind, form)),
                Effect::AskLine(kind) => {
                    self.input = Some(InputLine {
                        kind,
                        line: Default::default(),
                        before: String::new(),
                        error: None,
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_stops_at_either_end_and_top_and_bottom_jump_there() {
        let mut s = 2;
        moved(&mut s, 5, Nav::By(10));
        assert_eq!(s, 4);
        moved(&mut s, 5, Nav::By(-10));
        assert_eq!(s, 0);
        moved(&mut s, 5, Nav::Bottom);
        assert_eq!(s, 4);
        moved(&mut s, 5, Nav::Top);
        assert_eq!(s, 0);
        moved(&mut s, 0, Nav::Bottom);
        assert_eq!(s, 0, "an empty list keeps the first row");
    }
}
