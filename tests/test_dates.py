from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salespipe.domain.dates import from_iso, parse_date, parse_when, period_bounds, utc_iso
from salespipe.domain.errors import InvalidValue

# Thursday, 26 November 2026, 10:30 UTC
NOW = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 26)),
        ("yesterday", date(2026, 11, 25)),
        ("tomorrow", date(2026, 11, 27)),
        ("Heute", date(2026, 11, 26)),
        ("friday", date(2026, 11, 27)),
        ("thursday", date(2026, 12, 3)),  # strictly after today
        ("next monday", date(2026, 11, 30)),
        ("last thursday", date(2026, 11, 19)),
        ("next week", date(2026, 12, 3)),
        ("next month", date(2026, 12, 26)),
        ("+3d", date(2026, 11, 29)),
        ("-2w", date(2026, 11, 12)),
        ("+1m", date(2026, 12, 26)),
        ("in 3 days", date(2026, 11, 29)),
        ("2 weeks ago", date(2026, 11, 12)),
        ("end of month", date(2026, 11, 30)),
        ("end of quarter", date(2026, 12, 31)),
        ("end of week", date(2026, 11, 29)),
        ("26.11.2026", date(2026, 11, 26)),
        ("1.2.26", date(2026, 2, 1)),
        ("2026-11-20", date(2026, 11, 20)),
        ("11/26/2026", date(2026, 11, 26)),
        ("26/11/2026", date(2026, 11, 26)),
        ("26 Nov 2026", date(2026, 11, 26)),
        ("Nov 26, 2026", date(2026, 11, 26)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, now=NOW) == expected


def test_times_and_date_only() -> None:
    assert parse_when("2026-11-20 14:30", now=NOW).at == datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    assert parse_when("2026-11-20T14:30:00Z", now=NOW).date_only is False
    assert parse_when("26.11.2026 09:15", now=NOW).at.hour == 9
    past = parse_when("2026-11-20", now=NOW)
    assert past.date_only and past.at == datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert parse_when("today", now=NOW).at == NOW  # today means now
    assert parse_when("+4h", now=NOW).at == NOW + timedelta(hours=4)
    assert parse_when("tomorrow 14:00", now=NOW) == (datetime(2026, 11, 27, 14, 0, tzinfo=UTC), False)
    assert parse_when("friday 9:30", now=NOW).at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    with pytest.raises(InvalidValue):
        parse_when("tomorrow 25:00", now=NOW)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("03/04/2026", "ambiguous"),
        ("foo", "invalid date"),
        ("31.02.2026", "out of range"),
        ("20261126", "invalid date"),
        ("Nov 2026", "incomplete"),
        ("", "empty"),
        ("+3x", "invalid date"),
    ],
)
def test_bad_dates(text: str, fragment: str) -> None:
    with pytest.raises(InvalidValue) as err:
        parse_when(text, now=NOW)
    assert fragment in str(err.value)


def test_dayfirst_decides_ambiguous() -> None:
    assert parse_date("03/04/2026", now=NOW, dayfirst=True) == date(2026, 4, 3)
    assert parse_date("03/04/2026", now=NOW, dayfirst=False) == date(2026, 3, 4)


def test_periods() -> None:
    today = date(2026, 11, 26)
    assert period_bounds("this-month", today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_bounds("last-month", today) == (date(2026, 10, 1), date(2026, 10, 31))
    assert period_bounds("this-quarter", today) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("last-quarter", today) == (date(2026, 7, 1), date(2026, 9, 30))
    assert period_bounds("last-30-days", today) == (date(2026, 10, 28), today)
    assert period_bounds("all", today) == (None, None)
    with pytest.raises(InvalidValue):
        period_bounds("fortnight", today)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_iso_and_german_dates_round_trip(day: date) -> None:
    assert parse_date(day.isoformat(), now=NOW) == day
    assert parse_date(day.strftime("%d.%m.%Y"), now=NOW) == day


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)))
def test_storage_format_round_trips(moment: datetime) -> None:
    aware = moment.replace(microsecond=0, tzinfo=UTC)
    assert from_iso(utc_iso(aware)) == aware


@given(st.text(max_size=25))
def test_parse_when_never_crashes(text: str) -> None:
    try:
        when = parse_when(text, now=NOW)
    except InvalidValue as exc:
        assert str(exc)
    else:
        assert when.at.tzinfo is not None


@pytest.mark.parametrize("text", ["0001-01-01 00:30", "1899-12-31", "9999-12-31", "31.12.9999 23:30", "+7973y"])
def test_a_day_outside_1900_to_9998_is_refused(text: str) -> None:
    """Beyond these years a day's neighbours (the next day of an all-day calendar event, a local
    time in UTC, a year of time-zone rules around it) cannot be computed."""
    berlin = NOW.astimezone(ZoneInfo("Europe/Berlin"))
    with pytest.raises(InvalidValue) as err:
        parse_when(text, now=berlin)
    assert str(err.value) == f"invalid date {text!r}: give a date from 1900 to 9998"


def test_the_first_and_last_days_allowed():
    assert parse_date("1900-01-01", now=NOW) == date(1900, 1, 1)
    assert parse_date("9998-12-31", now=NOW) == date(9998, 12, 31)
