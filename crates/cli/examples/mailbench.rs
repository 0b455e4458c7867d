//! Mail throughput: N German confirmation-sized mails (text, HTML and a calendar file)
//! through AskPro's SMTP client to a local server, by C concurrent senders; reports
//! mails/s. `scripts/mailbench.sh` starts a local SMTP sink and runs this.
//! `cargo run --release -p askpro --example mailbench -- SMTP_URL [MAILS] [SENDERS]`

use askpro_connectors::smtp::{Mailer, OutgoingMail};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn mail(n: usize) -> OutgoingMail {
    let text = "Guten Tag Eva Schmidt,\n\nhiermit bestätigen wir Ihren Termin am Dienstag, 1. Dezember 2026, um 9 Uhr bei Anna für Damenhaarschnitt.\nAdresse: Salon Sonnenschein Mitte, Torstraße 1, 10119 Berlin\n\nViele Grüße\nSalon Sonnenschein";
    OutgoingMail {
        message_id: format!("<bench-{n}-{}@askpro>", std::process::id()),
        from: "Salon Sonnenschein <termine@askpro.example>".into(),
        reply_to: Some("info@salon-sonnenschein.example".into()),
        to: format!("kunde{n}@example.de"),
        subject: "Ihr Termin am 1. Dezember 2026 um 9 Uhr".into(),
        text: text.into(),
        html: Some(format!("<!DOCTYPE html><html><body><p>{text}</p></body></html>")),
        ics: Some("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//AskPro//DE\r\nBEGIN:VEVENT\r\nUID:bench@askpro\r\nDTSTAMP:20261128T090000Z\r\nDTSTART:20261201T080000Z\r\nDTEND:20261201T090000Z\r\nSUMMARY:Damenhaarschnitt\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".into()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .ok_or("usage: mailbench SMTP_URL [MAILS] [SENDERS]")?;
    let count: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let senders: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1).max(1);
    let mailer = Arc::new(
        Mailer::from_urls(Some(url), None, Duration::from_secs(10))?.ok_or("no SMTP URL")?,
    );
    let started = Instant::now();
    let tasks: Vec<_> = (0..senders)
        .map(|s| {
            let mailer = mailer.clone();
            tokio::spawn(async move {
                let mut failed = 0;
                for n in (s..count).step_by(senders) {
                    if mailer.send(&mail(n), false).await.is_err() {
                        failed += 1;
                    }
                }
                failed
            })
        })
        .collect();
    let mut failed = 0;
    for task in tasks {
        failed += task.await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{count} mails ({failed} failed) by {senders} sender(s) in {seconds:.2} s: {:.0} mails/s",
        count as f64 / seconds
    );
    if failed > 0 {
        return Err(format!("{failed} mails were not taken; is the SMTP server up?").into());
    }
    Ok(())
}
