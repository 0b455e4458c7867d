//! The dashboard over plain HTTP, on both databases: signing in (password, one-time
//! link, the limit on failures), cookies, CSRF, and that a company's user sees only
//! that company, page by page.

use crate::common::{Backend, EXAMPLE, TestApp, apply, work_emails};
use crate::on_both_databases;
use askpro_app::accounts::Role;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use std::collections::BTreeMap;
use std::time::Duration;

const COMPANY: &str = "salon-sonnenschein";
const OWNER: &str = "inhaber@salon.example";
const PASSWORD: &str = "Sonnenschein-2026";

/// A browser without JavaScript: keeps cookies, does not follow redirects.
struct Visitor {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

/// A page as it came back.
struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Visitor {
    fn new(server: &TestApp) -> Visitor {
        Visitor {
            base: server.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let response = request
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .expect("request");
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().expect("ascii cookie");
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Page {
            status: response.status(),
            location: response
                .headers()
                .get(LOCATION)
                .map(|l| l.to_str().expect("ascii").to_owned()),
            body: response.text().await.expect("body"),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.client.post(format!("{}{path}", self.base)).form(form);
        self.send(request).await
    }

    /// The csrf field of the last form on `page`.
    fn csrf_of(page: &Page) -> String {
        let marker = "name=\"csrf\" value=\"";
        let at = page.body.rfind(marker).expect("a form with a csrf field") + marker.len();
        page.body[at..].split('"').next().expect("value").to_owned()
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/anmelden").await;
        let csrf = Visitor::csrf_of(&form);
        self.post(
            "/anmelden",
            &[
                ("email", email),
                ("password", password),
                ("csrf", &csrf),
                ("weiter", "/"),
            ],
        )
        .await
    }
}

async fn server_with_owner(backend: Backend) -> Option<TestApp> {
    let server = TestApp::spawn(backend).await?;
    server
        .app
        .add_web_user(Some(COMPANY), OWNER, Role::Owner, Some(PASSWORD))
        .await
        .expect("owner added");
    Some(server)
}

/// A second company, `salon-mond`, with its own owner and one appointment.
async fn second_company(server: &TestApp) -> String {
    let tenant = EXAMPLE
        .replace("slug = \"salon-sonnenschein\"", "slug = \"salon-mond\"")
        .replace("name = \"Salon Sonnenschein\"", "name = \"Salon Mond\"")
        .replace(
            "retell_agent_id = \"agent_5f2c\"",
            "retell_agent_id = \"agent_mond\"",
        )
        // Branch numbers belong to one company.
        .replace("+4930123456", "+4930999999")
        .replace("+4989123456", "+4989999999");
    apply(&server.app, &tenant).await;
    server
        .app
        .add_web_user(
            Some("salon-mond"),
            "mond@salon.example",
            Role::Owner,
            Some(PASSWORD),
        )
        .await
        .expect("second owner");
    let booked = server
        .client
        .post(server.url("/api/v1/companies/salon-mond/appointments"))
        .bearer_auth(crate::common::OPERATOR_TOKEN)
        .json(&crate::common::booking("anna", "2026-12-01T10:00:00+01:00"))
        .send()
        .await
        .expect("book");
    assert_eq!(booked.status(), 201);
    booked.json::<serde_json::Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

on_both_databases!(
    a_password_opens_a_session_with_a_safe_cookie,
    the_day_shows_bookings_gaps_and_who_waits,
    wrong_passwords_are_limited_per_address,
    a_mailed_link_signs_in_once,
    a_company_user_sees_only_their_company_page_by_page,
    forms_without_the_session_token_change_nothing,
    settings_are_validated_like_config_set,
    signing_out_ends_the_session,
);

async fn a_password_opens_a_session_with_a_safe_cookie(backend: Backend) {
    let Some(server) = server_with_owner(backend).await else {
        return;
    };
    let mut visitor = Visitor::new(&server);
    let away = visitor
        .get("/firmen/salon-sonnenschein/kalender?woche=2026-11-30")
        .await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(
        away.location.as_deref(),
        Some("/anmelden?weiter=/firmen/salon-sonnenschein/kalender%3Fwoche%3D2026-11-30")
    );
    let response = visitor
        .client
        .get(format!("{}/anmelden", visitor.base))
        .send()
        .await
        .expect("form");
    let headers = response.headers();
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    let policy = headers["content-security-policy"].to_str().expect("ascii");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(headers["cache-control"], "no-store");
    let cookie = response.headers()[SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "loopback serves without TLS: {cookie}"
    );

    let signed_in = visitor.sign_in("Inhaber@Salon.example", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert!(visitor.cookies.contains_key("askpro_session"));
    let home = visitor.get("/").await;
    assert_eq!(
        home.location.as_deref(),
        Some("/firmen/salon-sonnenschein/heute")
    );
    let today = visitor.get("/firmen/salon-sonnenschein/heute").await;
    assert_eq!(today.status, StatusCode::OK);
    assert!(
        today.body.contains("Montag, 30. November 2026"),
        "{}",
        today.body
    );
    assert!(today.body.contains("Salon Sonnenschein Mitte"));
    // A mistyped page is a German page; a mistyped API path stays JSON.
    let lost = visitor.get("/kalendr").await;
    assert_eq!(lost.status, StatusCode::NOT_FOUND);
    assert!(lost.body.contains("<html lang=\"de\">") && lost.body.contains("Nicht gefunden"));
    let api = visitor.get("/api/v1/nothing").await;
    assert!(api.body.starts_with('{'), "{}", api.body);
}

async fn wrong_passwords_are_limited_per_address(backend: Backend) {
    let Some(server) = server_with_owner(backend).await else {
        return;
    };
    let mut visitor = Visitor::new(&server);
    let unknown = visitor.sign_in("niemand@salon.example", PASSWORD).await;
    let wrong = visitor.sign_in(OWNER, "falsch-falsch").await;
    // An unknown address and a wrong password read alike.
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .body
            .contains("E-Mail-Adresse oder Passwort stimmt nicht.")
    );
    assert!(!visitor.cookies.contains_key("askpro_session"));
    for _ in 0..4 {
        visitor.sign_in(OWNER, "falsch-falsch").await;
    }
    let limited = visitor.sign_in(OWNER, PASSWORD).await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        limited.body
    );
    assert!(limited.body.contains("Zu viele Fehlversuche"));
    assert!(!visitor.cookies.contains_key("askpro_session"));
    // Another address is not locked by these failures.
    server
        .app
        .add_web_user(
            Some(COMPANY),
            "team@salon.example",
            Role::Staff,
            Some(PASSWORD),
        )
        .await
        .expect("staff");
    let other = visitor.sign_in("team@salon.example", PASSWORD).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
}

async fn a_mailed_link_signs_in_once(backend: Backend) {
    let Some(server) = server_with_owner(backend).await else {
        return;
    };
    let mut visitor = Visitor::new(&server);
    let form = visitor.get("/anmelden").await;
    let csrf = Visitor::csrf_of(&form);
    let sent = visitor
        .post("/anmelden/link", &[("email", OWNER), ("csrf", &csrf)])
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(sent.body.contains("Anmeldelink unterwegs"));
    let db = server.app.db.clone();
    let mail = async || {
        askpro_store::emails::recent(&db, None, 5)
            .await
            .expect("outbox")
            .into_iter()
            .find(|m| m.kind == "email.sign_in_link")
    };
    work_emails(&server.app, Duration::from_secs(10), async || {
        mail().await.is_some()
    })
    .await;
    let mail = mail().await.expect("the link was mailed");
    assert_eq!(mail.to_address, OWNER);
    let link = mail
        .body_text
        .split_whitespace()
        .find(|w| w.contains("/anmelden/link/"))
        .expect("a link in the mail");
    let path = &link[link.find("/anmelden").expect("path")..];
    // Following the link only shows a button: a mail scanner cannot use it up.
    let page = visitor.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!visitor.cookies.contains_key("askpro_session"));
    let csrf = Visitor::csrf_of(&page);
    let used = visitor.post(path, &[("csrf", &csrf)]).await;
    assert_eq!(used.status, StatusCode::SEE_OTHER);
    assert!(visitor.cookies.contains_key("askpro_session"));
    let mut second = Visitor::new(&server);
    let page = second.get(path).await;
    let again = second
        .post(path, &[("csrf", &Visitor::csrf_of(&page))])
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("abgelaufen oder wurde schon benutzt"));
    // An unknown address gets the same page and no mail.
    let form = second.get("/anmelden").await;
    let csrf = Visitor::csrf_of(&form);
    let unknown = second
        .post(
            "/anmelden/link",
            &[("email", "niemand@salon.example"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(unknown.body, sent.body);
}

/// Every dashboard route under `/firmen/{company}` with its methods, read from the router's
/// source, so that a page added without isolation fails the test below.
fn company_routes() -> Vec<(&'static str, String)> {
    let source = include_str!("../../../web/src/pages/mod.rs");
    let mut routes = Vec::new();
    for piece in source.split(".route(").skip(1) {
        let Some(rest) = piece.trim_start().strip_prefix("&format!(\"{company}") else {
            continue;
        };
        let path = format!("/firmen/{{company}}{}", &rest[..rest.find('"').unwrap()]);
        let path = path.replace("{{", "{").replace("}}", "}");
        for (method, handler) in [("GET", "get("), ("POST", "post(")] {
            if piece.contains(handler) {
                routes.push((method, path.clone()));
            }
        }
    }
    assert!(
        routes.len() >= 14,
        "the router's routes were read: {routes:?}"
    );
    routes
}

async fn a_company_user_sees_only_their_company_page_by_page(backend: Backend) {
    let Some(server) = server_with_owner(backend).await else {
        return;
    };
    let foreign = second_company(&server).await;
    let mut visitor = Visitor::new(&server);
    visitor.sign_in(OWNER, PASSWORD).await;
    let own = visitor.get("/firmen/salon-sonnenschein/kalender").await;
    assert_eq!(own.status, StatusCode::OK);
    let csrf = Visitor::csrf_of(&own);
    // Every page and form of another company, and another company's ids under one's own.
    let mut gets = vec![
        "/firmen/gibt-es-nicht/heute".to_owned(),
        "/betrieb".to_owned(),
        "/betrieb/salon-mond".to_owned(),
    ];
    let mut posts = Vec::new();
    for (method, template) in company_routes() {
        let mut paths = vec![template.replace("{company}", "salon-mond")];
        if template.contains("{id}") || template.contains("{call_id}") {
            paths.push(template.replace("{company}", COMPANY));
        }
        for path in paths {
            let path = path
                .replace("{id}", &foreign)
                .replace("{call_id}", "call-of-salon-mond");
            match method {
                "GET" => gets.push(path),
                _ => posts.push(path),
            }
        }
    }
    for path in gets {
        let page = visitor.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Nicht gefunden"), "{path}");
        assert!(
            !page.body.contains("Salon Mond"),
            "{path} names the other company"
        );
    }
    for path in posts {
        // A complete form (a move needs a time), so only the company decides.
        let form = [
            ("csrf", csrf.as_str()),
            ("slot", "2026-12-02T10:00:00+01:00|anna"),
            ("grund", "Test"),
        ];
        let page = visitor.post(&path, &form).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
        assert!(
            !page.body.contains("Salon Mond"),
            "POST {path} names the other company"
        );
    }
    let still = server
        .app
        .appointment("salon-mond", &foreign)
        .await
        .expect("appointment");
    assert_eq!(still.status, "booked");

    // Staff see the day but not the settings; an operator sees everything.
    server
        .app
        .add_web_user(
            Some(COMPANY),
            "team@salon.example",
            Role::Staff,
            Some(PASSWORD),
        )
        .await
        .expect("staff");
    let mut staff = Visitor::new(&server);
    staff.sign_in("team@salon.example", PASSWORD).await;
    assert_eq!(
        staff.get("/firmen/salon-sonnenschein/heute").await.status,
        StatusCode::OK
    );
    let settings = staff.get("/firmen/salon-sonnenschein/einstellungen").await;
    assert_eq!(settings.status, StatusCode::FORBIDDEN);
    server
        .app
        .add_web_user(None, "ops@askpro.example", Role::Operator, Some(PASSWORD))
        .await
        .expect("operator");
    let mut operator = Visitor::new(&server);
    operator.sign_in("ops@askpro.example", PASSWORD).await;
    assert_eq!(
        operator.get("/").await.location.as_deref(),
        Some("/betrieb")
    );
    let overview = operator.get("/betrieb").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("Salon Mond") && overview.body.contains("Salon Sonnenschein"));
    assert_eq!(
        operator.get("/firmen/salon-mond/heute").await.status,
        StatusCode::OK
    );
}

async fn forms_without_the_session_token_change_nothing(backend: Backend) {
    let Some(server) = server_with_owner(backend).await else {
        return;
    };
    let (status, booked) = server.book("anna", "2026-12-01T10:00:00+01:00").await;
    assert_eq!(status, 201);
    let id = booked["id"].as_str().expect("id");
    let mut visitor = Visitor::new(&server);
    visitor.sign_in(OWNER, PASSWORD).await;
    let cancel = format!("/firmen/salon-sonnenschein/termine/{id}/absagen");
    for form in [
        vec![("grund", "x")],
        vec![("grund", "x"), ("csrf", "0123456789abcdef")],
    ] {
        let refused = visitor.post(&cancel, &form).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{form:?}");
        assert!(refused.body.contains("Formular abgelaufen"));
    }
    let still = server
        .app
        .appointment(COMPANY, id)
        .await
        .expect("appointment");
    assert_eq!(still.status, "booked");
    // The sign-in form needs the token of its own cookie, too.
    let mut stranger = Visitor::new(&server);
    let refused = stranger
        .post(
            "/anmelden",
            &[("email", OWNER), ("password", PASSWORD), ("csrf", "abc")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!stranger.cookies.contains_key("askpro_session"));
    // With the page's token the same form works and says so.
    let page = visitor
        .get(&format!("/firmen/salon-sonnenschein/termine/{id}"))
        .await;
    let csrf = Visitor::csrf_of(&page);
    let done = visitor
        .post(&cancel, &[("grund", "Krank"), ("csrf", &csrf)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let shown = visitor
        .get(done.location.as_deref().expect("back to the page"))
        .await;
    assert!(
        shown.body.contains("Der Termin ist abgesagt."),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("Krank") && shown.body.contains("Dashboard (inhaber@salon.example)")
    );
    let cancelled = server
        .app
        .appointment(COMPANY, id)
        .await
        .expect("appointment");
    assert_eq!(cancelled.status, "cancelled");
}

async fn settings_are_validated_like_config_set(backend: Backend) {
    let Some(server) = server_with_owner(backend).await else {
        return;
    };
    let mut visitor = Visitor::new(&server);
    visitor.sign_in(OWNER, PASSWORD).await;
    let page = visitor
        .get("/firmen/salon-sonnenschein/einstellungen")
        .await;
    let csrf = Visitor::csrf_of(&page);
    let wrong = visitor
        .post(
            "/firmen/salon-sonnenschein/einstellungen",
            &[
                ("csrf", &csrf),
                ("notifications.sms.enabled", "false"),
                ("notifications.sms.enabled", "true"),
                ("notifications.reminder_hours", "500"),
                ("waitlist.hold_minutes", "45"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .body
            .contains("Bitte eine ganze Zahl von 0 bis 168 eingeben."),
        "{}",
        wrong.body
    );
    // Nothing of the refused form was stored, not even its valid values.
    let hold = server
        .app
        .setting("waitlist.hold_minutes", Some(COMPANY))
        .await
        .expect("setting");
    assert_eq!(hold.value.as_str(), "30");
    let saved = visitor
        .post(
            "/firmen/salon-sonnenschein/einstellungen",
            &[
                ("csrf", &csrf),
                ("notifications.sms.enabled", "false"),
                ("notifications.sms.enabled", "true"),
                ("notifications.reminder_hours", "12"),
                ("retell.enable_cancellation", "false"),
                ("waitlist.hold_minutes", "45"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    for (key, value) in [
        ("notifications.sms.enabled", "true"),
        ("notifications.reminder_hours", "12"),
        ("retell.enable_cancellation", "false"),
        ("waitlist.hold_minutes", "45"),
    ] {
        let setting = server
            .app
            .setting(key, Some(COMPANY))
            .await
            .expect("setting");
        assert_eq!((key, setting.value.as_str()), (key, value));
        assert_eq!(setting.source, "company");
    }
    let again = visitor.get(saved.location.as_deref().expect("back")).await;
    assert!(again.body.contains("Gespeichert."));
}

async fn signing_out_ends_the_session(backend: Backend) {
    let Some(server) = server_with_owner(backend).await else {
        return;
    };
    let mut visitor = Visitor::new(&server);
    visitor.sign_in(OWNER, PASSWORD).await;
    let token = visitor.cookies["askpro_session"].clone();
    let page = visitor.get("/firmen/salon-sonnenschein/heute").await;
    let out = visitor
        .post("/abmelden", &[("csrf", &Visitor::csrf_of(&page))])
        .await;
    assert_eq!(out.location.as_deref(), Some("/anmelden"));
    assert!(!visitor.cookies.contains_key("askpro_session"));
    // The old cookie, replayed, no longer opens anything.
    visitor.cookies.insert("askpro_session".into(), token);
    let after = visitor.get("/firmen/salon-sonnenschein/heute").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(
        server
            .app
            .web_session(&visitor.cookies["askpro_session"])
            .await
            .expect("db")
            .is_none()
    );
}

async fn the_day_shows_bookings_gaps_and_who_waits(backend: Backend) {
    let Some(server) = server_with_owner(backend).await else {
        return;
    };
    // Jonas works Mitte's hours on Tuesday, 1 December: 09:00-18:00.
    let (status, _) = server.book("jonas", "2026-12-01T10:00:00+01:00").await;
    assert_eq!(status, 201);
    let (status, _) = server
        .post(
            "/waitlist",
            serde_json::json!({
                "service": "damenhaarschnitt", "branch": "mitte",
                "from": "2026-12-02T09:00:00+01:00", "until": "2026-12-02T12:00:00+01:00",
                "customer": { "name": "Alma Adler", "phone": "+4915199990000" }
            }),
        )
        .await;
    assert_eq!(status, 201);
    let mut visitor = Visitor::new(&server);
    visitor.sign_in(OWNER, PASSWORD).await;
    let day = visitor
        .get("/firmen/salon-sonnenschein/heute?tag=2026-12-01")
        .await;
    assert_eq!(day.status, StatusCode::OK);
    let text = day.body.replace('\n', " ");
    // Damenhaarschnitt is 45 minutes: the gaps around it within the hours are free.
    for expected in [
        "Dienstag, 1. Dezember 2026",
        "09:00–10:00",
        "10:00–10:45",
        "Eva Schmidt",
        "10:45–18:00",
        "Warteliste (1)",
        "Alma Adler",
    ] {
        assert!(text.contains(expected), "{expected} missing");
    }
}
