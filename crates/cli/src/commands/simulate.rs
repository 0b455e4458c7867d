//! `askpro simulate call SCRIPT`: plays a scripted phone call against a running server
//! exactly as Retell would, so a booking "by phone" can be tried without a Retell
//! account.
//!
//! The script (TOML, see `examples/calls/`) names the called and the calling number and
//! lists the turns: what the agent says, what the caller says, and the functions the
//! agent calls. Retell's side is reproduced faithfully: `call_started` first, each
//! function as a signed `POST /retell/functions/{name}` with the call object and the
//! transcript so far, the function's `result` as the agent's next line, and after the
//! last turn `call_ended` and `call_analyzed` with the full transcript and tool calls.

use crate::cli::Global;
use crate::config as file_config;
use crate::output;
use anyhow::{Context, Result, anyhow, bail};
use askpro_app::voice::{FUNCTIONS, signature};
use askpro_core::tenant::is_e164;
use askpro_store::{new_id, now_ms};
use clap::Args;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Where `askpro serve` listens unless told otherwise.
const DEFAULT_URL: &str = "http://127.0.0.1:8080";
/// The agent id sent when the script names none; the called number finds the company.
const DEFAULT_AGENT_ID: &str = "agent_askpro_simulator";
/// Retell gives a function two minutes; a local server needing more is broken anyway.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Args)]
pub struct SimulateCallArgs {
    /// The call script (TOML), e.g. examples/calls/termin-buchen.toml.
    pub script: PathBuf,
    /// Base URL of the running `askpro serve`.
    #[arg(long, env = "ASKPRO_SIMULATE_URL", default_value = DEFAULT_URL)]
    pub url: String,
    /// The Retell API key to sign requests with: the one the server checks (default:
    /// ASKPRO_RETELL_API_KEY, else `[retell] api_key` in askpro.toml).
    #[arg(long, env = "ASKPRO_RETELL_API_KEY", hide_env_values = true)]
    pub key: Option<String>,
}

/// By hand, so that no debug output can ever show the key.
impl fmt::Debug for SimulateCallArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulateCallArgs")
            .field("script", &self.script)
            .field("url", &self.url)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

pub async fn call(global: &Global, args: SimulateCallArgs) -> Result<ExitCode> {
    let script = load_script(&args.script)?;
    let key = signing_key(global, args.key)?;
    let server = Server::new(&args.url, key)?;
    let mut call = Call::new(&script);
    let out = Printer::new(global.json);
    out.header(&call, &server.base);
    let played = play(&server, &mut call, &script.turns, &out).await;
    if global.json {
        let mut report = json!({ "call_id": call.id, "turns": call.record, "ok": played.is_ok() });
        if let Err(error) = &played {
            report["error"] = Value::String(format!("{error:#}"));
        }
        output::json(&report);
    }
    played?;
    out.footer(&call);
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------
// The script

/// A call script as written in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptFile {
    to_number: String,
    from_number: String,
    agent_id: Option<String>,
    #[serde(default)]
    turns: Vec<TurnFile>,
}

/// One `[[turns]]` table: exactly one of `agent`, `caller` or `function` (with `args`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TurnFile {
    agent: Option<String>,
    caller: Option<String>,
    function: Option<String>,
    args: Option<toml::Table>,
}

/// A checked script.
#[derive(Debug)]
struct Script {
    to_number: String,
    from_number: String,
    agent_id: String,
    turns: Vec<Turn>,
}

#[derive(Debug, Clone, PartialEq)]
enum Turn {
    Agent(String),
    Caller(String),
    Function { name: String, args: Value },
}

fn load_script(path: &Path) -> Result<Script> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read call script {}", path.display()))?;
    parse_script(&text).map_err(|e| anyhow!("call script {} is malformed: {e}", path.display()))
}

