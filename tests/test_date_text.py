"""Dates as people write them: one reader for the CLI and the import, the year and direction
rules, periods shared by report and target, the task week, and one clock."""

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salespipe.domain.date_text import MONTHS, WEEKDAYS
from salespipe.domain.date_text import read as read_date
from salespipe.domain.dates import parse_date, parse_period, parse_when, period_bounds, target_period_bounds
from salespipe.domain.errors import InvalidValue
from salespipe.domain.import_dates import is_date_like, parse_import_datetime

# Thursday, 26 November 2026, 10:30 UTC
NOW = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
UTC = UTC
GERMAN = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
ENGLISH = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DE_DAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Examples, worked out by hand against Thursday 26 November 2026 ---------------------------------
@pytest.mark.parametrize(
    ("text", "future", "past"),
    [
        ("Dec 31", date(2026, 12, 31), date(2025, 12, 31)),
        ("31 Dec", date(2026, 12, 31), date(2025, 12, 31)),
        ("December 31 2026", date(2026, 12, 31), date(2026, 12, 31)),
        ("Dec 31st, 2026", date(2026, 12, 31), date(2026, 12, 31)),
        ("31.12.", date(2026, 12, 31), date(2025, 12, 31)),
        ("31.12", date(2026, 12, 31), date(2025, 12, 31)),
        ("1.10.", date(2027, 10, 1), date(2026, 10, 1)),
        ("26.11.", date(2026, 11, 26), date(2026, 11, 26)),  # today counts for a calendar date
        ("31. Dezember 2026", date(2026, 12, 31), date(2026, 12, 31)),
        ("31. Dezember", date(2026, 12, 31), date(2025, 12, 31)),
        ("3. März", date(2027, 3, 3), date(2026, 3, 3)),
        ("3. Maerz", date(2027, 3, 3), date(2026, 3, 3)),
        ("3. Marz 2027", date(2027, 3, 3), date(2027, 3, 3)),
        ("14-Jan-2020", date(2020, 1, 14), date(2020, 1, 14)),
        ("Donnerstag, 31. Dezember 2026", date(2026, 12, 31), date(2026, 12, 31)),
        ("Fr. 27.11.", date(2026, 11, 27), None),  # last 27 November (2025) was a Thursday
        ("29.02.", date(2028, 2, 29), date(2024, 2, 29)),
        ("heute", date(2026, 11, 26), date(2026, 11, 26)),
        ("gestern", date(2026, 11, 25), date(2026, 11, 25)),
        ("morgen", date(2026, 11, 27), date(2026, 11, 27)),
        ("übermorgen", date(2026, 11, 28), date(2026, 11, 28)),
        ("uebermorgen", date(2026, 11, 28), date(2026, 11, 28)),
        ("vorgestern", date(2026, 11, 24), date(2026, 11, 24)),
        ("friday", date(2026, 11, 27), date(2026, 11, 20)),
        ("Freitag", date(2026, 11, 27), date(2026, 11, 20)),
        ("thursday", date(2026, 12, 3), date(2026, 11, 19)),  # strictly after (before) today
        ("am Donnerstag", date(2026, 12, 3), date(2026, 11, 19)),
        ("nächsten Freitag", date(2026, 11, 27), date(2026, 11, 27)),
        ("naechsten Montag", date(2026, 11, 30), date(2026, 11, 30)),
        ("letzten Freitag", date(2026, 11, 20), date(2026, 11, 20)),
        ("nächste Woche", date(2026, 12, 3), date(2026, 12, 3)),
        ("in 3 Tagen", date(2026, 11, 29), date(2026, 11, 29)),
        ("vor 2 Wochen", date(2026, 11, 12), date(2026, 11, 12)),
        ("Monatsende", date(2026, 11, 30), date(2026, 11, 30)),
        ("1.2.26", date(2026, 2, 1), date(2026, 2, 1)),
        ("1.2.69", date(2069, 2, 1), date(2069, 2, 1)),
        ("1.2.70", date(1970, 2, 1), date(1970, 2, 1)),
    ],
)
def test_dates_as_people_write_them(text, future, past):
    assert parse_date(text, now=NOW) == future
    if past is None:
        with pytest.raises(InvalidValue, match="is a Thursday"):
            parse_date(text, now=NOW, past=True)
    else:
        assert parse_date(text, now=NOW, past=True) == past


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri 9am", at(2026, 11, 27, 9)),
        ("friday 14:30", at(2026, 11, 27, 14, 30)),
        ("Freitag 14.30 Uhr", at(2026, 11, 27, 14, 30)),
        ("morgen 14 Uhr", at(2026, 11, 27, 14)),
        ("morgen um 9 Uhr", at(2026, 11, 27, 9)),
        ("übermorgen 8:15", at(2026, 11, 28, 8, 15)),
        ("next friday at 3pm", at(2026, 11, 27, 15)),
        ("Dec 31 12am", at(2026, 12, 31, 0)),
        ("Dec 31 12pm", at(2026, 12, 31, 12)),
        ("31.12. 18:00", at(2026, 12, 31, 18)),
        ("31. Dezember 2026 17 Uhr", at(2026, 12, 31, 17)),
        ("2026-12-01 9am", at(2026, 12, 1, 9)),
        ("Jan 14, 2027 3:05 PM", at(2027, 1, 14, 15, 5)),
        ("in 3 hours", at(2026, 11, 26, 13, 30)),
    ],
)
def test_dates_with_a_time(text, expected):
    assert parse_when(text, now=NOW) == (expected, False)


