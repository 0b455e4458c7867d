//! A small WebDriver (W3C) client for the tests: `chromedriver` as a child process on a
//! free port, one headless Chromium session on it, and the handful of commands the
//! tests need (navigate, find by CSS, click, type, read, run scripts, screenshots).
//! Plain `reqwest` and `serde_json`: a WebDriver crate would be a new dependency for
//! twenty HTTP calls.
//!
//! Helpers panic with what they tried and where, so a failing test names the page.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, SemaphorePermit};

/// The key under which WebDriver hands out element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long the `wait_*` helpers poll: generous, because the tests share a small
/// machine with compilers and with each other.
const PATIENCE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);
/// The desktop window every session starts with.
pub const DESKTOP: (u32, u32) = (1280, 900);

/// Browsers at once in this test binary: each Chromium takes several processes and
/// a core while it renders; more in parallel only makes every test slower.
static BROWSERS: Semaphore = Semaphore::const_new(2);

/// `name` on `PATH`, if it is installed.
fn installed(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A port nobody listens on right now (the kernel's pick for port 0).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// The `chromedriver` process; killed when the browser is done with it.
struct Driver {
    child: Child,
    base: String,
}

impl Driver {
    fn spawn(program: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
        Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Waits until the driver answers `/status` as ready.
    async fn ready(&mut self, http: &reqwest::Client) {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            let answer = http.get(format!("{}/status", self.base)).send().await;
            if let Ok(response) = answer
                && let Ok(body) = response.json::<Value>().await
                && body["value"]["ready"] == true
            {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
        panic!(
            "chromedriver at {} was not ready within {PATIENCE:?}",
            self.base
        );
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One headless Chromium session. Dropping it ends the session (so Chromium quits)
/// and then the driver.
pub struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`.
    session: String,
    driver: Driver,
    _permit: SemaphorePermit<'static>,
}

impl Browser {
    /// A new session, or `None` (and a note on stderr) when Chromium or chromedriver
    /// is not installed: `scripts/browser-test-deps.sh` installs both.
    pub async fn start() -> Option<Browser> {
        let (Some(chromium), Some(chromedriver)) =
            (installed("chromium"), installed("chromedriver"))
        else {
            eprintln!("skipped: chromium/chromedriver not installed");
            return None;
        };
        let permit = BROWSERS
            .acquire()
            .await
            .expect("the browser semaphore is never closed");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .expect("HTTP client for chromedriver");
        let mut driver = Driver::spawn(&chromedriver);
        driver.ready(&http).await;
        let session = new_session(&http, &driver.base, &chromium).await;
        let browser = Browser {
            http,
            session: format!("{}/session/{session}", driver.base),
            driver,
            _permit: permit,
        };
        // Scripts (axe) and page loads may take a while on a busy machine.
        browser
            .command(
                "POST",
                "/timeouts",
                json!({ "script": 60_000, "pageLoad": 60_000, "implicit": 0 }),
            )
            .await
            .expect("set the session's timeouts");
        Some(browser)
    }

    /// A WebDriver command on this session: its `value`, or the driver's error.
    async fn command(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}{path}", self.session);
        let request = match method {
            "GET" => self.http.get(&url),
            _ => self.http.post(&url).json(&body),
        };
        let response = request
            .send()
            .await
            .map_err(|e| format!("{method} {path}: chromedriver did not answer: {e}"))?;
        let status = response.status();
        let answer: Value = response
            .json()
            .await
            .map_err(|e| format!("{method} {path}: answer is not JSON: {e}"))?;
        if status.is_success() {
            return Ok(answer["value"].clone());
        }
        let message = answer["value"]["message"].as_str().unwrap_or("");
        // The message's first line; the rest is the driver's stack trace.
        let message = message.lines().next().unwrap_or("");
        Err(format!(
            "{method} {path}: {} ({message})",
            answer["value"]["error"]
        ))
    }

    /// The same, failing the test with the driver's error.
    async fn must(&self, method: &str, path: &str, body: Value) -> Value {
        match self.command(method, path, body).await {
            Ok(value) => value,
            Err(error) => panic!("{error} on {}", self.current_url().await),
        }
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        self.command("POST", "/url", json!({ "url": url }))
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    pub async fn current_url(&self) -> String {
        match self.command("GET", "/url", json!({})).await {
            Ok(url) => url.as_str().unwrap_or_default().to_owned(),
            Err(error) => format!("(unknown page: {error})"),
        }
    }

    /// The current address without scheme and host: `/firmen/…?tag=…`.
    pub async fn path(&self) -> String {
        let url = self.current_url().await;
        let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        after_scheme
            .find('/')
            .map_or_else(|| "/".to_owned(), |i| after_scheme[i..].to_owned())
    }

    /// The first element matching `css`, failing the test when there is none.
    pub async fn find(&self, css: &str) -> Element<'_> {
        self.must_locate("css selector", css).await
    }

    /// The first element matching `xpath`: for finding by visible text, as a user does.
    pub async fn find_xpath(&self, xpath: &str) -> Element<'_> {
        self.must_locate("xpath", xpath).await
    }

    async fn must_locate(&self, using: &str, query: &str) -> Element<'_> {
        match self.locate(using, query).await {
            Some(element) => element,
            None => panic!(
                "no element matches {using} `{query}` on {}; the page says:\n{}",
                self.current_url().await,
                self.body_text().await
            ),
        }
    }

    /// The first element matching `css`, if any.
    pub async fn try_find(&self, css: &str) -> Option<Element<'_>> {
        self.locate("css selector", css).await
    }

    async fn locate(&self, using: &str, query: &str) -> Option<Element<'_>> {
        let body = json!({ "using": using, "value": query });
        let value = self.command("POST", "/element", body).await.ok()?;
        Some(self.element(&value))
    }

    /// Every element matching `css`, in document order.
    pub async fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let body = json!({ "using": "css selector", "value": css });
        let value = self.must("POST", "/elements", body).await;
        value
            .as_array()
            .map(|list| list.iter().map(|v| self.element(v)).collect())
            .unwrap_or_default()
    }

    fn element(&self, reference: &Value) -> Element<'_> {
        let id = reference[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("not an element reference: {reference}"));
        Element {
            browser: self,
            id: id.to_owned(),
        }
    }

    /// Polls until an element matching `css` exists.
    pub async fn wait_for(&self, css: &str) -> Element<'_> {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if let Some(element) = self.try_find(css).await {
                return element;
            }
            tokio::time::sleep(POLL).await;
        }
        self.find(css).await
    }

    /// Polls until the text of the first element matching `css` contains `needle`;
    /// the text it had last when it never does.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < PATIENCE {
            // The element may be replaced by a navigation between finding and reading.
            if let Some(element) = self.try_find(css).await
                && let Ok(text) = element.try_text().await
            {
                if text.contains(needle) {
                    return text;
                }
                last = text;
            }
            tokio::time::sleep(POLL).await;
        }
        panic!(
            "`{css}` never said {needle:?} on {} (last: {last:?})",
            self.current_url().await
        );
    }

    /// Polls until the path (see [`Browser::path`]) satisfies `wanted`.
    pub async fn wait_for_path(&self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            let path = self.path().await;
            if wanted(&path) {
                return path;
            }
            tokio::time::sleep(POLL).await;
        }
        panic!(
            "never reached {what}; still on {}",
            self.current_url().await
        );
    }

    /// The HTTP status the current page came with (Navigation Timing), if known.
    pub async fn response_status(&self) -> Option<u64> {
        let script = "const n = performance.getEntriesByType('navigation')[0]; \
                      return n ? n.responseStatus : null;";
        self.execute(script, json!([])).await.as_u64()
    }

    /// The visible text of the whole page.
    pub async fn body_text(&self) -> String {
        match self.try_find("body").await {
            Some(body) => body.try_text().await.unwrap_or_default(),
            None => String::new(),
        }
    }

    /// Runs `script` as a function body with `args`; its return value.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.must(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Runs `script` with a callback as its last argument; what it passes the callback.
    pub async fn execute_async(&self, script: &str, args: Value) -> Value {
        self.must(
            "POST",
            "/execute/async",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Resizes the window. Chromium keeps windows at least 500 px wide: use
    /// [`Browser::set_viewport`] for a phone.
    #[allow(dead_code)] // The pages' tests use exact viewports; kept for real windows.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.must(
            "POST",
            "/window/rect",
            json!({ "width": width, "height": height }),
        )
        .await;
    }

    /// Makes the page `width` × `height` CSS pixels, narrower than any window may be,
    /// through Chromium's device emulation. Not `mobile`: a phone browser would widen
    /// its layout viewport to fit content, hiding the overflow a test looks for.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let params =
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false });
        self.must(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": params }),
        )
        .await;
    }

    /// Saves what the viewport shows as a PNG at `path`.
    pub async fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let encoded = self.must("GET", "/screenshot", json!({})).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .expect("the screenshot is base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        }
        std::fs::write(path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be shutting down: a plain
        // blocking DELETE. Without it Chromium would outlive the killed driver.
        let path = self
            .session
            .strip_prefix(&self.driver.base)
            .unwrap_or("/session")
            .to_owned();
        let address = self.driver.base.trim_start_matches("http://").to_owned();
        let _ = delete_blocking(&address, &path);
    }
}

/// `DELETE path` over a fresh connection, waiting for the answer's head: the driver
/// answers once Chromium has quit (it need not close the connection after).
fn delete_blocking(address: &str, path: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let request = format!(
        "DELETE {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk)? {
            0 => break,
            n => answer.extend_from_slice(&chunk[..n]),
        }
    }
    Ok(())
}

/// Starts Chromium through the driver; the session id.
async fn new_session(http: &reqwest::Client, driver: &str, chromium: &Path) -> String {
    let (width, height) = DESKTOP;
    let capabilities = json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium.display().to_string(),
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                // Containers often have a tiny /dev/shm.
                "--disable-dev-shm-usage",
                // Phones have overlay scrollbars: none take width from the layout.
                "--hide-scrollbars",
                "--lang=de-DE",
                format!("--window-size={width},{height}"),
            ],
        },
    } } });
    let response = http
        .post(format!("{driver}/session"))
        .json(&capabilities)
        .send()
        .await
        .expect("chromedriver answers a new session");
    let status = response.status();
    let answer: Value = response
        .json()
        .await
        .expect("a new session's answer is JSON");
    match answer["value"]["sessionId"].as_str() {
        Some(id) if status.is_success() => id.to_owned(),
        _ => panic!("Chromium did not start: {}", answer["value"]["message"]),
    }
}

/// An element of the current page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Element<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/element/{}{rest}", self.id)
    }

    pub async fn click(&self) {
        self.browser
            .must("POST", &self.path("/click"), json!({}))
            .await;
    }

    /// Types `text` into the element (after what it holds).
    pub async fn send_keys(&self, text: &str) {
        self.browser
            .must("POST", &self.path("/value"), json!({ "text": text }))
            .await;
    }

    pub async fn clear(&self) {
        self.browser
            .must("POST", &self.path("/clear"), json!({}))
            .await;
    }

    /// The rendered text, as a user sees it.
    pub async fn text(&self) -> String {
        match self.try_text().await {
            Ok(text) => text,
            Err(error) => panic!("{error} on {}", self.browser.current_url().await),
        }
    }

    async fn try_text(&self) -> Result<String, String> {
        let value = self
            .browser
            .command("GET", &self.path("/text"), json!({}))
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute as written in the HTML, if present.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        let value = self
            .browser
            .must("GET", &self.path(&format!("/attribute/{name}")), json!({}))
            .await;
        value.as_str().map(str::to_owned)
    }

    /// The element as a script argument.
    pub fn as_arg(&self) -> Value {
        json!({ (ELEMENT_KEY): self.id })
    }
}
