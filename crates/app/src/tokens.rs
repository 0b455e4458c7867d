//! API tokens: the operator token from configuration, and company tokens created by
//! `askpro token create`, stored only as SHA-256 hashes.

use crate::App;
use crate::error::Result;
use askpro_store::{new_id, tokens};
use sha2::{Digest, Sha256};

/// Who a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `ASKPRO_ADMIN_TOKEN`: every company.
    Operator,
    /// A company token: that company only (by id).
    Company { company_id: String, label: String },
}

const PREFIX: &str = "apk_";

pub(crate) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

impl App {
    /// Creates a token for one company and returns it; it is shown once and never stored.
    pub async fn create_company_token(&self, company: &str, label: &str) -> Result<String> {
        let model = self.company(company).await?;
        let token = format!("{PREFIX}{}", crate::accounts::random_token()?);
        tokens::insert(
            &self.db,
            &new_id(),
            model.id(),
            &sha256_hex(&token),
            label,
            self.now_ms(),
        )
        .await?;
        tracing::info!(company = model.slug(), label, "company token created");
        Ok(token)
    }

    /// Who the bearer token belongs to, if anyone.
    pub async fn authenticate(
        &self,
        token: &str,
        operator_token: Option<&str>,
    ) -> Result<Option<Principal>> {
        if let Some(operator) = operator_token.filter(|t| !t.is_empty())
            && same_secret(token, operator)
        {
            return Ok(Some(Principal::Operator));
        }
        if !token.starts_with(PREFIX) {
            return Ok(None);
        }
        let row = tokens::find(&self.db, &sha256_hex(token)).await?;
        Ok(row.and_then(|r| {
            r.company_id.map(|company_id| Principal::Company {
                company_id,
                label: r.label,
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_by_content() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
