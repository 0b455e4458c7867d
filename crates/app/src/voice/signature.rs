//! Retell's request signature: `x-retell-signature: v=<unix ms>,d=<hex HMAC-SHA256>` over
//! the raw body followed by the timestamp digits, keyed with the Retell API key. Checked
//! on the raw bytes before anything is parsed; stale or future timestamps beyond five
//! minutes are refused so a captured request cannot be replayed later.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now, either way.
pub const TOLERANCE_MS: i64 = 5 * 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the x-retell-signature header is missing")]
    Missing,
    #[error("the x-retell-signature header is not of the form v=<unix ms>,d=<64 hex digits>")]
    Malformed,
    #[error("the signature's timestamp is more than five minutes from now")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Checks `header` against `body` with each of `keys` (one per Retell account); the
/// index of the key that signed it.
pub fn verify(
    keys: &[&str],
    body: &[u8],
    header: Option<&str>,
    now_ms: i64,
) -> Result<usize, SignatureError> {
    let (timestamp, digest) = parse(header.ok_or(SignatureError::Missing)?)?;
    let at: i64 = timestamp.parse().map_err(|_| SignatureError::Malformed)?;
    if (now_ms - at).abs() > TOLERANCE_MS {
        return Err(SignatureError::Stale);
    }
    let expected = hex::decode(digest).map_err(|_| SignatureError::Malformed)?;
    // `verify_slice` compares in constant time.
    keys.iter()
        .position(|key| mac_of(key, body, timestamp).verify_slice(&expected).is_ok())
        .ok_or(SignatureError::Mismatch)
}

/// The header value Retell would send for `body` at `at_ms` (for tests and `askpro
/// simulate call`).
pub fn sign(key: &str, body: &[u8], at_ms: i64) -> String {
    let timestamp = at_ms.to_string();
    let digest = mac_of(key, body, &timestamp).finalize().into_bytes();
    format!("v={timestamp},d={}", hex::encode(digest))
}

fn mac_of(key: &str, body: &[u8], timestamp: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(body);
    mac.update(timestamp.as_bytes());
    mac
}

/// Splits `v=…,d=…` strictly: 1–16 digits, then 64 hex digits.
fn parse(header: &str) -> Result<(&str, &str), SignatureError> {
    let (v, d) = header
        .trim()
        .split_once(',')
        .ok_or(SignatureError::Malformed)?;
    let timestamp = v
        .trim()
        .strip_prefix("v=")
        .ok_or(SignatureError::Malformed)?;
    let digest = d
        .trim()
        .strip_prefix("d=")
        .ok_or(SignatureError::Malformed)?;
    let digits_ok =
        (1..=16).contains(&timestamp.len()) && timestamp.bytes().all(|b| b.is_ascii_digit());
    let hex_ok = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
    if digits_ok && hex_ok {
        Ok((timestamp, digest))
    } else {
        Err(SignatureError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn retells_published_test_vector_is_accepted() {
        let header =
            "v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e";
        let body = br#"{"event":"call_ended"}"#;
        assert_eq!(verify(&["test-api-key"], body, Some(header), NOW), Ok(0));
        assert_eq!(sign("test-api-key", body, NOW), header);
    }

    #[test]
    fn any_change_to_body_key_or_time_is_refused() {
        let body = br#"{"event":"call_ended"}"#;
        let header = sign("key", body, NOW);
        assert_eq!(
            verify(&["key"], br#"{"event":"call_ended" }"#, Some(&header), NOW),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&["other"], body, Some(&header), NOW),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(&["other", "key"], body, Some(&header), NOW), Ok(1));
        assert_eq!(
            verify(&["key"], body, Some(&header), NOW + TOLERANCE_MS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&["key"], body, Some(&header), NOW - TOLERANCE_MS - 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&["key"], body, Some(&header), NOW + TOLERANCE_MS),
            Ok(0)
        );
    }

    #[test]
    fn malformed_headers_are_named_as_such() {
        let body = b"{}";
        for header in [
            "",
            "v=1700000000000",
            "d=abc,v=1700000000000",
            "v=17e11,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e",
            "v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e332182",
            "v=1700000000000,d=zz024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e",
        ] {
            assert_eq!(
                verify(&["k"], body, Some(header), NOW),
                Err(SignatureError::Malformed),
                "{header}"
            );
        }
        assert_eq!(
            verify(&["k"], body, None, NOW),
            Err(SignatureError::Missing)
        );
    }
}
