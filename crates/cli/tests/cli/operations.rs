//! The runbook's overview commands beyond diagnose: the customer-success metrics (CLI,
//! API no-show marking, `/metrics` gauges), staff assignments and reassignment, the
//! service–staff sync with Cal.com, resources, the weekly report through real SMTP, the
//! prompt analysis, and the daily health check to Slack.

use super::drills::stage::{AGENT, COMPANY, LLM, Stage, full_prompt};
use crate::common::smtp::Sink;
use crate::common::{Backend, EXAMPLE, apply};
use askpro_standins::calcom::FakeCalcom;
use axum::Router;
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

crate::on_both_databases!(
    metrics_follow_their_definitions,
    metrics_count_how_the_calls_ended,
    a_reassignment_moves_what_it_can_and_says_why_not,
);

const TUESDAY_TEN: &str = "2026-12-01T10:00:00+01:00";
const TUESDAY_ELEVEN: &str = "2026-12-01T11:00:00+01:00";

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {}\n{}",
            stdout(out),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `askpro --json metrics customer-success` over the last 7 days.
async fn week_figures(s: &Stage) -> Value {
    let args = [
        "--json",
        "metrics",
        "customer-success",
        "--company-id",
        COMPANY,
        "--days",
        "7",
    ];
    json_of(&s.askpro(&args).await)
}

fn metric<'a>(figures: &'a Value, key: &str) -> &'a Value {
    figures["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap()
}

