//! One simulated phone call, as Retell sends it: signed lifecycle webhooks, transcript
//! updates while the call lasts, and the agent's function calls between the caller's
//! turns, with Retell's duplicate deliveries.

use crate::Mode;
use crate::stats::Stats;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What callers say when they ask for a time.
const WISHES: [&str; 10] = [
    "morgen um 10 Uhr",
    "übermorgen vormittags",
    "nächsten Montag um halb neun",
    "Donnerstag nachmittags",
    "nächste Woche Dienstag so gegen 16 Uhr",
    "so bald wie möglich",
    "Freitag früh",
    "in zwei Wochen am Mittwoch",
    "nächsten Samstag um 10",
    "übernächsten Montag um Viertel nach zwei",
];
const SERVICES: [&str; 4] = [
    "Krankengymnastik",
    "Manuelle Therapie",
    "Massage",
    "Lymphdrainage",
];

pub struct Caller {
    pub client: reqwest::Client,
    /// The servers, taken in turn for each request as a load balancer would.
    pub bases: Arc<Vec<String>>,
    pub next_base: Arc<AtomicUsize>,
    pub key: String,
    pub to_number: String,
    pub run: String,
    pub mode: Mode,
    pub stats: Arc<Stats>,
}

/// What one call left behind, for the consistency checks.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// The appointment the caller was told is booked.
    pub booked: Option<String>,
    pub cancelled: bool,
}

/// The call as Retell knows it while it lasts.
struct Call {
    id: String,
    from_number: String,
    start_ms: i64,
    transcript: std::sync::Mutex<Vec<Value>>,
}

impl Caller {
    /// Plays call number `n` from start to analysis.
    pub async fn call(&self, n: u64) -> Outcome {
        let mut dice = Dice(n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let call = Arc::new(Call {
            id: format!("{}-{n}", self.run),
            from_number: format!("+49151{:08}", n % 100_000_000),
            start_ms: jiff::Timestamp::now().as_millisecond(),
            transcript: std::sync::Mutex::new(Vec::new()),
        });
        let mut outcome = Outcome::default();
        self.webhook("call_started", &call, &json!({})).await;
        let talking = Arc::new(AtomicBool::new(true));
        let updates = (self.mode == Mode::Paced).then(|| self.transcript_updates(&call, &talking));
        let service = SERVICES[dice.below(SERVICES.len() as u64) as usize];
        // Half the callers name a day of the coming weeks, half say it as people do.
        let wish = if dice.below(2) == 0 {
            format!(
                "in {} Tagen um {} Uhr",
                1 + dice.below(30),
                8 + dice.below(10)
            )
        } else {
            WISHES[dice.below(WISHES.len() as u64) as usize].to_owned()
        };
        self.turn(
            &call,
            &mut dice,
            &format!("Ich hätte gern einen Termin für {service}, {wish}."),
        )
        .await;
        let offered = self
            .function(
                &call,
                "check_availability",
                json!({ "service": service, "when": wish }),
                false,
            )
            .await;
        if let Some(slot) = offered["slots"].get(0).cloned() {
            self.turn(&call, &mut dice, "Ja, der passt.").await;
            let twice = dice.below(10) == 0;
            let mut answer = self.book(&call, n, service, &slot, twice).await;
            if answer["ok"] == false
                && let Some(other) = answer["slots"].get(0).cloned()
            {
                self.turn(&call, &mut dice, "Dann nehme ich den.").await;
                answer = self.book(&call, n, service, &other, false).await;
            }
            outcome.booked = answer["appointment"]["id"].as_str().map(str::to_owned);
            self.stats.booking(outcome.booked.is_some());
        }
        if let Some(id) = outcome.booked.clone() {
            match dice.below(10) {
                0 | 1 => {
                    self.turn(&call, &mut dice, "Ach nein, ich muss leider doch absagen.")
                        .await;
                    let answer = self
                        .function(
                            &call,
                            "cancel_appointment",
                            json!({ "appointment_id": id }),
                            false,
                        )
                        .await;
                    outcome.cancelled = answer["ok"] == true;
                }
                2 => {
                    self.turn(&call, &mut dice, "Geht es auch einen Tag später?")
                        .await;
                    let args =
                        json!({ "appointment_id": id, "new_start": "in drei Tagen um 11 Uhr" });
                    self.function(&call, "reschedule_appointment", args, false)
                        .await;
                }
                _ => {}
            }
        }
        self.turn(&call, &mut dice, "Danke, auf Wiederhören.").await;
        talking.store(false, Ordering::Relaxed);
        if let Some(updates) = updates {
            let _ = updates.await;
        } else {
            self.webhook("transcript_updated", &call, &json!({})).await;
        }
        let end_ms = jiff::Timestamp::now().as_millisecond();
        let ended = json!({ "call_status": "ended", "end_timestamp": end_ms,
            "duration_ms": end_ms - call.start_ms, "disconnection_reason": "user_hangup" });
        self.webhook("call_ended", &call, &ended).await;
        if dice.below(10) < 3 {
            self.webhook("call_ended", &call, &ended).await;
        }
        let mut analyzed = ended.clone();
        analyzed["call_analysis"] = json!({ "call_summary": "Terminanfrage", "call_successful": outcome.booked.is_some(),
            "user_sentiment": "Positive", "in_voicemail": false });
        self.webhook("call_analyzed", &call, &analyzed).await;
        outcome
    }

    /// The caller says something; in a paced call that takes one to three seconds.
    async fn turn(&self, call: &Call, dice: &mut Dice, text: &str) {
        if self.mode == Mode::Paced {
            tokio::time::sleep(Duration::from_millis(1000 + dice.below(2000))).await;
        }
        call.transcript
            .lock()
            .unwrap()
            .push(json!({ "role": "user", "content": text }));
        if self.mode == Mode::Stress {
            self.webhook("transcript_updated", call, &json!({})).await;
        }
    }

    /// A transcript update every two seconds until the caller hangs up.
    fn transcript_updates(
        &self,
        call: &Arc<Call>,
        talking: &Arc<AtomicBool>,
    ) -> tokio::task::JoinHandle<()> {
        let (me, call, talking) = (self.clone_handle(), call.clone(), talking.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            tick.tick().await;
            while talking.load(Ordering::Relaxed) {
                tick.tick().await;
                me.webhook("transcript_updated", &call, &json!({})).await;
            }
        })
    }

