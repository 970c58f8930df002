//! Each pane is plain state with an update of its own: a move changes it
//! and says what it needs (an [`Effect`]) without reaching the store. These
//! take a pane as the console filled it from the demo store, drive a copy
//! of it, and check what it asks for; then the console runs the same move
//! and shows what was asked.

mod support;

use support::*;
use watchroom::app::effect::{Effect, Nav};
use watchroom::app::radio::RadioView;
use watchroom::app::{Action, Pane};

#[test]
fn enter_on_a_hit_asks_for_the_persons_profile_naming_the_hit_as_why() {
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Hits));
    let mut hits = c.app.hits.clone();
    assert!(hits.rows.len() >= 2, "the demo has hits waiting");
    assert_eq!(hits.update(Nav::By(1)), vec![], "a move needs nothing read");
    assert_eq!(hits.selected, 1);
    let h = hits.rows[1].clone();
    assert_eq!(
        hits.update(Nav::Open),
        vec![Effect::OpenProfile {
            offender: h.offender_id,
            why: format!("hit {}", h.id)
        }]
    );
    assert!(
        c.app.profile.is_none(),
        "the copy asked; nothing was opened"
    );

    // the console runs what the pane asked
    c.update(Action::Move(1));
    c.update(Action::Open);
    let p = c.app.profile.as_ref().expect("the profile opens");
    assert_eq!(p.profile.offender.id, h.offender_id);
}

#[test]
fn a_move_in_the_radio_inventory_asks_for_that_radios_history_and_stops_at_the_ends() {
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Radio));
    let mut radio = c.app.radio.clone();
    radio.view = RadioView::Inventory;
    radio.selected = 0;
    let n = radio.radios.len();
    assert!(n >= 2, "the demo has radios");
    let id = |r: &watchroom::app::radio::RadioPane, i: usize| r.radios[i].radio.id;
    assert_eq!(
        radio.update(Nav::By(1)),
        vec![Effect::RadioHistory(Some(id(&radio, 1)))]
    );
    assert_eq!(
        radio.update(Nav::Bottom),
        vec![Effect::RadioHistory(Some(id(&radio, n - 1)))]
    );
    radio.update(Nav::By(5));
    assert_eq!(radio.selected, n - 1, "stops at the last radio");
    assert_eq!(
        radio.update(Nav::Top),
        vec![Effect::RadioHistory(Some(id(&radio, 0)))]
    );
    radio.view = RadioView::Log;
    assert_eq!(
        radio.update(Nav::By(1)),
        vec![Effect::RadioHistory(None)],
        "the log has no radio selected: its history is cleared"
    );
}

#[test]
fn a_move_in_the_members_list_asks_for_the_selected_members_contacts() {
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Members));
    c.settle();
    let mut members = c.app.members_pane.clone();
    assert!(members.rows.len() >= 2, "the demo has members");
    let second = members.rows[1].id;
    assert_eq!(
        members.update(Nav::By(1)),
        vec![Effect::MemberContacts(Some(second))]
    );

    c.update(Action::Move(1));
    assert_eq!(c.app.members_pane.contacts_of, Some(second));
}

#[test]
fn enter_in_the_register_asks_why_before_opening_anyone() {
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Offenders));
    let mut register = c.app.register.clone();
    let first = register.rows.first().expect("the demo has a register").id;
    assert_eq!(
        register.update(Nav::Open),
        vec![Effect::AskWhy {
            offender: first,
            why: None
        }]
    );
    c.update(Action::Open);
    assert!(
        c.app.profile.is_none(),
        "not opened before a reason is given"
    );
    assert!(c.app.input.is_some(), "asked why");
}

#[test]
fn the_board_reads_only_past_the_edge_of_its_window() {
    let mut c = demo_console();
    let mut board = c.app.board.clone();
    let rows = board.rows.len();
    assert!(rows >= 3, "the demo has live incidents");
    board.selected = 0;
    assert_eq!(board.update(Nav::By(1)), vec![], "a row within the window");
    assert_eq!(board.selected, 1);
    board.selected = rows - 1;
    let asked = board.update(Nav::By(1));
    assert!(
        matches!(
            asked.as_slice(),
            [Effect::Board(watchroom::app::board::Read {
                then: watchroom::app::board::Then::Step { down: true },
                ..
            })]
        ),
        "the row past the edge is read: {asked:?}"
    );
    let top = board.update(Nav::Top);
    assert!(
        matches!(
            top.as_slice(),
            [Effect::Board(watchroom::app::board::Read {
                anchor: watchroom::store::Anchor::First,
                ..
            })]
        ),
        "{top:?}"
    );
    let id = board
        .selected_row()
        .map(|r| r.id)
        .expect("a row is selected");
    assert_eq!(board.update(Nav::Open), vec![Effect::OpenIncident(id)]);

    let id = c.app.board.selected_row().map(|r| r.id).unwrap();
    c.update(Action::Open);
    assert_eq!(c.app.detail.as_ref().map(|d| d.incident.id), Some(id));
}

