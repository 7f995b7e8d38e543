"""The staged import (rows loaded into a TEMP table, mapped and checked in SQL, Python for the
rest) makes exactly what the row-by-row import makes: the same database, summary and rejects
file, for generated files full of the cells that one of them could get wrong."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salespipe.domain.errors import SalespipeError
from salespipe.services import import_staged
from salespipe.services.importer import ImportOptions, import_csv
from salespipe.store.db import connect

NOW = datetime(2026, 11, 20, 9, 30)

IDS = st.sampled_from(["", "", "D1", "D2", "D3", "d1", " D2 ", "-", "NULL", "42", "X-9"])
EMAILS = st.sampled_from(
    [
        "",
        "a@x.de",
        "A@X.DE",
        "b@x.de",
        " b@x.de ",
        "c@y.com",
        "bad",
        "a@b",
        "x@@y.de",
        "jörg@x.de",
        "JÖRG@x.de",
        "n/a",
        "d@x.de.",
        "e.f@g.h.io",
        "'=x@y.de",
    ]
)
NAMES = st.sampled_from(
    [
        "",
        "Anna",
        "anna",
        "Ben  Bauer",
        "Jörg Müller",
        "ÅSA",
        "12345",
        "Straße",
        "'=cmd",
        "Ann\u00a0Lee",
        "Tab\tName",
        "Zoë",
        "x" * 2001,
        "Line\nbreak",
        "Émile",
        "O'Brien",
    ]
)
COMPANIES = st.sampled_from(["", "Acme", "ACME", "Acme GmbH", "Müller AG", "-", "  Spaced  Co ", "BigCo"])
AMOUNTS = st.sampled_from(
    [
        "",
        "1200",
        "1200.5",
        "1200.50",
        "0012.05",
        "1.234,50",
        "1,5",
        "12k",
        "€ 300",
        "300 EUR",
        "-5",
        "abc",
        "99999999999999",
        "1.999",
        "7.",
        ".5",
        "12.000,-",
        "N/A",
        "1 200",
    ]
)
STAGES = st.sampled_from(
    [
        "",
        "new",
        "proposal",
        "won",
        "lost",
        "Won",
        "Closed Won",
        "negotiation",
        "Fantasy",
        "-",
        " qualified ",
        "verified",
    ]
)
DATES = st.sampled_from(
    [
        "",
        "2026-03-01",
        "2026-03-01 08:15:00",
        "2026-11-20",
        "2026-11-20 23:00",
        "2026-12-24",
        "2027-01-01",
        "01.02.2026",
        "2026-13-01",
        "2025-12-31T23:30:00Z",
        "2026-02-30",
        "n/a",
        "2026-03-01T00:00:00+02:00",
        "2026-02-28 12:00:00.250",
    ]
)
EXTRAS = st.sampled_from(["", "GTX", 'say "hi"', "back\\slash", "ü", "-", "'=1", " pad ", "a;b"])


@st.composite
def files(draw: st.DrawFn) -> tuple[str, list[list[str]]]:
    header = ["Deal ID", "Name", "Company", "E-Mail", "Amount", "Stage", "Created Date", "Close Date", "Product"]
    columns = draw(st.sets(st.sampled_from(header[2:]), min_size=2)) | ({"E-Mail"} if draw(st.booleans()) else set())
    keep = [h for h in header if h in columns or h in ("Deal ID", "Name")]
    if not draw(st.booleans()):
        keep.remove("Deal ID")
    keyed = draw(st.integers(0, 4)) > 0  # mostly files whose rows all have an id or an e-mail
    rows = []
    for _ in range(draw(st.integers(1, 25))):
        cell = {
            "Deal ID": draw(IDS),
            "Name": draw(NAMES),
            "Company": draw(COMPANIES),
            "E-Mail": draw(EMAILS),
            "Amount": draw(AMOUNTS),
            "Stage": draw(STAGES),
            "Created Date": draw(DATES),
            "Close Date": draw(DATES),
            "Product": draw(EXTRAS),
        }
        if (
            keyed
            and "E-Mail" in keep
            and cell["E-Mail"].strip() in ("", "n/a")
            and ("Deal ID" not in keep or cell["Deal ID"].strip() in ("", "-", "NULL"))
        ):
            cell["E-Mail"] = draw(st.sampled_from(["k1@x.de", "K1@x.de", "k2@x.de", "bad mail"]))
        row = [cell[h] for h in keep]
        if draw(st.integers(0, 9)) == 0:
            row = row[:-1] if draw(st.booleans()) else row + [draw(st.sampled_from(["", "extra"]))]
        rows.append(row)
    # "Full Name" names a person: the title and the contact's name (domain.import_plan.title_names_person)
    person = draw(st.booleans())
    return ",".join("Full Name" if person and h == "Name" else h for h in keep), rows


def _write(path: Path, header: str, rows: list[list[str]]) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(header + "\r\n")
        csv.writer(f).writerows(rows)


def _import(
    tmp: Path, name: str, csv_path: Path, staged: bool, now: datetime, existing: bool, monkeypatch
) -> tuple[list[str], dict, str]:
    db = tmp / f"{name}.db"
    conn = connect(db)
    if existing:  # leads the file may match: by external id, by e-mail (any case)
        from salespipe.services.importer import ImportOptions as Options

        seed = tmp / "seed.csv"
        seed.write_text(
            "Deal ID,Name,E-Mail,Stage\nD2,Seed two,s2@x.de,new\n,Seed b,B@x.de,proposal\nD9,Seed jörg,jörg@x.de,won\n",
            encoding="utf-8",
        )
        import_csv(conn, Options(path=seed, rejects_path=tmp / f"{name}.seed.rejects.csv"), now=now)
    with monkeypatch.context() as m:
        if not staged:
            m.setattr(import_staged, "eligible", lambda *a: False)
        rejects = tmp / f"{name}.rejects.csv"
        try:
            summary = import_csv(
                conn, ImportOptions(path=csv_path, rejects_path=rejects, accept_partial=True), now=now
            ).to_json()
        except SalespipeError as exc:  # a file refused as a whole is refused the same way
            summary = {"error": str(exc), "rejects_file": None}
    conn.close()
    summary.pop("rejects_file")
    dump = [line for line in sqlite3.connect(db).iterdump() if "_sqlite_migrations" not in line]
    return dump, summary, rejects.read_text(encoding="utf-8") if rejects.exists() else ""


def _same(a: list[str], b: list[str]) -> bool:
    movable = ("CREATE INDEX", "CREATE TRIGGER")
    return [x for x in a if not x.startswith(movable)] == [x for x in b if not x.startswith(movable)] and sorted(
        x for x in a if x.startswith(movable)
    ) == sorted(x for x in b if x.startswith(movable))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files(), st.sampled_from([0, 2, -5, 14]), st.booleans())
def test_staged_import_makes_what_the_row_by_row_import_makes(tmp_path_factory, monkeypatch, file, hours, existing):
    header, rows = file
    tmp = tmp_path_factory.mktemp("staged")
    csv_path = tmp / "deals.csv"
    _write(csv_path, header, rows)
    now = NOW.replace(tzinfo=timezone(timedelta(hours=hours)))
    staged = _import(tmp, "staged", csv_path, True, now, existing, monkeypatch)
    plain = _import(tmp, "plain", csv_path, False, now, existing, monkeypatch)
    assert staged[1] == plain[1]
    assert staged[2] == plain[2]
    assert _same(staged[0], plain[0])


def test_a_plain_file_takes_the_staged_path_and_a_second_import_changes_nothing(tmp_path, monkeypatch):
    """Hand-checked: 4 rows, one repeating an e-mail (any case), one an id; the won deal has
    two events (created in the first stage, then won), the open one's close date is its
    expected close. Importing again skips every row and leaves the dump as it was."""
    csv_path = tmp_path / "d.csv"
    csv_path.write_text(
        "Deal ID,Name,E-Mail,Amount,Stage,Created Date,Close Date,Product\n"
        "D1,Anna,anna@x.de,1200.50,won,2026-03-01,2026-04-01,GTX\n"
        "D2,Ben,ben@x.de,99,proposal,2026-03-02,2026-12-24,\n"
        ",Anna again,ANNA@x.de,5,new,2026-03-03,,\n"
        "D2,Ben twice,other@x.de,7,new,2026-03-04,,\n",
        encoding="utf-8",
    )
    taken = []
    real_run = import_staged.run
    monkeypatch.setattr(import_staged, "run", lambda *a, **k: taken.append(1) or real_run(*a, **k))
    now = NOW.replace(tzinfo=UTC)
    conn = connect(tmp_path / "x.db")
    summary = import_csv(conn, ImportOptions(path=csv_path), now=now)
    assert taken == [1]
    assert (summary.rows, summary.inserted, summary.skipped, summary.duplicates_in_file) == (4, 2, 2, 2)
    assert summary.duplicates == [(4, 2), (5, 3)]
    assert dict(summary.matched_by) == {"email": 1, "external_id": 1}
    leads = conn.execute(
        "SELECT id, title, value_minor, stage, created_at, closed_at, expected_close, fields, "
        "email_key, name_key FROM leads ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in leads] == [
        (
            1,
            "Anna",
            120050,
            "won",
            "2026-03-01T12:00:00Z",
            "2026-04-01T12:00:00Z",
            None,
            '{"Product": "GTX"}',
            "anna@x.de",
            "anna\x1f",
        ),
        (2, "Ben", 9900, "proposal", "2026-03-02T12:00:00Z", None, "2026-12-24", "{}", "ben@x.de", "ben\x1f"),
    ]
    events = conn.execute("SELECT lead_id, from_stage, to_stage, at, prev_at FROM stage_events ORDER BY id").fetchall()
    assert [tuple(e) for e in events] == [
        (1, None, "new", "2026-03-01T12:00:00Z", None),
        (1, "new", "won", "2026-04-01T12:00:00Z", "2026-03-01T12:00:00Z"),
        (2, None, "proposal", "2026-03-02T12:00:00Z", None),
    ]
    conn.close()
    before = list(sqlite3.connect(tmp_path / "x.db").iterdump())
    conn = connect(tmp_path / "x.db")
    again = import_csv(conn, ImportOptions(path=csv_path), now=now)
    conn.close()
    assert (again.inserted, again.skipped) == (0, 4)
    assert json.dumps(list(sqlite3.connect(tmp_path / "x.db").iterdump())) == json.dumps(before)


def test_the_staged_import_reports_progress_while_it_reads_and_writes(tmp_path):
    csv_path = tmp_path / "d.csv"
    csv_path.write_text(
        "Deal ID,Name,E-Mail\n" + "".join(f"D{i},Lead {i},l{i}@x.de\n" for i in range(12_000)), encoding="utf-8"
    )
    size = csv_path.stat().st_size
    seen: list[tuple[int, int]] = []
    conn = connect(tmp_path / "x.db")
    summary = import_csv(
        conn,
        ImportOptions(path=csv_path),
        now=NOW.replace(tzinfo=UTC),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert summary.inserted == 12_000
    done = [d for d, _ in seen]
    assert {t for _, t in seen} == {size} and done == sorted(done) and done[-1] == size
    assert any(0 < d < size // 2 for d in done)  # while reading the file, before any SQL


def test_a_file_that_fails_half_way_through_the_plan_leaves_the_connection_usable(tmp_path):
    import pytest

    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        b"Deal ID,Name,E-Mail\n"
        + b"".join(b"D%d,Lead %d,l%d@x.de\n" % (i, i, i) for i in range(20000))
        + b"D9,\xff\xfe broken,x@y.de\n"
    )
    good = tmp_path / "good.csv"
    good.write_text("Deal ID,Name,E-Mail\nD1,Anna,anna@x.de\n", encoding="utf-8")
    conn = connect(tmp_path / "x.db")
    with pytest.raises(SalespipeError, match="not utf-8 on line 20002"):
        import_csv(conn, ImportOptions(path=bad), now=NOW.replace(tzinfo=UTC))
    assert not conn.in_transaction
    assert import_csv(conn, ImportOptions(path=good), now=NOW.replace(tzinfo=UTC)).inserted == 1


def test_a_bulk_staged_import_prunes_the_journal_and_checks_its_stages_without_foreign_keys(tmp_path, monkeypatch):
    """The staged bulk import runs with the foreign keys unchecked: the journal it prunes loses
    its rows all the same (no orphan under a forgotten change), every reference it writes holds
    (``PRAGMA foreign_key_check``), the connection checks them again after; and a stage removed
    while the file was read stops it with a plain error, writing nothing."""
    import pytest

    from salespipe.services import importer

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 0)
    now = NOW.replace(tzinfo=UTC)
    conn = connect(tmp_path / "x.db")
    conn.execute("INSERT INTO settings (key, value) VALUES ('journal.keep', '2')")
    for n in range(3):  # three changes with journal rows: the import's own makes four, two are kept
        one = tmp_path / f"one{n}.csv"
        one.write_text(f"Deal ID,Name,E-Mail,Company\nP{n},Pre {n},p{n}@x.de,Pre Co {n}\n", encoding="utf-8")
        assert import_csv(conn, ImportOptions(path=one), now=now).inserted == 1
    assert conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 2
    csv_path = tmp_path / "d.csv"
    csv_path.write_text(
        "Deal ID,Name,E-Mail,Company,Stage\n"
        + "".join(f"D{i},Lead {i},l{i}@x.de,Co {i % 7} GmbH,{'won' if i % 3 else 'new'}\n" for i in range(300)),
        encoding="utf-8",
    )
    taken = []
    real_run = import_staged.run
    monkeypatch.setattr(import_staged, "run", lambda *a, **k: taken.append(1) or real_run(*a, **k))
    summary = import_csv(conn, ImportOptions(path=csv_path), now=now)
    assert taken == [1] and summary.inserted == 300 and summary.orgs_created == 7
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 2
    orphans = (
        conn.execute("SELECT count(*) FROM undo_log WHERE change_id NOT IN (SELECT id FROM changes)").fetchone()[0]
        + conn.execute("SELECT count(*) FROM undo_values WHERE entry_id NOT IN (SELECT id FROM undo_log)").fetchone()[0]
    )
    assert orphans == 0
    # a stage removed between reading the file and writing it
    again = tmp_path / "again.csv"
    again.write_text(csv_path.read_text(encoding="utf-8").replace("D", "E").replace("@x", "@y"), encoding="utf-8")
    before = list(conn.iterdump())
    real_plan = importer.plan_import

    def plan_then_remove_a_stage(*args, **kwargs):
        planned = real_plan(*args, **kwargs)
        other = sqlite3.connect(tmp_path / "x.db")
        other.execute("PRAGMA foreign_keys = ON")
        other.execute("DELETE FROM stages WHERE key = 'verified'")  # no lead is in it
        other.commit()
        other.close()
        return planned

    monkeypatch.setattr(importer, "plan_import", plan_then_remove_a_stage)
    with pytest.raises(SalespipeError, match="stage 'verified' was removed while the file was read"):
        import_csv(conn, ImportOptions(path=again), now=now)
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    after = list(conn.iterdump())
    assert [line for line in after if "verified" not in line] == [line for line in before if "verified" not in line]
