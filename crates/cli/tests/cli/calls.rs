//! `askpro calls show` with what Retell's webhooks told about a call: its transfers to a
//! person — the number, when each started, whether it was bridged, cancelled or ended —
//! and the call's outcome, in text and with `--json`.

use super::drills::stage::{COMPANY, Stage};
use crate::common::Backend;
use jiff::SignedDuration;
use serde_json::{Value, json};

crate::on_both_databases!(a_transfer_is_told_with_its_number_times_and_outcome);

const TEAM: &str = "+493012345600";

/// A transfer event as Retell sends it: the call, with the destination and the
/// option beside it (`shared/reference/retell-api.md` §1.3).
fn transfer_event(event: &str, call: &Value) -> Value {
    json!({
        "event": event,
        "call": call,
        "transfer_destination": { "number": TEAM },
        "transfer_option": { "type": "warm_transfer", "showTransfereeAsCaller": true },
    })
}

async fn a_transfer_is_told_with_its_number_times_and_outcome(backend: Backend) {
    let Some(s) = Stage::new(backend).await else {
        return;
    };
    let later = |seconds| s.t.app.clock.advance(SignedDuration::from_secs(seconds));
    let mut call = Stage::live_call("t-1", 2);
    s.webhook(&json!({ "event": "call_started", "call": call }))
        .await;
    // The caller talks over the announcement: Retell cancels the first attempt.
    call["transcript"] = json!("User: Kann ich Frau Müller sprechen?\n");
    s.webhook(&transfer_event("transfer_started", &call)).await;
    later(10);
    s.webhook(&transfer_event("transfer_cancelled", &call))
        .await;
    later(20);
    // The second attempt: the same number, a call that has gone on.
    call["transcript"] = json!("User: Kann ich Frau Müller sprechen?\nUser: Ja, bitte.\n");
    s.webhook(&transfer_event("transfer_started", &call)).await;
    later(15);
    let bridged = transfer_event("transfer_bridged", &call);
    s.webhook(&bridged).await;
    // Retell retries a delivery it thinks lost: noted once all the same.
    s.webhook(&bridged).await;
    later(195);
    let end = s.t.app.now_ms();
    let mut ended = call.clone();
    for (key, value) in [
        ("call_status", json!("ended")),
        ("end_timestamp", json!(end)),
        ("disconnection_reason", json!("call_transfer")),
        ("transfer_destination", json!(TEAM)),
        ("transfer_end_timestamp", json!(end)),
    ] {
        ended[key] = value;
    }
    s.webhook(&json!({ "event": "transfer_ended", "call": ended }))
        .await;
    s.webhook(&json!({ "event": "call_ended", "call": ended }))
        .await;

    let show = ["calls", "show", "t-1", "--company-id", COMPANY];
    let json_out = s.askpro(&[&["--json"][..], &show[..]].concat()).await;
    let shown = crate::json(&json_out);
    assert_eq!(shown["outcome"], "transferred", "{shown:#}");
    let at = |time: &str| format!("2026-11-30T{time}+01:00");
    assert_eq!(
        shown["transfers"],
        json!([
            { "to": TEAM, "extension": null, "option": "warm_transfer", "state": "cancelled",
              "started_at": at("08:00:00"), "bridged_at": null,
              "cancelled_at": at("08:00:10"), "ended_at": null },
            { "to": TEAM, "extension": null, "option": "warm_transfer", "state": "ended",
              "started_at": at("08:00:30"), "bridged_at": at("08:00:45"),
              "cancelled_at": null, "ended_at": at("08:04:00") },
        ]),
        "{shown:#}"
    );
    let (status, api) = s.t.get("/calls/t-1").await;
    assert_eq!((status, &api["transfers"]), (200, &shown["transfers"]));
    assert!(
        shown["call"].get("askpro_transfer_events").is_none(),
        "`call` stays Retell's call object: {:#}",
        shown["call"]
    );
    let text = crate::stdout(&s.askpro(&show).await);
    for line in [
        "outcome: transferred".to_owned(),
        format!(
            "transfer to {TEAM} (warm_transfer): cancelled — started {}, cancelled {}",
            at("08:00:00"),
            at("08:00:10")
        ),
        format!(
            "transfer to {TEAM} (warm_transfer): ended — started {}, bridged {}, ended {}",
            at("08:00:30"),
            at("08:00:45"),
            at("08:04:00")
        ),
    ] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
    }
}
