//! Normalising and tokenising what a caller said: lower case, umlauts as digraphs
//! (`ä` → `ae`, `ß` → `ss`), punctuation dropped, digits kept with their `:` and `.`
//! so that `14:30`, `3.12.` and `2.` survive as one token each.

/// One token of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Word(String),
    /// `14`, `2026`; `digits` tells `08` (two digits) from `8`.
    Number {
        value: u32,
        digits: usize,
    },
    /// `3.` — an ordinal written with a dot.
    Ordinal(u32),
    /// `14:30`, `14.30` (before `uhr`), `8:05`.
    Clock {
        hour: u32,
        minute: u32,
        leading_zero: bool,
    },
    /// `3.12.`, `03.12.2026`, `3.12`; `bare` when written without a final dot or year,
    /// so that `10.10` after "um" can still be read as a clock.
    Date {
        day: u32,
        month: u32,
        year: Option<i32>,
        bare: bool,
    },
    /// `-` between two values: a range.
    Dash,
}

/// A token as written back for an explanation.
pub fn shown(token: &Token) -> String {
    match token {
        Token::Word(w) => w.clone(),
        Token::Number { value, .. } => value.to_string(),
        Token::Ordinal(n) => format!("{n}."),
        Token::Clock { hour, minute, .. } => format!("{hour}:{minute:02}"),
        Token::Date {
            day, month, year, ..
        } => match year {
            Some(y) => format!("{day}.{month}.{y}"),
            None => format!("{day}.{month}."),
        },
        Token::Dash => "-".into(),
    }
}

/// Folds a word to the lexicon's spelling.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'é' | 'è' | 'ê' => out.push('e'),
            'à' | 'â' => out.push('a'),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for chunk in text.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '!' | '?' | '(' | ')' | '"' | '„' | '“' | '/')
    }) {
        split_chunk(chunk, &mut tokens);
    }
    tokens
}

fn split_chunk(chunk: &str, out: &mut Vec<Token>) {
    let chunk = chunk.trim_matches(|c: char| c == '\'' || c == '´' || c == '`');
    if chunk.is_empty() {
        return;
    }
    if chunk.chars().all(|c| c == '-' || c == '–') {
        out.push(Token::Dash);
        return;
    }
    if let Some(token) = iso_date(chunk) {
        out.push(token);
        return;
    }
    // "14-16", "14–16": a range written with a dash.
    if let Some((left, right)) = chunk.split_once(['-', '–'])
        && starts_with_digit(left)
        && starts_with_digit(right)
    {
        split_chunk(left, out);
        out.push(Token::Dash);
        split_chunk(right, out);
        return;
    }
    if starts_with_digit(chunk) {
        if let Some(token) = numeric(chunk) {
            out.push(token);
            return;
        }
        // "15uhr", "15h", "17h10", "15ten": digits glued to a word.
        let split = chunk
            .find(|c: char| !c.is_ascii_digit() && c != ':' && c != '.')
            .unwrap_or(chunk.len());
        let (digits, rest) = chunk.split_at(split);
        let rest = fold(rest);
        match (number(digits), rest.as_str()) {
            (Some(n), "te" | "ten" | "ter" | "tes" | "tem" | "ste" | "sten" | "ster") => {
                out.push(Token::Ordinal(n))
            }
            (Some(h), r)
                if r.starts_with('h')
                    && r.len() > 1
                    && r[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                match numeric(&format!("{h}:{}", &r[1..])) {
                    Some(token) => out.push(token),
                    None => word(&rest, out),
                }
            }
            (Some(_), "h") => {
                out.extend(numeric(digits));
                out.push(Token::Word("uhr".into()));
            }
            _ => {
                out.extend(numeric(digits));
                word(&rest, out);
            }
        }
        return;
    }
    word(chunk, out);
}

fn word(raw: &str, out: &mut Vec<Token>) {
    let folded = fold(raw);
    if !folded.is_empty() {
        out.push(Token::Word(folded));
    }
}

