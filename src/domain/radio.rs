//! A radio's call sign: one rule for every door one comes in by (the
//! console's forms, the command line, an import, the ingest stream), so a
//! call sign stored is always one an operator can type back in `i`, `r`
//! or `l`.

/// The rule, as the refusals say it.
pub const CALL_SIGN_RULE: &str = "2 to 16 letters, digits or -";

const MIN_CHARS: usize = 2;
const MAX_CHARS: usize = 16;

/// The call sign as stored (upper-case), or why `raw` is not one. Spaces at
/// either end are forgiven; anything else outside the rule is refused, never
/// trimmed or folded into something the sender did not write.
pub fn call_sign(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(format!("a call sign is needed ({CALL_SIGN_RULE})"));
    }
    let chars = s.chars().count();
    let fault = match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        Some(' ') => "has a space".to_string(),
        Some(c) if c.is_control() => "has a control character".to_string(),
        Some(c) => format!("has “{c}” in it"),
        None if chars < MIN_CHARS => "is too short".to_string(),
        None if chars > MAX_CHARS => format!("is {chars} characters long"),
        None => return Ok(s.to_ascii_uppercase()),
    };
    // What was given, shown safely and cut short: it may be anything.
    let shown: String = super::text::tidy_input(s).chars().take(24).collect();
    Err(format!(
        "call sign “{}” {fault}: a call sign is {CALL_SIGN_RULE}",
        super::text::clean(&shown)
    ))
}

/// What a radio's status becomes when who it is issued to changes: given to
/// a member, a spare is issued; taken back from one, an issued radio is a
/// spare. Any other status (faulty, lost…) stays as it is.
pub fn status_for_holder(status: &str, has_member: bool) -> &str {
    match (status, has_member) {
        ("spare", true) => "issued",
        ("issued", false) => "spare",
        (s, _) => s,
    }
}

/// Why a radio must be fetched back from its member, if it must: the
/// member lapsed or left while still holding it. Such a radio is called on
/// no roll-call (its member is off the scheme), so nothing else would
/// show it.
pub fn to_recover(status: &str, member_status: &str) -> Option<&'static str> {
    if !matches!(status, "issued" | "faulty") {
        return None;
    }
    match member_status {
        "lapsed" => Some("recover: member lapsed"),
        "left" => Some("recover: member left"),
        _ => None,
    }
}

/// A radio that should not be heard at all: whoever has it now is not the
/// member it was issued to.
pub fn is_missing(status: &str) -> bool {
    matches!(status, "lost" | "stunned")
}

/// Statuses a station on tonight's roster may have gone to since the call
/// began, shown beside it in the alert colour.
pub fn is_trouble(status: &str) -> bool {
    is_missing(status) || matches!(status, "faulty" | "in repair")
}

const HEARD_FROM: &str = " from a radio that is ";

/// The audit trail's words for a radio heard (`what`: "signing on",
/// "message"…) while its status is `status`: the same words from every
/// door, so that every console can tell a missing radio heard from the rest.
pub fn heard_detail(what: &str, status: &str) -> String {
    if is_missing(status) {
        format!("{what}{HEARD_FROM}{status}")
    } else {
        what.to_string()
    }
}

/// What a missing radio was heard doing and its status, from an audit
/// record's detail [`heard_detail`] wrote; `None` for any other radio.
pub fn missing_heard(detail: &str) -> Option<(&str, &str)> {
    detail
        .split_once(HEARD_FROM)
        .filter(|(_, status)| is_missing(status))
}

/// The placeholders a calling script may hold.
pub const SCRIPT_PLACES: [&str; 2] = ["{call_sign}", "{business}"];

