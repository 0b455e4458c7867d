//! Clock times as callers say them: `14:30`, `14 Uhr 30`, `vierzehn Uhr dreißig`,
//! `um drei`, `halb drei`, `Viertel nach zwei`, `Viertel drei`, `dreiviertel drei`,
//! `fünf vor halb drei`, `zehn nach drei`.

use super::super::lexicon;
use super::super::pieces::Piece;
use super::super::tokens::Token;
use super::Parser;

/// Words after which a bare number is a time of day ("um drei", "zwischen 14 und 16").
const CLOCK_CONTEXT: &[&str] = &[
    "um",
    "punkt",
    "gegen",
    "ab",
    "bis",
    "zwischen",
    "von",
    "nach",
    "und",
    "so",
    "fruehestens",
    "spaetestens",
    "circa",
    "ca",
    "etwa",
    "ungefaehr",
];

impl Parser {
    pub(super) fn clock(&mut self) -> bool {
        self.clock_idiom()
            || self.clock_numeric()
            || self.clock_with_uhr()
            || self.clock_in_context()
    }

    /// An hour said as digits or a word, 0 to 24.
    fn hour_at(&self, offset: usize) -> Option<(u32, bool)> {
        match self.tokens.get(self.pos + offset)? {
            Token::Number { value, digits } if *value <= 24 => {
                Some((*value, *digits == 2 && *value < 10))
            }
            Token::Word(w) => lexicon::cardinal(w)
                .filter(|h| *h <= 24)
                .map(|h| (h, false))
                .or_else(|| (w == "eins").then_some((1, false))),
            _ => None,
        }
    }

    fn minutes_at(&self, offset: usize) -> Option<u32> {
        match self.tokens.get(self.pos + offset)? {
            Token::Number { value, .. } if *value < 60 => Some(*value),
            Token::Word(w) => lexicon::cardinal(w).filter(|m| *m < 60),
            _ => None,
        }
    }

    fn uhr_follows(&self, offset: usize) -> usize {
        usize::from(self.is(offset, &["uhr"]))
    }

    fn after_clock_context(&self) -> bool {
        self.pos > 0
            && matches!(self.tokens.get(self.pos - 1), Some(Token::Word(w)) if CLOCK_CONTEXT.contains(&w.as_str()))
    }

    /// `14:30 Uhr`, `8:05`, and `10.10` after "um" or before "Uhr".
    fn clock_numeric(&mut self) -> bool {
        let (hour, minute, leading_zero) = match self.tokens.get(self.pos).cloned() {
            Some(Token::Clock {
                hour,
                minute,
                leading_zero,
            }) => (hour, minute, leading_zero),
            Some(Token::Date {
                day,
                month,
                year: None,
                bare: true,
            }) if self.after_clock_context() || self.is(1, &["uhr"]) => (day, month, false),
            _ => return false,
        };
        if hour > 24 || minute > 59 || (hour == 24 && minute > 0) {
            return false;
        }
        let explicit = leading_zero || hour >= 13 || hour == 0;
        let consumed = 1 + self.uhr_follows(1);
        self.emit(
            Piece::Clock {
                hour: hour % 24,
                minute,
                explicit,
            },
            consumed,
        )
    }

    /// `14 Uhr`, `14 Uhr 30`, `vierzehn Uhr dreißig`.
    fn clock_with_uhr(&mut self) -> bool {
        let Some((hour, leading_zero)) = self.hour_at(0) else {
            return false;
        };
        if !self.is(1, &["uhr"]) {
            return false;
        }
        let minute = self.minutes_at(2);
        let explicit = leading_zero || hour >= 13 || hour == 0;
        self.emit(
            Piece::Clock {
                hour: hour % 24,
                minute: minute.unwrap_or(0),
                explicit,
            },
            2 + usize::from(minute.is_some()),
        )
    }

