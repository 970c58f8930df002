//! `watchroom report`: the committee report as Markdown (the statistics
//! section of a scheme's yearly progress report), CSV (one tidy table) or
//! JSON (the figures as they are). Counts only: no person or member is named.
//!
//! The CSV has one figure per row, under the header
//! `section,figure,group,month,value`:
//! - `section`: period, incidents, losses, offenders, hits, roll_calls,
//!   radios, members, police;
//! - `figure`: what is counted (`incidents`, `loss_pence`, `accepted`, …);
//! - `group`: what the figure is broken down by, where it is (an incident
//!   type, a zone, a sanction stage, a hit kind — `breach`, `watch` or
//!   `all` —, a radio status, a police crime type), else empty;
//! - `month`: `YYYY-MM` for a month's figure, else empty;
//! - `value`: a whole number (money in pence), a share from 0 to 1 with three
//!   decimals (empty where there is nothing to share out), or, in the period
//!   section, a date or time zone name.
//!
//! A text cell that a spreadsheet would take for a formula (starting with
//! `=`, `+`, `-` or `@`) is written with a leading `'`.

//!
//! `csv` writes the tidy table, `markdown` the statistics section; the JSON
//! is the report's own serialisation.

mod csv;
mod markdown;

pub use csv::{csv, csv_rows, CsvRow, CSV_HEADER};
pub use markdown::markdown;

use crate::domain::report::Report;
use crate::domain::text::clean;
use std::path::Path;

/// The formats `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "“{}” is not a report format (md, csv or json)",
                clean(other)
            )),
        }
    }
}

/// The report in `format`, as text.
pub fn render(report: &Report, format: Format) -> anyhow::Result<String> {
    Ok(match format {
        Format::Markdown => markdown(report),
        Format::Csv => csv(report)?,
        Format::Json => json(report)?,
    })
}

/// Write the report to `path` whole or not at all.
pub fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    crate::io::files::write_whole(path, text.as_bytes())
}

pub fn json(report: &Report) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}
