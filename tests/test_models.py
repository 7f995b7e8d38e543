"""The write boundary (domain.models): the plain check accepts only what the pydantic schemas
accept, with the same values, and leaves the rest to them; records read back are plain."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salespipe.domain.errors import InvalidValue
from salespipe.domain.models import (
    MAX_TEXT,
    LeadFields,
    Stage,
    StageKind,
    _check_lead_fields,
    _check_stage,
    as_record,
    validate,
)
from salespipe.domain.validation import validate_with_schema


def schema(name, data):
    """What pydantic makes of ``data``: every field's value, or the message of its rejection."""
    try:
        return validate_with_schema(name, data)
    except InvalidValue as exc:
        return f"rejected: {exc}"


def agree(name, check, record, data):
    """The plain check either defers (None) or gives exactly pydantic's values."""
    fast = check(data)
    slow = schema(name, data)
    if fast is not None:
        assert not isinstance(slow, str), (data, slow)
        assert record(**fast)._asdict() == slow, data
    return fast


# Text with every kind of white space and control character at either end, commas, long text
SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u200b\u2028\u202f\u205f\u3000\ufeff\u180e"
edge = st.sampled_from([*SPACES, ",", "@", ".", "a", "Ä", "中", "\ud800", "\x00", "\x1b"])
texts = st.one_of(
    st.lists(edge, max_size=6).map("".join),
    st.tuples(st.text(SPACES, max_size=3), st.text(min_size=0, max_size=12), st.text(SPACES, max_size=3)).map("".join),
    st.sampled_from(
        [
            "",
            "a" * MAX_TEXT,
            "a" * (MAX_TEXT + 1),
            " " + "b" * MAX_TEXT + " ",
            "a@b.de",
            " a@b.de\n",
            "a@b",
            "a@@b.de",
            "EUR",
            "eur",
            "EUR\n",
            "EURO",
            "Anna Berger",
        ]
    ),
)
numbers = st.one_of(st.integers(-3, 103), st.sampled_from([True, False, 2**70, -(2**70), 1.0, 1.5, "12", None]))
values = st.one_of(
    texts,
    numbers,
    st.none(),
    st.just(date(2026, 12, 31)),
    st.just(datetime(2026, 12, 31)),
    st.just(datetime(2026, 12, 31, 10, 30)),
    st.just("2026-12-31"),
)
tag_lists = st.one_of(st.lists(texts, max_size=4), st.tuples(texts), st.none(), texts)
field_dicts = st.one_of(
    st.dictionaries(texts, st.one_of(texts, numbers), max_size=3), st.none(), st.lists(texts, max_size=1)
)
lead_data = st.fixed_dictionaries(
    {},
    optional={
        "title": values,
        "contact_name": values,
        "company": values,
        "email": values,
        "phone": values,
        "source": values,
        "value_minor": values,
        "currency": values,
        "probability": values,
        "expected_close": values,
        "tags": tag_lists,
        "fields": field_dicts,
        "external_id": values,
        "forecast_category": st.one_of(values, st.sampled_from(["commit", "best-case", "pipeline", "omit", "Commit"])),
        "stage": values,  # not a field of LeadFields: pydantic rejects it (extra="forbid")
    },
)

# Mostly what a person types: the plain check accepts most of it, and its values are compared
short = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)
plausible_lead = st.fixed_dictionaries(
    {"title": short},
    optional={
        "company": short,
        "contact_name": short,
        "email": st.emails(),
        "phone": short,
        "value_minor": st.integers(0, 10**12),
        "currency": st.sampled_from(["EUR", "USD", "CHF"]),
        "probability": st.integers(0, 100),
        "expected_close": st.dates(),
        "tags": st.lists(short, max_size=4),
        "fields": st.dictionaries(short, st.text(max_size=10), max_size=3),
        "external_id": short,
    },
)


@settings(max_examples=600, deadline=None)
@given(st.one_of(lead_data, plausible_lead))
def test_lead_fields_check_agrees_with_pydantic(data):
    agree("LeadFields", _check_lead_fields, LeadFields, data)


stage_data = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "key": st.one_of(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,41}", fullmatch=True), texts, numbers),
            "label": values,
            "position": numbers,
            "probability": numbers,
            "kind": st.one_of(
                st.sampled_from(StageKind), st.sampled_from(["open", "won", "lost", "OPEN", "closed", ""]), numbers
            ),
            "rotting_days": numbers,
            "colour": texts,
            "forecast_category": st.one_of(
                values, st.sampled_from(["commit", "best-case", "pipeline", "omit", "best case"])
            ),
            "journey_phase": st.one_of(values, st.sampled_from(["awareness", "action", "retention", "Desire"])),
        },
    ),
    st.fixed_dictionaries(
        {
            "key": st.from_regex(r"[a-z0-9][a-z0-9_-]{0,39}", fullmatch=True),
            "label": short,
            "position": st.integers(-5, 50),
            "probability": st.integers(0, 100),
        },
        optional={
            "kind": st.sampled_from([*StageKind, "open", "won", "lost"]),
            "rotting_days": st.one_of(st.none(), st.integers(1, 400)),
            "forecast_category": st.sampled_from([None, "commit", "best-case", "pipeline", "omit"]),
            "journey_phase": st.sampled_from([None, "awareness", "interest", "desire", "action"]),
        },
    ),
)


@settings(max_examples=400, deadline=None)
@given(stage_data)
def test_stage_check_agrees_with_pydantic(data):
    agree("Stage", _check_stage, Stage, data)


