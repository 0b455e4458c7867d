#!/usr/bin/env python3
"""Generate regional.jsonl: a third, independent test corpus for the
spoken-German date/time resolver (contract: /work/shared/contract/german.md,
section "Regional forms, corrections and surrounding sentences (part two)").

Focus: what callers from Austria, Switzerland, Bavaria and the North say on
the phone, as a speech-to-text engine writes it down -- self-corrections
("am Montag, äh nein, Donnerstag um neun"), Swiss "Viertel ab fünf", Swiss and
Austrian holiday names (Auffahrt, Altjahrstag, Stefanitag, Berchtoldstag),
contractions ("heut z'Mittag", "auf d'Nacht", "in der Früh"), dates relative
to a holiday ("Freitag vor Pfingsten"), spans ("im Laufe der nächsten Woche",
"vom 11. bis zum 15. Jänner") and whole caller sentences with a name, a
service and a count of people around the time expression.

Python 3.11, standard library only.  Every expected value is COMPUTED here from
the reference time with `zoneinfo`/`datetime`; nothing is typed in by hand
except the meaning of the words themselves ("Viertel ab fünf" = 5:15 before the
business-hours rule, "auf d'Nacht" = 18-22, "Auffahrt" = Easter + 39, ...).

    python3 make_regional.py          # writes regional.jsonl next to this file

Line format (identical to phrases.jsonl / conversational.jsonl)
---------------------------------------------------------------
{"id","text","ref","tz","expect_start","expect_end","grain","category"}
  ref / expect_start / expect_end are LOCAL wall-clock times in tz (no offset).
  expect_end is exclusive.  Open ranges omit expect_end and set "open":"after".
  Refusals: {"id","text","ref","tz","expect":"not_understood","category":"refuse-regional"}.
  Ids "reg-0001", ...

Conventions
-----------
The conventions 1-10 in the header of make_corpus.py and C1-C9 in the header
of make_conversational.py are binding here too (time without a date = today
if still ahead, else tomorrow, a running interval is left out; business hours
07:00-20:00 inclusive, the earlier candidate on a tie, tie values only with an
explicit date; grains: clock time = minute, part of day = hour, date / date
range = day, week = week, month = month; future by default; "nächsten X" only
where both readings agree; a weekday equal to today is not used with a time or
part of day; holidays = next occurrence strictly after today; C9 is superseded
by the contract's part two, which now defines Swiss "Viertel ab drei").
Decisions taken for this corpus:

R1. Self-corrections: the value after the (last) correction marker wins.
    A part the correction does not name is kept from before it, in both
    directions: a date is kept when the correction names only a clock time or
    a part of day ("Freitag um zehn, nee, um elf" = Friday 11:00), and a clock
    time / part of day is kept when the correction names only a date
    ("Montag um zehn, nee, lieber Dienstag" = Tuesday 10:00; "am 10. Dezember,
    nee, am 11." keeps the month).  "oder besser", "oder lieber" and "doch
    lieber" right after a value are correction markers like "besser" and
    "lieber".  When the first value carries a part-of-day marker and the
    correction only a bare clock time ("morgen nachmittag um drei, nein, um
    vier"), the case is used only where keeping or dropping the marker gives
    the same time (checked in code); "heute Abend um sieben, nein, um acht"
    (20:00 vs. the tie rule's 08:00) is therefore left out.  The discarded
    first value is itself computed at the reference, so no case hides a
    situation the binding conventions leave out (a weekday equal to today,
    a time already passed today).  A marker with nothing after it refuses.
R2. Swiss clock: "X ab N" = "X nach N" = N:X, "X ab halb N" = "X nach halb N"
    = (N-1):(30+X), "Viertel ab N" = N:15, then the business-hours rule.
    "ab" in FRONT of a (Swiss) clock value is still an open range:
    "ab Viertel ab drei" = open after 15:15.  Swiss clock values are used
    with tz Europe/Zurich only.
R3. Auffahrt = Christi Himmelfahrt (Easter + 39), Altjahrstag = 31.12.,
    Berchtoldstag = 2.1., Stefanitag = 26.12.: the next occurrence strictly
    after today (convention 9); with a clock time or part of day on that day.
R4. "WEEKDAY vor/nach HOLIDAY" = the nearest such weekday STRICTLY
    before/after the holiday, so "Sonntag nach Ostern" = Easter + 7 and
    "Montag nach Ostern" = Easter Monday.  "Ostern" / "Pfingsten" in these
    phrases mean Easter Sunday / Pentecost Sunday (contract: "Mittwoch nach
    Ostern" = the Wednesday after Easter Sunday).  "Pfingstsamstag" =
    Pentecost - 1; "Samstag vor Ostern" = Easter - 1 by the weekday rule
    (unambiguous, unlike refused "Ostersamstag").  "der/am Tag vor/nach H" =
    H -/+ 1 day.  Year: such a phrase is used only where (a) the derived date
    of the next occurrence of H (strictly after today) and (b) the first
    derived date strictly after today agree (checked in code) -- e.g. on
    Easter Monday "Mittwoch nach Ostern" would be left out.
R5. Spans: "im Laufe der nächsten/kommenden Woche" = the Monday-based week
    after this one (grain week, as "nächste Woche" in phrases.jsonl).
    "in der Woche vom D" = the Monday-based week containing D (grain week);
    D is the next such date (convention 7) and the case is used only when
    that week starts after today (a week already running is left out).
    "(die|in der) Woche nach Weihnachten" = the week after the one containing
    the next 25.12. (grain week); used only at references well before
    Christmas.  Bare "Weihnachten" appears only in this phrase.
    "im Laufe des Januars" = the month (grain month), the next such month,
    the current month left out (convention 8).
    "vom A. bis zum B. M" = A.M to B.M inclusive (grain day, end = the day
    after B); A.M is the next such date (convention 7), B.M the first such
    date on or after it, so "vom 28. Dezember bis zum 3. Jänner" ends in the
    following year.
R6. Contractions: "z'Mittag" = mittags 12-14, "auf d'Nacht" / "auf die
    Nacht" = abends 18-22, "heut" = heute, "in der Früh" and "am Morgen"
    after a day word (also "morgen am Morgen") = früh 07-10; grain hour.
    A clock time inside that part of day ("z'Mittag um halb eins",
    "auf d'Nacht um sieben") is a point, the part of day acting as the
    explicit marker (the clock time must lie in the part, checked in code).
    "heut" + a part of day only when that part is still wholly ahead (C4).
R7. Surrounding sentences: greetings, names ("Schulz mein Name", "hier ist
    Becker", "Gruber am Apparat", "ich bin die Frau Berger"), services and
    reasons ("zur Fußpflege", "wegen meinem Fahrrad/Velo", "für eine
    Zahnreinigung"), people ("für zwei Personen", "für meine Tochter") and
    request verbs are set aside.  Numbers in counts of people are never clock
    values.  Restaurant bookings use 24-hour values or non-tie 12-hour values
    ("halb sieben" -> 18:30) or an explicit "am Abend", never a tie value
    ("um acht"), where the business-hours rule (08:00) would contradict the
    obvious meaning.  "Guten Morgen" only at morning references (C2).
    The words "vor Weihnachten", "nach Feierabend" and the like, which are
    time expressions of their own, are not used as "content".
R8. Refusals (category "refuse-regional"): "Ostersamstag" (contract);
    unknown words inside a time expression ("am Dienstag um Blumenkohl",
    "Viertel ab Gurke", "Mittwoch nach Blumenkohl", "heut um Semmel");
    a name / service / count of people and no time at all; a correction
    marker with nothing after it ("am Montag, äh nein", "morgen um vier,
    Moment"); "ab" followed by a non-time ("ab Fußpflege").
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections import Counter
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
D = dt.timedelta
MO, DI, MI, DO, FR, SA, SO = range(7)
WD = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
POD = {  # contract: parts of day are intervals
    "früh": (7, 10), "morgens": (7, 10), "vormittags": (8, 12),
    "mittags": (12, 14), "nachmittags": (12, 18), "abends": (18, 22),
}


class Skip(Exception):
    """The phrase is left out at this reference time (ambiguous or past)."""


# --------------------------------------------------------------------------
# Time zone handling and results
# --------------------------------------------------------------------------
def wall(naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Local wall-clock time -> aware datetime (gap: forward; fold: earlier)."""
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def plus_real(aware: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    return (aware.astimezone(UTC) + delta).astimezone(aware.tzinfo)


def at(d: dt.date, h: int = 0, m: int = 0) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, h, m)


