"""The pipeline's language: number, money and date formats, German views, export --excel."""

from __future__ import annotations

import ast
import csv
import io
import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salespipe.domain.errors import InvalidValue
from salespipe.domain.locale import (
    Locale,
    check_lang,
    format_date,
    format_datetime,
    format_major,
    format_money,
    format_number,
    format_percent,
    spreadsheet_moment,
    spreadsheet_number,
)

RENDER = Path(__file__).resolve().parent.parent / "salespipe" / "render"


def flat(text: str) -> str:
    return " ".join(text.split())


# Formats, by hand ------------------------------------------------------------------------------


def test_money_in_english_and_german() -> None:
    assert format_money(1_200_050, "EUR", "en") == "€12,000.50"
    assert format_money(1_200_050, "EUR", "de") == "12.000,50 €"
    assert format_money(1_200_000, "EUR", "de") == "12.000 €"
    assert format_money(1_200_050, "EUR", "de", cents=False) == "12.001 €"  # half up
    assert format_money(95_000, "CHF", "en") == "950 CHF"
    assert format_money(123_456_789, "CHF", "de") == "1.234.567,89 CHF"
    assert format_money(5, "EUR", "de") == "0,05 €"
    assert format_money(1_234_567, "JPY", "de") == "1.234.567 ¥"  # no minor units
    assert format_money(1_234_567, "KWD", "en") == "1,234.567 KWD"  # three
    assert format_money(None, "EUR", "de") == "–"  # unknown, not 0
    assert format_major(12000.5, "EUR", "de") == "12.000,50 €"
    assert format_major(12000.5, "USD", "en") == "$12,000.50"
    assert format_major(2.675, "EUR", "en") == "€2.68"  # decimal, half up (a float would say 2.67)


def test_numbers_percentages_and_dates() -> None:
    assert format_number(7270, "en") == "7,270" and format_number(7270, "de") == "7.270"
    assert format_number(1_234_567, "de") == "1.234.567"
    assert format_number(12.5, "de", decimals=None) == "12,5"
    assert format_number(16.0, "en", decimals=None) == "16"
    assert format_number(-0.37, "de", decimals=None) == "-0,37"
    assert format_number(1234.25, "en", decimals=1) == "1,234.3"
    assert format_percent(40, "en") == "40%" and format_percent(40, "de") == "40 %"
    assert format_date(date(2026, 11, 27), "de") == "27.11.2026"
    assert format_date("2026-11-27", "en") == "2026-11-27"  # ISO, as always
    assert format_date(None, "de") == ""
    moment = datetime(2026, 7, 3, 9, 5, tzinfo=UTC)
    assert format_datetime(moment, "de") == "03.07.2026 09:05"
    assert format_datetime(moment, "en") == "2026-07-03 09:05"


def test_spreadsheet_cells() -> None:
    assert spreadsheet_number(12000.5, "de", decimals=2) == "12000,50"
    assert spreadsheet_number(12000.5, "en", decimals=2) == "12000.50"
    assert spreadsheet_number(1234567, "de") == "1234567"  # no thousands separator
    assert spreadsheet_moment("2026-11-26T10:00:00Z", "de") == "26.11.2026 10:00:00"
    assert spreadsheet_moment("2026-11-26T10:00:00Z", "en") == "2026-11-26 10:00:00"


def test_languages() -> None:
    assert check_lang(" DE ") == "de"
    with pytest.raises(InvalidValue, match="unknown language 'fr'; choose from: en, de"):
        check_lang("fr")
    loc = Locale("de", {"proposal": "Angebot"})
    assert loc.stage("proposal") == "Angebot" and loc.stage("gone") == "gone"


@given(
    st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["en", "de"]),
)
def test_grouped_numbers_read_back(value: Decimal, lang: str) -> None:
    """Taking the separators out again gives the number: nothing lost or moved."""
    text = format_number(value, lang, decimals=2)
    thousands, mark = (".", ",") if lang == "de" else (",", ".")
    assert Decimal(text.replace(thousands, "").replace(mark, ".")) == value
    whole = text.split(mark)[0]
    assert all(len(group) == 3 for group in whole.split(thousands)[1:])


# Every text a view says has its German form ------------------------------------------------


def _render_sources() -> dict[str, ast.Module]:
    return {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in RENDER.glob("*.py")}


def test_every_text_of_a_view_has_its_german_form_and_none_is_left_over() -> None:
    from salespipe.render.words import GERMAN

    said: set[str] = set()
    literals: set[str] = set()
    for name, tree in _render_sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and name != "words.py":
                literals.add(node.value)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                said.add(node.args[0].value)
    assert said, "no tr() calls found"
    assert sorted(said - set(GERMAN)) == []
    assert sorted(set(GERMAN) - literals) == []  # a German text nothing says
    # the placeholders match: a German text puts in what the English one does
    import string

    for english, german in GERMAN.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(german) if f}, english


