//! One module per pane.

pub mod activity;
pub mod board;
pub mod detail;
pub mod evidence;
pub mod gallery;
pub mod governance;
pub mod hits;
pub mod log;
pub mod members;
pub mod overview;
pub mod profile;
pub mod radio;
pub mod radio_inventory;
pub mod radio_log;
pub mod register;
pub mod reports;
pub mod setup;
pub mod sightings;
