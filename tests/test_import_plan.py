"""The import plan: refusals that write nothing, mapping files, dates per column, nulls, MySQL
dumps, headerless files, junk lines, unknown values, undated closes, duplicates without ids."""

import json

import pytest
from conftest import dump
from hypothesis import given, settings
from hypothesis import strategies as st

from salespipe.domain.import_columns import match_header
from salespipe.domain.import_dates import DateEvidence, parse_import_datetime


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def leads(cli):
    return {l["title"]: l for l in cli.json("lead", "list", "--all")}


def imp(cli, path, *args, code=0):
    return json.loads(cli("import", str(path), "--json", *args, code=code).stdout)


# Headers ---------------------------------------------------------------------------------------
def test_headers_of_real_exports_are_recognised():
    cases = {
        "Sales stage": "stage",
        "Deal size": "value",
        "deal_created_at": "created",
        "close_at": "close_date",
        "createdtime": "created",
        "potentialid": "external_id",
        "STAGE_ID": "stage",
        "OPPORTUNITY": "value",
        "DATE_CREATE": "created",
        "CLOSEDATE": "close_date",
        "CURRENCY_ID": "currency",
        "SOURCE_ID": "source",
        "Deal - Title": "title",
        "Deal - Value": "value",
        "Deal - Currency": "currency",
        "Deal - Status": "status",
        "Deal - Deal created": "created",
        "Deal - Won time": "won_time",
        "Organization - Name": "company",
        "Person - Email": "email",
        "Probability (%)": "probability",
        "Est. Revenue": "value",
        "Est. Close Date": "expected_close",
        "hs_is_closed_won": "is_won",
        "Opportunity Owner": "owner",
        "Account.Name": "company",
        "Étape": "stage",
        "Date de création": "created",
        "Währung": "currency",
        "Fecha de cierre": "close_date",
        "Verantwortlich": "owner",
        "sales_agent": "owner",
        "Milestone": "stage",
        "value_formatted": "value",
    }
    assert {h: (match_header(h) or ("",))[0] for h in cases} == cases
    assert match_header("COMPANY_ID") is None  # an id of a company is not its name
    assert match_header("Reporting Date") is None  # a question for the plan, not a guess


def test_an_unknown_key_column_that_looks_like_one_is_refused_with_the_fix(cli, tmp_path, db_path):
    f = write(
        tmp_path / "d.csv",
        "Deal,Client,Total ($),Reporting Date,Pipeline step\n"
        + "".join(
            f"D{i},C{i},{1000 + i}.50,2026-0{1 + i % 9}-1{i % 9},{'Won' if i % 2 else 'Lost'}\n" for i in range(6)
        ),
    )
    cli("stage", "list")
    before = dump(db_path)
    result = cli("--db", str(db_path), "import", str(f), code=2)
    assert dump(db_path) == before
    text = " ".join(result.stderr.split())
    assert "column 'Total ($)' looks like the value (e.g. '1000.50')" in text
    assert "column 'Reporting Date' looks like the created" in text
    assert "column 'Pipeline step' looks like the stage" in text
    assert f"salespipe --db {db_path} import {f} \\ --map 'Total ($)=value' \\" in text
    # the printed fixes work as they are
    cli("import", str(f), "--map", "Total ($)=value", "--map", "Reporting Date=created", "--map", "Pipeline step=stage")
    got = leads(cli)
    assert got["D1"]["value"] == 1001.5 and got["D1"]["stage"] == "won" and got["D0"]["stage"] == "lost"


def test_a_plain_lead_list_is_not_a_question(cli, tmp_path):
    f = write(tmp_path / "fair.csv", "Name,Company,Email,Phone,Source\nAnna,Acme,a@x.de,+49 1,Messe\n")
    summary = imp(cli, f)
    assert summary["inserted"] == 1 and not summary["questions"]
    assert leads(cli)["Anna"]["stage"] == "new"


