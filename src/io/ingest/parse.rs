//! A line of ingest into a typed record: JSON checked field by field,
//! text tidied and bounded, times checked against this host's clock. What
//! only the store can answer is left to `store::ingest`.

use crate::domain::text::{clean, tidy_input};
use crate::domain::Priority;
use crate::store::ingest::{IngestEvent, IngestIncident, MemberRef, RadioEvent};
use chrono::{DateTime, Duration as Span, Utc};
use serde::Deserialize;
use serde_json::Value;

/// How far ahead of this host's clock an event's time may be (clocks drift).
pub const MAX_AHEAD_MINUTES: i64 = 5;

/// Text limits, in characters (after tidying).
const MAX_TYPE: usize = 40;
const MAX_ALARM: usize = 40;
const MAX_NAME: usize = 120;
const MAX_LOCATION: usize = 200;
const MAX_SUMMARY: usize = 500;
const MAX_REF: usize = 64;
const MAX_SOURCE: usize = 40;

/// What a line is checked against besides the store.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The scheme's incident types (config `incident_types`): an incident
    /// line's `type` must be one of them.
    pub incident_types: Vec<String>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            incident_types: crate::domain::incident::DEFAULT_TYPES
                .iter()
                .map(|t| t.to_string())
                .collect(),
        }
    }
}

/// Every field any kind of line may carry; which belong to which kind is
/// checked after. Values are taken as they come so a wrong type can be
/// named by its field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    kind: Option<Value>,
    call_sign: Option<Value>,
    event: Option<Value>,
    member: Option<Value>,
    member_id: Option<Value>,
    zone: Option<Value>,
    alarm: Option<Value>,
    #[serde(rename = "type")]
    incident_type: Option<Value>,
    priority: Option<Value>,
    location: Option<Value>,
    summary: Option<Value>,
    #[serde(rename = "ref")]
    reference: Option<Value>,
    source: Option<Value>,
    at: Option<Value>,
}

impl RawLine {
    /// The fields present, by name, in the order of the schema.
    fn present(&self) -> Vec<&'static str> {
        let all: [(&'static str, bool); 14] = [
            ("kind", self.kind.is_some()),
            ("call_sign", self.call_sign.is_some()),
            ("event", self.event.is_some()),
            ("member", self.member.is_some()),
            ("member_id", self.member_id.is_some()),
            ("zone", self.zone.is_some()),
            ("alarm", self.alarm.is_some()),
            ("type", self.incident_type.is_some()),
            ("priority", self.priority.is_some()),
            ("location", self.location.is_some()),
            ("summary", self.summary.is_some()),
            ("ref", self.reference.is_some()),
            ("source", self.source.is_some()),
            ("at", self.at.is_some()),
        ];
        all.into_iter()
            .filter(|(_, p)| *p)
            .map(|(n, _)| n)
            .collect()
    }
}

const RADIO_FIELDS: &[&str] = &["kind", "call_sign", "event", "at"];
const ALARM_FIELDS: &[&str] = &[
    "kind",
    "member",
    "member_id",
    "zone",
    "alarm",
    "priority",
    "location",
    "summary",
    "ref",
    "source",
    "at",
];
const INCIDENT_FIELDS: &[&str] = &[
    "kind",
    "type",
    "priority",
    "member",
    "member_id",
    "zone",
    "location",
    "summary",
    "ref",
    "source",
    "at",
];

/// A text field: a JSON string, tidied (whitespace folded, control
/// characters and escape sequences removed), within `max` characters.
/// Empty after tidying counts as absent.
fn text(field: &str, v: Option<&Value>, max: usize) -> Result<Option<String>, String> {
    let Some(v) = v else { return Ok(None) };
    let Value::String(s) = v else {
        return Err(format!("\"{field}\" must be text"));
    };
    let t = tidy_input(s);
    if t.chars().count() > max {
        return Err(format!("\"{field}\" is longer than {max} characters"));
    }
    Ok((!t.is_empty()).then_some(t))
}

