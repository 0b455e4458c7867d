//! Slugs: the stable, human-readable keys of companies, branches, staff and services.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated slug: 1 to 63 characters of `[a-z0-9-]`, not starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Slug, String> {
        let valid_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if raw.is_empty() || raw.len() > 63 {
            return Err(format!("`{raw}` must be 1 to 63 characters long"));
        }
        if !valid_chars || raw.starts_with('-') || raw.ends_with('-') {
            return Err(format!(
                "`{raw}` may contain only a-z, 0-9 and '-' (not at the start or end)"
            ));
        }
        Ok(Slug(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Slug::parse(&raw)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Slug;

    #[test]
    fn accepts_lowercase_digits_and_inner_dashes() {
        assert_eq!(Slug::parse("salon-1").unwrap().as_str(), "salon-1");
    }

    #[test]
    fn rejects_uppercase_umlauts_edges_and_empty() {
        for bad in ["Salon", "müller", "-a", "a-", "", "a b", &"x".repeat(64)] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