    /// A bare hour after `um`, `gegen`, `ab`, `zwischen`, …: `um drei`, `ab 15`.
    fn clock_in_context(&mut self) -> bool {
        let after_context = self.after_clock_context()
            || self.pos > 0 && matches!(self.tokens.get(self.pos - 1), Some(Token::Dash));
        // "14 bis 16 Uhr": the first end of a range of hours (not "13 bis 15 Juli").
        let range_of_hours = (matches!(self.tokens.get(self.pos + 1), Some(Token::Dash))
            || self.is(1, &["bis"]))
            && (2..6).any(|i| self.is(i, &["uhr"]));
        let month_ahead = (1..6).any(|i| self.word(i).and_then(lexicon::month).is_some());
        if !(after_context || range_of_hours) || month_ahead {
            return false;
        }
        let Some((hour, leading_zero)) = self.hour_at(0) else {
            return false;
        };
        let explicit = leading_zero || hour >= 13 || hour == 0;
        // "um vierzehn dreißig", "um 14 30": minutes right after the hour.
        let minute = self.minutes_at(1).filter(|m| {
            *m >= 10
                || matches!(
                    self.tokens.get(self.pos + 1),
                    Some(Token::Number { digits: 2, .. })
                )
        });
        self.emit(
            Piece::Clock {
                hour: hour % 24,
                minute: minute.unwrap_or(0),
                explicit,
            },
            1 + usize::from(minute.is_some()),
        )
    }

    /// The quarter and half idioms, all relative to the hour that is named.
    fn clock_idiom(&mut self) -> bool {
        let parsed = self.quarter_idiom().or_else(|| self.minutes_idiom());
        let Some((hour, minute, consumed)) = parsed else {
            return false;
        };
        let consumed = consumed + self.uhr_follows(consumed);
        self.emit(
            Piece::Clock {
                hour,
                minute,
                explicit: hour >= 13,
            },
            consumed,
        )
    }

    /// `halb drei`, `Viertel nach zwei`, `Viertel vor drei`, `Viertel drei`, `dreiviertel drei`.
    /// Returns (hour, minute, tokens consumed).
    fn quarter_idiom(&self) -> Option<(u32, u32, usize)> {
        let named = |offset: usize| {
            self.hour_at(offset)
                .map(|(h, _)| h)
                .filter(|h| (1..=24).contains(h))
        };
        let before = |h: u32| (h + 23) % 24;
        match self.word(0)? {
            "halb" => named(1).map(|h| (before(h), 30, 2)),
            "viertel" if self.is(1, &["nach"]) => named(2).map(|h| (h % 24, 15, 3)),
            "viertel" if self.is(1, &["vor"]) => named(2).map(|h| (before(h), 45, 3)),
            "viertel" => named(1).map(|h| (before(h), 15, 2)),
            "dreiviertel" => named(1).map(|h| (before(h), 45, 2)),
            "drei" if self.is(1, &["viertel"]) => named(2).map(|h| (before(h), 45, 3)),
            _ => None,
        }
    }

    /// `fünf vor halb drei`, `zehn nach halb drei`, `zehn nach drei`, `fünf vor drei`.
    fn minutes_idiom(&self) -> Option<(u32, u32, usize)> {
        let minutes = self.minutes_at(0).filter(|m| (1..=29).contains(m))?;
        let skip = usize::from(self.is(1, &["minuten", "minute", "min"]));
        let direction = self.word(1 + skip)?;
        if !matches!(direction, "vor" | "nach") {
            return None;
        }
        let half = self.is(2 + skip, &["halb"]);
        let at = 2 + skip + usize::from(half);
        let (hour, _) = self.hour_at(at).filter(|(h, _)| (1..=24).contains(h))?;
        let base = if half {
            ((hour + 23) % 24) * 60 + 30
        } else {
            (hour % 24) * 60
        };
        let total = (if direction == "vor" {
            base + 24 * 60 - minutes
        } else {
            base + minutes
        }) % (24 * 60);
        Some((total / 60, total % 60, at + 1))
    }
}
