//! What an audit record says was done. The trail keeps the text code, and
//! the hash chain covers that text, so a code once written never changes.

use std::fmt;

/// Every action the store writes to the trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    Create,
    Add,
    Update,
    Edit,
    /// An offender's profile opened, with why.
    View,
    Photo,
    Promote,
    Merge,
    /// A permission refused.
    Refused,
    Pin,
    Disable,
    Enable,
    Role,
    /// A manager made again for a store left with none who can sign in.
    Recover,
    SignIn,
    SignInRefused,
    SignInFailed,
    SignOut,
    Backup,
    Restore,
    Document,
    Start,
    End,
    Finish,
    Lift,
    Appeal,
    /// An exclusion's review held, with its outcome.
    Review,
    Export,
    Import,
    Ingest,
    Status,
    Note,
    Log,
    Retire,
    Retention,
    /// A person erased on their request.
    Erase,
    Acknowledge,
    Raise,
    Link,
    /// A hit accepted with an action taken.
    Accepted,
    /// A hit rejected as a false match.
    Rejected,
    /// A sighting counted on a hit still waiting, instead of raising another.
    SeenAgain,
    /// A hit's reminders held back for a while, with why.
    Snooze,
    /// A hit nobody acknowledged by its last reminder, for the managers.
    Escalate,
    /// A station heard late on a roll-call.
    Late,
    /// An answer on a roll-call put right.
    Correct,
    /// A roll-call voided, with why.
    Void,
    /// A breach in the breach log closed.
    Close,
    /// An evidence item handed to someone within the control room.
    Handover,
    /// An evidence item released outside the control room, under an agreement.
    Release,
}

impl AuditAction {
    pub const ALL: [AuditAction; 50] = [
        AuditAction::Create,
        AuditAction::Add,
        AuditAction::Update,
        AuditAction::Edit,
        AuditAction::View,
        AuditAction::Photo,
        AuditAction::Promote,
        AuditAction::Merge,
        AuditAction::Refused,
        AuditAction::Pin,
        AuditAction::Disable,
        AuditAction::Enable,
        AuditAction::Role,
        AuditAction::Recover,
        AuditAction::SignIn,
        AuditAction::SignInRefused,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::Backup,
        AuditAction::Restore,
        AuditAction::Document,
        AuditAction::Start,
        AuditAction::End,
        AuditAction::Finish,
        AuditAction::Lift,
        AuditAction::Appeal,
        AuditAction::Review,
        AuditAction::Export,
        AuditAction::Import,
        AuditAction::Ingest,
        AuditAction::Status,
        AuditAction::Note,
        AuditAction::Log,
        AuditAction::Retire,
        AuditAction::Retention,
        AuditAction::Erase,
        AuditAction::Acknowledge,
        AuditAction::Raise,
        AuditAction::Link,
        AuditAction::Accepted,
        AuditAction::Rejected,
        AuditAction::SeenAgain,
        AuditAction::Snooze,
        AuditAction::Escalate,
        AuditAction::Late,
        AuditAction::Correct,
        AuditAction::Void,
        AuditAction::Close,
        AuditAction::Handover,
        AuditAction::Release,
    ];

    /// The code as stored and hashed.
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Add => "add",
            AuditAction::Update => "update",
            AuditAction::Edit => "edit",
            AuditAction::View => "view",
            AuditAction::Photo => "photo",
            AuditAction::Promote => "promote",
            AuditAction::Merge => "merge",
            AuditAction::Refused => "refused",
            AuditAction::Pin => "pin",
            AuditAction::Disable => "disable",
            AuditAction::Enable => "enable",
            AuditAction::Role => "role",
            AuditAction::Recover => "recover",
            AuditAction::SignIn => "sign-in",
            AuditAction::SignInRefused => "sign-in refused",
            AuditAction::SignInFailed => "sign-in failed",
            AuditAction::SignOut => "sign-out",
            AuditAction::Backup => "backup",
            AuditAction::Restore => "restore",
            AuditAction::Document => "document",
            AuditAction::Start => "start",
            AuditAction::End => "end",
            AuditAction::Finish => "finish",
            AuditAction::Lift => "lift",
            AuditAction::Appeal => "appeal",
            AuditAction::Review => "review",
            AuditAction::Export => "export",
            AuditAction::Import => "import",
            AuditAction::Ingest => "ingest",
            AuditAction::Status => "status",
            AuditAction::Note => "note",
            AuditAction::Log => "log",
            AuditAction::Retire => "retire",
            AuditAction::Retention => "retention",
            AuditAction::Erase => "erase",
            AuditAction::Acknowledge => "acknowledge",
            AuditAction::Raise => "raise",
            AuditAction::Link => "link",
            AuditAction::Accepted => "accepted",
            AuditAction::Rejected => "rejected",
            AuditAction::SeenAgain => "seen again",
            AuditAction::Snooze => "snooze",
            AuditAction::Escalate => "escalate",
            AuditAction::Late => "late",
            AuditAction::Correct => "correct",
            AuditAction::Void => "void",
            AuditAction::Close => "close",
            AuditAction::Handover => "handover",
            AuditAction::Release => "release",
        }
    }

    /// The action a stored code names: exactly, since a stored code that
    /// differs even in case is another record's text and must be kept as it is.
    pub fn from_code(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.code() == s)
    }

    /// The code as typed in a filter, where a word cannot hold a space:
    /// `sign-in_failed`.
    pub fn typed(self) -> String {
        self.code().replace(' ', "_")
    }

    /// An action a user typed (any case, `_` for a space), or why not, naming
    /// every action there is.
    pub fn parse(typed: &str) -> Result<AuditAction, String> {
        let code = typed.trim().to_lowercase().replace('_', " ");
        AuditAction::from_code(&code).ok_or_else(|| {
            let all: Vec<String> = AuditAction::ALL.iter().map(|a| a.typed()).collect();
            format!(
                "no action called “{}” (one of {})",
                typed.trim(),
                all.join(", ")
            )
        })
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An action as read back from a trail. A store written by another version
/// of watchroom, or added to by hand, may hold a code this one does not know;
/// the trail is evidence, so that record is shown with its code as stored
/// rather than refused or dropped. Writers name an [`AuditAction`], so only
/// known codes are ever written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RecordedAction {
    Known(AuditAction),
    Unknown(String),
}

