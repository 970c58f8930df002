//! A waiting hit as an alarm: the reminders on the scheme's schedule after
//! it is raised, the escalation at the last of them, a snooze that holds
//! them back, and the exclusion behind a breach lifted or ended, after which
//! the hit is no longer urgent. Such a hit still waits for a decision (an
//! operator acknowledges what was seen), but it reminds no more.

use super::sighting::HitStatus;
use chrono::{DateTime, Duration, Utc};

/// The minutes after a hit is raised at which it reminds, ascending; the
/// last reminder escalates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminders {
    minutes: Vec<i64>,
}

impl Default for Reminders {
    fn default() -> Self {
        Reminders {
            minutes: vec![2, 5, 10],
        }
    }
}

impl Reminders {
    pub fn new(minutes: Vec<i64>) -> Result<Reminders, String> {
        if minutes.is_empty() {
            return Err("needs at least one step (minutes after a hit is raised)".into());
        }
        if let Some(m) = minutes.iter().find(|m| **m < 1) {
            return Err(format!("each step must be at least 1 minute (found {m})"));
        }
        if minutes.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!(
                "the steps must go up, each later than the one before (found {minutes:?})"
            ));
        }
        Ok(Reminders { minutes })
    }

    pub fn minutes(&self) -> &[i64] {
        &self.minutes
    }

    /// How many of its reminders a hit raised at `raised` is due by `now`.
    pub fn due(&self, raised: DateTime<Utc>, now: DateTime<Utc>) -> usize {
        self.minutes
            .iter()
            .take_while(|m| raised + Duration::minutes(**m) <= now)
            .count()
    }

    /// Whether `due` reminders reach the last step, which escalates.
    pub fn escalates(&self, due: usize) -> bool {
        due >= self.minutes.len()
    }
}

/// Where a hit stands as an alarm, now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Accepted or rejected: nothing more to do.
    Decided,
    /// The exclusion behind the breach was lifted: no longer a breach.
    Lifted,
    /// The exclusion behind the breach has ended.
    Ended,
    /// Nobody acknowledged it by its last reminder: the managers were told.
    Escalated,
    /// Reminders held back until then.
    Snoozed(DateTime<Utc>),
    /// Waiting, reminding on the schedule.
    Waiting,
}

impl Standing {
    /// Whether the schedule runs for it (reminders, and the escalation).
    pub fn reminds(self) -> bool {
        self == Standing::Waiting
    }

    /// Whether it counts among the hits needing someone now.
    pub fn urgent(self) -> bool {
        matches!(
            self,
            Standing::Waiting | Standing::Snoozed(_) | Standing::Escalated
        )
    }

    /// Why a waiting hit is no longer urgent, in the hits pane's words.
    pub fn moot(self) -> Option<&'static str> {
        match self {
            Standing::Lifted => Some("exclusion lifted — no longer a breach"),
            Standing::Ended => Some("exclusion ended"),
            _ => None,
        }
    }
}

/// What decides a hit's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HitAlarm {
    pub status: HitStatus,
    pub raised_at: DateTime<Utc>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub snoozed_until: Option<DateTime<Utc>>,
    /// The exclusion behind a breach (none for a watch hit).
    pub exclusion_lifted_at: Option<DateTime<Utc>>,
    pub exclusion_ends_at: Option<DateTime<Utc>>,
}

impl HitAlarm {
    pub fn standing(&self, now: DateTime<Utc>) -> Standing {
        if self.status != HitStatus::New {
            Standing::Decided
        } else if self.exclusion_lifted_at.is_some_and(|t| t <= now) {
            Standing::Lifted
        } else if self.exclusion_ends_at.is_some_and(|t| t <= now) {
            Standing::Ended
        } else if self.escalated_at.is_some() {
            Standing::Escalated
        } else if let Some(until) = self.snoozed_until.filter(|t| *t > now) {
            Standing::Snoozed(until)
        } else {
            Standing::Waiting
        }
    }
}

/// The snoozes the form offers, in minutes.
pub const SNOOZE_CHOICES: [i64; 3] = [5, 10, 15];
/// A snooze is for a few minutes: longer, and the hit should be decided.
pub const SNOOZE_MAX_MINUTES: i64 = 60;

