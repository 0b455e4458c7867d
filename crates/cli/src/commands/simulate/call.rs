//! The call as Retell sees it: the call object of each webhook and function call, the
//! transcript and tool calls as they grow, and a post-call analysis.

use super::script::Script;
use askpro_store::new_id;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Speaker {
    Agent,
    Caller,
}

impl Speaker {
    /// The role in Retell's transcript objects.
    fn role(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Caller => "user",
        }
    }

    /// The prefix in Retell's plain-text transcript.
    fn transcript_label(self) -> &'static str {
        match self {
            Speaker::Agent => "Agent",
            Speaker::Caller => "User",
        }
    }

    /// The label printed for people.
    pub(super) fn printed_label(self) -> &'static str {
        match self {
            Speaker::Agent => "Agent",
            Speaker::Caller => "Anrufer",
        }
    }

    fn json_name(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Caller => "caller",
        }
    }
}

/// Everything Retell knows about the call so far.
pub(super) struct Call {
    pub(super) id: String,
    agent_id: String,
    pub(super) from_number: String,
    pub(super) to_number: String,
    start_ms: i64,
    /// "Agent: …\nUser: …\n"
    transcript: String,
    transcript_object: Vec<Value>,
    with_tool_calls: Vec<Value>,
    tool_calls: usize,
    /// The answers of the functions, for the post-call analysis.
    pub(super) answers: Vec<Value>,
    /// What `--json` prints as `turns`.
    pub(super) record: Vec<Value>,
}

impl Call {
    pub(super) fn new(script: &Script, start_ms: i64) -> Call {
        Call {
            id: format!("sim_{}", new_id().replace('-', "")),
            agent_id: script.agent_id.clone(),
            from_number: script.from_number.clone(),
            to_number: script.to_number.clone(),
            start_ms,
            transcript: String::new(),
            transcript_object: Vec::new(),
            with_tool_calls: Vec::new(),
            tool_calls: 0,
            answers: Vec::new(),
            record: Vec::new(),
        }
    }

    pub(super) fn utterance(&mut self, speaker: Speaker, text: &str) {
        self.transcript
            .push_str(&format!("{}: {text}\n", speaker.transcript_label()));
        let entry = json!({ "role": speaker.role(), "content": text });
        self.transcript_object.push(entry.clone());
        self.with_tool_calls.push(entry);
        self.record
            .push(json!({ "speaker": speaker.json_name(), "text": text }));
    }

    /// Records the agent's decision to call `name`; returns the tool call's id.
    pub(super) fn invocation(&mut self, name: &str, args: &Value) -> String {
        self.tool_calls += 1;
        let id = format!("tool_call_{}", self.tool_calls);
        self.with_tool_calls.push(json!({
            "role": "tool_call_invocation", "tool_call_id": id, "name": name,
            // Retell sends the arguments as JSON text here.
            "arguments": args.to_string(),
        }));
        id
    }

    pub(super) fn result(
        &mut self,
        tool_call_id: &str,
        name: &str,
        args: &Value,
        answer: &Value,
        ms: u64,
    ) {
        self.with_tool_calls.push(json!({
            "role": "tool_call_result", "tool_call_id": tool_call_id,
            "content": answer.to_string(),
        }));
        self.answers.push(answer.clone());
        self.record.push(json!({
            "function": name, "args": args, "answer": answer, "duration_ms": ms,
        }));
    }

    /// The call object as sent with `call_started` and every function call.
    pub(super) fn ongoing(&self) -> Value {
        json!({
            "call_type": "phone_call", "call_id": self.id, "agent_id": self.agent_id,
            "agent_version": 1, "call_status": "ongoing", "direction": "inbound",
            "from_number": self.from_number, "to_number": self.to_number,
            "start_timestamp": self.start_ms, "transcript": self.transcript,
        })
    }