    fn clone_handle(&self) -> Caller {
        Caller {
            client: self.client.clone(),
            bases: self.bases.clone(),
            next_base: self.next_base.clone(),
            key: self.key.clone(),
            to_number: self.to_number.clone(),
            run: self.run.clone(),
            mode: self.mode,
            stats: self.stats.clone(),
        }
    }

    async fn book(&self, call: &Call, n: u64, service: &str, slot: &Value, twice: bool) -> Value {
        let args = json!({ "service": service, "start": slot["start"], "staff": slot["staff"],
            "customer_name": format!("Anrufer {n}"), "customer_email": format!("anrufer{n}@example.org") });
        self.function(call, "book_appointment", args, twice).await
    }

    /// The call object as Retell sends it, with `extra` fields on top.
    fn call_object(&self, call: &Call, extra: &Value) -> Value {
        let transcript = call.transcript.lock().unwrap().clone();
        let text: String = transcript
            .iter()
            .map(|t| format!("User: {}\n", t["content"].as_str().unwrap_or("")))
            .collect();
        let mut object = json!({
            "call_type": "phone_call", "call_id": call.id, "agent_id": "agent_busy_hour",
            "call_status": "ongoing", "direction": "inbound", "from_number": call.from_number,
            "to_number": self.to_number, "start_timestamp": call.start_ms,
            "transcript": text, "transcript_object": transcript,
        });
        if let (Some(object), Some(extra)) = (object.as_object_mut(), extra.as_object()) {
            object.extend(extra.clone());
        }
        object
    }

    async fn webhook(&self, event: &str, call: &Call, extra: &Value) {
        let body = json!({ "event": event, "call": self.call_object(call, extra) });
        self.post(&format!("webhook {event}"), "/webhooks/retell", &body)
            .await;
    }

    /// A function call; `twice` delivers it a second time at once, as Retell retries.
    async fn function(&self, call: &Call, name: &str, args: Value, twice: bool) -> Value {
        let body =
            json!({ "name": name, "args": args, "call": self.call_object(call, &json!({})) });
        let path = format!("/retell/functions/{name}");
        let kind = format!("function {name}");
        if twice {
            let (first, _) = tokio::join!(
                self.post(&kind, &path, &body),
                self.post(&kind, &path, &body)
            );
            return first;
        }
        self.post(&kind, &path, &body).await
    }

    async fn post(&self, kind: &str, path: &str, body: &Value) -> Value {
        let bytes = body.to_string().into_bytes();
        let now = jiff::Timestamp::now().as_millisecond();
        let signature = askpro_app::voice::signature::sign(&self.key, &bytes, now);
        let sent = Instant::now();
        let turn = self.next_base.fetch_add(1, Ordering::Relaxed);
        let base = &self.bases[turn % self.bases.len()];
        let response = self
            .client
            .post(format!("{base}{path}"))
            .header("content-type", "application/json")
            .header("x-retell-signature", signature)
            .body(bytes)
            .send()
            .await;
        let (status, answer) = match response {
            Ok(response) => {
                let status = response.status().as_u16();
                let answer = response.json::<Value>().await.unwrap_or(Value::Null);
                (status, answer)
            }
            Err(_) => (0, Value::Null),
        };
        self.stats
            .record(kind, sent.elapsed().as_micros() as u64, status);
        answer
    }
}

/// A small deterministic random source (xorshift), one per call.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}
