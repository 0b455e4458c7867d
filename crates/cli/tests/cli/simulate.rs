//! `askpro simulate call` against a real `askpro serve` process: the example scripts
//! book and cancel "by phone", the server records the call from the webhooks, and
//! the failures a newcomer meets (wrong key, broken script, no server) are named.

use crate::common::{Backend, TestDb};
use crate::{askpro, example_path, stderr, stdout, temp_file};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Output, Stdio};
use std::time::Duration;

const KEY: &str = "simulate-test-retell-key";
const ADMIN: &str = "simulate-test-admin-token";

fn script(name: &str) -> String {
    format!("{}/../../examples/calls/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `askpro serve` on a free port with the example company, checking signatures with `KEY`,
/// its clock at `now` (the shift every `askpro` of the test gets as `ASKPRO_NOW`).
struct Server {
    addr: String,
    db: TestDb,
    child: Child,
    now: jiff::Timestamp,
    shift: String,
}

impl Server {
    /// At the tests' [`crate::common::NOW`], a Monday.
    async fn start() -> Server {
        Server::start_at(crate::common::now()).await
    }

    async fn start_at(now: jiff::Timestamp) -> Server {
        let shift = format!(
            "{:+}ms",
            now.as_millisecond() - jiff::Timestamp::now().as_millisecond()
        );
        let db = TestDb::new(Backend::Sqlite).await.expect("SQLite test db");
        let url = db.url.clone();
        let clock = shift.clone();
        let (addr, child) = tokio::task::spawn_blocking(move || {
            let applied = askpro(&url, &["tenant", "apply", &example_path()]);
            assert!(applied.status.success(), "{}", stderr(&applied));
            let mut child = crate::askpro_command()
                .args(["--database-url", &url, "serve", "--listen", "127.0.0.1:0"])
                .env("ASKPRO_NOW", &clock)
                .env_remove("ASKPRO_CONFIG")
                .env("ASKPRO_RETELL_API_KEY", KEY)
                .env("ASKPRO_ADMIN_TOKEN", ADMIN)
                .env("ASKPRO_LOG", "info")
                .env("NO_COLOR", "1")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("askpro serve starts");
            let stderr = child.stderr.take().expect("piped stderr");
            let mut lines = BufReader::new(stderr).lines();
            let addr = logged_address(&mut lines);
            // Keep reading so the server never blocks on a full pipe.
            std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
            (addr, child)
        })
        .await
        .expect("server start");
        let (addr, mut child) = (addr, child);
        let Some(addr) = addr else {
            let _ = child.kill();
            panic!("the server did not log its address");
        };
        Server {
            addr,
            db,
            child,
            now,
            shift,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `askpro simulate call ARGS…` against this server, on its clock.
    async fn simulate(&self, script_name: &str, more: &[&str]) -> Output {
        let script = script(script_name);
        let url = self.url();
        let mut args = vec![script.as_str(), "--url", &url, "--key", KEY];
        args.extend_from_slice(more);
        simulate_at(&self.shift, &args).await
    }

    /// The company's open messages for the team, over the API.
    async fn messages(&self) -> Vec<Value> {
        self.company_list("messages", "messages").await
    }

    /// A list the company API answers at `path` under `key`.
    async fn company_list(&self, path: &str, key: &str) -> Vec<Value> {
        let response = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/companies/salon-sonnenschein/{path}",
                self.url()
            ))
            .bearer_auth(ADMIN)
            .send()
            .await
            .expect("GET a company list");
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("JSON");
        body[key].as_array().cloned().unwrap_or_default()
    }

    /// The company's waiting list with `status` (`active`, `held`, …), over the API.
    async fn waitlist(&self, status: &str) -> Vec<Value> {
        self.company_list(&format!("waitlist?status={status}"), "entries")
            .await
    }

    /// The company's appointments from the day before the server's start to four
    /// months after, over the API.
    async fn appointments(&self) -> Vec<Value> {
        let today = self.now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        let from = today.yesterday().expect("yesterday");
        let to = today
            .checked_add(jiff::Span::new().days(120))
            .expect("in range");
        let response = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/companies/salon-sonnenschein/appointments?from={from}&to={to}",
                self.url()
            ))
            .bearer_auth(ADMIN)
            .send()
            .await
            .expect("GET appointments");
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("JSON");
        body["appointments"].as_array().cloned().unwrap_or_default()
    }

    /// `calls list --json` once the background merge has got as far as `call_analyzed`.
    async fn analyzed_calls(&self) -> Vec<Value> {
        for _ in 0..50 {
            let url = self.db.url.clone();
            let listed = tokio::task::spawn_blocking(move || {
                askpro(
                    &url,
                    &[
                        "--json",
                        "calls",
                        "list",
                        "--company-id",
                        "salon-sonnenschein",
                    ],
                )
            })
            .await
            .expect("calls list");
            let calls = crate::json(&listed)["calls"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if !calls.is_empty() && calls.iter().all(|c| c["last_event"] == "call_analyzed") {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the call webhooks were not merged within five seconds");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in the "askpro is listening addr=…" log line.
fn logged_address(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> Option<String> {
    lines.map_while(Result::ok).find_map(|line| {
        line.split("addr=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
    })
}

/// Runs `askpro simulate call ARGS…` with nothing taken from the test's environment.
async fn simulate(args: &[&str]) -> Output {
    simulate_at(&crate::common::binary_now(), args).await
}

/// The same with the clock at `shift` (`ASKPRO_NOW`).
async fn simulate_at(shift: &str, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let shift = shift.to_owned();
    tokio::task::spawn_blocking(move || {
        crate::askpro_command()
            .env("ASKPRO_NOW", shift)
            .args(["simulate", "call"])
            .args(&args)
            .env_remove("ASKPRO_CONFIG")
            .env_remove("ASKPRO_RETELL_API_KEY")
            .env_remove("ASKPRO_SIMULATE_URL")
            .env("ASKPRO_LOG", "error")
            .env("NO_COLOR", "1")
            .output()
            .expect("askpro runs")
    })
    .await
    .expect("simulate")
}

/// The call id from the first line, "Simulated call sim_… from …".
fn call_id(output: &Output) -> String {
    stdout(output)
        .split_whitespace()
        .find(|w| w.starts_with("sim_"))
        .expect("the call id is printed")
        .to_owned()
}

#[tokio::test]
async fn the_example_calls_book_and_then_cancel_by_phone() {
    let server = Server::start().await;
    let booked = server.simulate("termin-buchen.toml", &[]).await;
    assert!(booked.status.success(), "{}", stderr(&booked));
    let dialogue = stdout(&booked);
    assert!(
        // On Monday 30 November "nächsten Dienstag" is tomorrow, 1 December.
        dialogue.contains(
            "\nAgent: Ich bestätige Ihren Termin morgen, Dienstag, den 1. Dezember, um 10 Uhr bei Anna"
        ),
        "{dialogue}"
    );
    assert!(
        dialogue.contains("Anrufer: Hallo, hier ist Eva Schmidt.")
            && dialogue.contains("  → check_availability {")
            && dialogue.contains("ist noch frei. Soll ich den Termin für Sie eintragen?"),
        "{dialogue}"
    );
    let call_id = call_id(&booked);

    let appointments = server.appointments().await;
    assert_eq!(appointments.len(), 1, "{appointments:?}");
    let appointment = &appointments[0];
    assert_eq!(appointment["source"], "phone");
    assert_eq!(appointment["source_ref"], call_id.as_str());
    assert_eq!(appointment["status"], "booked");
    assert_eq!(appointment["staff"], "anna");
    assert_eq!(appointment["service"], "damenhaarschnitt");
    assert_eq!(appointment["customer"]["name"], "Eva Schmidt");
    assert_eq!(appointment["customer"]["phone"], "+4915112345678");

    let calls = server.analyzed_calls().await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(call["call_id"], call_id.as_str());
    assert_eq!(call["status"], "ended");
    assert_eq!(call["disconnection_reason"], "user_hangup");
    assert_eq!(call["call_successful"], true);
    assert_eq!(call["branch"], "mitte");
    let summary = call["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("Ich bestätige Ihren Termin"), "{summary}");

    // The second script finds the booking by the caller's number and cancels it.
    let cancelled = server.simulate("termin-absagen.toml", &[]).await;
    assert!(cancelled.status.success(), "{}", stderr(&cancelled));
    let dialogue = stdout(&cancelled);
    assert!(
        dialogue.contains("Agent: Ich habe einen Termin für Sie gefunden: "),
        "{dialogue}"
    );
    assert!(
        dialogue.contains("Agent: Ich habe Ihren Termin "),
        "{dialogue}"
    );
    assert!(dialogue.contains("storniert."), "{dialogue}");
    let appointments = server.appointments().await;
    assert_eq!(appointments.len(), 1, "{appointments:?}");
    assert_eq!(appointments[0]["status"], "cancelled");
    assert_eq!(server.analyzed_calls().await.len(), 2);
}

#[tokio::test]
async fn the_booking_script_books_the_next_free_time_when_the_tuesday_is_a_holiday() {
    // Thursday 28 September 2028: "nächsten Dienstag" is 3 October, Tag der Deutschen
    // Einheit. The agent says so and offers Wednesday morning; the caller takes the first
    // time offered.
    let server = Server::start_at("2028-09-28T07:00:00Z".parse().unwrap()).await;
    let booked = server.simulate("termin-buchen.toml", &[]).await;
    assert!(booked.status.success(), "{}", stderr(&booked));
    let dialogue = stdout(&booked);
    assert!(
        dialogue.contains("Am Dienstag, den 3. Oktober, haben wir leider geschlossen."),
        "{dialogue}"
    );
    assert!(
        dialogue
            .contains("Ich bestätige Ihren Termin am Mittwoch, den 4. Oktober, um 9 Uhr bei Anna"),
        "{dialogue}"
    );
    let appointments = server.appointments().await;
    assert_eq!(appointments.len(), 1, "{appointments:?}");
    assert_eq!(appointments[0]["start"], "2028-10-04T09:00:00+02:00");
}

#[tokio::test]
async fn json_output_lists_turns_and_a_refusal_by_the_agent_still_succeeds() {
    let server = Server::start().await;
    // Nothing is booked yet, so the agent finds nothing to cancel: a normal answer.
    let output = simulate(&[
        "--json",
        &script("termin-absagen.toml"),
        "--url",
        &server.url(),
        "--key",
        KEY,
    ])
    .await;
    let report = crate::json(&output);
    assert_eq!(report["ok"], true, "{report}");
    assert!(
        report["call_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("sim_")),
        "{report}"
    );
    let turns = report["turns"].as_array().expect("turns");
    assert_eq!(turns[0]["speaker"], "agent");
    assert_eq!(turns[1]["speaker"], "caller");
    assert_eq!(turns[2]["function"], "find_appointments");
    assert_eq!(turns[2]["answer"]["ok"], false);
    assert!(turns[2]["duration_ms"].is_u64(), "{report}");
    assert_eq!(
        turns[3]["text"],
        "Unter Ihrer Telefonnummer habe ich keinen anstehenden Termin gefunden."
    );
}

#[tokio::test]
async fn a_wrong_key_is_refused_by_the_server_and_named() {
    let server = Server::start().await;
    let secret = "not-the-servers-key-5f2c";
    let output = simulate(&[
        &script("termin-buchen.toml"),
        "--url",
        &server.url(),
        "--key",
        secret,
    ])
    .await;
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("refused the signature"), "{err}");
    assert!(err.contains("does not match"), "{err}");
    assert!(
        !err.contains(secret) && !stdout(&output).contains(secret),
        "the key is never printed"
    );
    assert!(!stdout(&output).contains("Ich bestätige"));
    assert!(server.appointments().await.is_empty());
}

#[tokio::test]
async fn a_malformed_script_is_named_with_the_fault_before_anything_is_sent() {
    // Port 1 refuses connections: the script must be refused before any request.
    let (_dir, broken) = temp_file(
        "kaputt.toml",
        "to_number = \"+493012345678\"\nfrom_number = \"+4915112345678\"\n[[turns]]\ncaller = \"Hallo\n",
    );
    let output = simulate(&[&broken, "--url", "http://127.0.0.1:1", "--key", KEY]).await;
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains(&format!("call script {broken} is malformed")),
        "{err}"
    );
    assert!(err.contains("line 4"), "{err}");
    assert!(!err.contains("cannot reach"), "{err}");

    let (_dir, two_speakers) = temp_file(
        "zwei.toml",
        "to_number = \"+493012345678\"\nfrom_number = \"+4915112345678\"\n[[turns]]\nagent = \"Hallo\"\n[[turns]]\ncaller = \"Hallo\"\nfunction = \"list_services\"\n",
    );
    let output = simulate(&[&two_speakers, "--url", "http://127.0.0.1:1", "--key", KEY]).await;
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains(&two_speakers) && err.contains("turn 2: has more than one"),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_is_not_running_is_named() {
    let output = simulate(&[
        &script("termin-buchen.toml"),
        "--url",
        "http://127.0.0.1:1",
        "--key",
        KEY,
    ])
    .await;
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("cannot reach the AskPro server at http://127.0.0.1:1"),
        "{err}"
    );
    let missing_key =
        simulate(&[&script("termin-buchen.toml"), "--url", "http://127.0.0.1:1"]).await;
    assert!(!missing_key.status.success());
    assert!(
        stderr(&missing_key).contains("no Retell API key"),
        "{}",
        stderr(&missing_key)
    );
}

#[tokio::test]
async fn the_example_call_leaves_a_message_for_the_team() {
    let server = Server::start().await;
    let played = server.simulate("nachricht-hinterlassen.toml", &[]).await;
    assert!(played.status.success(), "{}", stderr(&played));
    let dialogue = stdout(&played);
    // Monday 30 November, 08:00: Mitte opens at nine, has no transfer number.
    assert!(
        dialogue
            .contains("Agent: Gerade haben wir geschlossen. Heute ab 9 Uhr sind wir wieder da."),
        "{dialogue}"
    );
    assert!(
        dialogue.contains("Eine Weiterleitung ist hier leider nicht möglich."),
        "{dialogue}"
    );
    assert!(
        dialogue.contains("Sie werden morgen zwischen 8 und 12 Uhr zurückgerufen."),
        "{dialogue}"
    );
    let messages = server.messages().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["name"], "Eva Schmidt");
    assert_eq!(messages[0]["phone"], "+4915112345678");
}

#[tokio::test]
async fn the_example_calls_turn_a_cancellation_into_a_held_slot_for_the_waiting_list() {
    let server = Server::start().await;
    for script in ["termin-buchen.toml", "warteliste-eintragen.toml"] {
        let played = server.simulate(script, &[]).await;
        assert!(played.status.success(), "{script}: {}", stderr(&played));
    }
    let joined = stdout(&server.simulate("warteliste-eintragen.toml", &[]).await);
    assert!(
        joined.contains("Agent: Sie stehen für Damenhaarschnitt nächsten Dienstag um 10 Uhr schon auf unserer Warteliste."),
        "played twice, one entry: {joined}"
    );
    assert_eq!(server.waitlist("active").await.len(), 1);
    // Eva cancels: the server's sweep holds her slot for Bert at once.
    let cancelled = server.simulate("termin-absagen.toml", &[]).await;
    assert!(cancelled.status.success(), "{}", stderr(&cancelled));
    let mut held = Vec::new();
    for _ in 0..100 {
        held = server.waitlist("held").await;
        if !held.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(held.len(), 1, "the slot is held for Bert");
    assert_eq!(held[0]["customer"]["name"], "Bert Brandt");
    let taken = server.simulate("warteliste-zusage.toml", &[]).await;
    assert!(taken.status.success(), "{}", stderr(&taken));
    let dialogue = stdout(&taken);
    assert!(
        dialogue.contains("Agent: Von der Warteliste ist für Sie ein frei gewordener Termin reserviert: Damenhaarschnitt morgen um 10 Uhr bei Anna Müller"),
        "{dialogue}"
    );
    assert!(
        dialogue.contains("Agent: Ich bestätige Ihren Termin morgen, Dienstag, den 1. Dezember, um 10 Uhr bei Anna"),
        "{dialogue}"
    );
    assert_eq!(server.waitlist("booked").await.len(), 1);
    let appointments = server.appointments().await;
    let bert: Vec<&Value> = appointments
        .iter()
        .filter(|a| a["customer"]["name"] == "Bert Brandt")
        .collect();
    assert_eq!(bert.len(), 1, "{appointments:?}");
    assert_eq!(bert[0]["status"], "booked");
}

#[tokio::test]
async fn the_example_call_asks_for_a_person_while_closed_and_leaves_a_message() {
    let server = Server::start().await;
    let played = server.simulate("weiterleitung-geschlossen.toml", &[]).await;
    assert!(played.status.success(), "{}", stderr(&played));
    let dialogue = stdout(&played);
    // Monday: Schwabing has a transfer number but is closed all day.
    assert!(dialogue.contains("  → can_transfer {"), "{dialogue}");
    assert!(!dialogue.contains("ich verbinde Sie"), "{dialogue}");
    assert!(
        dialogue.contains("Sie werden morgen zwischen 12 und 18 Uhr zurückgerufen."),
        "{dialogue}"
    );
    let messages = server.messages().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["name"], "Carla Conrad");
    assert_eq!(messages[0]["branch"], "schwabing");
}
