//! The runbook's ten problems as drills, on SQLite and PostgreSQL: each plants the fault,
//! runs `askpro diagnose`, asserts that the right check fails with the right fix, runs
//! the fix commands exactly as diagnose printed them, and asserts that diagnose passes.

pub mod stage;

use crate::common::smtp::{Sink, free_port};
use crate::common::{Backend, EXAMPLE, apply};
use serde_json::json;
use stage::{AGENT, COMPANY, LLM, Stage, full_prompt};

crate::on_both_databases!(
    callers_not_understood,
    smtp_primary_down,
    worker_stopped,
    agent_webhook_url_wrong,
    duplicate_bookings,
    staff_without_the_service,
    branch_in_the_wrong_time_zone,
    cancellation_switched_off,
    voice_too_fast,
    calls_ending_by_timeout,
    prompt_without_confirmation,
    outside_services_that_never_answer,
);

/// Tuesday 10:00 in Berlin: Anna and Jonas both work then.
const TUESDAY_TEN: &str = "2026-12-01T10:00:00+01:00";

fn fix(text: &str) -> String {
    format!("askpro {text}")
}

/// Problem 1: most calls end without reaching their goal; the fix makes the prompt
/// dialect-robust, and calls before that change no longer judge it.
async fn callers_not_understood(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    s.retell.state().llms[0]["general_prompt"] = json!(full_prompt(&["clear-confirmation"]));
    for n in 1..=5 {
        let reached = n == 1;
        let said =
            "Agent: Salon Sonnenschein.\nUser: Ich hätt gern an Termin am Samstag in da Fruah.\n";
        let analysis = json!({ "call_successful": reached, "user_sentiment": "Negative" });
        s.call(
            &format!("lost-{n}"),
            60 + n,
            json!({ "transcript": said, "call_analysis": analysis }),
        )
        .await;
    }
    let check = s
        .fails(
            "understanding",
            &[&fix(&format!(
                "retell update-prompt --company-id {COMPANY} --template dialect-robust"
            ))],
        )
        .await;
    assert!(
        check["evidence"]
            .as_str()
            .unwrap()
            .contains("1 of 5 connected calls"),
        "{check}"
    );
    s.run_fixes(&check, None).await;
    let after = s.green("understanding").await;
    assert!(
        after["evidence"]
            .as_str()
            .unwrap()
            .contains("since the live prompt changed"),
        "{after}"
    );
    let prompt = s.retell.llm(LLM).unwrap()["general_prompt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        askpro_german::prompt::blocks_in(&prompt),
        ["dialect-robust", "clear-confirmation"]
    );
}

/// Problem 3: the primary SMTP server is down; the fix switches to the backup.
async fn smtp_primary_down(backend: Backend) {
    let Some(backup) = Sink::start() else { return };
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    assert_eq!(s.check("email").await["status"], "ok");
    // Nothing listens on the primary's port.
    let down = format!("smtp://127.0.0.1:{}", free_port());
    s.env = vec![
        ("ASKPRO_SMTP_PRIMARY_URL".into(), down),
        ("ASKPRO_SMTP_BACKUP_URL".into(), backup.url()),
    ];
    let check = s
        .fails(
            "email",
            &[
                &fix("config set mail.mailer=backup_smtp"),
                &fix("queue restart"),
            ],
        )
        .await;
    assert!(
        check["evidence"].as_str().unwrap().contains("primary"),
        "{check}"
    );
    s.run_fixes(&check, None).await;
    let after = s.green("email").await;
    assert_eq!(
        after["status"], "warn",
        "the primary is still down: {after}"
    );
}

/// Problems 3 and 4: no worker runs, so nothing is sent.
async fn worker_stopped(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    assert_eq!(s.check("workers").await["status"], "ok");
    s.stop_worker();
    let check = s.fails("workers", &[&fix("worker")]).await;
    s.run_fixes(&check, None).await;
    assert_eq!(s.green("workers").await["status"], "ok");
}

/// Problem 4: the agent delivers its webhooks elsewhere, so a call was never stored.
async fn agent_webhook_url_wrong(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    assert_eq!(s.check("calls-captured").await["status"], "ok");
    s.retell.edit_agent(
        AGENT,
        &json!({ "webhook_url": "https://old-server.example/webhook" }),
    );
    let start = crate::common::now_ms() - 10 * 60_000;
    s.retell.add_call(json!({
        "call_id": "missed-1", "call_type": "phone_call", "agent_id": AGENT, "agent_version": 1,
        "call_status": "ended", "direction": "inbound", "from_number": "+4915112345678",
        "to_number": "+493012345678", "start_timestamp": start, "end_timestamp": start + 60_000,
        "disconnection_reason": "user_hangup", "transcript": "Agent: Guten Tag.\nUser: Hallo.\n",
        "call_analysis": { "call_successful": true }
    }));
    let check = s
        .fails(
            "calls-captured",
            &[
                &fix(&format!("retell update-voice --company-id {COMPANY}")),
                &fix(&format!(
                    "retell import-calls --last-hour --company-id {COMPANY}"
                )),
            ],
        )
        .await;
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("missed-1") && evidence.contains("old-server"),
        "{evidence}"
    );
    s.run_fixes(&check, None).await;
    assert_eq!(s.green("calls-captured").await["status"], "ok");
    assert_eq!(
        s.retell.agent(AGENT).unwrap()["webhook_url"],
        s.t.url("/webhooks/retell")
    );
}

