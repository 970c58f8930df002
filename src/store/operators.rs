//! Operators: the people who sign on to a console. Every write names one.

use super::{audit, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::permission::Role;
use crate::domain::pin::PinPolicy;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The role a stored code names (the schema allows only known codes; were
/// one ever unknown, it would get the least, a viewer's, never more).
fn role_from(code: String) -> Role {
    Role::from_code(&code).unwrap_or(Role::Viewer)
}

/// A role typed at the shell or in a file, refused with the list if unknown.
pub fn parse_role(typed: &str) -> Result<Role> {
    Role::from_code(typed).ok_or_else(|| {
        StoreError::Invalid(format!(
            "unknown role “{}” ({})",
            crate::domain::text::clean(typed),
            Role::ALL.map(Role::code).join(", ")
        ))
    })
}

impl Store {
    pub fn operator_by_name(&self, name: &str) -> Result<Option<Operator>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, name, role FROM operators WHERE name = ?1 AND active = 1",
                [name],
                |r| {
                    Ok(Operator {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        role: role_from(r.get(2)?),
                    })
                },
            )
            .optional()?)
    }

    /// Add an operator; the record of who added them is audited with them.
    pub fn add_operator(
        &mut self,
        name: &str,
        role: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Operator> {
        let name = operator_name(name)?;
        let role = parse_role(role)?;
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row("SELECT id FROM operators WHERE name = ?1", [&name], |r| {
                    r.get(0)
                })
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::Invalid(format!(
                    "there is already an operator called {name}"
                )));
            }
            tx.execute(
                "INSERT INTO operators (name, role, created_at) VALUES (?1, ?2, ?3)",
                params![name, role.code(), ts(now)],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                by.or(Some(id)),
                AuditAction::Create,
                "operator",
                Some(id),
                &format!("{name} ({role})"),
            )?;
            Ok(Operator {
                id,
                name: name.clone(),
                role,
            })
        })
    }

    /// Record that an operator was refused something, and why.
    pub fn record_refusal(&mut self, operator: i64, why: &str, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Refused,
                "permission",
                None,
                why,
            )
        })
    }

    /// The named operator, added with the given role on first use.
    pub fn operator_or_add(
        &mut self,
        name: &str,
        role: &str,
        now: DateTime<Utc>,
    ) -> Result<Operator> {
        match self.operator_by_name(name)? {
            Some(o) => Ok(o),
            None => self.add_operator(name, role, None, now),
        }
    }
}

/// An operator's name as typed: tidied, 1 to 40 characters.
fn operator_name(name: &str) -> Result<String> {
    let name = crate::domain::text::tidy_input(name);
    if name.is_empty() || name.chars().count() > 40 {
        return Err(StoreError::Invalid(
            "an operator name is 1 to 40 characters".into(),
        ));
    }
    Ok(name)
}

/// Refuse to leave the store with no manager who can sign in.
fn keep_a_manager(tx: &rusqlite::Transaction, op: &OperatorRow, what: &str) -> Result<()> {
    if op.role != Role::Manager || !op.active {
        return Ok(());
    }
    let others: i64 = tx.query_row(
        "SELECT COUNT(*) FROM operators WHERE role = 'manager' AND active = 1 AND pin_hash IS NOT NULL AND id <> ?1",
        [op.id],
        |r| r.get(0),
    )?;
    if others == 0 {
        return Err(StoreError::Invalid(format!(
            "{} is the last manager who can sign in, so cannot be {what}: add or enable another manager first",
            crate::domain::text::clean(&op.name)
        )));
    }
    Ok(())
}

/// How many wrong PINs in a row lock an operator out, and for how long.
pub const MAX_FAILED_PINS: i64 = 5;
pub const LOCKOUT_MINUTES: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("no operator called “{0}”, or that operator is disabled")]
    Unknown(String),
    #[error("wrong PIN ({left} more tries before a {minutes}-minute lock-out)")]
    WrongPin { left: i64, minutes: i64 },
    /// `until` is when the lock-out ends; the console shows it on the scheme's
    /// clock, and this message (for the shell) says how long is left.
    #[error("too many wrong PINs: {name} is locked out for {minutes} more minute{}", if *minutes == 1 { "" } else { "s" })]
    LockedOut {
        name: String,
        until: DateTime<Utc>,
        minutes: i64,
    },
    #[error("{0} has no PIN yet: a manager sets one with `watchroom operator reset-pin`")]
    NoPin(String),
}

