//! Forms: a column of fields, one focused; typed text, choices, and a place
//! field that offers zones and members as you type.

mod key;
#[cfg(test)]
mod tests;

pub use key::FieldKey;

use super::clash::FieldClash;
use super::input::LineInput;
use super::keymap::{Command, Context, Keymap};
use crate::domain::offender::OffenderKind;
use crate::domain::place::{suggest_places, PlaceChoice};
use crate::domain::{Member, Place, Zone};
use crate::store::StoreError;
use crossterm::event::{KeyCode, KeyEvent};

/// One person offered by an offender lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffenderChoice {
    pub id: i64,
    pub name: String,
    /// What the list shows: the name, and the alias or marker that matched.
    pub label: String,
    /// How well it matched what was typed (0 when not from a search); two
    /// equal at the top of the list are equally good.
    pub score: u32,
    /// Their photo's file, if the record has one (drawn beside the
    /// highlighted row where the terminal shows images).
    pub photo: String,
}

/// People equally good for what was typed, the first taken without a
/// deliberate pick: saving asks which was meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    pub typed: String,
    pub people: Vec<OffenderChoice>,
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
        /// The pick was moved (or asked for): the person taken is meant.
        moved: bool,
        tie: Option<Tie>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: FieldKey,
    pub label: &'static str,
    pub input: LineInput,
    pub kind: FieldKind,
    pub hint: &'static str,
    initial: String,
}

impl Field {
    pub fn text(key: FieldKey, value: &str, hint: &'static str) -> Field {
        Field {
            key,
            label: key.label(),
            input: LineInput::new(value),
            kind: FieldKind::Text,
            hint,
            initial: value.into(),
        }
    }

    pub fn choice(key: FieldKey, options: Vec<String>, index: usize, hint: &'static str) -> Field {
        let index = index.min(options.len().saturating_sub(1));
        let value = options.get(index).cloned().unwrap_or_default();
        Field {
            key,
            label: key.label(),
            input: LineInput::new(&value),
            kind: FieldKind::Choice { options, index },
            hint,
            initial: value,
        }
    }

    /// A place field showing `label`, already resolved to `place` (for editing).
    pub fn place(key: FieldKey, shown: &str, place: Option<Place>, hint: &'static str) -> Field {
        Field {
            key,
            label: key.label(),
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
        key: FieldKey,
        chosen: Option<OffenderChoice>,
        kind: Option<OffenderKind>,
        hint: &'static str,
    ) -> Field {
        let shown = chosen.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        Field {
            key,
            label: key.label(),
            input: LineInput::new(&shown),
            kind: FieldKind::Offender {
                suggestions: vec![],
                pick: 0,
                resolved: chosen,
                kind,
                moved: false,
                tie: None,
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

    /// The person highlighted in this field's list of suggestions, if any.
    pub fn highlighted_offender(&self) -> Option<&OffenderChoice> {
        match &self.kind {
            FieldKind::Offender {
                suggestions, pick, ..
            } => suggestions.get(*pick),
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
            moved,
            tie,
            ..
        } = &mut self.kind
        {
            if let Some(choice) = suggestions.get(*pick) {
                let top = choice.score;
                let equal: Vec<OffenderChoice> = suggestions
                    .iter()
                    .take_while(|s| s.score == top)
                    .cloned()
                    .collect();
                *tie = (!*moved && *pick == 0 && equal.len() > 1).then(|| Tie {
                    typed: self.input.value.clone(),
                    people: equal,
                });
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

/// Move a highlight among `n` suggestions, wrapping round.
fn cycle(pick: &mut usize, n: usize, down: bool) {
    *pick = if down {
        (*pick + 1) % n
    } else {
        (*pick + n - 1) % n
    };
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
    /// A record already on the register this form may be about: its
    /// number and how it reads, offered to open instead.
    pub open_instead: Option<(i64, String)>,
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
            open_instead: None,
        }
    }

    /// Before saving: a person field whose first suggestion was taken
    /// while another was equally good gets those people back to choose
    /// from (any taken then is meant). What to say, if it asks.
    pub fn ask_who_was_meant(&mut self) -> Option<String> {
        let i = self.fields.iter().position(|f| {
            matches!(
                &f.kind,
                FieldKind::Offender {
                    tie: Some(_),
                    resolved: Some(_),
                    ..
                }
            )
        })?;
        let field = &mut self.fields[i];
        let FieldKind::Offender {
            suggestions,
            pick,
            resolved,
            moved,
            tie,
            ..
        } = &mut field.kind
        else {
            return None;
        };
        let t = tie.take()?;
        let n = t.people.len();
        *suggestions = t.people;
        *pick = 0;
        *resolved = None;
        *moved = true;
        field.input = LineInput::new(&t.typed);
        self.focus = i;
        Some(format!(
            "{n} people match “{}” equally well: choose the one you saw, then save again",
            t.typed.trim()
        ))
    }

    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(|f| f.changed())
    }

    /// The field for `key`. A form without it is refused with a message
    /// (nothing is saved) rather than stopping the console.
    pub fn field(&self, key: FieldKey) -> Result<&Field, StoreError> {
        self.fields.iter().find(|f| f.key == key).ok_or_else(|| {
            StoreError::Invalid(format!(
                "this form has no “{}” field, so nothing was saved",
                key.label()
            ))
        })
    }

    /// The same field, to change.
    pub fn field_mut(&mut self, key: FieldKey) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
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

    /// Suggest people again for every person field still being typed,
    /// after the register changed under the form (a person added on
    /// another console, or the register read in at start): the person
    /// picked stays picked where still suggested.
    pub fn suggest_people_again(&mut self, suggest: &mut dyn Suggest) {
        for field in &mut self.fields {
            if let FieldKind::Offender {
                suggestions,
                pick,
                resolved: None,
                kind,
                ..
            } = &mut field.kind
            {
                if field.input.value.trim().is_empty() {
                    continue;
                }
                let was = suggestions.get(*pick).map(|o| o.id);
                *suggestions = suggest.offenders(&field.input.value, *kind);
                *pick = was
                    .and_then(|id| suggestions.iter().position(|o| o.id == id))
                    .unwrap_or(0);
            }
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
                    cycle(pick, suggestions.len() + 1, c == Command::PickNext);
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
                moved,
                tie,
            } => match command {
                Some(c @ (Command::PickNext | Command::PickPrev)) if !suggestions.is_empty() => {
                    cycle(pick, suggestions.len(), c == Command::PickNext);
                    *moved = true;
                    Then::Stay
                }
                Some(Command::PickNext) => Then::Next,
                Some(Command::PickPrev) => Then::Prev,
                _ => {
                    if field.input.edit(key, keys) {
                        *resolved = None;
                        *moved = false;
                        *tie = None;
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
