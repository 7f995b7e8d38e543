from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salespipe.domain.errors import InvalidValue
from salespipe.domain.locale import format_money
from salespipe.domain.money import Money, parse_money, to_major


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12000", Money(1_200_000, "EUR")),
        ("12000.50", Money(1_200_050, "EUR")),
        ("12.000,50 €", Money(1_200_050, "EUR")),
        ("€12,000.50", Money(1_200_050, "EUR")),
        ("$1,234", Money(123_400, "USD")),
        ("12k", Money(1_200_000, "EUR")),
        ("1.5m", Money(150_000_000, "EUR")),
        ("1,5k", Money(150_000, "EUR")),
        ("1.234,56", Money(123_456, "EUR")),
        ("1,234.56", Money(123_456, "EUR")),
        ("€ 1.234", Money(123_400, "EUR")),
        ("1.234", Money(123_400, "EUR")),
        ("EUR 950", Money(95_000, "EUR")),
        ("950 usd", Money(95_000, "USD")),
        ("CHF 1'250.50", Money(125_050, "CHF")),
        ("12 000,50", Money(1_200_050, "EUR")),
        ("1.000.000", Money(100_000_000, "EUR")),
        ("¥5000", Money(5000, "JPY")),
        ("0", Money(0, "EUR")),
    ],
)
def test_parse_money_accepts_what_reps_type(text: str, expected: Money) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("abc", "expected a number"),
        ("-5", "negative"),
        ("0,500", "ambiguous"),
        ("12.3456", "2 decimal places"),
        ("1,00,000", "misplaced"),
        ("1.234.5", "misplaced"),
        ("12 abc", "unknown suffix"),
        ("€5 $", "two currencies"),
        ("1,2.3,4", "impossible order"),
        ("12.", "ends with a separator"),
    ],
)
def test_parse_money_rejects_with_the_input_quoted(text: str, fragment: str) -> None:
    with pytest.raises(InvalidValue) as err:
        parse_money(text)
    assert fragment in str(err.value)
    if text:
        assert repr(text) in str(err.value)


def test_format_money() -> None:
    assert format_money(1_200_050, "EUR") == "€12,000.50"
    assert format_money(1_200_000, "EUR") == "€12,000"
    assert format_money(1_200_050, "EUR", cents=False) == "€12,001"
    assert format_money(95_000, "CHF") == "950 CHF"
    assert format_money(None, "EUR") == "–"
    assert to_major(1_200_050, "EUR") == 12000.5
    assert to_major(1_200_000, "EUR") == 12000
    assert to_major(5000, "JPY") == 5000


@given(
    st.integers(min_value=0, max_value=10**13),
    st.sampled_from(["EUR", "USD", "GBP", "CHF", "JPY"]),
    st.sampled_from(["en", "de"]),
)
def test_formatted_money_parses_back(minor: int, currency: str, lang: str) -> None:
    """What salespipe shows, in either language, is what --value reads back."""
    text = format_money(minor, currency, lang)
    assert parse_money(text, default_currency=currency) == Money(minor, currency)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([".", ","]))
def test_german_and_english_grouping_round_trip(minor: int, decimal: str) -> None:
    whole, cents = divmod(minor, 100)
    grouped = f"{whole:,}"
    if decimal == ",":
        grouped = grouped.replace(",", ".")
    text = f"{grouped}{decimal}{cents:02d}"
    assert parse_money(text).minor == minor


@given(st.text(max_size=20))
def test_parse_money_never_crashes(text: str) -> None:
    try:
        money = parse_money(text)
    except InvalidValue as exc:
        assert str(exc)
    else:
        assert money.minor >= 0 and len(money.currency) == 3


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_plain_decimal_strings(value: Decimal) -> None:
    assert parse_money(f"{value:.2f}").minor == int(value * 100)