fn required(field: &str, v: Option<&Value>, max: usize) -> Result<String, String> {
    text(field, v, max)?.ok_or_else(|| format!("missing \"{field}\""))
}

fn priority(v: Option<&Value>, default: Priority) -> Result<Priority, String> {
    let Some(v) = v else { return Ok(default) };
    v.as_i64()
        .and_then(Priority::from_number)
        .ok_or_else(|| "\"priority\" must be a whole number from 1 (urgent) to 4 (low)".to_string())
}

fn time(v: Option<&Value>, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let Some(v) = v else { return Ok(now) };
    let bad =
        || "\"at\" is not a time: give RFC 3339 with a zone, e.g. 2026-11-27T18:02:00Z".to_string();
    let Value::String(s) = v else {
        return Err(bad());
    };
    let at = DateTime::parse_from_rfc3339(s.trim())
        .map_err(|_| bad())?
        .with_timezone(&Utc);
    if at > now + Span::minutes(MAX_AHEAD_MINUTES) {
        return Err(format!(
            "\"at\" is in the future (more than {MAX_AHEAD_MINUTES} minutes ahead of this host's clock)"
        ));
    }
    // nothing the scheme keeps is that old: a clock that lost its date
    if at.timestamp() < 946_684_800 {
        return Err("\"at\" is before 2000: check the sender's clock".into());
    }
    Ok(at)
}

/// The member a line names: `member_id` or `member` (not both).
fn member(raw: &RawLine) -> Result<Option<MemberRef>, String> {
    match (&raw.member_id, &raw.member) {
        (Some(_), Some(_)) => Err("give \"member\" or \"member_id\", not both".into()),
        (Some(v), None) => v
            .as_i64()
            .filter(|id| *id > 0)
            .map(|id| Some(MemberRef::Id(id)))
            .ok_or_else(|| "\"member_id\" must be a whole number".into()),
        (None, m) => Ok(text("member", m.as_ref(), MAX_NAME)?.map(MemberRef::Name)),
    }
}

/// serde's words for a line it could not read, without its position (a line
/// is one line) and without the list of every field it knows.
fn serde_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            format!("not JSON ({msg} at column {})", e.column())
        }
        Category::Data => {
            if msg.starts_with("invalid type") {
                "not a JSON object".into()
            } else if let Some(rest) = msg.strip_prefix("unknown field `") {
                let name = rest.split('`').next().unwrap_or_default();
                format!("unknown field \"{}\"", clean(name))
            } else if let Some(rest) = msg.strip_prefix("duplicate field `") {
                let name = rest.split('`').next().unwrap_or_default();
                format!("\"{name}\" is given twice")
            } else {
                clean(&msg).into_owned()
            }
        }
    }
}