def test_accept_partial_imports_what_is_understood(cli, tmp_path):
    f = write(tmp_path / "d.csv", "name,stage,Total\nA,new,100\nB,Engaging,200\nC,Engaging,300\n")
    asked = imp(cli, f, code=2)
    assert {q["subject"] for q in asked["questions"]} == {"Total", "Engaging"}
    summary = imp(cli, f, "--accept-partial", "--rejects", str(tmp_path / "r.csv"), code=1)
    assert (summary["inserted"], summary["rejected"]) == (1, 2)
    assert leads(cli)["A"]["fields"] == {"Total": "100"}


# Mapping files ---------------------------------------------------------------------------------
def test_save_mapping_then_apply_it(cli, tmp_path, db_path):
    f = write(
        tmp_path / "w.csv",
        "Deal,Phase,Net total,Created\n"
        + "".join(f"D{i},{'Engaging' if i % 2 else 'Won'},{i}00,03/0{1 + i}/2026\n" for i in range(4)),
    )
    cli("stage", "list")
    before = dump(db_path)
    asked = imp(cli, f, "--save-mapping", str(tmp_path / "m.toml"), code=2)
    assert {(q["kind"], q["subject"]) for q in asked["questions"]} == {
        ("stage", "Engaging"),
        ("column", "Net total"),
        ("dates", "Created"),
    }
    assert dump(db_path) == before
    toml = (tmp_path / "m.toml").read_text()
    assert '"Deal" = "title"' in toml and toml.count("OPEN") >= 3
    # the user answers the questions in the file ...
    toml = toml.replace('# "Engaging" = "new"', '"Engaging" = "qualified"')
    toml = toml.replace('"Net total" = "field:Net total"', '"Net total" = "value"')
    toml = toml.replace('# "Created" = "dayfirst"', '"Created" = "monthfirst" #')
    (tmp_path / "m.toml").write_text(toml)
    # ... and the weekly import is one line
    summary = imp(cli, f, "--mapping", str(tmp_path / "m.toml"))
    assert summary["inserted"] == 4 and not summary["questions"]
    got = leads(cli)
    assert got["D1"]["stage"] == "qualified" and got["D0"]["stage"] == "won" and got["D2"]["value"] == 200
    assert got["D1"]["created_at"].startswith("2026-03-02")
    assert imp(cli, f, "--mapping", str(tmp_path / "m.toml"))["inserted"] == 0


def test_a_bad_mapping_file_is_a_clear_error(cli, tmp_path):
    f = write(tmp_path / "l.csv", "name\nA\n")
    bad = write(tmp_path / "bad.toml", "[columns]\nname = 'colour'\n")
    assert "maps to unknown field 'colour'" in cli("import", str(f), "--mapping", str(bad), code=1).stderr
    broken = write(tmp_path / "broken.toml", "[columns\n")
    assert "is not valid TOML" in cli("import", str(f), "--mapping", str(broken), code=1).stderr
    missing = write(tmp_path / "missing.toml", "[columns]\nNope = 'title'\n")
    assert "the file has no column 'Nope'" in cli("import", str(f), "--mapping", str(missing), code=1).stderr


def test_no_output_over_the_input_or_the_database(cli, tmp_path, db_path):
    f = write(tmp_path / "l.csv", "name,amount\nA,1\nB,oops\n")
    cli("stage", "list")
    before, source = dump(db_path), f.read_bytes()
    for flag, target in (("--rejects", f), ("--rejects", db_path), ("--save-mapping", f), ("--save-mapping", db_path)):
        result = cli("import", str(f), flag, str(target), code=1)
        assert "refusing to write" in result.stderr
    assert dump(db_path) == before and f.read_bytes() == source