/// Parses and checks a script; the error names the turn (counted from 1) at fault.
fn parse_script(text: &str) -> Result<Script, String> {
    let file: ScriptFile = toml::from_str(text).map_err(|e| e.to_string().trim().to_owned())?;
    if !is_e164(file.to_number.trim()) {
        return Err(format!(
            "`to_number` must be the called branch's number in E.164 form such as +493012345678, not `{}`",
            file.to_number
        ));
    }
    if file.from_number.trim().is_empty() {
        return Err("`from_number` (the caller's number) is empty".into());
    }
    if file.turns.is_empty() {
        return Err("the script has no `[[turns]]`".into());
    }
    let turns = file
        .turns
        .into_iter()
        .enumerate()
        .map(|(i, turn)| checked_turn(turn).map_err(|e| format!("turn {}: {e}", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Script {
        to_number: file.to_number.trim().to_owned(),
        from_number: file.from_number.trim().to_owned(),
        agent_id: file
            .agent_id
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_AGENT_ID.to_owned()),
        turns,
    })
}

fn checked_turn(turn: TurnFile) -> Result<Turn, String> {
    let non_empty = |field: &str, text: String| {
        let text = text.trim().to_owned();
        if text.is_empty() {
            Err(format!("`{field}` is empty"))
        } else {
            Ok(text)
        }
    };
    match (turn.agent, turn.caller, turn.function) {
        (Some(text), None, None) if turn.args.is_none() => {
            Ok(Turn::Agent(non_empty("agent", text)?))
        }
        (None, Some(text), None) if turn.args.is_none() => {
            Ok(Turn::Caller(non_empty("caller", text)?))
        }
        (None, None, Some(name)) => {
            let name = non_empty("function", name)?;
            if !FUNCTIONS.contains(&name.as_str()) {
                return Err(format!(
                    "unknown function `{name}`; the agent's functions are {}",
                    FUNCTIONS.join(", ")
                ));
            }
            let args = turn.args.map_or(Value::Object(Map::new()), |table| {
                json_of(toml::Value::Table(table))
            });
            Ok(Turn::Function { name, args })
        }
        (None, None, None) => Err("needs one of `agent`, `caller` or `function`".into()),
        (_, _, None) if turn.args.is_some() => {
            Err("`args` belongs to a `function` turn only".into())
        }
        _ => Err(
            "has more than one of `agent`, `caller` and `function`; give each its own [[turns]]"
                .into(),
        ),
    }
}

/// TOML to JSON as Retell's LLM would send it: an unquoted TOML date-time becomes the
/// text it was written as, since function arguments are strings, never TOML dates.
fn json_of(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(json_of).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(key, value)| (key, json_of(value)))
                .collect(),
        ),
    }
}

/// `--key`/`ASKPRO_RETELL_API_KEY`, else the key `askpro serve` would read from
/// askpro.toml: signing with the server's own key is the whole point.
fn signing_key(global: &Global, flag: Option<String>) -> Result<String> {
    let key = match flag.filter(|k| !k.trim().is_empty()) {
        Some(key) => Some(key),
        None => file_config::retell(&file_config::load(global.config.as_deref())?).api_key,
    };
    key.filter(|k| !k.trim().is_empty()).ok_or_else(|| {
        anyhow!(
            "no Retell API key to sign the call with: pass --key KEY or set ASKPRO_RETELL_API_KEY \
             to the key the server was started with"
        )
    })
}

