//! The resolver against two corpora: our own (`tests/corpus/phrases.jsonl`, ~700 phrases
//! with expected values under the contract's conventions: every one must pass) and a
//! peer's regression set (`shared/corpora/de_time_duckling.jsonl`: its pass rate is
//! reported and must not drop; its conventions differ from ours in places).

use askpro_german::{Resolution, resolve};
use jiff::ZonedDateTime;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::Value;
use std::path::Path;

fn cases(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("corpus line is JSON"))
        .collect()
}

fn reference(case: &Value) -> ZonedDateTime {
    let tz = TimeZone::get(case["tz"].as_str().unwrap()).unwrap();
    let local: DateTime = case["ref"].as_str().unwrap().parse().unwrap();
    tz.to_ambiguous_zoned_datetime(local).compatible().unwrap()
}

fn local(at: &ZonedDateTime) -> String {
    at.datetime().strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Why a case of our corpus fails, or `None` when it passes.
fn our_miss(case: &Value) -> Option<String> {
    let text = case["text"].as_str().unwrap();
    let got = resolve(text, &reference(case));
    let refuse = case["expect"] == "not_understood";
    let Some(Resolution { start, end, grain }) = got else {
        return (!refuse).then(|| format!("{text:?}: not understood"));
    };
    if refuse {
        return Some(format!(
            "{text:?}: should be refused, got {}",
            local(&start)
        ));
    }
    let mut problems = Vec::new();
    if local(&start) != case["expect_start"].as_str().unwrap() {
        problems.push(format!(
            "start {} ≠ {}",
            local(&start),
            case["expect_start"]
        ));
    }
    match (case["expect_end"].as_str(), &end) {
        (Some(expected), Some(end)) if local(end) != expected => {
            problems.push(format!("end {} ≠ {expected}", local(end)))
        }
        (Some(_), None) => problems.push("open, expected an end".into()),
        (None, Some(end)) => problems.push(format!("end {}, expected open", local(end))),
        _ => {}
    }
    if grain.as_str() != case["grain"].as_str().unwrap_or_default() {
        problems.push(format!("grain {} ≠ {}", grain.as_str(), case["grain"]));
    }
    let start_offset = start.strftime("%:z").to_string();
    if let Some(offset) = case["expect_start_offset"].as_str()
        && start_offset != offset
    {
        problems.push(format!("offset {start_offset} ≠ {offset}"));
    }
    (!problems.is_empty()).then(|| format!("{text:?} ({}): {}", case["ref"], problems.join(", ")))
}

/// Fails with every miss listed.
fn every_case_passes(cases: &[Value]) {
    let misses: Vec<String> = cases.iter().filter_map(our_miss).collect();
    assert!(
        misses.is_empty(),
        "{} of {} phrases miss:\n{}",
        misses.len(),
        cases.len(),
        misses.join("\n")
    );
}

#[test]
fn every_phrase_of_our_corpus_resolves_as_expected() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/phrases.jsonl");
    let cases = cases(&path);
    assert!(
        cases.len() >= 500,
        "the corpus must keep at least 500 phrases"
    );
    every_case_passes(&cases);
}

/// Duckling's pass rule: the start equals the expected start truncated to the grain.
fn duckling_passes(case: &Value) -> bool {
    let Some(found) = resolve(case["text"].as_str().unwrap(), &reference(case)) else {
        return false;
    };
    let expected: DateTime = case["expect_start"].as_str().unwrap().parse().unwrap();
    let got = found.start.datetime();
    let day = |d: DateTime| d.date();
    match case["grain"].as_str().unwrap() {
        "second" => got.with().subsec_nanosecond(0).build().ok() == Some(expected),
        "minute" => {
            got.strftime("%Y-%m-%dT%H:%M").to_string()
                == expected.strftime("%Y-%m-%dT%H:%M").to_string()
        }
        "hour" => {
            got.strftime("%Y-%m-%dT%H").to_string() == expected.strftime("%Y-%m-%dT%H").to_string()
        }
        "day" => day(got) == day(expected),
        "week" => {
            let monday = |d: DateTime| {
                d.date()
                    .checked_sub(jiff::Span::new().days(d.date().weekday().to_monday_zero_offset()))
                    .ok()
            };
            monday(got) == monday(expected)
        }
        "month" => (got.year(), got.month()) == (expected.year(), expected.month()),
        "year" => got.year() == expected.year(),
        _ => false,
    }
}

#[test]
fn the_peer_corpus_pass_rate_does_not_drop() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/de_time_duckling.jsonl");
    if !path.exists() {
        eprintln!("skipped: {} is not there", path.display());
        return;
    }
    let cases = cases(&path);
    let is_holiday = |c: &Value| c["category"] == "holiday";
    let passed: Vec<&Value> = cases.iter().filter(|c| duckling_passes(c)).collect();
    let all = passed.len() as f64 / cases.len() as f64;
    let non_holiday_total = cases.iter().filter(|c| !is_holiday(c)).count();
    let non_holiday =
        passed.iter().filter(|c| !is_holiday(c)).count() as f64 / non_holiday_total as f64;
    eprintln!(
        "duckling corpus: {:.1} % overall, {:.1} % without holidays",
        all * 100.0,
        non_holiday * 100.0
    );
    assert!(
        all >= 0.42 && non_holiday >= 0.65,
        "pass rate dropped: {all:.3} / {non_holiday:.3}"
    );
}

#[test]
fn every_phrase_of_the_regional_corpus_resolves_as_expected() {
    // Written independently of the resolver by tests/corpus/make_regional.py from the
    // contract's part two: Austrian, Swiss, Bavarian and northern callers.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/regional.jsonl");
    let cases = cases(&path);
    for category in [
        "self-correction",
        "swiss-clock",
        "contraction",
        "holiday-relative-and-spans",
        "surrounding-sentence",
    ] {
        let n = cases.iter().filter(|c| c["category"] == category).count();
        assert!(n >= 20, "{category}: {n} phrases, at least 20 wanted");
    }
    every_case_passes(&cases);
}