# Dates -------------------------------------------------------------------------------------------
def test_dashed_us_dates_prove_month_first_per_column(cli, tmp_path):
    f = write(
        tmp_path / "us.csv", "name,created,closed on,status\nA,01-14-2020,02-03-2020,won\nB,02-03-2020,02-05-2020,won\n"
    )
    plan = imp(cli, f)["plan"]
    assert {d["column"]: d["order"] for d in plan["dates"]} == {"created": "monthfirst", "closed on": "monthfirst"}
    assert "1 value proves month-first" in plan["dates"][0]["evidence"]
    got = leads(cli)
    assert got["A"]["created_at"].startswith("2020-01-14") and got["B"]["created_at"].startswith("2020-02-03")
    assert got["B"]["closed_at"].startswith("2020-02-05")  # its column took the file's proven order


def test_an_explicit_order_rejects_dates_that_contradict_it(cli, tmp_path):
    f = write(tmp_path / "m.csv", "name,created\nA,01/25/2026\nB,25/01/2026\n")
    assert imp(cli, f, code=2)["questions"][0]["kind"] == "dates"
    summary = imp(cli, f, "--monthfirst", "--rejects", str(tmp_path / "r.csv"), code=1)
    assert summary["inserted"] == 1 and "contradicts the column's order" in summary["rejects"][0]["error"]


def test_excel_serials_month_names_and_offsets(cli, tmp_path):
    f = write(
        tmp_path / "x.csv",
        "name,created,close date,status\n"
        'Serial,45658,45700.5,won\nWorded,14-Jan-2020,"Feb 3, 2020",won\n'
        "Midnight,2024-03-14T16:20:05+03:00,2024-03-14T00:00:00+03:00,won\n",
    )
    summary = imp(cli, f)
    assert summary["warned"] == 0  # a same-day close stamped at midnight is no warning
    got = leads(cli)
    assert (
        got["Serial"]["created_at"] == "2025-01-01T12:00:00Z" and got["Serial"]["closed_at"] == "2025-02-12T12:00:00Z"
    )
    assert got["Worded"]["created_at"].startswith("2020-01-14") and got["Worded"]["closed_at"].startswith("2020-02-03")
    assert got["Midnight"]["closed_at"] == got["Midnight"]["created_at"] == "2024-03-14T13:20:05Z"


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=__import__("datetime").date(1970, 1, 1), max_value=__import__("datetime").date(2069, 12, 31)),
    st.sampled_from(["/", "-", "."]),
    st.booleans(),
    st.booleans(),
)
def test_numeric_dates_read_back_in_the_decided_order(day, sep, dayfirst, short_year):
    year = f"{day.year % 100:02d}" if short_year else str(day.year)
    first, second = (day.day, day.month) if dayfirst or sep == "." else (day.month, day.day)
    text = f"{first:02d}{sep}{second:02d}{sep}{year}"
    evidence = DateEvidence()
    evidence.add(text)
    order = None if evidence.order in (None, "ambiguous") else evidence.order == "dayfirst"
    decided = dayfirst or sep == "."
    assert evidence.order in (None, "ambiguous", "dayfirst" if decided else "monthfirst")
    assert parse_import_datetime(text, decided if order is None else order, None).date() == day


# Nulls, dumps, headers, junk ----------------------------------------------------------------
def test_mysql_dump_nulls_and_escapes(cli, tmp_path):
    f = write(
        tmp_path / "dump.csv",
        'id,name,company,amount,note\n1,"O\\"Brien deal",\\N,\\N,Cy\\tTab\n2,"Back\\\\slash",Acme,100,\\N\n',
    )
    summary = imp(cli, f)
    assert summary["plan"]["escape"] == "\\" and summary["plan"]["nulls"] == {"\\N": 3}
    got = leads(cli)
    assert got['O"Brien deal']["company"] is None and got['O"Brien deal']["value"] is None
    assert got['O"Brien deal']["fields"] == {"note": "Cy\tTab"}
    assert got["Back\\slash"]["value"] == 100


