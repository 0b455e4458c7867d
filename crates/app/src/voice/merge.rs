//! Merging Retell's events about one call into one call object, whatever order they
//! arrive in. Later stages of a call (ended, analyzed) overwrite what earlier ones said;
//! an earlier stage arriving late (a retried `call_started` after `call_ended`) only
//! fills gaps; a transcript update after the call ended never replaces the final
//! transcript.

use serde_json::{Map, Value};

/// How far along a call an event is.
pub fn stage(event: &str) -> u8 {
    match event {
        "call_analyzed" => 3,
        "call_ended" => 2,
        "imported" => 2,
        _ => 1,
    }
}

const TRANSCRIPT_FIELDS: [&str; 3] = [
    "transcript",
    "transcript_object",
    "transcript_with_tool_calls",
];

/// The call object after `event` (carrying `incoming`) met what was known (`known`,
/// last advanced by an event of `known_stage`).
pub fn merge_call(known: Option<&Value>, known_stage: u8, event: &str, incoming: &Value) -> Value {
    let mut merged: Map<String, Value> = known
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some(fields) = incoming.as_object() else {
        return Value::Object(merged);
    };
    let later = stage(event) >= known_stage;
    let ended = merged.get("end_timestamp").is_some_and(|v| !v.is_null());
    for (key, value) in fields {
        if value.is_null() {
            continue;
        }
        let absent = merged.get(key).is_none_or(Value::is_null);
        let overwrite =
            if event == "transcript_updated" && TRANSCRIPT_FIELDS.contains(&key.as_str()) {
                !ended
            } else if key == "call_status" {
                later && status_rank(value) >= merged.get(key).map_or(0, status_rank)
            } else {
                later
            };
        if absent || overwrite {
            merged.insert(key.clone(), value.clone());
        }
    }
    Value::Object(merged)
}

fn status_rank(status: &Value) -> u8 {
    match status.as_str() {
        Some("registered") => 1,
        Some("ongoing") => 2,
        Some("ended" | "error" | "not_connected") => 3,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn analysis_before_the_end_keeps_both_and_the_end_fills_in() {
        let analyzed = json!({"call_id": "c1", "call_status": "ended", "call_analysis": {"call_successful": true}, "transcript": "final"});
        let after_analysis = merge_call(None, 0, "call_analyzed", &analyzed);
        let ended = json!({"call_id": "c1", "call_status": "ended", "end_timestamp": 20, "disconnection_reason": "user_hangup", "transcript": "final"});
        let merged = merge_call(Some(&after_analysis), 3, "call_ended", &ended);
        assert_eq!(merged["call_analysis"]["call_successful"], true);
        assert_eq!(merged["disconnection_reason"], "user_hangup");
        assert_eq!(merged["end_timestamp"], 20);
    }

    #[test]
    fn a_late_start_does_not_turn_an_ended_call_back_into_a_running_one() {
        let ended = merge_call(
            None,
            0,
            "call_ended",
            &json!({"call_status": "ended", "end_timestamp": 20}),
        );
        let merged = merge_call(
            Some(&ended),
            2,
            "call_started",
            &json!({"call_status": "ongoing", "start_timestamp": 10, "end_timestamp": null}),
        );
        assert_eq!(merged["call_status"], "ended");
        assert_eq!(merged["start_timestamp"], 10);
        assert_eq!(merged["end_timestamp"], 20);
    }

    #[test]
    fn transcript_updates_replace_the_transcript_only_while_the_call_runs() {
        let running = merge_call(None, 0, "call_started", &json!({"call_status": "ongoing"}));
        let first = merge_call(
            Some(&running),
            1,
            "transcript_updated",
            &json!({"transcript": "Agent: Hallo"}),
        );
        let second = merge_call(
            Some(&first),
            1,
            "transcript_updated",
            &json!({"transcript": "Agent: Hallo\nUser: Termin"}),
        );
        assert_eq!(second["transcript"], "Agent: Hallo\nUser: Termin");
        let ended = merge_call(
            Some(&second),
            1,
            "call_ended",
            &json!({"end_timestamp": 5, "transcript": "final"}),
        );
        let late = merge_call(
            Some(&ended),
            2,
            "transcript_updated",
            &json!({"transcript": "Agent: Hallo"}),
        );
        assert_eq!(late["transcript"], "final");
    }
}