# German through the CLI ------------------------------------------------------------------------


@pytest.fixture
def german(cli, add_lead):
    """A German pipeline worked out by hand; "now" is 2026-11-26 10:00 UTC (conftest)."""
    cli("init", "--lang", "de")
    a = add_lead("A", "--value", "10000", "--at", "2026-11-02")
    cli("propose", str(a), "--at", "2026-11-10")
    cli("close", str(a), "--won", "--at", "2026-11-20")  # 18 days
    b = add_lead("B", "--value", "5000", "--at", "2026-11-03")
    cli("close", str(b), "--lost", "--at", "2026-11-06")
    c = add_lead(
        "Carla Berger",
        "--value",
        "20.000,50",
        "--probability",
        "50",
        "--at",
        "2026-11-05",
        "--close-date",
        "2026-12-15",
    )
    cli("propose", str(c), "--at", "2026-11-12")
    d = add_lead("D", "--value", "8000", "--at", "2026-10-01")
    cli("close", str(d), "--won", "--at", "2026-10-15")  # 14 days
    add_lead("E", "--value", "3000", "--at", "2026-11-10")
    return c


def test_german_lead_list_card_and_move_message(cli, german):
    lines = cli("lead", "list").stdout.splitlines()
    assert lines[0].split() == ["Nr.", "Name", "Firma", "Phase", "Wert", "Wahrsch.", "Gewichtet", "Abschluss", "Tage"]
    carla = flat(next(line for line in lines if "Carla" in line))
    # 20,000.50 at its own 50 % = 10,000.25; in proposal since 12 Nov noon: 13 whole days
    assert carla == "3 Carla Berger Vorschlagen 20.000,50 € 50 % 10.000,25 € 15.12.2026 13"
    card = flat(cli("lead", "show", str(german)).stdout)
    assert "Phase Vorschlagen [proposal], 13 Tag(e) in der Phase" in card
    assert "Wert 20.000,50 € bei 50 % (abweichend) = 10.000,25 € gewichtet" in card
    assert "Erw. Abschluss 15.12.2026" in card
    assert "Angelegt 05.11.2026 12:00" in card
    assert "12.11.2026 12:00 Identifizieren -> Vorschlagen" in card
    moved = cli("negotiate", str(german)).stderr
    assert moved == "Lead #3 Carla Berger: Vorschlagen -> Verhandeln.\n"
    added = cli("lead", "add", "F").stderr
    assert added == "Lead #6 F angelegt (Identifizieren).\n"
    # JSON keeps machine formats in every language
    record = cli.json("lead", "show", str(german))
    assert record["value"] == 20000.5 and record["expected_close"] == "2026-12-15" and record["stage"] == "negotiation"


def test_german_task_list_and_messages(cli, german):
    for task in cli.json("task", "list"):  # the default rules' tasks: out of the way
        cli("task", "delete", str(task["id"]))
    said = cli("task", "add", str(german), "Angebot nachfassen", "--due", "2026-11-30 14:00").stderr
    first = cli.json("task", "list")[0]["id"]
    assert said == f"Aufgabe #{first} angelegt (Lead #3): Angebot nachfassen, fällig 30.11.2026 14:00.\n"
    cli("task", "add", "1", "Altes", "--due", "2026-11-20")
    lines = cli("task", "list").stdout.splitlines()
    assert lines[0].split() == ["Nr.", "Fällig", "Lead", "Aufgabe", "Status"]
    assert flat(lines[1]) == f"{first + 1} 20.11.2026 #1 A Altes ÜBERFÄLLIG"
    assert flat(lines[2]) == f"{first} 30.11.2026 14:00 #3 Carla Berger Angebot nachfassen offen"
    assert cli.json("task", "list")[0]["due_date"] == "2026-11-20"
    today = cli("today").stdout
    assert today.startswith("Heute, 26.11.2026\n") and "Überfällige Aufgaben (1)" in today