async fn metrics_follow_their_definitions(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    // Four connected calls: two successful, one that booked, one that did not; and a
    // five-second call that never connected.
    let outcomes = [
        ("m-1", true, "Positive"),
        ("m-2", true, "Negative"),
        ("m-3", false, "Neutral"),
        ("m-4", false, "Unknown"),
    ];
    for (id, successful, sentiment) in outcomes {
        s.call(
            id,
            30,
            json!({ "call_analysis": { "call_successful": successful, "user_sentiment": sentiment } }),
        )
        .await;
    }
    s.call(
        "m-short",
        20,
        json!({ "duration_ms": 5_000, "end_timestamp": crate::common::now_ms() - 20 * 60_000 + 5_000,
                "call_analysis": { "call_successful": false, "user_sentiment": "Positive" } }),
    )
    .await;
    // No reminders: this test moves its clock two days on, where the worker (on the
    // clock it started with) would not have sent them yet.
    let operator = askpro_app::Actor::cli(None);
    s.t.app
        .set_setting("notifications.reminder_hours=0", Some(COMPANY), &operator)
        .await
        .unwrap();
    // Call m-3 booked half an hour after it started.
    let live = Stage::live_call("m-3", 30);
    let args = json!({ "service": "Damenschnitt", "start": "morgen um 10 Uhr", "staff": "Anna",
                       "customer_name": "Eva Schmidt", "customer_email": "eva@example.org" });
    let answer = s.function("book_appointment", args, &live).await;
    assert_eq!(answer["ok"], true, "{answer}");
    let (status, second) = s.t.book("jonas", TUESDAY_ELEVEN).await;
    assert_eq!(status, 201, "{second}");
    // The worker delivers the confirmations (to the outbox: no SMTP here).
    s.mail_subjects(|sent| sent.len() >= 2).await;
    // A future appointment cannot be a no-show.
    let id = second["id"].as_str().unwrap().to_owned();
    let (status, refused) =
        s.t.post(&format!("/appointments/{id}/no-show"), json!({}))
            .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused.to_string().contains("has not started yet"),
        "{refused}"
    );
    // Two days later both appointments are past; Eva missed the one at eleven.
    s.t.app.clock.advance(jiff::SignedDuration::from_hours(48));
    s.env.push(("ASKPRO_NOW".into(), s.t.app.now().to_string()));
    let (status, marked) =
        s.t.post(&format!("/appointments/{id}/no-show"), json!({}))
            .await;
    assert_eq!(
        (status, marked["status"].as_str()),
        (200, Some("no_show")),
        "{marked}"
    );
    let figures = week_figures(&s).await;
    let completion = metric(&figures, "call_completion_rate");
    assert_eq!(
        (completion["count"].as_i64(), completion["of"].as_i64()),
        (Some(3), Some(4))
    );
    assert_eq!(completion["value"], 75.0);
    assert_eq!(completion["trend"], Value::Null, "nothing the week before");
    let no_show = metric(&figures, "no_show_rate");
    assert_eq!(
        (no_show["count"].as_i64(), no_show["of"].as_i64()),
        (Some(1), Some(2))
    );
    let mood = metric(&figures, "customer_satisfaction");
    // Positive 5, Negative 1, Neutral 3, the short call's Positive 5; Unknown skipped.
    assert_eq!(mood["value"], 3.5, "{mood}");
    let mail = metric(&figures, "email_delivery_rate");
    assert_eq!(
        (mail["count"].as_i64(), mail["of"].as_i64()),
        (Some(2), Some(2)),
        "{mail}"
    );
    assert_eq!(
        mail["previous"],
        Value::Null,
        "the week before had no mail: {mail}"
    );
    let resolution = metric(&figures, "avg_resolution_minutes");
    assert_eq!(resolution["value"], 30.0, "{resolution}");
    let text = stdout(
        &s.askpro(&[
            "metrics:customer-success",
            "--company-id",
            COMPANY,
            "--days",
            "7",
        ])
        .await,
    );
    assert!(text.starts_with("📊 Customer Success Metrics:"), "{text}");
    assert!(
        text.contains("Anruf-Erfolgsquote") && text.contains("75,0 %"),
        "{text}"
    );
    assert!(
        text.contains("No-Show-Quote") && text.contains("50,0 %"),
        "{text}"
    );
    let english = stdout(
        &s.askpro(&[
            "metrics",
            "customer-success",
            "--company-id",
            COMPANY,
            "--days",
            "7",
            "--lang",
            "en",
        ])
        .await,
    );
    assert!(
        english.contains("Call Completion Rate") && english.contains("75.0 %"),
        "{english}"
    );
    let gauges = s.t.metrics_text().await;
    assert!(
        gauges.contains(&format!(
            "askpro_no_show_rate_percent{{company=\"{COMPANY}\"}} 50"
        )),
        "{gauges}"
    );
    assert!(gauges.contains(&format!(
        "askpro_call_completion_rate_percent{{company=\"{COMPANY}\"}} 75"
    )));
    // Undone, the appointment counts as attended again, and the mark is audited.
    let undo =
        s.t.send(
            s.t.client
                .delete(s.t.company_url(&format!("/appointments/{id}/no-show")))
                .bearer_auth(crate::common::OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(undo.1["status"], "booked", "{undo:?}");
    let again = week_figures(&s).await;
    assert_eq!(metric(&again, "no_show_rate")["value"], 0.0);
    let cli = s
        .askpro(&[
            "--json",
            "appointments",
            "no-show",
            &id,
            "--company-id",
            COMPANY,
        ])
        .await;
    assert_eq!(json_of(&cli)["status"], "no_show");
}

/// Whether `text` has a line that reads `words` once spaces are evened out.
fn has_line(text: &str, words: &str) -> bool {
    text.lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == words)
}