def test_a_headerless_dump_needs_columns_and_says_so(cli, tmp_path):
    f = write(tmp_path / "h.csv", "7,Anna,anna@x.de,\\N\n8,Ben,ben@x.de,2026-01-02\n")
    result = cli("import", str(f), code=1)
    assert "looks like data" in result.stderr and "--columns" in result.stderr
    summary = imp(cli, f, "--columns", "id,name,email,created")
    assert summary["inserted"] == 2 and summary["header_line"] == 0
    assert leads(cli)["Ben"]["created_at"].startswith("2026-01-02")


def test_junk_lines_and_null_markers(cli, tmp_path):
    f = write(
        tmp_path / "j.csv",
        "id,name,company,stage,amount\n,,1,,\n5,N/A,-,new,NULL\n6,Real,,new,0\n7,,,new,n/a\n8,,Beta,new,n/a\n",
    )
    summary = imp(cli, f, "--rejects", str(tmp_path / "r.csv"), code=1)
    errors = {r["line"]: r["error"] for r in summary["rejects"]}
    assert all(errors[line].startswith("no name") for line in (2, 3, 5))
    got = leads(cli)
    assert set(got) == {"Real", "Beta"}
    assert got["Real"]["value"] == 0 and got["Beta"]["value"] is None  # a real 0 is not an unknown value


def test_history_cells_fail_their_row_not_the_import(cli, tmp_path):
    good = '"[[""new"", ""2026-01-01T10:00:00Z"", null]]"'
    unknown = '"[[""nirvana"", ""2026-01-01T10:00:00Z"", null]]"'
    many = '"[' + ", ".join(['[""new"", ""2026-01-01T10:00:00Z"", null]'] * 5001) + ']"'
    f = write(tmp_path / "e.csv", f"title,history\nA,{good}\nB,{unknown}\nC,{many}\n")
    summary = imp(cli, f, "--rejects", str(tmp_path / "r.csv"), code=1)
    errors = {r["line"]: r["error"] for r in summary["rejects"]}
    assert "unknown stage 'nirvana'" in errors[3] and "5,001 events" in errors[4]
    assert summary["inserted"] == 1


# Duplicates --------------------------------------------------------------------------------
def test_without_ids_a_second_import_changes_nothing(cli, tmp_path, db_path):
    f = write(
        tmp_path / "n.csv",
        "Deal,Company,Created\nRollout,ACME GmbH,2026-01-05\nRollout,Acme  gmbh,2026-01-05\n"
        "Rollout,Acme GmbH,2026-02-01\nStraße,Jörg AG,\n",
    )
    first = imp(cli, f)
    assert (first["inserted"], first["duplicates_in_file"]) == (3, 1)
    before = dump(db_path)
    again = imp(cli, f)
    assert (again["inserted"], again["skipped"], again["matched_by"]) == (0, 4, {"name": 4})
    journal = ('INSERT INTO "changes"', 'INSERT INTO "undo_log"')
    assert [l for l in dump(db_path) if not l.startswith(journal)] == [l for l in before if not l.startswith(journal)]


def test_email_duplicates_fold_unicode_case_across_the_whole_file(cli, tmp_path, add_lead):
    add_lead("Jörg", "--email", "jörg@x.de")
    rows = "".join(f"P{i},p{i}@x.de\n" for i in range(1500))
    f = write(tmp_path / "e.csv", "name,email\nJ1,JÖRG@x.de\n" + rows + "Again,P3@X.DE\nJ2,Jörg@X.de\n")
    summary = imp(cli, f)
    assert summary["inserted"] == 1500 and summary["duplicates_in_file"] == 2
    assert summary["matched_by"] == {"email": 3}  # J1 matched the existing Jörg, Again and J2 earlier lines
    updated = imp(cli, f, "--on-duplicate", "update")
    # J1 renames the existing lead once; J2, a later line for the same lead, is a duplicate in the file
    assert (updated["updated"], updated["duplicates_in_file"]) == (1, 2)
    again = imp(cli, f, "--on-duplicate", "update")
    assert again["updated"] == 0  # and the same addresses in another case are no change