    /// The call object of `call_ended`: everything but the analysis.
    pub(super) fn ended(&self, end_ms: i64, reason: &str) -> Value {
        let mut call = self.ongoing();
        call["call_status"] = json!("ended");
        call["end_timestamp"] = json!(end_ms);
        call["duration_ms"] = json!(end_ms - self.start_ms);
        call["disconnection_reason"] = json!(reason);
        call["transcript_object"] = json!(self.transcript_object);
        call["transcript_with_tool_calls"] = json!(self.with_tool_calls);
        call
    }

    /// The call object of `call_analyzed`: the ended call plus its analysis.
    pub(super) fn analyzed(&self, end_ms: i64) -> Value {
        let mut call = self.ended(end_ms, "user_hangup");
        call["call_analysis"] = self.analysis();
        call
    }

    /// The company that answered, as the appointments in the answers name it.
    pub(super) fn company(&self) -> Option<&str> {
        self.answers.iter().find_map(|a| {
            a["appointment"]["company"]
                .as_str()
                .or_else(|| a["appointments"][0]["company"].as_str())
        })
    }

    /// Retell's LLM writes the summary; here it is what the last successful function
    /// said, which for a booking or a cancellation is exactly what happened.
    fn analysis(&self) -> Value {
        let succeeded = |a: &&Value| a["ok"].as_bool() == Some(true);
        let last_success = self
            .answers
            .iter()
            .rev()
            .find(succeeded)
            .and_then(|a| a["result"].as_str());
        let summary = match last_success {
            Some(said) => format!("Anruf von {}. Ergebnis: {said}", self.from_number),
            None => format!(
                "Anruf von {}. Es wurde nichts gebucht oder geändert.",
                self.from_number
            ),
        };
        let successful = self.answers.last().is_some_and(|a| succeeded(&a));
        json!({
            "call_summary": summary,
            "user_sentiment": if successful { "Positive" } else { "Neutral" },
            "call_successful": successful,
            "in_voicemail": false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::simulate::script::parse_script;

    const SCRIPT: &str = "to_number = \"+493012345678\"\nfrom_number = \"+4915112345678\"\n[[turns]]\nagent = \"Guten Tag!\"";

    #[test]
    fn the_transcript_and_tool_calls_grow_as_retell_builds_them() {
        let script = parse_script(SCRIPT).unwrap();
        let mut call = Call::new(&script, 1_796_000_000_000);
        assert!(
            call.id.starts_with("sim_") && call.id.len() == 36,
            "{}",
            call.id
        );
        call.utterance(Speaker::Agent, "Guten Tag!");
        call.utterance(Speaker::Caller, "Einen Termin bitte.");
        let id = call.invocation("find_appointments", &json!({}));
        assert_eq!(
            call.ongoing()["transcript"],
            "Agent: Guten Tag!\nUser: Einen Termin bitte.\n"
        );
        let answer = json!({ "ok": true, "result": "Ich habe einen Termin gefunden." });
        call.result(&id, "find_appointments", &json!({}), &answer, 7);
        call.answers
            .push(json!({ "ok": false, "result": "Wen meinen Sie?" }));
        let analyzed = call.analyzed(call.start_ms + 1500);
        assert_eq!(analyzed["duration_ms"], 1500);
        assert_eq!(analyzed["call_status"], "ended");
        let tools = analyzed["transcript_with_tool_calls"].as_array().unwrap();
        assert_eq!(tools[2]["role"], "tool_call_invocation");
        assert_eq!(tools[2]["arguments"], "{}");
        assert_eq!(tools[3]["tool_call_id"], tools[2]["tool_call_id"]);
        let analysis = &analyzed["call_analysis"];
        assert_eq!(
            analysis["call_summary"],
            "Anruf von +4915112345678. Ergebnis: Ich habe einen Termin gefunden."
        );
        // The call ended on an unanswered question: not a success.
        assert_eq!(analysis["call_successful"], false);
        assert_eq!(analysis["user_sentiment"], "Neutral");
    }
}