async fn metrics_count_how_the_calls_ended(backend: Backend) {
    let Some(s) = Stage::new(backend).await else {
        return;
    };
    // One caller books, moves and cancels in three calls; others leave a message, only
    // ask, try a closed Sunday, say nothing (o-silent) or are put through (o-transfer).
    let deeds = [
        (
            "o-book",
            60,
            "book_appointment",
            json!({ "service": "Damenschnitt", "start": "morgen um 10 Uhr", "staff": "Anna",
                    "customer_name": "Eva Schmidt" }),
            true,
        ),
        (
            "o-move",
            50,
            "reschedule_appointment",
            json!({ "when_old": "morgen", "new_start": "morgen um 11 Uhr" }),
            true,
        ),
        (
            "o-cancel",
            40,
            "cancel_appointment",
            json!({ "when": "morgen", "reason": "krank" }),
            true,
        ),
        (
            "o-message",
            30,
            "take_message",
            json!({ "name": "Jonas Berger", "concern": "Bitte um Rückruf wegen Gutschein" }),
            true,
        ),
        (
            "o-ask",
            20,
            "check_availability",
            json!({ "service": "Damenschnitt", "when": "morgen" }),
            true,
        ),
        (
            "o-sunday",
            15,
            "book_appointment",
            json!({ "service": "Damenschnitt", "start": "Sonntag um 10 Uhr",
                    "customer_name": "Eva Schmidt" }),
            false,
        ),
    ];
    let unsuccessful = json!({ "call_analysis": { "call_successful": false } });
    for (id, ago, name, args, ok) in deeds {
        let answer = s.function(name, args, &Stage::live_call(id, ago)).await;
        assert_eq!(answer["ok"], ok, "{id}: {answer}");
        s.call(id, ago, unsuccessful.clone()).await;
    }
    s.call("o-silent", 10, unsuccessful.clone()).await;
    let mut transferred = unsuccessful.clone();
    transferred["disconnection_reason"] = json!("call_transfer");
    s.call("o-transfer", 5, transferred).await;

    let figures = week_figures(&s).await;
    assert_eq!(
        figures["outcomes"],
        json!({ "booked": 1, "moved": 1, "cancelled": 1, "message": 1, "transferred": 1,
                "information": 1, "waitlist": 0, "abandoned": 2 }),
        "{figures:#}"
    );
    let args = [
        "metrics",
        "customer-success",
        "--company-id",
        COMPANY,
        "--days",
        "7",
    ];
    let german = stdout(&s.askpro(&args).await);
    for line in [
        "Anrufe nach Ergebnis (8):",
        "Termin gebucht 1",
        "Termin verschoben 1",
        "Termin abgesagt 1",
        "Nachricht hinterlassen 1",
        "Weiterverbunden 1",
        "Nur Auskunft 1",
        "Auf die Warteliste gesetzt 0",
        "Ohne Ergebnis 2",
    ] {
        assert!(has_line(&german, line), "no `{line}` in:\n{german}");
    }
    let english = stdout(&s.askpro(&[&args[..], &["--lang", "en"][..]].concat()).await);
    for line in [
        "Calls by outcome (8):",
        "Booked 1",
        "Message taken 1",
        "Transferred 1",
        "Information only 1",
        "Waiting list 0",
        "Abandoned 2",
    ] {
        assert!(has_line(&english, line), "no `{line}` in:\n{english}");
    }
}

