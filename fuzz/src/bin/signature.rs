//! Retell's signature header on any bytes: the first line is the header, the rest the
//! body. Never a panic; and the body signed with the key always passes, whatever it is.

use askpro_app::voice::signature;

const KEY: &str = "fuzz-retell-key";
const NOW_MS: i64 = 1_764_151_200_000;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
        let (header, body) = (&data[..split], data.get(split + 1..).unwrap_or_default());
        if let Ok(header) = std::str::from_utf8(header) {
            let _ = signature::verify(&[KEY, "second-key"], body, Some(header), NOW_MS);
        }
        let signed = signature::sign(KEY, body, NOW_MS - 1_000);
        assert_eq!(
            signature::verify(&["other", KEY], body, Some(&signed), NOW_MS).ok(),
            Some(1)
        );
    });
}