#[test]
fn the_next_view_starts_from_the_first_row_and_asks_for_the_pane_again() {
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Members));
    c.settle();
    let mut members = c.app.members_pane.clone();
    members.selected = 1;
    let asked = members.update(Nav::NextView);
    assert_eq!(members.selected, 0);
    assert_eq!(
        asked,
        vec![
            Effect::Reload(Pane::Members),
            Effect::Say(format!("showing {}", members.view.label()))
        ]
    );

    let mut register = c.app.register.clone();
    let before = register.view;
    assert_eq!(
        register.update(Nav::NextView),
        vec![Effect::Reload(Pane::Offenders)]
    );
    assert_ne!(register.view, before);

    // the console runs it: the view changes and its rows are read
    c.update(Action::CycleView);
    c.settle();
    assert_eq!(c.app.members_pane.view, members.view);
    assert!(
        message(&c).contains(members.view.label()),
        "{}",
        message(&c)
    );
}

#[test]
fn a_roll_call_answer_is_applied_on_the_pane_and_asked_to_be_kept_under_the_next_number() {
    use watchroom::app::rollcall::StepRefused;
    use watchroom::domain::rollcall::{Answer, Step};
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Radio));
    let mut radio = c.app.radio.clone();
    assert_eq!(
        radio.answer(Step::Answer(Answer::Heard(5))),
        vec![Effect::StepRefused(StepRefused::NoRollCall)],
        "nothing to answer before a roll-call starts"
    );

    c.update(Action::StartRollCall(true)); // a practice: tonight's real one may be saved
    let mut radio = c.app.radio.clone();
    let open = radio.rollcall.as_ref().expect("the roll-call opens");
    let (id, seq) = (open.id, open.next_seq);
    let step = Step::Answer(Answer::Heard(5));
    assert_eq!(
        radio.answer(step.clone()),
        vec![Effect::RecordStep {
            id,
            seq,
            step,
            applied: 0
        }]
    );
    let answered = &radio.rollcall.as_ref().unwrap().rollcall;
    assert_eq!(answered.steps.len(), 1, "applied on the pane at once");
    assert_eq!(
        c.roll_call().steps.len(),
        0,
        "the console's copy is untouched"
    );

    // the console runs it: kept in the store, and the next goes after it
    c.update(Action::RollCall(Step::Answer(Answer::Heard(5))));
    assert_eq!(c.roll_call().steps.len(), 1);
    assert_eq!(c.app.radio.rollcall.as_ref().unwrap().next_seq, seq + 1);
    let stored = c
        .worker
        .open_roll_call_by_id(id)
        .unwrap()
        .expect("still open");
    assert_eq!(stored.rollcall.steps.len(), 1, "kept in the store");
}

#[test]
fn accepting_a_hit_asks_for_its_form_on_the_hit_as_shown_and_a_decided_one_is_refused() {
    use watchroom::app::forms::{FormKind, HitForm};
    use watchroom::domain::sighting::HitStatus;
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Hits));
    let mut hits = c.app.hits.clone();
    let waiting = hits
        .rows
        .iter()
        .position(|h| h.status == HitStatus::New)
        .expect("the demo has a hit waiting");
    hits.selected = waiting;
    let h = hits.rows[waiting].clone();
    match hits.decide(true).as_slice() {
        [Effect::OpenForm(FormKind::Hit(HitForm::Accept { id, version }), form)] => {
            assert_eq!((*id, *version), (h.id, h.version));
            assert!(form.title.contains(&h.id.to_string()), "{}", form.title);
        }
        other => panic!("the accept form: {other:?}"),
    }
    assert!(c.app.nothing_open(), "the copy asked; nothing opened");

    let done = hits
        .rows
        .iter()
        .position(|h| h.status != HitStatus::New)
        .expect("the demo has a hit already decided");
    hits.selected = done;
    let asked = hits.decide(false);
    assert!(
        matches!(asked.as_slice(), [Effect::Warn(w)] if w.contains("already")),
        "{asked:?}"
    );
}

