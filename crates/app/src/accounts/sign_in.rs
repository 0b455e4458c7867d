//! Signing in: by password, or by a one-time link mailed through the queue. Every
//! failure counts against the address and the client; past the limit, even a right
//! password is refused until the window has passed.

use super::{WebSession, password, random_token};
use crate::App;
use crate::error::Result;
use crate::tokens::sha256_hex;
use askpro_store::jobs::{self, NewJob};
use askpro_store::{new_id, web};
use serde_json::json;

/// The job kind of the sign-in link mail (sent by the prepared-letter handler).
pub const LINK_MAIL: &str = "email.sign_in_link";

/// How long a browser stays signed in.
const SESSION_MS: i64 = 14 * 86_400_000;
/// How long a mailed link can be used.
const LINK_MS: i64 = 15 * 60_000;
/// The window the failures are counted in.
const WINDOW_MS: i64 = 15 * 60_000;
/// Failures allowed per address, and per client, within the window.
const MAX_PER_ADDRESS: i64 = 5;
const MAX_PER_CLIENT: i64 = 30;

/// A new session: the cookie's token (shown once) and the session it opens.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: WebSession,
}

#[derive(Debug, Clone)]
pub enum SignInOutcome {
    SignedIn(SignedIn),
    /// Unknown address, wrong password, disabled user: the same answer for each.
    Refused,
    /// Too many failures; try again after this many minutes.
    Throttled {
        minutes: i64,
    },
}

impl App {
    /// Signs in with address and password from `client` (the peer's IP address).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<SignInOutcome> {
        let email = email.trim().to_lowercase();
        if let Some(minutes) = self.throttled(&email, client).await? {
            tracing::warn!(client, "sign-in refused: too many failed attempts");
            return Ok(SignInOutcome::Throttled { minutes });
        }
        let user = web::user_by_email(&self.db, &email)
            .await?
            .filter(|u| u.disabled_at.is_none());
        let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
        if !password::verify(password, stored).await {
            web::record_failure(&self.db, &new_id(), &email, client, self.now_ms()).await?;
            tracing::info!(client, "sign-in failed");
            return Ok(SignInOutcome::Refused);
        }
        let Some(user) = user else {
            return Ok(SignInOutcome::Refused);
        };
        web::clear_failures(&self.db, &email).await?;
        self.open_session(&user.id)
            .await
            .map(SignInOutcome::SignedIn)
    }

    /// Mails a one-time sign-in link to a company user; says nothing about whether the
    /// address exists (the caller shows the same page either way). `base_url` is the
    /// dashboard's address as the browser used it.
    pub async fn send_sign_in_link(
        &self,
        email: &str,
        base_url: &str,
        client: &str,
    ) -> Result<bool> {
        let email = email.trim().to_lowercase();
        if self.throttled(&email, client).await?.is_some() {
            return Ok(false);
        }
        // A request counts like a failure: it limits how many mails one can trigger.
        let now = self.now_ms();
        web::record_failure(&self.db, &new_id(), &email, client, now).await?;
        let Some(user) = web::user_by_email(&self.db, &email).await? else {
            return Ok(false);
        };
        let (Some(company_id), None) = (user.company_id.as_deref(), user.disabled_at) else {
            // Operators have no company to send from: they sign in by password.
            return Ok(false);
        };
        let Some(slug) = askpro_store::tenants::slug_of(&self.db, company_id).await? else {
            return Ok(false);
        };
        let model = self.company(&slug).await?;
        let token = random_token()?;
        web::insert_link(&self.db, &sha256_hex(&token), &user.id, now, now + LINK_MS).await?;
        let link = format!("{}/anmelden/link/{token}", base_url.trim_end_matches('/'));
        let text = format!(
            "Guten Tag,\n\nmit diesem Link melden Sie sich bei AskPro für {} an. Er gilt 15 Minuten und nur einmal:\n\n{link}\n\nWenn Sie keine Anmeldung angefordert haben, können Sie diese E-Mail ignorieren.\n",
            model.tenant().company.name
        );
        let job = NewJob {
            id: new_id(),
            queue: "emails",
            kind: LINK_MAIL,
            payload: json!({ "company_id": company_id, "company": model.slug(), "to": email,
                             "subject": "Ihr Anmeldelink für AskPro", "text": text }),
            max_attempts: 4,
            run_at: now,
            idempotency_key: None,
            company_id: Some(company_id),
        };
        let mut tx = self.db.begin_write().await?;
        jobs::enqueue(&mut tx, &job, now).await?;
        tx.commit().await?;
        tracing::info!(company = model.slug(), "sign-in link queued");
        Ok(true)
    }

    /// Uses a mailed link: a session once, while the link is fresh; `None` otherwise.
    pub async fn redeem_sign_in_link(&self, token: &str) -> Result<Option<SignedIn>> {
        let Some(user_id) = web::use_link(&self.db, &sha256_hex(token), self.now_ms()).await?
        else {
            return Ok(None);
        };
        self.open_session(&user_id).await.map(Some)
    }

    async fn open_session(&self, user_id: &str) -> Result<SignedIn> {
        let (token, csrf) = (random_token()?, random_token()?);
        let now = self.now_ms();
        web::insert_session(
            &self.db,
            &sha256_hex(&token),
            user_id,
            &csrf,
            now,
            now + SESSION_MS,
        )
        .await?;
        let session = self
            .web_session(&token)
            .await?
            .ok_or_else(|| crate::AppError::NotFound("the user was disabled meanwhile".into()))?;
        tracing::info!(
            role = session.role.as_str(),
            company = session.company.as_deref().unwrap_or("-"),
            "signed in"
        );
        Ok(SignedIn { token, session })
    }

    /// `Some(minutes to wait)` when the address or the client failed too often lately.
    async fn throttled(&self, email: &str, client: &str) -> Result<Option<i64>> {
        let (by_address, by_client) =
            web::failures_since(&self.db, email, client, self.now_ms() - WINDOW_MS).await?;
        let over = by_address >= MAX_PER_ADDRESS || by_client >= MAX_PER_CLIENT;
        Ok(over.then_some(WINDOW_MS / 60_000))
    }
}
