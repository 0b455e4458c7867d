//! Exponential backoff with jitter: 10 s, 20 s, 40 s, … up to an hour, each ±20 %, so
//! that jobs failing together do not all come back at the same moment.

const BASE_MS: i64 = 10_000;
const CAP_MS: i64 = 3_600_000;

/// The delay before attempt `attempts + 1`, given a random number for the jitter.
pub fn backoff_ms(attempts: i64, random: u64) -> i64 {
    let exponent = attempts.clamp(1, 20) - 1;
    let delay = BASE_MS.saturating_mul(1 << exponent).min(CAP_MS);
    // A factor from 0.8 to 1.2.
    let permille = 800 + (random % 401) as i64;
    delay * permille / 1000
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn delays_double_up_to_an_hour_with_bounded_jitter() {
        assert_eq!(backoff_ms(1, 200), 10_000);
        assert_eq!(backoff_ms(2, 200), 20_000);
        assert_eq!(backoff_ms(3, 200), 40_000);
        assert_eq!(backoff_ms(30, 200), 3_600_000);
        assert_eq!(backoff_ms(1, 0), 8_000);
        assert_eq!(backoff_ms(1, 400), 12_000);
        for random in [0, 1, 399, 400, 401, u64::MAX] {
            let d = backoff_ms(4, random);
            assert!((64_000..=96_000).contains(&d), "{d}");
        }
    }
}