class Res:
    def __init__(self, start, end, grain, open_after=False):
        self.start, self.end, self.grain, self.open = start, end, grain, open_after
        if end is not None:
            assert end > start, (start, end)

    def key(self):
        return (self.start, self.end, self.grain, self.open)


REFUSE = "REFUSE"


# --------------------------------------------------------------------------
# Reference times
# --------------------------------------------------------------------------
class Ref:
    def __init__(self, key, iso, tz, wd, label):
        self.key, self.label = key, label
        self.iso, self.tzname, self.tz = iso, tz, ZoneInfo(tz)
        self.now = dt.datetime.fromisoformat(iso)
        aware = wall(self.now, self.tz)
        if aware.replace(tzinfo=None) != self.now:
            raise ValueError(f"reference {iso} does not exist in {tz}")
        if self.now.replace(tzinfo=self.tz, fold=1).utcoffset() != aware.utcoffset():
            raise ValueError(f"reference {iso} is ambiguous in {tz}")
        self.today = self.now.date()
        self.wd = self.today.weekday()
        assert self.wd == wd, (iso, WD[self.wd])
        self.monday = self.today - D(days=self.wd)
        self.next_monday = self.monday + D(days=7)


RA = Ref("A", "2026-03-10T09:30:00", "Europe/Berlin", DI, "Tuesday morning, before Easter 2026")
RB = Ref("B", "2026-05-20T14:15:00", "Europe/Zurich", MI, "Wednesday afternoon, between Auffahrt and Pfingsten")
RC = Ref("C", "2026-12-03T10:45:00", "Europe/Vienna", DO, "Thursday morning, Advent")
RD = Ref("D", "2027-01-18T15:20:00", "Europe/Zurich", MO, "Monday afternoon, January")
RE = Ref("E", "2027-02-24T08:40:00", "Europe/Vienna", MI, "Wednesday early morning, before Easter 2027")
RF = Ref("F", "2027-06-11T11:10:00", "Europe/Berlin", FR, "Friday late morning (Bavaria/North)")
RG = Ref("G", "2026-09-15T16:30:00", "Europe/Vienna", DI, "Tuesday late afternoon")
RH = Ref("H", "2027-10-07T13:05:00", "Europe/Zurich", DO, "Thursday early afternoon")
RJ = Ref("J", "2027-12-13T09:00:00", "Europe/Berlin", MO, "Monday morning, before Christmas 2027")
RK = Ref("K", "2027-04-21T10:20:00", "Europe/Vienna", MI, "Wednesday morning, after Easter 2027")


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------
def res_point(r, d, h, m):
    s = wall(at(d, h, m), r.tz)
    return Res(s, plus_real(s, D(minutes=1)), "minute")


def res_day(r, d):
    return Res(wall(at(d), r.tz), wall(at(d + D(days=1)), r.tz), "day")


def res_days(r, first, last_incl):
    assert last_incl >= first
    return Res(wall(at(first), r.tz), wall(at(last_incl + D(days=1)), r.tz), "day")


def res_hours(r, d, a, b):
    return Res(wall(at(d, a), r.tz), wall(at(d, b), r.tz), "hour")


def res_week(r, monday):
    assert monday.weekday() == MO
    return Res(wall(at(monday), r.tz), wall(at(monday + D(days=7)), r.tz), "week")


def res_month(r, y, m):
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return Res(wall(dt.datetime(y, m, 1), r.tz), wall(dt.datetime(ny, nm, 1), r.tz), "month")


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------
def today(r):
    return r.today


def tomorrow(r):
    return r.today + D(days=1)


def overmorrow(r):
    return r.today + D(days=2)


def d_in(r, n):
    return r.today + D(days=n)


def d_wd(r, wd):
    """'am Freitag': the next such weekday; the weekday of today is left out (C3)."""
    if wd == r.wd:
        raise Skip
    return r.today + D(days=(wd - r.wd) % 7)


def d_naechsten(r, wd):
    """'nächsten X': only when 'the next X' and 'X of next week' agree."""
    a = r.today + D(days=((wd - r.wd) % 7) or 7)
    b = r.next_monday + D(days=wd)
    if a != b:
        raise Skip
    return a


def d_nw(r, wd):
    """'nächste Woche X'."""
    return r.next_monday + D(days=wd)


def d_dom(r, n):
    """'am 11.' without month: this month if ahead, else next month."""
    t = r.today
    if n == t.day:
        raise Skip
    if n > t.day:
        y, m = t.year, t.month
    else:
        y, m = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
    try:
        return dt.date(y, m, n)
    except ValueError:
        raise Skip


def d_dm(r, day, month):
    """'am 14. Dezember': the next such date (today left out)."""
    t = r.today
    c = dt.date(t.year, month, day)
    if c == t:
        raise Skip
    if c < t:
        c = dt.date(t.year + 1, month, day)
    return c


def d_dm_wd(r, wd, day, month=None):
    """'am Mittwoch, den 15.': the date, which must fall on the weekday named."""
    d = d_dom(r, day) if month is None else d_dm(r, day, month)
    assert d.weekday() == wd, (d, WD[wd])
    return d


def next_month_of(r, m):
    """Month name without year: the next such month; the current month is left out."""
    t = r.today
    if m == t.month:
        raise Skip
    return (t.year, m) if m > t.month else (t.year + 1, m)


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


assert easter(2026) == dt.date(2026, 4, 5) and easter(2027) == dt.date(2027, 3, 28)
assert easter(2028) == dt.date(2028, 4, 16) and easter(2013) == dt.date(2013, 3, 31)
assert easter(2019) == dt.date(2019, 4, 21) and easter(2000) == dt.date(2000, 4, 23)


def fixed(m, d):
    return lambda y: dt.date(y, m, d)


def from_easter(off):
    return lambda y: easter(y) + D(days=off)


HOLIDAYS = {
    "heiligabend": fixed(12, 24),
    "weihnachten": fixed(12, 25),       # only in "Woche nach Weihnachten" (R5)
    "stefanitag": fixed(12, 26),
    "silvester": fixed(12, 31),         # = Altjahrstag
    "neujahr": fixed(1, 1),
    "berchtoldstag": fixed(1, 2),
    "allerheiligen": fixed(11, 1),
    "karfreitag": from_easter(-2),
    "ostern": from_easter(0),           # Easter Sunday (R4)
    "ostermontag": from_easter(1),
    "himmelfahrt": from_easter(39),     # = Auffahrt
    "pfingsten": from_easter(49),       # Pentecost Sunday (R4)
    "fronleichnam": from_easter(60),
}