#[test]
fn amending_a_log_entry_asks_for_a_line_against_the_selected_entry_or_says_there_is_none() {
    use watchroom::app::InputKind;
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Log));
    c.update(Action::AddLogEntry);
    c.keys("CCTV handed over to the night team");
    c.key(ratatui::crossterm::event::KeyCode::Enter);
    let log = c.app.log.clone();
    let selected = log.entries.get(log.selected).expect("an entry").id;
    assert_eq!(
        log.write(true),
        vec![Effect::AskLine(InputKind::LogEntry {
            amends: Some(selected)
        })]
    );
    assert_eq!(
        log.write(false),
        vec![Effect::AskLine(InputKind::LogEntry { amends: None })]
    );
    let mut empty = log.clone();
    empty.entries.clear();
    assert_eq!(
        empty.write(true),
        vec![Effect::Warn("no entry to amend".into())]
    );
}

#[test]
fn v_on_a_pane_with_one_view_leaves_the_boards_view_alone_and_says_so() {
    let mut c = demo_console();
    let view = c.app.board.filter.status;
    for pane in [Pane::Hits, Pane::Log] {
        c.update(Action::ShowPane(pane));
        c.update(Action::CycleView);
        assert_eq!(c.app.board.filter.status, view, "{pane:?}");
        assert!(message(&c).contains("has one view"), "{}", message(&c));
    }
}

#[test]
fn an_incident_key_names_the_incident_and_amending_takes_the_note_selected_in_the_timeline() {
    use watchroom::app::incidents::IncidentAct;
    let mut c = demo_console();
    let board = c.app.board.clone();
    let id = board.selected_row().expect("a row is selected").id;
    assert_eq!(
        board.act(IncidentAct::Edit),
        vec![Effect::OnIncident {
            id,
            act: IncidentAct::Edit
        }]
    );
    let mut empty = board.clone();
    empty.rows.clear();
    assert_eq!(
        empty.act(IncidentAct::NoteNow("seen again".into())),
        vec![Effect::Warn("select an incident first".into())]
    );

    c.update(Action::Open);
    c.update(Action::AddNote);
    c.keys("left by the back door");
    c.key(ratatui::crossterm::event::KeyCode::Enter);
    c.update(Action::AdvanceStatus); // a status line on the timeline
    let mut detail = c.app.detail.clone().expect("the incident is open");
    let note = detail
        .timeline
        .iter()
        .rposition(|e| e.text == "left by the back door")
        .expect("the note is on the timeline");
    detail.selected = note;
    assert_eq!(
        detail.act(IncidentAct::AmendNote(None)),
        vec![Effect::OnIncident {
            id,
            act: IncidentAct::AmendNote(Some(detail.timeline[note].id))
        }]
    );
    let system = detail
        .timeline
        .iter()
        .position(|e| e.text.starts_with('['))
        .expect("the timeline has a status line");
    detail.selected = system;
    let asked = detail.act(IncidentAct::AmendNote(None));
    assert!(
        matches!(asked.as_slice(), [Effect::Warn(w)] if w.contains("only notes")),
        "{asked:?}"
    );
}

#[test]
fn a_register_key_names_the_person_and_the_exclusion_keys_need_the_profile_open() {
    use watchroom::app::register::{OffenderAct, RegisterView};
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Offenders));
    let register = c.app.register.clone();
    let id = register
        .selected_offender()
        .expect("the demo has a register");
    assert_eq!(
        register.act(OffenderAct::Edit),
        vec![Effect::OnOffender {
            id,
            act: OffenderAct::Edit
        }]
    );
    let refused = register.act(OffenderAct::Lift);
    assert!(
        matches!(refused.as_slice(), [Effect::Warn(w)] if w.contains("open the person's profile")),
        "{refused:?}"
    );

    // from the exclusions list, someone excluded: their profile names the exclusion
    while c.app.register.view != RegisterView::Exclusions {
        c.update(Action::CycleView);
    }
    c.open_profile("breach check");
    let profile = c.app.profile.clone().expect("the profile opens");
    let e = profile.profile.exclusions[profile.selected].id;
    assert_eq!(
        profile.act(OffenderAct::Appeal),
        vec![Effect::OnExclusion {
            id: e,
            act: OffenderAct::Appeal
        }]
    );
    assert_eq!(
        profile.act(OffenderAct::Exclude),
        vec![Effect::OnOffender {
            id: profile.profile.offender.id,
            act: OffenderAct::Exclude
        }]
    );
    let mut none = profile.clone();
    none.profile.exclusions.clear();
    assert_eq!(
        none.act(OffenderAct::Notice),
        vec![Effect::Warn("this person has no exclusions".into())]
    );
}

