//! From tokens to pieces. Every word must be placed: a date or time word, a word of
//! a range, or harmless filler. Anything else makes the phrase not understood,
//! because a dropped word may have changed the meaning.

use super::lexicon::{self, DayPart, HOLIDAYS};
use super::pieces::{FromHoliday, Piece, Segment, Shift};
use super::tokens::Token;

/// Words that carry no date or time and may be ignored.
const FILLER: &[&str] = &[
    "so",
    "gegen",
    "ungefaehr",
    "etwa",
    "circa",
    "ca",
    "zirka",
    "bitte",
    "vielleicht",
    "ich",
    "haette",
    "haett",
    "gern",
    "gerne",
    "moechte",
    "will",
    "wuerde",
    "wollte",
    "einen",
    "termin",
    "geht",
    "ginge",
    "gehts",
    "passt",
    "es",
    "wie",
    "waere",
    "waers",
    "mit",
    "am",
    "um",
    "den",
    "dem",
    "der",
    "die",
    "das",
    "des",
    "im",
    "zum",
    "zur",
    "also",
    "ja",
    "doch",
    "dann",
    "noch",
    "eventuell",
    "eher",
    "lieber",
    "mal",
    "denn",
    "nun",
    "auch",
    "aeh",
    "aehm",
    "hm",
    "ok",
    "okay",
    "gut",
    "prima",
    "klingt",
    "naja",
    "da",
    "fuer",
    "sagen",
    "wir",
    "kommt",
    "koennte",
    "kann",
    "sie",
    "ihr",
    "du",
    "mir",
    "uns",
    "hallo",
    "recht",
    "frei",
    "haben",
    "habt",
    "hast",
    "was",
    "zeit",
    "vorbeikommen",
    "kommen",
    "vorbei",
    "spaetestens",
    "genau",
    "ist",
    "wann",
    "in",
    "an",
    "auf",
    "irgendwie",
    "hmm",
    "vielen",
    "dank",
    "danke",
    "oh",
    "okey",
    "wenn",
    "moeglich",
    "gehen",
    "puenktlich",
    "punkt",
    "zu",
    "dieser",
    "so",
    "rum",
    "herum",
    "irgendwann",
    "liebsten",
    "besten",
    "gleich",
    "schon",
    "spaeter",
    "halt",
    "eigentlich",
    "wohl",
    "termine",
    "uhrzeit",
    "datum",
    // Verbs and pronouns of "hätten Sie …", "wie schaut's … aus", "dann nehm ich …".
    "haetten",
    "haettest",
    "hat",
    "habe",
    "gibt",
    "gibts",
    "gaebe",
    "waer",
    "waert",
    "moechten",
    "koennten",
    "koennt",
    "wollen",
    "brauche",
    "braeuchte",
    "suche",
    "klappt",
    "klappts",
    "klappen",
    "schaut",
    "schauts",
    "aus",
    "sieht",
    "siehts",
    "aussehen",
    "dachte",
    "denke",
    "dachten",
    "meinte",
    "meine",
    "nehme",
    "nehm",
    "nehmen",
    "mache",
    "machen",
    "vereinbaren",
    "buchen",
    "reservieren",
    "ausmachen",
    "vorbeischauen",
    "etwas",
    "ihnen",
    "dir",
    "euch",
    "mich",
    "mhm",
    "oke",
    "terminchen",
    "ein",
    "eine",
    "einem",
    "einer",
    "servus",
    "gruezi",
    "moin",
    "wuerden",
    "sind",
    "bin",
    "waeren",
    "dran",
    "s",
    // "…, geht das bei Ihnen?", "würde mir gut passen", "wäre ideal", "wenn's geht". Content words
    // ("bei Anna") stay unplaced, so such phrases are still refused.
    "bei",
    "und",
    "passen",
    "super",
    "ideal",
    "perfekt",
    "toll",
    "schoen",
    "wunderbar",
    "komm",
    "fragen",
    "ob",
    "wenns",
    "da",
    "sein",
    "grueezi",
    "merci",
    "prima",
    "gerne",
    "bestens",
    // "im Laufe der nächsten Woche", "im Laufe des Januars": the span itself.
    "laufe",
];

