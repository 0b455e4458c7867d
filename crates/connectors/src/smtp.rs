//! E-mail over real SMTP: a primary and a backup server. When the primary refuses or
//! does not answer, the same message (same Message-ID) goes to the backup at once.
//! URLs look like `smtp://user:pass@host:587?tls=required` or `smtps://host:465`.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Why a mail did not go out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// A server refused it for good (5xx: no such mailbox, …): retrying will not help.
    #[error("refused for good: {0}")]
    Permanent(String),
    /// Unreachable, timed out, or a temporary refusal (4xx): try again later.
    #[error("not delivered for now: {0}")]
    Retryable(String),
    #[error("invalid mail: {0}")]
    Invalid(String),
}

impl MailError {
    fn from_smtp(server: &str, error: &SmtpError) -> MailError {
        let text = format!("{server}: {error}");
        if error.is_permanent() {
            MailError::Permanent(text)
        } else {
            MailError::Retryable(text)
        }
    }
}

/// A mail to send; the same `message_id` on every attempt makes a retry recognisable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub message_id: String,
    pub from: String,
    pub reply_to: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// An iCalendar file to attach (`termin.ics`).
    pub ics: Option<String>,
}

/// Which server took a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Primary,
    Backup,
}

/// A mail a server took: which one, and why the primary did not when the backup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub via: Via,
    /// The primary's refusal or silence, when the mail failed over to the backup.
    pub primary_failure: Option<String>,
}

impl Via {
    pub fn transport_name(self) -> &'static str {
        match self {
            Via::Primary => "smtp-primary",
            Via::Backup => "smtp-backup",
        }
    }
}

struct Server {
    label: &'static str,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// host:port only, never the credentials.
    shown: String,
    /// The longest a whole exchange may take. lettre's own timeout covers single
    /// reads and writes but not every wait (a server that accepts the connection and
    /// never greets held a worker forever), so each exchange also runs under this.
    deadline: Duration,
}

impl Server {
    fn silent(&self) -> String {
        format!(
            "timed out: the {} SMTP server at {} did not answer within {} s",
            self.label,
            self.shown,
            self.deadline.as_secs()
        )
    }
}

/// The configured SMTP servers.
pub struct Mailer {
    primary: Option<Server>,
    backup: Option<Server>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "SMTP URL for the {label} server is not valid ({reason}); use smtp://user:pass@host:587?tls=required or smtps://host:465"
)]
pub struct UrlError {
    pub label: &'static str,
    pub reason: String,
}

/// The outcome of checking one server: connect, TLS, authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCheck {
    pub label: &'static str,
    pub server: String,
    pub ok: bool,
    pub detail: String,
}

fn server(label: &'static str, url: &str, timeout: Duration) -> Result<Server, UrlError> {
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| UrlError {
        label,
        reason: e.to_string(),
    })?;
    let shown = url
        .split_once("://")
        .map(|(_, rest)| rest.rsplit('@').next().unwrap_or(rest))
        .unwrap_or(url)
        .split('?')
        .next()
        .unwrap_or("")
        .to_owned();
    Ok(Server {
        label,
        transport: builder.timeout(Some(timeout)).build(),
        shown,
        // Connect, greeting, TLS, login and the data: a few exchanges of `timeout` each.
        deadline: timeout * 4,
    })
}

impl Mailer {
    /// From the two URLs (either may be absent); `None` when neither is configured.
    pub fn from_urls(
        primary: Option<&str>,
        backup: Option<&str>,
        timeout: Duration,
    ) -> Result<Option<Mailer>, UrlError> {
        let primary = primary
            .filter(|u| !u.is_empty())
            .map(|u| server("primary", u, timeout))
            .transpose()?;
        let backup = backup
            .filter(|u| !u.is_empty())
            .map(|u| server("backup", u, timeout))
            .transpose()?;
        Ok((primary.is_some() || backup.is_some()).then_some(Mailer { primary, backup }))
    }

    /// Sends through the primary, failing over to the backup at once; `backup_only`
    /// skips the primary (`mail.mailer=backup_smtp`).
    pub async fn send(&self, mail: &OutgoingMail, backup_only: bool) -> Result<Sent, MailError> {
        let message = build(mail)?;
        let mut last = MailError::Retryable("no SMTP server configured".into());
        let mut primary_failure = None;
        let order = [(Via::Primary, &self.primary), (Via::Backup, &self.backup)];
        for (via, server) in order {
            let Some(server) = server else { continue };
            if backup_only && via == Via::Primary {
                continue;
            }
            let outcome =
                tokio::time::timeout(server.deadline, server.transport.send(message.clone())).await;
            match outcome {
                Ok(Ok(_)) => {
                    return Ok(Sent {
                        via,
                        primary_failure,
                    });
                }
                Err(_) => {
                    tracing::warn!(server = server.label, address = %server.shown, deadline_s = server.deadline.as_secs(), message_id = %mail.message_id, "SMTP server did not answer in time");
                    last = MailError::Retryable(server.silent());
                    if via == Via::Primary {
                        primary_failure = Some(last.to_string());
                    }
                }
                Ok(Err(error)) => {
                    tracing::warn!(server = server.label, address = %server.shown, %error, message_id = %mail.message_id, "SMTP server did not take the mail");
                    last = MailError::from_smtp(server.label, &error);
                    if via == Via::Primary {
                        primary_failure = Some(last.to_string());
                    }
                }
            }
        }
        Err(last)
    }

    /// Connects to each server (with TLS and authentication as its URL says) and reports.
    pub async fn verify(&self) -> Vec<ServerCheck> {
        let mut checks = Vec::new();
        for server in [&self.primary, &self.backup].into_iter().flatten() {
            let tested =
                tokio::time::timeout(server.deadline, server.transport.test_connection()).await;
            let (ok, detail) = match tested {
                Ok(Ok(true)) => (true, "connected, TLS and login as configured".to_owned()),
                Ok(Ok(false)) => (
                    false,
                    "connected but the server did not answer NOOP".to_owned(),
                ),
                Ok(Err(error)) => (false, error.to_string()),
                Err(_) => (false, server.silent()),
            };
            checks.push(ServerCheck {
                label: server.label,
                server: server.shown.clone(),
                ok,
                detail,
            });
        }
        checks
    }
}

fn mailbox(field: &str, address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|e| MailError::Invalid(format!("{field} `{address}`: {e}")))
}

fn build(mail: &OutgoingMail) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .message_id(Some(mail.message_id.clone()))
        .from(mailbox("from", &mail.from)?)
        .to(mailbox("to", &mail.to)?)
        .subject(mail.subject.clone());
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(mailbox("reply-to", reply_to)?);
    }
    let text = SinglePart::plain(mail.text.clone());
    let body = match &mail.html {
        Some(html) => MultiPart::alternative()
            .singlepart(text)
            .singlepart(SinglePart::html(html.clone())),
        None => MultiPart::mixed().singlepart(text),
    };
    let body = match &mail.ics {
        Some(ics) => {
            let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .map_err(|e| MailError::Invalid(e.to_string()))?;
            MultiPart::mixed()
                .multipart(body)
                .singlepart(Attachment::new("termin.ics".into()).body(ics.clone(), calendar))
        }
        None => body,
    };
    builder
        .multipart(body)
        .map_err(|e| MailError::Invalid(e.to_string()))
}
