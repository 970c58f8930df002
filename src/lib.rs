//! watchroom: a terminal console for a Business Crime Reduction Partnership's control room.
//!
//! Four layers, one direction: `ui` → `app` → `domain`, and `app` → `store` → `domain`.

pub mod app;
pub mod cli;
pub mod domain;
pub mod io;
pub mod store;
pub mod ui;