/// Words whose next word belongs to what the caller asks for: after a time preposition
/// an unknown word is a time not understood, and after "bei" or "mit" a person or place
/// the answer would silently drop ("morgen bei Tante Erna", "mit Anna am Freitag").
const WANTS_TIME: &[&str] = &[
    "um",
    "ab",
    "bis",
    "gegen",
    "vor",
    "nach",
    "zwischen",
    "von",
    "vom",
    "seit",
    "zum",
    "am",
    "ca",
    "circa",
    "etwa",
    "ungefaehr",
    "spaetestens",
    "fruehestens",
    "bei",
    "beim",
    "mit",
];

/// Whether `word` is harmless filler.
pub fn is_filler(word: &str) -> bool {
    FILLER.contains(&word)
}

pub struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    pieces: Vec<Piece>,
}

impl Parser {
    /// The pieces of a phrase, or `None` when a word cannot be placed.
    pub fn parse(tokens: Vec<Token>) -> Option<Vec<Piece>> {
        let mut parser = Parser {
            tokens,
            pos: 0,
            pieces: Vec::new(),
        };
        while parser.pos < parser.tokens.len() {
            if !parser.step() {
                return None;
            }
        }
        Some(parser.pieces)
    }

    /// The pieces of a caller's sentence that may carry other content around the time
    /// expression (a name, what it is about), with the words set aside. Words the
    /// parser cannot place are allowed only before or after the expression, never
    /// inside it, and never right after a word that wants a time ("um", "ab", "bis", …):
    /// "am Dienstag um Blumenkohl" stays refused.
    pub fn parse_sentence(tokens: Vec<Token>) -> Option<(Vec<Piece>, Vec<String>)> {
        let mut parser = Parser {
            tokens,
            pos: 0,
            pieces: Vec::new(),
        };
        let mut placed: Vec<usize> = Vec::new();
        let mut unknown: Vec<usize> = Vec::new();
        while parser.pos < parser.tokens.len() {
            let (from, pieces) = (parser.pos, parser.pieces.len());
            if parser.step() {
                if parser.pieces.len() > pieces {
                    placed.extend(from..parser.pos);
                }
            } else {
                unknown.push(parser.pos);
                parser.pos += 1;
            }
        }
        let (first, last) = (*placed.first()?, *placed.last()?);
        // The word before, over filler: "nach dem Zahnarzt" wants a time all the same.
        let wants_time = |at: usize| {
            let mut before = at;
            while let Some(b) = before.checked_sub(1) {
                match parser.tokens.get(b) {
                    Some(Token::Word(w)) if WANTS_TIME.contains(&w.as_str()) => return true,
                    Some(Token::Word(w)) if is_filler(w) => before = b,
                    _ => return false,
                }
            }
            false
        };
        // Right beside a time word it is part of the expression: "am dritten Blumenkohl".
        let touches_time = |at: usize| {
            at.checked_sub(1).is_some_and(|b| placed.contains(&b)) || placed.contains(&(at + 1))
        };
        let outside = unknown
            .iter()
            .all(|u| (*u < first || *u > last) && !wants_time(*u) && !touches_time(*u));
        if !outside {
            return None;
        }
        let aside = unknown
            .iter()
            .filter_map(|u| match &parser.tokens[*u] {
                Token::Word(w) => Some(w.clone()),
                _ => None,
            })
            .collect();
        Some((parser.pieces, aside))
    }