#[test]
fn a_members_key_names_the_member_selected_or_asks_for_the_members_view() {
    use watchroom::app::members::{MemberAct, MembersView};
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Members));
    c.settle();
    let mut pane = c.app.members_pane.clone();
    pane.selected = 1;
    let id = pane.rows[1].id;
    assert_eq!(
        pane.act(MemberAct::Edit),
        vec![Effect::OnMember {
            id,
            act: MemberAct::Edit
        }]
    );
    pane.view = MembersView::Training;
    assert_eq!(
        pane.act(MemberAct::AddContact),
        vec![Effect::ChooseMember(MemberAct::AddContact)]
    );
}

#[test]
fn a_set_up_key_names_the_zone_or_camera_selected_in_the_view_shown() {
    use watchroom::app::setup::{SetupAct, SetupView};
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Setup));
    let mut setup = c.app.setup.clone();
    setup.selected = 1;
    let zone = c.app.zones[1].id;
    assert_eq!(
        setup.act(SetupAct::Retire, &c.app.zones, &c.app.cameras),
        vec![Effect::OnSetup {
            act: SetupAct::Retire,
            id: Some(zone)
        }]
    );
    setup.view = SetupView::Cameras;
    let camera = c.app.cameras[1].id;
    assert_eq!(
        setup.act(SetupAct::Edit, &c.app.zones, &c.app.cameras),
        vec![Effect::OnSetup {
            act: SetupAct::Edit,
            id: Some(camera)
        }]
    );
    assert_eq!(
        setup.act(SetupAct::Edit, &c.app.zones, &[]),
        vec![Effect::OnSetup {
            act: SetupAct::Edit,
            id: None
        }],
        "none to name: the app says so"
    );
}

#[test]
fn a_radio_key_names_the_radio_selected_in_the_inventory_or_asks_to_go_there() {
    use watchroom::app::radio::{RadioAct, RadioInput};
    use watchroom::app::InputKind;
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Radio));
    let mut radio = c.app.radio.clone();
    radio.view = RadioView::RollCall;
    assert_eq!(
        radio.act(RadioAct::Edit),
        vec![Effect::ChooseRadio(RadioAct::Edit)]
    );
    radio.view = RadioView::Inventory;
    radio.selected = 1;
    assert_eq!(
        radio.act(RadioAct::Status),
        vec![Effect::OnRadio {
            id: radio.radios[1].radio.id,
            act: RadioAct::Status
        }]
    );
    assert_eq!(
        radio.line(RadioInput::Log),
        vec![Effect::AskLine(InputKind::Radio(RadioInput::Log))]
    );

    // away from the inventory, the status key takes the operator there
    c.update(Action::RadioStatus);
    assert_eq!(c.app.radio.view, RadioView::Inventory);
    assert!(c.app.nothing_open());
    c.update(Action::RadioStatus);
    assert!(c.app.form().is_some(), "then it opens the status form");
}

#[test]
fn the_retention_review_is_the_activity_panes_next_view_only_for_those_allowed() {
    use watchroom::app::ActivityView;
    use watchroom::domain::permission::Permission;
    let c = demo_console();
    let mut activity = c.app.activity.clone();
    assert_eq!(activity.view, ActivityView::Audit);
    assert_eq!(
        activity.next_view(false),
        vec![Effect::Refuse(Permission::RunRetention)]
    );
    assert_eq!(activity.view, ActivityView::Audit, "not moved on");
    assert_eq!(
        activity.next_view(true),
        vec![Effect::Reload(Pane::Activity)]
    );
    assert_eq!(activity.view, ActivityView::Retention);
    assert_eq!(
        activity.next_view(false),
        vec![Effect::Reload(Pane::Activity)],
        "back to the trail needs nothing more"
    );
}

#[test]
fn an_exclusion_key_on_the_register_list_says_to_open_the_profile_first() {
    let mut c = demo_console();
    c.update(Action::ShowPane(Pane::Offenders));
    c.keys("L");
    assert!(
        message(&c).contains("open the person's profile"),
        "{}",
        message(&c)
    );
    assert!(c.app.nothing_open());
}