/// Problem 2: one customer booked twice for the same service and time.
async fn duplicate_bookings(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    assert_eq!(s.check("double-bookings").await["status"], "ok");
    for staff in ["anna", "jonas"] {
        let (status, body) = s.t.book(staff, TUESDAY_TEN).await;
        assert_eq!(status, 201, "{body}");
    }
    let check = s
        .fails(
            "double-bookings",
            &[&fix(&format!(
                "appointments remove-duplicates --company-id {COMPANY} --confirm"
            ))],
        )
        .await;
    assert!(
        check["evidence"].as_str().unwrap().contains("Eva Schmidt"),
        "{check}"
    );
    s.run_fixes(&check, None).await;
    assert_eq!(s.green("double-bookings").await["status"], "ok");
    let (_, list) = s.t.get("/appointments?from=2026-12-01&to=2026-12-01").await;
    let booked = list["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == "booked")
        .count();
    assert_eq!(
        booked, 1,
        "the earlier booking stays, the other is cancelled: {list}"
    );
}

/// Problem 5: Anna no longer does ladies' cuts, but one is still booked with her.
async fn staff_without_the_service(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    let (status, booked) = s.t.book("anna", TUESDAY_TEN).await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(s.check("staff").await["status"], "ok");
    let changed = EXAMPLE.replacen(
        r#"services = ["damenhaarschnitt", "faerben", "foehnen"]"#,
        r#"services = ["faerben", "foehnen"]"#,
        1,
    );
    assert_ne!(changed, EXAMPLE);
    apply(&s.t.app, &changed).await;
    let check = s
        .fails(
            "staff",
            &[&fix(&format!(
                "staff reassign --company-id {COMPANY} --from anna --to jonas --future-only"
            ))],
        )
        .await;
    assert!(
        check["evidence"]
            .as_str()
            .unwrap()
            .contains("damenhaarschnitt"),
        "{check}"
    );
    s.run_fixes(&check, None).await;
    assert_eq!(s.green("staff").await["status"], "ok");
    let id = booked["id"].as_str().unwrap();
    let (_, moved) = s.t.get(&format!("/appointments/{id}")).await;
    assert_eq!(moved["staff"], "jonas", "{moved}");
    assert_eq!(moved["start"], TUESDAY_TEN);
    let notices = askpro_store::jobs::stats(&s.t.app.db, 0).await.unwrap();
    assert!(notices.iter().any(|q| q.queue == "emails"));
}

/// Problem 8: the Berlin branch was entered with New York's time zone.
async fn branch_in_the_wrong_time_zone(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    assert_eq!(s.check("availability").await["status"], "ok");
    let wrong = EXAMPLE.replacen(
        r#"timezone = "Europe/Berlin""#,
        r#"timezone = "America/New_York""#,
        1,
    );
    apply(&s.t.app, &wrong).await;
    let check = s
        .fails(
            "availability",
            &[
                &fix(&format!("timezone verify --company-id {COMPANY}")),
                &fix("tenant apply TENANT_FILE"),
            ],
        )
        .await;
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("America/New_York") && evidence.contains("Europe/Berlin"),
        "{evidence}"
    );
    // The corrected tenant file is the example as it was.
    s.run_fixes(&check, Some(&crate::example_path())).await;
    assert_eq!(s.green("availability").await["status"], "ok");
}

/// Problem 7: cancelling by phone is off while callers ask for it.
async fn cancellation_switched_off(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    // Switched off an hour ago; then two callers asked to cancel.
    let now = s.t.app.now();
    s.t.app.clock.set(now - jiff::SignedDuration::from_hours(1));
    let operator = askpro_app::Actor::cli(None);
    s.t.app
        .set_setting("retell.enable_cancellation=false", Some(COMPANY), &operator)
        .await
        .unwrap();
    s.t.app.clock.set(now);
    for n in 1..=2 {
        let said =
            "Agent: Salon Sonnenschein.\nUser: Ich muss meinen Termin am Freitag leider absagen.\n";
        s.call(&format!("cancel-{n}"), 30, json!({ "transcript": said }))
            .await;
    }
    let check = s
        .fails(
            "cancellation",
            &[&fix(&format!(
                "config set retell.enable_cancellation=true --company-id {COMPANY}"
            ))],
        )
        .await;
    assert!(
        check["evidence"].as_str().unwrap().contains("2 callers"),
        "{check}"
    );
    s.run_fixes(&check, None).await;
    assert_eq!(s.green("cancellation").await["status"], "ok");
}

