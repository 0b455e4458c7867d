//! Transfers to a person, as Retell reports them: each `transfer_started`,
//! `transfer_bridged`, `transfer_cancelled` and `transfer_ended` delivery is kept with the
//! call it belongs to (a list in the stored call object), and read back as transfers —
//! to which number, when it started, whether it was bridged, cancelled or ended.
//!
//! They are kept in the call rather than read from the raw deliveries because the call is
//! what stays: the deliveries are an inbox. The destination and option sit beside `call`
//! in these events, outside the call object the merge folds, so they are noted here.

use crate::time::format_local;
use askpro_store::calls::CallRow;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::{Value, json};

/// The key of the noted events in the stored call object; prefixed so that no field
/// Retell adds to its call object can collide with it.
pub(crate) const KEY: &str = "askpro_transfer_events";

/// The stages of a transfer, in the order they happen.
const STAGES: [&str; 4] = ["started", "bridged", "cancelled", "ended"];

/// Notes a `transfer_*` delivery (`body` as received at `received_at`) in the call.
pub(crate) fn note(row: &mut CallRow, event: &str, body: &Value, received_at: i64) {
    let mut data: Value = serde_json::from_str(&row.data).unwrap_or_else(|_| json!({}));
    let Some(fields) = data.as_object_mut() else {
        return;
    };
    let (number, extension) = destination(body);
    // Retell documents no time of the event itself (an `event_timestamp` is taken when
    // one comes); the time it reached AskPro is seconds off at most, since a retry is
    // stored as the first delivery. `transfer_ended` carries the leg's own end time.
    let leg_end = body["call"]["transfer_end_timestamp"]
        .as_i64()
        .filter(|_| event == "transfer_ended");
    let at = body["event_timestamp"]
        .as_i64()
        .or(leg_end)
        .unwrap_or(received_at);
    let record = json!({
        "event": event,
        "at": at,
        "number": number,
        "extension": extension,
        "option": body["transfer_option"]["type"],
    });
    let noted = fields.entry(KEY).or_insert_with(|| json!([]));
    if let Some(list) = noted.as_array_mut() {
        list.push(crate::voice::functions::without_nul(&record));
    }
    row.data = data.to_string();
}

/// The number and extension a transfer goes to: the event's `transfer_destination` (an
/// object in the transfer events, a plain string in the call object).
fn destination(body: &Value) -> (Option<&str>, Option<&str>) {
    let top = &body["transfer_destination"];
    let number = top["number"]
        .as_str()
        .or_else(|| top.as_str())
        .or_else(|| body["call"]["transfer_destination"].as_str());
    (number, top["extension"].as_str())
}

/// One transfer of a call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TransferView {
    /// The number (or `sip:` address) the caller was put through to.
    pub to: Option<String>,
    pub extension: Option<String>,
    /// Retell's transfer option, e.g. `cold_transfer` or `warm_transfer`.
    pub option: Option<String>,
    pub started_at: Option<String>,
    pub bridged_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub ended_at: Option<String>,
    /// How far it got: `started`, `bridged`, `cancelled` or `ended`.
    pub state: &'static str,
}

/// A transfer while it is being put together, times in Unix ms by stage.
#[derive(Debug, Default)]
struct Leg {
    to: Option<String>,
    extension: Option<String>,
    option: Option<String>,
    at: [Option<i64>; 4],
    /// A stage known from the call's end without a time (see [`from_call_end`]).
    reached: Option<usize>,
}

impl Leg {
    /// Adds a noted event of `stage`; the first number, extension and option named win.
    fn add(&mut self, stage: usize, record: &Value) {
        self.at[stage] = record["at"].as_i64();
        let text = |k: &str| record[k].as_str().map(str::to_owned);
        self.to = self.to.take().or_else(|| text("number"));
        self.extension = self.extension.take().or_else(|| text("extension"));
        self.option = self.option.take().or_else(|| text("option"));
    }

    fn view(&self, tz: &TimeZone) -> TransferView {
        let at = |stage: usize| self.at[stage].map(|ms| format_local(ms, tz));
        // Cancelled or ended is final whatever came before; bridged beats started.
        let state = [2, 3, 1, 0]
            .into_iter()
            .find(|&s| self.at[s].is_some() || self.reached == Some(s))
            .map_or("started", |s| STAGES[s]);
        TransferView {
            to: self.to.clone(),
            extension: self.extension.clone(),
            option: self.option.clone(),
            started_at: at(0),
            bridged_at: at(1),
            cancelled_at: at(2),
            ended_at: at(3),
            state,
        }
    }
}

