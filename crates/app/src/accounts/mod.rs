//! Accounts of the web dashboard: a company's owners and staff, and operators across
//! companies (`askpro user add`). They sign in with e-mail and password (argon2id) or a
//! one-time link mailed through the queue; sessions live in the database, so any
//! server process recognises them. Failed sign-ins are limited per address and per
//! client.

mod password;
mod sign_in;

pub use password::{MIN_PASSWORD_CHARS, check_new_password};
pub use sign_in::{LINK_MAIL, SignInOutcome, SignedIn};

use crate::App;
use crate::AppError;
use crate::error::Result;
use crate::tokens::sha256_hex;
use askpro_store::{StoreError, new_id, web};
use serde::Serialize;

/// What a dashboard user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything for their company, settings included.
    Owner,
    /// Their company's day: appointments, calls, messages; no settings.
    Staff,
    /// Every company, and the operations pages.
    Operator,
}

impl Role {
    pub fn parse(text: &str) -> Result<Role> {
        match text {
            "owner" => Ok(Role::Owner),
            "staff" => Ok(Role::Staff),
            "operator" => Ok(Role::Operator),
            other => Err(AppError::Invalid(format!(
                "unknown role `{other}`: use owner, staff or operator"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Staff => "staff",
            Role::Operator => "operator",
        }
    }
}

/// A dashboard user as shown to operators (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebUser {
    pub id: String,
    pub email: String,
    pub role: Role,
    /// The company's slug; `None` for operators.
    pub company: Option<String>,
    pub has_password: bool,
    pub disabled: bool,
}

/// A signed-in browser: who, and the token its forms must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub user_id: String,
    pub email: String,
    pub role: Role,
    pub company_id: Option<String>,
    pub company: Option<String>,
    pub csrf_token: String,
}

impl WebSession {
    /// Whether this user may see `company_id`'s pages.
    pub fn may_see(&self, company_id: &str) -> bool {
        self.role == Role::Operator || self.company_id.as_deref() == Some(company_id)
    }
}

/// 32 random bytes as hex: session tokens, link tokens, CSRF tokens.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Invalid(format!("no randomness available: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Lower-cases an address and checks its shape (something@domain.tld, no spaces).
pub fn normalise_email(email: &str) -> Result<String> {
    let email = email.trim().to_lowercase();
    let plausible = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
    }) && !email.contains(char::is_whitespace)
        && email.len() <= 254;
    if plausible {
        Ok(email)
    } else {
        Err(AppError::Invalid(format!(
            "`{email}` is not an e-mail address such as inhaber@salon.de"
        )))
    }
}

impl App {
    /// `askpro user add`: a user of `company` (owner, staff) or an operator (no
    /// company), with a password or, without one, sign-in by link only.
    pub async fn add_web_user(
        &self,
        company: Option<&str>,
        email: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<WebUser> {
        let email = normalise_email(email)?;
        let company_id = match (role, company) {
            (Role::Operator, None) => None,
            (Role::Operator, Some(_)) => {
                return Err(AppError::Invalid(
                    "an operator sees every company: give no --company-id".into(),
                ));
            }
            (_, None) => {
                return Err(AppError::Invalid(format!(
                    "a user with role {} belongs to a company: give --company-id",
                    role.as_str()
                )));
            }
            (_, Some(slug)) => Some(self.company_id(slug).await?),
        };
        let password_hash = match password {
            Some(password) => {
                check_new_password(password)?;
                Some(password::hash(password).await?)
            }
            None => None,
        };
        let row = web::UserRow {
            id: new_id(),
            company_id,
            email: email.clone(),
            role: role.as_str().to_owned(),
            password_hash,
            created_at: self.now_ms(),
            disabled_at: None,
        };
        web::insert_user(&self.db, &row)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    AppError::Conflict(format!("there is already a user with the address {email}"))
                }
                other => other.into(),
            })?;
        tracing::info!(
            company = company.unwrap_or("-"),
            role = role.as_str(),
            "dashboard user added"
        );
        Ok(self.web_user_view(row, company.map(str::to_owned)))
    }

    /// `askpro user password`: a new password; signs the user out everywhere.
    pub async fn set_web_password(&self, email: &str, password: &str) -> Result<()> {
        check_new_password(password)?;
        let user = self.web_user_row(email).await?;
        let hash = password::hash(password).await?;
        web::set_password(&self.db, &user.id, &hash).await?;
        Ok(())
    }

    /// `askpro user remove`: the user can no longer sign in; their sessions end.
    pub async fn disable_web_user(&self, email: &str) -> Result<()> {
        let user = self.web_user_row(email).await?;
        web::disable_user(&self.db, &user.id, self.now_ms()).await?;
        Ok(())
    }

    /// `askpro user list`: a company's users, or with `None` the operators.
    pub async fn web_users(&self, company: Option<&str>) -> Result<Vec<WebUser>> {
        let company_id = match company {
            Some(slug) => Some(self.company_id(slug).await?),
            None => None,
        };
        let rows = web::users_of(&self.db, company_id.as_deref()).await?;
        Ok(rows
            .into_iter()
            .map(|row| self.web_user_view(row, company.map(str::to_owned)))
            .collect())
    }

    async fn web_user_row(&self, email: &str) -> Result<web::UserRow> {
        let email = normalise_email(email)?;
        web::user_by_email(&self.db, &email).await?.ok_or_else(|| {
            AppError::NotFound(format!("no dashboard user with the address {email}"))
        })
    }

    fn web_user_view(&self, row: web::UserRow, company: Option<String>) -> WebUser {
        WebUser {
            id: row.id,
            email: row.email,
            role: Role::parse(&row.role).unwrap_or(Role::Staff),
            company,
            has_password: row.password_hash.is_some(),
            disabled: row.disabled_at.is_some(),
        }
    }

    /// The session behind a browser's cookie, while it lasts.
    pub async fn web_session(&self, token: &str) -> Result<Option<WebSession>> {
        let row = web::session(&self.db, &sha256_hex(token), self.now_ms()).await?;
        Ok(row.map(|row| WebSession {
            user_id: row.user_id,
            email: row.email,
            role: Role::parse(&row.role).unwrap_or(Role::Staff),
            company_id: row.company_id,
            company: row.company_slug,
            csrf_token: row.csrf_token,
        }))
    }

    /// Signs a browser out (and forgets expired sessions).
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        web::end_session(&self.db, &sha256_hex(token), self.now_ms()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_lower_cased_and_checked() {
        assert_eq!(
            normalise_email(" Inhaber@Salon.DE ").unwrap(),
            "inhaber@salon.de"
        );
        for bad in ["", "inhaber", "@salon.de", "inhaber@salon", "a b@salon.de"] {
            let error = normalise_email(bad).unwrap_err().to_string();
            assert!(error.contains("not an e-mail address"), "{bad}: {error}");
        }
    }

    #[test]
    fn roles_read_and_write_the_same_names() {
        for role in [Role::Owner, Role::Staff, Role::Operator] {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert!(
            Role::parse("admin")
                .unwrap_err()
                .to_string()
                .contains("owner, staff or operator")
        );
    }

    #[test]
    fn only_an_operator_sees_other_companies() {
        let mut session = WebSession {
            user_id: "u".into(),
            email: "a@b.de".into(),
            role: Role::Owner,
            company_id: Some("c1".into()),
            company: Some("salon".into()),
            csrf_token: "t".into(),
        };
        assert!(session.may_see("c1"));
        assert!(!session.may_see("c2"));
        session.role = Role::Operator;
        session.company_id = None;
        assert!(session.may_see("c2"));
    }
}