    fn word(&self, offset: usize) -> Option<&str> {
        match self.tokens.get(self.pos + offset) {
            Some(Token::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }

    fn is(&self, offset: usize, words: &[&str]) -> bool {
        self.word(offset).is_some_and(|w| words.contains(&w))
    }

    fn emit(&mut self, piece: Piece, consumed: usize) -> bool {
        self.pieces.push(piece);
        self.pos += consumed;
        true
    }

    /// Places the token at `pos` (and maybe some after it).
    fn step(&mut self) -> bool {
        self.soonest()
            || self.holiday()
            || self.clock()
            || self.offset()
            || self.relative_day()
            || self.week_or_month()
            || self.weekday()
            || self.date()
            || self.day_part()
            || self.range_word()
            || self.year()
            || self.filler()
    }

    /// "so bald wie möglich", "möglichst bald": open from now; "nicht vor X": from X on.
    /// Greetings are skipped here, before "Morgen" could be read as tomorrow.
    fn soonest(&mut self) -> bool {
        if self.is(0, &["guten"]) && self.is(1, &["morgen", "tag", "abend"])
            || self.is(0, &["gruess"]) && self.is(1, &["gott"])
        {
            self.pos += 2;
            return true;
        }
        let soon = ["bald", "schnell", "frueh"];
        if self.is(0, &["so"])
            && self.is(1, &soon)
            && self.is(2, &["wie"])
            && self.is(3, &["moeglich"])
        {
            self.pieces.push(Piece::After);
            return self.emit(Piece::Now, 4);
        }
        if self.is(0, &["moeglichst"]) && self.is(1, &soon) {
            self.pieces.push(Piece::After);
            return self.emit(Piece::Now, 2);
        }
        // "kurz nach drei": from three on.
        if self.is(0, &["kurz"]) && self.is(1, &["nach"]) {
            return self.emit(Piece::After, 2);
        }
        if self.is(0, &["nicht"]) && self.is(1, &["vor", "frueher", "eher"]) {
            let skip = if self.is(2, &["als"]) { 3 } else { 2 };
            return self.emit(Piece::After, skip);
        }
        false
    }

    fn filler(&mut self) -> bool {
        let filler = self.word(0).is_some_and(|w| FILLER.contains(&w));
        if filler {
            self.pos += 1;
        }
        filler
    }

    fn holiday(&mut self) -> bool {
        // "der Tag vor Weihnachten", "die Woche nach Ostern".
        if self.is(0, &["tag", "woche"]) && self.is(1, &["vor", "nach"]) {
            let after = self.is(1, &["nach"]);
            let article = usize::from(self.is(2, &["dem", "den", "der"]));
            if let Some((rule, len)) = self.holiday_at(2 + article) {
                let week = self.is(0, &["woche"]);
                let days = if week { 7 } else { 1 };
                if week {
                    self.pieces.push(Piece::WeekOf);
                }
                let shift = FromHoliday::Days(if after { days } else { -days });
                return self.emit(Piece::AroundHoliday(rule, shift), 2 + article + len);
            }
        }
        match self.holiday_at(0) {
            Some((rule, len)) => self.emit(Piece::Holiday(rule), len),
            None => false,
        }
    }

    /// The holiday named at `offset`, with how many words its name takes.
    fn holiday_at(&self, offset: usize) -> Option<(super::lexicon::HolidayRule, usize)> {
        HOLIDAYS.iter().find_map(|(words, rule)| {
            words
                .iter()
                .enumerate()
                .all(|(i, w)| self.word(offset + i) == Some(*w))
                .then_some((*rule, words.len()))
        })
    }

    fn relative_day(&mut self) -> bool {
        let Some(word) = self.word(0) else {
            return false;
        };
        // "übermorgen am Morgen", "Freitag am Morgen": after a day, the morning.
        let said_day = matches!(
            self.pieces.last(),
            Some(
                Piece::RelativeDay(_)
                    | Piece::Weekday(..)
                    | Piece::DayOfMonth { .. }
                    | Piece::Holiday(_)
            )
        );
        if word == "morgen"
            && said_day
            && self.pos > 0
            && matches!(self.tokens.get(self.pos - 1), Some(Token::Word(w)) if w == "am")
        {
            return self.emit(Piece::Part(DayPart::Early), 1);
        }
        let day = match word {
            "heute" | "heut" => 0,
            "morgen" => 1,
            "uebermorgen" => 2,
            "gestern" => -1,
            "vorgestern" => -2,
            "jetzt" | "sofort" => return self.emit(Piece::Now, 1),
            "schnellstmoeglich" | "baldmoeglichst" | "asap" => {
                self.pieces.push(Piece::After);
                return self.emit(Piece::Now, 1);
            }
            "gerade" if self.is(1, &["eben"]) => return self.emit(Piece::Now, 2),
            _ => return false,
        };
        // "heute Morgen", "morgen früh": the second word is the part of the day.
        self.emit(Piece::RelativeDay(day), 1);
        if day != 1 && self.is(0, &["morgen"]) {
            return self.emit(Piece::Part(DayPart::Early), 1);
        }
        true
    }

    fn shift_word(&self, offset: usize) -> Option<Shift> {
        match self.word(offset)? {
            "diese" | "diesen" | "dieser" | "dieses" | "kommende" | "kommenden" | "kommender"
            | "naechste" | "naechsten" | "naechster" | "naechstes" => Some(Shift::Next),
            "uebernaechste" | "uebernaechsten" | "uebernaechster" | "uebernaechstes" => {
                Some(Shift::AfterNext)
            }
            "letzte" | "letzten" | "letzter" | "letztes" | "vergangene" | "vergangenen"
            | "vorige" | "vorigen" => Some(Shift::Last),
            _ => None,
        }
    }

    fn week_or_month(&mut self) -> bool {
        let (shift, at) = match self.shift_word(0) {
            Some(shift) => (Some(shift), 1),
            None => (None, 0),
        };
        let this = self.is(0, &["diese", "diesen", "dieser", "dieses"]);
        let step = match shift {
            _ if this => 0,
            Some(Shift::Next) => 1,
            Some(Shift::AfterNext) => 2,
            Some(Shift::Last) => -1,
            None => 0,
        };
        // "in der Woche vom 14. Dezember": the week of the day that follows.
        if shift.is_none() && self.is(0, &["woche"]) && self.is(1, &["vom", "von"]) {
            return self.emit(Piece::WeekOf, 2);
        }
        // "Ende der Woche", "Anfang des Monats": the current one.
        let after_segment = matches!(self.pieces.last(), Some(Piece::Segment(_)));
        let piece = match self.word(at) {
            Some("woche") if shift.is_some() || after_segment => Piece::Week(step),
            Some("wochenende") => Piece::Weekend(if shift.is_some() { step } else { 0 }),
            Some("monat" | "monats") if shift.is_some() || after_segment => {
                Piece::RelativeMonth(step)
            }
            Some("jahr" | "jahres") if shift.is_some() => Piece::RelativeYear(step),
            // "nächsten März", "übernächsten März", "letzten März".
            Some(word) if shift.is_some() && !this && lexicon::month(word).is_some() => {
                let month = lexicon::month(word).unwrap_or(1);
                Piece::Month {
                    month,
                    skip: step - 1,
                }
            }
            _ => {
                return match self.word(0) {
                    Some("heuer") => self.emit(Piece::RelativeYear(0), 1),
                    Some("anfang") => self.emit(Piece::Segment(Segment::Start), 1),
                    Some("mitte") => self.emit(Piece::Segment(Segment::Middle), 1),
                    Some("ende") => self.emit(Piece::Segment(Segment::End), 1),
                    Some("monatsanfang") => self.emit(Piece::Segment(Segment::Start), 1),
                    Some("monatsende") => self.emit(Piece::Segment(Segment::End), 1),
                    _ => false,
                };
            }
        };
        self.emit(piece, at + 1)
    }

    fn weekday(&mut self) -> bool {
        // "an einem Dienstag" is any Tuesday: leave the weekday unplaced, so it is refused.
        let indefinite = self.pos > 0
            && matches!(self.tokens.get(self.pos - 1), Some(Token::Word(w)) if matches!(w.as_str(), "einem" | "einen" | "irgendeinem" | "jeden" | "jedem"));
        if indefinite {
            return false;
        }
        let (shift, at) = match self.shift_word(0) {
            Some(shift) => (shift, 1),
            None => (Shift::Next, 0),
        };
        let Some(word) = self.word(at).map(str::to_owned) else {
            return false;
        };
        if let Some(day) = lexicon::weekday(&word)
            && self.is(at + 1, &["vor", "nach"])
        {
            // "Mittwoch nach Ostern", "Freitag vor Pfingsten".
            let after = self.is(at + 1, &["nach"]);
            let article = usize::from(self.is(at + 2, &["dem", "den", "der"]));
            if let Some((rule, len)) = self.holiday_at(at + 2 + article) {
                let piece = Piece::AroundHoliday(rule, FromHoliday::Weekday(day, after));
                return self.emit(piece, at + 2 + article + len);
            }
        }
        if let Some(day) = lexicon::weekday(&word) {
            self.emit(Piece::Weekday(day, shift), at + 1);
            if self.is(0, &["morgen"]) {
                return self.emit(Piece::Part(DayPart::Early), 1);
            }
            return true;
        }
        // "Montagvormittag", "Dienstagnachmittag".
        for prefix in [
            "montag",
            "dienstag",
            "mittwoch",
            "donnerstag",
            "freitag",
            "samstag",
            "sonnabend",
            "sonntag",
        ] {
            if let Some(part) = word.strip_prefix(prefix).and_then(lexicon::day_part)
                && let Some(day) = lexicon::weekday(prefix)
            {
                self.emit(Piece::Weekday(day, shift), at + 1);
                return self.emit(Piece::Part(part), 0);
            }
        }
        false
    }

    fn date(&mut self) -> bool {
        match self.tokens.get(self.pos).cloned() {
            Some(Token::Date {
                day, month, year, ..
            }) => {
                let Ok(month) = i8::try_from(month) else {
                    return false;
                };
                self.emit(
                    Piece::DayOfMonth {
                        day,
                        month: Some(month),
                    },
                    1,
                );
                if let Some(year) = year {
                    self.pieces.push(Piece::Year(year));
                }
                true
            }
            Some(Token::Number { value, digits }) if (1..=31).contains(&value) && digits <= 2 => {
                self.numbered_day(value)
            }
            _ => {
                // "März 3", "Februar 15": the month first.
                if let Some(month) = self.word(0).and_then(lexicon::month)
                    && let Some(day) = self.day_number_at(1)
                {
                    return self.emit(
                        Piece::DayOfMonth {
                            day,
                            month: Some(month),
                        },
                        2,
                    );
                }
                let Some(day) = self.ordinal_at(0) else {
                    return false;
                };
                if let Some(month) = self.word(1).and_then(lexicon::month) {
                    return self.emit(
                        Piece::DayOfMonth {
                            day,
                            month: Some(month),
                        },
                        2,
                    );
                }
                // "am dritten Zwölften": a month said as an ordinal.
                if let Some(month) = self
                    .ordinal_at(1)
                    .filter(|m| (1..=12).contains(m))
                    .and_then(|m| i8::try_from(m).ok())
                {
                    return self.emit(
                        Piece::DayOfMonth {
                            day,
                            month: Some(month),
                        },
                        2,
                    );
                }
                self.emit(Piece::DayOfMonth { day, month: None }, 1)
            }
        }
    }

    /// A bare number as a day: before a month name ("1 März"), or as the first end of a
    /// range of days ("13 bis 15 Juli").
    fn numbered_day(&mut self, day: u32) -> bool {
        if let Some(month) = self.word(1).and_then(lexicon::month) {
            return self.emit(
                Piece::DayOfMonth {
                    day,
                    month: Some(month),
                },
                2,
            );
        }
        let range_follows =
            matches!(self.tokens.get(self.pos + 1), Some(Token::Dash)) || self.is(1, &["bis"]);
        let month_later = (2..6).any(|i| {
            self.word(i).and_then(lexicon::month).is_some()
                || matches!(self.tokens.get(self.pos + i), Some(Token::Date { .. }))
        });
        if range_follows && month_later {
            return self.emit(Piece::DayOfMonth { day, month: None }, 1);
        }
        false
    }

    fn day_number_at(&self, offset: usize) -> Option<u32> {
        match self.tokens.get(self.pos + offset)? {
            Token::Number { value, digits } if (1..=31).contains(value) && *digits <= 2 => {
                Some(*value)
            }
            Token::Ordinal(n) if (1..=31).contains(n) => Some(*n),
            _ => None,
        }
    }

    fn ordinal_at(&self, offset: usize) -> Option<u32> {
        match self.tokens.get(self.pos + offset)? {
            Token::Ordinal(n) => Some(*n),
            Token::Word(w) => lexicon::ordinal(w),
            _ => None,
        }
    }

    fn year(&mut self) -> bool {
        // "im Jahr 2027": the word "Jahr" before a year.
        let skip = usize::from(self.is(0, &["jahr"]));
        let year = match self.tokens.get(self.pos + skip) {
            Some(Token::Number { value, digits: 4 }) => Some(*value),
            Some(Token::Word(w)) => lexicon::cardinal(w).filter(|n| *n >= 1000),
            _ => None,
        };
        match year {
            Some(year) if (1900..=2200).contains(&year) => {
                self.emit(Piece::Year(year as i32), skip + 1)
            }
            _ => match self.word(0).and_then(lexicon::month) {
                Some(month) => self.emit(Piece::Month { month, skip: 0 }, 1),
                None => false,
            },
        }
    }

    fn day_part(&mut self) -> bool {
        // "in der Früh", "am Vormittag", "über Mittag", "gegen Mittag".
        if self.is(0, &["in"]) && self.is(1, &["der"]) && self.is(2, &["frueh"]) {
            return self.emit(Piece::Part(DayPart::Early), 3);
        }
        // "auf die Nacht", "auf d'Nacht" (folded "dnacht"): the evening.
        if self.is(0, &["auf"]) && self.is(1, &["die"]) && self.is(2, &["nacht"]) {
            return self.emit(Piece::Part(DayPart::Evening), 3);
        }
        if self.is(0, &["auf"]) && self.is(1, &["dnacht"]) {
            return self.emit(Piece::Part(DayPart::Evening), 2);
        }
        if self.is(0, &["ueber"]) && self.is(1, &["mittag"]) {
            return self.emit(Piece::Part(DayPart::Noon), 2);
        }
        if self.is(0, &["gegen", "um"]) && self.is(1, &["mittag"]) {
            return self.emit(
                Piece::Clock {
                    hour: 12,
                    minute: 0,
                    explicit: true,
                },
                2,
            );
        }
        // "am späten Nachmittag", "frühen Abend".
        let half = match (self.word(0), self.word(1)) {
            (Some("spaeten" | "spaeter" | "spaet"), Some("vormittag" | "vormittags")) => {
                Some(DayPart::LateMorning)
            }
            (Some("fruehen" | "frueher"), Some("nachmittag" | "nachmittags")) => {
                Some(DayPart::EarlyAfternoon)
            }
            (Some("spaeten" | "spaeter" | "spaet"), Some("nachmittag" | "nachmittags")) => {
                Some(DayPart::LateAfternoon)
            }
            (Some("fruehen" | "frueher"), Some("abend" | "abends")) => Some(DayPart::EarlyEvening),
            (Some("spaeten" | "spaeter" | "spaet"), Some("abend" | "abends")) => {
                Some(DayPart::LateEvening)
            }
            _ => None,
        };
        if let Some(part) = half {
            return self.emit(Piece::Part(part), 2);
        }
        if self.is(0, &["mitternacht"]) {
            return self.emit(
                Piece::Clock {
                    hour: 0,
                    minute: 0,
                    explicit: true,
                },
                1,
            );
        }
        match self.word(0).and_then(lexicon::day_part) {
            Some(part) => self.emit(Piece::Part(part), 1),
            None => false,
        }
    }

    fn range_word(&mut self) -> bool {
        let piece = match self.tokens.get(self.pos) {
            Some(Token::Dash) => Piece::RangeTo,
            Some(Token::Word(w)) => match w.as_str() {
                "zwischen" | "von" | "vom" => Piece::RangeOpen,
                // "bis zum 15.": one end, said with two words.
                "zum" if matches!(self.pieces.last(), Some(Piece::RangeTo)) => {
                    self.pos += 1;
                    return true;
                }
                "bis" | "und" | "zum"
                    if self.pieces.iter().any(|p| matches!(p, Piece::RangeOpen)) || w == "bis" =>
                {
                    Piece::RangeTo
                }
                "ab" | "nach" | "fruehestens" | "frühestens" => Piece::After,
                _ => return false,
            },
            _ => return false,
        };
        self.emit(piece, 1)
    }

    fn offset(&mut self) -> bool {
        let sign = match self.word(0) {
            Some("in" | "binnen") => 1,
            Some("vor") => -1,
            _ => return false,
        };
        // "in einer halben Stunde", "in anderthalb Stunden".
        if sign > 0 && self.is(1, &["einer"]) && self.is(2, &["halben"]) && self.is(3, &["stunde"])
        {
            return self.emit(Piece::OffsetMinutes(30), 4);
        }
        if sign > 0 && self.is(1, &["anderthalb", "eineinhalb"]) && self.is(2, &["stunden"]) {
            return self.emit(Piece::OffsetMinutes(90), 3);
        }
        // "in einer Viertelstunde", "in einer Dreiviertelstunde".
        if sign > 0 && self.is(1, &["einer"]) && self.is(2, &["viertelstunde", "dreiviertelstunde"])
        {
            return self.emit(
                Piece::OffsetMinutes(if self.is(2, &["viertelstunde"]) {
                    15
                } else {
                    45
                }),
                3,
            );
        }
        // "in zweieinhalb Stunden".
        if sign > 0
            && let Some(hours) = self
                .word(1)
                .and_then(|w| w.strip_suffix("einhalb"))
                .and_then(lexicon::cardinal)
            && self.is(2, &["stunden"])
        {
            return self.emit(Piece::OffsetMinutes(i64::from(hours) * 60 + 30), 3);
        }
        let Some(n) = self.count_at(1) else {
            return false;
        };
        let n = sign * i64::from(n);
        let piece = match self.word(2) {
            // "in acht Tagen" is a week, "in vierzehn Tagen" two: how German counts.
            Some("tag" | "tage" | "tagen") if n.abs() == 8 => Piece::OffsetDays(7 * sign),
            Some("tag" | "tage" | "tagen") => Piece::OffsetDays(n),
            Some("woche" | "wochen") => Piece::OffsetDays(7 * n),
            Some("monat" | "monaten" | "monate") => Piece::OffsetMonths(n),
            Some("jahr" | "jahren" | "jahre") => Piece::OffsetMonths(12 * n),
            Some("stunde" | "stunden" | "std") => Piece::OffsetMinutes(60 * n),
            Some("minute" | "minuten" | "min") => Piece::OffsetMinutes(n),
            _ => return false,
        };
        self.emit(piece, 3)
    }

    /// A count: digits, a number word, or "ein/eine/einer/einem".
    fn count_at(&self, offset: usize) -> Option<u32> {
        match self.tokens.get(self.pos + offset)? {
            Token::Number { value, .. } => Some(*value),
            Token::Word(w) => match w.as_str() {
                "ein" | "eine" | "einer" | "einem" | "einen" => Some(1),
                other => lexicon::cardinal(other),
            },
            _ => None,
        }
    }
}

#[path = "clock.rs"]
mod clock;
