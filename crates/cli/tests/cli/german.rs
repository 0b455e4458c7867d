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

#[test]
fn explain_splits_the_time_from_other_content_and_corrections() {
    let sentence = "Grüß Gott, Huber mein Name, wegen meinem Fahrrad, am Montag, äh nein, Donnerstag um Viertel ab fünf";
    let output = when(&[
        sentence,
        "--now",
        "2026-11-26T10:00:00",
        "--tz",
        "Europe/Zurich",
        "--json",
        "--explain",
    ]);
    assert!(output.status.success(), "{output:?}");
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["start"], "2026-12-03T17:15:00+01:00", "{answer}");
    assert_eq!(
        answer["time_words"],
        serde_json::json!([["montag"], ["donnerstag", "viertel", "nach", "fuenf"]])
    );
    assert_eq!(
        answer["set_aside"],
        serde_json::json!(["huber", "mein", "name", "wegen", "meinem", "fahrrad"])
    );
    let people = when(&[
        "für zwei Personen am Freitag um 19 Uhr",
        "--now",
        "2026-11-26T10:00:00",
        "--explain",
    ]);
    let text = String::from_utf8_lossy(&people.stdout);
    assert!(text.contains("start 2026-11-27T19:00:00+01:00"), "{text}");
    assert!(text.contains("set aside:   fuer zwei personen"), "{text}");
    // An unknown word inside the expression still refuses, explained or not.
    let inside = when(&[
        "am Dienstag um Blumenkohl",
        "--now",
        "2026-11-26T10:00:00",
        "--explain",
    ]);
    assert_eq!(inside.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&inside.stdout).contains("not understood"));
}
