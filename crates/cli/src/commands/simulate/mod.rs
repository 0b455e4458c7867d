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

mod call;
mod script;
mod server;

use crate::cli::Global;
use crate::config as file_config;
use crate::output;
use anyhow::{Result, anyhow};
use call::{Call, Speaker};
use clap::Args;
use script::{Turn, load_script};
use serde_json::{Value, json};
use server::Server;
use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Where `askpro serve` listens unless told otherwise.
const DEFAULT_URL: &str = "http://127.0.0.1:8080";

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
    /// The call's start (what "morgen" means) and the signatures' clock; give the
    /// server's `--now` when it runs with one.
    #[command(flatten)]
    pub now: crate::cli::NowArg,
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
    let server = Server::new(&args.url, key, global.clock())?;
    let mut call = Call::new(&script, server.clock.now_ms());
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
    let end_ms = server.clock.now_ms();
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
    let args = &script::fill_from_answer(args, call.answers.last()).map_err(|e| anyhow!(e))?;
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
    let ended = call.ended(server.clock.now_ms(), "error_unknown");
    if let Err(error) = server.webhook("call_ended", &ended).await {
        tracing::debug!(%error, "could not end the failed call on the server");
    }
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