/// The transfers of a call (stored call object `data`), in the order they began; times
/// in `tz`.
pub fn transfers_of(data: &Value, tz: &TimeZone) -> Vec<TransferView> {
    let noted = data[KEY].as_array().map(Vec::as_slice).unwrap_or_default();
    let legs = if noted.is_empty() {
        from_call_end(data).into_iter().collect()
    } else {
        legs(noted)
    };
    legs.iter().map(|leg| leg.view(tz)).collect()
}

/// Groups noted events into transfers. Deliveries can arrive out of order, so a stage
/// opens a new transfer only when the current one has already passed it: `bridged`
/// before `started` still makes one transfer, a second `started` makes two.
fn legs(noted: &[Value]) -> Vec<Leg> {
    let mut legs: Vec<Leg> = Vec::new();
    for record in noted {
        let Some(stage) = record["event"]
            .as_str()
            .and_then(|e| e.strip_prefix("transfer_"))
            .and_then(|s| STAGES.iter().position(|&known| known == s))
        else {
            continue;
        };
        if legs.last().is_none_or(|leg| leg.at[stage].is_some()) {
            legs.push(Leg::default());
        }
        if let Some(leg) = legs.last_mut() {
            leg.add(stage, record);
        }
    }
    legs
}

/// A transfer known only from how the call ended — the agent is not subscribed to the
/// transfer events, or the call was imported: Retell's call object names the
/// destination and, when the transfer leg ended, its end.
fn from_call_end(data: &Value) -> Option<Leg> {
    let reached = match data["disconnection_reason"].as_str() {
        Some("transfer_bridged") => Some(1),
        Some("transfer_cancelled") => Some(2),
        Some("call_transfer") => Some(0),
        _ => None,
    };
    let to = data["transfer_destination"].as_str().map(str::to_owned);
    if reached.is_none() && to.is_none() {
        return None;
    }
    let mut leg = Leg {
        to,
        reached,
        ..Leg::default()
    };
    leg.at[3] = data["transfer_end_timestamp"].as_i64();
    Some(leg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noted(events: &[(&str, i64)]) -> Value {
        let list: Vec<Value> = events
            .iter()
            .map(|(event, at)| json!({ "event": event, "at": at, "number": "+493012345600" }))
            .collect();
        json!({ KEY: list })
    }

    #[test]
    fn a_bridged_transfer_that_ended_is_one_transfer_with_every_time() {
        let data = noted(&[
            ("transfer_started", 1_000),
            ("transfer_bridged", 21_000),
            ("transfer_ended", 301_000),
        ]);
        let transfers = transfers_of(&data, &TimeZone::UTC);
        assert_eq!(transfers.len(), 1);
        let t = &transfers[0];
        assert_eq!(t.to.as_deref(), Some("+493012345600"));
        assert_eq!(t.state, "ended");
        assert_eq!(t.started_at.as_deref(), Some("1970-01-01T00:00:01+00:00"));
        assert_eq!(t.bridged_at.as_deref(), Some("1970-01-01T00:00:21+00:00"));
        assert_eq!(t.cancelled_at, None);
    }

    #[test]
    fn out_of_order_stages_stay_one_transfer_and_a_second_start_is_another() {
        let data = noted(&[
            ("transfer_bridged", 2),
            ("transfer_started", 1),
            ("transfer_cancelled", 3),
            ("transfer_started", 4),
        ]);
        let states: Vec<_> = transfers_of(&data, &TimeZone::UTC)
            .iter()
            .map(|t| t.state)
            .collect();
        assert_eq!(states, ["cancelled", "started"]);
    }

    #[test]
    fn without_events_the_call_end_tells_the_transfer() {
        let data = json!({ "disconnection_reason": "call_transfer", "transfer_destination": "+493012345600" });
        let transfers = transfers_of(&data, &TimeZone::UTC);
        assert_eq!(
            (transfers[0].to.as_deref(), transfers[0].state),
            (Some("+493012345600"), "started")
        );
        let hung_up = json!({ "disconnection_reason": "user_hangup" });
        assert!(transfers_of(&hung_up, &TimeZone::UTC).is_empty());
    }

    #[test]
    fn the_destination_is_read_as_an_object_or_as_a_string() {
        let event = json!({ "transfer_destination": { "number": "+4930", "extension": "12" } });
        assert_eq!(destination(&event), (Some("+4930"), Some("12")));
        let ended = json!({ "call": { "transfer_destination": "sip:team@example.org" } });
        assert_eq!(destination(&ended), (Some("sip:team@example.org"), None));
    }
}
