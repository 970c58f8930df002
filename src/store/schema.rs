//! Versioned migrations. The schema grows by appending to `MIGRATIONS` only:
//! a store's `PRAGMA user_version` says how many have been applied.
//!
//! Over 800 lines: one list of every migration in order, each with why;
//! splitting it would hide the order that is the point of it.

/// The statement a register trigger runs: give the record `$id` names the
/// next change number (changes are written one transaction at a time, so
/// the numbers only grow).
macro_rules! register_change {
    ($id:literal) => {
        concat!(
            "
    INSERT INTO register_changes (offender_id, seq)
    VALUES (",
            $id,
            ", (SELECT COALESCE(MAX(seq), 0) + 1 FROM register_changes))
    ON CONFLICT (offender_id) DO UPDATE SET seq = excluded.seq;
"
        )
    };
}

pub const MIGRATIONS: &[&str] = &[
    // 1: the console's first schema.
    r#"
CREATE TABLE operators (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role        TEXT NOT NULL CHECK (role IN ('operator','cctv','coordinator','manager','viewer')),
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);

CREATE TABLE zones (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    code  TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE members (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    zone_id              INTEGER NOT NULL REFERENCES zones(id),
    address              TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('pending','active','lapsed','left')),
    joined_on            TEXT,
    renewal_on           TEXT,
    agreement_version    TEXT,
    agreement_signed_on  TEXT
);
CREATE INDEX members_zone ON members(zone_id);

CREATE TABLE radios (
    id         INTEGER PRIMARY KEY,
    call_sign  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    serial     TEXT NOT NULL UNIQUE,
    member_id  INTEGER REFERENCES members(id),
    status     TEXT NOT NULL CHECK (status IN ('issued','spare','faulty','in repair','lost','stunned')),
    notes      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE offenders (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('known','id_sought')),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    markers      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE offender_aliases (
    offender_id  INTEGER NOT NULL REFERENCES offenders(id) ON DELETE CASCADE,
    alias        TEXT NOT NULL,
    PRIMARY KEY (offender_id, alias)
);

CREATE TABLE exclusions (
    id           INTEGER PRIMARY KEY,
    offender_id  INTEGER NOT NULL REFERENCES offenders(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    all_zones    INTEGER NOT NULL DEFAULT 1,
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    served_at    INTEGER,
    served_by    TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    CHECK (ends_at > starts_at)
);
CREATE INDEX exclusions_offender ON exclusions(offender_id);

CREATE TABLE exclusion_zones (
    exclusion_id  INTEGER NOT NULL REFERENCES exclusions(id) ON DELETE CASCADE,
    zone_id       INTEGER NOT NULL REFERENCES zones(id),
    PRIMARY KEY (exclusion_id, zone_id)
);

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    priority        INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
    status          TEXT NOT NULL CHECK (status IN ('open','responding','police','closed')),
    zone_id         INTEGER REFERENCES zones(id),
    member_id       INTEGER REFERENCES members(id),
    location        TEXT NOT NULL DEFAULT '',
    summary         TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    close_reason    TEXT,
    police_ref      TEXT NOT NULL DEFAULT '',
    loss_pence      INTEGER NOT NULL DEFAULT 0 CHECK (loss_pence >= 0),
    recovery_pence  INTEGER NOT NULL DEFAULT 0 CHECK (recovery_pence >= 0),
    version         INTEGER NOT NULL DEFAULT 1,
    opened_by       INTEGER NOT NULL REFERENCES operators(id),
    updated_by      INTEGER NOT NULL REFERENCES operators(id),
    -- the board's order: live before closed, then priority, then age
    -- (oldest live first, newest closed first), then id to break ties
    closed          INTEGER GENERATED ALWAYS AS (status = 'closed') VIRTUAL,
    age_key         INTEGER GENERATED ALWAYS AS (CASE WHEN status = 'closed' THEN -opened_at ELSE opened_at END) VIRTUAL
);
CREATE INDEX incidents_board ON incidents(closed, priority, age_key, id);
CREATE INDEX incidents_opened ON incidents(opened_at);

CREATE TABLE incident_offenders (
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    offender_id  INTEGER NOT NULL REFERENCES offenders(id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, offender_id)
);
CREATE INDEX incident_offenders_offender ON incident_offenders(offender_id);

CREATE TABLE timeline (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    operator_id  INTEGER NOT NULL REFERENCES operators(id),
    kind         TEXT NOT NULL CHECK (kind IN ('note','status','edit')),
    text         TEXT NOT NULL,
    amends       INTEGER REFERENCES timeline(id)
);
CREATE INDEX timeline_incident ON timeline(incident_id, id);

CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    operator_id  INTEGER REFERENCES operators(id),
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    INTEGER,
    detail       TEXT NOT NULL DEFAULT ''
);
"#,
    // 2: filters by member or zone name look incidents up through these.
    r#"
CREATE INDEX incidents_member ON incidents(member_id);
CREATE INDEX incidents_zone ON incidents(zone_id);
"#,
    // 3: the CCTV desk — offender details, exclusion appeals, cameras, sightings, hits.
    r#"
ALTER TABLE offenders ADD COLUMN nicknames TEXT NOT NULL DEFAULT '';
ALTER TABLE offenders ADD COLUMN photo_path TEXT NOT NULL DEFAULT '';
ALTER TABLE offenders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- an ID-sought record merged into a known one keeps a pointer, never its links
ALTER TABLE offenders ADD COLUMN merged_into INTEGER REFERENCES offenders(id);
CREATE INDEX offenders_kind ON offenders(kind, status);

ALTER TABLE exclusions ADD COLUMN appeal_lodged_on TEXT;
ALTER TABLE exclusions ADD COLUMN appeal_outcome TEXT;
ALTER TABLE exclusions ADD COLUMN review_on TEXT;
ALTER TABLE exclusions ADD COLUMN lifted_at INTEGER;
ALTER TABLE exclusions ADD COLUMN created_by INTEGER REFERENCES operators(id);
CREATE INDEX exclusions_ends ON exclusions(ends_at);

CREATE TABLE exclusion_incidents (
    exclusion_id  INTEGER NOT NULL REFERENCES exclusions(id) ON DELETE CASCADE,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    PRIMARY KEY (exclusion_id, incident_id)
);

CREATE TABLE cameras (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    zone_id     INTEGER REFERENCES zones(id),
    is_default  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sightings (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    camera_id    INTEGER REFERENCES cameras(id),
    zone_id      INTEGER REFERENCES zones(id),
    location     TEXT NOT NULL DEFAULT '',
    offender_id  INTEGER REFERENCES offenders(id) ON DELETE CASCADE,
    description  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    incident_id  INTEGER REFERENCES incidents(id) ON DELETE SET NULL,
    created_by   INTEGER NOT NULL REFERENCES operators(id),
    created_at   INTEGER NOT NULL,
    CHECK (offender_id IS NOT NULL OR description <> '')
);
CREATE INDEX sightings_offender ON sightings(offender_id, at);
CREATE INDEX sightings_at ON sightings(at);

CREATE TABLE hits (
    id             INTEGER PRIMARY KEY,
    raised_at      INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('breach','watch')),
    offender_id    INTEGER NOT NULL REFERENCES offenders(id) ON DELETE CASCADE,
    sighting_id    INTEGER REFERENCES sightings(id) ON DELETE CASCADE,
    incident_id    INTEGER REFERENCES incidents(id) ON DELETE CASCADE,
    exclusion_id   INTEGER REFERENCES exclusions(id) ON DELETE SET NULL,
    zone_id        INTEGER REFERENCES zones(id),
    detail         TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','accepted','rejected')),
    decided_at     INTEGER,
    decided_by     INTEGER REFERENCES operators(id),
    action_taken   TEXT,
    reject_reason  TEXT
);
CREATE INDEX hits_open ON hits(status, raised_at);
CREATE INDEX hits_offender ON hits(offender_id);
"#,
    // 4: the radio network — status history, the day's radio log, roll-calls.
    r#"
CREATE TABLE radio_status_history (
    id           INTEGER PRIMARY KEY,
    radio_id     INTEGER NOT NULL REFERENCES radios(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    operator_id  INTEGER REFERENCES operators(id),
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX radio_status_history_radio ON radio_status_history(radio_id, at);

CREATE TABLE radio_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    radio_id     INTEGER NOT NULL REFERENCES radios(id),
    message      TEXT NOT NULL,
    operator_id  INTEGER NOT NULL REFERENCES operators(id)
);
CREATE INDEX radio_log_at ON radio_log(at);
CREATE INDEX radio_log_radio ON radio_log(radio_id, at);

CREATE TABLE roll_calls (
    id             INTEGER PRIMARY KEY,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    practice       INTEGER NOT NULL DEFAULT 0,
    started_by     INTEGER NOT NULL REFERENCES operators(id),
    expected       INTEGER NOT NULL DEFAULT 0,
    answered       INTEGER NOT NULL DEFAULT 0,
    nothing_heard  INTEGER NOT NULL DEFAULT 0,
    weak           INTEGER NOT NULL DEFAULT 0,
    relays         INTEGER NOT NULL DEFAULT 0,
    closed         INTEGER NOT NULL DEFAULT 0,
    late           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX roll_calls_started ON roll_calls(started_at);

-- the roster as it stood when the roll-call began
CREATE TABLE roll_call_stations (
    roll_call_id  INTEGER NOT NULL REFERENCES roll_calls(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    radio_id      INTEGER NOT NULL REFERENCES radios(id),
    call_sign     TEXT NOT NULL,
    member        TEXT NOT NULL,
    zone          TEXT NOT NULL,
    PRIMARY KEY (roll_call_id, seq)
);

-- every step the coordinator took, so an interrupted roll-call resumes exactly
CREATE TABLE roll_call_steps (
    roll_call_id  INTEGER NOT NULL REFERENCES roll_calls(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    step          TEXT NOT NULL,
    PRIMARY KEY (roll_call_id, seq)
);

-- each station's final answer, written when the roll-call is finished
CREATE TABLE roll_call_answers (
    roll_call_id  INTEGER NOT NULL REFERENCES roll_calls(id) ON DELETE CASCADE,
    radio_id      INTEGER NOT NULL REFERENCES radios(id),
    answer        TEXT NOT NULL,
    readability   INTEGER,
    late          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (roll_call_id, radio_id)
);
CREATE INDEX roll_call_answers_radio ON roll_call_answers(radio_id, roll_call_id);
"#,
    // 5: the audit trail chained by hashes (see store/audit/). Records already
    // kept are numbered here in the order they were written; SQLite has no
    // SHA-256, so their hashes are computed by the store right after this
    // migration (`audit::seal_unchained`), in one transaction, in id order.
    r#"
ALTER TABLE audit ADD COLUMN seq INTEGER;
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
UPDATE audit SET seq = numbered.n
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM audit) AS numbered
WHERE numbered.id = audit.id;

-- the newest record's seq and hash, written in the same transaction as it:
-- the only witness that records were cut from the end of the trail
CREATE TABLE audit_anchor (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
"#,
    // 6: sign-in — PINs kept only as slow salted hashes, and lock-outs.
    r#"
ALTER TABLE operators ADD COLUMN pin_hash TEXT;
ALTER TABLE operators ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operators ADD COLUMN locked_until INTEGER;
"#,
    // 7: the shift and its handover, the occurrence log, members' leaving
    // dates (for the committee report), police open data, and ingest.
    r#"
CREATE TABLE shifts (
    id           INTEGER PRIMARY KEY,
    operator_id  INTEGER NOT NULL REFERENCES operators(id),
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER
);
CREATE INDEX shifts_started ON shifts(started_at);

-- append-only through the store: an amendment is a new entry naming the old
CREATE TABLE occurrence_log (
    id           INTEGER PRIMARY KEY,
    shift_id     INTEGER REFERENCES shifts(id),
    operator_id  INTEGER NOT NULL REFERENCES operators(id),
    at           INTEGER NOT NULL,
    text         TEXT NOT NULL,
    amends       INTEGER REFERENCES occurrence_log(id)
);
CREATE INDEX occurrence_log_at ON occurrence_log(at);

-- the handover as it was shown when the shift ended (Markdown), and who
-- took it over
CREATE TABLE handovers (
    id               INTEGER PRIMARY KEY,
    shift_id         INTEGER NOT NULL UNIQUE REFERENCES shifts(id),
    operator_id      INTEGER NOT NULL REFERENCES operators(id),
    at               INTEGER NOT NULL,
    body             TEXT NOT NULL,
    acknowledged_by  INTEGER REFERENCES operators(id),
    acknowledged_at  INTEGER
);

-- the day a member lapsed or left, so a period's figures can count it
ALTER TABLE members ADD COLUMN left_on TEXT;

-- the monthly street-level crime file published for England and Wales;
-- row_key is the Crime ID, or for rows without one (anti-social behaviour)
-- a digest of the row, so an import run twice adds nothing
CREATE TABLE police_crimes (
    id            INTEGER PRIMARY KEY,
    row_key       TEXT NOT NULL UNIQUE,
    crime_id      TEXT NOT NULL DEFAULT '',
    month         TEXT NOT NULL,
    reported_by   TEXT NOT NULL DEFAULT '',
    falls_within  TEXT NOT NULL DEFAULT '',
    longitude     REAL,
    latitude      REAL,
    location      TEXT NOT NULL DEFAULT '',
    lsoa_code     TEXT NOT NULL DEFAULT '',
    lsoa_name     TEXT NOT NULL DEFAULT '',
    crime_type    TEXT NOT NULL,
    last_outcome  TEXT NOT NULL DEFAULT '',
    context       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX police_crimes_month ON police_crimes(month, crime_type);

-- where an incident came from when another system sent it, and that
-- system's reference, so a line sent twice is one incident
ALTER TABLE incidents ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN source_ref TEXT;
CREATE UNIQUE INDEX incidents_source_ref ON incidents(source, source_ref) WHERE source_ref IS NOT NULL;
"#,
    // 8: members' contacts and fees, and the training of their staff.
    r#"
ALTER TABLE members ADD COLUMN fee_paid_pence INTEGER NOT NULL DEFAULT 0 CHECK (fee_paid_pence >= 0);

CREATE TABLE member_contacts (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX member_contacts_member ON member_contacts(member_id);

-- one course taken by one person at a member; the refresher date is kept
-- as set when recorded, so a later change to the config's periods does
-- not move dates already given to members
CREATE TABLE training (
    id                INTEGER PRIMARY KEY,
    member_id         INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    person            TEXT NOT NULL,
    course            TEXT NOT NULL,
    taken_on          TEXT NOT NULL,
    refresher_due_on  TEXT NOT NULL
);
CREATE INDEX training_member ON training(member_id, course);
"#,
    // 9: the scheme's documents and bulletin.
    r#"
-- what a notice served on a person needs to name and reach them; both optional
ALTER TABLE offenders ADD COLUMN date_of_birth TEXT;
ALTER TABLE offenders ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- every notice, letter, agreement and bulletin made, and what it serves
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    exclusion_id  INTEGER REFERENCES exclusions(id) ON DELETE SET NULL,
    member_id     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    created_by    INTEGER REFERENCES operators(id),
    files         TEXT NOT NULL DEFAULT '[]'   -- a JSON list of the paths written
);
CREATE INDEX documents_exclusion ON documents(exclusion_id);

-- the people a document shows (a notice's person, a bulletin's people), so
-- a subject access report can list them and retention can delete them
CREATE TABLE document_subjects (
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    offender_id  INTEGER NOT NULL REFERENCES offenders(id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, offender_id)
);
CREATE INDEX document_subjects_offender ON document_subjects(offender_id);

-- what the manager wants members to watch for, shown in bulletins for the
-- days it covers
CREATE TABLE bulletin_alerts (
    id          INTEGER PRIMARY KEY,
    text        TEXT NOT NULL,
    from_on     TEXT NOT NULL,
    until_on    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER REFERENCES operators(id),
    CHECK (until_on >= from_on)
);
"#,
    // 10: going live — what the store is (a scheme's own, or the demo town),
    // the scheme's details as its set-up screen keeps them, and zones and
    // cameras that retire (keeping their history) instead of being deleted.
    r#"
CREATE TABLE store_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE zones ADD COLUMN retired_at INTEGER;
ALTER TABLE cameras ADD COLUMN number INTEGER;
ALTER TABLE cameras ADD COLUMN retired_at INTEGER;
CREATE UNIQUE INDEX cameras_number ON cameras(number) WHERE number IS NOT NULL;
"#,
    // 11: what every edit replaced (see store/history.rs): one row a field
    // changed, what it was and what it became, as the console shows them;
    // the rows one save wrote share `edit` (its first row's id). Each row
    // belongs to one record and goes with it. Old values can name people:
    // they are kept here, where retention and the subject access request
    // reach them, never in the audit trail.
    r#"
CREATE TABLE field_changes (
    id            INTEGER PRIMARY KEY,
    edit          INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    operator_id   INTEGER REFERENCES operators(id),
    timeline_id   INTEGER REFERENCES timeline(id) ON DELETE CASCADE,
    offender_id   INTEGER REFERENCES offenders(id) ON DELETE CASCADE,
    exclusion_id  INTEGER REFERENCES exclusions(id) ON DELETE CASCADE,
    member_id     INTEGER REFERENCES members(id) ON DELETE CASCADE,
    radio_id      INTEGER REFERENCES radios(id) ON DELETE CASCADE,
    field         TEXT NOT NULL,
    old           TEXT NOT NULL,
    new           TEXT NOT NULL,
    CHECK ((timeline_id IS NOT NULL) + (offender_id IS NOT NULL) + (exclusion_id IS NOT NULL)
           + (member_id IS NOT NULL) + (radio_id IS NOT NULL) = 1)
);
CREATE INDEX field_changes_timeline ON field_changes(timeline_id);
CREATE INDEX field_changes_offender ON field_changes(offender_id);
CREATE INDEX field_changes_exclusion ON field_changes(exclusion_id);
CREATE INDEX field_changes_member ON field_changes(member_id);
CREATE INDEX field_changes_radio ON field_changes(radio_id);
"#,
    // 12: two coordinators on one roll-call: who took each step and who saved
    // it (so a clash can say who got there first), and the open roll-call
    // found without reading every night's row.
    r#"
ALTER TABLE roll_call_steps ADD COLUMN operator_id INTEGER REFERENCES operators(id);
ALTER TABLE roll_calls ADD COLUMN finished_by INTEGER REFERENCES operators(id);
CREATE INDEX roll_calls_open ON roll_calls(id) WHERE finished_at IS NULL;
"#,
    // 13: which offender records changed, so a console's search index reads
    // only those (see store/search.rs): one row per record ever changed, with
    // the newest change's number; a row whose record is gone (erased) or
    // merged is a removal. Triggers keep it, so no writer can forget it. It
    // holds record numbers only, nothing that names a person.
    concat!(
        "
CREATE TABLE register_changes (
    offender_id  INTEGER PRIMARY KEY,
    seq          INTEGER NOT NULL
);
CREATE INDEX register_changes_seq ON register_changes(seq);
",
        "CREATE TRIGGER register_offender_added AFTER INSERT ON offenders BEGIN",
        register_change!("NEW.id"),
        "END;
CREATE TRIGGER register_offender_changed AFTER UPDATE ON offenders BEGIN",
        register_change!("NEW.id"),
        "END;
CREATE TRIGGER register_offender_removed AFTER DELETE ON offenders BEGIN",
        register_change!("OLD.id"),
        "END;
CREATE TRIGGER register_alias_added AFTER INSERT ON offender_aliases BEGIN",
        register_change!("NEW.offender_id"),
        "END;
CREATE TRIGGER register_alias_changed AFTER UPDATE ON offender_aliases BEGIN",
        register_change!("NEW.offender_id"),
        register_change!("OLD.offender_id"),
        "END;
CREATE TRIGGER register_alias_removed AFTER DELETE ON offender_aliases BEGIN",
        register_change!("OLD.offender_id"),
        "END;
"
    ),
    // 14: one optimistic-concurrency rule for every record two people can
    // edit (see store/versions.rs): a version bumped by every write, and who
    // made the write and when, so a refused save can say so. Incidents and
    // offenders had a version; an incident's last editor was its updater
    // (a note now changes neither).
    r#"
ALTER TABLE incidents ADD COLUMN changed_by INTEGER REFERENCES operators(id);
ALTER TABLE incidents ADD COLUMN changed_at INTEGER;
UPDATE incidents SET changed_by = updated_by, changed_at = updated_at;
ALTER TABLE offenders ADD COLUMN changed_by INTEGER REFERENCES operators(id);
ALTER TABLE offenders ADD COLUMN changed_at INTEGER;
UPDATE offenders SET changed_at = updated_at;
ALTER TABLE exclusions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE exclusions ADD COLUMN changed_by INTEGER REFERENCES operators(id);
ALTER TABLE exclusions ADD COLUMN changed_at INTEGER;
ALTER TABLE members ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN changed_by INTEGER REFERENCES operators(id);
ALTER TABLE members ADD COLUMN changed_at INTEGER;
ALTER TABLE radios ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE radios ADD COLUMN changed_by INTEGER REFERENCES operators(id);
ALTER TABLE radios ADD COLUMN changed_at INTEGER;
ALTER TABLE hits ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE hits ADD COLUMN changed_by INTEGER REFERENCES operators(id);
ALTER TABLE hits ADD COLUMN changed_at INTEGER;
UPDATE hits SET changed_by = decided_by, changed_at = decided_at WHERE decided_at IS NOT NULL;
"#,
    // 15: one hit per situation (see store/sightings.rs): a person seen
    // again while their hit waits is counted on it, with where and when
    // last; the hit's reminders escalate once (when, written by the first
    // console to reach it) and can be snoozed (until when, and why). A hit
    // raised before this was seen once, where it was raised.
    r#"
ALTER TABLE hits ADD COLUMN seen_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE hits ADD COLUMN last_seen_at INTEGER;
ALTER TABLE hits ADD COLUMN last_sighting_id INTEGER REFERENCES sightings(id) ON DELETE SET NULL;
ALTER TABLE hits ADD COLUMN last_zone_id INTEGER REFERENCES zones(id);
ALTER TABLE hits ADD COLUMN escalated_at INTEGER;
ALTER TABLE hits ADD COLUMN snoozed_until INTEGER;
ALTER TABLE hits ADD COLUMN snooze_reason TEXT;
UPDATE hits SET last_seen_at = COALESCE((SELECT s.at FROM sightings s WHERE s.id = hits.sighting_id), raised_at),
                last_sighting_id = sighting_id, last_zone_id = zone_id;
CREATE INDEX hits_waiting_for ON hits(offender_id, kind) WHERE status = 'new';
"#,
    // 16: the board's other orders (newest, oldest, last updated first), each
    // a window on an index: by time alone for the all view, and within live
    // or closed for the others, so the live view's few rows are not sought
    // among a million closed ones. (incidents_opened serves the all view.)
    r#"
CREATE INDEX incidents_updated ON incidents(updated_at);
CREATE INDEX incidents_closed_opened ON incidents(closed, opened_at);
CREATE INDEX incidents_closed_updated ON incidents(closed, updated_at);
"#,
    // 17: the full-text index (queried in store/incidents.rs): one FTS5
    // table over the free text of incidents (with their place and number),
    // timeline notes, the occurrence log, radio messages, sightings and hit
    // outcomes. A row's rowid is its source's id times 8 plus its kind, so a
    // change finds its entry without a search. Kept by triggers, so the
    // index is written in the same transaction as the text. Contentless, so
    // it holds no second copy of the text; deletable, so a removed word
    // leaves it (retention then merges the index, see
    // store/privacy/retention.rs); which entries hold a word, not where in
    // them (detail none: no query here needs positions). No prefix index:
    // one of a word's first letters costs a fifth of ingest's rate, three
    // of them half. Rebuilt here for the rows already kept.
    r#"
CREATE VIRTUAL TABLE text_index USING fts5(
    body, content = '', contentless_delete = 1, detail = none,
    tokenize = "unicode61 remove_diacritics 2"
);

CREATE TRIGGER text_index_incident_in AFTER INSERT ON incidents BEGIN
    INSERT INTO text_index (rowid, body) VALUES (new.id * 8 + 1, new.summary || ' ' || new.location || ' ' || new.kind || ' ' || new.police_ref
        || ' ' || COALESCE((SELECT name FROM members WHERE id = new.member_id), '')
        || ' ' || COALESCE((SELECT name FROM zones WHERE id = new.zone_id), '') || ' #' || new.id);
END;
CREATE TRIGGER text_index_incident_up AFTER UPDATE OF summary, location, kind, police_ref, member_id, zone_id ON incidents BEGIN
    INSERT OR REPLACE INTO text_index (rowid, body) VALUES (new.id * 8 + 1, new.summary || ' ' || new.location || ' ' || new.kind || ' ' || new.police_ref
        || ' ' || COALESCE((SELECT name FROM members WHERE id = new.member_id), '')
        || ' ' || COALESCE((SELECT name FROM zones WHERE id = new.zone_id), '') || ' #' || new.id);
END;
CREATE TRIGGER text_index_incident_out AFTER DELETE ON incidents BEGIN
    DELETE FROM text_index WHERE rowid = old.id * 8 + 1;
END;
-- an incident's place is in its entry: a renamed member or zone is indexed again
CREATE TRIGGER text_index_member_name AFTER UPDATE OF name ON members BEGIN
    INSERT OR REPLACE INTO text_index (rowid, body)
    SELECT i.id * 8 + 1, i.summary || ' ' || i.location || ' ' || i.kind || ' ' || i.police_ref
        || ' ' || COALESCE((SELECT name FROM members WHERE id = i.member_id), '')
        || ' ' || COALESCE((SELECT name FROM zones WHERE id = i.zone_id), '') || ' #' || i.id FROM incidents i WHERE i.member_id = new.id;
END;
CREATE TRIGGER text_index_zone_name AFTER UPDATE OF name ON zones BEGIN
    INSERT OR REPLACE INTO text_index (rowid, body)
    SELECT i.id * 8 + 1, i.summary || ' ' || i.location || ' ' || i.kind || ' ' || i.police_ref
        || ' ' || COALESCE((SELECT name FROM members WHERE id = i.member_id), '')
        || ' ' || COALESCE((SELECT name FROM zones WHERE id = i.zone_id), '') || ' #' || i.id FROM incidents i WHERE i.zone_id = new.id;
END;

CREATE TRIGGER text_index_note_in AFTER INSERT ON timeline WHEN new.kind = 'note' BEGIN
    INSERT INTO text_index (rowid, body) VALUES (new.id * 8 + 2, new.text);
END;
CREATE TRIGGER text_index_note_up AFTER UPDATE OF text ON timeline WHEN new.kind = 'note' BEGIN
    INSERT OR REPLACE INTO text_index (rowid, body) VALUES (new.id * 8 + 2, new.text);
END;
CREATE TRIGGER text_index_note_out AFTER DELETE ON timeline WHEN old.kind = 'note' BEGIN
    DELETE FROM text_index WHERE rowid = old.id * 8 + 2;
END;

CREATE TRIGGER text_index_log_in AFTER INSERT ON occurrence_log BEGIN
    INSERT INTO text_index (rowid, body) VALUES (new.id * 8 + 3, new.text);
END;
CREATE TRIGGER text_index_log_up AFTER UPDATE OF text ON occurrence_log BEGIN
    INSERT OR REPLACE INTO text_index (rowid, body) VALUES (new.id * 8 + 3, new.text);
END;
CREATE TRIGGER text_index_log_out AFTER DELETE ON occurrence_log BEGIN
    DELETE FROM text_index WHERE rowid = old.id * 8 + 3;
END;

CREATE TRIGGER text_index_radio_in AFTER INSERT ON radio_log BEGIN
    INSERT INTO text_index (rowid, body) VALUES (new.id * 8 + 4, new.message);
END;
CREATE TRIGGER text_index_radio_up AFTER UPDATE OF message ON radio_log BEGIN
    INSERT OR REPLACE INTO text_index (rowid, body) VALUES (new.id * 8 + 4, new.message);
END;
CREATE TRIGGER text_index_radio_out AFTER DELETE ON radio_log BEGIN
    DELETE FROM text_index WHERE rowid = old.id * 8 + 4;
END;

CREATE TRIGGER text_index_sighting_in AFTER INSERT ON sightings BEGIN
    INSERT INTO text_index (rowid, body) VALUES (new.id * 8 + 5, new.description || ' ' || new.note);
END;
CREATE TRIGGER text_index_sighting_up AFTER UPDATE OF description, note ON sightings BEGIN
    INSERT OR REPLACE INTO text_index (rowid, body) VALUES (new.id * 8 + 5, new.description || ' ' || new.note);
END;
CREATE TRIGGER text_index_sighting_out AFTER DELETE ON sightings BEGIN
    DELETE FROM text_index WHERE rowid = old.id * 8 + 5;
END;

CREATE TRIGGER text_index_hit_in AFTER INSERT ON hits BEGIN
    INSERT INTO text_index (rowid, body)
    VALUES (new.id * 8 + 6, COALESCE(new.action_taken, '') || ' ' || COALESCE(new.reject_reason, ''));
END;
CREATE TRIGGER text_index_hit_up AFTER UPDATE OF action_taken, reject_reason ON hits BEGIN
    INSERT OR REPLACE INTO text_index (rowid, body)
    VALUES (new.id * 8 + 6, COALESCE(new.action_taken, '') || ' ' || COALESCE(new.reject_reason, ''));
END;
CREATE TRIGGER text_index_hit_out AFTER DELETE ON hits BEGIN
    DELETE FROM text_index WHERE rowid = old.id * 8 + 6;
END;

INSERT INTO text_index (rowid, body) SELECT i.id * 8 + 1, i.summary || ' ' || i.location || ' ' || i.kind || ' ' || i.police_ref
        || ' ' || COALESCE((SELECT name FROM members WHERE id = i.member_id), '')
        || ' ' || COALESCE((SELECT name FROM zones WHERE id = i.zone_id), '') || ' #' || i.id FROM incidents i;
INSERT INTO text_index (rowid, body) SELECT id * 8 + 2, text FROM timeline WHERE kind = 'note';
INSERT INTO text_index (rowid, body) SELECT id * 8 + 3, text FROM occurrence_log;
INSERT INTO text_index (rowid, body) SELECT id * 8 + 4, message FROM radio_log;
INSERT INTO text_index (rowid, body) SELECT id * 8 + 5, description || ' ' || note FROM sightings;
INSERT INTO text_index (rowid, body)
SELECT id * 8 + 6, COALESCE(action_taken, '') || ' ' || COALESCE(reject_reason, '') FROM hits;
"#,
    // 18: roll-calls put right after the event: answers corrected (each
    // answer keeps the one it replaced; the roll-call counts them), and a
    // roll-call voided (started by mistake: kept, with who, when and why,
    // but left out of every figure and mark).
    r#"
ALTER TABLE roll_calls ADD COLUMN corrected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE roll_calls ADD COLUMN voided_at INTEGER;
ALTER TABLE roll_calls ADD COLUMN voided_by INTEGER REFERENCES operators(id);
ALTER TABLE roll_calls ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE roll_call_answers ADD COLUMN replaced TEXT;
"#,
    // 19: a radio goes on air or off only by an explicit sign-on or sign-off
    // (ingest's event, or the console's sign-on and sign-off keys), never by
    // words in a message. Lines kept before this that were a sign-on or
    // sign-off in so many words (as ingest and the console wrote them) are
    // taken as one.
    r#"
ALTER TABLE radio_log ADD COLUMN event TEXT CHECK (event IN ('on', 'off'));
UPDATE radio_log SET event = 'on' WHERE message = 'signing on';
UPDATE radio_log SET event = 'off' WHERE message = 'signing off';
"#,
    // 20: an audit record about an exclusion, offender or incident carries
    // that row's state as the write left it (sealed with the record, see
    // store/audit/state.rs), for `audit verify --deep`. No index: it would
    // cost every such write a page, and --deep reads the trail once anyway.
    r#"
ALTER TABLE audit ADD COLUMN state TEXT;
"#,
    // 21: the scheme's own data-protection records, a manager's (see
    // domain/governance.rs): the breach log, the information-sharing
    // agreements (their ids stable, for releases of footage to name) and the
    // DPIA and appropriate policy document, one row per approved version.
    // Nothing is ever deleted: a correction is an edit, versioned like a
    // member's, its fields' old and new values in `governance_changes`. That
    // history is kept apart from `field_changes`, whose owners retention and
    // the subject access request reach: these records name no one and are
    // kept for as long as the scheme is.
    r#"
CREATE TABLE breaches (
    id               INTEGER PRIMARY KEY,
    what             TEXT NOT NULL,
    found_at         INTEGER NOT NULL,
    occurred_at      INTEGER,
    people_affected  INTEGER NOT NULL DEFAULT 0 CHECK (people_affected >= 0),
    who_affected     TEXT NOT NULL DEFAULT '',
    reported_to_ico  INTEGER NOT NULL DEFAULT 0,
    reported_at      INTEGER,
    ico_reference    TEXT NOT NULL DEFAULT '',
    actions          TEXT NOT NULL DEFAULT '',
    closed_at        INTEGER,
    created_by       INTEGER REFERENCES operators(id),
    created_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    changed_by       INTEGER REFERENCES operators(id),
    changed_at       INTEGER,
    CHECK (reported_to_ico = (reported_at IS NOT NULL))
);
CREATE INDEX breaches_found ON breaches(found_at);

CREATE TABLE sharing_agreements (
    id            INTEGER PRIMARY KEY,
    party         TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    lawful_basis  TEXT NOT NULL,
    signed_on     TEXT NOT NULL,
    review_on     TEXT NOT NULL,
    ended_on      TEXT,
    created_by    INTEGER REFERENCES operators(id),
    created_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    changed_by    INTEGER REFERENCES operators(id),
    changed_at    INTEGER,
    CHECK (review_on >= signed_on AND (ended_on IS NULL OR ended_on >= signed_on))
);

CREATE TABLE governance_documents (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('dpia', 'appropriate_policy')),
    edition      TEXT NOT NULL,
    approved_on  TEXT NOT NULL,
    review_on    TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES operators(id),
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    changed_by   INTEGER REFERENCES operators(id),
    changed_at   INTEGER,
    CHECK (review_on > approved_on)
);

CREATE TABLE governance_changes (
    id           INTEGER PRIMARY KEY,
    edit         INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    operator_id  INTEGER REFERENCES operators(id),
    record       TEXT NOT NULL CHECK (record IN ('breach', 'agreement', 'document')),
    record_id    INTEGER NOT NULL,
    field        TEXT NOT NULL,
    old          TEXT NOT NULL,
    new          TEXT NOT NULL
);
CREATE INDEX governance_changes_record ON governance_changes(record, record_id);
"#,
    // 22: the months of the police's street-level data the store holds (see
    // store/imports/police.rs): each month's file replaces the month's rows
    // wholesale, keeping only the scheme's area, so a month is held even
    // when none of its rows lay in the area (its figures are noughts, not
    // missing). `area` says in words what the rows were kept for, so a
    // report can tell a month kept for another area. Months imported before
    // this kept every row of the file: they are held with no area.
    r#"
CREATE TABLE police_months (
    month        TEXT PRIMARY KEY,
    area         TEXT NOT NULL DEFAULT '',
    rows_kept    INTEGER NOT NULL DEFAULT 0,
    rows_outside INTEGER NOT NULL DEFAULT 0,
    imported_at  INTEGER NOT NULL,
    imported_by  INTEGER REFERENCES operators(id)
);
INSERT INTO police_months (month, rows_kept, imported_at)
    SELECT month, COUNT(*), 0 FROM police_crimes GROUP BY month;
"#,
    // 23: evidence continuity (see domain/evidence.rs): an exhibit on an
    // incident or a sighting, and its trail of entries (what the clip is,
    // each handover). Entries are never changed: a correction is a new
    // entry naming the one it supersedes, and the triggers refuse any edit
    // of what an entry records and any deletion, so the trail stays whole.
    // Only free text may be rewritten, by retention and erasure striking a
    // person's names out (store/privacy). An item outlives the sighting it
    // was on (retention, erasure): its link goes, its trail stays. A release
    // (a handover outside the control room) names the agreement it falls
    // under.
    r#"
CREATE TABLE evidence_items (
    id           INTEGER PRIMARY KEY,
    exhibit_ref  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    incident_id  INTEGER REFERENCES incidents(id) ON DELETE SET NULL,
    sighting_id  INTEGER REFERENCES sightings(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES operators(id)
);
CREATE INDEX evidence_items_incident ON evidence_items(incident_id);
CREATE INDEX evidence_items_sighting ON evidence_items(sighting_id);
CREATE INDEX evidence_items_created ON evidence_items(created_at);

CREATE TABLE evidence_entries (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES evidence_items(id),
    kind          TEXT NOT NULL CHECK (kind IN ('clip', 'handover')),
    recorded_at   INTEGER NOT NULL,
    recorded_by   INTEGER NOT NULL REFERENCES operators(id),
    supersedes    INTEGER REFERENCES evidence_entries(id),
    correction    TEXT NOT NULL DEFAULT '',
    camera_id     INTEGER REFERENCES cameras(id),
    camera        TEXT NOT NULL DEFAULT '',
    clip_start    INTEGER,
    clip_end      INTEGER,
    reviewed_by   TEXT NOT NULL DEFAULT '',
    copied_by     TEXT NOT NULL DEFAULT '',
    medium        TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL DEFAULT '',
    file_name     TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    handed_at     INTEGER,
    to_name       TEXT NOT NULL DEFAULT '',
    organisation  TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    release       INTEGER NOT NULL DEFAULT 0,
    agreement_id  INTEGER REFERENCES sharing_agreements(id),
    CHECK (kind <> 'clip' OR (clip_start IS NOT NULL AND clip_end > clip_start)),
    CHECK (kind <> 'handover' OR handed_at IS NOT NULL),
    CHECK (release = 0 OR agreement_id IS NOT NULL)
);
CREATE INDEX evidence_entries_item ON evidence_entries(item_id, id);
CREATE INDEX evidence_entries_released ON evidence_entries(handed_at) WHERE release = 1;

CREATE TRIGGER evidence_entries_kept BEFORE UPDATE OF item_id, kind, recorded_at, recorded_by,
    supersedes, camera_id, camera, clip_start, clip_end, reviewed_by, copied_by, medium, sha256,
    handed_at, to_name, organisation, release, agreement_id ON evidence_entries BEGIN
    SELECT RAISE(ABORT, 'an evidence entry is never changed: record a correction');
END;
CREATE TRIGGER evidence_entries_never_deleted BEFORE DELETE ON evidence_entries BEGIN
    SELECT RAISE(ABORT, 'an evidence entry is never deleted: record a correction');
END;
CREATE TRIGGER evidence_items_kept BEFORE UPDATE OF exhibit_ref, created_at, created_by ON evidence_items BEGIN
    SELECT RAISE(ABORT, 'an evidence item is never changed: record a correction');
END;
"#,
    // 24: an exclusion's review recorded (store/exclusions.rs): the day it was
    // held and its outcome; the review date then moves to the next one, or
    // clears. Earlier reviews stay in the exclusion's edit history.
    r#"
ALTER TABLE exclusions ADD COLUMN reviewed_on TEXT;
ALTER TABLE exclusions ADD COLUMN review_outcome TEXT;
"#,
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;
    use rusqlite::Connection;

    #[test]
    fn hits_raised_before_one_hit_per_situation_were_seen_once_where_they_were_raised() {
        let c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..14] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "INSERT INTO operators (id, name, role, created_at) VALUES (1, 'Sam', 'cctv', 0);
             INSERT INTO zones (id, name, code) VALUES (1, 'Market Square', 'MS');
             INSERT INTO offenders (id, kind, name, created_at, updated_at) VALUES (1, 'known', 'Darren', 0, 0);
             INSERT INTO sightings (id, at, zone_id, offender_id, created_by, created_at) VALUES (1, 500, 1, 1, 1, 600);
             INSERT INTO hits (id, raised_at, kind, offender_id, sighting_id, zone_id) VALUES (1, 600, 'breach', 1, 1, 1);
             INSERT INTO hits (id, raised_at, kind, offender_id, zone_id) VALUES (2, 700, 'watch', 1, NULL);",
        )
        .unwrap();
        c.execute_batch(MIGRATIONS[14]).unwrap();
        // (seen_count, last_seen_at, last_sighting_id, last_zone_id, escalated_at)
        type Seen = (i64, i64, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Seen> = c
            .prepare("SELECT seen_count, last_seen_at, last_sighting_id, last_zone_id, escalated_at FROM hits ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        // when the sighting saw them, or (no sighting) when it was raised
        assert_eq!(
            rows,
            [(1, 500, Some(1), Some(1), None), (1, 700, None, None, None)]
        );
    }

    #[test]
    fn the_full_text_index_is_built_for_a_store_kept_before_it() {
        let c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..16] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "INSERT INTO operators (id, name, role, created_at) VALUES (1, 'Sam', 'cctv', 0);
             INSERT INTO zones (id, name, code) VALUES (1, 'Market Square', 'MS');
             INSERT INTO incidents (id, kind, priority, status, zone_id, summary, opened_at, updated_at, opened_by, updated_by)
                 VALUES (7, 'theft', 3, 'closed', 1, 'Bike taken', 0, 0, 1, 1);
             INSERT INTO timeline (id, incident_id, at, operator_id, kind, text) VALUES
                 (3, 7, 0, 1, 'note', 'red coat, tall'), (4, 7, 0, 1, 'status', 'open → closed red');
             INSERT INTO occurrence_log (id, operator_id, at, text) VALUES (5, 1, 0, 'Red van parked on the square');",
        )
        .unwrap();
        c.execute_batch(MIGRATIONS[16]).unwrap();
        let found = |q: &str| -> Vec<i64> {
            c.prepare("SELECT rowid FROM text_index WHERE text_index MATCH ?1 ORDER BY rowid")
                .unwrap()
                .query_map([q], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        // the incident by its text and its zone, the note (not the status line), the log entry
        assert_eq!(found("bike market"), [7 * 8 + 1]);
        assert_eq!(found("red"), [3 * 8 + 2, 5 * 8 + 3]);
    }

    #[test]
    fn radio_lines_kept_before_sign_ons_were_explicit_are_one_only_in_so_many_words() {
        let c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..18] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "INSERT INTO operators (id, name, role, created_at) VALUES (1, 'Sam', 'cctv', 0);
             INSERT INTO radios (id, call_sign, serial, status) VALUES (1, 'HS02', 'SN1', 'spare');
             INSERT INTO radio_log (id, at, radio_id, message, operator_id) VALUES
                 (1, 0, 1, 'signing on', 1), (2, 1, 1, 'lad was signing on the shutter', 1),
                 (3, 2, 1, 'signing off', 1), (4, 3, 1, 'Signing off for lunch', 1);",
        )
        .unwrap();
        c.execute_batch(MIGRATIONS[18]).unwrap();
        let events: Vec<Option<String>> = c
            .prepare("SELECT event FROM radio_log ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(events, [Some("on".into()), None, Some("off".into()), None]);
    }

    #[test]
    fn police_months_imported_before_areas_are_held_with_no_area() {
        let c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..21] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "INSERT INTO police_crimes (row_key, month, crime_type) VALUES
                 ('a', '2026-09', 'Shoplifting'), ('b', '2026-10', 'Shoplifting'), ('c', '2026-10', 'Drugs');",
        )
        .unwrap();
        c.execute_batch(MIGRATIONS[21]).unwrap();
        let held: Vec<(String, String, i64)> = c
            .prepare("SELECT month, area, rows_kept FROM police_months ORDER BY month")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            held,
            [
                ("2026-09".to_string(), String::new(), 1),
                ("2026-10".to_string(), String::new(), 2)
            ]
        );
    }
}