fn starts_with_digit(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Reads a token made of digits, `:` and `.`.
fn numeric(chunk: &str) -> Option<Token> {
    if let Some((h, m)) = chunk.split_once(':') {
        let m = m.trim_end_matches('.');
        if m.len() != 2 {
            return None;
        }
        return Some(Token::Clock {
            hour: number(h)?,
            minute: number(m)?,
            leading_zero: h.len() == 2 && h.starts_with('0'),
        });
    }
    let parts: Vec<&str> = chunk.split('.').collect();
    match parts.as_slice() {
        [n] => Some(Token::Number {
            value: number(n)?,
            digits: n.len(),
        }),
        [n, ""] => Some(Token::Ordinal(number(n)?)),
        [d, m, ""] => Some(Token::Date {
            day: number(d)?,
            month: number(m)?,
            year: None,
            bare: false,
        }),
        [d, m, y] if y.len() == 4 || y.len() == 2 => Some(Token::Date {
            day: number(d)?,
            month: number(m)?,
            year: Some(full_year(number(y)?, y.len())),
            bare: false,
        }),
        // "14.30" is a clock when the second part cannot be a month; "3.12" is a date.
        [a, b] if b.len() == 2 && number(b)? > 12 => Some(Token::Clock {
            hour: number(a)?,
            minute: number(b)?,
            leading_zero: a.len() == 2 && a.starts_with('0'),
        }),
        [d, m] => Some(Token::Date {
            day: number(d)?,
            month: number(m)?,
            year: None,
            bare: m.len() == 2,
        }),
        _ => None,
    }
}

/// Two-digit years: `26` is 2026, `74` is 1974.
fn full_year(y: u32, digits: usize) -> i32 {
    match (digits, y) {
        (2, y) if y < 70 => 2000 + y as i32,
        (2, y) => 1900 + y as i32,
        (_, y) => y as i32,
    }
}

/// `2018-08-31`, `2018-8-31`.
fn iso_date(chunk: &str) -> Option<Token> {
    let mut parts = chunk.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Some(Token::Date {
        day: number(d)?,
        month: number(m)?,
        year: Some(number(y)? as i32),
        bare: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Token> {
        tokenize(text)
    }

    #[test]
    fn words_are_folded_and_punctuation_dropped() {
        assert_eq!(
            words("Übermorgen, früh!"),
            [
                Token::Word("uebermorgen".into()),
                Token::Word("frueh".into())
            ]
        );
        assert_eq!(words("Straße"), [Token::Word("strasse".into())]);
    }

    #[test]
    fn numbers_clocks_dates_and_ordinals_keep_their_shape() {
        assert_eq!(
            words("14:30"),
            [Token::Clock {
                hour: 14,
                minute: 30,
                leading_zero: false
            }]
        );
        assert_eq!(
            words("08:05"),
            [Token::Clock {
                hour: 8,
                minute: 5,
                leading_zero: true
            }]
        );
        assert_eq!(
            words("3.12."),
            [Token::Date {
                day: 3,
                month: 12,
                year: None,
                bare: false
            }]
        );
        assert_eq!(
            words("03.12.2026"),
            [Token::Date {
                day: 3,
                month: 12,
                year: Some(2026),
                bare: false
            }]
        );
        assert_eq!(
            words("31.10.74"),
            [Token::Date {
                day: 31,
                month: 10,
                year: Some(1974),
                bare: false
            }]
        );
        assert_eq!(
            words("2018-8-31"),
            [Token::Date {
                day: 31,
                month: 8,
                year: Some(2018),
                bare: false
            }]
        );
        assert_eq!(
            words("am 15ten"),
            [Token::Word("am".into()), Token::Ordinal(15)]
        );
        assert_eq!(
            words("17h10"),
            [Token::Clock {
                hour: 17,
                minute: 10,
                leading_zero: false
            }]
        );
        assert_eq!(
            words("15h"),
            [
                Token::Number {
                    value: 15,
                    digits: 2
                },
                Token::Word("uhr".into())
            ]
        );
        assert_eq!(
            words("14.30 Uhr"),
            [
                Token::Clock {
                    hour: 14,
                    minute: 30,
                    leading_zero: false
                },
                Token::Word("uhr".into())
            ]
        );
        assert_eq!(
            words("am 3."),
            [Token::Word("am".into()), Token::Ordinal(3)]
        );
        assert_eq!(words("14-16 Uhr")[1], Token::Dash);
        assert_eq!(
            words("15uhr"),
            [
                Token::Number {
                    value: 15,
                    digits: 2
                },
                Token::Word("uhr".into())
            ]
        );
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "",
            "...",
            "1:2:3",
            "99999999999",
            "12.",
            ".12",
            "–",
            "ääää",
            "\u{0}",
            "3.4.5.6",
            "1:",
        ] {
            let _ = tokenize(text);
        }
    }
}
