#!/usr/bin/env python3
"""Generate phrases.jsonl: an independent test corpus for the spoken-German
date/time resolver (contract: /work/shared/contract/german.md).

Python 3.11, standard library only.  Every expected value is COMPUTED here from
the reference time with `zoneinfo`/`datetime`; nothing is typed in by hand
except the meaning of the words themselves (e.g. "halb drei" = 2:30 before the
business-hours rule, "abends" = 18-22).

    python3 make_corpus.py            # writes phrases.jsonl next to this file

Line format
-----------
{"id","text","ref","tz","expect_start","expect_end","grain","category"}
  ref / expect_start / expect_end are LOCAL wall-clock times in tz (no offset).
  expect_end is exclusive.  Open ranges omit expect_end and set "open":"after".
  Refusals: {"id","text","ref","tz","expect":"not_understood","category":"refuse"}.
  Cases of category "dst" additionally carry "expect_start_offset" (and
  "expect_end_offset" when there is an end), e.g. "+02:00", because the wall
  clock alone cannot tell the two occurrences of an autumn-fold time apart.

Conventions decided here (the contract leaves them open; see also the report)
------------------------------------------------------------------------------
 1. A time of day WITHOUT a date (a clock time, a clock range, "ab 15 Uhr",
    a bare part of day such as "nachmittags") means today if its start is
    still ahead of the reference time, otherwise tomorrow (future by default).
    Phrases whose interval has started but not ended at the reference time
    ("nachmittags" said at 16:45) are left out as ambiguous.
 2. Business-hours rule: candidates h and h+12; a candidate qualifies when it
    starts within 07:00-20:00 INCLUSIVE.  When both qualify (7:00-7:59 and 8:00)
    the earlier (morning) one wins, as in the contract's "um acht" -> 08:00 and
    the brief's "um sieben" -> 07:00.  Such tie values are only used together
    with an explicit date ("morgen um sieben"), never bare, because with a bare
    time after 08:00 "19:00 today" vs "07:00 tomorrow" would be a guess.
    Numeric "um 3 Uhr" / "um 10 Uhr" are bare 12-hour values (contract example
    "um 10 Uhr"); numeric h:mm is only used with h >= 8 (no 12/24-hour doubt).
 3. Explicit markers: "abends" -> h+12 (h 6..11), "nachmittags" -> h+12,
    "nachts"/"früh"/"morgens" with h <= 7 -> h, "vormittags" -> h.
 4. Grains: clock time (also "gegen Mittag", elapsed "in 20 Minuten",
    "in drei Stunden") = minute, end = start + 1 minute of real time.  Ranges
    between clock times also use grain minute; the end is the instant of the
    second time ("zwischen 14 und 16 Uhr" -> 14:00..16:00).  Date ranges,
    parts of week and parts of month: grain day, end = day after the last day.
    Parts of day: grain hour.  "nächste Woche": grain week.
 5. "in N Tagen" / "in N Wochen" / "in acht/vierzehn Tagen": calendar offset of
    the date, grain day ("in zwei Wochen" = "in vierzehn Tagen" = +14 days,
    "in einer Woche" = +7 days).
 6. Weekday qualifiers (contract: "nächsten Donnerstag" on Thursday = +7 days).
    Two readings exist in German usage for "nächsten X" ("the next X" vs "X of
    next week") and likewise for "übernächsten X" and "letzten X".  Only cases
    where both readings give the same date are included (checked in code).
    "diesen X" is only used for a weekday still ahead in the current week.
 7. "am N." / "den einundzwanzigsten" without month: this month if the day is
    still ahead, else next month; a day equal to today is left out.  Dates and
    holidays equal to today, a month name equal to the current month, and a
    weekday equal to today combined with a part of day are left out.
 8. Month name without year ("im Februar"): the next such month (this year if
    still ahead, else next year); grain month.
 9. Holidays: the next occurrence strictly after today.  Only names with a
    single date are used (no bare "Weihnachten", "Ostern", "Pfingsten",
    "Vatertag", "Nationalfeiertag").
10. Spring gap: a non-existent local time moves forward by the gap (02:30 ->
    03:30).  Autumn fold: the earlier (summer-time, +02:00) occurrence.
    Elapsed durations ("in fünf Stunden") are real (UTC) time.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
D = dt.timedelta
MO, DI, MI, DO, FR, SA, SO = range(7)
WD_NAMES = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember"]


class Ambiguous(Exception):
    pass


# --------------------------------------------------------------------------
# Time zone handling
# --------------------------------------------------------------------------
def wall(naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Local wall-clock time -> aware datetime, normalised.

    fold=0 means: in a spring gap the pre-transition offset is used, so after
    normalisation the time moves forward by the gap; in an autumn fold the
    earlier (summer-time) occurrence is taken."""
    aware = naive.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz)


def plus_real(aware: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    return (aware.astimezone(UTC) + delta).astimezone(aware.tzinfo)


def at(d: dt.date, h: int = 0, m: int = 0) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, h, m)


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------
class Res:
    def __init__(self, start, end, grain, open_after=False):
        self.start, self.end, self.grain, self.open = start, end, grain, open_after
        if end is not None:
            assert end > start, (start, end)


def point(r, d, hm):
    h, m = hm
    s = wall(at(d, h, m), r.tz)
    return Res(s, plus_real(s, D(minutes=1)), "minute")


def day(r, d):
    return Res(wall(at(d), r.tz), wall(at(d + D(days=1)), r.tz), "day")


def days(r, first, last_incl):
    assert last_incl >= first
    return Res(wall(at(first), r.tz), wall(at(last_incl + D(days=1)), r.tz), "day")


def hours(r, d, a, b):
    """Part of day a..b o'clock on date d (grain hour)."""
    return Res(wall(at(d, a), r.tz), wall(at(d, b), r.tz), "hour")


def clock_range(r, d1, hm1, d2, hm2):
    return Res(wall(at(d1, *hm1), r.tz), wall(at(d2, *hm2), r.tz), "minute")


def week(r, monday):
    assert monday.weekday() == MO
    return Res(wall(at(monday), r.tz), wall(at(monday + D(days=7)), r.tz), "week")


def month(r, y, m):
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return Res(wall(dt.datetime(y, m, 1), r.tz), wall(dt.datetime(ny, nm, 1), r.tz), "month")


def year(r, y):
    return Res(wall(dt.datetime(y, 1, 1), r.tz), wall(dt.datetime(y + 1, 1, 1), r.tz), "year")


def opened(res: Res) -> Res:
    return Res(res.start, None, res.grain, open_after=True)


def elapsed(r, **kw):
    s = plus_real(r.now, D(**kw))
    return Res(s, plus_real(s, D(minutes=1)), "minute")


# --------------------------------------------------------------------------
# Business hours and clock idioms
# --------------------------------------------------------------------------
def bh(h: int, m: int = 0, tie_ok: bool = False):
    """Bare 12-hour value h:m (h may be 0..12) -> (H, M) by the business-hours rule."""
    assert 0 <= h <= 12 and 0 <= m < 60
    base = (h % 12) * 60 + m
    ok = [c for c in (base, base + 720) if 7 * 60 <= c <= 20 * 60]
    if not ok:
        raise Ambiguous(f"no business-hours reading for {h}:{m:02d}")
    if len(ok) == 2 and not tie_ok:
        raise Ambiguous(f"tie for {h}:{m:02d}")
    return divmod(ok[0], 60)


def halb(n):            # "halb drei" = 2:30
    return ((n - 1) % 12, 30)


def viertel_nach(n):    # "Viertel nach zwei" = 2:15
    return (n % 12, 15)


def viertel_vor(n):     # "Viertel vor drei" = 2:45
    return ((n - 1) % 12, 45)


def viertel(n):         # regional "Viertel drei" = 2:15
    return ((n - 1) % 12, 15)


def dreiviertel(n):     # regional "dreiviertel drei" = 2:45
    return ((n - 1) % 12, 45)


def nach(x, n):         # "zwanzig nach drei" = 3:20
    return (n % 12, x)


def vor(x, n):          # "zehn vor vier" = 3:50
    return ((n - 1) % 12, 60 - x)


def vor_halb(x, n):     # "fünf vor halb drei" = 2:25
    return ((n - 1) % 12, 30 - x)


def nach_halb(x, n):    # "zehn nach halb drei" = 2:40
    return ((n - 1) % 12, 30 + x)


def B(hm, tie_ok=False):
    return bh(hm[0], hm[1], tie_ok)


# --------------------------------------------------------------------------
# German number words
# --------------------------------------------------------------------------
_UNITS = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
          "zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn",
          "achtzehn", "neunzehn"]
_TENS = {20: "zwanzig", 30: "dreißig", 40: "vierzig", 50: "fünfzig", 60: "sechzig",
         70: "siebzig", 80: "achtzig", 90: "neunzig"}


