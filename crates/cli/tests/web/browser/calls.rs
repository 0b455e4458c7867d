//! A call as the team reads it afterwards: from the list of calls to its page, with
//! the whole conversation and the functions the assistant called.

use super::support::Dashboard;

#[tokio::test]
async fn a_calls_transcript_reads_on_its_page() {
    let Some(d) = Dashboard::start().await else {
        return;
    };
    let call_id = d.simulate_call("termin-buchen.toml").await;
    d.sign_in_as_owner().await;
    d.open(&Dashboard::company_path("/anrufe")).await;
    let page = Dashboard::company_path(&format!("/anrufe/{call_id}"));
    d.browser
        .find(&format!("table a[href='{page}']"))
        .await
        .click()
        .await;
    d.browser.wait_for_path("the call", |p| p == page).await;
    assert_eq!(d.heading().await, "Anruf");

    let mut turns = Vec::new();
    for item in d.browser.find_all("ol.transcript li").await {
        let class = item.attribute("class").await.unwrap_or_default();
        turns.push((class, item.text().await));
    }
    assert!(turns.len() >= 5, "{turns:#?}");
    let (first_class, first) = &turns[0];
    assert_eq!(first_class, "agent");
    assert!(
        first.starts_with("Assistent\nSalon Sonnenschein Mitte, guten Tag!"),
        "{first}"
    );
    let said = |class: &str, words: &str| {
        turns
            .iter()
            .any(|(c, text)| c == class && text.contains(words))
    };
    assert!(
        said("user", "Anrufer\nHallo, hier ist Eva Schmidt."),
        "{turns:#?}"
    );
    assert!(said("agent", "Ich bestätige Ihren Termin"), "{turns:#?}");
    assert!(
        turns
            .last()
            .is_some_and(|(_, text)| text.contains("auf Wiederhören")),
        "{turns:#?}"
    );
    let functions = d.browser.find("table").await;
    let functions = functions.text().await;
    assert!(
        functions.contains("check_availability") && functions.contains("book_appointment"),
        "{functions}"
    );
}
