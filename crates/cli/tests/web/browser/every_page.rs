//! Every page of the dashboard with real content, at a phone's width (360 px) and a
//! desktop's (1280 px): screenshots for people to look at under `target/screenshots`,
//! no sideways scrolling on a phone, and no serious accessibility faults (axe-core).

use super::axe;
use super::driver::DESKTOP;
use super::support::{COMPANY, Dashboard, OPERATOR, OPERATOR_PASSWORD, target_dir};
use serde_json::{Value, json};

const PHONE: u32 = 360;
const WIDTHS: [u32; 2] = [PHONE, DESKTOP.0];
/// The viewport height while a page loads; screenshots then grow to the whole page.
const HEIGHT: u32 = 800;
/// Taller screenshots would only be huge files.
const MAX_SHOT_HEIGHT: u32 = 6000;

/// Who looks at a page: the pages are visited in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Nobody,
    Owner,
    Operator,
}

struct Page {
    name: &'static str,
    path: String,
    who: Who,
}

/// The dashboard with a day's worth of content: a booking and a message by phone, a
/// booking by the team today; and every page, in visiting order.
async fn every_page() -> Option<(Dashboard, Vec<Page>)> {
    let d = Dashboard::start().await?;
    let call = d.simulate_call("termin-buchen.toml").await;
    d.simulate_call("nachricht-hinterlassen.toml").await;
    d.book("anna", "2026-11-30T14:00:00+01:00").await;
    let by_phone =
        d.t.app
            .call(COMPANY, &call)
            .await
            .expect("the booking call");
    let (status, listed) = d.t.get("/appointments?from=2026-11-30&to=2027-01-31").await;
    assert_eq!(status, 200, "{listed}");
    let appointment = listed["appointments"]
        .as_array()
        .and_then(|all| all.iter().find(|a| a["source_ref"] == by_phone["call_id"]))
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("the call booked nothing: {listed}"))
        .to_owned();
    let company = |rest: &str| Dashboard::company_path(rest);
    let page = |name, path: String, who| Page { name, path, who };
    let pages = vec![
        page("anmelden", "/anmelden".into(), Who::Nobody),
        page("heute", company("/heute"), Who::Owner),
        page(
            "kalender",
            company("/kalender?woche=2026-11-30"),
            Who::Owner,
        ),
        page(
            "termin",
            company(&format!("/termine/{appointment}")),
            Who::Owner,
        ),
        page(
            "verschieben",
            company(&format!("/termine/{appointment}/verschieben")),
            Who::Owner,
        ),
        page("anrufe", company("/anrufe"), Who::Owner),
        page("anruf", company(&format!("/anrufe/{call}")), Who::Owner),
        page("nachrichten", company("/nachrichten"), Who::Owner),
        page("kennzahlen", company("/kennzahlen"), Who::Owner),
        page("einstellungen", company("/einstellungen"), Who::Owner),
        page("betrieb", "/betrieb".into(), Who::Operator),
        page("diagnose", format!("/betrieb/{COMPANY}"), Who::Operator),
    ];
    Some((d, pages))
}

/// Opens each page as the one it is for, checks it loaded, and hands it to `look`.
async fn for_every_page(d: &Dashboard, pages: &[Page], mut look: impl AsyncFnMut(&Page)) {
    let mut who = Who::Nobody;
    for page in pages {
        if page.who != who {
            become_(d, who, page.who).await;
            who = page.who;
        }
        d.open(&page.path).await;
        assert_eq!(
            d.browser.response_status().await,
            Some(200),
            "{} ({}): {}",
            page.name,
            page.path,
            d.browser.body_text().await
        );
        look(page).await;
    }
}

/// Signs out (through the header's button) and in as the next one.
async fn become_(d: &Dashboard, from: Who, to: Who) {
    if from != Who::Nobody {
        d.browser.find("form.signout button").await.click().await;
        d.browser
            .wait_for_path("the sign-in page", |p| p.starts_with("/anmelden"))
            .await;
    }
    match to {
        Who::Nobody => {}
        Who::Owner => d.sign_in_as_owner().await,
        Who::Operator => d.sign_in(OPERATOR, OPERATOR_PASSWORD).await,
    }
}

#[tokio::test]
async fn every_page_is_photographed_at_phone_and_desktop_width_and_fits_a_phone() {
    let Some((d, pages)) = every_page().await else {
        return;
    };
    let shots = target_dir().join("screenshots");
    let mut overflowing = Vec::new();
    for_every_page(&d, &pages, async |page| {
        for width in WIDTHS {
            d.browser.set_viewport(width, HEIGHT).await;
            if width == PHONE
                && let Some(report) = overflow(&d).await
            {
                overflowing.push(format!("{} ({}): {report}", page.name, page.path));
            }
            whole_page(&d, width).await;
            let file = shots.join(format!("{}-{width}.png", page.name));
            d.browser.screenshot(&file).await;
        }
    })
    .await;
    eprintln!("screenshots in {}", shots.display());
    assert!(
        overflowing.is_empty(),
        "pages wider than a {PHONE} px phone:\n{}",
        overflowing.join("\n")
    );
}

/// `None` when the page fits the viewport's width; else how wide it is and the
/// elements that stick out (outside any scrolling box, where sticking out is fine).
async fn overflow(d: &Dashboard) -> Option<String> {
    let measured = d.browser.execute(MEASURE, json!([])).await;
    let (scroll, inner) = (&measured["scroll"], &measured["inner"]);
    if measured["fits"] == true {
        return None;
    }
    let wide: Vec<&str> = measured["wide"]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Some(format!(
        "scrollWidth {scroll} > innerWidth {inner}; sticking out: {}",
        wide.join(", ")
    ))
}

const MEASURE: &str = r#"
const inner = window.innerWidth;
const scroll = document.documentElement.scrollWidth;
const scrolls = el => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true;
  }
  return false;
};
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + [...el.classList].map(c => '.' + c).join('');
const wide = [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > inner + 1 && !scrolls(el))
  .slice(0, 8)
  .map(el => name(el) + ' "' + el.textContent.trim().replace(/\s+/g, ' ').slice(0, 40) + '" (to '
    + Math.round(el.getBoundingClientRect().right) + ' px)');
return { fits: scroll <= inner + 1, scroll, inner, wide };
"#;

/// Makes the viewport as tall as the page, so a screenshot shows all of it.
async fn whole_page(d: &Dashboard, width: u32) {
    // Twice: a taller viewport can make the page taller still (`vh` margins).
    for _ in 0..2 {
        let height = d
            .browser
            .execute("return document.documentElement.scrollHeight;", json!([]))
            .await
            .as_u64()
            .and_then(|h| u32::try_from(h).ok())
            .unwrap_or(HEIGHT)
            .clamp(HEIGHT, MAX_SHOT_HEIGHT);
        d.browser.set_viewport(width, height).await;
    }
}

#[tokio::test]
async fn every_page_passes_axe_without_serious_or_critical_violations() {
    let Some(axe) = axe::source() else {
        return;
    };
    let Some((d, pages)) = every_page().await else {
        return;
    };
    let mut found = Vec::new();
    for_every_page(&d, &pages, async |page| {
        for width in WIDTHS {
            d.browser.set_viewport(width, HEIGHT).await;
            for violation in axe::serious_violations(&d.browser, &axe).await {
                found.push(format!(
                    "{} at {width} px ({}):\n    {violation}",
                    page.name, page.path
                ));
            }
        }
    })
    .await;
    assert!(
        found.is_empty(),
        "{} serious or critical accessibility violations:\n{}",
        found.len(),
        found.join("\n")
    );
}
