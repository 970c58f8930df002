//! One module per pane.

pub mod activity;
pub mod board;
pub mod detail;
