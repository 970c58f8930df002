//! Who may do what. Every change of state names the permission it needs;
//! roles grant permissions. A refusal says why and is audited.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The control-room operator running a shift.
    Operator,
    /// CCTV staff logging sightings and keeping the register.
    Cctv,
    /// The radio coordinator.
    Coordinator,
    /// The scheme manager: everything, including sanctions and data protection.
    Manager,
    /// A partner who may read but not change anything.
    Viewer,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Operator,
        Role::Cctv,
        Role::Coordinator,
        Role::Manager,
        Role::Viewer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Cctv => "cctv",
            Role::Coordinator => "coordinator",
            Role::Manager => "manager",
            Role::Viewer => "viewer",
        }
    }

    pub fn from_code(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s.trim().to_lowercase())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    LogIncident,
    UpdateIncident,
    NameOffenderOnIncident,
    LogSighting,
    DecideHit,
    /// Add, edit, promote or merge people on the register.
    EditRegister,
    /// Serve, lift or record appeals on exclusions.
    ManageExclusions,
    ViewProfile,
    RunRollCall,
    ManageRadios,
    LogRadio,
    ManageOperators,
    RunRetention,
    AnswerSubjectAccess,
    Export,
    /// Import members, radios, offenders and police open data from files.
    Import,
    /// Read the audit trail: who viewed and changed what.
    ViewAudit,
    /// Write in the occurrence log.
    KeepLog,
    /// Add or change member businesses and their staff's training.
    ManageMembers,
    /// Zones, cameras, the scheme's details, and backups.
    SetUpScheme,
    /// The breach log, the information-sharing agreements, the DPIA and the
    /// appropriate policy document.
    KeepGovernance,
    /// Record evidence items, their handovers and corrections (the
    /// footage's continuity trail), and make their continuity statements.
    RecordEvidence,
}

impl Permission {
    pub const ALL: [Permission; 22] = [
        Permission::LogIncident,
        Permission::UpdateIncident,
        Permission::NameOffenderOnIncident,
        Permission::LogSighting,
        Permission::DecideHit,
        Permission::EditRegister,
        Permission::ManageExclusions,
        Permission::ViewProfile,
        Permission::RunRollCall,
        Permission::ManageRadios,
        Permission::LogRadio,
        Permission::ManageOperators,
        Permission::RunRetention,
        Permission::AnswerSubjectAccess,
        Permission::Export,
        Permission::Import,
        Permission::ViewAudit,
        Permission::KeepLog,
        Permission::ManageMembers,
        Permission::SetUpScheme,
        Permission::KeepGovernance,
        Permission::RecordEvidence,
    ];

    /// What the permission lets someone do, for a refusal message.
    pub fn describe(self) -> &'static str {
        match self {
            Permission::LogIncident => "log incidents",
            Permission::UpdateIncident => "change incidents",
            Permission::NameOffenderOnIncident => "name offenders on incidents",
            Permission::LogSighting => "log sightings",
            Permission::DecideHit => "acknowledge hits",
            Permission::EditRegister => "change the offender register",
            Permission::ManageExclusions => "serve, lift or record appeals on exclusions",
            Permission::ViewProfile => "open offender profiles",
            Permission::RunRollCall => "run the roll-call",
            Permission::ManageRadios => "change the radio inventory",
            Permission::LogRadio => "log radio traffic",
            Permission::ManageOperators => "manage operators",
            Permission::RunRetention => "run retention or erase a person",
            Permission::AnswerSubjectAccess => "answer subject access requests",
            Permission::Export => "export data",
            Permission::Import => "import data",
            Permission::ViewAudit => "read the audit trail",
            Permission::KeepLog => "write in the occurrence log",
            Permission::ManageMembers => "change members or their training",
            Permission::SetUpScheme => "set up the scheme (zones, cameras, its details, backups)",
            Permission::KeepGovernance => "keep the breach log, sharing agreements and the DPIA",
            Permission::RecordEvidence => "record evidence items and their handovers",
        }
    }
}

/// The scheme's rules of who may do what.
pub fn allowed(role: Role, p: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Manager => true,
        Role::Viewer => matches!(p, ViewProfile),
        Role::Operator => matches!(
            p,
            LogIncident
                | UpdateIncident
                | NameOffenderOnIncident
                | LogSighting
                | DecideHit
                | ViewProfile
                | RunRollCall
                | LogRadio
                | KeepLog
        ),
        Role::Cctv => matches!(
            p,
            LogIncident
                | UpdateIncident
                | NameOffenderOnIncident
                | LogSighting
                | DecideHit
                | EditRegister
                | ViewProfile
                | LogRadio
                | KeepLog
                | RecordEvidence
        ),
        Role::Coordinator => matches!(
            p,
            LogIncident
                | UpdateIncident
                | LogSighting
                | ViewProfile
                | RunRollCall
                | ManageRadios
                | LogRadio
                | KeepLog
        ),
    }
}

/// Why a role may not do something, in the operator's words.
pub fn refusal(role: Role, p: Permission) -> String {
    let who: Vec<&str> = Role::ALL
        .iter()
        .filter(|r| allowed(**r, p))
        .map(|r| r.code())
        .collect();
    let article = if role.code().starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!(
        "{article} {} cannot {} (that needs: {})",
        role.code(),
        p.describe(),
        who.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_manager_manages_sanctions_operators_retention_subject_access_and_governance() {
        for p in [
            Permission::ManageExclusions,
            Permission::ManageOperators,
            Permission::RunRetention,
            Permission::AnswerSubjectAccess,
            Permission::Export,
            Permission::Import,
            Permission::ViewAudit,
            Permission::ManageMembers,
            Permission::SetUpScheme,
            Permission::KeepGovernance,
        ] {
            for r in Role::ALL {
                assert_eq!(allowed(r, p), r == Role::Manager, "{r:?} {p:?}");
            }
        }
    }

    #[test]
    fn a_viewer_changes_nothing() {
        for p in Permission::ALL {
            assert_eq!(
                allowed(Role::Viewer, p),
                p == Permission::ViewProfile,
                "{p:?}"
            );
        }
    }

    #[test]
    fn every_role_can_read_a_profile_and_every_working_role_can_log_an_incident() {
        for r in Role::ALL {
            assert!(allowed(r, Permission::ViewProfile));
            assert_eq!(allowed(r, Permission::LogIncident), r != Role::Viewer);
        }
    }

    #[test]
    fn the_desks_have_their_own_work() {
        assert!(allowed(Role::Cctv, Permission::RecordEvidence));
        assert!(allowed(Role::Manager, Permission::RecordEvidence));
        assert!(!allowed(Role::Operator, Permission::RecordEvidence));
        assert!(!allowed(Role::Viewer, Permission::RecordEvidence));
        assert!(allowed(Role::Cctv, Permission::EditRegister));
        assert!(!allowed(Role::Operator, Permission::EditRegister));
        assert!(allowed(Role::Coordinator, Permission::ManageRadios));
        assert!(!allowed(Role::Cctv, Permission::ManageRadios));
        assert!(!allowed(Role::Coordinator, Permission::DecideHit));
    }

    #[test]
    fn a_refusal_says_who_can() {
        let m = refusal(Role::Viewer, Permission::LogSighting);
        assert_eq!(
            m,
            "a viewer cannot log sightings (that needs: operator, cctv, coordinator, manager)"
        );
        assert_eq!(Role::from_code("CCTV"), Some(Role::Cctv));
        assert_eq!(Role::from_code("chief"), None);
    }
}