def hol_next(r, key):
    """Next occurrence strictly after today (convention 9)."""
    fn = HOLIDAYS[key]
    for y in range(r.today.year, r.today.year + 3):
        d = fn(y)
        if d == r.today:
            raise Skip
        if d > r.today:
            return d
    raise AssertionError(key)


def _derived(r, key, derive):
    """R4: (a) derive(next occurrence) must equal (b) the first derived date
    strictly after today; otherwise the year is a guess -> left out."""
    a = derive(hol_next(r, key))
    fn = HOLIDAYS[key]
    b = None
    for y in range(r.today.year - 1, r.today.year + 3):
        d = derive(fn(y))
        if d == r.today:
            raise Skip
        if d > r.today:
            b = d
            break
    if a != b:
        raise Skip
    return a


def wd_rel(key, wd, direction):
    """Nearest weekday wd strictly before (-1) / after (+1) the holiday."""
    def derive(h):
        if direction > 0:
            return h + D(days=((wd - h.weekday()) % 7) or 7)
        return h - D(days=((h.weekday() - wd) % 7) or 7)
    return derive


def hol_wd(r, key, wd, direction):
    return _derived(r, key, wd_rel(key, wd, direction))


def hol_off(r, key, n):
    return _derived(r, key, lambda h: h + D(days=n))


# sanity checks of the weekday rule against well-known dates
assert wd_rel("ostern", MI, +1)(easter(2026)) == dt.date(2026, 4, 8)
assert wd_rel("ostern", SO, +1)(easter(2026)) == dt.date(2026, 4, 12)
assert wd_rel("ostern", DO, -1)(easter(2026)) == dt.date(2026, 4, 2)       # Gründonnerstag
assert wd_rel("pfingsten", FR, -1)(from_easter(49)(2026)) == dt.date(2026, 5, 22)
assert wd_rel("himmelfahrt", FR, +1)(from_easter(39)(2026)) == dt.date(2026, 5, 15)


