"""Exports of real CRMs, made up from their public documentation (tests/fixtures/crm, all data
invented): each imports with no flags and every row comes out as its CRM meant it, or the file
is refused before anything is written. The expected rows (expected.json) were written from the
CRMs' documentation, independently of salespipe's vocabulary."""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import dump

FIXTURES = Path(__file__).parent / "fixtures" / "crm"
EXPECTED = {entry["file"]: entry for entry in json.loads((FIXTURES / "expected.json").read_text())}
# Bitrix24 writes local times with an offset (+03:00): a UTC date may be the day before.
OFFSET_FILES = {"bitrix24_deals.csv"}


def _day(iso: str | None) -> date | None:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).date() if iso else None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_crm_export_imports_right_without_flags(cli, tmp_path, name):
    expected = EXPECTED[name]
    summary = json.loads(cli("import", str(FIXTURES / name), "--rejects", str(tmp_path / "r.csv"), "--json").stdout)
    assert summary["rejected"] == 0, summary["rejects"]
    assert summary["inserted"] == len(expected["rows"])
    leads = sorted(cli.json("lead", "list", "--all"), key=lambda l: l["id"])
    stages = {s["key"]: s["kind"] for s in cli.json("stage", "list")}
    slack = 1 if name in OFFSET_FILES else 0
    for lead, row in zip(leads, expected["rows"], strict=True):
        where = f"{name}: {row['title']!r}"
        assert lead["title"] == row["title"], where
        if row["company"] is not None and row["company"] != row["title"]:
            # (Close names an opportunity by its lead, the company: that name is the title)
            assert lead["company"] == row["company"], where
        assert stages[lead["stage"]] == row["kind"], where
        if row["value"] is None:
            assert lead["value"] is None, where
        else:
            assert Decimal(str(lead["value"])) == Decimal(row["value"]), where
        if row["currency"]:
            assert lead["currency"] == row["currency"], where
        if row["owner"] is not None:
            assert lead["owner"] == row["owner"], where
        if row["created"]:
            assert abs((_day(lead["created_at"]) - date.fromisoformat(row["created"])).days) <= slack, where
        if row["kind"] == "open":
            assert lead["closed_at"] is None, where
            if row["expected_close"]:
                assert lead["expected_close"] == row["expected_close"], where
        elif row["closed"]:
            assert abs((_day(lead["closed_at"]) - date.fromisoformat(row["closed"])).days) <= slack, where
        else:
            # no close date in the file: none is invented (or the documented last-modified one)
            assert lead["closed_at"] is None or summary["missing"].get("close_date_from_modified"), where


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_crm_export_reimport_changes_nothing(cli, tmp_path, db_path, name):
    args = ("import", str(FIXTURES / name), "--rejects", str(tmp_path / "r.csv"), "--json")
    cli(*args)
    before = dump(db_path)
    again = json.loads(cli(*args).stdout)
    assert again["inserted"] == 0 and again["skipped"] == len(EXPECTED[name]["rows"])
    journal = ('INSERT INTO "changes"', 'INSERT INTO "undo_log"')
    assert [l for l in dump(db_path) if not l.startswith(journal)] == [l for l in before if not l.startswith(journal)]
