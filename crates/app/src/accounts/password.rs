//! Passwords as argon2id hashes (PHC strings), computed off the async threads: one hash
//! takes tens of milliseconds and a few MiB on purpose.

use crate::AppError;
use crate::error::Result;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

/// Shorter passwords are refused when they are set.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Checks a new password's length: long enough, and not absurdly long (argon2 would
/// hash megabytes).
pub fn check_new_password(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if chars > 200 {
        return Err(AppError::Invalid(
            "the password must have at most 200 characters".into(),
        ));
    }
    Ok(())
}

/// The argon2id hash of `password` with a fresh random salt.
pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AppError::Invalid(format!("the password could not be hashed: {e}")))?
}

fn hash_now(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| AppError::Invalid(format!("no randomness available: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| AppError::Invalid(format!("the salt could not be encoded: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Invalid(format!("the password could not be hashed: {e}")))
}

/// Whether `password` matches `stored`. Without a stored hash it still spends the time
/// of one check, so an unknown address answers as slowly as a wrong password.
pub async fn verify(password: &str, stored: Option<&str>) -> bool {
    let password = password.to_owned();
    let stored = stored.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| decoy_hash().to_owned());
        let matches = PasswordHash::new(&stored).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        known && matches
    })
    .await
    .unwrap_or(false)
}

/// A hash of nothing anyone knows, made once per process.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_now("decoy password of no account").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_matches_its_own_hash_only() {
        let stored = hash("Sonnenschein-2026").await.unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("Sonnenschein-2026", Some(&stored)).await);
        assert!(!verify("sonnenschein-2026", Some(&stored)).await);
        assert!(!verify("Sonnenschein-2026", None).await);
        assert!(!verify("Sonnenschein-2026", Some("not a hash")).await);
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_their_salt() {
        let (a, b) = (
            hash("gleiches-Passwort").await,
            hash("gleiches-Passwort").await,
        );
        assert_ne!(a.unwrap(), b.unwrap());
    }

    #[test]
    fn short_and_huge_passwords_are_refused_with_the_rule() {
        let short = check_new_password("kurz").unwrap_err().to_string();
        assert!(short.contains("at least 10"), "{short}");
        assert!(check_new_password(&"x".repeat(201)).is_err());
        assert!(check_new_password("lang-genug-1").is_ok());
    }
}
