#!/usr/bin/env python3
"""Generate conversational.jsonl: a second, independent test corpus for the
spoken-German date/time resolver (contract: /work/shared/contract/german.md).

Focus: how callers really say it on the phone to a hair salon's AI
receptionist, as a speech-to-text engine transcribes it -- date/time
expressions wrapped in fillers and small talk ("Ja hallo, hätten Sie morgen so
gegen drei noch was frei?"), short answers to the agent's question ("lieber
Freitag"), digits inside idioms ("um halb 3", "dreiviertel 5"), "Uhr" dropped,
mixed case, missing punctuation, Austrian/Swiss/Bavarian forms, and refusals
where guessing a date would book a wrong appointment.

Python 3.11, standard library only.  Every expected value is COMPUTED here from
the reference time with `zoneinfo`/`datetime`; nothing is typed in by hand
except the meaning of the words themselves ("halb drei" = 2:30 before the
business-hours rule, "nachmittags" = 12-18, ...).

    python3 make_conversational.py     # writes conversational.jsonl next to this file

Line format (identical to phrases.jsonl)
----------------------------------------
{"id","text","ref","tz","expect_start","expect_end","grain","category"}
  ref / expect_start / expect_end are LOCAL wall-clock times in tz (no offset).
  expect_end is exclusive.  Open ranges omit expect_end and set "open":"after".
  Refusals: {"id","text","ref","tz","expect":"not_understood","category":"refuse"}.

Conventions
-----------
The conventions 1-10 in the header of make_corpus.py are binding here too
(time without a date = today if still ahead, else tomorrow; business hours
07:00-20:00 inclusive with the earlier candidate on a tie and tie values only
together with an explicit date; grains; "nächsten X" only where both readings
agree; day of month without month = this month if ahead, else next month; ...).
Additional decisions taken for this corpus:

C1. Fillers, greetings and politeness ("Ja hallo", "äh", "also", "hätten Sie
    ... noch was frei", "wäre super", "bitte", "danke", "okay", "Grüß Gott",
    "grüezi", "merci") do not change the meaning.  Approximation words
    ("so", "gegen", "ungefähr", "so um ... rum") leave a clock time a point
    (grain minute), as "so gegen drei" in phrases.jsonl.  "irgendwann" in
    front of a resolvable expression ("irgendwann nächste Woche") is a filler;
    alone it is a refusal.
C2. "Guten Morgen" / "Guten Abend" are greetings, never "tomorrow" / "evening".
    They are used together with a real date ("Guten Morgen, hätten Sie am
    Freitag was frei?") and, alone with a request, as refusals.
C3. A weekday equal to today is only used bare with "nächsten" (contract:
    +7 days); combined with a clock time, a part of day, a range or an open
    range it is left out (the caller may well mean today).  Plain "am X" on
    day X is left out too (covered by phrases.jsonl; on the phone it is
    ambiguous).
C4. "heute" / a date combined with a time that has already started or passed
    at the reference time is left out.
C5. "Uhr" dropped after a 24-hour value ("um 15", "gegen 16", "ab 14") is
    the 24-hour time; "14 Uhr 15" = 14:15; "um 14 30" (STT for "vierzehn
    dreißig") = 14:30.  Numeric h:mm only with h >= 8 (as in make_corpus.py).
C6. "D wär gut, so ab 14 Uhr" = open range after 14:00 on D.  Ranges between
    two clock times on a date: grain minute, end = the second time.
C7. A part of day together with a week ("irgendwann nächste Woche am
    Vormittag") is not defined by the contract and is left out (neither
    expected nor refused).
C8. Refusals: alternatives ("Dienstag oder Mittwoch"), negations ("nicht am
    Montag"), no date at all ("wann haben Sie denn offen", "egal wann",
    "Guten Morgen, ich hätte gern einen Termin"), recurring wishes ("jeden
    Dienstag"), indefinite ("an einem Dienstag"), truncated phrases ("so um
    Viertel nach"), impossible dates, and weekday/date contradictions
    ("Freitag, den 13." when the 13th it resolves to is not a Friday; checked
    in code, and only used when no 13th of the two following months is a
    Friday either, so that no "nearby" reading exists; "am Dienstag, den 22.
    Mai" only when 22 May is no Tuesday this year or next year).
    "am Wochenende nach Ostern" is refused as the brief asks ("Wochenende" is
    not in the contract, and "after Easter" may or may not include Easter
    Monday).  Corrections ("um drei, nein vier"),
    "bald", "später" alone and content nouns (services, names) are avoided.
C9. Swiss "Viertel ab drei" is left out (collides with open-range "ab drei").
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
from collections import Counter
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
D = dt.timedelta
MO, DI, MI, DO, FR, SA, SO = range(7)
WD = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember"]
MONTHS_AT = ["Jänner", "Feber"] + MONTHS[2:]
NUM = {1: "eins", 2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben",
       8: "acht", 9: "neun", 10: "zehn", 11: "elf", 12: "zwölf"}
POD = {  # contract: parts of day are intervals
    "früh": (7, 10), "morgens": (7, 10), "vormittags": (8, 12),
    "mittags": (12, 14), "nachmittags": (12, 18), "abends": (18, 22),
}


def ordinal(n: int) -> str:
    """Dative ordinal: 3 -> 'dritten', 21 -> 'einundzwanzigsten'."""
    base = {1: "ersten", 2: "zweiten", 3: "dritten", 4: "vierten", 5: "fünften",
            6: "sechsten", 7: "siebten", 8: "achten", 9: "neunten", 10: "zehnten",
            11: "elften", 12: "zwölften", 13: "dreizehnten", 14: "vierzehnten",
            15: "fünfzehnten", 16: "sechzehnten", 17: "siebzehnten",
            18: "achtzehnten", 19: "neunzehnten", 20: "zwanzigsten",
            30: "dreißigsten"}
    if n in base:
        return base[n]
    units = {1: "ein", 2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs",
             7: "sieben", 8: "acht", 9: "neun"}
    tens = "zwanzigsten" if n < 30 else "dreißigsten"
    return units[n % 10] + "und" + tens


class Skip(Exception):
    """The phrase is left out at this reference time (ambiguous or past)."""


# --------------------------------------------------------------------------
# Reference times
# --------------------------------------------------------------------------
class Ref:
    def __init__(self, key, iso, tz, label):
        self.key, self.label = key, label
        self.now = dt.datetime.fromisoformat(iso)
        self.tzname = tz
        self.tz = ZoneInfo(tz)
        self.today = self.now.date()
        self.wd = self.today.weekday()


REFS = [
    Ref("A", "2026-12-08T09:15:00", "Europe/Berlin", "Tuesday morning"),
    Ref("B", "2027-02-12T15:30:00", "Europe/Vienna", "Friday afternoon"),
    Ref("C", "2027-04-17T18:45:00", "Europe/Zurich", "Saturday evening"),
    Ref("D", "2027-06-13T10:30:00", "Europe/Berlin", "Sunday morning"),
    Ref("E", "2027-09-30T12:20:00", "Europe/Zurich", "Thursday noon, month end"),
    Ref("F", "2026-12-21T08:05:00", "Europe/Vienna", "Monday early morning"),
]
assert [r.wd for r in REFS] == [DI, FR, SA, SO, DO, MO]
REF = {r.key: r for r in REFS}


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


REFUSE = "REFUSE"


def res_point(r, d, h, m):
    s = wall(at(d, h, m), r.tz)
    return Res(s, plus_real(s, D(minutes=1)), "minute")


def res_day(r, d):
    return Res(wall(at(d), r.tz), wall(at(d + D(days=1)), r.tz), "day")


def res_days(r, first, last_incl):
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
def tomorrow(r):
    return r.today + D(days=1)


def overmorrow(r):
    return r.today + D(days=2)


def next_monday(r):
    return r.today + D(days=7 - r.wd)


def d_wd(r, wd):
    """'am Freitag': the next such weekday; the weekday of today is left out (C3)."""
    if wd == r.wd:
        raise Skip
    return r.today + D(days=(wd - r.wd) % 7)


def d_naechsten(r, wd):
    """'nächsten X': only when 'the next X' and 'X of next week' agree."""
    a = r.today + D(days=((wd - r.wd) % 7) or 7)
    b = next_monday(r) + D(days=wd)
    if a != b:
        raise Skip
    return a


def d_nw(r, wd):
    """'nächste Woche X' / 'X nächste Woche'."""
    return next_monday(r) + D(days=wd)


def d_dom(r, n):
    """'am 3.' without month: this month if ahead, else next month."""
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
    """'am 3. Dezember': the next such date (today left out)."""
    t = r.today
    c = dt.date(t.year, month, day)
    if c == t:
        raise Skip
    if c < t:
        c = dt.date(t.year + 1, month, day)
    return c


def d_in(r, n):
    return r.today + D(days=n)


def next_month_of(r, m):
    """Month name without year: the next such month; the current month is left out."""
    t = r.today
    if m == t.month:
        raise Skip
    return (t.year, m) if m > t.month else (t.year + 1, m)


def month_part(r, part, y, m):
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - D(days=1)).day
    a, b = {"Anfang": (1, 10), "Mitte": (11, 20), "Ende": (21, last)}[part]
    return res_days(r, dt.date(y, m, a), dt.date(y, m, b))


def week_part(r, part, monday):
    a, b = {"Anfang": (0, 1), "Mitte": (2, 2), "Ende": (3, 4)}[part]
    return res_days(r, monday + D(days=a), monday + D(days=b))


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
    """Explicit morning marker (vormittags, früh, morgens)."""
    assert 1 <= h <= 11
    return (h, m, False)


# idioms: hour word N -> 12-hour value (h, m)
def halb(n):        return ((n - 1) % 12, 30)      # halb drei = 2:30
def v_nach(n):      return (n % 12, 15)            # Viertel nach zwei = 2:15
def v_vor(n):       return ((n - 1) % 12, 45)      # Viertel vor drei = 2:45
def viertel(n):     return ((n - 1) % 12, 15)      # Viertel drei = 2:15
def dreiv(n):       return ((n - 1) % 12, 45)      # dreiviertel drei = 2:45
def f_vor_halb(n):  return ((n - 1) % 12, 25)      # fünf vor halb drei = 2:25
def z_vor_halb(n):  return ((n - 1) % 12, 20)      # zehn vor halb drei = 2:20
def f_nach_halb(n): return ((n - 1) % 12, 35)      # fünf nach halb drei = 2:35
def z_nach_halb(n): return ((n - 1) % 12, 40)      # zehn nach halb drei = 2:40
def z_vor(n):       return ((n - 1) % 12, 50)      # zehn vor drei = 2:50
def f_nach(n):      return (n % 12, 5)             # fünf nach drei = 3:05
def z_nach(n):      return (n % 12, 10)            # zehn nach drei = 3:10


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
    s = wall(at(d, h, m), r.tz)
    return Res(s, None, "minute", open_after=True)


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
    """'morgen nachmittag um drei': the clock time must lie in the part of day."""
    a, b = POD[name]
    assert a <= t[0] < b or (t[0], t[1]) == (b, 0), (name, t)
    return p_time(r, d, t)


def p_elapsed(r, minutes):
    s = plus_real(wall(r.now, r.tz), D(minutes=minutes))
    return Res(s, plus_real(s, D(minutes=1)), "minute")


# --------------------------------------------------------------------------
# Time expressions (adverbial, without a date)
#   kind: pt (point), pod (part of day), open, rng (range)
# --------------------------------------------------------------------------
TIME_EXPRS = [
    ("um drei", "pt", t_bh(3)),
    ("gegen drei", "pt", t_bh(3)),
    ("gegen halb vier", "pt", bh(halb(4))),
    ("um Viertel nach zwei", "pt", bh(v_nach(2))),
    ("um Viertel vor fünf", "pt", bh(v_vor(5))),
    ("um fünf", "pt", t_bh(5)),
    ("ungefähr um vier", "pt", t_bh(4)),
    ("um elf", "pt", t_bh(11)),
    ("um halb zwölf", "pt", bh(halb(12))),
    ("um zehn vor drei", "pt", bh(z_vor(3))),
    ("um fünf vor halb drei", "pt", bh(f_vor_halb(3))),
    ("um zehn nach halb vier", "pt", bh(z_nach_halb(4))),
    ("um zwölf", "pt", t_bh(12)),
    ("um halb eins", "pt", bh(halb(1))),
    ("um eins", "pt", t_bh(1)),
    ("um halb zehn", "pt", bh(halb(10))),
    ("um Viertel nach neun", "pt", bh(v_nach(9))),
    ("um neun", "pt", t_bh(9)),
    ("um zehn", "pt", t_bh(10)),
    ("um halb sechs", "pt", bh(halb(6))),
    ("um sechs", "pt", t_bh(6)),
    ("um halb fünf", "pt", bh(halb(5))),
    ("um fünf nach zwei", "pt", bh(f_nach(2))),
    ("um zehn nach vier", "pt", bh(z_nach(4))),
    ("um vierzehn Uhr", "pt", t_24(14)),
    ("um sechzehn Uhr dreißig", "pt", t_24(16, 30)),
    ("um siebzehn Uhr", "pt", t_24(17)),
    ("gegen Mittag", "pt", t_24(12)),
    ("über Mittag", "pod", "mittags"),
    ("mittags", "pod", "mittags"),
    ("am Vormittag", "pod", "vormittags"),
    ("vormittags", "pod", "vormittags"),
    ("am Nachmittag", "pod", "nachmittags"),
    ("nachmittags", "pod", "nachmittags"),
    ("am Abend", "pod", "abends"),
    ("abends", "pod", "abends"),
    ("ab drei", "open", t_bh(3)),
    ("ab halb drei", "open", bh(halb(3))),
    ("nach vier", "open", t_bh(4)),
    ("ab 14 Uhr", "open", t_24(14)),
    ("nach 16 Uhr", "open", t_24(16)),
    ("zwischen zwei und vier", "rng", (t_bh(2), t_bh(4))),
    ("zwischen zehn und zwölf", "rng", (t_bh(10), t_bh(12))),
    ("von elf bis eins", "rng", (t_bh(11), t_bh(1))),
    ("zwischen 14 und 16 Uhr", "rng", (t_24(14), t_24(16))),
    ("zwischen drei und fünf", "rng", (t_bh(3), t_bh(5))),
]


def time_res(r, d, kind, spec):
    if kind == "pt":
        return p_time(r, d, spec)
    if kind == "pod":
        return p_pod(r, d, spec)
    if kind == "open":
        return p_open(r, d, spec)
    if kind == "rng":
        return p_range(r, d, *spec)
    raise ValueError(kind)


def so(text):
    """'so ' in front of 'um'/'gegen' expressions, as callers say it."""
    return "so " + text if text.startswith(("um ", "gegen ")) else text


# --------------------------------------------------------------------------
# Date expressions for a reference time: (text, accusative text, date thunk)
# --------------------------------------------------------------------------
def date_exprs(r, rng):
    wds = [w for w in range(6) if w != r.wd]          # Mon..Sat, not today
    rng.shuffle(wds)
    out = [
        ("morgen", None, lambda: tomorrow(r)),
        ("übermorgen", None, lambda: overmorrow(r)),
        (f"am {WD[wds[0]]}", f"den {WD[wds[0]]}", lambda w=wds[0]: d_wd(r, w)),
        (f"am {WD[wds[1]]}", f"den {WD[wds[1]]}", lambda w=wds[1]: d_wd(r, w)),
        (f"{WD[wds[2]]}", f"den {WD[wds[2]]}", lambda w=wds[2]: d_wd(r, w)),
        (f"nächste Woche {WD[wds[3]]}", None, lambda w=wds[3]: d_nw(r, w)),
        (f"{WD[wds[4]]} nächste Woche", None, lambda w=wds[4]: d_nw(r, w)),
    ]
    # "nächsten X" where both readings agree: X <= today (Mon-based), not Sunday
    agree = [w for w in range(6) if w <= r.wd]
    if agree:
        w = agree[rng.randrange(len(agree))]
        out.append((f"nächsten {WD[w]}", f"den nächsten {WD[w]}", lambda w=w: d_naechsten(r, w)))
    # day of month
    n = r.today.day + 3 if r.today.day + 3 <= 28 else 4
    out.append((f"am {n}.", f"den {n}.", lambda n=n: d_dom(r, n)))
    dd = r.today + D(days=rng.choice([5, 9, 12, 16, 23]))
    out.append((f"am {dd.day}. {MONTHS[dd.month - 1]}", f"den {dd.day}. {MONTHS[dd.month - 1]}",
                lambda dd=dd: d_dm(r, dd.day, dd.month)))
    dd2 = r.today + D(days=rng.choice([6, 10, 13, 18, 27]))
    out.append((f"am {ordinal(dd2.day)} {MONTHS[dd2.month - 1]}",
                f"den {ordinal(dd2.day)} {MONTHS[dd2.month - 1]}",
                lambda dd=dd2: d_dm(r, dd.day, dd.month)))
    out.append(("in acht Tagen", None, lambda: d_in(r, 7)))
    return out


# --------------------------------------------------------------------------
# Case collection
# --------------------------------------------------------------------------
CASES: list[dict] = []
SEEN: set = set()
SKIPPED = Counter()


def fmt(x: dt.datetime) -> str:
    return x.replace(tzinfo=None).isoformat(timespec="seconds")


def add(cat, text, r, thunk):
    key = (text.lower(), r.key)
    if key in SEEN:
        return False
    try:
        res = thunk()
    except Skip:
        SKIPPED[cat] += 1
        return False
    SEEN.add(key)
    c = {"id": None, "text": text, "ref": r.now.isoformat(timespec="seconds"), "tz": r.tzname}
    if res == REFUSE:
        c["expect"] = "not_understood"
    else:
        c["expect_start"] = fmt(res.start)
        if res.open:
            c["open"] = "after"
        else:
            c["expect_end"] = fmt(res.end)
        c["grain"] = res.grain
    c["category"] = cat
    CASES.append(c)
    return True


def place(cat, factory, n, ok=lambda r, t: True):
    """Hand-written items: factory(r) -> [(text, thunk)], the same texts for
    every reference.  Item i is tried at the references in rotating order
    (starting with reference i) and kept at the first n where it resolves."""
    lists = {r.key: factory(r) for r in REFS}
    for i in range(len(lists[REFS[0].key])):
        added = 0
        for k in range(len(REFS)):
            r = REFS[(i + k) % len(REFS)]
            t, th = lists[r.key][i]
            if added < n and ok(r, t) and add(cat, t, r, th):
                added += 1


def stt_style(text, rng):
    """Vary case and punctuation the way STT engines and callers do."""
    x = rng.random()
    if x < 0.25:
        return text.lower()
    if x < 0.45:
        return text.rstrip("?.!").replace(",", "")
    return text


# --------------------------------------------------------------------------
# conversational-day
# --------------------------------------------------------------------------
DAY_FRAMES = [
    "Ja hallo, hätten Sie {D} noch was frei?",
    "äh, geht vielleicht {D}?",
    "hallo ich hätte gern einen Termin {D}",
    "Guten Tag, ginge es {D}?",
    "wie schaut's {D} aus",
    "ähm haben Sie {D} Zeit",
    "also {D} würde mir gut passen",
    "ja dann {D} bitte",
    "kann ich {D} vorbeikommen?",
    "passt es Ihnen {D}",
    "hm, {D} wäre mir am liebsten",
    "okay, dann lieber {D}",
    "und {D}, geht das?",
    "ich würde gern {D} kommen",
    "wäre {D} noch was möglich?",
    "geht {D} bei Ihnen",
    "{D} wäre super",
    "ja also {D} wenn das geht, danke",
]


def gen_conversational_day():
    cat = "conversational-day"
    rng = random.Random(1101)
    for r in REFS:
        exprs = [(t, (lambda f=f: res_day(r, f()))) for t, _, f in date_exprs(r, rng)]
        nm = next_monday(r)
        exprs += [
            ("nächste Woche", lambda: res_week(r, nm)),
            ("irgendwann nächste Woche", lambda: res_week(r, nm)),
            ("übernächste Woche", lambda: res_week(r, nm + D(days=7))),
            ("Anfang nächster Woche", lambda: week_part(r, "Anfang", nm)),
            ("Mitte nächster Woche", lambda: week_part(r, "Mitte", nm)),
            ("Ende nächster Woche", lambda: week_part(r, "Ende", nm)),
            ("in vierzehn Tagen", lambda: res_day(r, d_in(r, 14))),
            ("heute in acht Tagen", lambda: res_day(r, d_in(r, 7))),
            ("heute", lambda: res_day(r, r.today)),
        ]
        if r.wd <= MI:
            mon = r.today - D(days=r.wd)
            exprs.append(("Ende der Woche", lambda mon=mon: week_part(r, "Ende", mon)))
        m2 = (r.today.month + 1) % 12 + 1           # the month after next
        y2, _ = next_month_of(r, m2)
        exprs.append((f"im {MONTHS[m2 - 1]}", lambda y=y2, m=m2: res_month(r, y, m)))
        m1 = r.today.month % 12 + 1                 # next month
        y1, _ = next_month_of(r, m1)
        part = rng.choice(["Anfang", "Mitte", "Ende"])
        exprs.append((f"{part} {MONTHS[m1 - 1]}", lambda y=y1, m=m1, p=part: month_part(r, p, y, m)))
        exprs = rng.sample(exprs, 13)
        frames = DAY_FRAMES[:]
        rng.shuffle(frames)
        for i, (t, th) in enumerate(exprs):
            fr = frames[i % len(frames)]
            txt = fr.format(D=t)
            txt = txt[0].upper() + txt[1:] if fr.startswith("{D}") else txt
            add(cat, stt_style(txt, rng), r, th)

    def hw_day(r):
        return [
            ("ich dachte so an übermorgen", lambda: res_day(r, overmorrow(r))),
            ("ja, ich dachte an morgen", lambda: res_day(r, tomorrow(r))),
            ("Guten Morgen, hätten Sie am Freitag was frei?", lambda: res_day(r, d_wd(r, FR))),
            ("guten Morgen ich bräuchte einen Termin am Mittwoch", lambda: res_day(r, d_wd(r, MI))),
            ("Guten Abend, geht übermorgen?", lambda: res_day(r, overmorrow(r))),
            ("hallo, haben Sie heute noch was frei", lambda: res_day(r, r.today)),
            ("geht es vielleicht schon morgen", lambda: res_day(r, tomorrow(r))),
            ("dann nehm ich den Donnerstag", lambda: res_day(r, d_wd(r, DO))),
            ("hallo, ja, ich wollte fragen ob am Dienstag noch was geht",
             lambda: res_day(r, d_wd(r, DI))),
            ("ähm also nächste Woche Mittwoch wenn's geht", lambda: res_day(r, d_nw(r, MI))),
        ]

    def greeting_fits(r, t):  # "Guten Morgen" is a greeting, not a date (C2)
        if t.lower().startswith("guten morgen"):
            return r.now.hour < 11
        if t.lower().startswith("guten abend"):
            return r.now.hour >= 17
        return True

    place(cat, hw_day, 2, greeting_fits)
    # a consistent weekday + date (the contradiction check is in gen_refuse)
    for r in REFS:
        d = d_dom(r, 15) if r.today.day != 15 else None
        if d is None:
            continue
        add(cat, f"also am {WD[d.weekday()]}, den 15.", r, lambda d=d: res_day(r, d))


# --------------------------------------------------------------------------
# conversational-time (no date)
# --------------------------------------------------------------------------
TIME_FRAMES = [
    "hätten Sie {T} noch was frei?",
    "geht's {S}?",
    "ginge es auch {T}",
    "{S} wär gut",
    "ja, {S} passt mir",
    "dann komm ich {S}",
    "äh {S} hätte ich Zeit",
    "könnte ich {T} kommen?",
    "am liebsten {T}",
    "also {S} wäre ideal",
    "okay, {S} geht bei mir",
    "ähm ja {T} vielleicht",
]


def gen_conversational_time():
    cat = "conversational-time"
    rng = random.Random(2202)
    for r in REFS:
        exprs = TIME_EXPRS[:]
        rng.shuffle(exprs)
        frames = TIME_FRAMES[:]
        rng.shuffle(frames)
        n = 0
        for t, kind, spec in exprs:
            if n >= 7:
                break
            fr = frames[n % len(frames)]
            txt = fr.format(T=t, S=so(t))
            txt = txt[0].upper() + txt[1:]
            if add(cat, stt_style(txt, rng), r, lambda k=kind, s=spec: time_res(r, None, k, s)):
                n += 1
        el = [("könnte ich in einer halben Stunde vorbeikommen", 30),
              ("geht's in einer Stunde?", 60),
              ("ich könnte in zwanzig Minuten da sein", 20),
              ("in anderthalb Stunden würde passen", 90),
              ("so in zwei Stunden vielleicht", 120),
              ("geht es in einer Dreiviertelstunde", 45)]
        t, mins = el[REFS.index(r)]
        add(cat, t, r, lambda m=mins: p_elapsed(r, m))
    place(cat, lambda r: [
        ("so um drei rum", lambda: p_time(r, None, t_bh(3))),
        ("geht's so gegen vier rum", lambda: p_time(r, None, t_bh(4))),
        ("hätten Sie vielleicht um halb fünf noch Zeit", lambda: p_time(r, None, bh(halb(5)))),
    ], 2)


# --------------------------------------------------------------------------
# conversational-combined (date + time / part of day / range / open range)
# --------------------------------------------------------------------------
COMBO_FRAMES = [
    "Ja hallo, hätten Sie {D} {S} noch was frei?",
    "könnte ich {D} {T} kommen",
    "passt es Ihnen {D} {T}",
    "{D} wär gut, {S}",
    "geht {D} {T}?",
    "also am liebsten {D} {T}",
    "ich hätte gern einen Termin {D} {T}",
    "ähm {D}, {S} wenn's geht",
    "haben Sie {D} {T} noch Zeit",
    "okay dann {D} {T}, danke",
    "wie schaut's {D} {T} aus",
    "ja {D} {S} wäre super",
]


def gen_conversational_combined():
    cat = "conversational-combined"
    rng = random.Random(3303)
    for r in REFS:
        dex = date_exprs(r, rng)
        tex = TIME_EXPRS[:]
        rng.shuffle(tex)
        frames = COMBO_FRAMES[:]
        rng.shuffle(frames)
        k = 0
        for i, (dt_txt, _, dthunk) in enumerate(dex):
            for j in range(len(tex)):
                t, kind, spec = tex[(i * 3 + j) % len(tex)]
                fr = frames[k % len(frames)]
                txt = fr.format(D=dt_txt, T=t, S=so(t))
                txt = txt[0].upper() + txt[1:]
                th = (lambda f=dthunk, kd=kind, s=spec: time_res(r, f(), kd, s))
                if add(cat, stt_style(txt, rng), r, th):
                    k += 1
                    break

    # brief-style and part-of-day combinations
    def hw_combined(r):
        return [
            ("Ja hallo, hätten Sie morgen so gegen drei noch was frei?",
             lambda: p_time(r, tomorrow(r), t_bh(3))),
            ("äh, geht vielleicht Dienstag nachmittag?",
             lambda: p_pod(r, d_wd(r, DI), "nachmittags")),
            ("also am liebsten nächsten Mittwoch vormittags",
             lambda: p_pod(r, d_naechsten(r, MI), "vormittags")),
            ("könnte ich am Freitag um halb fünf kommen",
             lambda: p_time(r, d_wd(r, FR), bh(halb(5)))),
            ("passt es Ihnen am 3. Dezember um 10",
             lambda: p_time(r, d_dm(r, 3, 12), t_bh(10))),
            ("dann nehm ich den Donnerstag um viertel nach zwei",
             lambda: p_time(r, d_wd(r, DO), bh(v_nach(2)))),
            ("Montag wär gut, so ab 14 Uhr",
             lambda: p_open(r, d_wd(r, MO), t_24(14))),
            ("morgen vormittag wäre mir recht",
             lambda: p_pod(r, tomorrow(r), "vormittags")),
            ("geht's morgen früh?",
             lambda: p_pod(r, tomorrow(r), "früh")),
            ("hätten Sie übermorgen am Nachmittag noch was",
             lambda: p_pod(r, overmorrow(r), "nachmittags")),
            ("heute abend vielleicht?",
             lambda: p_pod(r, r.today, "abends")),
            ("ja hallo, heute nachmittag noch was frei?",
             lambda: p_pod(r, r.today, "nachmittags")),
            ("am Donnerstagvormittag wäre gut",
             lambda: p_pod(r, d_wd(r, DO), "vormittags")),
            ("Mittwochabend ginge auch",
             lambda: p_pod(r, d_wd(r, MI), "abends")),
            ("dann lieber Freitagnachmittag",
             lambda: p_pod(r, d_wd(r, FR), "nachmittags")),
            ("morgen nachmittag um drei wäre gut",
             lambda: p_pod_time(r, tomorrow(r), "nachmittags", t_pm(3))),
            ("am Freitag abends so um sieben",
             lambda: p_pod_time(r, d_wd(r, FR), "abends", t_pm(7))),
            ("Samstag vormittags um zehn geht das",
             lambda: p_pod_time(r, d_wd(r, SA), "vormittags", t_am(10))),
            ("morgen um acht Uhr abends",
             lambda: p_time(r, tomorrow(r), t_pm(8))),
            ("am Mittwoch um sieben Uhr abends, geht das?",
             lambda: p_time(r, d_wd(r, MI), t_pm(7))),
            ("morgen um halb acht wenn möglich",
             lambda: p_time(r, tomorrow(r), bh(halb(8)))),
            ("am Dienstag um acht bitte",
             lambda: p_time(r, d_wd(r, DI), t_bh(8))),
            ("morgen zwischen zwei und vier irgendwann",
             lambda: p_range(r, tomorrow(r), t_bh(2), t_bh(4))),
            ("am Montag von zehn bis zwölf hätte ich Zeit",
             lambda: p_range(r, d_wd(r, MO), t_bh(10), t_bh(12))),
            ("übermorgen ab drei",
             lambda: p_open(r, overmorrow(r), t_bh(3))),
            ("am Samstag nach vier geht's bei mir",
             lambda: p_open(r, d_wd(r, SA), t_bh(4))),
            ("morgen gegen Mittag",
             lambda: p_time(r, tomorrow(r), t_24(12))),
            ("nächste Woche Dienstag um elf",
             lambda: p_time(r, d_nw(r, DI), t_bh(11))),
            ("heute noch um fünf?",
             lambda: p_time(r, r.today, t_bh(5))),
            ("geht heute um halb sechs",
             lambda: p_time(r, r.today, bh(halb(6)))),
            ("um drei am Freitag, ginge das",
             lambda: p_time(r, d_wd(r, FR), t_bh(3))),
            ("Dienstag, den ersten, um zehn",
             lambda: _consistent(r, DI, 1, t_bh(10))),
        ]

    place(cat, hw_combined, 2)


def _consistent(r, wd, n, t):
    d = d_dom(r, n)
    if d.weekday() != wd:
        raise Skip
    return p_time(r, d, t)


# --------------------------------------------------------------------------
# short-answers (answers to the agent's question)
# --------------------------------------------------------------------------
def gen_short_answers():
    cat = "short-answers"
    def items(r):
        return [
            ("morgen", lambda: res_day(r, tomorrow(r))),
            ("Morgen.", lambda: res_day(r, tomorrow(r))),
            ("lieber Freitag", lambda: res_day(r, d_wd(r, FR))),
            ("eher später, so um fünf", lambda: p_time(r, None, t_bh(5))),
            ("um elf", lambda: p_time(r, None, t_bh(11))),
            ("Freitag.", lambda: res_day(r, d_wd(r, FR))),
            ("Dienstag nachmittag", lambda: p_pod(r, d_wd(r, DI), "nachmittags")),
            ("halb vier", lambda: p_time(r, None, bh(halb(4)))),
            ("gern um drei", lambda: p_time(r, None, t_bh(3))),
            ("ja, um zehn", lambda: p_time(r, None, t_bh(10))),
            ("nachmittags", lambda: p_pod(r, None, "nachmittags")),
            ("lieber vormittags", lambda: p_pod(r, None, "vormittags")),
            ("am Donnerstag", lambda: res_day(r, d_wd(r, DO))),
            ("übermorgen bitte", lambda: res_day(r, overmorrow(r))),
            ("den dritten", lambda: res_day(r, d_dom(r, 3))),
            ("den zwanzigsten", lambda: res_day(r, d_dom(r, 20))),
            ("Viertel nach vier", lambda: p_time(r, None, bh(v_nach(4)))),
            ("ab drei", lambda: p_open(r, None, t_bh(3))),
            ("so gegen zwei", lambda: p_time(r, None, t_bh(2))),
            ("nächste Woche", lambda: res_week(r, next_monday(r))),
            ("ja, Montag", lambda: res_day(r, d_wd(r, MO))),
            ("okay Mittwoch", lambda: res_day(r, d_wd(r, MI))),
            ("vielleicht Samstag?", lambda: res_day(r, d_wd(r, SA))),
            ("eher abends", lambda: p_pod(r, None, "abends")),
            ("um neun", lambda: p_time(r, None, t_bh(9))),
            ("nach 17 Uhr", lambda: p_open(r, None, t_24(17))),
            ("mittags", lambda: p_pod(r, None, "mittags")),
            ("morgen früh", lambda: p_pod(r, tomorrow(r), "früh")),
            ("gegen elf", lambda: p_time(r, None, t_bh(11))),
            ("um Punkt drei", lambda: p_time(r, None, t_bh(3))),
            ("Donnerstag um drei", lambda: p_time(r, d_wd(r, DO), t_bh(3))),
            ("lieber in acht Tagen", lambda: res_day(r, d_in(r, 7))),
            ("ja passt, nächsten Montag", lambda: res_day(r, d_naechsten(r, MO))),
            ("hm, um zwölf?", lambda: p_time(r, None, t_bh(12))),
            ("okay, halb zwei", lambda: p_time(r, None, bh(halb(2)))),
        ]

    place(cat, items, 2)


# --------------------------------------------------------------------------
# stt-digits (digits inside idioms, "Uhr" dropped, numeric dates)
# --------------------------------------------------------------------------
def gen_stt_digits():
    cat = "stt-digits"
    def items(r):
        dd = r.today + D(days=(4, 9, 11, 6, 8, 10)[REFS.index(r)])
        ds = f"{dd.day}.{dd.month}."
        return [
            ("um halb 3", lambda: p_time(r, None, bh(halb(3)))),
            ("geht viertel nach 2", lambda: p_time(r, None, bh(v_nach(2)))),
            ("dreiviertel 5 wär gut", lambda: p_time(r, None, bh(dreiv(5)))),
            ("hätten Sie um 3 Uhr noch was frei", lambda: p_time(r, None, t_bh(3))),
            ("14 Uhr 15 ginge", lambda: p_time(r, None, t_24(14, 15))),
            ("morgen um 9", lambda: p_time(r, tomorrow(r), t_bh(9))),
            (f"am {ds} um 14:30", lambda dd=dd: p_time(r, d_dm(r, dd.day, dd.month), t_24(14, 30))),
            (f"ja am {dd.day}. um 11 Uhr", lambda dd=dd: p_time(r, d_dom(r, dd.day), t_bh(11))),
            ("passt um 14.30 Uhr", lambda: p_time(r, None, t_24(14, 30))),
            ("viertel vor 4", lambda: p_time(r, None, bh(v_vor(4)))),
            ("so 5 vor halb 3", lambda: p_time(r, None, bh(f_vor_halb(3)))),
            ("10 nach halb 5", lambda: p_time(r, None, bh(z_nach_halb(5)))),
            ("um Viertel 3", lambda: p_time(r, None, bh(viertel(3)))),
            ("um 17 Uhr", lambda: p_time(r, None, t_24(17))),
            ("geht 16:45", lambda: p_time(r, None, t_24(16, 45))),
            ("so gegen 3", lambda: p_time(r, None, t_bh(3))),
            ("ab 15 Uhr", lambda: p_open(r, None, t_24(15))),
            ("zwischen 2 und 4", lambda: p_range(r, None, t_bh(2), t_bh(4))),
            ("von 10 bis 12 Uhr", lambda: p_range(r, None, t_bh(10), t_bh(12))),
            ("in 8 Tagen", lambda: res_day(r, d_in(r, 7))),
            ("in 14 Tagen geht's auch", lambda: res_day(r, d_in(r, 14))),
            (f"am {ds}", lambda dd=dd: res_day(r, d_dm(r, dd.day, dd.month))),
            (f"am {dd.day:02d}.{dd.month:02d}. um 10", lambda dd=dd: p_time(r, d_dm(r, dd.day, dd.month), t_bh(10))),
            ("um 12 Uhr 30", lambda: p_time(r, None, t_24(12, 30))),
            ("um 8 Uhr 30", lambda: p_time(r, None, t_bh(8, 30))),
            ("10 Uhr 45 wär gut", lambda: p_time(r, None, t_24(10, 45))),
            ("halb 12", lambda: p_time(r, None, bh(halb(12)))),
            ("um 1", lambda: p_time(r, None, t_bh(1))),
            ("hätten Sie um 15 noch was", lambda: p_time(r, None, t_24(15))),
            ("gegen 16", lambda: p_time(r, None, t_24(16))),
            ("ab 14", lambda: p_open(r, None, t_24(14))),
            ("um 18 Uhr", lambda: p_time(r, None, t_24(18))),
            ("morgen um 9 Uhr morgens", lambda: p_time(r, tomorrow(r), t_am(9))),
            ("übermorgen um 7 Uhr abends", lambda: p_time(r, overmorrow(r), t_pm(7))),
            ("so um 14 30", lambda: p_time(r, None, t_24(14, 30))),
            ("Freitag um halb 3", lambda: p_time(r, d_wd(r, FR), bh(halb(3)))),
            ("am Montag um 8", lambda: p_time(r, d_wd(r, MO), t_bh(8))),
            ("morgen um 3", lambda: p_time(r, tomorrow(r), t_bh(3))),
            ("nächste Woche Mittwoch um 10 Uhr", lambda: p_time(r, d_nw(r, MI), t_bh(10))),
            ("übermorgen zwischen 13 und 15 Uhr", lambda: p_range(r, overmorrow(r), t_24(13), t_24(15))),
        ]

    place(cat, items, 2)


# --------------------------------------------------------------------------
# regional
# --------------------------------------------------------------------------
def gen_regional():
    cat = "regional"
    def items(r):
        return [
            ("am Sonnabend hätte ich Zeit", lambda: res_day(r, d_wd(r, SA))),
            ("Sonnabend vormittag ginge", lambda: p_pod(r, d_wd(r, SA), "vormittags")),
            ("wie schaut's am Samstag in der Früh aus", lambda: p_pod(r, d_wd(r, SA), "früh")),
            ("Grüß Gott, geht morgen in der Früh?", lambda: p_pod(r, tomorrow(r), "früh")),
            ("in der Früh wär mir am liebsten", lambda: p_pod(r, None, "früh")),
            ("servus, geht's um Viertel drei", lambda: p_time(r, None, bh(viertel(3)))),
            ("um dreiviertel vier", lambda: p_time(r, None, bh(dreiv(4)))),
            ("morgen um Viertel zehn", lambda: p_time(r, tomorrow(r), bh(viertel(10)))),
            ("um dreiviertel zwölf", lambda: p_time(r, None, bh(dreiv(12)))),
            ("so um Viertel eins", lambda: p_time(r, None, bh(viertel(1)))),
            ("morgen um dreiviertel acht", lambda: p_time(r, tomorrow(r), bh(dreiv(8)))),
            ("am Freitag um Viertel fünf", lambda: p_time(r, d_wd(r, FR), bh(viertel(5)))),
            ("heuer im Mai noch was frei?", lambda: _heuer_month(r, 5)),
            ("heuer im Oktober", lambda: _heuer_month(r, 10)),
            ("heuer im Dezember vielleicht", lambda: _heuer_month(r, 12)),
            ("am 7. Jänner", lambda: res_day(r, d_dm(r, 7, 1))),
            ("Anfang Jänner wär gut", lambda: _mpart(r, "Anfang", 1)),
            ("Mitte Jänner", lambda: _mpart(r, "Mitte", 1)),
            ("Ende Feber", lambda: _mpart(r, "Ende", 2)),
            ("den zweiten Feber um zehn", lambda: p_time(r, d_dm(r, 2, 2), t_bh(10))),
            ("im Jänner", lambda: _month(r, 1)),
            ("am Dienstag am Vormittag", lambda: p_pod(r, d_wd(r, DI), "vormittags")),
            ("grüezi, hätten Sie am Mittwoch am Nachmittag was frei",
             lambda: p_pod(r, d_wd(r, MI), "nachmittags")),
            ("merci, dann am Donnerstag um halb drei", lambda: p_time(r, d_wd(r, DO), bh(halb(3)))),
            ("Grüß Gott, hätten S' übermorgen was frei", lambda: res_day(r, overmorrow(r))),
            ("heut nachmittag noch was frei?", lambda: p_pod(r, r.today, "nachmittags")),
            ("heut am Abend", lambda: p_pod(r, r.today, "abends")),
            ("Sonnabend um dreiviertel elf", lambda: p_time(r, d_wd(r, SA), bh(dreiv(11)))),
            ("am Samstag in der Früh um acht", lambda: p_pod_time(r, d_wd(r, SA), "früh", t_am(8))),
            ("Montag in der Früh", lambda: p_pod(r, d_wd(r, MO), "früh")),
            ("servus, am Freitag in der Früh", lambda: p_pod(r, d_wd(r, FR), "früh")),
            ("grüezi, morgen um Viertel vor elf", lambda: p_time(r, tomorrow(r), bh(v_vor(11)))),
        ]

    def fits(r, t):  # regional words only where callers use them
        if any(w in t for w in ("Jänner", "Feber", "S'")):
            return r.tzname == "Europe/Vienna"
        if "Sonnabend" in t:
            return r.tzname == "Europe/Berlin"
        if any(w in t for w in ("grüezi", "merci")):
            return r.tzname == "Europe/Zurich"
        if any(w in t for w in ("Grüß Gott", "servus")):
            return r.tzname != "Europe/Zurich"
        return True

    place(cat, items, 2, fits)


def _heuer_month(r, m):
    if m <= r.today.month:
        raise Skip  # past or current month of this year
    return res_month(r, r.today.year, m)


def _month(r, m):
    y, m = next_month_of(r, m)
    return res_month(r, y, m)


def _mpart(r, part, m):
    y, m = next_month_of(r, m)
    return month_part(r, part, y, m)


# --------------------------------------------------------------------------
# refuse
# --------------------------------------------------------------------------
def gen_refuse():
    cat = "refuse"
    fixed = [
        "Dienstag oder Mittwoch",
        "äh, Dienstag oder Mittwoch, ist mir egal",
        "morgen oder übermorgen",
        "haben Sie morgen oder übermorgen was frei",
        "um drei oder um vier",
        "so um zwei oder halb drei",
        "vormittags oder nachmittags, ganz egal",
        "nicht am Montag",
        "nur nicht am Freitag bitte",
        "auf keinen Fall vormittags",
        "irgendwann",
        "egal wann",
        "wann immer Sie Zeit haben",
        "wann haben Sie denn offen",
        "wann hätten Sie denn was frei?",
        "wann ist denn der nächste freie Termin",
        "am Wochenende nach Ostern",
        "ich weiß noch nicht genau wann",
        "da muss ich erst in meinen Kalender schauen",
        "das ist mir eigentlich egal",
        "diese oder nächste Woche",
        "nächste oder übernächste Woche",
        "Montag oder Dienstag nachmittag",
        "heute oder morgen, was halt frei ist",
        "jeden Dienstag um drei",
        "immer donnerstags",
        "geht das an einem Dienstag?",
        "haben Sie dienstags offen",
        "außer Mittwoch geht alles",
        "am 30. Februar bitte",
        "am einunddreißigsten Juni um drei",
        "äh ähm also",
        "ja hallo, ich bräuchte mal einen Termin",
        "so um Viertel nach",
        "am, äh, am",
        "Moment, ich schau mal kurz",
    ]
    for i, t in enumerate(fixed):
        r = REFS[i % len(REFS)]
        add(cat, t, r, lambda: REFUSE)
    # greetings only, at fitting references (C2)
    for t, k in [("Guten Morgen, ich hätte gern einen Termin", "F"),
                 ("guten Morgen, ja, ich wollte einen Termin ausmachen", "A"),
                 ("Guten Abend, ich möchte einen Termin vereinbaren", "C"),
                 ("Grüß Gott, wann geht's denn bei Ihnen", "B")]:
        add(cat, t, REF[k], lambda: REFUSE)

    # contradictions, checked in code: "Freitag, den 13." etc.
    texts13 = ["Freitag, den 13.", "am Freitag den dreizehnten", "äh, Freitag, der 13., geht das?",
               "also Freitag den 13. um drei", "Freitag, den dreizehnten, vormittags",
               "am Freitag, dem 13."]
    for i, r in enumerate(REFS):
        try:
            d13 = d_dom(r, 13)
        except Skip:
            continue  # today is the 13th
        if FR not in _weekdays_of_dom(d13, 3):
            add(cat, texts13[i], r, lambda: REFUSE)
    contra = [("am {W}, den {n}.", 5), ("{W}, der {n}., geht das?", 17),
              ("am {W}, den {o} {M}", 22)]
    for i, r in enumerate(REFS[:3]):
        fmt_, n = contra[i]
        d = d_dom(r, n) if "{M}" not in fmt_ else d_dm(r, n, (r.today.month % 12) + 1)
        if "{M}" in fmt_:  # nor the weekday of the same date one year later
            taken = {d.weekday(), dt.date(d.year + 1, d.month, d.day).weekday()}
        else:              # nor of the same day in the two months after
            taken = _weekdays_of_dom(d, 3)
        wrong = next((d.weekday() + k) % 7 for k in (3, 1, 2, 4, 5, 6)
                     if (d.weekday() + k) % 7 not in taken)
        t = fmt_.format(W=WD[wrong], n=n, o=ordinal(n), M=MONTHS[d.month - 1])
        add(cat, t, r, lambda: REFUSE)


def _weekdays_of_dom(d, months):
    """Weekdays of day d.day in the month of d and the following months-1
    months: a contradiction is only used when no nearby month would fit."""
    out, y, m = set(), d.year, d.month
    for _ in range(months):
        try:
            out.add(dt.date(y, m, d.day).weekday())
        except ValueError:
            pass
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --------------------------------------------------------------------------
def main():
    gen_conversational_day()
    gen_conversational_time()
    gen_conversational_combined()
    gen_short_answers()
    gen_stt_digits()
    gen_regional()
    gen_refuse()
    for i, c in enumerate(CASES, 1):
        c["id"] = f"conv-{i:04d}"
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conversational.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for c in CASES:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    cats = Counter(c["category"] for c in CASES)
    print(f"wrote {len(CASES)} cases to {out}", file=sys.stderr)
    for k, v in cats.items():
        print(f"  {k:26s} {v:4d}   (left out: {SKIPPED[k]})", file=sys.stderr)


if __name__ == "__main__":
    main()
