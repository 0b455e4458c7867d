//! `askpro german when`: the spoken-German resolver from the command line, one phrase
//! or a JSON-lines batch (how the resolver is measured).

use crate::cli::{GermanCommand, Global};
use anyhow::{Context, Result, bail};
use askpro_german::{Resolution, resolve};
use jiff::ZonedDateTime;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::Value;
use std::io::{BufRead, Write};
use std::process::ExitCode;

pub fn run(global: &Global, command: GermanCommand) -> Result<ExitCode> {
    let GermanCommand::When {
        text,
        now,
        tz,
        jsonl,
        explain,
    } = command;
    if jsonl {
        return batch(&global.clock());
    }
    let Some(text) = text else {
        bail!("give a phrase, or --jsonl to read JSON lines from stdin")
    };
    let now = reference(now.as_deref(), &tz, &global.clock())?;
    let answer = answer(&text, &now);
    let understood = matches!(answer, Answer::Resolved { .. });
    if explain {
        print_explanation(global, &answer, &askpro_german::explain(&text))?;
    } else if global.json {
        println!("{}", serde_json::to_string(&answer)?);
    } else if let Answer::Resolved {
        start, end, grain, ..
    } = &answer
    {
        println!(
            "start {start}  end {}  grain {grain}",
            end.as_deref().unwrap_or("open (ab)")
        );
    } else {
        eprintln!("not understood: {text}");
    }
    Ok(if understood {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The answer with the words that made the time and those set aside.
fn print_explanation(
    global: &Global,
    answer: &Answer<'_>,
    explanation: &askpro_german::Explanation,
) -> Result<()> {
    if global.json {
        let mut value = serde_json::to_value(answer)?;
        value["time_words"] = serde_json::json!(explanation.time_words);
        value["set_aside"] = serde_json::json!(explanation.set_aside);
        value["filler"] = serde_json::json!(explanation.filler);
        println!("{value}");
        return Ok(());
    }
    match answer {
        Answer::Resolved {
            start, end, grain, ..
        } => println!(
            "start {start}  end {}  grain {grain}",
            end.as_deref().unwrap_or("open (ab)")
        ),
        Answer::Refused { .. } => println!("not understood"),
    }
    let parts: Vec<String> = explanation.time_words.iter().map(|p| p.join(" ")).collect();
    println!("time words:  {}", parts.join("  →  korrigiert zu  →  "));
    println!("set aside:   {}", explanation.set_aside.join(" "));
    println!("filler:      {}", explanation.filler.join(" "));
    Ok(())
}

/// The reference moment: a local wall-clock time in `tz`, or now on `clock`.
fn reference(local: Option<&str>, tz: &str, clock: &askpro_core::Clock) -> Result<ZonedDateTime> {
    let zone = TimeZone::get(tz)
        .with_context(|| format!("`{tz}` is not an IANA time zone such as Europe/Berlin"))?;
    match local {
        None => Ok(clock.now().to_zoned_datetime(zone)),
        Some(raw) => {
            let civil: DateTime = raw.parse().with_context(|| {
                format!("`{raw}` is not a local time such as 2026-11-26T10:00:00")
            })?;
            Ok(zone.to_ambiguous_zoned_datetime(civil).compatible()?)
        }
    }
}

fn rfc3339(at: &ZonedDateTime) -> String {
    at.timestamp().display_with_offset(at.offset()).to_string()
}

/// The contract's JSON shape for one phrase, fields in the contract's order.
#[derive(Serialize)]
#[serde(untagged)]
enum Answer<'a> {
    Resolved {
        text: &'a str,
        start: String,
        end: Option<String>,
        grain: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        open: Option<&'static str>,
    },
    Refused {
        text: Option<&'a str>,
        error: &'static str,
    },
}

fn answer<'a>(text: &'a str, now: &ZonedDateTime) -> Answer<'a> {
    match resolve(text, now) {
        Some(Resolution { start, end, grain }) => Answer::Resolved {
            text,
            start: rfc3339(&start),
            open: end.is_none().then_some("after"),
            end: end.as_ref().map(rfc3339),
            grain: grain.as_str(),
        },
        None => Answer::Refused {
            text: Some(text),
            error: "not_understood",
        },
    }
}

/// Reads `{"text","ref","tz"}` lines and writes one answer line each, in order.
fn batch(clock: &askpro_core::Clock) -> Result<ExitCode> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line.context("cannot read stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let input = serde_json::from_str::<Value>(&line).ok();
        let text = input.as_ref().and_then(|v| v["text"].as_str());
        let now = input.as_ref().and_then(|v| {
            reference(
                v["ref"].as_str(),
                v["tz"].as_str().unwrap_or("Europe/Berlin"),
                clock,
            )
            .ok()
        });
        let answer = match (text, now) {
            (Some(text), Some(now)) => answer(text, &now),
            (text, _) => Answer::Refused {
                text,
                error: "invalid_input",
            },
        };
        writeln!(out, "{}", serde_json::to_string(&answer)?)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