/// Parse and check one line (without its newline). `now` is when it was
/// read: the event's time when it gives none, and the limit of the future.
pub fn parse_line(line: &[u8], now: DateTime<Utc>, rules: &Rules) -> Result<IngestEvent, String> {
    let line = std::str::from_utf8(line).map_err(|e| {
        format!(
            "not UTF-8 text (a bad byte at column {})",
            e.valid_up_to() + 1
        )
    })?;
    // serde would also read a struct from an array of its fields in order
    if !line.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(line) {
            Ok(_) => "not a JSON object".into(),
            Err(e) => serde_reason(&e),
        });
    }
    let raw: RawLine = serde_json::from_str(line).map_err(|e| serde_reason(&e))?;
    let kind = match &raw.kind {
        None => return Err("missing \"kind\" (radio, alarm or incident)".into()),
        Some(Value::String(k)) => k.trim().to_lowercase(),
        Some(_) => return Err("\"kind\" must be text: radio, alarm or incident".into()),
    };
    let allowed = match kind.as_str() {
        "radio" => RADIO_FIELDS,
        "alarm" => ALARM_FIELDS,
        "incident" => INCIDENT_FIELDS,
        other => {
            return Err(format!(
                "unknown kind “{}” (radio, alarm or incident)",
                tidy_input(other)
            ))
        }
    };
    if let Some(stray) = raw.present().into_iter().find(|f| !allowed.contains(f)) {
        return Err(format!(
            "\"{stray}\" does not belong on a{} {kind} line",
            if kind == "alarm" || kind == "incident" {
                "n"
            } else {
                ""
            }
        ));
    }
    let at = time(raw.at.as_ref(), now)?;
    match kind.as_str() {
        "radio" => {
            let call_sign = match raw.call_sign.as_ref() {
                None => return Err("missing \"call_sign\"".into()),
                Some(Value::String(s)) => crate::domain::radio::call_sign(s)?,
                Some(_) => return Err("\"call_sign\" must be text".into()),
            };
            let signing_on = match text("event", raw.event.as_ref(), 20)?.as_deref() {
                Some("sign_on") => true,
                Some("sign_off") => false,
                Some(other) => {
                    return Err(format!("unknown event “{other}” (sign_on or sign_off)"))
                }
                None => return Err("missing \"event\" (sign_on or sign_off)".into()),
            };
            Ok(IngestEvent::Radio(RadioEvent {
                call_sign,
                signing_on,
                at,
            }))
        }
        "alarm" => {
            let member = member(&raw)?.ok_or_else(|| {
                "missing \"member\" (or \"member_id\"): where the alarm went off".to_string()
            })?;
            let alarm = required("alarm", raw.alarm.as_ref(), MAX_ALARM)?;
            let what = if alarm.to_lowercase().ends_with("alarm") {
                format!("{alarm} activated")
            } else {
                format!("{alarm} alarm activated")
            };
            let summary = match text("summary", raw.summary.as_ref(), MAX_SUMMARY)? {
                Some(s) => format!("{what}: {s}"),
                None => what,
            };
            if summary.chars().count() > MAX_SUMMARY {
                return Err(format!(
                    "\"summary\" is longer than {MAX_SUMMARY} characters with the alarm's words"
                ));
            }
            Ok(IngestEvent::Incident(IngestIncident {
                kind: "alarm".into(),
                // an alarm tops every console's board unless the sender says otherwise
                priority: priority(raw.priority.as_ref(), Priority::Urgent)?,
                member: Some(member),
                zone: text("zone", raw.zone.as_ref(), MAX_NAME)?,
                location: text("location", raw.location.as_ref(), MAX_LOCATION)?
                    .unwrap_or_default(),
                summary,
                at,
                source: text("source", raw.source.as_ref(), MAX_SOURCE)?,
                reference: text("ref", raw.reference.as_ref(), MAX_REF)?,
            }))
        }
        _ => {
            let given = required("type", raw.incident_type.as_ref(), MAX_TYPE)?;
            let kind = rules
                .incident_types
                .iter()
                .find(|t| t.eq_ignore_ascii_case(&given))
                .cloned()
                .ok_or_else(|| {
                    format!(
                        "unknown type “{given}” ({})",
                        rules.incident_types.join(", ")
                    )
                })?;
            Ok(IngestEvent::Incident(IngestIncident {
                kind,
                priority: priority(raw.priority.as_ref(), Priority::Medium)?,
                member: member(&raw)?,
                zone: text("zone", raw.zone.as_ref(), MAX_NAME)?,
                location: text("location", raw.location.as_ref(), MAX_LOCATION)?
                    .unwrap_or_default(),
                summary: required("summary", raw.summary.as_ref(), MAX_SUMMARY)?,
                at,
                source: text("source", raw.source.as_ref(), MAX_SOURCE)?,
                reference: text("ref", raw.reference.as_ref(), MAX_REF)?,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-27T12:00:00Z".parse().unwrap()
    }

    fn parse(s: &str) -> Result<IngestEvent, String> {
        parse_line(s.as_bytes(), now(), &Rules::default())
    }

    #[test]
    fn a_radio_line_is_a_sign_on_at_its_time() {
        let ev = parse(
            r#"{"kind":"radio","call_sign":"hs03","event":"sign_on","at":"2026-11-27T11:02:00Z"}"#,
        )
        .unwrap();
        assert_eq!(
            ev,
            IngestEvent::Radio(RadioEvent {
                call_sign: "HS03".into(),
                signing_on: true,
                at: "2026-11-27T11:02:00Z".parse().unwrap(),
            })
        );
    }

    #[test]
    fn an_alarm_is_an_urgent_incident_of_type_alarm() {
        let IngestEvent::Incident(i) =
            parse(r#"{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"ALM-1"}"#).unwrap()
        else {
            panic!("an incident")
        };
        assert_eq!(i.kind, "alarm");
        assert_eq!(i.priority, Priority::Urgent);
        assert_eq!(i.summary, "panic alarm activated");
        assert_eq!(i.member, Some(MemberRef::Name("Greggs".into())));
        assert_eq!(i.at, now());
        assert_eq!(i.reference.as_deref(), Some("ALM-1"));
    }

    #[test]
    fn each_bad_line_says_why() {
        let cases = [
            ("not json", "not JSON"),
            ("[1,2]", "not a JSON object"),
            (
                r#"["radio","HS01","sign_on",null,null,null,null,null,null,null,null,null,null,null]"#,
                "not a JSON object",
            ),
            ("42", "not a JSON object"),
            (r#"{"call_sign":"HS01"}"#, "missing \"kind\""),
            (r#"{"kind":"weather"}"#, "unknown kind “weather”"),
            (
                r#"{"kind":"radio","event":"sign_on"}"#,
                "missing \"call_sign\"",
            ),
            (
                r#"{"kind":"radio","call_sign":"HS01","event":"dance"}"#,
                "unknown event “dance”",
            ),
            (
                r#"{"kind":"radio","call_sign":"HS01","event":"sign_on","summary":"x"}"#,
                "\"summary\" does not belong on a radio line",
            ),
            (
                r#"{"kind":"incident","type":"theft","sumary":"x"}"#,
                "unknown field \"sumary\"",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","summary":"y"}"#,
                "\"summary\" is given twice",
            ),
            (
                r#"{"kind":"incident","type":"burglary","summary":"x"}"#,
                "unknown type “burglary”",
            ),
            (
                r#"{"kind":"incident","type":"theft"}"#,
                "missing \"summary\"",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","priority":7}"#,
                "\"priority\" must be a whole number",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","priority":"1"}"#,
                "\"priority\" must be a whole number",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","at":"yesterday"}"#,
                "\"at\" is not a time",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","at":"2026-11-27T13:00:00Z"}"#,
                "\"at\" is in the future",
            ),
            (r#"{"kind":"alarm","alarm":"panic"}"#, "missing \"member\""),
            (
                r#"{"kind":"alarm","member":"Greggs","member_id":2,"alarm":"panic"}"#,
                "not both",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":3}"#,
                "\"summary\" must be text",
            ),
        ];
        for (line, want) in cases {
            let why = parse(line).expect_err(line);
            assert!(why.contains(want), "{line}: {why}");
        }
        let long = format!(
            r#"{{"kind":"incident","type":"theft","summary":"{}"}}"#,
            "x".repeat(501)
        );
        assert!(parse(&long).unwrap_err().contains("longer than 500"));
        let bad_utf8 = b"{\"kind\":\"radio\",\"call_sign\":\"HS\xff\"}";
        assert!(parse_line(bad_utf8, now(), &Rules::default())
            .unwrap_err()
            .contains("not UTF-8"));
    }

    #[test]
    fn escape_sequences_in_text_are_never_kept() {
        let IngestEvent::Incident(i) = parse(
            r#"{"kind":"incident","type":"THEFT","summary":"two \u001b[2J men\u0007","location":"\u001b]0;x\u0007door"}"#,
        )
        .unwrap() else {
            panic!("an incident")
        };
        assert_eq!(i.kind, "theft", "the scheme's own spelling of the type");
        assert!(!i.summary.chars().any(char::is_control), "{:?}", i.summary);
        assert!(
            !i.location.chars().any(char::is_control),
            "{:?}",
            i.location
        );
        assert_eq!(i.summary, "two [2J men");
    }
}