def test_fri_9am_looks_back_for_a_past_field():
    assert parse_when("Fri 9am", now=NOW, past=True).at == at(2026, 11, 20, 9)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("31.02.", "day 31 is out of range for February"),
        ("31.04.2027", "day 31 is out of range for April 2027"),
        ("30. Februar", "day 30 is out of range for February"),
        ("31.13.", "there is no month 13"),
        ("Fri 25:00", "the hour goes from 0 to 23"),
        ("morgen 13pm", "the hour goes from 1 to 12"),
        ("Dec 31 10:75", "minutes and seconds go from 0 to 59"),
        ("01.02.026", "a year has four digits, or two"),
        ("Dec 31 026", "a year has four digits, or two"),
        ("Fri, 31 Dec 2026", "31 December 2026 is a Thursday"),
        ("Nov 2026", "incomplete date"),
        ("Dezember", "incomplete date"),
        ("14:30", "a time needs a day"),
        ("someday", "invalid date 'someday'"),
    ],
)
def test_impossible_dates_are_one_line_errors_with_examples(text, fragment):
    with pytest.raises(InvalidValue) as err:
        parse_when(text, now=NOW)
    message = str(err.value)
    assert fragment in message and repr(text) in message and "\n" not in message
    assert "e.g." in message  # what would be accepted


def test_one_reader_for_import_and_cli():
    # the year rule is the same on both sides: two digits pivot at 70, three are refused
    for text, year in (("01.02.26", 2026), ("01.02.69", 2069), ("01.02.70", 1970), ("01.02.99", 1999)):
        assert parse_import_datetime(text, True, UTC).year == year == parse_date(text, now=NOW).year
    for text in ("01.02.026", "1/2/026", "01.02.2"):
        with pytest.raises(InvalidValue, match="a year has four digits"):
            parse_import_datetime(text, True, UTC)
        with pytest.raises(InvalidValue, match="a year has four digits"):
            parse_date(text, now=NOW)
    # a three-digit year is a date (refused loudly), not a text to keep in a custom field
    assert is_date_like("01.02.026") and not is_date_like("1.2.3")
    # German month names and times read in the import too; a date without a year does not
    assert parse_import_datetime("31. Dezember 2026 14.30 Uhr", None, UTC) == at(2026, 12, 31, 14, 30)
    assert parse_import_datetime("3. Maerz 2020", None, UTC) == at(2020, 3, 3, 12)
    with pytest.raises(InvalidValue, match="give the year"):
        parse_import_datetime("31.12.", True, UTC)
    with pytest.raises(InvalidValue, match="pass --dayfirst or --monthfirst"):
        parse_import_datetime("03/04/2026", None, UTC)
    with pytest.raises(InvalidValue, match="write it as YYYY-MM-DD"):
        parse_date("03/04/2026", now=NOW)


# Properties --------------------------------------------------------------------------------------
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
TODAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


def _spell(word: str, how: int) -> str:
    """A German word as typed with umlauts (0), as ae/oe/ue (1) or without (2)."""
    if how == 1:
        return word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    if how == 2:
        return word.replace("ä", "a").replace("ö", "o").replace("ü", "u")
    return word


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(0, 2), st.sampled_from([str.lower, str.upper, str.title]))
def test_german_long_dates_read_back(day, how, case):
    text = case(f"{day.day}. {_spell(GERMAN[day.month - 1], how)} {day.year}")
    assert parse_date(text, now=NOW) == day
    assert parse_import_datetime(text, None, UTC).date() == day


