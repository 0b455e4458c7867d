//! The call script (TOML, see `examples/calls/`): the called and the calling number,
//! and the turns — what the agent says, what the caller says, and the functions the
//! agent calls with their arguments. An argument may take its value from the previous
//! function's answer (`start = { from_answer = "/slots/0/start" }`), as a real agent
//! books one of the times it just offered, so a script works on any day.

use anyhow::{Context, Result, anyhow};
use askpro_app::voice::FUNCTIONS;
use askpro_core::tenant::is_e164;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::Path;

/// The agent id sent when the script names none; the called number finds the company.
const DEFAULT_AGENT_ID: &str = "agent_askpro_simulator";

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
pub(super) struct Script {
    pub(super) to_number: String,
    pub(super) from_number: String,
    pub(super) agent_id: String,
    pub(super) turns: Vec<Turn>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Turn {
    Agent(String),
    Caller(String),
    Function { name: String, args: Value },
}

pub(super) fn load_script(path: &Path) -> Result<Script> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read call script {}", path.display()))?;
    parse_script(&text).map_err(|e| anyhow!("call script {} is malformed: {e}", path.display()))
}

/// Parses and checks a script; the error names the turn (counted from 1) at fault.
pub(super) fn parse_script(text: &str) -> Result<Script, String> {
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
    first_function_refers_to_nothing(&turns)?;
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
            check_references(&args)?;
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

/// The key of an argument that takes its value from the previous function's answer.
const FROM_ANSWER: &str = "from_answer";

/// `{ from_answer = "/slots/0/start" }`: the JSON pointer into the previous answer.
fn reference(value: &Value) -> Option<&Value> {
    match value {
        Value::Object(map) if map.contains_key(FROM_ANSWER) => map.get(FROM_ANSWER),
        _ => None,
    }
}

fn check_references(args: &Value) -> Result<(), String> {
    let Value::Object(map) = args else {
        return Ok(());
    };
    for (key, value) in map {
        let Some(pointer) = reference(value) else {
            continue;
        };
        let well_formed = value.as_object().is_some_and(|m| m.len() == 1)
            && pointer.as_str().is_some_and(|p| p.starts_with('/'));
        if !well_formed {
            return Err(format!(
                "argument `{key}`: `{FROM_ANSWER}` takes a path into the previous answer such as \"/slots/0/start\", and nothing beside it"
            ));
        }
    }
    Ok(())
}

fn has_references(args: &Value) -> bool {
    args.as_object()
        .is_some_and(|map| map.values().any(|v| reference(v).is_some()))
}

fn first_function_refers_to_nothing(turns: &[Turn]) -> Result<(), String> {
    let first = turns.iter().enumerate().find_map(|(i, turn)| match turn {
        Turn::Function { args, .. } => Some((i, args)),
        _ => None,
    });
    match first {
        Some((i, args)) if has_references(args) => Err(format!(
            "turn {}: `{FROM_ANSWER}` needs an earlier function whose answer it reads",
            i + 1
        )),
        _ => Ok(()),
    }
}

/// The arguments with every `from_answer` replaced by that part of `previous`, the
/// answer of the function called before, as the agent books a time it just offered.
pub(super) fn fill_from_answer(args: &Value, previous: Option<&Value>) -> Result<Value, String> {
    let Value::Object(map) = args else {
        return Ok(args.clone());
    };
    let mut filled = Map::new();
    for (key, value) in map {
        let value = match reference(value).and_then(Value::as_str) {
            None => value.clone(),
            Some(pointer) => previous
                .and_then(|answer| answer.pointer(pointer))
                .filter(|found| !found.is_null())
                .cloned()
                .ok_or_else(|| {
                    format!(
                        "argument `{key}`: the previous answer has nothing at `{pointer}`: {}",
                        previous.map_or_else(|| "there was none".to_owned(), Value::to_string)
                    )
                })?,
        };
        filled.insert(key.clone(), value);
    }
    Ok(Value::Object(filled))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            (
                "[[turns]]\nfunction = \"book_appointment\"\nargs = { start = { from_answer = \"/slots/0/start\" } }",
                "turn 1: `from_answer` needs an earlier function",
            ),
            (
                "[[turns]]\nfunction = \"list_services\"\n[[turns]]\nfunction = \"book_appointment\"\nargs = { start = { from_answer = \"slots\" } }",
                "turn 2: argument `start`: `from_answer` takes a path",
            ),
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
    fn an_argument_can_take_a_time_the_previous_answer_offered() {
        let args = serde_json::json!({
            "service": "Damenhaarschnitt",
            "start": { "from_answer": "/slots/0/start" },
            "staff": { "from_answer": "/slots/0/staff" },
        });
        let offered = serde_json::json!({ "ok": false, "slots": [
            { "start": "2026-12-02T10:00:00+01:00", "staff": "anna" },
            { "start": "2026-12-02T11:00:00+01:00", "staff": "anna" } ] });
        assert_eq!(
            fill_from_answer(&args, Some(&offered)).unwrap(),
            serde_json::json!({ "service": "Damenhaarschnitt", "start": "2026-12-02T10:00:00+01:00", "staff": "anna" })
        );
        let nothing_offered = serde_json::json!({ "ok": false, "slots": [] });
        let error = fill_from_answer(&args, Some(&nothing_offered)).unwrap_err();
        assert!(
            error.contains("the previous answer has nothing at `/slots/0/"),
            "{error}"
        );
        let plain = serde_json::json!({ "when": "morgen" });
        assert_eq!(fill_from_answer(&plain, None).unwrap(), plain);
    }
}
