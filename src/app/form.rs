//! Forms: a column of fields, one focused; typed text, choices, and a place
//! field that offers zones and members as you type.

use super::clash::FieldClash;
use super::input::LineInput;
use super::keymap::{Command, Context, Keymap};
use crate::domain::offender::OffenderKind;
use crate::domain::place::{suggest_places, PlaceChoice};
use crate::domain::{Member, Place, Zone};
use crossterm::event::{KeyCode, KeyEvent};

/// One person offered by an offender lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffenderChoice {
    pub id: i64,
    pub name: String,
    /// What the list shows: the name, and the alias or marker that matched.
    pub label: String,
}

/// Where a form's lookups get their suggestions.
pub trait Suggest {
    fn places(&mut self, fragment: &str) -> Vec<PlaceChoice>;
    fn offenders(&mut self, fragment: &str, kind: Option<OffenderKind>) -> Vec<OffenderChoice>;
}

/// Places from a list of zones and members (and no offenders).
pub struct PlacesOnly<'a> {
    pub zones: &'a [Zone],
    pub members: &'a [Member],
}

impl Suggest for PlacesOnly<'_> {
    fn places(&mut self, fragment: &str) -> Vec<PlaceChoice> {
        suggest_places(fragment, self.zones, self.members, 6)
    }
    fn offenders(&mut self, _: &str, _: Option<OffenderKind>) -> Vec<OffenderChoice> {
        vec![]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// One of a fixed list; ←/→ or space cycle, a typed letter jumps.
    Choice {
        options: Vec<String>,
        index: usize,
    },
    /// A zone, a member, or free text: suggestions as you type, ↑/↓ to pick.
    Place {
        suggestions: Vec<PlaceChoice>,
        pick: usize,
        resolved: Option<Place>,
    },
    /// Someone on the register, found by fuzzy search as you type.
    Offender {
        suggestions: Vec<OffenderChoice>,
        pick: usize,
        resolved: Option<OffenderChoice>,
        kind: Option<OffenderKind>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub input: LineInput,
    pub kind: FieldKind,
    pub hint: &'static str,
    initial: String,
}

impl Field {
    pub fn text(label: &'static str, value: &str, hint: &'static str) -> Field {
        Field {
            label,
            input: LineInput::new(value),
            kind: FieldKind::Text,
            hint,
            initial: value.into(),
        }
    }

    pub fn choice(
        label: &'static str,
        options: Vec<String>,
        index: usize,
        hint: &'static str,
    ) -> Field {
        let index = index.min(options.len().saturating_sub(1));
        let value = options.get(index).cloned().unwrap_or_default();
        Field {
            label,
            input: LineInput::new(&value),
            kind: FieldKind::Choice { options, index },
            hint,
            initial: value,
        }
    }

    /// A place field showing `label`, already resolved to `place` (for editing).
    pub fn place(
        label: &'static str,
        shown: &str,
        place: Option<Place>,
        hint: &'static str,
    ) -> Field {
        Field {
            label,
            input: LineInput::new(shown),
            kind: FieldKind::Place {
                suggestions: vec![],
                pick: 0,
                resolved: place,
            },
            hint,
            initial: shown.into(),
        }
    }

    /// A lookup of people on the register (of one kind, if given).
    pub fn offender(
        label: &'static str,
        chosen: Option<OffenderChoice>,
        kind: Option<OffenderKind>,
        hint: &'static str,
    ) -> Field {
        let shown = chosen.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        Field {
            label,
            input: LineInput::new(&shown),
            kind: FieldKind::Offender {
                suggestions: vec![],
                pick: 0,
                resolved: chosen,
                kind,
            },
            hint,
            initial: shown,
        }
    }

    /// The person chosen in an offender lookup.
    pub fn offender_value(&self) -> Option<&OffenderChoice> {
        match &self.kind {
            FieldKind::Offender { resolved, .. } => resolved.as_ref(),
            _ => None,
        }
    }

    pub fn value(&self) -> &str {
        &self.input.value
    }

    pub fn changed(&self) -> bool {
        self.input.value != self.initial
    }

    /// The value the form opened with.
    pub(super) fn opened_with(&self) -> &str {
        &self.initial
    }

    /// Count the field as opened with `value` (the fresh copy's, once the
    /// form has learnt it), so it is written only if it differs.
    pub(super) fn count_as_opened_with(&mut self, value: &str) {
        self.initial = value.into();
    }

    pub fn choice_index(&self) -> usize {
        match &self.kind {
            FieldKind::Choice { index, .. } => *index,
            _ => 0,
        }
    }

    /// The place this field stands for: a resolved zone or member, or free text.
    pub fn place_value(&self) -> Place {
        match &self.kind {
            FieldKind::Place {
                resolved: Some(p), ..
            } => p.clone(),
            _ => Place {
                zone_id: None,
                member_id: None,
                location: self.input.value.trim().to_string(),
            },
        }
    }

    fn set_choice(&mut self, i: usize) {
        if let FieldKind::Choice { options, index } = &mut self.kind {
            if options.is_empty() {
                return;
            }
            *index = i % options.len();
            self.input = LineInput::new(&options[*index]);
        }
    }

    /// Turn the highlighted suggestion into the field's place (on leaving it).
    fn resolve_place(&mut self) {
        if let FieldKind::Offender {
            suggestions,
            pick,
            resolved,
            ..
        } = &mut self.kind
        {
            if let Some(choice) = suggestions.get(*pick) {
                self.input = LineInput::new(&choice.name);
                *resolved = Some(choice.clone());
            }
            suggestions.clear();
            *pick = 0;
            return;
        }
        if let FieldKind::Place {
            suggestions,
            pick,
            resolved,
        } = &mut self.kind
        {
            if let Some(choice) = suggestions.get(*pick) {
                *resolved = Some(choice.place());
                let name = match choice {
                    PlaceChoice::Zone(z) => z.name.clone(),
                    PlaceChoice::Member(m) => m.name.clone(),
                };
                self.input = LineInput::new(&name);
            }
            suggestions.clear();
            *pick = 0;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last save was refused, shown until the next edit.
    pub error: Option<String>,
    /// Context shown above the fields (e.g. that the incident changed meanwhile).
    pub banner: Option<String>,
    /// Asking whether to throw away typed input.
    pub confirm_discard: bool,
    /// Fields both this operator and a colleague changed (see [`Form::rebase`]).
    pub clashes: Vec<FieldClash>,
    /// Asking, before saving, which value to keep for the first clash.
    pub asking: bool,
}

pub enum FormOutcome {
    Continue,
    Submit,
    Cancel,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            banner: None,
            confirm_discard: false,
            clashes: vec![],
            asking: false,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(|f| f.changed())
    }

    pub fn field(&self, label: &str) -> &Field {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .expect("form field exists")
    }

    pub fn focus_next(&mut self) {
        self.fields[self.focus].resolve_place();
        self.focus = (self.focus + 1) % self.fields.len();
    }

    pub fn focus_prev(&mut self) {
        self.fields[self.focus].resolve_place();
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
    }

    /// Resolve pending suggestions before the form's values are read.
    pub fn settle(&mut self) {
        for f in &mut self.fields {
            f.resolve_place();
        }
    }

    /// Keys that are not the form's moves between fields or its save land
    /// here, read through the keymap's `forms` layer: what a command does
    /// depends on the field (←/→ cycle a choice but move the cursor in
    /// text), and a key that means nothing in this field is typed into it.
    pub fn handle_key(
        &mut self,
        key: KeyEvent,
        keys: &Keymap,
        suggest: &mut dyn Suggest,
    ) -> FormOutcome {
        let command = keys.lookup(&key, &[Context::Form]);
        if self.confirm_discard {
            if command == Some(Command::Discard) {
                return FormOutcome::Cancel;
            }
            self.confirm_discard = false;
            return FormOutcome::Continue;
        }
        let last = self.focus + 1 == self.fields.len();
        match command {
            Some(Command::CancelForm) => {
                if self.is_dirty() {
                    self.confirm_discard = true;
                    return FormOutcome::Continue;
                }
                return FormOutcome::Cancel;
            }
            Some(Command::NextOrSave) => {
                if last {
                    self.settle();
                    return FormOutcome::Submit;
                }
                self.focus_next();
                return FormOutcome::Continue;
            }
            _ => {}
        }
        self.error = None;
        enum Then {
            Stay,
            Next,
            Prev,
            Choose(usize),
        }
        let field = &mut self.fields[self.focus];
        let then = match &mut field.kind {
            FieldKind::Choice { options, index } => {
                let n = options.len().max(1);
                match (command, key.code) {
                    (Some(Command::ChoicePrev), _) => Then::Choose((*index + n - 1) % n),
                    (Some(Command::ChoiceNext), _) => Then::Choose(*index + 1),
                    (Some(Command::PickNext), _) => Then::Next,
                    (Some(Command::PickPrev), _) => Then::Prev,
                    // typed, not bound: a letter or number jumps to an option
                    (_, KeyCode::Char(c)) => {
                        // the next option with a word (or its number) starting with c
                        let c = c.to_ascii_lowercase();
                        let starts = |o: &String| {
                            o.to_lowercase().split_whitespace().any(|w| {
                                w.starts_with(c) || w.trim_start_matches('p').starts_with(c)
                            })
                        };
                        let start = *index;
                        match (1..=n)
                            .map(|d| (start + d) % n)
                            .find(|i| starts(&options[*i]))
                        {
                            Some(i) => Then::Choose(i),
                            None => Then::Stay,
                        }
                    }
                    _ => Then::Stay,
                }
            }
            FieldKind::Place {
                suggestions,
                pick,
                resolved,
            } => match command {
                Some(c @ (Command::PickNext | Command::PickPrev)) if !suggestions.is_empty() => {
                    // the extra last position is “as typed”
                    let n = suggestions.len() + 1;
                    *pick = if c == Command::PickNext {
                        (*pick + 1) % n
                    } else {
                        (*pick + n - 1) % n
                    };
                    Then::Stay
                }
                Some(Command::PickNext) => Then::Next,
                Some(Command::PickPrev) => Then::Prev,
                _ => {
                    if field.input.edit(key, keys) {
                        *resolved = None;
                        *suggestions = suggest.places(&field.input.value);
                        *pick = 0;
                    }
                    Then::Stay
                }
            },
            FieldKind::Offender {
                suggestions,
                pick,
                resolved,
                kind,
            } => match command {
                Some(c @ (Command::PickNext | Command::PickPrev)) if !suggestions.is_empty() => {
                    let n = suggestions.len();
                    *pick = if c == Command::PickNext {
                        (*pick + 1) % n
                    } else {
                        (*pick + n - 1) % n
                    };
                    Then::Stay
                }
                Some(Command::PickNext) => Then::Next,
                Some(Command::PickPrev) => Then::Prev,
                _ => {
                    if field.input.edit(key, keys) {
                        *resolved = None;
                        *suggestions = if field.input.value.trim().is_empty() {
                            vec![]
                        } else {
                            suggest.offenders(&field.input.value, *kind)
                        };
                        *pick = 0;
                    }
                    Then::Stay
                }
            },
            FieldKind::Text => match command {
                Some(Command::PickNext) => Then::Next,
                Some(Command::PickPrev) => Then::Prev,
                _ => {
                    field.input.edit(key, keys);
                    Then::Stay
                }
            },
        };
        match then {
            Then::Stay => {}
            Then::Next => self.focus_next(),
            Then::Prev => self.focus_prev(),
            Then::Choose(i) => self.fields[self.focus].set_choice(i),
        }
        FormOutcome::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    /// A key pressed in a form with the default keys.
    trait Press {
        fn key(&mut self, key: KeyEvent, suggest: &mut dyn Suggest) -> FormOutcome;
    }
    impl Press for Form {
        fn key(&mut self, key: KeyEvent, suggest: &mut dyn Suggest) -> FormOutcome {
            static KEYS: std::sync::OnceLock<Keymap> = std::sync::OnceLock::new();
            self.handle_key(key, KEYS.get_or_init(Keymap::default), suggest)
        }
    }

    fn town() -> (Vec<Zone>, Vec<Member>) {
        (
            vec![
                Zone {
                    id: 1,
                    name: "High Street".into(),
                    ..Default::default()
                },
                Zone {
                    id: 2,
                    name: "Market Square".into(),
                    ..Default::default()
                },
            ],
            vec![Member {
                id: 9,
                name: "Highland Outdoor".into(),
                kind: "shop".into(),
                zone_id: 2,
            }],
        )
    }

    fn type_in(f: &mut Form, s: &str, z: &[Zone], m: &[Member]) {
        for c in s.chars() {
            f.key(
                k(KeyCode::Char(c)),
                &mut PlacesOnly {
                    zones: z,
                    members: m,
                },
            );
        }
    }

    #[test]
    fn a_place_resolves_to_the_highlighted_suggestion() {
        let (z, m) = town();
        let mut f = Form::new(
            "t",
            vec![
                Field::place("Where", "", None, ""),
                Field::text("Text", "", ""),
            ],
        );
        type_in(&mut f, "high", &z, &m);
        match &f.fields[0].kind {
            FieldKind::Place { suggestions, .. } => assert_eq!(suggestions.len(), 2),
            _ => unreachable!(),
        }
        f.key(
            k(KeyCode::Down),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        ); // Highland Outdoor
        f.key(
            k(KeyCode::Tab),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        ); // Tab is not a form key here; Enter moves on
        f.key(
            k(KeyCode::Enter),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        );
        assert_eq!(f.focus, 1);
        assert_eq!(f.fields[0].value(), "Highland Outdoor");
        assert_eq!(
            f.fields[0].place_value(),
            Place {
                zone_id: Some(2),
                member_id: Some(9),
                location: String::new()
            }
        );
    }

    #[test]
    fn free_text_is_kept_when_nothing_matches_or_as_typed_is_picked() {
        let (z, m) = town();
        let mut f = Form::new(
            "t",
            vec![
                Field::place("Where", "", None, ""),
                Field::text("Text", "", ""),
            ],
        );
        type_in(&mut f, "by the bus station", &z, &m);
        f.key(
            k(KeyCode::Enter),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        );
        assert_eq!(f.fields[0].place_value().location, "by the bus station");
        assert_eq!(f.fields[0].place_value().zone_id, None);

        let mut f = Form::new(
            "t",
            vec![
                Field::place("Where", "", None, ""),
                Field::text("Text", "", ""),
            ],
        );
        type_in(&mut f, "market", &z, &m);
        f.key(
            k(KeyCode::Up),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        ); // wraps to “as typed”
        f.key(
            k(KeyCode::Enter),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        );
        assert_eq!(
            f.fields[0].place_value(),
            Place {
                zone_id: None,
                member_id: None,
                location: "market".into()
            }
        );
    }

    #[test]
    fn choices_cycle_and_jump_by_letter_or_number() {
        let (z, m) = town();
        let prio = vec![
            "P1 urgent".to_string(),
            "P2 high".into(),
            "P3 medium".into(),
            "P4 low".into(),
        ];
        let mut f = Form::new("t", vec![Field::choice("Priority", prio, 2, "")]);
        f.key(
            k(KeyCode::Char('1')),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        );
        assert_eq!(f.fields[0].choice_index(), 0);
        f.key(
            k(KeyCode::Left),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        );
        assert_eq!(f.fields[0].value(), "P4 low");
        f.key(
            k(KeyCode::Char('h')),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        );
        assert_eq!(f.fields[0].value(), "P2 high");
    }

    #[test]
    fn escape_asks_before_throwing_away_typed_input() {
        let (z, m) = town();
        let mut f = Form::new("t", vec![Field::text("Text", "", "")]);
        assert!(matches!(
            f.key(
                k(KeyCode::Esc),
                &mut PlacesOnly {
                    zones: &z,
                    members: &m
                }
            ),
            FormOutcome::Cancel
        ));
        type_in(&mut f, "x", &z, &m);
        assert!(matches!(
            f.key(
                k(KeyCode::Esc),
                &mut PlacesOnly {
                    zones: &z,
                    members: &m
                }
            ),
            FormOutcome::Continue
        ));
        assert!(f.confirm_discard);
        assert!(matches!(
            f.key(
                k(KeyCode::Char('n')),
                &mut PlacesOnly {
                    zones: &z,
                    members: &m
                }
            ),
            FormOutcome::Continue
        ));
        assert_eq!(f.fields[0].value(), "x");
        f.key(
            k(KeyCode::Esc),
            &mut PlacesOnly {
                zones: &z,
                members: &m,
            },
        );
        assert!(matches!(
            f.key(
                k(KeyCode::Char('y')),
                &mut PlacesOnly {
                    zones: &z,
                    members: &m
                }
            ),
            FormOutcome::Cancel
        ));
    }

    #[test]
    fn enter_on_the_last_field_submits() {
        let (z, m) = town();
        let mut f = Form::new(
            "t",
            vec![Field::text("A", "", ""), Field::text("B", "", "")],
        );
        assert!(matches!(
            f.key(
                k(KeyCode::Enter),
                &mut PlacesOnly {
                    zones: &z,
                    members: &m
                }
            ),
            FormOutcome::Continue
        ));
        assert!(matches!(
            f.key(
                k(KeyCode::Enter),
                &mut PlacesOnly {
                    zones: &z,
                    members: &m
                }
            ),
            FormOutcome::Submit
        ));
    }
}
