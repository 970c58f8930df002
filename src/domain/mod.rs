//! The scheme's rules as plain Rust: no SQLite, no terminal, no clock of its own.

pub mod audit;
pub mod bulletin;
pub mod clock;
pub mod document;
pub mod evidence;
pub mod exclusion;
pub mod filter;
pub mod governance;
pub mod history;
pub mod hit;
pub mod incident;
pub mod member;
pub mod mentions;
pub mod merge;
pub mod money;
pub mod offender;
pub mod overview;
pub mod permission;
pub mod pin;
pub mod place;
pub mod police;
pub mod radio;
pub mod radio_health;
pub mod report;
pub mod retention;
pub mod rollcall;
pub mod search;
mod search_bound;
pub mod shift;
pub mod sighting;
pub mod text;
pub mod typo;
pub mod words;

pub use clock::{Clock, FixedClock, SystemClock};
pub use filter::{BoardOrder, IncidentFilter, StatusView};
pub use incident::{
    Incident, IncidentEdit, NewIncident, Priority, Status, TimelineEntry, TransitionError,
};
pub use money::{format_pence, parse_pence};
pub use place::{Member, Place, Zone};