async fn a_reassignment_moves_what_it_can_and_says_why_not(backend: Backend) {
    let Some(s) = Stage::new(backend).await else {
        return;
    };
    // Anna: a ladies' cut at ten, a colouring at noon; Jonas is busy at ten on Friday.
    let (_, cut) = s.t.book("anna", TUESDAY_TEN).await;
    let mut colour = crate::common::booking("anna", "2026-12-01T12:00:00+01:00");
    colour["service"] = json!("faerben");
    let (status, colour) = s.t.post("/appointments", colour).await;
    assert_eq!(status, 201, "{colour}");
    let friday = "2026-12-04T10:00:00+01:00";
    let (status, _) = s.t.book("anna", friday).await;
    assert_eq!(status, 201);
    let (status, _) = s.t.book("jonas", friday).await;
    assert_eq!(status, 201);
    let shown = json_of(
        &s.askpro(&["--json", "staff:show-assignments", "--branch-id=mitte"])
            .await,
    );
    let anna = &shown["staff"].as_array().unwrap()[0];
    assert_eq!(anna["staff"], "anna");
    assert_eq!(anna["upcoming"], 3);
    assert_eq!(
        anna["services"],
        json!(["damenhaarschnitt", "faerben", "foehnen"])
    );
    assert!(
        anna["hours"].as_str().unwrap().contains("Dienstag"),
        "{anna}"
    );
    let args = [
        "--json",
        "staff",
        "reassign",
        "--from",
        "anna",
        "--to",
        "jonas",
        "--future-only",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let preview = s.askpro(&dry).await;
    assert!(!preview.status.success(), "two of three cannot move");
    let preview = json_of(&preview);
    let lines = preview["appointments"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (lines[0]["moved"].as_bool(), lines[0]["reason"].as_str()),
        (Some(true), None)
    );
    assert!(
        lines[1]["reason"]
            .as_str()
            .unwrap()
            .contains("does not perform `faerben`")
    );
    assert!(
        lines[2]["reason"].as_str().unwrap().contains("not free"),
        "{}",
        lines[2]
    );
    let (_, before) =
        s.t.get(&format!("/appointments/{}", cut["id"].as_str().unwrap()))
            .await;
    assert_eq!(before["staff"], "anna", "a dry run changes nothing");
    let done = json_of(&s.askpro(&args).await);
    assert_eq!(done["appointments"][0]["moved"], true);
    let (_, after) =
        s.t.get(&format!("/appointments/{}", cut["id"].as_str().unwrap()))
            .await;
    assert_eq!(
        (after["staff"].as_str(), after["start"].as_str()),
        (Some("jonas"), Some(TUESDAY_TEN))
    );
    // The customer hears about the new staff member, not about a new time.
    let subjects = s
        .mail_subjects(|sent| sent.iter().any(|m| m.contains("jetzt bei Jonas")))
        .await;
    assert!(
        subjects
            .iter()
            .any(|m| m
                == "Ihr Termin am Dienstag, 1. Dezember 2026 um 10 Uhr: jetzt bei Jonas Weber"),
        "{subjects:#?}"
    );
    let (_, colour_now) =
        s.t.get(&format!("/appointments/{}", colour["id"].as_str().unwrap()))
            .await;
    assert_eq!(colour_now["staff"], "anna");
}

/// Cal.com's event type hosts are the source of truth once a company keeps its calendar there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_follow_the_calcom_hosts() {
    let Some(mut s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let calcom = FakeCalcom::start("cal_sync_key").await.unwrap();
    // Ladies' cuts: only Jonas hosts them in Cal.com; colouring: Anna and Jonas.
    calcom
        .fake
        .add_event_type(7, "damenhaarschnitt", 45, &["jonas"]);
    calcom
        .fake
        .add_event_type(9, "faerben", 90, &["anna", "jonas"]);
    let tenant = crate::common::with_calcom(
        EXAMPLE,
        &[("damenhaarschnitt", 7), ("faerben", 9)],
        &["anna", "jonas"],
        &calcom.base_url,
        "SYNC_CALCOM_KEY",
    );
    apply(&s.t.app, &tenant).await;
    s.env
        .push(("SYNC_CALCOM_KEY".into(), "cal_sync_key".into()));
    let staff = s.check("staff").await;
    assert_eq!(staff["status"], "fail", "{staff}");
    assert!(
        staff["fix"]
            .as_str()
            .unwrap()
            .contains("services sync-staff"),
        "{staff}"
    );
    let dry = json_of(
        &s.askpro(&[
            "--json",
            "services:sync-staff",
            "--branch-id=mitte",
            "--dry-run",
        ])
        .await,
    );
    assert_eq!(dry["source"], "Cal.com event type hosts");
    assert_eq!(
        dry["changes"],
        json!([
            { "staff": "anna", "service": "damenhaarschnitt", "change": "remove" },
            { "staff": "jonas", "service": "faerben", "change": "add" },
        ])
    );
    let model = s.t.app.company(COMPANY).await.unwrap();
    assert!(
        model
            .tenant()
            .staff_member("anna")
            .unwrap()
            .services
            .iter()
            .any(|x| x.as_str() == "damenhaarschnitt")
    );
    let done = s
        .askpro(&["services", "sync-staff", "--branch-id", "mitte"])
        .await;
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        stdout(&done).contains("did add faerben to jonas"),
        "{}",
        stdout(&done)
    );
    let model = s.t.app.company(COMPANY).await.unwrap();
    let jonas = model.tenant().staff_member("jonas").unwrap();
    assert!(jonas.services.iter().any(|x| x.as_str() == "faerben"));
    let again = json_of(
        &s.askpro(&["--json", "services", "sync-staff", "--branch-id", "mitte"])
            .await,
    );
    assert_eq!(again["changes"], json!([]));
    assert_eq!(s.check("staff").await["status"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_are_measured_against_thresholds() {
    let Some(mut s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let out = s.askpro(&["--json", "system:check-resources"]).await;
    assert!(out.status.success(), "{}", stdout(&out));
    let resources = json_of(&out);
    let ids: Vec<&str> = resources
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "memory (machine)",
        "disk (database)",
        "disk (logs)",
        "database size",
        "workers",
        "webhook merge",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(
        ids.iter().any(|i| i.starts_with("memory (process")),
        "{ids:?}"
    );
    // A reminder scheduled for Thursday is not a mail waiting to go out, an hour on.
    let (status, _) = s.t.book("anna", "2026-12-04T10:00:00+01:00").await;
    assert_eq!(status, 201);
    s.mail_subjects(|sent| !sent.is_empty()).await;
    let later = (s.t.app.now() + jiff::SignedDuration::from_hours(1)).to_string();
    s.env.push(("ASKPRO_NOW".into(), later));
    let an_hour_on = json_of(&s.askpro(&["--json", "system", "check-resources"]).await);
    let emails = an_hour_on
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "queue emails")
        .expect("the e-mail queue is measured")
        .clone();
    assert_eq!(emails["status"], "ok", "{emails}");
    s.stop_worker();
    let without = s.askpro(&["system", "check-resources"]).await;
    assert_eq!(without.status.code(), Some(1));
    assert!(
        stdout(&without).contains("fail workers"),
        "{}",
        stdout(&without)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_weekly_report_arrives_as_html_with_charts_and_plain_text() {
    let Some(sink) = Sink::start() else { return };
    let Some(mut s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    s.call(
        "r-1",
        60,
        json!({ "call_analysis": { "user_sentiment": "Negative", "call_successful": false } }),
    )
    .await;
    s.env.push(("ASKPRO_SMTP_PRIMARY_URL".into(), sink.url()));
    // The worker must know the SMTP server too.
    s.stop_worker();
    s.start_worker().await;
    let out = s
        .askpro(&[
            "report:customer-success",
            "--week",
            "--email=support@company.de",
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("Wochenbericht Salon Sonnenschein"),
        "{}",
        stdout(&out)
    );
    let mut mail = String::new();
    for _ in 0..200 {
        if let Some(m) = sink
            .messages()
            .into_iter()
            .find(|m| m.contains("support@company.de"))
        {
            mail = m;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!mail.is_empty(), "the report did not arrive");
    assert!(mail.contains("multipart/alternative"), "{mail}");
    assert!(
        mail.contains("text/plain") && mail.contains("text/html"),
        "{mail}"
    );
    let decoded = decode_mail(&mail);
    assert!(decoded.contains("<svg"), "charts are inline SVG");
    assert!(decoded.contains("Anruf-Erfolgsquote"), "{decoded}");
    assert!(decoded.contains("r-1: unzufriedener Anrufer"), "{decoded}");
    let bad = s
        .askpro(&[
            "report",
            "customer-success",
            "--week",
            "--email",
            "kein-empfaenger",
        ])
        .await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("kein-empfaenger"));
}

/// The mail's parts decoded from quoted-printable or base64, good enough to search.
fn decode_mail(mail: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    for part in mail.split("\r\n\r\n").chain(mail.split("\n\n")) {
        let joined: String = part.lines().collect();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(joined.trim()) {
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    out.push_str(
        &mail
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "="),
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_analysis_proposes_blocks_with_evidence_and_applies_them() {
    let Some(s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    s.retell.state().llms[0]["general_prompt"] = json!(full_prompt(&[]));
    let operator = askpro_app::Actor::cli(None);
    s.t.app
        .set_setting("retell.enable_cancellation=false", Some(COMPANY), &operator)
        .await
        .unwrap();
    for n in 1..=2 {
        let said = "Agent: Guten Tag.\nUser: Das war mir zu schnell.\nUser: Wann war der Termin nochmal?\n";
        s.call(&format!("o-{n}"), 100 + n, json!({ "transcript": said }))
            .await;
    }
    s.call(
        "o-cancel",
        90,
        json!({ "transcript": "User: Ich möchte stornieren.\n" }),
    )
    .await;
    let refused = s
        .function(
            "check_availability",
            json!({ "service": "Damenschnitt", "when": "am Sankt-Nimmerleins-Tag" }),
            &Stage::live_call("o-refused", 2),
        )
        .await;
    assert!(
        refused.to_string().contains("nicht verstanden"),
        "{refused}"
    );
    let analysis = json_of(
        &s.askpro(&[
            "--json",
            "ai:optimize-prompts",
            "--based-on-last-month",
            "--company-id",
            COMPANY,
        ])
        .await,
    );
    let company = &analysis[0];
    let blocks: Vec<&str> = company["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["block"].as_str().unwrap())
        .collect();
    for block in [
        "dialect-robust",
        "slow-speech",
        "cancellation",
        "clear-confirmation",
    ] {
        assert!(blocks.contains(&block), "{block} not proposed: {company:#}");
    }
    let slow = company["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["block"] == "slow-speech")
        .unwrap();
    assert_eq!(slow["calls"], 2);
    assert_eq!(slow["examples"], json!(["o-1", "o-2"]));
    assert_eq!(
        company["refused_phrases"][0],
        json!(["am Sankt-Nimmerleins-Tag", 1])
    );
    assert_eq!(company["enable_cancellation"], true);
    assert!(
        s.retell.state().llm_patches.is_empty(),
        "nothing pushed without --apply"
    );
    let applied = s
        .askpro(&[
            "ai",
            "optimize-prompts",
            "--based-on-last-month",
            "--company-id",
            COMPANY,
            "--apply",
        ])
        .await;
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let live = s.retell.llm(LLM).unwrap()["general_prompt"]
        .as_str()
        .unwrap()
        .to_owned();
    // Every block the analysis can propose; the privacy notice is the company's own
    // choice and never proposed.
    let proposable: Vec<&str> = askpro_german::prompt::TEMPLATE_BLOCKS
        .iter()
        .copied()
        .filter(|b| *b != "privacy-notice")
        .collect();
    assert_eq!(askpro_german::prompt::blocks_in(&live), proposable);
    s.t.app.settings.invalidate();
    let on =
        s.t.app
            .setting("retell.enable_cancellation", Some(COMPANY))
            .await
            .unwrap();
    assert!(on.value.as_bool());
    assert_eq!(s.retell.agent(AGENT).unwrap()["agent_id"], AGENT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_health_check_posts_one_slack_message_with_the_fixes() {
    let Some(mut s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let store = received.clone();
    let hook = Router::new().route(
        "/services/T0/B0/X",
        post(move |axum::Json(body): axum::Json<Value>| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/services/T0/B0/X", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, hook).await.unwrap() });
    s.env.push(("ASKPRO_SLACK_WEBHOOK_URL".into(), url));
    let healthy = s
        .askpro(&["askpro:daily-health-check", "--notify-slack"])
        .await;
    assert!(healthy.status.success(), "{}", stdout(&healthy));
    s.stop_worker();
    let failing = s
        .askpro(&["askpro:daily-health-check", "--notify-slack"])
        .await;
    assert_eq!(failing.status.code(), Some(1));
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 2);
    let text = messages[1]["text"].as_str().unwrap();
    assert!(text.contains(&format!("🔴 {COMPANY}")), "{text}");
    assert!(
        text.contains("fail workers") && text.contains("fix: askpro worker"),
        "{text}"
    );
    assert!(
        messages[0]["text"]
            .as_str()
            .unwrap()
            .contains("all checks ok"),
        "{messages:?}"
    );
}

/// A service nobody at a branch performs fails the staff check, naming both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_nobody_at_a_branch_performs_is_named() {
    let Some(s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let without = EXAMPLE.replacen(
        r#"services = ["herrenhaarschnitt", "damenhaarschnitt", "foehnen"]"#,
        r#"services = ["damenhaarschnitt", "foehnen"]"#,
        1,
    );
    assert_ne!(without, EXAMPLE);
    apply(&s.t.app, &without).await;
    let check = s
        .fails(
            "staff",
            &[&format!(
                "askpro staff show-assignments --company-id {COMPANY} --branch-id mitte"
            )],
        )
        .await;
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("nobody at `mitte` performs `herrenhaarschnitt`"),
        "{evidence}"
    );
    // Sepp still cuts men's hair in Schwabing.
    assert!(!evidence.contains("schwabing"), "{evidence}");
}

/// Cal.com offering times AskPro's rules do not fails the availability check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_only_calcom_offers_fail_the_availability_check() {
    let Some(mut s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let calcom = FakeCalcom::start("cal_gap_key").await.unwrap();
    calcom.fake.set_now(Some(crate::common::now()));
    // In Cal.com Anna works 9 to 18 every day; in AskPro not on Thursdays.
    calcom.fake.add_host(
        "anna",
        "Europe/Berlin",
        jiff::civil::time(9, 0, 0, 0),
        jiff::civil::time(18, 0, 0, 0),
    );
    calcom
        .fake
        .add_event_type(7, "damenhaarschnitt", 45, &["anna"]);
    let tenant = crate::common::with_calcom(
        EXAMPLE,
        &[("damenhaarschnitt", 7)],
        &["anna"],
        &calcom.base_url,
        "GAP_CALCOM_KEY",
    );
    apply(&s.t.app, &tenant).await;
    s.env.push(("GAP_CALCOM_KEY".into(), "cal_gap_key".into()));
    let check = s
        .fails(
            "availability",
            &[&format!(
                "askpro calcom refresh-availability --company-id {COMPANY} --next-days 7"
            )],
        )
        .await;
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("Cal.com offers times AskPro does not"),
        "{evidence}"
    );
    assert!(evidence.contains("anna"), "{evidence}");
}

/// `askpro messages list|done`: the team's view of what callers asked to pass on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_are_listed_and_marked_done_from_the_cli() {
    let Some(s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let call = Stage::live_call("msg-cli", 2);
    let args = json!({ "name": "Jonas Berger", "concern": "Bitte um Rückruf wegen Gutschein" });
    let taken = s.function("take_message", args, &call).await;
    assert_eq!(taken["ok"], true, "{taken}");
    let id = taken["message"]["id"].as_str().unwrap().to_owned();
    // The call is classified by what its functions did.
    s.call(
        "msg-cli",
        2,
        json!({ "call_analysis": { "call_successful": false } }),
    )
    .await;
    let (_, calls) = s.t.get("/calls").await;
    let this = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["call_id"] == "msg-cli")
        .expect("listed")
        .clone();
    assert_eq!(this["outcome"], "message", "{this}");
    let listed = s
        .askpro(&["messages", "list", "--company-id", COMPANY])
        .await;
    let text = stdout(&listed);
    assert!(
        text.contains("Jonas Berger") && text.contains("Gutschein"),
        "{text}"
    );
    let done = json_of(
        &s.askpro(&["--json", "messages", "done", &id, "--company-id", COMPANY])
            .await,
    );
    assert_eq!(done["status"], "done");
    assert!(done["done_by"].is_string(), "{done}");
    let open = json_of(
        &s.askpro(&["--json", "messages", "list", "--company-id", COMPANY])
            .await,
    );
    assert_eq!(open, json!([]));
    let all = json_of(
        &s.askpro(&[
            "--json",
            "messages",
            "list",
            "--company-id",
            COMPANY,
            "--all",
        ])
        .await,
    );
    assert_eq!(all.as_array().unwrap().len(), 1);
    let unknown = s
        .askpro(&["messages", "done", "nope", "--company-id", COMPANY])
        .await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown message `nope`"));
}

/// A branch with a transfer number gets Retell's transfer tool and the rule to ask
/// `can_transfer` first, pushed with the prompt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prompt_carries_the_transfer_tool_of_a_branch_with_a_number() {
    let Some(s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let tenant = EXAMPLE.replacen(
        "phone = \"+493012345678\"",
        "phone = \"+493012345678\"\ntransfer_number = \"+493012345600\"",
        1,
    );
    apply(&s.t.app, &tenant).await;
    let out = s
        .askpro(&[
            "retell",
            "update-prompt",
            "--company-id",
            COMPANY,
            "--template",
            "clear-confirmation",
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let llm = s.retell.llm(LLM).unwrap();
    let tools = llm["general_tools"].as_array().unwrap();
    let transfer = tools
        .iter()
        .find(|t| t["type"] == "transfer_call")
        .expect("a transfer tool");
    assert_eq!(transfer["name"], "transfer_to_mitte");
    assert_eq!(transfer["transfer_destination"]["number"], "+493012345600");
    assert!(tools.iter().any(|t| t["name"] == "can_transfer"));
    let prompt = llm["general_prompt"].as_str().unwrap();
    assert!(prompt.contains("frag zuerst `can_transfer`"), "{prompt}");
    assert!(
        prompt.contains("`transfer_to_mitte` (Salon Sonnenschein Mitte)"),
        "{prompt}"
    );
}

/// `askpro waitlist add|list|sweep|take|remove`: the team manages the waiting list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_waiting_list_is_managed_from_the_cli() {
    let Some(s) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let (code, eva) = s.t.book("anna", "2026-12-01T09:00:00+01:00").await;
    assert_eq!(code, 201, "{eva}");
    let added = s
        .askpro(&[
            "waitlist",
            "add",
            "--company-id",
            COMPANY,
            "--service",
            "damenhaarschnitt",
            "--branch",
            "mitte",
            "--staff",
            "anna",
            "--when",
            "Dienstag um 9 Uhr",
            "--name",
            "Alma Adler",
            "--phone",
            "+4915100000001",
        ])
        .await;
    let text = stdout(&added);
    assert!(
        text.starts_with("Alma Adler waits for Damenhaarschnitt Dienstag um 9 Uhr (entry "),
        "{text} {}",
        String::from_utf8_lossy(&added.stderr)
    );
    let waiting = json_of(
        &s.askpro(&["--json", "waitlist", "list", "--company-id", COMPANY])
            .await,
    );
    assert_eq!(waiting[0]["status"], "waiting", "{waiting}");
    assert_eq!(waiting[0]["from"], "2026-12-01T09:00:00+01:00");
    let id = waiting[0]["id"].as_str().unwrap().to_owned();
    // Eva cancels; a sweep (the server's, or this one) holds her slot for Alma.
    let eva_id = eva["id"].as_str().unwrap();
    assert_eq!(
        s.t.post(&format!("/appointments/{eva_id}/cancel"), json!({}))
            .await
            .0,
        200
    );
    let swept = s.askpro(&["waitlist", "sweep"]).await;
    assert!(stdout(&swept).contains("slots held"), "{}", stdout(&swept));
    let held = json_of(
        &s.askpro(&[
            "--json",
            "waitlist",
            "list",
            "--company-id",
            COMPANY,
            "--status",
            "held",
        ])
        .await,
    );
    assert_eq!(held[0]["id"], id.as_str(), "{held}");
    let table = stdout(
        &s.askpro(&["waitlist", "list", "--company-id", COMPANY])
            .await,
    );
    assert!(
        table.contains("HELD UNTIL") && table.contains("Alma Adler") && table.contains("held"),
        "{table}"
    );
    let taken = stdout(
        &s.askpro(&["waitlist", "take", &id, "--company-id", COMPANY])
            .await,
    );
    assert!(
        taken.starts_with(
            "booked Damenhaarschnitt for Alma Adler at 2026-12-01T09:00:00+01:00 with Anna Müller"
        ),
        "{taken}"
    );
    let booked = json_of(
        &s.askpro(&[
            "--json",
            "waitlist",
            "list",
            "--company-id",
            COMPANY,
            "--status",
            "booked",
        ])
        .await,
    );
    assert_eq!(booked.as_array().unwrap().len(), 1, "{booked}");
    // Mistakes are named.
    let unknown = s
        .askpro(&["waitlist", "remove", "nope", "--company-id", COMPANY])
        .await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown waiting-list entry `nope`"));
    let done = s
        .askpro(&["waitlist", "remove", &id, "--company-id", COMPANY])
        .await;
    assert_eq!(
        done.status.code(),
        Some(1),
        "a booked entry is no longer on the list"
    );
    let bad = s
        .askpro(&[
            "waitlist",
            "list",
            "--company-id",
            COMPANY,
            "--status",
            "soon",
        ])
        .await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`status`: `soon`"));
}