# --------------------------------------------------------------------------
# Times: (H, M, tie)
# --------------------------------------------------------------------------
def t_bh(h, m=0):
    """Bare 12-hour value h:m (h 0..12) -> business-hours rule."""
    base = h % 12
    cands = [base * 60 + m, (base + 12) * 60 + m]
    ok = [c for c in cands if 7 * 60 <= c <= 20 * 60]
    assert ok, (h, m)
    return (ok[0] // 60, ok[0] % 60, len(ok) > 1)


def t_24(h, m=0):
    assert 0 <= h <= 23
    return (h, m, False)


def t_pm(h, m=0):
    """Explicit afternoon/evening marker: h + 12."""
    assert 1 <= h <= 11
    return (h + 12, m, False)


def t_am(h, m=0):
    """Explicit morning marker (vormittags, früh, in der Früh, am Morgen)."""
    assert 1 <= h <= 11
    return (h, m, False)


# idioms: hour word N -> 12-hour value (h, m)
def halb(n):           return ((n - 1) % 12, 30)       # halb drei = 2:30
def v_nach(n):         return (n % 12, 15)             # Viertel nach zwei = 2:15
# Swiss "ab" after a clock value = "nach" (R2)
def v_ab(n):           return (n % 12, 15)             # Viertel ab fünf = 5:15
def x_ab(x, n):        return (n % 12, x)              # zehn ab elf = 11:10
def x_ab_halb(x, n):   return ((n - 1) % 12, 30 + x)   # fünf ab halb vier = 3:35


assert t_bh(*v_ab(5))[:2] == (17, 15) and t_bh(*x_ab(10, 11))[:2] == (11, 10)
assert t_bh(*x_ab_halb(5, 4))[:2] == (15, 35)


def bh(hm):
    return t_bh(*hm)


# --------------------------------------------------------------------------
# Combining date and time
# --------------------------------------------------------------------------
def pick_day(r, d, start_hm):
    """Date for a time of day: explicit d (must be ahead), or today/tomorrow."""
    h, m = start_hm
    if d is None:
        c = at(r.today, h, m)
        if c == r.now:
            raise Skip
        return r.today if c > r.now else tomorrow(r)
    if at(d, h, m) <= r.now:
        raise Skip
    return d


def p_time(r, d, t):
    h, m, tie = t
    if d is None and tie:
        raise Skip
    d = pick_day(r, d, (h, m))
    return res_point(r, d, h, m)


def p_open(r, d, t):
    h, m, tie = t
    if d is None and tie:
        raise Skip
    d = pick_day(r, d, (h, m))
    return Res(wall(at(d, h, m), r.tz), None, "minute", open_after=True)


def p_range(r, d, t1, t2):
    (h1, m1, tie1), (h2, m2, tie2) = t1, t2
    if d is None and (tie1 or tie2):
        raise Skip
    if d is None and at(r.today, h1, m1) <= r.now < at(r.today, h2, m2):
        raise Skip  # the range is running (convention 1)
    d = pick_day(r, d, (h1, m1))
    assert (h2, m2) > (h1, m1)
    return Res(wall(at(d, h1, m1), r.tz), wall(at(d, h2, m2), r.tz), "minute")


def p_pod(r, d, name):
    a, b = POD[name]
    if d is None:
        if at(r.today, a) > r.now:
            d = r.today
        elif at(r.today, b) <= r.now:
            d = tomorrow(r)
        else:
            raise Skip  # the interval is running
    elif at(d, a) <= r.now:
        raise Skip
    return res_hours(r, d, a, b)


def p_pod_time(r, d, name, t):
    """'auf d'Nacht um sieben': the clock time must lie in the part of day."""
    a, b = POD[name]
    assert a <= t[0] < b or (t[0], t[1]) == (b, 0), (name, t)
    return p_time(r, d, t)


def agree(*thunks):
    """All readings must give the same result (R1), else the case is left out."""
    results = [th() for th in thunks]
    if any(x.key() != results[0].key() for x in results[1:]):
        raise Skip
    return results[0]


def corr(first, final):
    """Self-correction (R1): the discarded first value must be resolvable at
    the reference too; the corrected value is the expectation."""
    first()
    return final()


# --------------------------------------------------------------------------
# Case collection
# --------------------------------------------------------------------------
CASES: list[dict] = []
SEEN: set = set()
SKIPPED: list = []


def fmt(x: dt.datetime) -> str:
    return x.replace(tzinfo=None).isoformat(timespec="seconds")


def C(cat, r, text, thunk):
    key = (text.lower(), r.key)
    if key in SEEN:
        sys.exit(f"duplicate case: {key}")
    try:
        res = thunk()
    except Skip:
        SKIPPED.append((cat, r.key, text))
        return
    SEEN.add(key)
    c = {"id": None, "text": text, "ref": r.iso, "tz": r.tzname}
    if res == REFUSE:
        c["expect"] = "not_understood"
    else:
        assert res.start.tzinfo is not None
        c["expect_start"] = fmt(res.start)
        if res.open:
            c["open"] = "after"
        else:
            c["expect_end"] = fmt(res.end)
        c["grain"] = res.grain
    c["category"] = cat
    CASES.append(c)


def X(r, text):
    C("refuse-regional", r, text, lambda: REFUSE)


# --------------------------------------------------------------------------
# 1. self-correction
# --------------------------------------------------------------------------
def gen_self_correction():
    cat = "self-correction"
    # RA: Tuesday 2026-03-10 09:30 Berlin
    r = RA
    C(cat, r, "am Montag, äh nein, Donnerstag um neun",
      lambda: corr(lambda: res_day(r, d_wd(r, MO)), lambda: p_time(r, d_wd(r, DO), t_bh(9))))
    C(cat, r, "Freitag um zehn, nee, um elf",
      lambda: corr(lambda: p_time(r, d_wd(r, FR), t_bh(10)), lambda: p_time(r, d_wd(r, FR), t_bh(11))))
    C(cat, r, "Donnerstag um drei, nein, um vier",
      lambda: corr(lambda: p_time(r, d_wd(r, DO), t_bh(3)), lambda: p_time(r, d_wd(r, DO), t_bh(4))))
    C(cat, r, "morgen um halb drei, Quatsch, um halb vier",
      lambda: corr(lambda: p_time(r, tomorrow(r), bh(halb(3))), lambda: p_time(r, tomorrow(r), bh(halb(4)))))
    C(cat, r, "am Mittwoch, ich korrigiere, am Donnerstag",
      lambda: corr(lambda: res_day(r, d_wd(r, MI)), lambda: res_day(r, d_wd(r, DO))))
    C(cat, r, "um drei, Entschuldigung, um vier",
      lambda: corr(lambda: p_time(r, None, t_bh(3)), lambda: p_time(r, None, t_bh(4))))
    C(cat, r, "übermorgen vormittags, oder nein, nachmittags",
      lambda: corr(lambda: p_pod(r, overmorrow(r), "vormittags"), lambda: p_pod(r, overmorrow(r), "nachmittags")))
    # RB: Wednesday 2026-05-20 14:15 Zurich
    r = RB
    C(cat, r, "am Freitag um zehn oder besser um elf",
      lambda: corr(lambda: p_time(r, d_wd(r, FR), t_bh(10)), lambda: p_time(r, d_wd(r, FR), t_bh(11))))
    C(cat, r, "Montag, lieber Dienstag",
      lambda: corr(lambda: res_day(r, d_wd(r, MO)), lambda: res_day(r, d_wd(r, DI))))
    C(cat, r, "am Donnerstag um Viertel ab drei, äh nein, um halb vier",
      lambda: corr(lambda: p_time(r, d_wd(r, DO), bh(v_ab(3))), lambda: p_time(r, d_wd(r, DO), bh(halb(4)))))
    C(cat, r, "morgen am Nachmittag, doch lieber am Vormittag",
      lambda: corr(lambda: p_pod(r, tomorrow(r), "nachmittags"), lambda: p_pod(r, tomorrow(r), "vormittags")))
    C(cat, r, "grüezi, also am Montag um neun, nein, um zehn",
      lambda: corr(lambda: p_time(r, d_wd(r, MO), t_bh(9)), lambda: p_time(r, d_wd(r, MO), t_bh(10))))
    # RC: Thursday 2026-12-03 10:45 Vienna
    r = RC
    C(cat, r, "am Montag um zehn, Moment, um halb elf",
      lambda: corr(lambda: p_time(r, d_wd(r, MO), t_bh(10)), lambda: p_time(r, d_wd(r, MO), bh(halb(11)))))
    C(cat, r, "heut um drei, nein, morgen um drei",
      lambda: corr(lambda: p_time(r, today(r), t_bh(3)), lambda: p_time(r, tomorrow(r), t_bh(3))))
    C(cat, r, "Dienstag in der Früh, nein, Mittwoch in der Früh",
      lambda: corr(lambda: p_pod(r, d_wd(r, DI), "früh"), lambda: p_pod(r, d_wd(r, MI), "früh")))
    C(cat, r, "am 10. Dezember, nee, am 11.",
      lambda: corr(lambda: res_day(r, d_dm(r, 10, 12)), lambda: res_day(r, d_dm(r, 11, 12))))
    C(cat, r, "Montag um zehn, nee, lieber Dienstag",
      lambda: corr(lambda: p_time(r, d_wd(r, MO), t_bh(10)), lambda: p_time(r, d_wd(r, DI), t_bh(10))))
    # RD: Monday 2027-01-18 15:20 Zurich
    r = RD
    C(cat, r, "am Mittwoch um zwei, äh nein, um drei",
      lambda: corr(lambda: p_time(r, d_wd(r, MI), t_bh(2)), lambda: p_time(r, d_wd(r, MI), t_bh(3))))
    C(cat, r, "Donnerstag Vormittag, Entschuldigung, Freitag Vormittag",
      lambda: corr(lambda: p_pod(r, d_wd(r, DO), "vormittags"), lambda: p_pod(r, d_wd(r, FR), "vormittags")))
    C(cat, r, "um fünf, nein, um halb sechs",
      lambda: corr(lambda: p_time(r, None, t_bh(5)), lambda: p_time(r, None, bh(halb(6)))))
    C(cat, r, "morgen um neun, oder nein, übermorgen",
      lambda: corr(lambda: p_time(r, tomorrow(r), t_bh(9)), lambda: p_time(r, overmorrow(r), t_bh(9))))
    # RE: Wednesday 2027-02-24 08:40 Vienna
    r = RE
    C(cat, r, "am Freitag, äh nein, am Samstag",
      lambda: corr(lambda: res_day(r, d_wd(r, FR)), lambda: res_day(r, d_wd(r, SA))))
    C(cat, r, "heut um elf, Moment, nein, um zwölf",
      lambda: corr(lambda: p_time(r, today(r), t_bh(11)), lambda: p_time(r, today(r), t_bh(12))))
    C(cat, r, "morgen nachmittag um drei nein um vier",
      lambda: corr(lambda: p_pod_time(r, tomorrow(r), "nachmittags", t_pm(3)),
                   lambda: agree(lambda: p_pod_time(r, tomorrow(r), "nachmittags", t_pm(4)),
                                 lambda: p_time(r, tomorrow(r), t_bh(4)))))
    C(cat, r, "Montag um halb neun, ich korrigiere, um neun",
      lambda: corr(lambda: p_time(r, d_wd(r, MO), bh(halb(9))), lambda: p_time(r, d_wd(r, MO), t_bh(9))))
    # RF: Friday 2027-06-11 11:10 Berlin
    r = RF
    C(cat, r, "nächsten Dienstag um zehn, nee, um halb elf",
      lambda: corr(lambda: p_time(r, d_naechsten(r, DI), t_bh(10)),
                   lambda: p_time(r, d_naechsten(r, DI), bh(halb(11)))))
    C(cat, r, "am Montag um drei oder lieber um vier",
      lambda: corr(lambda: p_time(r, d_wd(r, MO), t_bh(3)), lambda: p_time(r, d_wd(r, MO), t_bh(4))))
    C(cat, r, "heute Abend, Quatsch, morgen Abend",
      lambda: corr(lambda: p_pod(r, today(r), "abends"), lambda: p_pod(r, tomorrow(r), "abends")))
    C(cat, r, "um zwei, doch lieber um drei",
      lambda: corr(lambda: p_time(r, None, t_bh(2)), lambda: p_time(r, None, t_bh(3))))
    # RG: Tuesday 2026-09-15 16:30 Vienna
    r = RG
    C(cat, r, "am Donnerstag um elf, Entschuldigung, am Freitag um elf",
      lambda: corr(lambda: p_time(r, d_wd(r, DO), t_bh(11)), lambda: p_time(r, d_wd(r, FR), t_bh(11))))
    C(cat, r, "Mittwoch, nein, Donnerstag, um Viertel nach zehn",
      lambda: corr(lambda: res_day(r, d_wd(r, MI)), lambda: p_time(r, d_wd(r, DO), bh(v_nach(10)))))
    # RH: Thursday 2027-10-07 13:05 Zurich
    r = RH
    C(cat, r, "morgen um neun, äh nein, um zehn",
      lambda: corr(lambda: p_time(r, tomorrow(r), t_bh(9)), lambda: p_time(r, tomorrow(r), t_bh(10))))
    C(cat, r, "am Dienstag am Vormittag, besser am Nachmittag",
      lambda: corr(lambda: p_pod(r, d_wd(r, DI), "vormittags"), lambda: p_pod(r, d_wd(r, DI), "nachmittags")))
    C(cat, r, "um vier, nee, um fünf",
      lambda: corr(lambda: p_time(r, None, t_bh(4)), lambda: p_time(r, None, t_bh(5))))
    # RJ: Monday 2027-12-13 09:00 Berlin
    r = RJ
    C(cat, r, "am Mittwoch, äh nein, am Donnerstag um zwei",
      lambda: corr(lambda: res_day(r, d_wd(r, MI)), lambda: p_time(r, d_wd(r, DO), t_bh(2))))
    C(cat, r, "am 20., nein, am 21. Dezember",
      lambda: corr(lambda: res_day(r, d_dom(r, 20)), lambda: res_day(r, d_dm(r, 21, 12))))
    C(cat, r, "Freitag um halb zehn. Moment. Um zehn.",
      lambda: corr(lambda: p_time(r, d_wd(r, FR), bh(halb(10))), lambda: p_time(r, d_wd(r, FR), t_bh(10))))
    C(cat, r, "Dienstag Nachmittag, ach nein, lieber Mittwoch",
      lambda: corr(lambda: p_pod(r, d_wd(r, DI), "nachmittags"), lambda: p_pod(r, d_wd(r, MI), "nachmittags")))
    # RK: Wednesday 2027-04-21 10:20 Vienna
    r = RK
    C(cat, r, "Freitag um drei, ich korrigiere, um Viertel nach drei",
      lambda: corr(lambda: p_time(r, d_wd(r, FR), t_bh(3)), lambda: p_time(r, d_wd(r, FR), bh(v_nach(3)))))
    C(cat, r, "übermorgen, nee, morgen um elf",
      lambda: corr(lambda: res_day(r, overmorrow(r)), lambda: p_time(r, tomorrow(r), t_bh(11))))
    C(cat, r, "am freitag um zehn nee um elf",
      lambda: corr(lambda: p_time(r, d_wd(r, FR), t_bh(10)), lambda: p_time(r, d_wd(r, FR), t_bh(11))))
    r = RC  # Thursday: the STT-style Monday/Tuesday case
    C(cat, r, "am montag äh nein am dienstag um halb zehn",
      lambda: corr(lambda: res_day(r, d_wd(r, MO)), lambda: p_time(r, d_wd(r, DI), bh(halb(10)))))


# --------------------------------------------------------------------------
# 2. swiss-clock (Swiss "ab" and Swiss/Austrian holiday names)
# --------------------------------------------------------------------------
def gen_swiss_clock():
    cat = "swiss-clock"
    # RB: Wednesday 2026-05-20 14:15 Zurich
    r = RB
    C(cat, r, "Viertel ab fünf", lambda: p_time(r, None, bh(v_ab(5))))
    C(cat, r, "um zehn ab vier", lambda: p_time(r, None, bh(x_ab(10, 4))))
    C(cat, r, "fünf ab halb vier", lambda: p_time(r, None, bh(x_ab_halb(5, 4))))
    C(cat, r, "morgen um zehn ab elf", lambda: p_time(r, tomorrow(r), bh(x_ab(10, 11))))
    C(cat, r, "am Freitag um Viertel ab zwei", lambda: p_time(r, d_wd(r, FR), bh(v_ab(2))))
    C(cat, r, "ab Viertel ab drei", lambda: p_open(r, None, bh(v_ab(3))))
    C(cat, r, "an Auffahrt", lambda: res_day(r, hol_next(r, "himmelfahrt")))
    C(cat, r, "am Altjahrstag", lambda: res_day(r, hol_next(r, "silvester")))
    C(cat, r, "Berchtoldstag am Nachmittag", lambda: p_pod(r, hol_next(r, "berchtoldstag"), "nachmittags"))
    # RD: Monday 2027-01-18 15:20 Zurich
    r = RD
    C(cat, r, "zehn ab elf", lambda: p_time(r, None, bh(x_ab(10, 11))))
    C(cat, r, "um zwanzig ab zwei", lambda: p_time(r, None, bh(x_ab(20, 2))))
    C(cat, r, "grüezi, hätten Sie am Mittwoch um fünf ab halb neun was frei",
      lambda: p_time(r, d_wd(r, MI), bh(x_ab_halb(5, 9))))
    C(cat, r, "morgen um Viertel ab acht", lambda: p_time(r, tomorrow(r), bh(v_ab(8))))
    C(cat, r, "Donnerstag am Nachmittag um Viertel ab vier",
      lambda: p_pod_time(r, d_wd(r, DO), "nachmittags", t_pm(*v_ab(4))))
    C(cat, r, "an Auffahrt", lambda: res_day(r, hol_next(r, "himmelfahrt")))
    C(cat, r, "am Altjahrstag am Vormittag", lambda: p_pod(r, hol_next(r, "silvester"), "vormittags"))
    C(cat, r, "geht es Viertel ab fünf", lambda: p_time(r, None, bh(v_ab(5))))
    # RH: Thursday 2027-10-07 13:05 Zurich
    r = RH
    C(cat, r, "um fünf ab zwölf", lambda: p_time(r, None, bh(x_ab(5, 12))))
    C(cat, r, "zwanzig ab vier", lambda: p_time(r, None, bh(x_ab(20, 4))))
    C(cat, r, "am Montag um zehn ab halb zehn", lambda: p_time(r, d_wd(r, MO), bh(x_ab_halb(10, 10))))
    C(cat, r, "übermorgen um fünf ab eins", lambda: p_time(r, overmorrow(r), bh(x_ab(5, 1))))
    C(cat, r, "morgen am Abend um zehn ab sieben",
      lambda: p_pod_time(r, tomorrow(r), "abends", t_pm(*x_ab(10, 7))))
    C(cat, r, "morgen zwischen Viertel ab zwei und drei",
      lambda: p_range(r, tomorrow(r), bh(v_ab(2)), t_bh(3)))
    C(cat, r, "an Auffahrt", lambda: res_day(r, hol_next(r, "himmelfahrt")))
    C(cat, r, "am Berchtoldstag", lambda: res_day(r, hol_next(r, "berchtoldstag")))
    C(cat, r, "grüezi, geht am Altjahrstag um halb zehn?",
      lambda: p_time(r, hol_next(r, "silvester"), bh(halb(10))))
    C(cat, r, "nächsten Dienstag um Viertel ab zehn", lambda: p_time(r, d_naechsten(r, DI), bh(v_ab(10))))
    # Stefanitag: Austrian (Vienna)
    C(cat, RC, "am Stefanitag", lambda: res_day(RC, hol_next(RC, "stefanitag")))
    C(cat, RG, "am Stefanitag um zehn", lambda: p_time(RG, hol_next(RG, "stefanitag"), t_bh(10)))
    C(cat, RE, "Stefanitag", lambda: res_day(RE, hol_next(RE, "stefanitag")))
    C(cat, RK, "Grüß Gott, geht's am Stefanitag am Vormittag",
      lambda: p_pod(RK, hol_next(RK, "stefanitag"), "vormittags"))


# --------------------------------------------------------------------------
# 3. contraction
# --------------------------------------------------------------------------
def gen_contraction():
    cat = "contraction"
    # RC: Thursday 2026-12-03 10:45 Vienna
    r = RC
    C(cat, r, "heut", lambda: res_day(r, today(r)))
    C(cat, r, "heut z'Mittag", lambda: p_pod(r, today(r), "mittags"))
    C(cat, r, "heut auf d'Nacht", lambda: p_pod(r, today(r), "abends"))
    C(cat, r, "morgen in der Früh", lambda: p_pod(r, tomorrow(r), "früh"))
    C(cat, r, "übermorgen am Morgen", lambda: p_pod(r, overmorrow(r), "früh"))
    C(cat, r, "hätten S' heut um drei was frei", lambda: p_time(r, today(r), t_bh(3)))
    C(cat, r, "Montag z'Mittag", lambda: p_pod(r, d_wd(r, MO), "mittags"))
    # RE: Wednesday 2027-02-24 08:40 Vienna
    r = RE
    C(cat, r, "heut nachmittag", lambda: p_pod(r, today(r), "nachmittags"))
    C(cat, r, "Freitag am Morgen", lambda: p_pod(r, d_wd(r, FR), "früh"))
    C(cat, r, "morgen auf die Nacht", lambda: p_pod(r, tomorrow(r), "abends"))
    C(cat, r, "heut in acht Tagen", lambda: res_day(r, d_in(r, 7)))
    C(cat, r, "geht's heut z'Mittag?", lambda: p_pod(r, today(r), "mittags"))
    # RG: Tuesday 2026-09-15 16:30 Vienna
    r = RG
    C(cat, r, "heut auf d'Nacht", lambda: p_pod(r, today(r), "abends"))
    C(cat, r, "in der Früh", lambda: p_pod(r, None, "früh"))
    C(cat, r, "morgen z'Mittag um halb eins", lambda: p_pod_time(r, tomorrow(r), "mittags", bh(halb(1))))
    C(cat, r, "am Donnerstag auf d'Nacht um sieben", lambda: p_pod_time(r, d_wd(r, DO), "abends", t_pm(7)))
    C(cat, r, "Servus, geht's morgen in der Früh um acht?", lambda: p_pod_time(r, tomorrow(r), "früh", t_am(8)))
    C(cat, r, "heut auf d'Nacht um halb acht", lambda: p_pod_time(r, today(r), "abends", t_pm(7, 30)))
    C(cat, r, "in der Früh um halb neun", lambda: p_pod_time(r, None, "früh", t_am(8, 30)))
    # RF: Friday 2027-06-11 11:10 Berlin (Bavarian callers)
    r = RF
    C(cat, r, "heut z'Mittag", lambda: p_pod(r, today(r), "mittags"))
    C(cat, r, "Montag in der Früh", lambda: p_pod(r, d_wd(r, MO), "früh"))
    C(cat, r, "grüß Gott, geht's am Dienstag am Morgen", lambda: p_pod(r, d_wd(r, DI), "früh"))
    C(cat, r, "morgen auf d'Nacht", lambda: p_pod(r, tomorrow(r), "abends"))
    C(cat, r, "heut nachmittag", lambda: p_pod(r, today(r), "nachmittags"))
    C(cat, r, "heut um halb fünf", lambda: p_time(r, today(r), bh(halb(5))))
    # RH: Thursday 2027-10-07 13:05 Zurich
    r = RH
    C(cat, r, "morgen am Morgen", lambda: p_pod(r, tomorrow(r), "früh"))
    C(cat, r, "am Montag z'Mittag", lambda: p_pod(r, d_wd(r, MO), "mittags"))
    # RK: Wednesday 2027-04-21 10:20 Vienna
    r = RK
    C(cat, r, "heut z'Mittag um eins", lambda: p_pod_time(r, today(r), "mittags", t_bh(1)))
    C(cat, r, "Samstag in der Früh", lambda: p_pod(r, d_wd(r, SA), "früh"))
    C(cat, r, "übermorgen auf die Nacht", lambda: p_pod(r, overmorrow(r), "abends"))
    C(cat, r, "heut", lambda: res_day(r, today(r)))
    C(cat, r, "Freitag am Morgen um neun", lambda: p_pod_time(r, d_wd(r, FR), "früh", t_am(9)))


# --------------------------------------------------------------------------
# 4. holiday-relative-and-spans
# --------------------------------------------------------------------------
def gen_holiday_spans():
    cat = "holiday-relative-and-spans"

    def spans_from(r, day, month, m2, day2):
        """'vom A. bis zum B. M' (R5)."""
        s = d_dm(r, day, month)
        e = dt.date(s.year, m2, day2)
        if e < s:
            e = dt.date(s.year + 1, m2, day2)
        return res_days(r, s, e)

    def week_of(r, day, month):
        d = d_dm(r, day, month)
        mon = d - D(days=d.weekday())
        if mon <= r.today:
            raise Skip  # the week has begun: left out (R5)
        return res_week(r, mon)

    def week_after_christmas(r):
        x = hol_next(r, "weihnachten")
        mon = x - D(days=x.weekday()) + D(days=7)
        if x - r.today < D(days=7):
            raise Skip  # only well before Christmas (R5)
        return res_week(r, mon)

    def month_of(r, m):
        return res_month(r, *next_month_of(r, m))

    # RA: Tuesday 2026-03-10 09:30 Berlin
    r = RA
    C(cat, r, "Mittwoch nach Ostern", lambda: res_day(r, hol_wd(r, "ostern", MI, +1)))
    C(cat, r, "am Freitag vor Pfingsten", lambda: res_day(r, hol_wd(r, "pfingsten", FR, -1)))
    C(cat, r, "Pfingstsamstag", lambda: res_day(r, hol_off(r, "pfingsten", -1)))
    C(cat, r, "am Tag nach Ostermontag", lambda: res_day(r, hol_off(r, "ostermontag", 1)))
    C(cat, r, "Donnerstag vor Ostern", lambda: res_day(r, hol_wd(r, "ostern", DO, -1)))
    C(cat, r, "im Laufe der nächsten Woche", lambda: res_week(r, r.next_monday))
    C(cat, r, "im Laufe des Aprils", lambda: month_of(r, 4))
    C(cat, r, "am Freitag nach Himmelfahrt", lambda: res_day(r, hol_wd(r, "himmelfahrt", FR, +1)))
    # RB: Wednesday 2026-05-20 14:15 Zurich
    r = RB
    C(cat, r, "Freitag vor Pfingsten", lambda: res_day(r, hol_wd(r, "pfingsten", FR, -1)))
    C(cat, r, "am Pfingstsamstag", lambda: res_day(r, hol_off(r, "pfingsten", -1)))
    C(cat, r, "Dienstag nach Pfingsten", lambda: res_day(r, hol_wd(r, "pfingsten", DI, +1)))
    C(cat, r, "Mittwoch nach Ostern", lambda: res_day(r, hol_wd(r, "ostern", MI, +1)))
    C(cat, r, "in der Woche vom 14. Dezember", lambda: week_of(r, 14, 12))
    C(cat, r, "im Laufe der kommenden Woche", lambda: res_week(r, r.next_monday))
    C(cat, r, "am Freitag nach Auffahrt", lambda: res_day(r, hol_wd(r, "himmelfahrt", FR, +1)))
    C(cat, r, "Pfingstsamstag um zehn", lambda: p_time(r, hol_off(r, "pfingsten", -1), t_bh(10)))
    # RC: Thursday 2026-12-03 10:45 Vienna
    r = RC
    C(cat, r, "die Woche nach Weihnachten", lambda: week_after_christmas(r))
    C(cat, r, "vom 11. bis zum 15. Jänner", lambda: spans_from(r, 11, 1, 1, 15))
    C(cat, r, "im Laufe des Jänners", lambda: month_of(r, 1))
    C(cat, r, "am Tag vor Heiligabend", lambda: res_day(r, hol_off(r, "heiligabend", -1)))
    C(cat, r, "am Tag nach Neujahr", lambda: res_day(r, hol_off(r, "neujahr", 1)))
    C(cat, r, "Montag nach Neujahr", lambda: res_day(r, hol_wd(r, "neujahr", MO, +1)))
    C(cat, r, "vom 28. Dezember bis zum 3. Jänner", lambda: spans_from(r, 28, 12, 1, 3))
    C(cat, r, "in der Woche vom zwölften Jänner", lambda: week_of(r, 12, 1))
    C(cat, r, "vom ersten bis zum fünften Feber", lambda: spans_from(r, 1, 2, 2, 5))
    # RE: Wednesday 2027-02-24 08:40 Vienna
    r = RE
    C(cat, r, "Samstag vor Ostern", lambda: res_day(r, hol_wd(r, "ostern", SA, -1)))
    C(cat, r, "Sonntag nach Ostern", lambda: res_day(r, hol_wd(r, "ostern", SO, +1)))
    C(cat, r, "vom 3. bis zum 7. März", lambda: spans_from(r, 3, 3, 3, 7))
    C(cat, r, "in der Woche vom zwölften April", lambda: week_of(r, 12, 4))
    C(cat, r, "im Laufe der nächsten Woche", lambda: res_week(r, r.next_monday))
    C(cat, r, "am Tag vor Karfreitag", lambda: res_day(r, hol_off(r, "karfreitag", -1)))
    # RJ: Monday 2027-12-13 09:00 Berlin
    r = RJ
    C(cat, r, "in der Woche nach Weihnachten", lambda: week_after_christmas(r))
    C(cat, r, "am Tag vor Silvester", lambda: res_day(r, hol_off(r, "silvester", -1)))
    C(cat, r, "im Laufe des Januars", lambda: month_of(r, 1))
    C(cat, r, "in der Woche vom 10. Januar", lambda: week_of(r, 10, 1))
    C(cat, r, "vom 11. bis zum 15. Januar", lambda: spans_from(r, 11, 1, 1, 15))
    # RH: Thursday 2027-10-07 13:05 Zurich
    r = RH
    C(cat, r, "am Tag nach Allerheiligen", lambda: res_day(r, hol_off(r, "allerheiligen", 1)))
    C(cat, r, "im Laufe des Novembers", lambda: month_of(r, 11))
    C(cat, r, "in der Woche vom 22. November", lambda: week_of(r, 22, 11))
    C(cat, r, "die Woche nach Weihnachten", lambda: week_after_christmas(r))
    # RF: Friday 2027-06-11 11:10 Berlin
    r = RF
    C(cat, r, "Freitag nach Fronleichnam", lambda: res_day(r, hol_wd(r, "fronleichnam", FR, +1)))
    C(cat, r, "im Laufe der kommenden Woche", lambda: res_week(r, r.next_monday))
    C(cat, r, "im Laufe des Augusts", lambda: month_of(r, 8))
    # RK: Wednesday 2027-04-21 10:20 Vienna
    r = RK
    C(cat, r, "Mittwoch nach Ostern", lambda: res_day(r, hol_wd(r, "ostern", MI, +1)))
    C(cat, r, "am Freitag vor Pfingsten", lambda: res_day(r, hol_wd(r, "pfingsten", FR, -1)))
    C(cat, r, "Pfingstsamstag", lambda: res_day(r, hol_off(r, "pfingsten", -1)))
    C(cat, r, "vom 2. bis zum 6. Mai", lambda: spans_from(r, 2, 5, 5, 6))
    C(cat, r, "Dienstag nach Pfingsten am Vormittag",
      lambda: p_pod(r, hol_wd(r, "pfingsten", DI, +1), "vormittags"))


# --------------------------------------------------------------------------
# 5. surrounding-sentence
# --------------------------------------------------------------------------
def gen_surrounding():
    cat = "surrounding-sentence"
    # RA: Tuesday 2026-03-10 09:30 Berlin
    r = RA
    C(cat, r, "Guten Tag, Schulz mein Name, ich bräuchte einen Termin zur Fußpflege, "
              "am besten Donnerstag Nachmittag",
      lambda: p_pod(r, d_wd(r, DO), "nachmittags"))
    C(cat, r, "Guten Morgen, hier ist Becker, ich wollte wegen meinem Fahrrad anrufen, "
              "ginge es morgen um halb fünf?",
      lambda: p_time(r, tomorrow(r), bh(halb(5))))
    C(cat, r, "Moin, mein Name ist Meier, ich hätte gern einen Termin für eine Zahnreinigung, "
              "so Freitag um zehn",
      lambda: p_time(r, d_wd(r, FR), t_bh(10)))
    C(cat, r, "Hallo, ich möchte einen Tisch für zwei Personen reservieren, am Samstag um 19 Uhr",
      lambda: p_time(r, d_wd(r, SA), t_24(19)))
    # RB: Wednesday 2026-05-20 14:15 Zurich
    r = RB
    C(cat, r, "Grüezi, Huber am Apparat, ich bräuchte einen Termin für einen Haarschnitt, "
              "morgen am Vormittag",
      lambda: p_pod(r, tomorrow(r), "vormittags"))
    C(cat, r, "grüezi mitenand, hier ist Frau Keller, wegen meinem Velo, "
              "geht es am Montag um Viertel ab zehn?",
      lambda: p_time(r, d_wd(r, MO), bh(v_ab(10))))
    C(cat, r, "Guten Tag, mein Name ist Brunner, einen Tisch für zwei Personen am Freitag ab 18 Uhr bitte",
      lambda: p_open(r, d_wd(r, FR), t_24(18)))
    # RC: Thursday 2026-12-03 10:45 Vienna
    r = RC
    C(cat, r, "Grüß Gott, Gruber mein Name, ich hätt gern einen Termin zur Fußpflege, "
              "heut z'Mittag wenn's geht",
      lambda: p_pod(r, today(r), "mittags"))
    C(cat, r, "Servus, da ist der Huber, ich bräuchte einen Termin für einen Haarschnitt, "
              "am Dienstag um halb drei",
      lambda: p_time(r, d_wd(r, DI), bh(halb(3))))
    C(cat, r, "Grüß Gott, hier spricht Pichler, für drei Personen hätte ich gern einen Tisch "
              "am Samstag um halb sieben",
      lambda: p_time(r, d_wd(r, SA), bh(halb(7))))
    C(cat, r, "ja hallo schulz mein name ich ruf an wegen der zahnreinigung "
              "geht es nächste woche mittwoch um neun",
      lambda: p_time(r, d_nw(r, MI), t_bh(9)))
    # RD: Monday 2027-01-18 15:20 Zurich
    r = RD
    C(cat, r, "Grüezi, Meier mein Name, ich sollte mein Auto zum Service bringen, "
              "ginge es am Donnerstag zwischen acht und zehn?",
      lambda: p_range(r, d_wd(r, DO), t_bh(8), t_bh(10)))
    C(cat, r, "Guten Tag, hier ist Steiner, ich hätte gern einen Termin für eine Massage, "
              "übermorgen am Nachmittag",
      lambda: p_pod(r, overmorrow(r), "nachmittags"))
    C(cat, r, "Hallo, für vier Personen, am Freitagabend, auf den Namen Weber",
      lambda: p_pod(r, d_wd(r, FR), "abends"))
    # RE: Wednesday 2027-02-24 08:40 Vienna
    r = RE
    C(cat, r, "Guten Morgen, Hofer mein Name, ich bräuchte einen Termin zur Fußpflege, "
              "vielleicht am Montag in der Früh",
      lambda: p_pod(r, d_wd(r, MO), "früh"))
    C(cat, r, "Grüß Gott, mein Name ist Wagner, wegen meinem Fahrrad, die Bremse quietscht, "
              "hätten S' morgen um vier Zeit",
      lambda: p_time(r, tomorrow(r), t_bh(4)))
    C(cat, r, "Hallo, ich bin die Frau Berger, ich bräuchte für meine Tochter einen Termin "
              "für einen Haarschnitt, am Freitag um drei",
      lambda: p_time(r, d_wd(r, FR), t_bh(3)))
    # RF: Friday 2027-06-11 11:10 Berlin
    r = RF
    C(cat, r, "Moin moin, Hansen hier, ich bräuchte einen Termin für eine Zahnreinigung, "
              "am Dienstag am Vormittag",
      lambda: p_pod(r, d_wd(r, DI), "vormittags"))
    C(cat, r, "Hallo, hier ist Becker, für zwei Personen bitte, heute Abend um halb acht",
      lambda: p_time(r, today(r), t_pm(7, 30)))
    C(cat, r, "Tag, Schmidt mein Name, wegen meinem Fahrrad, geht's am Montag zwischen 14 und 16 Uhr",
      lambda: p_range(r, d_wd(r, MO), t_24(14), t_24(16)))
    # RG: Tuesday 2026-09-15 16:30 Vienna
    r = RG
    C(cat, r, "Servus, Leitner mein Name, ich bräuchte einen Termin zur Fußpflege, "
              "am Donnerstag am Vormittag",
      lambda: p_pod(r, d_wd(r, DO), "vormittags"))
    C(cat, r, "Grüß Gott, mein Name ist Moser, ich möchte gern einen Tisch für sechs Personen, "
              "am Samstag um sieben am Abend",
      lambda: p_pod_time(r, d_wd(r, SA), "abends", t_pm(7)))
    # RH: Thursday 2027-10-07 13:05 Zurich
    r = RH
    C(cat, r, "Grüezi, Frau Baumann am Telefon, ich hätte gern einen Termin für einen Haarschnitt, "
              "nächste Woche Dienstag um zehn",
      lambda: p_time(r, d_nw(r, DI), t_bh(10)))
    C(cat, r, "Guten Tag, hier ist Gerber, wegen meinem Velo, ginge es morgen ab halb zwei",
      lambda: p_open(r, tomorrow(r), bh(halb(2))))
    # RJ: Monday 2027-12-13 09:00 Berlin
    r = RJ
    C(cat, r, "Guten Morgen, Schulz mein Name, ich bräuchte einen Termin zur Fußpflege, "
              "am besten Donnerstag um halb drei",
      lambda: p_time(r, d_wd(r, DO), bh(halb(3))))
    C(cat, r, "Hallo, Krüger hier, für zwei Personen, am Mittwoch, den 15., um 19 Uhr",
      lambda: p_time(r, d_dm_wd(r, MI, 15), t_24(19)))
    # RK: Wednesday 2027-04-21 10:20 Vienna
    r = RK
    C(cat, r, "Grüß Gott, Huber mein Name, ich rufe an wegen einer Zahnreinigung, "
              "hätten Sie am Freitag um Viertel nach neun was frei",
      lambda: p_time(r, d_wd(r, FR), bh(v_nach(9))))
    C(cat, r, "Hallo, ich bräuchte einen Termin für zwei Personen zum Haareschneiden, "
              "übermorgen um halb vier",
      lambda: p_time(r, overmorrow(r), bh(halb(4))))
    C(cat, r, "Grüß Gott, da ist der Brandstätter, wegen meinem Radl, geht's morgen in der Früh",
      lambda: p_pod(r, tomorrow(r), "früh"))


# --------------------------------------------------------------------------
# refusals
# --------------------------------------------------------------------------
def gen_refuse():
    for r, text in [
        (RA, "Ostersamstag"),
        (RA, "am Ostersamstag um zehn"),
        (RE, "am Ostersamstag"),
        (RA, "am Dienstag um Blumenkohl"),
        (RB, "Viertel ab Gurke"),
        (RH, "zehn ab Tisch"),
        (RC, "heut um Semmel"),
        (RA, "Mittwoch nach Blumenkohl"),
        (RJ, "am Tag vor Gurke"),
        (RA, "Schulz mein Name, ich hätte gern einen Termin zur Fußpflege"),
        (RF, "hier ist Becker, wegen meinem Fahrrad"),
        (RD, "Guten Tag, für zwei Personen bitte"),
        (RH, "Grüezi, Meier mein Name, ich bräuchte einen Termin für einen Haarschnitt"),
        (RE, "Grüß Gott, mein Name ist Wagner, für vier Personen hätte ich gern einen Tisch"),
        (RC, "am Montag, äh nein"),
        (RG, "Freitag um zehn, nee"),
        (RE, "um drei, ich korrigiere"),
        (RK, "morgen um vier, Moment"),
        (RB, "ab Fußpflege"),
        (RK, "ab Haarschnitt"),
        (RJ, "Guten Tag, Schulz mein Name, am besten Donnerstag um Blumenkohl"),
    ]:
        X(r, text)


# --------------------------------------------------------------------------
MINIMUM = {"self-correction": 20, "swiss-clock": 20, "contraction": 20,
           "holiday-relative-and-spans": 20, "surrounding-sentence": 20,
           "refuse-regional": 15}


def main():
    gen_self_correction()
    gen_swiss_clock()
    gen_contraction()
    gen_holiday_spans()
    gen_surrounding()
    gen_refuse()
    for i, c in enumerate(CASES, 1):
        c["id"] = f"reg-{i:04d}"
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regional.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for c in CASES:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    cats = Counter(c["category"] for c in CASES)
    left = Counter(s[0] for s in SKIPPED)
    print(f"wrote {len(CASES)} cases to {out}")
    for k, v in cats.items():
        print(f"  {k:28s} {v:4d}   (left out: {left[k]})")
    for cat, key, text in SKIPPED:
        print(f"  left out [{cat}] at {key}: {text}")
    low = [k for k, n in MINIMUM.items() if cats[k] < n]
    if low:
        sys.exit(f"categories below the minimum: {low}")


if __name__ == "__main__":
    main()
