//! Pieces shared by the panes: tabs, status bar, toasts, forms, help, and
//! the history of edits.

pub mod changes;
pub mod find;
pub mod form;
pub mod handover;
pub mod help;
pub mod line;
pub mod photo;
pub mod quit;
pub mod signin;
pub mod status_bar;
pub mod store_gone;
pub mod tabs;
pub mod toast;