impl SignInError {
    /// The refusal as the console says it: a lock-out's end on the scheme's clock.
    pub fn describe(&self, tz: chrono_tz::Tz) -> String {
        match self {
            SignInError::LockedOut { name, until, .. } => format!(
                "too many wrong PINs: {name} is locked out until {}",
                until.with_timezone(&tz).format("%H:%M")
            ),
            other => other.to_string(),
        }
    }
}

/// A slow, salted hash of a PIN (argon2id); the PIN itself is never kept or logged.
pub fn hash_pin(pin: &str) -> std::result::Result<String, String> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the PIN: {e}"))
}

/// A first manager's PIN checked against the policy and hashed (argon2:
/// tens of milliseconds), reading nothing.
pub fn first_manager_pin(pin: &str, policy: &PinPolicy) -> Result<String> {
    policy.check(pin).map_err(StoreError::Invalid)?;
    hash_pin(pin).map_err(StoreError::Invalid)
}

/// A PIN checked against the hash an operator's record held (argon2, the
/// slow part of signing in), reading only: [`Store::record_sign_in`] then
/// writes what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinCheck {
    /// The hash checked (`None`: no such operator, or no PIN set).
    hash: Option<String>,
    matched: bool,
}

impl PinCheck {
    /// Whether `pin` matches `stored`: known if `stored` is the hash checked,
    /// else checked now (the PIN was changed in between).
    fn matches(&self, pin: &str, stored: &str) -> bool {
        match &self.hash {
            Some(h) if h == stored => self.matched,
            _ => pin_matches(pin, stored),
        }
    }
}

pub(crate) fn pin_matches(pin: &str, stored: &str) -> bool {
    use argon2::password_hash::{phc::PasswordHash, PasswordVerifier};
    PasswordHash::new(stored)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub has_pin: bool,
}