@settings(max_examples=300, deadline=None)
@given(
    DAYS,
    st.sampled_from(
        [
            "{mon} {d} {y}",
            "{mon} {d}, {y}",
            "{d} {mon} {y}",
            "{d}-{mon}-{y}",
            "{month} {d}, {y}",
            "{d} {month} {y}",
            "{wd}, {d} {mon} {y}",
        ]
    ),
)
def test_english_dates_with_month_names_read_back(day, form):
    text = form.format(
        mon=ENGLISH[day.month - 1][:3],
        month=ENGLISH[day.month - 1],
        d=day.day,
        y=day.year,
        wd=EN_DAYS[day.weekday()][:3],
    )
    assert parse_date(text, now=NOW) == day
    assert parse_import_datetime(text, None, UTC).date() == day


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1970, 1, 1), max_value=date(2069, 12, 31)),
    st.sampled_from(["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d %b %Y", "%Y/%m/%d"]),
)
def test_import_and_cli_read_the_same_day(day, form):
    text = day.strftime(form)
    assert parse_import_datetime(text, None, UTC).date() == parse_date(text, now=NOW) == day


@settings(max_examples=300, deadline=None)
@given(
    TODAYS,
    st.integers(1, 12),
    st.integers(1, 31),
    st.booleans(),
    st.sampled_from(["{d}.{m}.", "{d}. {de}", "{en} {d}", "{d} {en}"]),
)
def test_a_date_without_a_year_is_the_nearest_in_the_fields_direction(today, month, day, past, form):
    if day > (29 if month == 2 else [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]):
        return  # impossible in every year: refused (tested above)
    now = datetime.combine(today, time(10), tzinfo=UTC)
    text = form.format(d=day, m=month, de=GERMAN[month - 1], en=ENGLISH[month - 1][:3])
    got = parse_date(text, now=now, past=past)
    assert (got.month, got.day) == (month, day)
    step = timedelta(days=-1 if past else 1)
    assert (got <= today) if past else (got >= today)
    probe = today  # no day with that month and day lies between today and the answer
    while probe != got:
        assert (probe.month, probe.day) != (month, day)
        probe += step


@settings(max_examples=300, deadline=None)
@given(TODAYS, st.integers(0, 6), st.booleans(), st.sampled_from(["en", "de", "short", "dot"]))
def test_a_weekday_name_is_within_the_next_or_last_seven_days(today, weekday, past, spelling):
    name = {
        "en": EN_DAYS[weekday],
        "de": DE_DAYS[weekday],
        "short": EN_DAYS[weekday][:3],
        "dot": DE_DAYS[weekday][:2] + ".",
    }[spelling]
    now = datetime.combine(today, time(10), tzinfo=UTC)
    got = parse_date(name, now=now, past=past)
    assert got.weekday() == weekday
    assert 1 <= (today - got if past else got - today).days <= 7


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(
        ["morgen {h}:{m:02d}", "tomorrow {h}.{m:02d}", "morgen {h}:{m:02d} Uhr", "Fri {h12}:{m:02d}{ampm}"]
    ),
)
def test_times_read_back(hour, minute, form):
    text = form.format(h=hour, m=minute, h12=(hour % 12) or 12, ampm="am" if hour < 12 else "pm")
    when = parse_when(text, now=NOW)
    assert (when.at.hour, when.at.minute, when.date_only) == (hour, minute, False)


