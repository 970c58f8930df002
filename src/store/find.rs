//! `:find`: the free text an operator may read, found by its words in the
//! full-text index (schema 17), each kind newest first: incidents, notes,
//! occurrence-log entries and radio messages. (People on the register are
//! found by the console's own register search.)

use super::incidents::PLACE_LABEL;
use super::{from_ts, Result, Store};
use chrono::{DateTime, Utc};
use rusqlite::params;

/// What `:find` found, of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FoundKind {
    Incident,
    Note,
    Log,
    Radio,
}

impl FoundKind {
    pub const ALL: [FoundKind; 4] = [
        FoundKind::Incident,
        FoundKind::Note,
        FoundKind::Log,
        FoundKind::Radio,
    ];

    /// Its kind in the index's rowids (see schema 17).
    fn code(self) -> i64 {
        match self {
            FoundKind::Incident => 1,
            FoundKind::Note => 2,
            FoundKind::Log => 3,
            FoundKind::Radio => 4,
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            FoundKind::Incident => "Incidents",
            FoundKind::Note => "Notes on incidents",
            FoundKind::Log => "Occurrence log",
            FoundKind::Radio => "Radio messages",
        }
    }

    /// The entries of this kind matching, with what a line of the list shows.
    fn sql(self) -> String {
        let matching = "SELECT rowid >> 3 AS id FROM text_index
                        WHERE text_index MATCH ?1 AND (rowid & 7) = ?2
                        ORDER BY rowid DESC LIMIT ?3";
        match self {
            FoundKind::Incident => format!(
                "SELECT i.id, i.id, i.opened_at, '', i.summary || ' — ' || {PLACE_LABEL}
                 FROM ({matching}) f JOIN incidents i ON i.id = f.id
                 LEFT JOIN zones z ON z.id = i.zone_id LEFT JOIN members m ON m.id = i.member_id"
            ),
            FoundKind::Note => format!(
                "SELECT t.id, t.incident_id, t.at, '', t.text
                 FROM ({matching}) f JOIN timeline t ON t.id = f.id"
            ),
            FoundKind::Log => format!(
                "SELECT l.id, NULL, l.at, '', l.text
                 FROM ({matching}) f JOIN occurrence_log l ON l.id = f.id"
            ),
            FoundKind::Radio => format!(
                "SELECT l.id, NULL, l.at, r.call_sign, l.message
                 FROM ({matching}) f JOIN radio_log l ON l.id = f.id JOIN radios r ON r.id = l.radio_id"
            ),
        }
    }
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: FoundKind,
    /// The incident's, note's, log entry's or radio message's own number.
    pub id: i64,
    /// The incident a note is on (an incident's own number for an incident).
    pub incident: Option<i64>,
    pub at: DateTime<Utc>,
    /// The radio's call sign, for a radio message.
    pub call_sign: String,
    pub text: String,
}

impl Store {
    /// Up to `per_kind` of each kind whose text holds every word typed
    /// (each the start of a word there), each kind newest first.
    pub fn find_words<S: AsRef<str>>(&self, words: &[S], per_kind: usize) -> Result<Vec<Found>> {
        let Some(query) = self.text_query(words)? else {
            return Ok(vec![]);
        };
        let mut out = vec![];
        for kind in FoundKind::ALL {
            let mut st = self.conn().prepare_cached(&kind.sql())?;
            let rows = st.query_map(params![query, kind.code(), per_kind as i64], |r| {
                Ok(Found {
                    kind,
                    id: r.get(0)?,
                    incident: r.get(1)?,
                    at: from_ts(r.get(2)?),
                    call_sign: r.get(3)?,
                    text: r.get(4)?,
                })
            })?;
            let mut found: Vec<Found> = rows.collect::<rusqlite::Result<_>>()?;
            // entered newest last; an incident logged late may have opened earlier
            found.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
            out.extend(found);
        }
        Ok(out)
    }
}