/// Check a calling script (`[rollcall] script`): every `{…}` in it must be
/// one of [`SCRIPT_PLACES`], so a typo is found when the config is read,
/// not read out on air.
pub fn check_script(script: &str) -> Result<(), String> {
    let mut rest = script;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            return Err(format!(
                "[rollcall] script has a “{{” with no “}}”: {after}"
            ));
        };
        let place = &after[..=close];
        if !SCRIPT_PLACES.contains(&place) {
            return Err(format!(
                "[rollcall] script: {place} is not a placeholder ({})",
                SCRIPT_PLACES.join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// The calling script for one station: its call sign and business put in.
pub fn script_for(script: &str, call_sign: &str, business: &str) -> String {
    script
        .replace("{call_sign}", call_sign)
        .replace("{business}", business)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_sign_is_stored_upper_case_and_anything_outside_the_rule_is_refused_saying_it() {
        assert_eq!(call_sign(" hs02 ").as_deref(), Ok("HS02"));
        assert_eq!(call_sign("pub-7").as_deref(), Ok("PUB-7"));
        assert_eq!(call_sign("A1").as_deref(), Ok("A1"));
        assert_eq!(
            call_sign("ABCDEFGHIJKLMNOP").as_deref(),
            Ok("ABCDEFGHIJKLMNOP")
        );
        for (raw, says) in [
            ("HS 77", "has a space"),
            ("ABCDEFGHIJKLMNOPQRSTU", "is 21 characters long"),
            ("\u{1b}[31mHS99\u{1b}[0m", "has a control character"),
            ("[31MHS99 [0M", "has “[” in it"),
            ("H", "is too short"),
            ("HSØ1", "has “Ø” in it"),
            ("", "is needed"),
        ] {
            let err = call_sign(raw).unwrap_err();
            assert!(err.contains(says), "{raw:?}: {err}");
            assert!(err.contains(CALL_SIGN_RULE), "{raw:?}: {err}");
            assert!(!err.contains('\u{1b}'), "{raw:?}: {err}");
        }
    }

    #[test]
    fn a_spare_given_to_a_member_is_issued_and_an_issued_radio_taken_back_is_spare() {
        assert_eq!(status_for_holder("spare", true), "issued");
        assert_eq!(status_for_holder("issued", false), "spare");
        assert_eq!(status_for_holder("issued", true), "issued");
        assert_eq!(status_for_holder("faulty", false), "faulty");
        assert_eq!(status_for_holder("lost", true), "lost");
    }

    #[test]
    fn a_radio_still_held_by_a_member_off_the_scheme_is_to_be_recovered() {
        assert_eq!(
            to_recover("issued", "lapsed"),
            Some("recover: member lapsed")
        );
        assert_eq!(to_recover("faulty", "left"), Some("recover: member left"));
        assert_eq!(to_recover("issued", "active"), None);
        assert_eq!(to_recover("lost", "left"), None);
        assert_eq!(to_recover("spare", ""), None);
    }

    #[test]
    fn a_missing_radio_heard_is_told_apart_from_the_rest_by_its_audit_words() {
        let d = heard_detail("signing on", "lost");
        assert_eq!(d, "signing on from a radio that is lost");
        assert_eq!(missing_heard(&d), Some(("signing on", "lost")));
        assert_eq!(
            missing_heard(&heard_detail("message", "stunned")),
            Some(("message", "stunned"))
        );
        assert_eq!(heard_detail("signing on", "faulty"), "signing on");
        assert_eq!(missing_heard("signing on"), None);
        assert_eq!(
            missing_heard("signing on from a radio that is issued"),
            None
        );
    }

    #[test]
    fn a_calling_script_takes_the_call_sign_and_business_and_refuses_other_placeholders() {
        let script = "{call_sign}, {call_sign}, this is Control: radio check for {business}, over";
        assert_eq!(check_script(script), Ok(()));
        assert_eq!(
            script_for(script, "HS03", "WH Smith"),
            "HS03, HS03, this is Control: radio check for WH Smith, over"
        );
        let e = check_script("{callsign}, radio check").unwrap_err();
        assert!(e.contains("{callsign} is not a placeholder"), "{e}");
        assert!(check_script("radio check {call_sign")
            .unwrap_err()
            .contains("no “}”"));
        assert_eq!(check_script("radio check, over"), Ok(()));
    }
}
