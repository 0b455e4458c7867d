//! `can_transfer {branch?, reason?}`: whether the caller can be put through to a person
//! now — the branch is open and has a `transfer_number` — and to which number. The agent
//! transfers with Retell's built-in transfer tool; otherwise it takes a message.

use super::context::CallContext;
use super::functions::{arg, ask_branch, say};
use crate::App;
use crate::error::Result;
use askpro_core::opening::{minute_of_day, opening_on};
use serde_json::{Value, json};

pub async fn can_transfer(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    let Some(branch) = ctx.branch(arg(args, "branch")) else {
        return Ok(ask_branch(
            ctx,
            "Mit welchem Standort möchten Sie verbunden werden?",
            "Mit welchem Standort möchtest du verbunden werden?",
        ));
    };
    let now = app
        .now()
        .to_zoned_datetime(ctx.model.zone(branch.slug.as_str()));
    let open = opening_on(branch, now.date())
        .open_at(minute_of_day(&now))
        .is_some();
    let offer_message = say(
        ctx,
        "Ich nehme aber gern eine Nachricht auf, und das Team ruft Sie zurück.",
        "Ich nehme aber gern eine Nachricht auf, und das Team ruft dich zurück.",
    );
    let answer = match (&branch.transfer_number, open) {
        (Some(number), true) => json!({
            "ok": true,
            "result": say(ctx, "Einen Moment, ich verbinde Sie.", "Einen Moment, ich verbinde dich."),
            "transfer_number": number,
            "branch": branch.slug.as_str(),
        }),
        (Some(_), false) => json!({
            "ok": false,
            "result": format!("Gerade ist leider niemand erreichbar, wir haben geschlossen. {offer_message}"),
            "branch": branch.slug.as_str(),
            "reason": "closed",
        }),
        (None, _) => json!({
            "ok": false,
            "result": format!("Eine Weiterleitung ist hier leider nicht möglich. {offer_message}"),
            "branch": branch.slug.as_str(),
            "reason": "no_transfer_number",
        }),
    };
    tracing::info!(call_id = %ctx.call_id, company = ctx.model.slug(), branch = branch.slug.as_str(), possible = answer["ok"].as_bool().unwrap_or(false), reason = arg(args, "reason").unwrap_or(""), "transfer asked");
    Ok(answer)
}
