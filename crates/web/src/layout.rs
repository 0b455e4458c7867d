//! The frame of every page: German, a skip link for keyboards, the navigation of the
//! company being looked at, and the sign-out button. Pages fill in `main`.

use crate::session::Viewer;
use maud::{DOCTYPE, Markup, html};

/// Which navigation entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Today,
    Calendar,
    Calls,
    Messages,
    Metrics,
    Settings,
    Operations,
}

/// The company a page is about: slug and display name.
pub struct CompanyRef<'a> {
    pub slug: &'a str,
    pub name: &'a str,
}

/// What frames a page.
pub struct Chrome<'a> {
    pub viewer: &'a Viewer,
    pub company: Option<CompanyRef<'a>>,
    pub active: Nav,
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · AskPro" }
            link rel="stylesheet" href=(crate::assets::CSS_PATH);
            link rel="icon" href=(crate::assets::ICON_PATH) type="image/svg+xml";
        }
    }
}

/// A page of the dashboard.
pub fn frame(chrome: &Chrome<'_>, title: &str, content: Markup) -> Markup {
    let viewer = chrome.viewer;
    html! {
        (DOCTYPE)
        html lang="de" {
            (head(title))
            body {
                a.skip href="#inhalt" { "Zum Inhalt springen" }
                header.top {
                    div.brand {
                        a href="/" { "AskPro" }
                        @if let Some(company) = &chrome.company {
                            span.company { (company.name) }
                        }
                    }
                    nav aria-label="Hauptnavigation" {
                        ul {
                            @if let Some(company) = &chrome.company {
                                @for (nav, label, path) in company_links(viewer) {
                                    li {
                                        a href=(format!("/firmen/{}/{path}", company.slug))
                                          aria-current=[(chrome.active == nav).then_some("page")] { (label) }
                                    }
                                }
                            }
                            @if viewer.is_operator() {
                                li { a href="/betrieb" aria-current=[(chrome.active == Nav::Operations).then_some("page")] { "Betrieb" } }
                            }
                        }
                    }
                    form.signout method="post" action="/abmelden" {
                        (csrf(viewer))
                        span.who { (viewer.session.email) }
                        button type="submit" { "Abmelden" }
                    }
                }
                main #inhalt tabindex="-1" {
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

fn company_links(viewer: &Viewer) -> Vec<(Nav, &'static str, &'static str)> {
    let mut links = vec![
        (Nav::Today, "Heute", "heute"),
        (Nav::Calendar, "Kalender", "kalender"),
        (Nav::Calls, "Anrufe", "anrufe"),
        (Nav::Messages, "Nachrichten", "nachrichten"),
        (Nav::Metrics, "Kennzahlen", "kennzahlen"),
    ];
    if viewer.may_configure() {
        links.push((Nav::Settings, "Einstellungen", "einstellungen"));
    }
    links
}

/// The hidden field that proves a form came from this session's page.
pub fn csrf(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf" value=(viewer.session.csrf_token); }
}

/// A page without navigation: sign-in, errors.
pub fn bare(title: &str, text: &str) -> Markup {
    bare_with(
        title,
        html! { p { (text) } p { a href="/" { "Zur Startseite" } } },
    )
}

/// A page without navigation around `content`.
pub fn bare_with(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="de" {
            (head(title))
            body.bare {
                main #inhalt {
                    p.brand { "AskPro" }
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

/// A notice above a page's content: `ok` (green) or `error` (red).
pub fn notice(kind: &str, text: &str) -> Markup {
    html! { p.notice.(kind) role=(if kind == "error" { "alert" } else { "status" }) { (text) } }
}