/// Problem 6: the agent speaks at 1.2 and callers keep asking it to slow down.
async fn voice_too_fast(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    s.retell.edit_agent(AGENT, &json!({ "voice_speed": 1.2 }));
    for n in 1..=3 {
        let said = "Agent: Salon Sonnenschein, was kann ich für Sie tun?\nUser: Bitte etwas langsamer, ich habe Sie nicht verstanden.\n";
        s.call(&format!("fast-{n}"), 60 + n, json!({ "transcript": said }))
            .await;
    }
    let check = s
        .fails(
            "voice",
            &[&fix(&format!(
                "retell update-voice --company-id {COMPANY} --speed 0.9"
            ))],
        )
        .await;
    assert!(
        check["evidence"].as_str().unwrap().contains("1.2"),
        "{check}"
    );
    s.run_fixes(&check, None).await;
    s.green("voice").await;
    assert_eq!(s.retell.agent(AGENT).unwrap()["voice_speed"], 0.9);
}

/// Problem 9: calls run into the time limit and are cut off.
async fn calls_ending_by_timeout(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    assert_eq!(s.check("hang-ups").await["status"], "ok");
    s.call(
        "long-1",
        40,
        json!({ "disconnection_reason": "max_duration_reached" }),
    )
    .await;
    s.call("fine-1", 50, json!({})).await;
    let check = s
        .fails(
            "hang-ups",
            &[
                &fix(&format!(
                    "config set retell.call_timeout=1200 --company-id {COMPANY}"
                )),
                &fix(&format!("retell update-voice --company-id {COMPANY}")),
            ],
        )
        .await;
    assert!(
        check["evidence"].as_str().unwrap().contains("1 of 2 calls"),
        "{check}"
    );
    s.run_fixes(&check, None).await;
    assert_eq!(s.green("hang-ups").await["status"], "ok");
    let agent = s.retell.agent(AGENT).unwrap();
    assert_eq!(agent["max_call_duration_ms"], 1_200_000, "{agent}");
}

/// Problem 10: the live prompt lost its clear-confirmation block.
async fn prompt_without_confirmation(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    assert_eq!(s.check("confirmation").await["status"], "ok");
    s.retell.state().llms[0]["general_prompt"] = json!(full_prompt(&["dialect-robust"]));
    let check = s
        .fails(
            "confirmation",
            &[&fix(&format!(
                "retell update-prompt --company-id {COMPANY} --template clear-confirmation"
            ))],
        )
        .await;
    s.run_fixes(&check, None).await;
    assert_eq!(s.green("confirmation").await["status"], "ok");
    let prompt = s.retell.llm(LLM).unwrap()["general_prompt"]
        .as_str()
        .unwrap()
        .to_owned();
    // The fix added its block and kept the one that was live.
    assert_eq!(
        askpro_german::prompt::blocks_in(&prompt),
        ["dialect-robust", "clear-confirmation"]
    );
}

/// Retell and Cal.com accept connections and never answer: diagnose still answers
/// within 5 s (asserted by the stage), saying which services gave no answer.
async fn outside_services_that_never_answer(backend: Backend) {
    let Some(mut s) = Stage::new(backend).await else {
        return;
    };
    let calcom = askpro_standins::calcom::FakeCalcom::start("cal_drill_key")
        .await
        .unwrap();
    calcom
        .fake
        .add_event_type(7, "damenhaarschnitt", 45, &["anna"]);
    let tenant = crate::common::with_calcom(
        EXAMPLE,
        &[("damenhaarschnitt", 7)],
        &["anna"],
        &calcom.base_url,
        "DRILL_CALCOM_KEY",
    );
    apply(&s.t.app, &tenant).await;
    s.env = vec![("DRILL_CALCOM_KEY".into(), "cal_drill_key".into())];
    calcom
        .fake
        .set_latency(Some(std::time::Duration::from_secs(120)));
    s.retell.hang(true);
    let (_, diagnosis) = s.diagnose().await;
    for id in ["calls-captured", "voice", "confirmation"] {
        let check = stage::find(&diagnosis, id);
        assert_eq!(check["status"], "warn", "{check}");
        assert!(
            check["evidence"]
                .as_str()
                .unwrap()
                .contains("no answer from Retell"),
            "{check}"
        );
    }
    let bookings = stage::find(&diagnosis, "double-bookings");
    assert!(
        bookings["evidence"].as_str().unwrap().contains("Cal.com"),
        "{bookings}"
    );
}