def test_everyday_input_takes_the_plain_path():
    """What `lead add` hands over for ordinary input never needs pydantic."""
    data = {
        "title": "  Anna Berger ",
        "company": "Bergwerk GmbH",
        "email": "anna@bergwerk.de",
        "phone": "+49 30 1234",
        "source": "referral",
        "value_minor": 1_250_000,
        "currency": "EUR",
        "probability": 40,
        "expected_close": date(2026, 12, 31),
        "tags": ["fair", " vip", "fair"],
        "fields": {" region ": "Nord"},
        "external_id": "crm-17",
        "contact_name": None,
    }
    fast = agree("LeadFields", _check_lead_fields, LeadFields, data)
    assert fast is not None
    fields = LeadFields(**fast)
    assert fields.title == "Anna Berger" and fields.tags == ["fair", "vip"] and fields.fields == {"region": "Nord"}
    assert fields.given(exclude=("tags", "fields")) == {
        "title": "Anna Berger",
        "company": "Bergwerk GmbH",
        "email": "anna@bergwerk.de",
        "phone": "+49 30 1234",
        "source": "referral",
        "value_minor": 1_250_000,
        "currency": "EUR",
        "probability": 40,
        "expected_close": date(2026, 12, 31),
        "external_id": "crm-17",
    }
    stage = {
        "key": "demo-call_2",
        "label": " Demo call ",
        "position": 3,
        "probability": 30,
        "kind": "open",
        "rotting_days": None,
    }
    assert agree("Stage", _check_stage, Stage, stage) == {
        **stage,
        "label": "Demo call",
        "kind": StageKind.OPEN,
        "forecast_category": None,
        "journey_phase": None,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "  "}, "invalid title '  ': it is empty"),
        ({"title": "x", "email": "anna@bergwerk"}, "invalid e-mail address 'anna@bergwerk'"),
        ({"title": "x", "tags": ["a,b"]}, "invalid tag 'a,b': tags cannot contain commas"),
        ({"title": "x", "probability": 101}, "invalid probability 101: it must be at most 100"),
        ({"title": "x", "value_minor": -1}, "invalid value minor -1: it must be at least 0"),
        ({"title": "x", "currency": "eur"}, "invalid currency 'eur': it must be a three-letter code such as EUR"),
        (
            {"title": "x" * (MAX_TEXT + 1)},
            f"invalid title {'x' * (MAX_TEXT + 1)!r}: it is longer than {MAX_TEXT} characters",
        ),
        (
            {"title": "x", "expected_close": "someday"},
            "invalid expected close 'someday': it must be a date such as 2026-11-26",
        ),
    ],
)
def test_a_rejection_is_worded_by_pydantic(data, message):
    with pytest.raises(InvalidValue) as caught:
        validate(LeadFields, data)
    assert str(caught.value) == message


def test_unusual_but_valid_input_is_decided_by_pydantic():
    # U+001C at the end: white space to Python, not to pydantic, which keeps it
    assert validate(LeadFields, {"title": "Anna\x1c"}).title == "Anna\x1c"
    assert validate(LeadFields, {"title": "Anna\u3000"}).title == "Anna"  # stripped by pydantic
    assert (
        validate(Stage, {"key": "x", "label": "X", "position": 1, "probability": 5, "kind": "won"}).kind
        is StageKind.WON
    )


def test_valid_input_never_imports_pydantic_and_a_wrong_one_does():
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from salespipe.domain.models import LeadFields, validate\n"
        "validate(LeadFields, {'title': 'A', 'value_minor': 5, 'expected_close': date(2026, 1, 2), 'tags': ['x']})\n"
        "print('pydantic' in sys.modules)\n"
        "try:\n"
        "    validate(LeadFields, {'title': ''})\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, 'pydantic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "InvalidValue", "True"]


def test_records_read_back_are_plain(cli, db_path):
    """store/ hands back the stored values as they are: dates as dates, tags and fields decoded."""
    from salespipe.store import leads as lead_store
    from salespipe.store import work as work_store
    from salespipe.store.db import connect

    cli(
        "lead",
        "add",
        "Anna",
        "--company",
        "Bergwerk",
        "--value",
        "12k",
        "--close-date",
        "2026-12-31",
        "--tag",
        "vip",
        "--field",
        "region=Nord",
    )
    cli("task", "add", "1", "call back", "--due", "2026-12-01")
    conn = connect(db_path)
    lead = lead_store.get(conn, 1)
    assert (lead.title, lead.company, lead.value_minor, lead.currency) == ("Anna", "Bergwerk", 1_200_000, "EUR")
    assert lead.expected_close == date(2026, 12, 31) and lead.tags == ["vip"] and lead.fields == {"region": "Nord"}
    assert lead.created_at == lead.stage_entered_at == "2026-11-26T10:00:00Z" and lead.stage == "new"
    (task,) = work_store.tasks_of(conn, 1)
    assert task.due_date == date(2026, 12, 1) and task.is_open
    assert as_record(task, exclude=("lead_id",)) == {
        "id": 1,
        "text": "call back",
        "due_date": "2026-12-01",
        "due_time": None,
        "done_at": None,
        "done_note": None,
        "created_at": "2026-11-26T10:00:00Z",
        "updated_at": "2026-11-26T10:00:00Z",
    }
    (event,) = lead_store.events(conn, 1)
    assert (event.from_stage, event.to_stage, event.at) == (None, "new", "2026-11-26T10:00:00Z")
