//! The stage every drill plays on: the example salon behind a real server, the Retell
//! stand-in with the salon's agent (its webhook pointing here, the full prompt live), a
//! real `askpro worker` process, and the `askpro` binary run against all of them.

use crate::common::{Backend, EXAMPLE, RETELL_KEY, TestApp, now_ms, signed_by_retell};
use askpro_core::Tenant;
use askpro_standins::retell::FakeRetell;
use serde_json::{Value, json};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

pub const COMPANY: &str = "salon-sonnenschein";
pub const AGENT: &str = "agent_5f2c";
pub const LLM: &str = "llm_salon";

pub struct Stage {
    pub t: TestApp,
    pub retell: FakeRetell,
    /// Extra environment for every `askpro` run (SMTP servers in the e-mail drill).
    pub env: Vec<(String, String)>,
    worker: Option<Child>,
}

impl Drop for Stage {
    fn drop(&mut self) {
        if let Some(mut child) = self.worker.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The salon's prompt with every template block, as `retell update-prompt` composes it.
pub fn full_prompt(blocks: &[&str]) -> String {
    let tenant = Tenant::from_toml(EXAMPLE).unwrap();
    askpro_german::prompt::compose(&tenant, blocks, true).unwrap()
}

impl Stage {
    /// `None` when the backend is not available.
    pub async fn new(backend: Backend) -> Option<Stage> {
        let t = TestApp::spawn(backend).await?;
        let retell = FakeRetell::start(RETELL_KEY).await.unwrap();
        // On the clock of the `askpro` processes: their shift of the system clock.
        retell.state().shift_ms = crate::common::binary_shift_ms();
        retell.add_agent(
            AGENT,
            LLM,
            &t.url("/webhooks/retell"),
            &full_prompt(askpro_german::prompt::TEMPLATE_BLOCKS),
        );
        let mut stage = Stage {
            t,
            retell,
            env: Vec::new(),
            worker: None,
        };
        stage.start_worker().await;
        Some(stage)
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = crate::askpro_command();
        command
            .arg("--database-url")
            .arg(&self.t.db.url)
            .args(args)
            .env("ASKPRO_LOG", "error")
            .env("ASKPRO_RETELL_BASE_URL", &self.retell.base_url)
            .env("ASKPRO_RETELL_API_KEY", RETELL_KEY)
            .env("ASKPRO_PUBLIC_URL", &self.t.base)
            .env_remove("ASKPRO_SMTP_PRIMARY_URL")
            .env_remove("ASKPRO_SMTP_BACKUP_URL");
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    /// Runs `askpro ARGS` off the runtime's threads (the stand-ins live on them).
    pub async fn askpro(&self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    }

    /// `askpro worker` in the background, once it has registered.
    pub async fn start_worker(&mut self) {
        let child = self
            .command(&["worker"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let pid = i64::from(child.id());
        self.worker = Some(child);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            let live = askpro_store::workers::live(&self.t.app.db, 0)
                .await
                .unwrap();
            if live.iter().any(|w| w.pid == pid) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the worker did not register within 20 s");
    }

    /// Stops the worker as systemd would (SIGTERM) and waits for it to sign off.
    pub fn stop_worker(&mut self) {
        let mut child = self.worker.take().expect("a worker runs");
        let stopped = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(stopped.success());
        assert!(child.wait().unwrap().success());
    }

    /// `askpro --json diagnose`: whether it exited 0, and the diagnosis.
    pub async fn diagnose(&self) -> (bool, Value) {
        let started = Instant::now();
        let out = self
            .askpro(&["--json", "diagnose", "--company-id", COMPANY])
            .await;
        let elapsed = started.elapsed();
        assert!(
            elapsed < Duration::from_secs(5),
            "diagnose took {elapsed:?}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let diagnosis: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "diagnose printed no JSON ({e}): {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
        (out.status.success(), diagnosis)
    }

    /// The check `id` of a fresh diagnosis.
    pub async fn check(&self, id: &str) -> Value {
        let (_, diagnosis) = self.diagnose().await;
        find(&diagnosis, id)
    }

    /// Asserts that diagnose fails on `id` (and exits 1), with `expected` among its fix
    /// commands; returns the check.
    pub async fn fails(&self, id: &str, expected: &[&str]) -> Value {
        let (ok, diagnosis) = self.diagnose().await;
        let check = find(&diagnosis, id);
        assert_eq!(check["status"], "fail", "{check:#}");
        assert!(!ok, "diagnose must exit 1 when a check fails");
        let commands = commands(&check);
        for want in expected {
            assert!(
                commands.iter().any(|c| c == want),
                "`{want}` is not among the fixes of {id}: {commands:#?}"
            );
        }
        assert_eq!(
            check["fix"].as_str().unwrap(),
            commands.join(" && "),
            "fix is the commands joined"
        );
        check
    }

    /// Runs every fix command of `check` as printed (`askpro …` with this company's
    /// slugs), replacing `TENANT_FILE` by `tenant_file` and starting `askpro worker` in
    /// the background. Diagnostic commands may exit 1; none may be a usage error.
    pub async fn run_fixes(&mut self, check: &Value, tenant_file: Option<&str>) {
        for line in commands(check) {
            let words: Vec<String> = line
                .split_whitespace()
                .skip(1)
                .map(|w| match (w, tenant_file) {
                    ("TENANT_FILE", Some(path)) => path.to_owned(),
                    _ => w.to_owned(),
                })
                .collect();
            assert!(line.starts_with("askpro "), "{line}");
            if words == ["worker"] {
                self.start_worker().await;
                continue;
            }
            let args: Vec<&str> = words.iter().map(String::as_str).collect();
            let out = self.askpro(&args).await;
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_ne!(
                out.status.code(),
                Some(2),
                "usage error in `{line}`: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "`{line}` panicked: {stderr}");
        }
    }

    /// Asserts that diagnose passes (exit 0) and `id` is `ok` or only warns.
    pub async fn green(&self, id: &str) -> Value {
        let (ok, diagnosis) = self.diagnose().await;
        let check = find(&diagnosis, id);
        assert!(ok, "diagnose still fails: {:#?}", failing(&diagnosis));
        assert_ne!(check["status"], "fail", "{check:#}");
        check
    }

    /// Delivers a finished call the way Retell does (signed `call_ended`) and waits
    /// until it is merged.
    pub async fn call(&self, call_id: &str, started_ago_min: i64, extra: Value) {
        let start = now_ms() - started_ago_min * 60_000;
        let mut call = json!({
            "call_type": "phone_call", "call_id": call_id, "agent_id": AGENT, "agent_version": 1,
            "call_status": "ended", "direction": "inbound", "from_number": "+4915112345678",
            "to_number": "+493012345678", "start_timestamp": start, "end_timestamp": start + 90_000,
            "duration_ms": 90_000, "disconnection_reason": "user_hangup",
            "transcript": "Agent: Salon Sonnenschein, guten Tag.\nUser: Guten Tag.\n",
            "call_analysis": { "call_successful": true, "user_sentiment": "Neutral" },
        });
        for (k, v) in extra.as_object().unwrap() {
            call[k] = v.clone();
        }
        let body = json!({ "event": "call_analyzed", "call": call }).to_string();
        let response = self.post_signed("/webhooks/retell", body).await;
        assert!(response.status().is_success(), "{response:?}");
        for _ in 0..400 {
            let company = askpro_store::calls::call_company(&self.t.app.db, call_id)
                .await
                .unwrap();
            if company.is_some() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("call {call_id} was not merged");
    }
}

impl Stage {
    /// The subjects of the company's mails, once `enough` says they are there (at most
    /// ten seconds: the worker is a separate process).
    pub async fn mail_subjects(&self, enough: impl Fn(&[String]) -> bool) -> Vec<String> {
        let model = self.t.app.company(COMPANY).await.unwrap();
        let mut subjects = Vec::new();
        for _ in 0..200 {
            subjects = askpro_store::emails::recent(&self.t.app.db, Some(model.id()), 50)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.subject)
                .collect();
            if enough(&subjects) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        subjects
    }

    /// Delivers one Retell webhook `body` (signed) and waits until nothing waits to be
    /// merged.
    pub async fn webhook(&self, body: &Value) {
        let response = self.post_signed("/webhooks/retell", body.to_string()).await;
        assert!(response.status().is_success(), "{response:?}");
        for _ in 0..400 {
            let waiting = askpro_store::calls::pending_events(&self.t.app.db, 1)
                .await
                .unwrap();
            if waiting.is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{} was not merged", body["event"]);
    }

    /// POSTs `body` to `path` signed with the Retell key, as Retell does.
    async fn post_signed(&self, path: &str, body: String) -> reqwest::Response {
        let request = self.t.client.post(self.t.url(path));
        signed_by_retell(request, body).send().await.unwrap()
    }

    /// The call object as Retell sends it with function calls, started `ago_min` ago.
    pub fn live_call(call_id: &str, ago_min: i64) -> Value {
        json!({
            "call_type": "phone_call", "call_id": call_id, "agent_id": AGENT, "agent_version": 1,
            "call_status": "ongoing", "direction": "inbound", "from_number": "+4915112345678",
            "to_number": "+493012345678", "start_timestamp": now_ms() - ago_min * 60_000,
        })
    }

    /// Calls the agent's function `name` as Retell does; returns the answer.
    pub async fn function(&self, name: &str, args: Value, call: &Value) -> Value {
        let body = json!({ "name": name, "args": args, "call": call }).to_string();
        let response = self
            .post_signed(&format!("/retell/functions/{name}"), body)
            .await;
        assert_eq!(response.status().as_u16(), 200);
        response.json().await.unwrap()
    }
}

pub fn find(diagnosis: &Value, id: &str) -> Value {
    diagnosis["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check `{id}` in {diagnosis:#}"))
        .clone()
}

pub fn commands(check: &Value) -> Vec<String> {
    check["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

fn failing(diagnosis: &Value) -> Vec<Value> {
    diagnosis["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .cloned()
        .collect()
}