def test_german_report(cli, german):
    text = flat(cli("report").stdout)
    assert "Pipeline-Bericht, 26.11.2026, EUR" in text
    assert "Gewonnen/verloren: dieser Monat (01.11.2026 bis 30.11.2026)" in text
    assert "Quoten, Trichter: letzte 90 Tage (29.08.2026 bis 26.11.2026)" in text
    # open: C 20,000.50 at 50 % (10,000.25) and E 3,000 at 10 % (300): 23,000.50, weighted 10,300.25
    assert "Offene Pipeline 2 Deals, 23.001 € gewichtet 10.300 €" in text
    assert "Gewonnen 1 Deal, 10.000 € Ø Deal 10.000 €" in text
    # rates: A and D won (18,000), B lost (5,000): 2/3 by count, 18/23 = 78 % by value
    assert "Gewinnquote 67 % nach Anzahl, 78 % nach Wert (2 gewonnen, 1 verloren)" in text
    assert "Verkaufszyklus 16,0 Tage im Mittel, 16,0 Median" in text  # 18 and 14 days
    # 2 open x 9,000 average x 2/3 / 16 days = 750 per day
    assert "Geschwindigkeit 750 € pro Tag = 2 x 9.000 € x 67 % / 16,0 Tage" in text
    assert "Pipeline nach Phase Phase Deals Wert Wahrsch. Gewichtet Anteil" in text
    assert "Vorschlagen 1 20.001 € 60 % 10.000 € 87 %" in text
    assert "Trichter: Deals angelegt letzte 90 Tage" in text
    assert "Zeit in der Phase (Tage;" in text and "Braucht Aufmerksamkeit" in text
    # the same report in JSON: machine formats
    assert cli.json("report")["open"] == {"count": 2, "value": 23000.5, "weighted_value": 10300.25}


def test_a_database_from_before_the_language_was_stored_speaks_german_by_its_labels(cli, db_path, add_lead):
    cli("init", "--lang", "de")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DELETE FROM settings WHERE key = 'language'")
    conn.close()
    add_lead("A", "--value", "1234.5")
    assert "1.234,50 €" in cli("lead", "list").stdout
    cli("stage", "rename", "new", "Neu")  # no longer the preset's labels: English
    assert "€1,234.50" in cli("lead", "list").stdout


def test_english_stays_as_it_was(cli, add_lead):
    lead_id = add_lead("A", "--value", "12000.5", "--close-date", "2026-12-15")
    line = flat(cli("lead", "list").stdout.splitlines()[1])
    assert line == "1 A New (identified) €12,000.50 10% €1,200.05 2026-12-15 0"
    assert cli("verify", str(lead_id)).stderr == "Lead #1 A: New (identified) -> Verified.\n"


def test_init_refuses_an_unknown_language(cli):
    assert "unknown language 'fr'; choose from: en, de" in cli("init", "--lang", "fr", code=1).stderr


# Counts: one format everywhere --------------------------------------------------------------


def _render(renderable, width: int = 200) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(renderable)
    return console.file.getvalue()


@pytest.mark.parametrize(("lang", "grouped"), [("en", "7,270"), ("de", "7.270")])
def test_every_count_of_the_report_is_grouped(cli, add_lead, lang, grouped):
    """A count is written one way in the whole report: 7,270 (German 7.270), never 7270."""
    from salespipe.render.report import report_renderable

    add_lead("A", "--value", "1000", "--at", "2026-10-01")
    data = cli.json("report")
    data["open"]["count"] = data["won"]["count"] = data["lost"]["count"] = 7270
    data["closed_in_rates_period"] = {"won": 7270, "lost": 7270}
    data["sales_velocity"]["open_deals"] = 7270
    for row in data["stages"]:
        row["count"] = 7270
    for row in data["funnel"]:
        row["reached"] = 7270
    for row in data["time_in_stage"]:
        row["deals"] = row["open_deals"] = 7270
    data["stale_count"] = 7270
    data["stale"][0]["days_idle"] = 7270
    data["other_currency_leads"] = 7270
    data["data_gaps"] = {"won_without_close_date": 7270, "without_value": 7270}
    text = _render(report_renderable(data, plain=True, loc=Locale(lang)))
    assert "7270" not in text
    assert text.count(grouped) >= 20


# The card ----------------------------------------------------------------------------------


def test_a_multi_line_custom_field_stays_under_its_value(cli, add_lead):
    lead_id = add_lead("A", "--field", "notes=line one\nline two\n  indented")
    lines = cli("lead", "show", str(lead_id)).stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("notes"))
    column = lines[first].index("line one")
    value = next(line for line in lines if line.startswith("Value"))
    assert column == value.index("unknown (EUR)")  # under the values above it
    assert lines[first + 1] == " " * column + "line two"
    assert lines[first + 2] == " " * column + "  indented"
    assert lines[first + 3].startswith("Qualification ")  # the next field starts at the edge again


def test_criteria_nobody_recorded_are_not_recorded_not_no(cli, db_path, tmp_path):
    """An imported won deal never went through qualify: nothing says it failed a criterion."""
    source = tmp_path / "won.csv"
    source.write_text("Deal,Amount,Stage,Created,Closed\nBig one,5000,won,2026-09-01,2026-10-01\n", encoding="utf-8")
    cli("import", str(source))
    card = flat(cli("lead", "show", "1").stdout)
    assert "Qualification budget, authority, need, timeline not recorded" in card
    assert " no," not in card