impl RecordedAction {
    pub fn from_code(code: &str) -> RecordedAction {
        match AuditAction::from_code(code) {
            Some(a) => RecordedAction::Known(a),
            None => RecordedAction::Unknown(code.to_string()),
        }
    }

    /// The code exactly as stored.
    pub fn code(&self) -> &str {
        match self {
            RecordedAction::Known(a) => a.code(),
            RecordedAction::Unknown(code) => code,
        }
    }

    pub fn known(&self) -> Option<AuditAction> {
        match self {
            RecordedAction::Known(a) => Some(*a),
            RecordedAction::Unknown(_) => None,
        }
    }
}

impl PartialEq<AuditAction> for RecordedAction {
    fn eq(&self, other: &AuditAction) -> bool {
        self.known() == Some(*other)
    }
}

impl fmt::Display for RecordedAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A record of the trail named by its seq and hash, kept apart from the
/// store (a file, the handover, a backup's note): a later trail that does
/// not hold exactly this record was cut short or rewritten. Written and
/// read as `SEQ:HASH`, the hash as 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
}

/// What a checkpoint must look like, for a refusal.
pub const CHECKPOINT_FORM: &str =
    "SEQ:HASH — the record's seq (a whole number from 1), a colon, and its hash as 64 hex digits";

impl std::str::FromStr for Checkpoint {
    type Err = String;

    fn from_str(s: &str) -> Result<Checkpoint, String> {
        let refuse = || format!("a checkpoint is written {CHECKPOINT_FORM}");
        let (seq, hash) = s.trim().split_once(':').ok_or_else(refuse)?;
        let seq: i64 = seq
            .trim()
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(refuse)?;
        let hash = hash.trim();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refuse());
        }
        Ok(Checkpoint {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_as_written_and_a_malformed_one_says_the_form() {
        let h = "ab".repeat(32);
        let c: Checkpoint = format!("120:{}", h.to_uppercase()).parse().unwrap();
        assert_eq!(
            c,
            Checkpoint {
                seq: 120,
                hash: h.clone()
            }
        );
        assert_eq!(c.to_string(), format!("120:{h}"));
        assert_eq!(format!(" 120:{h}\n").parse::<Checkpoint>(), Ok(c));
        for bad in [
            "",
            "120",
            &h,
            &format!("0:{h}"),
            &format!("-3:{h}"),
            &format!("x:{h}"),
            &format!("120:{}", &h[..63]),
            &format!("120:{h}0"),
            &format!("120:{}zz", &h[..62]),
        ] {
            let e = bad.parse::<Checkpoint>().unwrap_err();
            assert!(
                e.contains("SEQ:HASH") && e.contains("64 hex digits"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn every_action_code_reads_back_as_itself_and_no_two_share_a_code() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.code()), Some(a));
            assert_eq!(
                RecordedAction::from_code(a.code()),
                RecordedAction::Known(a)
            );
            assert_eq!(AuditAction::parse(&a.typed()), Ok(a));
            assert!(seen.insert(a.code()), "{} twice", a.code());
        }
    }

    #[test]
    fn the_codes_stay_as_existing_trails_hold_them() {
        // a changed code would make every record written with it read as unknown
        let codes: Vec<&str> = [
            AuditAction::Create,
            AuditAction::View,
            AuditAction::SignIn,
            AuditAction::SignInRefused,
            AuditAction::SignInFailed,
            AuditAction::SignOut,
            AuditAction::Accepted,
        ]
        .map(AuditAction::code)
        .into();
        assert_eq!(
            codes,
            [
                "create",
                "view",
                "sign-in",
                "sign-in refused",
                "sign-in failed",
                "sign-out",
                "accepted"
            ]
        );
    }

    #[test]
    fn an_unknown_stored_code_reads_back_without_loss() {
        for code in ["exported", "View", "view ", ""] {
            let read = RecordedAction::from_code(code);
            assert_eq!(read, RecordedAction::Unknown(code.to_string()));
            assert_eq!(read.code(), code);
            assert_eq!(read.to_string(), code);
            assert_eq!(read.known(), None);
            assert_ne!(read, AuditAction::View);
        }
        assert_eq!(RecordedAction::from_code("view"), AuditAction::View);
    }

    #[test]
    fn a_typed_action_is_read_in_any_case_with_underscores_for_spaces() {
        assert_eq!(AuditAction::parse(" VIEW "), Ok(AuditAction::View));
        assert_eq!(
            AuditAction::parse("sign-in_failed"),
            Ok(AuditAction::SignInFailed)
        );
        let err = AuditAction::parse("viewed").unwrap_err();
        assert!(
            err.starts_with("no action called “viewed” (one of create, add,"),
            "{err}"
        );
        assert!(
            err.contains("sign-in_refused") && err.ends_with("close, handover, release)"),
            "{err}"
        );
    }
}