def test_an_export_imported_back_changes_nothing(cli, tmp_path, db_path, add_lead):
    add_lead("Alpha", "--company", "A GmbH", "--value", "1000")
    add_lead("Beta")
    cli("qualify", "2")
    out = tmp_path / "x.csv"
    cli("export", "--out", str(out))
    before = dump(db_path)
    summary = imp(cli, out)
    assert (summary["inserted"], summary["skipped"]) == (0, 2)
    journal = ('INSERT INTO "changes"', 'INSERT INTO "undo_log"')
    assert [l for l in dump(db_path) if not l.startswith(journal)] == [l for l in before if not l.startswith(journal)]


# Owners and honest figures -----------------------------------------------------------------
def test_owner_is_a_field_and_a_breakdown(cli, tmp_path):
    f = write(
        tmp_path / "o.csv",
        "name,sales agent,stage,amount,created,close date\n"
        "A,Moses,won,100,2026-11-02,2026-11-10\nB,Moses,lost,50,2026-11-02,2026-11-12\n"
        "C,Kim,won,70,2026-11-03,2026-11-20\n",
    )
    imp(cli, f)
    assert leads(cli)["A"]["owner"] == "Moses"
    assert sorted(l["title"] for l in cli.json("lead", "list", "--all", "--owner", "moses")) == ["A", "B"]
    groups = {g["group"]: g for g in cli.json("report", "breakdown", "--by", "owner", "--period", "all")["groups"]}
    assert (groups["Moses"]["won"], groups["Moses"]["lost"], groups["Kim"]["won_value"]) == (1, 1, 70)


def test_status_wins_over_the_stage_and_undated_closes_are_not_invented(cli, tmp_path):
    f = write(
        tmp_path / "p.csv",
        "Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status,"
        "Deal - Deal created,Deal - Won time,Deal - Lost reason\n"
        "Open one,100,USD,Proposal Made,open,2026-10-01 10:00:00,,\n"
        "Won one,200,EUR,Negotiations Started,won,2026-10-01 10:00:00,2026-10-20 09:00:00,\n"
        "Lost one,300,EUR,Contact Made,lost,2026-10-01 10:00:00,,Price\n"
        "Won undated,400,EUR,Proposal Made,won,2026-10-02 10:00:00,,\n",
    )
    summary = imp(cli, f)
    got = leads(cli)
    assert got["Open one"]["currency"] == "USD" and got["Open one"]["stage"] == "proposal"
    assert got["Won one"]["stage"] == "won" and got["Won one"]["closed_at"] == "2026-10-20T09:00:00Z"
    assert got["Lost one"]["stage"] == "lost" and got["Lost one"]["lost_reason"] == "Price"
    assert got["Lost one"]["closed_at"] is None and got["Won undated"]["closed_at"] is None
    assert summary["missing"] == {"close_date_won": 1, "close_date_lost": 1, "close_date_from_won_time": 1}
    events = cli.json("lead", "show", str(got["Won one"]["id"]))["events"]
    assert [(e["from_stage"], e["to_stage"]) for e in events] == [(None, "negotiation"), ("negotiation", "won")]
    report = cli.json("report", "--period", "all")
    assert report["won"]["count"] == 2 and report["sales_cycle_days"]["mean"] == 19.0
    assert report["data_gaps"]["won_without_close_date"] == 1
    text = " ".join(cli("report", "--period", "all").stdout.split())
    assert "1 won and 1 lost deal(s) without a close date are left out" in text


