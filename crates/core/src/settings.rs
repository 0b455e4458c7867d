//! The registry of runtime settings (`askpro config set KEY=VALUE`): every key with its
//! type, default, allowed values and documentation. A value is validated here before it
//! is stored, so a running server never reads a value it does not understand.

use serde::Serialize;
use std::fmt;

/// What values a key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SettingKind {
    Bool,
    Integer {
        min: i64,
        max: i64,
        unit: &'static str,
    },
    Choice {
        values: &'static [&'static str],
    },
    /// A credential: stored as given, shown only as `***`.
    Secret,
}

/// How a secret is shown everywhere: in `config`, logs and the audit trail.
pub const MASK: &str = "***";

/// One documented key.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SettingDef {
    pub key: &'static str,
    #[serde(flatten)]
    pub kind: SettingKind,
    pub default: &'static str,
    pub doc: &'static str,
}

/// Every key AskPro knows, alphabetically. Company values override global ones.
pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        key: "calcom.slots_cache_seconds",
        kind: SettingKind::Integer {
            min: 0,
            max: 3600,
            unit: "seconds",
        },
        default: "60",
        doc: "How long Cal.com's free slots are reused before asking again; 0 asks every time.",
    },
    SettingDef {
        key: "calcom.sync_interval_minutes",
        kind: SettingKind::Integer {
            min: 1,
            max: 1440,
            unit: "minutes",
        },
        default: "10",
        doc: "How often `serve` reconciles every company's appointments with Cal.com.",
    },
    SettingDef {
        key: "calcom.timeout_ms",
        kind: SettingKind::Integer {
            min: 100,
            max: 10000,
            unit: "milliseconds",
        },
        default: "1500",
        doc: "How long a caller waits for Cal.com; after it, AskPro answers from its own calendar and pushes later.",
    },
    SettingDef {
        key: "mail.mailer",
        kind: SettingKind::Choice {
            values: &["smtp", "backup_smtp", "outbox"],
        },
        default: "smtp",
        doc: "Which mailer sends e-mail: the primary SMTP server (falling back to the backup), the backup alone, or the local outbox.",
    },
    SettingDef {
        key: "notifications.reminder_hours",
        kind: SettingKind::Integer {
            min: 0,
            max: 168,
            unit: "hours",
        },
        default: "24",
        doc: "How long before an appointment the reminder goes out; 0 turns reminders off.",
    },
    SettingDef {
        key: "notifications.sms.enabled",
        kind: SettingKind::Bool,
        default: "false",
        doc: "Send SMS confirmations and reminders.",
    },
    SettingDef {
        key: "notifications.sms.provider",
        kind: SettingKind::Choice {
            values: &["twilio"],
        },
        default: "twilio",
        doc: "Which SMS provider delivers text messages.",
    },
    SettingDef {
        key: "privacy.call_retention_days",
        kind: SettingKind::Integer {
            min: 0,
            max: 3650,
            unit: "days",
        },
        default: "0",
        doc: "How long calls are kept at all (times, numbers, outcomes); older ones are deleted by the daily purge. 0 keeps them.",
    },
    SettingDef {
        key: "privacy.transcript_retention_days",
        kind: SettingKind::Integer {
            min: 7,
            max: 3650,
            unit: "days",
        },
        default: "90",
        doc: "How long transcripts, recordings' links and what callers told the agent's functions are kept; the daily purge removes older ones.",
    },
    SettingDef {
        key: "retell.api_key",
        kind: SettingKind::Secret,
        default: "",
        doc: "The company's own Retell API key (signs its agent's webhooks and function calls, authorises REST calls); empty uses the global key.",
    },
    SettingDef {
        key: "retell.call_timeout",
        kind: SettingKind::Integer {
            min: 60,
            max: 3600,
            unit: "seconds",
        },
        default: "600",
        doc: "Longest call the voice agent keeps up before it ends the call politely.",
    },
    SettingDef {
        key: "retell.enable_cancellation",
        kind: SettingKind::Bool,
        default: "true",
        doc: "Callers may cancel and reschedule appointments by phone.",
    },
    SettingDef {
        key: "retell.idle_timeout",
        kind: SettingKind::Integer {
            min: 5,
            max: 300,
            unit: "seconds",
        },
        default: "30",
        doc: "Silence after which the voice agent ends the call.",
    },
    SettingDef {
        key: "waitlist.hold_minutes",
        kind: SettingKind::Integer {
            min: 5,
            max: 1440,
            unit: "minutes",
        },
        default: "30",
        doc: "How long a freed slot is held for the first waiting customer before it passes to the next.",
    },
    SettingDef {
        key: "webhook.deduplication_window",
        kind: SettingKind::Integer {
            min: 1,
            max: 1440,
            unit: "minutes",
        },
        default: "5",
        doc: "Within this window a repeated webhook delivery counts as a duplicate and is not processed again.",
    },
];

/// A value that passed validation, in its canonical text form (`true`, `42`, `smtp`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingValue(String);

impl SettingValue {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn as_bool(&self) -> bool {
        self.0 == "true"
    }
    pub fn as_i64(&self) -> i64 {
        self.0.parse().unwrap_or_default()
    }
}

impl fmt::Display for SettingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("unknown setting `{key}`; valid keys: {}", valid_keys())]
    UnknownKey { key: String },
    #[error("`{value}` is not valid for `{key}`: expected {expected}")]
    BadValue {
        key: String,
        value: String,
        expected: String,
    },
    #[error("`{0}` is not of the form KEY=VALUE")]
    NotAnAssignment(String),
}