def num(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    if n < 100:
        t, u = n // 10 * 10, n % 10
        if u == 0:
            return _TENS[t]
        return ("ein" if u == 1 else _UNITS[u]) + "und" + _TENS[t]
    if n < 1000:
        h, rest = divmod(n, 100)
        return ("ein" if h == 1 else _UNITS[h]) + "hundert" + (num(rest) if rest else "")
    if 2000 <= n < 2100:
        return "zweitausend" + (num(n - 2000) if n > 2000 else "")
    raise ValueError(n)


def hw(n: int) -> str:
    """Hour word in clock idioms: 'eins', 'zwei', ... 'zwölf'."""
    return _UNITS[n]


def ordn(n: int) -> str:
    """Dative/accusative ordinal: 'ersten', 'dritten', 'einundzwanzigsten'."""
    special = {1: "ersten", 3: "dritten", 7: "siebten", 8: "achten"}
    if n in special:
        return special[n]
    if n < 20:
        return _UNITS[n] + "ten"
    return num(n) + "sten"


assert num(21) == "einundzwanzig" and num(57) == "siebenundfünfzig" and num(2027) == "zweitausendsiebenundzwanzig"
assert ordn(21) == "einundzwanzigsten" and ordn(30) == "dreißigsten" and ordn(16) == "sechzehnten"
assert ordn(31) == "einunddreißigsten" and ordn(2) == "zweiten"


# --------------------------------------------------------------------------
# Holidays
# --------------------------------------------------------------------------
def easter(y: int) -> dt.date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = y % 19
    b, c = divmod(y, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    mo = (h + l - 7 * m + 114) // 31
    da = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(y, mo, da)


assert easter(2027) == dt.date(2027, 3, 28) and easter(2026) == dt.date(2026, 4, 5)
assert easter(2028) == dt.date(2028, 4, 16) and easter(2013) == dt.date(2013, 3, 31)


def fixed(m, d):
    return lambda y: dt.date(y, m, d)


def from_easter(off):
    return lambda y: easter(y) + D(days=off)


def muttertag(y):
    d = dt.date(y, 5, 1)
    first_sun = d + D(days=(SO - d.weekday()) % 7)
    return first_sun + D(days=7)


HOLIDAYS = {
    "heiligabend": fixed(12, 24),
    "silvester": fixed(12, 31),
    "neujahr": fixed(1, 1),
    "weihnacht1": fixed(12, 25),
    "weihnacht2": fixed(12, 26),
    "tag_der_arbeit": fixed(5, 1),
    "einheit": fixed(10, 3),
    "allerheiligen": fixed(11, 1),
    "reformationstag": fixed(10, 31),
    "nikolaus": fixed(12, 6),
    "valentinstag": fixed(2, 14),
    "dreikoenig": fixed(1, 6),
    "mariae_himmelfahrt": fixed(8, 15),
    "mariae_empfaengnis": fixed(12, 8),
    "berchtoldstag": fixed(1, 2),
    "rosenmontag": from_easter(-48),
    "aschermittwoch": from_easter(-46),
    "gruendonnerstag": from_easter(-3),
    "karfreitag": from_easter(-2),
    "ostersonntag": from_easter(0),
    "ostermontag": from_easter(1),
    "himmelfahrt": from_easter(39),
    "pfingstsonntag": from_easter(49),
    "pfingstmontag": from_easter(50),
    "fronleichnam": from_easter(60),
    "muttertag": muttertag,
}


# --------------------------------------------------------------------------
# Reference times
# --------------------------------------------------------------------------
class Ref:
    def __init__(self, iso: str, tzname: str):
        self.iso, self.tzname, self.tz = iso, tzname, ZoneInfo(tzname)
        naive = dt.datetime.fromisoformat(iso)
        self.now = wall(naive, self.tz)
        if self.now.replace(tzinfo=None) != naive:
            raise ValueError(f"reference {iso} does not exist in {tzname}")
        if naive.replace(tzinfo=self.tz, fold=1).utcoffset() != naive.replace(tzinfo=self.tz, fold=0).utcoffset():
            raise ValueError(f"reference {iso} is ambiguous in {tzname}")
        self.today = naive.date()
        self.wd = self.today.weekday()
        self.monday = self.today - D(days=self.wd)
        self.next_monday = self.monday + D(days=7)

    # relative days ------------------------------------------------------
    def plus(self, n):
        return self.today + D(days=n)

    # weekdays -----------------------------------------------------------
    def next_wd(self, w):
        """Plain weekday: the next one strictly after today (today -> +7)."""
        return self.today + D(days=((w - self.wd) % 7) or 7)

    def this_wd(self, w):
        if w <= self.wd:
            raise Ambiguous("diesen X only for a weekday still ahead this week")
        return self.monday + D(days=w)

    def naechsten(self, w):
        a = self.next_wd(w)                  # "the next X"
        b = self.next_monday + D(days=w)     # "X of next week"
        if a != b:
            raise Ambiguous(f"nächsten {WD_NAMES[w]} on {WD_NAMES[self.wd]}")
        return a

    def uebernaechsten(self, w):
        a = self.next_wd(w) + D(days=7)
        b = self.next_monday + D(days=7 + w)
        if a != b:
            raise Ambiguous(f"übernächsten {WD_NAMES[w]} on {WD_NAMES[self.wd]}")
        return a

    def letzten(self, w):
        a = self.today - D(days=((self.wd - w) % 7) or 7)   # most recent past X
        b = self.monday - D(days=7) + D(days=w)             # X of last week
        if a != b:
            raise Ambiguous(f"letzten {WD_NAMES[w]} on {WD_NAMES[self.wd]}")
        return a

    # dates --------------------------------------------------------------
    def next_date(self, m, d):
        try:
            this = dt.date(self.today.year, m, d)
        except ValueError:
            raise Ambiguous(f"{d}.{m}. does not exist this year")
        if this == self.today:
            raise Ambiguous("date equal to today")
        if this > self.today:
            return this
        try:
            return dt.date(self.today.year + 1, m, d)
        except ValueError:
            raise Ambiguous(f"{d}.{m}. does not exist next year")

    def dom(self, d):
        """Day of month without month: this month if ahead, else next month."""
        if d == self.today.day:
            raise Ambiguous("day equal to today")
        y, m = self.today.year, self.today.month
        if d < self.today.day:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        try:
            return dt.date(y, m, d)
        except ValueError:
            raise Ambiguous(f"day {d} does not exist in {y}-{m}")

    def next_month(self, m):
        if m == self.today.month:
            raise Ambiguous("month equal to current month")
        return (self.today.year if m > self.today.month else self.today.year + 1, m)

    def month_offset(self, k):
        y, m = self.today.year, self.today.month + k
        while m > 12:
            y, m = y + 1, m - 12
        return y, m

    def holiday(self, key):
        fn = HOLIDAYS[key]
        for y in (self.today.year, self.today.year + 1):
            d = fn(y)
            if d == self.today:
                raise Ambiguous("holiday is today")
            if d > self.today:
                return d
        raise AssertionError

    # times of day without date -----------------------------------------
    def bare_date(self, hm):
        start = wall(at(self.today, *hm), self.tz)
        if start == self.now:
            raise Ambiguous("time equal to reference")
        return self.today if start > self.now else self.today + D(days=1)

    def bare(self, hm):
        return point(self, self.bare_date(hm), hm)

    def bare_span(self, a_hm, b_hm):
        """Date for an interval of the day a..b given without date."""
        s = wall(at(self.today, *a_hm), self.tz)
        e = wall(at(self.today, *b_hm), self.tz)
        if s > self.now:
            return self.today
        if e <= self.now:
            return self.today + D(days=1)
        raise Ambiguous("interval is running at the reference time")


PODS = {"früh": (7, 10), "morgens": (7, 10), "vormittags": (8, 12), "mittags": (12, 14),
        "nachmittags": (12, 18), "abends": (18, 22)}


def pod(r, d, name):
    a, b = PODS[name]
    return hours(r, d, a, b)


def bare_pod(r, name):
    a, b = PODS[name]
    return hours(r, r.bare_span((a, 0), (b, 0)), a, b)


def month_part(r, y, m, part):
    first = dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    if part == "Anfang":
        s, e = first, dt.date(y, m, 11)
    elif part == "Mitte":
        s, e = dt.date(y, m, 11), dt.date(y, m, 21)
    else:
        s, e = dt.date(y, m, 21), nxt
    if s <= r.today:
        raise Ambiguous("part of month already started")
    return days(r, s, e - D(days=1))


def named_month_part(r, m, part):
    """'Anfang Dezember': this year's if that part is still ahead, else next year's
    when the month is already past; the current month's running/passed part -> ambiguous."""
    y = r.today.year
    if m < r.today.month:
        y += 1
    return month_part(r, y, m, part)


def week_part(r, monday, part):
    s, e = {"Anfang": (0, 2), "Mitte": (2, 3), "Ende": (3, 5)}[part]
    return Res(wall(at(monday + D(days=s)), r.tz), wall(at(monday + D(days=e)), r.tz), "day")


# Reference times ---------------------------------------------------------
R1 = Ref("2026-11-26T10:00:00", "Europe/Berlin")   # Thursday
R2 = Ref("2026-11-28T16:45:00", "Europe/Berlin")   # Saturday afternoon
R3 = Ref("2026-12-20T19:30:00", "Europe/Vienna")   # Sunday evening
R4 = Ref("2027-03-22T09:00:00", "Europe/Zurich")   # Monday morning
R5 = Ref("2027-03-27T22:00:00", "Europe/Berlin")   # Saturday, spring forward next night
R6 = Ref("2027-10-30T11:00:00", "Europe/Berlin")   # Saturday, fall back next night
R7 = Ref("2026-11-25T21:30:00", "Europe/Berlin")   # Wednesday late evening
RS = Ref("2027-03-28T01:30:00", "Europe/Berlin")   # Sunday, 30 min before the gap
RZ = Ref("2027-03-28T00:30:00", "Europe/Zurich")   # Sunday, before the gap
RF = Ref("2027-10-31T01:30:00", "Europe/Berlin")   # Sunday, CEST, before the fold
RV = Ref("2027-10-30T23:00:00", "Europe/Vienna")   # Saturday night before the fold

assert [r.wd for r in (R1, R2, R3, R4, R5, R6, R7, RS, RF)] == [DO, SA, SO, MO, SA, SA, MI, SO, SO]

# --------------------------------------------------------------------------
# Case collection
# --------------------------------------------------------------------------
CASES: list[dict] = []


def C(cat, r, text, res: Res):
    CASES.append({"cat": cat, "ref": r, "text": text, "res": res})


def X(r, text):
    CASES.append({"cat": "refuse", "ref": r, "text": text, "res": None})


def build():
    # ---------------------------------------------------------------- numbers-words
    cat = "numbers-words"
    C(cat, R1, "um vierzehn Uhr", point(R1, R1.bare_date((14, 0)), (14, 0)))
    C(cat, R1, "um siebzehn Uhr dreißig", R1.bare((17, 30)))
    C(cat, R1, "um dreizehn Uhr fünfundvierzig", R1.bare((13, 45)))
    C(cat, R1, "um neunzehn Uhr zwanzig", R1.bare((19, 20)))
    C(cat, R1, "in fünfundzwanzig Minuten", elapsed(R1, minutes=25))
    C(cat, R1, "in dreiundvierzig Minuten", elapsed(R1, minutes=43))
    C(cat, R1, "in zwölf Tagen", day(R1, R1.plus(12)))
    C(cat, R1, "in einundzwanzig Tagen", day(R1, R1.plus(21)))
    C(cat, R1, "um sechzehn Uhr siebenundfünfzig", R1.bare((16, 57)))
    C(cat, R1, "im Jahr " + num(2027), year(R1, 2027))
    C(cat, R2, "um achtzehn Uhr", R2.bare((18, 0)))
    C(cat, R2, "um fünfzehn Uhr zehn", R2.bare((15, 10)))
    C(cat, R2, "in neunzig Minuten", elapsed(R2, minutes=90))
    C(cat, R2, "in sechsunddreißig Stunden", elapsed(R2, hours=36))
    C(cat, R2, "um zwanzig Uhr fünfzehn", R2.bare((20, 15)))
    C(cat, R3, "um zweiundzwanzig Uhr", R3.bare((22, 0)))
    C(cat, R3, "um elf Uhr vierzig", R3.bare(bh(11, 40)))
    C(cat, R3, "in vierzig Minuten", elapsed(R3, minutes=40))
    C(cat, R3, "in dreißig Tagen", day(R3, R3.plus(30)))
    C(cat, R3, "im Dezember " + num(2027), month(R3, 2027, 12))
    C(cat, R4, "um dreizehn Uhr dreiunddreißig", R4.bare((13, 33)))
    C(cat, R4, "in achtundvierzig Stunden", elapsed(R4, hours=48))
    C(cat, R4, "um neun Uhr fünfundfünfzig", R4.bare(bh(9, 55)))
    C(cat, R4, "in zweiundsiebzig Stunden", elapsed(R4, hours=72))
    C(cat, R4, "am Mittwoch um sechzehn Uhr fünfzehn", point(R4, R4.next_wd(MI), (16, 15)))
    C(cat, R7, "um dreiundzwanzig Uhr", R7.bare((23, 0)))
    C(cat, R7, "um einundzwanzig Uhr", R7.bare((21, 0)))
    C(cat, R7, "in fünfundfünfzig Minuten", elapsed(R7, minutes=55))
    C(cat, R6, "um elf Uhr dreißig", R6.bare(bh(11, 30)))
    C(cat, R6, "in achtzehn Minuten", elapsed(R6, minutes=18))
    C(cat, R6, "um zwölf Uhr einundfünfzig", R6.bare(bh(12, 51)))
    C(cat, R1, "in hundertzwanzig Minuten", elapsed(R1, minutes=120))

    # ---------------------------------------------------------------- ordinals
    cat = "ordinals"
    for r, n in [(R1, 21), (R1, 30), (R1, 1), (R1, 27), (R1, 2), (R1, 28), (R1, 9),
                 (R2, 21), (R2, 29), (R2, 7), (R3, 31), (R3, 21), (R3, 2), (R3, 15), (R3, 30),
                 (R4, 30), (R4, 21), (R4, 23), (R6, 31), (R6, 1), (R7, 26)]:
        art = "den" if n in (21, 2, 1) else "am"
        C(cat, r, f"{art} {ordn(n)}", day(r, r.dom(n)))
    for r, d, m in [(R1, 3, 12), (R1, 24, 12), (R1, 1, 1), (R1, 2, 2), (R1, 5, 3), (R1, 20, 11),
                    (R2, 3, 12), (R3, 6, 1), (R4, 1, 4), (R4, 19, 3), (R4, 12, 6)]:
        C(cat, r, f"am {ordn(d)} {ordn(m).capitalize()}", day(r, r.next_date(m, d)))
    C(cat, R1, "Den Einundzwanzigsten, bitte.", day(R1, R1.dom(21)))

    # ---------------------------------------------------------------- clock-numeric
    cat = "clock-numeric"
    for r, text, hm in [
        (R1, "um 14:30", (14, 30)), (R1, "14.30 Uhr", (14, 30)), (R1, "um 14 Uhr 30", (14, 30)),
        (R1, "um 15 Uhr", (15, 0)), (R1, "16 Uhr", (16, 0)), (R1, "um 9:45", bh(9, 45)),
        (R1, "um 11 Uhr", bh(11, 0)), (R1, "17:15", (17, 15)), (R1, "um 13.45 Uhr", (13, 45)),
        (R1, "um 12 Uhr", bh(12, 0)), (R1, "18:00 Uhr", (18, 0)), (R1, "UM 19 UHR", (19, 0)),
        (R1, "um 8:15", bh(8, 15)), (R2, "um 14:30", (14, 30)), (R2, "um 17 Uhr", (17, 0)),
        (R2, "um 10 Uhr", bh(10, 0)), (R2, "um 16:50", (16, 50)), (R2, "um 16:40 Uhr", (16, 40)),
        (R3, "um 20:15", (20, 15)), (R3, "um 9.30 Uhr", bh(9, 30)), (R3, "um 19:45", (19, 45)),
        (R4, "um 10:30", bh(10, 30)), (R4, "um 8:45 Uhr", bh(8, 45)), (R4, "um 12 Uhr 15", bh(12, 15)),
        (R4, "13 Uhr", (13, 0)), (R7, "um 22:15", (22, 15)), (R7, "um 9:30", bh(9, 30)),
        (R7, "um 21 Uhr 45", (21, 45)), (R7, "um 18 Uhr", (18, 0)), (R6, "um 11:15 Uhr", bh(11, 15)),
        (R6, "um 10.45 Uhr", bh(10, 45)),
    ]:
        C(cat, r, text, r.bare(hm))

    # ---------------------------------------------------------------- clock-words
    cat = "clock-words"
    for r, text, hm in [
        (R1, "um drei Uhr", B((3, 0))),
        (R1, "um vierzehn Uhr dreißig", (14, 30)),
        (R1, "zwanzig nach drei", B(nach(20, 3))),
        (R1, "zehn vor vier", B(vor(10, 4))),
        (R1, "fünf nach elf", B(nach(5, 11))),
        (R1, "um elf", B((11, 0))),
        (R1, "um zwölf", B((12, 0))),
        (R1, "um eins", B((1, 0))),
        (R1, "um ein Uhr", B((1, 0))),
        (R1, "um zwei", B((2, 0))),
        (R2, "um fünf", B((5, 0))),
        (R2, "um sechs", B((6, 0))),
        (R2, "um neun", B((9, 0))),
        (R2, "zwanzig vor sechs", B(vor(20, 6))),
        (R2, "fünf vor zwölf", B(vor(5, 12))),
        (R3, "zehn nach neun", B(nach(10, 9))),
        (R3, "fünfundzwanzig nach vier", B(nach(25, 4))),
        (R3, "um neun Uhr fünfzehn", B((9, 15))),
        (R3, "um fünf Uhr zwanzig", B((5, 20))),
        (R4, "Punkt zwölf", B((12, 0))),
        (R4, "um vier", B((4, 0))),
        (R4, "zehn nach zehn", B(nach(10, 10))),
        (R4, "zwanzig vor elf", B(vor(20, 11))),
        (R4, "um zehn Uhr zwanzig", B((10, 20))),
        (R7, "um zehn", B((10, 0))),
        (R7, "um drei", B((3, 0))),
        (R7, "um zweiundzwanzig Uhr dreißig", (22, 30)),
        (R6, "zehn nach zwölf", B(nach(10, 12))),
        (R6, "um zwei Uhr zwanzig", B((2, 20))),
        (R6, "fünf vor elf", B(vor(5, 11))),
    ]:
        C(cat, r, text, r.bare(hm))

    # ---------------------------------------------------------------- half-quarter-idioms
    cat = "half-quarter-idioms"
    idioms = []
    for n in (3, 4, 5, 6, 7, 10, 11, 12, 1):
        idioms.append((f"halb {hw(n)}", halb(n)))
    for n in (2, 4, 12, 8, 9):
        idioms.append((f"Viertel nach {hw(n)}", viertel_nach(n)))
    for n in (3, 5, 12, 9, 1):
        idioms.append((f"Viertel vor {hw(n)}", viertel_vor(n)))
    for n in (3, 5, 7, 1, 9):
        idioms.append((f"Viertel {hw(n)}", viertel(n)))
    for n in (3, 4, 7, 1, 9):
        idioms.append((f"dreiviertel {hw(n)}", dreiviertel(n)))
    idioms.append(("drei viertel fünf", dreiviertel(5)))
    idioms += [("fünf vor halb drei", vor_halb(5, 3)), ("zehn nach halb drei", nach_halb(10, 3)),
               ("fünf nach halb vier", nach_halb(5, 4)), ("zehn vor halb fünf", vor_halb(10, 5)),
               ("fünf vor halb zwölf", vor_halb(5, 12)), ("fünf nach halb zehn", nach_halb(5, 10))]
    refs_cycle = [R1, R2, R3, R4, R6, R7]
    for i, (text, hm) in enumerate(idioms):
        r = refs_cycle[i % len(refs_cycle)]
        prefix = "um " if i % 3 == 0 else ""
        C(cat, r, prefix + text, r.bare(B(hm)))
    # regional forms at the regional references
    C(cat, R3, "um Viertel drei", R3.bare(B(viertel(3))))
    C(cat, R3, "um dreiviertel vier", R3.bare(B(dreiviertel(4))))
    C(cat, R4, "um drei viertel zwölf", R4.bare(B(dreiviertel(12))))
    C(cat, R4, "Viertel nach drei", R4.bare(B(viertel_nach(3))))

    # ---------------------------------------------------------------- business-hours
    cat = "business-hours"
    for r, text, hm in [
        (R1, "um drei", B((3, 0))),
        (R1, "um halb sieben", B(halb(7))),
        (R1, "um halb eins", B(halb(1))),
        (R1, "um sechs", B((6, 0))),
        (R1, "um 3 Uhr", B((3, 0))),
        (R1, "um 4 Uhr", B((4, 0))),
        (R1, "so gegen drei", B((3, 0))),
        (R1, "ungefähr um fünf", B((5, 0))),
        (R1, "um 3", B((3, 0))),
        (R3, "um zehn", B((10, 0))),
        (R3, "um elf", B((11, 0))),
        (R2, "um eins", B((1, 0))),
        (R3, "um 10 Uhr", B((10, 0))),
        (R4, "um zwei", B((2, 0))),
        (R4, "um 6 Uhr", B((6, 0))),
        (R1, "15 Uhr", (15, 0)),
        # explicit markers win
        (R1, "um acht Uhr abends", (20, 0)),
        (R1, "um drei Uhr nachts", (3, 0)),
        (R1, "um sieben Uhr abends", (19, 0)),
        (R1, "um sechs Uhr morgens", (6, 0)),
        (R2, "um fünf Uhr früh", (5, 0)),
        (R1, "um zwei Uhr nachmittags", (14, 0)),
        (R2, "um neun Uhr vormittags", (9, 0)),
        (R2, "um zehn Uhr abends", (22, 0)),
        (R4, "um halb elf abends", (22, 30)),
        (R4, "um neun Uhr abends", (21, 0)),
        (R4, "um vier Uhr nachmittags", (16, 0)),
    ]:
        C(cat, r, text, r.bare(hm))
    # tie values (07:xx/19:xx, 08:00/20:00) only with an explicit date
    C(cat, R1, "morgen um acht", point(R1, R1.plus(1), bh(8, 0, tie_ok=True)))
    C(cat, R1, "morgen um sieben", point(R1, R1.plus(1), bh(7, 0, tie_ok=True)))
    C(cat, R1, "am Freitag um sieben", point(R1, R1.next_wd(FR), bh(7, 0, tie_ok=True)))
    C(cat, R2, "übermorgen um acht", point(R2, R2.plus(2), bh(8, 0, tie_ok=True)))
    C(cat, R4, "morgen um halb acht", point(R4, R4.plus(1), B(halb(8), tie_ok=True)))
    C(cat, R1, "morgen um sieben Uhr abends", point(R1, R1.plus(1), (19, 0)))
    C(cat, R3, "morgen um acht Uhr abends", point(R3, R3.plus(1), (20, 0)))

    # ---------------------------------------------------------------- weekdays
    cat = "weekdays"
    for r in (R1, R2, R3, R4):
        for w in range(7):
            if (r is R2 and w in (MO, MI, FR)) or (r is R3 and w in (DI, DO)) or (r is R4 and w in (MI, SA)):
                continue
            C(cat, r, f"am {WD_NAMES[w]}", day(r, r.next_wd(w)))
    C(cat, R1, "AM FREITAG", day(R1, R1.next_wd(FR)))
    C(cat, R1, "am Sonnabend", day(R1, R1.next_wd(SA)))
    C(cat, R2, "Sonnabend", day(R2, R2.next_wd(SA)))
    C(cat, R4, "am Sonnabend", day(R4, R4.next_wd(SA)))
    # diesen
    for r, w in [(R1, FR), (R1, SA), (R1, SO), (R2, SO), (R4, DI), (R4, DO), (R4, FR)]:
        C(cat, r, f"diesen {WD_NAMES[w]}", day(r, r.this_wd(w)))
    # nächsten (only where both readings agree)
    for r, w in [(R1, MO), (R1, DI), (R1, MI), (R1, DO), (R2, MO), (R2, DO), (R2, SA),
                 (R3, MO), (R3, MI), (R3, FR), (R3, SO), (R4, MO)]:
        C(cat, r, f"nächsten {WD_NAMES[w]}", day(r, r.naechsten(w)))
    C(cat, R3, "am nächsten Samstag", day(R3, R3.naechsten(SA)))
    C(cat, R3, "kommenden Dienstag", day(R3, R3.naechsten(DI)))
    C(cat, R1, "Nächsten Donnerstag?", day(R1, R1.naechsten(DO)))
    # übernächsten
    for r, w in [(R1, MO), (R1, DO), (R2, MI), (R3, DI), (R3, SO), (R4, MO)]:
        C(cat, r, f"übernächsten {WD_NAMES[w]}", day(r, r.uebernaechsten(w)))
    # letzten
    for r, w in [(R1, DO), (R1, FR), (R1, SO), (R2, SA), (R3, SO), (R4, MO), (R4, MI), (R4, FR)]:
        C(cat, r, f"letzten {WD_NAMES[w]}", day(r, r.letzten(w)))
    # next week's weekday
    C(cat, R1, "nächste Woche Dienstag", day(R1, R1.next_monday + D(days=DI)))
    C(cat, R1, "Dienstag nächste Woche", day(R1, R1.next_monday + D(days=DI)))
    C(cat, R3, "nächste Woche Freitag", day(R3, R3.next_monday + D(days=FR)))
    C(cat, R4, "nächste Woche Montag", day(R4, R4.next_monday))
    C(cat, R2, "Mittwoch nächster Woche", day(R2, R2.next_monday + D(days=MI)))

    # ---------------------------------------------------------------- relative-days
    cat = "relative-days"
    words = [("heute", 0), ("morgen", 1), ("übermorgen", 2), ("gestern", -1), ("vorgestern", -2)]
    for r in (R1, R2, R3, R4, R7, R6):
        for w, n in words:
            C(cat, r, w, day(r, r.plus(n)))
    C(cat, R1, "Morgen!", day(R1, R1.plus(1)))
    C(cat, R2, "HEUTE", day(R2, R2.plus(0)))
    C(cat, R3, "Übermorgen?", day(R3, R3.plus(2)))
    C(cat, R4, "morgen bitte", day(R4, R4.plus(1)))
    C(cat, R7, "vielleicht übermorgen", day(R7, R7.plus(2)))

    # ---------------------------------------------------------------- offsets
    cat = "offsets"
    C(cat, R1, "in drei Tagen", day(R1, R1.plus(3)))
    C(cat, R1, "in zwei Wochen", day(R1, R1.plus(14)))
    C(cat, R1, "in einer Stunde", elapsed(R1, hours=1))
    C(cat, R1, "in 20 Minuten", elapsed(R1, minutes=20))
    C(cat, R1, "in acht Tagen", day(R1, R1.plus(7)))
    C(cat, R1, "heute in acht Tagen", day(R1, R1.plus(7)))
    C(cat, R1, "in vierzehn Tagen", day(R1, R1.plus(14)))
    C(cat, R1, "in einer halben Stunde", elapsed(R1, minutes=30))
    C(cat, R2, "in anderthalb Stunden", elapsed(R2, minutes=90))
    C(cat, R2, "in eineinhalb Stunden", elapsed(R2, minutes=90))
    C(cat, R2, "in einer Viertelstunde", elapsed(R2, minutes=15))
    C(cat, R2, "in zwei Stunden", elapsed(R2, hours=2))
    C(cat, R2, "in 45 Minuten", elapsed(R2, minutes=45))
    C(cat, R2, "in einer Woche", day(R2, R2.plus(7)))
    C(cat, R2, "in acht Tagen", day(R2, R2.plus(7)))
    C(cat, R3, "in drei Wochen", day(R3, R3.plus(21)))
    C(cat, R3, "in zehn Tagen", day(R3, R3.plus(10)))
    C(cat, R3, "in 2 Tagen", day(R3, R3.plus(2)))
    C(cat, R3, "in vierzehn Tagen", day(R3, R3.plus(14)))
    C(cat, R3, "in drei Stunden", elapsed(R3, hours=3))
    C(cat, R4, "in zwei Tagen", day(R4, R4.plus(2)))
    C(cat, R4, "heute in acht Tagen", day(R4, R4.plus(7)))
    C(cat, R4, "in 90 Minuten", elapsed(R4, minutes=90))
    C(cat, R4, "in vier Stunden", elapsed(R4, hours=4))
    C(cat, R4, "in einem Tag", day(R4, R4.plus(1)))
    C(cat, R7, "in drei Stunden", elapsed(R7, hours=3))
    C(cat, R7, "in einer Stunde", elapsed(R7, hours=1))
    C(cat, R7, "in 40 Minuten", elapsed(R7, minutes=40))
    C(cat, R7, "in fünf Tagen", day(R7, R7.plus(5)))
    C(cat, R6, "in 10 Minuten", elapsed(R6, minutes=10))
    C(cat, R5, "in zwei Stunden", elapsed(R5, hours=2))

    # ---------------------------------------------------------------- dates-spoken
    cat = "dates-spoken"
    for r, d, m, art in [
        (R1, 3, 12, "am"), (R1, 24, 12, "am"), (R1, 1, 1, "am"), (R1, 15, 1, "am"),
        (R1, 7, 12, "den"), (R1, 30, 11, "am"), (R1, 25, 11, "am"), (R1, 12, 3, "am"),
        (R2, 1, 12, "am"), (R2, 29, 11, "am"), (R2, 4, 2, "am"),
        (R3, 23, 12, "am"), (R3, 2, 1, "am"), (R3, 19, 12, "am"), (R3, 14, 2, "den"),
        (R4, 25, 3, "am"), (R4, 2, 4, "am"), (R4, 20, 3, "am"), (R4, 1, 5, "den"),
        (R6, 2, 11, "am"), (R6, 31, 10, "am"), (R7, 27, 11, "am"),
    ]:
        C(cat, r, f"{art} {ordn(d)} {MONTHS[m - 1]}", day(r, r.next_date(m, d)))
    C(cat, R3, "am zweiten Feber", day(R3, R3.next_date(2, 2)))
    C(cat, R3, "am fünfzehnten Jänner", day(R3, R3.next_date(1, 15)))
    C(cat, R3, "am ersten Jänner", day(R3, R3.next_date(1, 1)))
    d = dt.date(2026, 12, 1)
    assert d.weekday() == DI
    C(cat, R1, "am Dienstag, den ersten Dezember", day(R1, d))
    C(cat, R1, f"am dritten Dezember {num(2026)}", day(R1, dt.date(2026, 12, 3)))
    C(cat, R3, f"am zehnten Jänner {num(2027)}", day(R3, dt.date(2027, 1, 10)))
    d = R4.next_date(3, 26)
    assert d.weekday() == FR
    C(cat, R4, "Freitag, den sechsundzwanzigsten März", day(R4, d))

    # ---------------------------------------------------------------- dates-written
    cat = "dates-written"
    for r, text, (d, m) in [
        (R1, "3.12.", (3, 12)), (R1, "am 3. Dezember", (3, 12)), (R1, "am 24.12.", (24, 12)),
        (R1, "15.1.", (15, 1)), (R1, "am 3. Dez.", (3, 12)), (R1, "am 31.12.", (31, 12)),
        (R1, "am 30.11.", (30, 11)), (R1, "am 7.1.", (7, 1)), (R1, "am 10. März", (10, 3)),
        (R1, "am 3.11.", (3, 11)), (R1, "den 05.12.", (5, 12)), (R2, "am 1.12.", (1, 12)),
        (R2, "am 29. November", (29, 11)), (R3, "am 27.12.", (27, 12)), (R3, "am 2. Jänner", (2, 1)),
        (R3, "am 20.2.", (20, 2)), (R4, "am 29.3.", (29, 3)), (R4, "am 31. März", (31, 3)),
        (R4, "am 15.03.", (15, 3)), (R4, "am 1. April", (1, 4)), (R6, "am 31.10.", (31, 10)),
        (R6, "am 4. November", (4, 11)), (R7, "am 26.11.", (26, 11)),
    ]:
        C(cat, r, text, day(r, r.next_date(m, d)))
    for r, text, ymd in [
        (R1, "am 03.12.2026", (2026, 12, 3)), (R1, "3.12.2026", (2026, 12, 3)),
        (R1, "am 1.2.2027", (2027, 2, 1)), (R1, "am 2. Januar 2027", (2027, 1, 2)),
        (R4, "am 1.4.2027", (2027, 4, 1)), (R4, "am 12. Dezember 2027", (2027, 12, 12)),
        (R3, "am 5. Jänner 2027", (2027, 1, 5)),
    ]:
        C(cat, r, text, day(r, dt.date(*ymd)))

    # ---------------------------------------------------------------- months
    cat = "months"
    for r, m, text in [
        (R1, 12, "im Dezember"), (R1, 12, "Dezember"), (R1, 1, "im Januar"), (R1, 2, "im Februar"),
        (R1, 3, "im März"), (R1, 10, "im Oktober"), (R3, 1, "im Jänner"), (R3, 2, "im Feber"),
        (R3, 11, "im November"), (R4, 4, "im April"), (R4, 5, "im Mai"), (R4, 2, "im Februar"),
        (R4, 6, "im Juni"), (R6, 11, "im November"), (R6, 9, "im September"), (R2, 1, "Jänner"),
    ]:
        C(cat, r, text, month(r, *r.next_month(m)))
    C(cat, R1, "heuer im Dezember", month(R1, R1.today.year, 12))
    C(cat, R4, "heuer im Juli", month(R4, R4.today.year, 7))
    C(cat, R6, "heuer im Dezember", month(R6, R6.today.year, 12))
    C(cat, R1, "nächsten Monat", month(R1, *R1.month_offset(1)))
    C(cat, R3, "nächsten Monat", month(R3, *R3.month_offset(1)))
    C(cat, R1, "übernächsten Monat", month(R1, *R1.month_offset(2)))
    C(cat, R4, "im nächsten Monat", month(R4, *R4.month_offset(1)))
    C(cat, R1, "diesen Monat", month(R1, *R1.month_offset(0)))
    C(cat, R1, "im Januar 2027", month(R1, 2027, 1))
    C(cat, R1, "nächstes Jahr", year(R1, R1.today.year + 1))
    C(cat, R3, "heuer", year(R3, R3.today.year))
    C(cat, R4, "dieses Jahr", year(R4, R4.today.year))
    C(cat, R1, "nächstes Jahr im März", month(R1, R1.today.year + 1, 3))
    C(cat, R4, "nächstes Jahr im März", month(R4, R4.today.year + 1, 3))
    C(cat, R3, "im Jänner 2027", month(R3, 2027, 1))

    # ---------------------------------------------------------------- parts-of-day
    cat = "parts-of-day"
    C(cat, R1, "heute Nachmittag", pod(R1, R1.plus(0), "nachmittags"))
    C(cat, R1, "heute Abend", pod(R1, R1.plus(0), "abends"))
    C(cat, R1, "morgen früh", pod(R1, R1.plus(1), "früh"))
    C(cat, R1, "morgen Vormittag", pod(R1, R1.plus(1), "vormittags"))
    C(cat, R1, "morgen Mittag", pod(R1, R1.plus(1), "mittags"))
    C(cat, R1, "übermorgen Nachmittag", pod(R1, R1.plus(2), "nachmittags"))
    C(cat, R1, "Montagvormittag", pod(R1, R1.next_wd(MO), "vormittags"))
    C(cat, R1, "Dienstagnachmittag", pod(R1, R1.next_wd(DI), "nachmittags"))
    C(cat, R1, "Mittwochabend", pod(R1, R1.next_wd(MI), "abends"))
    C(cat, R1, "am Freitagmorgen", pod(R1, R1.next_wd(FR), "morgens"))
    C(cat, R1, "am Freitag vormittags", pod(R1, R1.next_wd(FR), "vormittags"))
    C(cat, R1, "Sonnabendvormittag", pod(R1, R1.next_wd(SA), "vormittags"))
    C(cat, R1, "abends", bare_pod(R1, "abends"))
    C(cat, R1, "nachmittags", bare_pod(R1, "nachmittags"))
    C(cat, R1, "mittags", bare_pod(R1, "mittags"))
    C(cat, R1, "über Mittag", bare_pod(R1, "mittags"))
    C(cat, R1, "gegen Mittag", R1.bare((12, 0)))
    C(cat, R3, "in der Früh", bare_pod(R3, "früh"))
    C(cat, R3, "morgen in der Früh", pod(R3, R3.plus(1), "früh"))
    C(cat, R3, "Montag Nachmittag", pod(R3, R3.next_wd(MO), "nachmittags"))
    C(cat, R3, "am Dienstagvormittag", pod(R3, R3.next_wd(DI), "vormittags"))
    C(cat, R2, "morgens", bare_pod(R2, "morgens"))
    C(cat, R2, "morgen Abend", pod(R2, R2.plus(1), "abends"))
    C(cat, R2, "Montagmittag", pod(R2, R2.next_wd(MO), "mittags"))
    C(cat, R7, "vormittags", bare_pod(R7, "vormittags"))
    C(cat, R7, "nachmittags", bare_pod(R7, "nachmittags"))
    C(cat, R7, "morgen gegen Mittag", point(R7, R7.plus(1), (12, 0)))
    C(cat, R4, "über Mittag", bare_pod(R4, "mittags"))
    C(cat, R4, "heute Abend", pod(R4, R4.plus(0), "abends"))
    C(cat, R4, "Donnerstagnachmittag", pod(R4, R4.next_wd(DO), "nachmittags"))
    C(cat, R4, "am Freitagabend", pod(R4, R4.next_wd(FR), "abends"))
    C(cat, R6, "morgen Vormittag", pod(R6, R6.plus(1), "vormittags"))

    # ---------------------------------------------------------------- week-month-parts
    cat = "week-month-parts"
    C(cat, R1, "Anfang Dezember", named_month_part(R1, 12, "Anfang"))
    C(cat, R1, "Mitte Dezember", named_month_part(R1, 12, "Mitte"))
    C(cat, R1, "Ende Dezember", named_month_part(R1, 12, "Ende"))
    C(cat, R1, "Anfang Januar", named_month_part(R1, 1, "Anfang"))
    C(cat, R1, "Ende Februar", named_month_part(R1, 2, "Ende"))
    C(cat, R1, "Mitte März", named_month_part(R1, 3, "Mitte"))
    C(cat, R1, "Anfang nächsten Monats", month_part(R1, *R1.month_offset(1), "Anfang"))
    C(cat, R1, "Mitte nächsten Monats", month_part(R1, *R1.month_offset(1), "Mitte"))
    C(cat, R1, "Ende nächsten Monats", month_part(R1, *R1.month_offset(1), "Ende"))
    C(cat, R1, "Anfang nächster Woche", week_part(R1, R1.next_monday, "Anfang"))
    C(cat, R1, "Mitte nächster Woche", week_part(R1, R1.next_monday, "Mitte"))
    C(cat, R1, "Ende nächster Woche", week_part(R1, R1.next_monday, "Ende"))
    C(cat, R1, "nächste Woche", week(R1, R1.next_monday))
    C(cat, R1, "übernächste Woche", week(R1, R1.next_monday + D(days=7)))
    C(cat, R1, "diese Woche", week(R1, R1.monday))
    C(cat, R3, "Anfang Jänner", named_month_part(R3, 1, "Anfang"))
    C(cat, R3, "Ende Feber", named_month_part(R3, 2, "Ende"))
    C(cat, R3, "Ende Dezember", named_month_part(R3, 12, "Ende"))
    C(cat, R3, "Ende des Monats", month_part(R3, *R3.month_offset(0), "Ende"))
    C(cat, R3, "Anfang der nächsten Woche", week_part(R3, R3.next_monday, "Anfang"))
    C(cat, R3, "nächste Woche", week(R3, R3.next_monday))
    C(cat, R4, "Mitte der Woche", week_part(R4, R4.monday, "Mitte"))
    C(cat, R4, "Ende der Woche", week_part(R4, R4.monday, "Ende"))
    C(cat, R4, "Ende dieser Woche", week_part(R4, R4.monday, "Ende"))
    C(cat, R4, "Anfang April", named_month_part(R4, 4, "Anfang"))
    C(cat, R4, "Mitte April", named_month_part(R4, 4, "Mitte"))
    C(cat, R4, "Ende Februar 2028", month_part(R4, 2028, 2, "Ende"))
    C(cat, R4, "Ende nächster Woche", week_part(R4, R4.next_monday, "Ende"))
    C(cat, R4, "übernächste Woche", week(R4, R4.next_monday + D(days=7)))
    C(cat, R2, "Mitte nächster Woche", week_part(R2, R2.next_monday, "Mitte"))
    C(cat, R6, "Anfang November", named_month_part(R6, 11, "Anfang"))
    C(cat, R6, "Ende November", named_month_part(R6, 11, "Ende"))

    # ---------------------------------------------------------------- ranges
    cat = "ranges"

    def bare_range(r, a, b):
        d = r.bare_span(a, b)
        return clock_range(r, d, a, d, b)

    def dated_range(r, d, a, b):
        return clock_range(r, d, a, d, b)

    C(cat, R1, "zwischen 14 und 16 Uhr", bare_range(R1, (14, 0), (16, 0)))
    C(cat, R1, "von 11 bis 13 Uhr", bare_range(R1, B((11, 0)), (13, 0)))
    C(cat, R1, "zwischen zwei und vier", bare_range(R1, B((2, 0)), B((4, 0))))
    C(cat, R1, "von halb drei bis vier", bare_range(R1, B(halb(3)), B((4, 0))))
    C(cat, R1, "zwischen elf und eins", bare_range(R1, B((11, 0)), B((1, 0))))
    C(cat, R1, "von 13 bis 15:30 Uhr", bare_range(R1, (13, 0), (15, 30)))
    C(cat, R1, "zwischen 15 und 17 Uhr", bare_range(R1, (15, 0), (17, 0)))
    C(cat, R1, "morgen zwischen 14 und 16 Uhr", dated_range(R1, R1.plus(1), (14, 0), (16, 0)))
    C(cat, R1, "am Freitag von 9 bis 11", dated_range(R1, R1.next_wd(FR), B((9, 0)), B((11, 0))))
    C(cat, R1, "heute zwischen drei und fünf", dated_range(R1, R1.plus(0), B((3, 0)), B((5, 0))))
    C(cat, R1, "vom 7. bis 11. Dezember", days(R1, R1.next_date(12, 7), R1.next_date(12, 11)))
    C(cat, R1, "Montag bis Mittwoch", days(R1, R1.next_wd(MO), R1.next_wd(MO) + D(days=2)))
    C(cat, R1, "von Montag bis Freitag", days(R1, R1.next_wd(MO), R1.next_wd(MO) + D(days=4)))
    C(cat, R1, "Dienstag bis Donnerstag", days(R1, R1.next_wd(DI), R1.next_wd(DI) + D(days=2)))
    C(cat, R1, "vom ersten bis dritten Dezember", days(R1, R1.next_date(12, 1), R1.next_date(12, 3)))
    C(cat, R1, "vom 3. bis 5.12.", days(R1, R1.next_date(12, 3), R1.next_date(12, 5)))
    s = R1.next_date(12, 28)
    C(cat, R1, "vom 28. Dezember bis 2. Januar", days(R1, s, dt.date(s.year + 1, 1, 2)))
    C(cat, R1, "nächste Woche von Montag bis Mittwoch",
      days(R1, R1.next_monday, R1.next_monday + D(days=2)))
    C(cat, R2, "zwischen 14 und 16 Uhr", bare_range(R2, (14, 0), (16, 0)))
    C(cat, R2, "von neun bis halb elf", bare_range(R2, B((9, 0)), B(halb(11))))
    C(cat, R2, "zwischen 17 und 19 Uhr", bare_range(R2, (17, 0), (19, 0)))
    C(cat, R2, "Montag bis Mittwoch", days(R2, R2.next_wd(MO), R2.next_wd(MO) + D(days=2)))
    C(cat, R3, "zwischen 10 und 12 Uhr", bare_range(R3, B((10, 0)), B((12, 0))))
    C(cat, R3, "vom 27. bis 30. Dezember", days(R3, R3.next_date(12, 27), R3.next_date(12, 30)))
    C(cat, R3, "von Dienstag bis Donnerstag", days(R3, R3.next_wd(DI), R3.next_wd(DI) + D(days=2)))
    C(cat, R4, "zwischen 14 und 16 Uhr", bare_range(R4, (14, 0), (16, 0)))
    C(cat, R4, "morgen zwischen 8 und 10 Uhr", dated_range(R4, R4.plus(1), bh(8, 0, tie_ok=True), B((10, 0))))
    C(cat, R4, "vom 1. bis 9. April", days(R4, R4.next_date(4, 1), R4.next_date(4, 9)))
    C(cat, R7, "zwischen 14 und 16 Uhr", bare_range(R7, (14, 0), (16, 0)))
    C(cat, R7, "von 10 bis 12 Uhr", bare_range(R7, B((10, 0)), B((12, 0))))
    C(cat, R6, "morgen Vormittag zwischen 9 und 11", dated_range(R6, R6.plus(1), B((9, 0)), B((11, 0))))

    # ---------------------------------------------------------------- open-ranges
    cat = "open-ranges"
    for r, text, hm in [
        (R1, "ab 15 Uhr", (15, 0)), (R1, "nach 16 Uhr", (16, 0)), (R1, "ab drei", B((3, 0))),
        (R1, "ab halb drei", B(halb(3))), (R1, "ab Viertel nach vier", B(viertel_nach(4))),
        (R2, "ab 15 Uhr", (15, 0)), (R2, "nach 16 Uhr", (16, 0)), (R2, "ab 17 Uhr", (17, 0)),
        (R7, "ab 17 Uhr", (17, 0)), (R7, "ab 22 Uhr", (22, 0)), (R7, "nach 16 Uhr", (16, 0)),
        (R3, "ab 20 Uhr", (20, 0)), (R3, "ab zehn", B((10, 0))), (R4, "ab 11 Uhr", B((11, 0))),
        (R4, "nach 14 Uhr", (14, 0)), (R6, "ab 13 Uhr", (13, 0)),
    ]:
        C(cat, r, text, opened(r.bare(hm)))
    C(cat, R1, "morgen ab 10 Uhr", opened(point(R1, R1.plus(1), B((10, 0)))))
    C(cat, R1, "am Freitag ab 14 Uhr", opened(point(R1, R1.next_wd(FR), (14, 0))))
    C(cat, R1, "ab Montag", opened(day(R1, R1.next_wd(MO))))
    C(cat, R1, "ab dem 3. Dezember", opened(day(R1, R1.next_date(12, 3))))
    C(cat, R1, "ab nächster Woche", opened(week(R1, R1.next_monday)))
    C(cat, R1, "ab morgen", opened(day(R1, R1.plus(1))))
    C(cat, R3, "ab übermorgen", opened(day(R3, R3.plus(2))))
    C(cat, R3, "ab Jänner", opened(month(R3, *R3.next_month(1))))
    C(cat, R4, "übermorgen nach 15 Uhr", opened(point(R4, R4.plus(2), (15, 0))))
    C(cat, R2, "nächste Woche Dienstag ab 9 Uhr", opened(point(R2, R2.next_monday + D(days=DI), B((9, 0)))))

    # ---------------------------------------------------------------- holidays
    cat = "holidays"
    for r, text, key in [
        (R1, "an Heiligabend", "heiligabend"), (R1, "Silvester", "silvester"),
        (R1, "an Neujahr", "neujahr"), (R1, "am ersten Weihnachtsfeiertag", "weihnacht1"),
        (R1, "am zweiten Weihnachtsfeiertag", "weihnacht2"), (R1, "Ostermontag", "ostermontag"),
        (R1, "am Pfingstmontag", "pfingstmontag"), (R1, "an Christi Himmelfahrt", "himmelfahrt"),
        (R1, "an Fronleichnam", "fronleichnam"), (R1, "am Tag der Arbeit", "tag_der_arbeit"),
        (R1, "am Rosenmontag", "rosenmontag"), (R1, "am Nikolaustag", "nikolaus"),
        (R1, "am Tag der Deutschen Einheit", "einheit"), (R1, "an Allerheiligen", "allerheiligen"),
        (R3, "am Heiligen Abend", "heiligabend"), (R3, "am Stephanitag", "weihnacht2"),
        (R3, "am Neujahrstag", "neujahr"), (R3, "am Dreikönigstag", "dreikoenig"),
        (R3, "an Mariä Himmelfahrt", "mariae_himmelfahrt"), (R3, "zu Mariä Empfängnis", "mariae_empfaengnis"),
        (R3, "Silvester", "silvester"), (R3, "am Aschermittwoch", "aschermittwoch"),
        (R4, "an Auffahrt", "himmelfahrt"), (R4, "Ostermontag", "ostermontag"),
        (R4, "am Karfreitag", "karfreitag"), (R4, "am Ostersonntag", "ostersonntag"),
        (R4, "am Berchtoldstag", "berchtoldstag"), (R4, "an Pfingstmontag", "pfingstmontag"),
        (R4, "am Gründonnerstag", "gruendonnerstag"), (R4, "am Muttertag", "muttertag"),
        (R6, "am Reformationstag", "reformationstag"), (R6, "an Allerheiligen", "allerheiligen"),
        (R6, "Ostermontag", "ostermontag"), (R6, "am Valentinstag", "valentinstag"),
        (R2, "an Pfingstsonntag", "pfingstsonntag"), (R2, "HEILIGABEND", "heiligabend"),
    ]:
        C(cat, r, text, day(r, r.holiday(key)))

    # ---------------------------------------------------------------- dst
    cat = "dst"
    # spring forward: 2027-03-28 02:00 CET -> 03:00 CEST
    C(cat, R5, "in drei Stunden", elapsed(R5, hours=3))
    C(cat, R5, "in vier Stunden", elapsed(R5, hours=4))
    C(cat, R5, "in fünf Stunden", elapsed(R5, hours=5))
    C(cat, R5, "in viereinhalb Stunden", elapsed(R5, minutes=270))
    C(cat, R5, "in 24 Stunden", elapsed(R5, hours=24))
    C(cat, R5, "in 48 Stunden", elapsed(R5, hours=48))
    C(cat, R5, "in 300 Minuten", elapsed(R5, minutes=300))
    C(cat, R5, "morgen um zwei Uhr nachts", point(R5, R5.plus(1), (2, 0)))
    C(cat, R5, "morgen um halb drei nachts", point(R5, R5.plus(1), halb(3)))
    C(cat, R5, "um halb drei nachts", R5.bare(halb(3)))
    C(cat, R5, "um Viertel nach zwei nachts", R5.bare(viertel_nach(2)))
    C(cat, R5, "morgen um drei", point(R5, R5.plus(1), B((3, 0))))
    C(cat, R5, "morgen früh", pod(R5, R5.plus(1), "früh"))
    C(cat, R5, "morgen", day(R5, R5.plus(1)))
    C(cat, RS, "in einer Stunde", elapsed(RS, hours=1))
    C(cat, RS, "in 30 Minuten", elapsed(RS, minutes=30))
    C(cat, RS, "in einer halben Stunde", elapsed(RS, minutes=30))
    C(cat, RS, "in zwei Stunden", elapsed(RS, hours=2))
    C(cat, RS, "in 15 Minuten", elapsed(RS, minutes=15))
    C(cat, RS, "um halb drei nachts", RS.bare(halb(3)))
    C(cat, RS, "um drei Uhr nachts", RS.bare((3, 0)))
    C(cat, RZ, "in drei Stunden", elapsed(RZ, hours=3))
    C(cat, RZ, "in zwei Stunden", elapsed(RZ, hours=2))
    # fall back: 2027-10-31 03:00 CEST -> 02:00 CET
    C(cat, R6, "morgen um halb drei nachts", point(R6, R6.plus(1), halb(3)))
    C(cat, R6, "in fünfzehn Stunden", elapsed(R6, hours=15))
    C(cat, R6, "in sechzehn Stunden", elapsed(R6, hours=16))
    C(cat, R6, "in siebzehn Stunden", elapsed(R6, hours=17))
    C(cat, R6, "in 24 Stunden", elapsed(R6, hours=24))
    C(cat, R6, "in 48 Stunden", elapsed(R6, hours=48))
    C(cat, R6, "morgen um elf", point(R6, R6.plus(1), B((11, 0))))
    C(cat, RV, "morgen", day(RV, RV.plus(1)))
    C(cat, RF, "in einer Stunde", elapsed(RF, hours=1))
    C(cat, RF, "in zwei Stunden", elapsed(RF, hours=2))
    C(cat, RF, "in drei Stunden", elapsed(RF, hours=3))
    C(cat, RF, "in 90 Minuten", elapsed(RF, minutes=90))
    C(cat, RF, "um halb drei nachts", RF.bare(halb(3)))
    C(cat, RF, "um drei Uhr nachts", RF.bare((3, 0)))
    C(cat, RV, "in vier Stunden", elapsed(RV, hours=4))
    C(cat, RV, "morgen um zwei Uhr nachts", point(RV, RV.plus(1), (2, 0)))

    # ---------------------------------------------------------------- combinations
    cat = "combinations"
    C(cat, R1, "morgen um drei", point(R1, R1.plus(1), B((3, 0))))
    C(cat, R1, "Morgen um 3!", point(R1, R1.plus(1), B((3, 0))))
    C(cat, R1, "am Freitag um 10", point(R1, R1.next_wd(FR), B((10, 0))))
    C(cat, R1, "nächste Woche Dienstag so gegen halb vier",
      point(R1, R1.next_monday + D(days=DI), B(halb(4))))
    C(cat, R1, "übermorgen vormittags", pod(R1, R1.plus(2), "vormittags"))
    C(cat, R1, "übermorgen, vormittags.", pod(R1, R1.plus(2), "vormittags"))
    C(cat, R1, "am 3.12. um 14:30", point(R1, R1.next_date(12, 3), (14, 30)))
    C(cat, R1, "am dritten Dezember um vierzehn Uhr dreißig", point(R1, R1.next_date(12, 3), (14, 30)))
    C(cat, R1, "heute Abend um acht", point(R1, R1.plus(0), (20, 0)))
    C(cat, R1, "morgen früh um sieben", point(R1, R1.plus(1), (7, 0)))
    C(cat, R1, "Sonnabend um Viertel drei", point(R1, R1.next_wd(SA), B(viertel(3))))
    C(cat, R1, "Dienstagnachmittag um vier", point(R1, R1.next_wd(DI), (16, 0)))
    C(cat, R1, "morgen Nachmittag um halb fünf", point(R1, R1.plus(1), (16, 30)))
    C(cat, R1, "am Montag gegen Mittag", point(R1, R1.next_wd(MO), (12, 0)))
    C(cat, R1, "nächsten Donnerstag um 9", point(R1, R1.naechsten(DO), B((9, 0))))
    C(cat, R1, "heute um 17 Uhr", point(R1, R1.plus(0), (17, 0)))
    C(cat, R1, "an Silvester um 11", point(R1, R1.holiday("silvester"), B((11, 0))))
    C(cat, R1, "an Heiligabend vormittags", pod(R1, R1.holiday("heiligabend"), "vormittags"))
    C(cat, R1, "ich hätte gern einen Termin am Dienstag um 14 Uhr", point(R1, R1.next_wd(DI), (14, 0)))
    C(cat, R1, "geht morgen um halb zehn?", point(R1, R1.plus(1), B(halb(10))))
    C(cat, R1, "wie wäre es am Freitag um drei", point(R1, R1.next_wd(FR), B((3, 0))))
    C(cat, R1, "passt übermorgen um elf?", point(R1, R1.plus(2), B((11, 0))))
    C(cat, R1, "vielleicht am Montag so um Viertel nach zehn", point(R1, R1.next_wd(MO), B(viertel_nach(10))))
    C(cat, R1, "den einundzwanzigsten um 15 Uhr", point(R1, R1.dom(21), (15, 0)))
    C(cat, R1, "am dritten Zwölften um halb drei", point(R1, R1.next_date(12, 3), B(halb(3))))
    C(cat, R1, "in acht Tagen um zehn", point(R1, R1.plus(7), B((10, 0))))
    C(cat, R2, "morgen Abend um sieben", point(R2, R2.plus(1), (19, 0)))
    C(cat, R2, "heute Abend um halb acht", point(R2, R2.plus(0), (19, 30)))
    C(cat, R2, "Sonnabend um Viertel drei", point(R2, R2.next_wd(SA), B(viertel(3))))
    C(cat, R2, "am Montag um 14.30 Uhr", point(R2, R2.next_wd(MO), (14, 30)))
    C(cat, R3, "morgen um dreiviertel drei", point(R3, R3.plus(1), B(dreiviertel(3))))
    C(cat, R3, "am Dienstag in der Früh um acht", point(R3, R3.next_wd(DI), (8, 0)))
    C(cat, R3, "am 2. Jänner um 10 Uhr", point(R3, R3.next_date(1, 2), B((10, 0))))
    C(cat, R3, "am Stephanitag um halb vier", point(R3, R3.holiday("weihnacht2"), B(halb(4))))
    C(cat, R4, "am Donnerstag um fünf vor halb drei", point(R4, R4.next_wd(DO), B(vor_halb(5, 3))))
    C(cat, R4, "übermorgen um zehn nach halb drei", point(R4, R4.plus(2), B(nach_halb(10, 3))))
    C(cat, R4, "am 29.3. um 9 Uhr", point(R4, R4.next_date(3, 29), B((9, 0))))
    C(cat, R7, "morgen um halb sieben", point(R7, R7.plus(1), B(halb(7))))
    C(cat, R6, "Dienstag nächste Woche um drei", point(R6, R6.next_monday + D(days=DI), B((3, 0))))

    # ---------------------------------------------------------------- refuse
    for r, text in [
        (R1, "asdf qwertz"), (R1, "blablabla"), (R1, "lorem ipsum dolor"), (R2, "hmm äh"),
        (R3, "ja genau"), (R4, "ich weiß nicht"), (R1, "einen Termin bitte"),
        (R1, "am 31. Februar"), (R1, "am 30. Februar"), (R1, "am 31. April"), (R2, "am 31. Juni"),
        (R3, "am 31.09."), (R1, "am 31.11."), (R1, "am 32. Dezember"), (R4, "am 0. Mai"),
        (R1, "am 13.13.2026"), (R1, "am 29.02.2027"), (R3, "am dreißigsten Zweiten"),
        (R1, "am einunddreißigsten Vierten"), (R1, "um 25 Uhr"), (R2, "um 26 Uhr"),
        (R1, "um 14:60 Uhr"), (R4, "um 13:75"), (R1, "um 99 Uhr"), (R1, "im dreizehnten Monat"),
        (R1, "am Dienstag um Blumenkohl"), (R1, "in drei Bananen"), (R2, "um Viertel nach Hund"),
        (R1, "morgen nach dem Zahnarzt"), (R3, "übermorgen nach der Schule"),
        (R1, "wenn mein Mann zurück ist"), (R4, "am Geburtstag meiner Frau"),
        (R1, "am Blumenkohl"), (R2, "halb Tisch"), (R1, "nächsten Kuchen"),
        (R7, "am dritten Blumenkohl"), (R1, "um halb"), (R3, "sobald der Chef da ist"),
    ]:
        X(r, text)


# --------------------------------------------------------------------------
def iso(aware):
    return aware.replace(tzinfo=None).isoformat(timespec="seconds")


def off(aware):
    o = aware.utcoffset()
    sign = "+" if o >= D(0) else "-"
    o = abs(o)
    return f"{sign}{o.seconds // 3600:02d}:{o.seconds % 3600 // 60:02d}"


def main():
    build()
    seen = set()
    out = []
    for i, c in enumerate(CASES, 1):
        r = c["ref"]
        key = (c["text"], r.iso, r.tzname)
        if key in seen:
            sys.exit(f"duplicate case: {key}")
        seen.add(key)
        rec = {"id": f"c-{i:04d}", "text": c["text"], "ref": r.iso, "tz": r.tzname}
        res = c["res"]
        if res is None:
            rec["expect"] = "not_understood"
        else:
            assert res.start.tzinfo is not None
            rec["expect_start"] = iso(res.start)
            if res.open:
                rec["open"] = "after"
            else:
                rec["expect_end"] = iso(res.end)
            rec["grain"] = res.grain
            if c["cat"] == "dst":
                rec["expect_start_offset"] = off(res.start)
                if not res.open:
                    rec["expect_end_offset"] = off(res.end)
        rec["category"] = c["cat"]
        out.append(rec)

    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "phrases.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for rec in out:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")

    counts: dict[str, int] = {}
    for rec in out:
        counts[rec["category"]] = counts.get(rec["category"], 0) + 1
    for k, v in counts.items():
        print(f"{k:22s} {v}")
    print(f"{'total':22s} {len(out)}")
    low = [k for k, v in counts.items() if v < (30 if k == "refuse" else 25)]
    if low:
        sys.exit(f"categories below the minimum: {low}")


if __name__ == "__main__":
    main()