def test_update_keeps_a_leads_currency_when_the_file_names_none(cli, tmp_path, add_lead):
    add_lead("Deal", "--email", "d@x.de", "--value", "5000", "--currency", "USD")
    f = write(tmp_path / "u.csv", "name,email,phone\nDeal,d@x.de,+1 555\n")
    imp(cli, f, "--on-duplicate", "update")
    lead = leads(cli)["Deal"]
    assert (lead["value"], lead["currency"], lead["phone"]) == (5000, "USD", "+1 555")


def test_an_undated_close_survives_export_and_import(cli, tmp_path):
    f = write(tmp_path / "w.csv", "name,status\nWon undated,won\n")
    imp(cli, f)
    out = tmp_path / "x.csv"
    cli("export", "--out", str(out))
    other = str(tmp_path / "other.db")
    cli("--db", other, "import", str(out))
    lead = cli.json("--db", other, "lead", "list", "--all")[0]
    assert lead["stage"] == "won" and lead["closed_at"] is None


def test_report_grouping_and_total_lines_are_skipped_not_rejected(cli, tmp_path):
    f = write(
        tmp_path / "r.csv",
        '"Opportunity Owner","Opportunity Name","Stage","Amount"\n'
        '"Stage: Prospecting (2)","","",""\n"Jane","Total rollout","Prospecting","100"\n'
        '"Jane","Pilot","Prospecting","50"\n"Subtotal","","","150"\n"Grand Totals (2 records)","","","150"\n',
    )
    summary = imp(cli, f)
    assert (summary["inserted"], summary["rejected"], summary["summary_rows"]) == (2, 0, 3)
    assert set(leads(cli)) == {"Total rollout", "Pilot"}


def test_stage_suggestions_read_won_and_lost_words(cli, tmp_path):
    f = write(tmp_path / "h.csv", "Dealname,Deal-Phase\nA,Ende und verloren\nB,Ende und verloren\n")
    asked = imp(cli, f, code=2)
    assert asked["questions"][0]["suggestion"] == "lost"


@pytest.mark.parametrize("value", ["Not verified", "Nicht qualifiziert mehr", "Unverified", "No proposal yet"])
def test_a_stage_suggestion_never_names_the_stage_a_value_negates(cli, tmp_path, value):
    """'Not verified' is close to 'verified' by its letters and says the opposite: the suggested
    --stage-map is the first stage, which claims no progress, never the negated one."""
    f = write(tmp_path / "n.csv", f"Dealname,Deal-Phase\nA,{value}\nB,{value}\n")
    asked = imp(cli, f, code=2)
    assert [(q["subject"], q["suggestion"]) for q in asked["questions"]] == [(value, "new")]


def test_a_title_beside_first_and_last_name_is_a_job_title(cli, tmp_path):
    f = write(
        tmp_path / "li.csv",
        "First Name,Last Name,Company,Title,Email Address\nHannah,Bergmann,Nordlicht,Head of Procurement,h@n.example\n",
    )
    imp(cli, f)
    lead = leads(cli)["Hannah Bergmann"]
    assert lead["company"] == "Nordlicht" and lead["fields"] == {"Title": "Head of Procurement"}


