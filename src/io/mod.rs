//! Files in and out: what the store and screen need from the file system.

pub mod continuity;
pub mod document;
pub mod erasure;
mod evidence_export;
pub mod export;
pub mod files;
pub mod handover;
pub mod import;
pub mod ingest;
mod net_log;
pub mod pdf;
mod radio_export;
mod redact;
pub mod report;
pub mod retention;
pub mod sar;
pub mod stills;