/// A snooze as typed: its minutes (1 to [`SNOOZE_MAX_MINUTES`]) and its
/// reason (required), or why not.
pub fn snooze(minutes: &str, reason: &str) -> Result<(i64, String), String> {
    let m: i64 = minutes
        .trim()
        .trim_end_matches('m')
        .trim()
        .parse()
        .map_err(|_| format!("snooze for how many minutes? (“{}”)", minutes.trim()))?;
    if !(1..=SNOOZE_MAX_MINUTES).contains(&m) {
        return Err(format!(
            "a snooze is 1 to {SNOOZE_MAX_MINUTES} minutes; decide the hit instead"
        ));
    }
    let reason = super::text::tidy_input(reason);
    if reason.is_empty() {
        return Err("say why the reminders can wait".into());
    }
    Ok((m, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_schedule_goes_up_from_one_minute_and_has_a_step() {
        assert!(Reminders::new(vec![]).unwrap_err().contains("at least one"));
        assert!(Reminders::new(vec![0, 5])
            .unwrap_err()
            .contains("at least 1 minute"));
        assert!(Reminders::new(vec![5, 5]).unwrap_err().contains("go up"));
        assert!(Reminders::new(vec![10, 2]).unwrap_err().contains("go up"));
        assert_eq!(Reminders::new(vec![3]).unwrap().minutes(), [3]);
    }

    #[test]
    fn reminders_fall_due_on_the_schedule_and_the_last_escalates() {
        let r = Reminders::default();
        let raised = t("2026-11-27T21:00:00Z");
        assert_eq!(r.due(raised, t("2026-11-27T21:01:59Z")), 0);
        assert_eq!(r.due(raised, t("2026-11-27T21:02:00Z")), 1);
        assert_eq!(r.due(raised, t("2026-11-27T21:09:00Z")), 2);
        assert!(!r.escalates(2));
        assert_eq!(r.due(raised, t("2026-11-27T23:00:00Z")), 3);
        assert!(r.escalates(3));
    }

    #[test]
    fn a_hit_stops_reminding_when_decided_lifted_ended_escalated_or_while_snoozed() {
        let now = t("2026-11-27T21:10:00Z");
        let waiting = HitAlarm {
            status: HitStatus::New,
            raised_at: t("2026-11-27T21:00:00Z"),
            escalated_at: None,
            snoozed_until: None,
            exclusion_lifted_at: None,
            exclusion_ends_at: Some(t("2026-12-27T00:00:00Z")),
        };
        assert_eq!(waiting.standing(now), Standing::Waiting);
        assert!(waiting.standing(now).reminds() && waiting.standing(now).urgent());
        let lifted = HitAlarm {
            exclusion_lifted_at: Some(t("2026-11-27T21:05:00Z")),
            ..waiting
        };
        assert_eq!(lifted.standing(now), Standing::Lifted);
        assert!(!lifted.standing(now).urgent());
        assert_eq!(
            lifted.standing(now).moot(),
            Some("exclusion lifted — no longer a breach")
        );
        let ended = HitAlarm {
            exclusion_ends_at: Some(now),
            ..waiting
        };
        assert_eq!(ended.standing(now).moot(), Some("exclusion ended"));
        let snoozed = HitAlarm {
            snoozed_until: Some(now + Duration::minutes(5)),
            ..waiting
        };
        assert!(!snoozed.standing(now).reminds() && snoozed.standing(now).urgent());
        assert_eq!(
            snoozed.standing(now + Duration::minutes(5)),
            Standing::Waiting,
            "runs out"
        );
        let escalated = HitAlarm {
            escalated_at: Some(now),
            ..waiting
        };
        assert!(!escalated.standing(now).reminds() && escalated.standing(now).urgent());
        let decided = HitAlarm {
            status: HitStatus::Accepted,
            ..escalated
        };
        assert_eq!(decided.standing(now), Standing::Decided);
    }

    #[test]
    fn a_snooze_is_a_few_minutes_with_a_reason() {
        assert_eq!(
            snooze(" 10 ", " police  on the way "),
            Ok((10, "police on the way".into()))
        );
        assert_eq!(snooze("5m", "units there").unwrap().0, 5);
        assert!(snooze("", "x").unwrap_err().contains("how many minutes"));
        assert!(snooze("0", "x").unwrap_err().contains("1 to 60"));
        assert!(snooze("90", "x").unwrap_err().contains("1 to 60"));
        assert!(snooze("10", "  ").unwrap_err().contains("say why"));
    }
}