# The full pass counts a chunk of rows column by column exactly as row by row ------------------
CHUNK_CELLS = {
    "id": st.sampled_from(["", " ", "D1", " D2 ", "NULL", "n/a", "-", "42"]),
    "email": st.sampled_from(["", "a@x.de", " b@x.de ", "N/A", "null", "-"]),
    "stage": st.sampled_from(["", "new", " won ", "Won", "lost", "NULL", "-", "Closed Won", "weird"]),
    "status": st.sampled_from(["", "open", "won", "Lost", "yes", "no", " Won "]),
    "value": st.sampled_from(["", "1200", "1200.50", " 12.5 ", "1.234,50", "1,5", "1,234.50", "€ 300,00", "n/a", "7."]),
    "created": st.sampled_from(["", "2026-03-01", "01.02.2026", "13/02/2026", "02/13/2026", "03/04/2026", " 5/6/26 "]),
    "close": st.sampled_from(["", "2026-04-01", "14.02.2026", "02/03/2026", "NULL", "31/12/2026"]),
}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.fixed_dictionaries(CHUNK_CELLS), min_size=1, max_size=40),
    st.lists(st.integers(0, 7), min_size=1, max_size=40),
    st.booleans(),
    st.booleans(),
    st.integers(1, 12),
)
def test_the_full_pass_counts_a_chunk_as_it_counts_row_by_row(cells, short, with_status, with_id, split):
    """``_Counting.chunk`` (column by column, for rows as wide as the header) and ``row`` (any
    row) leave the same counts, examples and first-seen orders, however the rows are chunked."""
    from salespipe.domain.import_plan import Plan
    from salespipe.domain.import_vocabulary import NULL_MARKERS
    from salespipe.services.import_planning import _Collect, _Counting

    names = ["id", "email", "stage", "status", "value", "created", "close"]
    fields = ["external_id", "email", "stage", "status", "value", "created", "close_date"]
    keep = [i for i, name in enumerate(names) if (with_status or name != "status") and (with_id or name != "id")]
    rows = [[row[names[i]] for i in keep] for row in cells]
    for k, cut in enumerate(short):  # some rows end early
        if k < len(rows) and cut < len(keep) and cut % 3 == 0:
            rows[k] = rows[k][:cut]

    def counted(by_chunk: bool) -> tuple:
        plan = Plan(headers=[names[i] for i in keep])
        plan.columns = {fields[i]: n for n, i in enumerate(keep)}
        c = _Collect(plan)
        count = _Counting(c, plan, frozenset(NULL_MARKERS))
        if by_chunk:
            for start in range(0, len(rows), split):
                count.chunk(rows[start : start + split])
        else:
            for row in rows:
                count.row(row)
        evidence = {name: vars(e) for name, e in c.evidence.items()}
        return (
            list(c.missing.items()),
            plan.rows_without_id,
            plan.rows_without_id_or_email,
            list(c.stage_counts.items()),
            list(c.closed_by_status.items()),
            (c.comma, c.dot, c.comma_example, c.dot_example),
            evidence,
        )

    assert counted(True) == counted(False)


def test_a_binary_file_is_refused_by_what_it_is(cli, add_lead, db_path, tmp_path):
    """The database itself, an Excel workbook, a gzip file: not read as cp1252 text (which
    rejected every "row" of the database and took a workbook as 0 rows, exit 0), but refused
    in one line saying what the file is; nothing is written, no rejects file either."""
    import gzip
    import zipfile

    from conftest import dump

    add_lead("Kept")
    workbook = tmp_path / "deals.xlsx"
    with zipfile.ZipFile(workbook, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>" * 500)
    packed = tmp_path / "deals.csv.gz"
    packed.write_bytes(gzip.compress(b"name,email\nAnna,anna@x.de\n"))
    before = dump(db_path)
    for path, words in (
        (db_path, "is an SQLite database"),
        (workbook, "is a ZIP archive (an .xlsx or .ods workbook?)"),
        (packed, "is gzip-compressed"),
    ):
        result = cli("import", str(path), code=1)
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith("Error: ") and words in line and "not CSV" in line
        assert not path.with_name(path.name + ".rejects.csv").exists()
    assert dump(db_path) == before


def test_a_deals_own_owner_wins_over_its_contacts_whichever_comes_first(cli, tmp_path):
    f = write(
        tmp_path / "o.csv",
        "Deal Name,Contact owner,Deal owner,Amount\nRollout,Carla Contact,Dora Deal,1000\nPilot,Carla Contact,Dora Deal,500\n",
    )
    imp(cli, f)
    assert {lead["owner"] for lead in leads(cli).values()} == {"Dora Deal"}
    assert leads(cli)["Rollout"]["fields"] == {"Contact owner": "Carla Contact"}