fn valid_keys() -> String {
    SETTINGS
        .iter()
        .map(|s| s.key)
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn definition(key: &str) -> Result<&'static SettingDef, SettingError> {
    SETTINGS
        .iter()
        .find(|s| s.key == key)
        .ok_or_else(|| SettingError::UnknownKey {
            key: key.to_owned(),
        })
}

impl SettingDef {
    /// Checks `raw` against the key's type and returns its canonical form.
    pub fn parse(&self, raw: &str) -> Result<SettingValue, SettingError> {
        let raw = raw.trim();
        let bad = |expected: String| SettingError::BadValue {
            key: self.key.to_owned(),
            // A refused secret may still be one: never echo it.
            value: if self.is_secret() {
                MASK.to_owned()
            } else {
                raw.to_owned()
            },
            expected,
        };
        match self.kind {
            SettingKind::Bool => match raw.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(SettingValue("true".into())),
                "false" | "0" | "no" | "off" => Ok(SettingValue("false".into())),
                _ => Err(bad("true or false".into())),
            },
            SettingKind::Integer { min, max, unit } => match raw.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(SettingValue(n.to_string())),
                _ => Err(bad(format!("a whole number of {unit} from {min} to {max}"))),
            },
            SettingKind::Choice { values } => match values.iter().find(|v| **v == raw) {
                Some(v) => Ok(SettingValue((*v).to_owned())),
                None => Err(bad(format!("one of {}", values.join(", ")))),
            },
            SettingKind::Secret => {
                let printable = raw.bytes().all(|b| b.is_ascii_graphic());
                if (8..=256).contains(&raw.len()) && printable {
                    Ok(SettingValue(raw.to_owned()))
                } else {
                    Err(bad("8 to 256 printable characters without spaces".into()))
                }
            }
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self.kind, SettingKind::Secret)
    }

    /// The value as it may be shown: secrets as `***` (or empty when unset).
    pub fn shown(&self, value: &SettingValue) -> SettingValue {
        if self.is_secret() && !value.0.is_empty() {
            SettingValue(MASK.to_owned())
        } else {
            value.clone()
        }
    }

    pub fn default_value(&self) -> SettingValue {
        SettingValue(self.default.to_owned())
    }

    /// The allowed values in words, for `config list`.
    pub fn allowed(&self) -> String {
        match self.kind {
            SettingKind::Bool => "true | false".into(),
            SettingKind::Integer { min, max, unit } => format!("{min}..={max} {unit}"),
            SettingKind::Choice { values } => values.join(" | "),
            SettingKind::Secret => "a key (shown as ***)".into(),
        }
    }
}

/// Splits and validates `KEY=VALUE`.
pub fn parse_assignment(text: &str) -> Result<(&'static SettingDef, SettingValue), SettingError> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| SettingError::NotAnAssignment(text.to_owned()))?;
    let def = definition(key.trim())?;
    Ok((def, def.parse(value)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_values_of_their_own_keys() {
        // A secret's default is "not set".
        for def in SETTINGS.iter().filter(|d| !d.is_secret()) {
            assert_eq!(
                def.parse(def.default).unwrap(),
                def.default_value(),
                "{}",
                def.key
            );
        }
    }

    #[test]
    fn secrets_are_shown_masked_and_refused_without_echo() {
        let key = definition("retell.api_key").unwrap();
        assert_eq!(key.default, "");
        let value = key.parse("abcdefgh12345").unwrap();
        assert_eq!(key.shown(&value).as_str(), MASK);
        assert_eq!(key.shown(&key.default_value()).as_str(), "");
        let refused = key.parse("kurz").unwrap_err().to_string();
        assert!(!refused.contains("kurz"), "{refused}");
        assert!(key.parse("mit leerzeichen drin").is_err());
    }

    #[test]
    fn keys_are_sorted_and_unique() {
        assert!(SETTINGS.windows(2).all(|w| w[0].key < w[1].key));
    }

    #[test]
    fn assignments_are_validated_and_canonicalised() {
        let (def, value) = parse_assignment("webhook.deduplication_window=10").unwrap();
        assert_eq!(
            (def.key, value.as_i64()),
            ("webhook.deduplication_window", 10)
        );
        assert_eq!(
            parse_assignment("retell.enable_cancellation=ON")
                .unwrap()
                .1
                .as_str(),
            "true"
        );
        assert_eq!(
            parse_assignment("mail.mailer=backup_smtp")
                .unwrap()
                .1
                .as_str(),
            "backup_smtp"
        );
    }

    #[test]
    fn bad_keys_list_the_valid_ones_and_bad_values_the_range() {
        let unknown = parse_assignment("webhook.dedup=10")
            .unwrap_err()
            .to_string();
        assert!(
            unknown.contains("webhook.deduplication_window") && unknown.contains("mail.mailer"),
            "{unknown}"
        );
        let range = parse_assignment("retell.call_timeout=5")
            .unwrap_err()
            .to_string();
        assert_eq!(
            range,
            "`5` is not valid for `retell.call_timeout`: expected a whole number of seconds from 60 to 3600"
        );
        let choice = parse_assignment("mail.mailer=sendmail")
            .unwrap_err()
            .to_string();
        assert!(
            choice.ends_with("one of smtp, backup_smtp, outbox"),
            "{choice}"
        );
        assert!(matches!(
            parse_assignment("mail.mailer"),
            Err(SettingError::NotAnAssignment(_))
        ));
    }
}
