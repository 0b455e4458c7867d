//! The German resolver on any text: "Sonnabend um Viertel drei" and every mangled
//! variant. Properties: no panic, and a resolved time window never ends before it starts.

fn main() {
    let now: jiff::ZonedDateTime = "2026-11-26T10:00:00[Europe/Berlin]"
        .parse()
        .expect("a time");
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let _ = askpro_german::explain(text);
        let _ = askpro_german::resolve(text, &now);
        if let Some(window) = askpro_german::resolve_window(text, &now) {
            assert!(window.start <= window.end, "{text:?}: {window:?}");
        }
        let _ = askpro_german::intent::detect_intent(text);
    });
}
