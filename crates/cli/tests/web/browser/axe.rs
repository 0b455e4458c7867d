//! Accessibility checks with axe-core, run inside the page the browser shows. axe comes
//! from the npm registry (`scripts/browser-test-deps.sh` puts it under
//! `target/browser-deps`), not from the network at test time.

use super::driver::Browser;
use super::support::target_dir;
use serde_json::{Value, json};
use std::path::PathBuf;

/// Impacts that fail a test; "minor" and "moderate" findings are for a person to weigh.
const FAILING: [&str; 2] = ["serious", "critical"];

fn axe_path() -> PathBuf {
    target_dir().join("browser-deps/node_modules/axe-core/axe.min.js")
}

/// axe's source, or `None` (and a note on stderr) when it is not installed.
pub fn source() -> Option<String> {
    let path = axe_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!(
                "skipped: axe-core is not installed at {} (run scripts/browser-test-deps.sh)",
                path.display()
            );
            None
        }
    }
}

/// Runs axe over the page the browser shows; each serious or critical violation as
/// text: rule, impact, help and the elements it found.
pub async fn serious_violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser.execute(axe, json!([])).await;
    let loaded = browser
        .execute("return typeof window.axe;", json!([]))
        .await;
    assert_eq!(loaded, "object", "axe did not load into the page");
    let outcome = browser.execute_async(RUN, json!([])).await;
    if let Some(error) = outcome["error"].as_str() {
        panic!("axe failed on {}: {error}", browser.current_url().await);
    }
    let violations = outcome["violations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (failing, lesser): (Vec<&Value>, Vec<&Value>) = violations
        .iter()
        .partition(|v| FAILING.contains(&v["impact"].as_str().unwrap_or("")));
    // The lesser ones are worth a look but no failure; `--nocapture` shows them.
    for violation in lesser {
        eprintln!(
            "axe note on {}: {}",
            browser.current_url().await,
            describe(violation)
        );
    }
    failing.into_iter().map(describe).collect()
}

/// `axe.run` with its result cut down to what a report needs.
const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(result => done({ violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({ target: n.target, html: n.html, summary: n.failureSummary })),
  })) }))
  .catch(error => done({ error: String(error) }));
"#;

fn describe(violation: &Value) -> String {
    let mut text = format!(
        "{} ({}): {} <{}>",
        violation["id"].as_str().unwrap_or("?"),
        violation["impact"].as_str().unwrap_or("?"),
        violation["help"].as_str().unwrap_or(""),
        violation["helpUrl"].as_str().unwrap_or(""),
    );
    for node in violation["nodes"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "\n      at {}: {}\n         {}",
            node["target"],
            node["html"].as_str().unwrap_or(""),
            node["summary"]
                .as_str()
                .unwrap_or("")
                .replace('\n', "\n         "),
        ));
    }
    text
}