impl Store {
    pub fn operators(&self) -> Result<Vec<OperatorRow>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, name, role, active, pin_hash IS NOT NULL FROM operators ORDER BY name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(OperatorRow {
                id: r.get(0)?,
                name: r.get(1)?,
                role: role_from(r.get(2)?),
                active: r.get(3)?,
                has_pin: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Set (or reset) an operator's PIN, checked against the scheme's rule;
    /// clears any lock-out.
    pub fn set_pin(
        &mut self,
        operator: i64,
        pin: &str,
        policy: &PinPolicy,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        policy.check(pin).map_err(StoreError::Invalid)?;
        let hash = hash_pin(pin).map_err(StoreError::Invalid)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE operators SET pin_hash = ?1, failed_pins = 0, locked_until = NULL WHERE id = ?2",
                params![hash, operator],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("operator {operator}")));
            }
            audit::append(tx, now, by.or(Some(operator)), AuditAction::Pin, "operator", Some(operator), "PIN set")?;
            Ok(())
        })
    }

    /// An operator by name, signed-in-able or not.
    fn operator_row(&self, name: &str) -> Result<OperatorRow> {
        self.conn()
            .query_row(
                "SELECT id, name, role, active, pin_hash IS NOT NULL FROM operators WHERE name = ?1",
                [name.trim()],
                |r| {
                    Ok(OperatorRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        role: role_from(r.get(2)?),
                        active: r.get(3)?,
                        has_pin: r.get(4)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::NotFound(format!(
                    "an operator called {}",
                    crate::domain::text::clean(name.trim())
                ))
            })
    }

    /// Stop an operator signing in; their history stays. The last manager
    /// who can sign in is never disabled: a store with none is locked to
    /// everyone but the owner of its file.
    pub fn disable_operator(
        &mut self,
        name: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let op = self.operator_row(name)?;
        if !op.active {
            return Err(StoreError::Invalid(format!(
                "{} is already disabled",
                crate::domain::text::clean(&op.name)
            )));
        }
        self.write(|tx| {
            keep_a_manager(tx, &op, "disabled")?;
            tx.execute("UPDATE operators SET active = 0 WHERE id = ?1", [op.id])?;
            audit::append(
                tx,
                now,
                by,
                AuditAction::Disable,
                "operator",
                Some(op.id),
                &op.name,
            )?;
            Ok(())
        })
    }

    /// Let a disabled operator sign in again (with the PIN they had).
    pub fn enable_operator(
        &mut self,
        name: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let op = self.operator_row(name)?;
        if op.active {
            return Err(StoreError::Invalid(format!(
                "{} can already sign in",
                crate::domain::text::clean(&op.name)
            )));
        }
        self.write(|tx| {
            tx.execute(
                "UPDATE operators SET active = 1, failed_pins = 0, locked_until = NULL WHERE id = ?1",
                [op.id],
            )?;
            audit::append(tx, now, by, AuditAction::Enable, "operator", Some(op.id), &op.name)?;
            Ok(())
        })
    }

    /// Give an operator another role. The last manager who can sign in
    /// keeps theirs.
    pub fn set_operator_role(
        &mut self,
        name: &str,
        role: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let role = parse_role(role)?;
        let op = self.operator_row(name)?;
        if op.role == role {
            return Err(StoreError::Invalid(format!(
                "{} is already {role}",
                crate::domain::text::clean(&op.name)
            )));
        }
        self.write(|tx| {
            if role != Role::Manager {
                keep_a_manager(tx, &op, "made something else")?;
            }
            tx.execute(
                "UPDATE operators SET role = ?1 WHERE id = ?2",
                params![role.code(), op.id],
            )?;
            audit::append(
                tx,
                now,
                by,
                AuditAction::Role,
                "operator",
                Some(op.id),
                &format!("{}: {} → {role}", op.name, op.role),
            )?;
            Ok(())
        })
    }

    /// Whether any manager can sign in (active, with a PIN).
    pub fn has_manager(&self) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM operators WHERE role = 'manager' AND active = 1 AND pin_hash IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The first manager of a store that has no operators at all, with
    /// their PIN, in one transaction: two consoles racing on a new store
    /// make one manager, and a store that has ever had an operator never
    /// offers this again.
    pub fn create_first_manager(
        &mut self,
        name: &str,
        pin: &str,
        policy: &PinPolicy,
        now: DateTime<Utc>,
    ) -> Result<Operator> {
        let hash = first_manager_pin(pin, policy)?;
        self.create_first_manager_hashed(name, &hash, now)
    }

    /// [`Store::create_first_manager`] with the PIN already checked and
    /// hashed ([`first_manager_pin`], the slow part, done elsewhere).
    pub fn create_first_manager_hashed(
        &mut self,
        name: &str,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Operator> {
        let name = operator_name(name)?;
        self.write(|tx| {
            let any: bool =
                tx.query_row("SELECT EXISTS(SELECT 1 FROM operators)", [], |r| r.get(0))?;
            if any {
                return Err(StoreError::Invalid(
                    "this store already has operators: a manager adds new ones".into(),
                ));
            }
            super::meta::set_kind(tx, super::meta::StoreKind::Scheme)?;
            tx.execute(
                "INSERT INTO operators (name, role, created_at, pin_hash) VALUES (?1, 'manager', ?2, ?3)",
                params![name, ts(now), hash],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(id),
                AuditAction::Create,
                "operator",
                Some(id),
                &format!("{name} (manager), the store's first"),
            )?;
            audit::append(tx, now, Some(id), AuditAction::Pin, "operator", Some(id), "PIN set")?;
            Ok(Operator {
                id,
                name: name.clone(),
                role: Role::Manager,
            })
        })
    }

    /// Give a store with no manager who can sign in one again: `name` is
    /// made (or re-enabled as) a manager with this PIN. Only for the owner of
    /// the store file, which the caller checks; audited as theirs.
    pub fn recover_manager(
        &mut self,
        name: &str,
        pin: &str,
        policy: &PinPolicy,
        os_user: &str,
        now: DateTime<Utc>,
    ) -> Result<Operator> {
        let name = operator_name(name)?;
        policy.check(pin).map_err(StoreError::Invalid)?;
        if self.has_manager()? {
            return Err(StoreError::Invalid(
                "this store has a manager who can sign in: recovery is only for a store with none (a manager resets PINs with `operator reset-pin`)".into(),
            ));
        }
        let hash = hash_pin(pin).map_err(StoreError::Invalid)?;
        self.write(|tx| {
            let existing: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, role FROM operators WHERE name = ?1",
                    [&name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let id = match existing {
                Some((id, _)) => {
                    tx.execute(
                        "UPDATE operators SET role = 'manager', active = 1, pin_hash = ?1,
                                failed_pins = 0, locked_until = NULL WHERE id = ?2",
                        params![hash, id],
                    )?;
                    id
                }
                None => {
                    tx.execute(
                        "INSERT INTO operators (name, role, created_at, pin_hash) VALUES (?1, 'manager', ?2, ?3)",
                        params![name, ts(now), hash],
                    )?;
                    tx.last_insert_rowid()
                }
            };
            audit::append(
                tx,
                now,
                None,
                AuditAction::Recover,
                "operator",
                Some(id),
                &format!(
                    "{name} made a manager by the owner of the store file ({})",
                    crate::domain::text::tidy_input(os_user)
                ),
            )?;
            Ok(Operator {
                id,
                name: name.clone(),
                role: Role::Manager,
            })
        })
    }

    /// Check a name and PIN. Wrong PINs count towards a lock-out; every
    /// attempt, good or bad, is audited (never with the PIN).
    pub fn sign_in(
        &mut self,
        name: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Operator, SignInError>> {
        let check = self.check_pin(name, pin)?;
        self.record_sign_in(name, pin, &check, now)
    }

    /// The slow part of signing in, reading only: `pin` checked against the
    /// hash of the active operator `name`, if there is one.
    pub fn check_pin(&self, name: &str, pin: &str) -> Result<PinCheck> {
        let hash: Option<String> = self
            .conn()
            .query_row(
                "SELECT pin_hash FROM operators WHERE name = ?1 AND active = 1",
                [name.trim()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let matched = hash.as_deref().is_some_and(|h| pin_matches(pin, h));
        Ok(PinCheck { hash, matched })
    }

    /// The rest of signing in, with the PIN as [`Store::check_pin`] found
    /// it: the lock-out, the failed count and the audit, as
    /// [`Store::sign_in`] describes.
    pub fn record_sign_in(
        &mut self,
        name: &str,
        pin: &str,
        check: &PinCheck,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Operator, SignInError>> {
        // (id, name, role, pin hash, failed PINs in a row, locked until)
        type Row = (i64, String, String, Option<String>, i64, Option<i64>);
        let row: Option<Row> = self
            .conn()
            .query_row(
                "SELECT id, name, role, pin_hash, failed_pins, locked_until FROM operators WHERE name = ?1 AND active = 1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let Some((id, name, role, hash, failed, locked_until)) = row else {
            self.write(|tx| {
                audit::append(
                    tx,
                    now,
                    None,
                    AuditAction::SignInRefused,
                    "operator",
                    None,
                    "unknown name",
                )
            })?;
            return Ok(Err(SignInError::Unknown(crate::domain::text::tidy_input(
                name,
            ))));
        };
        // the lock-out's end, and the whole minutes left until it (at least one)
        let locked_out = |name: String, until: i64| {
            let until = super::from_ts(until);
            let left = (until - now).num_seconds().max(1);
            SignInError::LockedOut {
                name,
                until,
                minutes: (left + 59) / 60,
            }
        };
        if let Some(until) = locked_until.filter(|u| *u > ts(now)) {
            self.write(|tx| {
                audit::append(
                    tx,
                    now,
                    Some(id),
                    AuditAction::SignInRefused,
                    "operator",
                    Some(id),
                    "locked out",
                )
            })?;
            return Ok(Err(locked_out(name, until)));
        }
        let Some(hash) = hash else {
            return Ok(Err(SignInError::NoPin(name)));
        };
        if check.matches(pin, &hash) {
            self.write(|tx| {
                tx.execute(
                    "UPDATE operators SET failed_pins = 0, locked_until = NULL WHERE id = ?1",
                    [id],
                )?;
                audit::append(
                    tx,
                    now,
                    Some(id),
                    AuditAction::SignIn,
                    "operator",
                    Some(id),
                    "",
                )
            })?;
            return Ok(Ok(Operator {
                id,
                name,
                role: role_from(role),
            }));
        }
        let failed = failed + 1;
        let lock = (failed >= MAX_FAILED_PINS)
            .then(|| ts(now + chrono::Duration::minutes(LOCKOUT_MINUTES)));
        self.write(|tx| {
            tx.execute(
                "UPDATE operators SET failed_pins = ?1, locked_until = ?2 WHERE id = ?3",
                params![if lock.is_some() { 0 } else { failed }, lock, id],
            )?;
            audit::append(
                tx,
                now,
                Some(id),
                AuditAction::SignInFailed,
                "operator",
                Some(id),
                if lock.is_some() {
                    "locked out"
                } else {
                    "wrong PIN"
                },
            )
        })?;
        Ok(Err(match lock {
            Some(until) => locked_out(name, until),
            None => SignInError::WrongPin {
                left: MAX_FAILED_PINS - failed,
                minutes: LOCKOUT_MINUTES,
            },
        }))
    }

    /// Record a sign-in to the demo town, which asks for no PIN (only ever a
    /// demo store: `demo` refuses any other).
    pub fn record_demo_sign_in(&mut self, operator: i64, now: DateTime<Utc>) -> Result<()> {
        if self.kind()? != Some(super::meta::StoreKind::Demo) {
            return Err(StoreError::NotDemo {
                path: self.path().to_path_buf(),
            });
        }
        self.write(|tx| {
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::SignIn,
                "operator",
                Some(operator),
                "the demo town: no PIN asked",
            )
        })
    }

    pub fn sign_out(&mut self, operator: i64, why: &str, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::SignOut,
                "operator",
                Some(operator),
                why,
            )
        })
    }
}