GRAMMAR = st.lists(
    st.sampled_from(
        [
            "31",
            "12",
            "2026",
            "026",
            "1",
            "0",
            "29",
            "02",
            ".",
            ". ",
            "/",
            "-",
            ":",
            ",",
            " ",
            "Uhr",
            "am",
            "pm",
            "um",
            "at",
            "Dez",
            "März",
            "Maerz",
            "dec",
            "Fri",
            "Fr.",
            "Freitag",
            "nächsten",
            "next",
            "last",
            "morgen",
            "übermorgen",
            "heute",
            "in",
            "ago",
            "vor",
            "Tagen",
            "days",
            "+3d",
            "h",
            "T",
            "Z",
            "+01:00",
            "st",
            "of",
            "ende",
            "des",
            "monats",
            "end",
            "q4",
            "٣",
            "²",
            "ǅ",
            "\x00",
            "İ",
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(max_size=30), GRAMMAR), st.booleans())
def test_never_a_traceback(text, past):
    for read in (
        lambda: parse_when(text, now=NOW, past=past),
        lambda: parse_import_datetime(text, None, UTC),
        lambda: is_date_like(text),
    ):
        try:
            result = read()
        except InvalidValue as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert result is not None


# Periods: one reader for report and target --------------------------------------------------------
def test_periods_for_reports_and_targets():
    today = date(2026, 11, 26)
    assert parse_period("this-quarter", today).calendar == "2026-Q4"
    assert target_period_bounds("this-quarter", today) == ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert target_period_bounds("last-month", today) == ("2026-10", date(2026, 10, 1), date(2026, 10, 31))
    assert target_period_bounds("this year", today) == ("2026", date(2026, 1, 1), date(2026, 12, 31))
    assert target_period_bounds("2026q4", today) == ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("2026-02", today) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("last-7-days", today) == (date(2026, 11, 20), today)
    for text, fragment in (
        ("last-30-days", "a target is for a month, a quarter or a year"),
        ("all", "a target is for a month"),
        ("11/2026", "use a month (2026-11)"),
        ("2026-13", "there is no month 13"),
        ("1800", "a year from 1900"),
    ):
        with pytest.raises(InvalidValue, match=re.escape(fragment)):
            target_period_bounds(text, today)
    for text in ("last-x-days", "last-0-days", "fortnight"):
        with pytest.raises(InvalidValue, match="unknown period"):
            period_bounds(text, today)


@given(TODAYS, st.sampled_from(["this-month", "last-month", "this-quarter", "last-quarter", "this-year", "last-year"]))
def test_a_period_word_means_the_same_span_for_report_and_target(today, word):
    name, first, last = target_period_bounds(word, today)
    assert period_bounds(word, today) == (first, last) == period_bounds(name, today)
    assert first <= today or word.startswith("last")
    assert (first <= today <= last) == word.startswith("this")


def test_target_set_takes_the_words_report_takes(cli):
    status = cli.json("target", "set", "90k", "--period", "this-quarter")
    assert (status["period"], status["since"], status["until"]) == ("2026-Q4", "2026-10-01", "2026-12-31")
    assert cli.json("target", "show", "this-quarter") == status
    assert cli.json("report", "--period", "2026-Q4")["period"] == {
        "since": "2026-10-01",
        "until": "2026-12-31",
        "label": "2026-Q4",
    }
    result = cli("target", "set", "1k", "--period", "last-30-days", code=1)
    assert "a target is for a month, a quarter or a year" in result.stderr
    assert "unknown period 'last-x-days'" in cli("report", "--period", "last-x-days", code=1).stderr


# Through the CLI (now: Thursday 2026-11-26 10:00 UTC, conftest) -----------------------------------
def test_the_cli_takes_dates_as_people_write_them(cli, add_lead):
    lead_id = add_lead("Anna", "--close-date", "31. Dezember", "--at", "Mo 9:00")  # Monday, 23 Nov
    shown = cli.json("lead", "show", str(lead_id))
    assert shown["expected_close"] == "2026-12-31" and shown["created_at"] == "2026-11-23T09:00:00Z"
    task = cli.json("task", "add", str(lead_id), "call", "--due", "morgen 14 Uhr")
    assert (task["due_date"], task["due_time"]) == ("2026-11-27", "14:00")
    task = cli.json("task", "add", str(lead_id), "offer", "--due", "31.12.")
    assert (task["due_date"], task["due_time"]) == ("2026-12-31", None)
    assert cli.json("task", "snooze", "1", "--until", "nächsten Freitag")["due_date"] == "2026-11-27"
    assert cli.json("log", str(lead_id), "--call", "hi", "--at", "gestern 16:30")["at"] == "2026-11-25T16:30:00Z"
    # a weekday name for --at is the last one: a stage move last Tuesday, not next week
    assert cli.json("verify", str(lead_id), "--at", "Dienstag")["stage_entered_at"] == "2026-11-24T12:00:00Z"
    report = cli.json("report", "--since", "1.10.", "--until", "31.10.")
    assert report["period"] == {"since": "2026-10-01", "until": "2026-10-31", "label": "custom"}
    for args in (
        ("task", "add", str(lead_id), "x", "--due", "31.02."),
        ("task", "add", str(lead_id), "x", "--due", "Fri 25:00"),
        ("qualify", str(lead_id), "--at", "01.02.026"),
    ):
        result = cli(*args, code=1)
        assert args[-1] in result.stderr and "e.g." in result.stderr
        assert len([line for line in result.stderr.splitlines() if line.startswith("Error")]) == 1


@pytest.mark.parametrize("day", range(23, 30))  # Monday 23 to Sunday 29 November 2026
def test_task_list_week_holds_a_task_due_on_todays_weekday_name(cli, add_lead, monkeypatch, day):
    monkeypatch.setenv("SALESPIPE_NOW", f"2026-11-{day}T18:00:00+00:00")
    lead_id = add_lead("Anna")
    name = EN_DAYS[date(2026, 11, day).weekday()]
    cli("task", "add", str(lead_id), "same weekday", "--due", name)  # a week ahead
    cli("task", "add", str(lead_id), "a day later", "--due", (date(2026, 11, day) + timedelta(days=8)).isoformat())
    week = cli.json("task", "list", "--week")
    assert [(t["text"], t["due_date"]) for t in week] == [
        ("same weekday", (date(2026, 11, day) + timedelta(days=7)).isoformat())
    ]


def test_friday_task_on_a_friday(cli, add_lead, monkeypatch):
    monkeypatch.setenv("SALESPIPE_NOW", "2026-11-27T16:00:00+01:00")  # Friday afternoon
    lead_id = add_lead("Anna")
    cli("task", "add", str(lead_id), "send offer", "--due", "friday")
    cli("task", "add", str(lead_id), "call back", "--due", "today")
    assert [(t["text"], t["due_date"]) for t in cli.json("task", "list", "--week")] == [
        ("call back", "2026-11-27"),
        ("send offer", "2026-12-04"),
    ]


# One clock ----------------------------------------------------------------------------------------
def test_only_the_clock_module_reads_the_clock():
    root = Path(__file__).resolve().parent.parent / "salespipe"
    reads = re.compile(
        r"datetime\.now\(|date\.today\(|datetime\.today\(|datetime\.utcnow\(|time\.time\(|"
        r"time\.localtime\(|time\.gmtime\("
    )
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in sorted(root.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reads.search(line) and path.relative_to(root).as_posix() != "services/clock.py"
    ]
    assert offenders == []


def test_sorting_by_priority_without_a_now_uses_the_frozen_clock(add_lead, db_path, monkeypatch):
    from salespipe.services import agenda
    from salespipe.services.leads import list_leads
    from salespipe.store.db import connect

    seen = []
    monkeypatch.setattr(agenda, "priority_map", lambda conn, now: seen.append(now) or {})
    add_lead("Anna")
    conn = connect(db_path)
    try:
        assert [row.lead.title for row in list_leads(conn, sort="priority")] == ["Anna"]
    finally:
        conn.close()
    assert seen == [datetime(2026, 11, 26, 10, tzinfo=UTC)]  # SALESPIPE_NOW of conftest


def test_word_tables_spell_umlauts_three_ways():
    assert MONTHS["maerz"] == MONTHS["märz"] == MONTHS["marz"] == MONTHS["mrz"] == 3
    assert WEEKDAYS["fr"] == WEEKDAYS["freitag"] == WEEKDAYS["fri"] == 4


@pytest.mark.parametrize(
    ("text", "past", "expected"),
    [
        ("Fri 9am", True, datetime(2026, 11, 27, 9, 0)),  # --at on a Friday afternoon: this morning
        ("Fri 9am", False, datetime(2026, 12, 4, 9, 0)),  # due: 9am has passed, so next Friday
        ("Fri 5pm", False, datetime(2026, 11, 27, 17, 0)),  # due: later today
        ("Fri 5pm", True, datetime(2026, 11, 20, 17, 0)),  # --at: 5pm today has not come yet
        ("Freitag 9 Uhr", True, datetime(2026, 11, 27, 9, 0)),
    ],
)
def test_todays_weekday_with_a_time_is_today_when_on_the_fields_side(text, past, expected):
    now = datetime(2026, 11, 27, 13, 6, tzinfo=UTC)  # a Friday
    assert read_date(text, now=now, past=past)[0] == expected