# export --excel ------------------------------------------------------------------------------


def _excel(cli, tmp_path: Path, *args: str) -> tuple[bytes, list[list[str]]]:
    out = tmp_path / "excel.csv"
    cli("export", "--excel", "--what", "leads", "--out", str(out), *args)
    raw = out.read_bytes()
    return raw, list(
        csv.reader(
            io.StringIO(raw.decode("utf-8-sig"), newline=""),
            delimiter=";" if raw.count(b";") > raw.count(b",") else ",",
        )
    )


def test_excel_export_in_german(cli, add_lead, tmp_path):
    cli("init", "--lang", "de")
    add_lead(
        "=SUM(A1)",
        "--value",
        "12.000,50 €",
        "--close-date",
        "2026-12-15",
        "--company",
        "Müller; Söhne",
        "--at",
        "2026-11-20 08:30",
        "--field",
        "notes=a\nb",
    )
    add_lead("Yen", "--value", "1500000 JPY", "--probability", "35")
    raw, rows = _excel(cli, tmp_path)
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM, CRLF
    assert raw.splitlines()[0].count(b";") == len(rows[0]) - 1  # ; separates
    header, first, second = rows
    row = dict(zip(header, first, strict=False))
    assert row["title"] == "'=SUM(A1)"  # a formula stays text
    assert row["value"] == "12000,50" and row["currency"] == "EUR"
    assert row["expected_close"] == "15.12.2026"
    assert row["created_at"] == "20.11.2026 08:30:00"  # UTC, as stored
    assert row["company"] == "Müller; Söhne" and row["field:notes"] == "a\nb"
    other = dict(zip(header, second, strict=False))
    assert other["value"] == "1500000" and other["probability"] == "35" and other["expected_close"] == ""


def test_excel_export_in_english_and_plain_csv_unchanged(cli, add_lead, tmp_path):
    add_lead("A", "--value", "12000.5", "--close-date", "2026-12-15", "--at", "2026-11-20 08:30")
    raw, rows = _excel(cli, tmp_path)
    assert raw.startswith(b"\xef\xbb\xbf")
    row = dict(zip(*rows, strict=False))
    assert row["value"] == "12000.50" and row["expected_close"] == "2026-12-15"
    assert row["created_at"] == "2026-11-20 08:30:00"
    plain = cli("export", "--what", "leads").stdout
    assert not plain.startswith("\ufeff")
    assert dict(zip(*csv.reader(io.StringIO(plain)), strict=False))["created_at"] == "2026-11-20T08:30:00Z"


def test_excel_export_refuses_other_formats(cli):
    for args in (["--format", "json"], ["--format", "jsonl"], ["--all"], ["--person", "a@b.c"]):
        assert "--excel writes CSV" in cli("export", "--excel", *args, code=2).stderr


def test_a_german_excel_export_imports_back_into_the_same_pipeline(cli, german, tmp_path):
    exported, target = tmp_path / "excel.csv", tmp_path / "b.db"
    cli("export", "--excel", "--out", str(exported))
    cli("--db", str(target), "init", "--lang", "de")
    assert cli.json("--db", str(target), "import", str(exported))["inserted"] == 5
    for args in ([], ["--period", "all"]):
        assert cli.json("report", *args) == cli.json("--db", str(target), "report", *args)
    keep = ("title", "stage", "value", "currency", "created_at", "closed_at", "expected_close", "probability_override")
    a, b = (cli.json(*db, "lead", "list", "--all") for db in ([], ["--db", str(target)]))
    assert [{k: lead[k] for k in keep} for lead in a] == [{k: lead[k] for k in keep} for lead in b]


def test_every_german_view_fits_80_columns(cli, german, monkeypatch):
    import re

    from salespipe.render.table import width_of

    def shown(line: str) -> int:
        return width_of(re.sub(r"\x1b\[[0-9;]*m", "", line))

    cli("task", "add", str(german), "das überarbeitete Angebot mit dem Mengenrabatt schicken", "--due", "tomorrow")
    cli("target", "set", "50k", "--period", "2026-11")
    monkeypatch.setenv("COLUMNS", "80")
    for command in (
        ("lead", "list"),
        ("lead", "list", "--sort", "priority"),
        ("lead", "show", str(german)),
        ("today",),
        ("task", "list"),
        ("target", "list"),
        ("target", "show"),
        ("report",),
        ("report", "funnel"),
        ("report", "velocity"),
        ("report", "breakdown", "--by", "stage"),
    ):
        for colour in ("always", "never"):
            result = cli("--color", colour, *command)
            for line in (result.stdout + result.stderr).splitlines():
                assert shown(line) <= 80, (command, line)