// ---------------------------------------------------------------------------------
// The call as Retell sees it

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Speaker {
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
    fn printed_label(self) -> &'static str {
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
struct Call {
    id: String,
    agent_id: String,
    from_number: String,
    to_number: String,
    start_ms: i64,
    /// "Agent: …\nUser: …\n"
    transcript: String,
    transcript_object: Vec<Value>,
    with_tool_calls: Vec<Value>,
    tool_calls: usize,
    /// The answers of the functions, for the post-call analysis.
    answers: Vec<Value>,
    /// What `--json` prints as `turns`.
    record: Vec<Value>,
}

impl Call {
    fn new(script: &Script) -> Call {
        Call {
            id: format!("sim_{}", new_id().replace('-', "")),
            agent_id: script.agent_id.clone(),
            from_number: script.from_number.clone(),
            to_number: script.to_number.clone(),
            start_ms: now_ms(),
            transcript: String::new(),
            transcript_object: Vec::new(),
            with_tool_calls: Vec::new(),
            tool_calls: 0,
            answers: Vec::new(),
            record: Vec::new(),
        }
    }

    fn utterance(&mut self, speaker: Speaker, text: &str) {
        self.transcript
            .push_str(&format!("{}: {text}\n", speaker.transcript_label()));
        let entry = json!({ "role": speaker.role(), "content": text });
        self.transcript_object.push(entry.clone());
        self.with_tool_calls.push(entry);
        self.record
            .push(json!({ "speaker": speaker.json_name(), "text": text }));
    }

    /// Records the agent's decision to call `name`; returns the tool call's id.
    fn invocation(&mut self, name: &str, args: &Value) -> String {
        self.tool_calls += 1;
        let id = format!("tool_call_{}", self.tool_calls);
        self.with_tool_calls.push(json!({
            "role": "tool_call_invocation", "tool_call_id": id, "name": name,
            // Retell sends the arguments as JSON text here.
            "arguments": args.to_string(),
        }));
        id
    }

    fn result(&mut self, tool_call_id: &str, name: &str, args: &Value, answer: &Value, ms: u64) {
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
    fn ongoing(&self) -> Value {
        json!({
            "call_type": "phone_call", "call_id": self.id, "agent_id": self.agent_id,
            "agent_version": 1, "call_status": "ongoing", "direction": "inbound",
            "from_number": self.from_number, "to_number": self.to_number,
            "start_timestamp": self.start_ms, "transcript": self.transcript,
        })
    }

    /// The call object of `call_ended`: everything but the analysis.
    fn ended(&self, end_ms: i64, reason: &str) -> Value {
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
    fn analyzed(&self, end_ms: i64) -> Value {
        let mut call = self.ended(end_ms, "user_hangup");
        call["call_analysis"] = self.analysis();
        call
    }

    /// The company that answered, as the appointments in the answers name it.
    fn company(&self) -> Option<&str> {
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

/// Plays every turn between `call_started` and `call_ended`/`call_analyzed`.
async fn play(server: &Server, call: &mut Call, turns: &[Turn], out: &Printer) -> Result<()> {
    server.webhook("call_started", &call.ongoing()).await?;
    for (index, turn) in turns.iter().enumerate() {
        match turn {
            Turn::Agent(text) => speak(call, out, Speaker::Agent, text),
            Turn::Caller(text) => speak(call, out, Speaker::Caller, text),
            Turn::Function { name, args } => {
                if let Err(error) = function_turn(server, call, out, name, args).await {
                    hang_up_after_failure(server, call).await;
                    return Err(error.context(format!("turn {} ({name}) failed", index + 1)));
                }
            }
        }
    }
    let end_ms = now_ms();
    server
        .webhook("call_ended", &call.ended(end_ms, "user_hangup"))
        .await?;
    server
        .webhook("call_analyzed", &call.analyzed(end_ms))
        .await
}

fn speak(call: &mut Call, out: &Printer, speaker: Speaker, text: &str) {
    call.utterance(speaker, text);
    out.speech(speaker, text);
}

async fn function_turn(
    server: &Server,
    call: &mut Call,
    out: &Printer,
    name: &str,
    args: &Value,
) -> Result<()> {
    let tool_call_id = call.invocation(name, args);
    let (answer, ms) = server.function(name, args, &call.ongoing()).await?;
    call.result(&tool_call_id, name, args, &answer, ms);
    out.function(name, args, ms);
    // Retell hands the LLM the response as text; our server puts the sentence in `result`.
    let said = answer["result"]
        .as_str()
        .map_or_else(|| answer.to_string(), str::to_owned);
    speak(call, out, Speaker::Agent, &said);
    Ok(())
}

/// Ends the call on the server so it does not stay "ongoing" forever; the failure
/// already being reported, a second one here adds nothing.
async fn hang_up_after_failure(server: &Server, call: &Call) {
    let ended = call.ended(now_ms(), "error_unknown");
    if let Err(error) = server.webhook("call_ended", &ended).await {
        tracing::debug!(%error, "could not end the failed call on the server");
    }
}

// ---------------------------------------------------------------------------------
// Talking to the server

/// The running server and the key its requests are signed with.
struct Server {
    client: reqwest::Client,
    base: String,
    key: String,
}

impl Server {
    fn new(url: &str, key: String) -> Result<Server> {
        let base = url.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base)
            .map_err(|e| anyhow!("--url `{base}` is not a URL ({e}); use e.g. {DEFAULT_URL}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            bail!("--url `{base}` must start with http:// or https://, e.g. {DEFAULT_URL}");
        }
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Server { client, base, key })
    }

    /// Delivers a call webhook; the server answers 204.
    async fn webhook(&self, event: &str, call: &Value) -> Result<()> {
        let body = json!({ "event": event, "call": call });
        let reply = self.post("/webhooks/retell", &body).await?;
        if !reply.status.is_success() {
            bail!(
                "the server answered the {event} webhook with HTTP {}: {}",
                reply.status,
                reply.text.trim()
            );
        }
        Ok(())
    }

    /// Calls a function as the agent does; returns the answer and how long it took.
    async fn function(&self, name: &str, args: &Value, call: &Value) -> Result<(Value, u64)> {
        let body = json!({ "name": name, "args": args, "call": call });
        let reply = self
            .post(&format!("/retell/functions/{name}"), &body)
            .await?;
        if !reply.status.is_success() {
            bail!(
                "the server answered the function {name} with HTTP {}: {}",
                reply.status,
                reply.text.trim()
            );
        }
        let answer = serde_json::from_str(&reply.text).map_err(|e| {
            anyhow!(
                "the function {name} answered, but not with JSON ({e}): {}",
                reply.text.trim()
            )
        })?;
        Ok((answer, reply.ms))
    }

    /// POSTs `body` signed as Retell signs: over the exact bytes sent, at this moment.
    async fn post(&self, path: &str, body: &Value) -> Result<Reply> {
        let bytes = body.to_string().into_bytes();
        let header = signature::sign(&self.key, &bytes, now_ms());
        let started = Instant::now();
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header("x-retell-signature", header)
            .body(bytes)
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| {
            anyhow!(
                "the answer from {} broke off: {}",
                self.base,
                askpro_connectors::error_chain(&e)
            )
        })?;
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(self.refused(&text));
        }
        Ok(Reply { status, text, ms })
    }

    fn unreachable(&self, error: &reqwest::Error) -> anyhow::Error {
        anyhow!(
            "cannot reach the AskPro server at {} ({}); is `askpro serve` running there? \
             Point --url or ASKPRO_SIMULATE_URL at it",
            self.base,
            askpro_connectors::error_chain(error)
        )
    }

    /// A 401 with the server's reason; the key itself is never shown.
    fn refused(&self, body: &str) -> anyhow::Error {
        let error: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let message = error["error"]["message"]
            .as_str()
            .map_or_else(|| body.trim().to_owned(), str::to_owned);
        if error["error"]["code"] == "retell_not_configured" {
            anyhow!(
                "the server at {} refused the signature: it has no Retell API key ({message}). \
                 Start it with ASKPRO_RETELL_API_KEY set and sign with the same key",
                self.base
            )
        } else {
            anyhow!(
                "the server at {} refused the signature (HTTP 401: {message}); sign with the \
                 Retell API key the server was started with (--key or ASKPRO_RETELL_API_KEY)",
                self.base
            )
        }
    }
}

/// An answer of the server.
struct Reply {
    status: reqwest::StatusCode,
    text: String,
    ms: u64,
}

// ---------------------------------------------------------------------------------
// Printing

/// Prints the dialogue as it happens; silent under `--json`, which prints once at the end.
struct Printer {
    json: bool,
    dim: bool,
}

impl Printer {
    fn new(json: bool) -> Printer {
        // Escape codes only for a person at a terminal that did not ask for plain text.
        let dim = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Printer { json, dim }
    }

    fn header(&self, call: &Call, base: &str) {
        if !self.json {
            println!(
                "Simulated call {} from {} to {} against {base}\n",
                call.id, call.from_number, call.to_number
            );
        }
    }

    fn speech(&self, speaker: Speaker, text: &str) {
        if !self.json {
            println!("{}: {text}", speaker.printed_label());
        }
    }

    fn function(&self, name: &str, args: &Value, ms: u64) {
        if self.json {
            return;
        }
        let line = format!("  → {name} {args}  ({ms} ms)");
        if self.dim {
            println!("\x1b[2m{line}\x1b[0m");
        } else {
            println!("{line}");
        }
    }

    fn footer(&self, call: &Call) {
        if !self.json {
            println!(
                "\nCall ended; the server received call_started, call_ended and call_analyzed.\n\
                 See it with: askpro calls show {} --company-id {}",
                call.id,
                call.company().unwrap_or("COMPANY")
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = r#"
        to_number = "+493012345678"
        from_number = "+4915112345678"
        [[turns]]
        agent = "Guten Tag!"
        [[turns]]
        caller = "Einen Termin bitte."
        [[turns]]
        function = "check_availability"
        args = { service = "Damenhaarschnitt", when = 2026-12-01T10:00:00+01:00, days = 2 }
        [[turns]]
        function = "find_appointments"
    "#;

    #[test]
    fn a_script_becomes_turns_with_json_arguments() {
        let script = parse_script(SCRIPT).unwrap();
        assert_eq!(script.agent_id, DEFAULT_AGENT_ID);
        assert_eq!(script.turns[0], Turn::Agent("Guten Tag!".into()));
        assert_eq!(script.turns[1], Turn::Caller("Einen Termin bitte.".into()));
        assert_eq!(
            script.turns[2],
            Turn::Function {
                name: "check_availability".into(),
                args: json!({ "service": "Damenhaarschnitt", "when": "2026-12-01T10:00:00+01:00", "days": 2 }),
            }
        );
        assert_eq!(
            script.turns[3],
            Turn::Function {
                name: "find_appointments".into(),
                args: json!({})
            }
        );
    }

    #[test]
    fn faulty_turns_are_named_by_number() {
        let cases = [
            (
                "[[turns]]\nagent = \"a\"\ncaller = \"b\"",
                "turn 1: has more than one",
            ),
            (
                "[[turns]]\nagent = \"a\"\n[[turns]]\nfunction = \"book\"",
                "turn 2: unknown function `book`",
            ),
            (
                "[[turns]]\ncaller = \"a\"\nargs = {}",
                "turn 1: `args` belongs",
            ),
            ("[[turns]]\ncaller = \"  \"", "turn 1: `caller` is empty"),
            ("[[turns]]\nspeaker = \"a\"", "unknown field `speaker`"),
            ("", "the script has no `[[turns]]`"),
        ];
        for (turns, expected) in cases {
            let text =
                format!("to_number = \"+493012345678\"\nfrom_number = \"+4915112345678\"\n{turns}");
            let error = parse_script(&text).unwrap_err();
            assert!(error.contains(expected), "{expected:?} not in {error:?}");
        }
        let error =
            parse_script("to_number = \"030 123\"\nfrom_number = \"x\"\n[[turns]]\nagent = \"a\"")
                .unwrap_err();
        assert!(error.contains("E.164"), "{error}");
    }

    #[test]
    fn the_transcript_and_tool_calls_grow_as_retell_builds_them() {
        let script = parse_script(SCRIPT).unwrap();
        let mut call = Call::new(&script);
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
