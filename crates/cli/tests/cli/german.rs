//! `askpro german when`: one phrase with --json, refusals, and the JSON-lines batch.

use std::io::Write;
use std::process::Stdio;

fn when(args: &[&str]) -> std::process::Output {
    crate::askpro_command()
        .args(["german", "when"])
        .args(args)
        .output()
        .expect("askpro runs")
}

#[test]
fn a_phrase_resolves_to_the_contract_shape() {
    let output = when(&[
        "Sonnabend um Viertel drei",
        "--now",
        "2026-11-26T10:00:00",
        "--tz",
        "Europe/Berlin",
        "--json",
    ]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        r#"{"text":"Sonnabend um Viertel drei","start":"2026-11-28T14:15:00+01:00","end":"2026-11-28T14:16:00+01:00","grain":"minute"}"#
    );
    let open = when(&["ab 15 Uhr", "--now", "2026-11-26T10:00:00", "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&open.stdout).trim(),
        r#"{"text":"ab 15 Uhr","start":"2026-11-26T15:00:00+01:00","end":null,"grain":"minute","open":"after"}"#
    );
}

#[test]
fn a_phrase_it_cannot_place_is_refused_with_exit_code_1() {
    let output = when(&[
        "am Dienstag um Blumenkohl",
        "--now",
        "2026-11-26T10:00:00",
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        r#"{"text":"am Dienstag um Blumenkohl","error":"not_understood"}"#
    );
    let bad_zone = when(&["morgen", "--tz", "Europe/Atlantis"]);
    assert!(!bad_zone.status.success());
    assert!(
        String::from_utf8_lossy(&bad_zone.stderr)
            .contains("`Europe/Atlantis` is not an IANA time zone")
    );
}

#[test]
fn the_batch_answers_every_line_in_order_and_exits_0() {
    let mut child = crate::askpro_command()
        .args(["german", "when", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("askpro runs");
    let input = [
        r#"{"text":"morgen um drei","ref":"2026-11-26T10:00:00","tz":"Europe/Berlin","id":"x1"}"#,
        r#"{"text":"Blumenkohl","ref":"2026-11-26T10:00:00","tz":"Europe/Berlin"}"#,
        r#"not json"#,
        r#"{"text":"in drei Stunden","ref":"2027-03-27T23:30:00","tz":"Europe/Berlin"}"#,
    ]
    .join("\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["start"], "2026-11-27T15:00:00+01:00");
    assert_eq!(lines[1]["error"], "not_understood");
    assert_eq!(lines[2]["error"], "invalid_input");
    assert_eq!(
        lines[3]["start"], "2027-03-28T03:30:00+02:00",
        "three real hours across the spring change"
    );
}
