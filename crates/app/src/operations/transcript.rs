//! What callers said, read from a stored call: the caller's turns of the transcript and
//! the phrases the runbook's problems show up in (asking to slow down, to cancel, to
//! hear the booking again).

use serde_json::Value;

/// The lines of `who` ("user", "agent") in the transcript, lower-cased.
fn turns_of(call: &Value, who: &str) -> Vec<String> {
    call["transcript"]
        .as_str()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let (speaker, said) = line.split_once(':')?;
            speaker
                .trim()
                .eq_ignore_ascii_case(who)
                .then(|| said.to_lowercase())
        })
        .collect()
}

/// The caller's turns (`User: …` lines), lower-cased; the whole transcript when it has
/// no speaker labels.
pub fn caller_text(call: &Value) -> String {
    let turns = turns_of(call, "user");
    if turns.is_empty() {
        call["transcript"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase()
    } else {
        turns.join("\n")
    }
}

/// The agent's turns, lower-cased.
pub fn agent_text(call: &Value) -> String {
    turns_of(call, "agent").join("\n")
}

/// Callers asking the agent to speak more slowly.
pub const TOO_FAST: &[&str] = &[
    "langsamer",
    "zu schnell",
    "nicht so schnell",
    "etwas schnell",
];

/// Callers who want to cancel or move an appointment.
pub const CANCEL_WISH: &[&str] = &[
    "absagen",
    "absage",
    "stornieren",
    "storno",
    "verschieben",
    "umbuchen",
    "canceln",
];

/// Callers asking to hear the booking again after it was confirmed.
pub const REPEAT_BOOKING: &[&str] = &[
    "wann war das nochmal",
    "wann war der termin",
    "noch einmal wiederholen",
    "nochmal wiederholen",
    "um wie viel uhr war",
    "welche uhrzeit war",
];

/// The agent having to ask again.
pub const AGENT_REPEATS: &[&str] = &[
    "wiederholen",
    "nicht verstanden",
    "noch einmal sagen",
    "nochmal sagen",
];

/// Whether `text` contains any of `phrases`.
pub fn mentions(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| text.contains(p))
}

/// Why a call ended, when it ended without the caller or the agent saying goodbye:
/// silence, the time limit, or an error.
pub fn ended_abnormally(reason: &str) -> bool {
    reason == "inactivity"
        || reason == "max_duration_reached"
        || reason.contains("timeout")
        || reason.starts_with("error")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_callers_turns_count() {
        let call = json!({ "transcript": "Agent: Soll ich langsamer sprechen?\nUser: Ja, bitte etwas langsamer.\nUser: Und ich will absagen." });
        let said = caller_text(&call);
        assert!(mentions(&said, TOO_FAST));
        assert!(mentions(&said, CANCEL_WISH));
        assert!(!said.contains("soll ich"));
        assert!(agent_text(&call).contains("soll ich langsamer"));
    }

    #[test]
    fn abnormal_endings() {
        for reason in [
            "inactivity",
            "max_duration_reached",
            "error_llm_websocket_open",
        ] {
            assert!(ended_abnormally(reason), "{reason}");
        }
        for reason in ["user_hangup", "agent_hangup", "call_transfer"] {
            assert!(!ended_abnormally(reason), "{reason}");
        }
    }
}
