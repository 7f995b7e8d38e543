"""lead add / list / show / edit / delete through the CLI."""

import csv
import io
import json


def test_add_and_show(cli, add_lead):
    lead_id = add_lead(
        "Anna Berger",
        "--company",
        "Bergwerk GmbH",
        "--email",
        "anna@bergwerk.de",
        "--phone",
        "+49 89 1234",
        "--source",
        "referral",
        "--value",
        "12.000,50 €",
        "--close-date",
        "end of month",
        "--tag",
        "hot",
        "--tag",
        "smb",
        "--field",
        "agent=Moses",
        "--note",
        "met at fair",
    )
    shown = cli.json("lead", "show", str(lead_id))
    assert shown["title"] == "Anna Berger"
    assert shown["company"] == "Bergwerk GmbH"
    assert shown["value"] == 12000.5 and shown["currency"] == "EUR"
    assert shown["stage"] == "new" and shown["probability"] == 10
    assert shown["weighted_value"] == 1200.05
    assert shown["expected_close"] == "2026-11-30"
    assert shown["tags"] == ["hot", "smb"]
    assert shown["fields"] == {"agent": "Moses"}
    assert shown["created_at"] == "2026-11-26T10:00:00Z"
    assert shown["events"] == [
        {
            "id": 1,
            "lead_id": lead_id,
            "from_stage": None,
            "to_stage": "new",
            "at": "2026-11-26T10:00:00Z",
            "note": "met at fair",
        }
    ]
    text = cli("lead", "show", str(lead_id)).stdout
    assert "#1 Anna Berger" in text and "€12,000.50 at 10%" in text and "created in New (identified)" in text


def test_add_prints_confirmation_on_stderr_only(cli):
    result = cli("lead", "add", "Jonas Wolf")
    assert result.stdout == ""
    assert "Added lead #1 Jonas Wolf (New (identified))." in result.stderr


def test_add_backdated_in_a_later_stage(cli, add_lead):
    lead_id = add_lead("Old deal", "--stage", "proposal", "--at", "2026-10-01", "--value", "5k")
    shown = cli.json("lead", "show", str(lead_id))
    assert shown["stage"] == "proposal"
    assert shown["created_at"] == "2026-10-01T12:00:00Z"


def test_add_rejects_bad_values_naming_them(cli, db_path):
    for args, message in [
        (["--value", "abc"], "invalid amount 'abc'"),
        (["--email", "not-an-email"], "invalid e-mail address 'not-an-email'"),
        (["--close-date", "someday"], "invalid date 'someday'"),
        (["--stage", "nirvana"], "unknown stage 'nirvana'; stages: new, verified"),
        (["--currency", "EURO"], "invalid currency 'EURO'"),
        (["--field", "novalue"], "invalid --field 'novalue'"),
        (["--value", "$5", "--currency", "EUR"], "is in USD but --currency is EUR"),
    ]:
        result = cli("lead", "add", "X", *args, code=1)
        assert result.stderr.startswith("Error: ")
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert cli.json("lead", "list", "--all") == []


def test_usage_errors_exit_2(cli):
    cli("lead", "add", code=2)
    cli("lead", "add", "X", "--probability", "150", code=2)
    cli("lead", "show", "abc", code=2)
    cli("lead", "list", "--won", "--lost", code=2)
    cli("lead", "list", "--sort", "colour", code=2)
    cli("lead", "list", "--json", "--csv", code=2)


def test_unknown_lead_is_a_domain_error(cli):
    result = cli("lead", "show", "42", code=1)
    assert result.stderr == "Error: no lead with id 42 (salespipe lead list --all shows the ids)\n"


def test_list_filters_and_sorts(cli, add_lead):
    a = add_lead("Alpha", "--value", "1000", "--source", "web", "--tag", "hot")
    b = add_lead("Beta", "--value", "5000", "--source", "referral", "--company", "Bergbau AG")
    c = add_lead("Gamma", "--value", "3000", "--source", "web")
    cli("qualify", str(c))
    cli("close", str(b), "--lost", "--reason", "price")

    def ids(*args):
        return [r["id"] for r in cli.json("lead", "list", *args)]

    assert ids() == [c, a]  # open only, furthest stage first
    assert ids("--all", "--sort", "value") == [b, c, a]
    assert ids("--lost") == [b]
    assert ids("--won") == []
    assert ids("--source", "WEB") == [c, a]
    assert ids("--tag", "hot") == [a]
    assert ids("--all", "--search", "bergbau") == [b]
    assert ids("--stage", "qualified") == [c]
    assert ids("--stage", "Qualified") == [c]  # labels work too
    assert ids("--sort", "name", "--limit", "1") == [a]
    assert ids("--sort", "weighted") == [c, a]  # 3000*40% > 1000*10%
    result = cli("lead", "list", "--stage", "nope", code=1)
    assert "unknown stage 'nope'" in result.stderr


def test_list_plain_table_and_csv(cli, add_lead):
    add_lead("Alpha", "--value", "1000", "--company", '=HYPERLINK("x")')
    table = cli("lead", "list").stdout
    assert "\x1b[" not in table and "─" not in table
    lines = table.splitlines()
    assert lines[0].split() == ["ID", "Name", "Company", "Stage", "Value", "Prob", "Weighted", "Close", "Days"]
    assert "€1,000" in lines[1] and "10%" in lines[1]
    rows = list(csv.DictReader(io.StringIO(cli("lead", "list", "--csv").stdout)))
    assert rows[0]["title"] == "Alpha" and rows[0]["value"] == "1000"
    assert rows[0]["company"] == '\'=HYPERLINK("x")'  # neutralised against formula injection


def test_list_csv_tags_and_fields_read_back_as_the_json_has_them(cli, add_lead):
    """`a;b;c` cannot tell the tags ["a;b", "c"] from ["a", "b", "c"], nor `k=v;x=y` the field
    {k: "v;x=y"} from {k: "v", x: "y"}: such a cell is JSON, as the export writes tags."""
    add_lead("Plain", "--tag", "hot", "--tag", "warm", "--field", "agent=Moses", "--field", "region=Nord")
    add_lead("Odd", "--tag", "a;b", "--tag", "c", "--field", "k=v;x=y", "--field", "z=1")
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(cli("lead", "list", "--csv").stdout))}
    assert (rows["Plain"]["tags"], rows["Plain"]["fields"]) == ("hot;warm", "agent=Moses;region=Nord")
    assert json.loads(rows["Odd"]["tags"]) == ["a;b", "c"]
    assert json.loads(rows["Odd"]["fields"]) == {"k": "v;x=y", "z": "1"}


def test_empty_list_says_so_on_stderr(cli):
    result = cli("lead", "list")
    assert result.stdout == "" and "No leads match." in result.stderr
    assert json.loads(cli("lead", "list", "--json").stdout) == []


def test_edit(cli, add_lead):
    lead_id = add_lead("Alpha", "--company", "A", "--tag", "hot", "--field", "agent=Moses", "--probability", "30")
    record = cli.json(
        "lead",
        "edit",
        str(lead_id),
        "--name",
        "Alpha 2",
        "--value",
        "2k",
        "--tag",
        "enterprise",
        "--untag",
        "hot",
        "--field",
        "agent=",
        "--field",
        "product=GTX",
        "--clear",
        "company",
        "--clear",
        "probability",
    )
    assert record["title"] == "Alpha 2"
    assert record["value"] == 2000
    assert record["tags"] == ["enterprise"]
    assert record["fields"] == {"product": "GTX"}
    assert record["company"] is None
    assert record["probability"] == 10 and record["probability_override"] is None
    assert "nothing to change" in cli("lead", "edit", str(lead_id), code=1).stderr
    assert "has no tag 'vip'" in cli("lead", "edit", str(lead_id), "--untag", "vip", code=1).stderr
    assert "cannot clear 'stage'" in cli("lead", "edit", str(lead_id), "--clear", "stage", code=1).stderr


def test_delete_asks_unless_yes(cli, add_lead):
    lead_id = add_lead("Alpha")
    result = cli("lead", "delete", str(lead_id), input="n\n", code=1)
    assert "Delete lead #1 Alpha" in result.stderr
    assert len(cli.json("lead", "list")) == 1
    cli("lead", "delete", str(lead_id), input="y\n")
    assert cli.json("lead", "list") == []
    lead_id = add_lead("Beta")
    cli("lead", "delete", str(lead_id), "--yes")
    assert cli.json("lead", "list", "--all") == []
    cli("lead", "delete", "99", "--yes", code=1)


def test_duplicate_external_id_is_refused(cli, add_lead):
    add_lead("Alpha", "--external-id", "SF-1")
    assert "external id 'SF-1' exists already" in cli("lead", "add", "B", "--external-id", "SF-1", code=1).stderr


def test_csv_writes_true_and_false_as_json_does(cli, add_lead):
    """Python's True/False in a CSV cell; JSON, the spreadsheet export and every CSV reader's
    convention say true/false."""
    add_lead("Alpha", "--value", "1000")
    lead = next(csv.DictReader(io.StringIO(cli("lead", "list", "--csv").stdout)))
    assert lead["created_estimated"] == "false"
    stages = list(csv.DictReader(io.StringIO(cli("stage", "list", "--csv").stdout)))
    assert {s["journey_phase_chosen"] for s in stages} == {"false"}
    cli("stage", "set", "new", "--phase", "interest")
    assert next(csv.DictReader(io.StringIO(cli("stage", "list", "--csv").stdout)))["journey_phase_chosen"] == "true"
    funnel = list(csv.DictReader(io.StringIO(cli("report", "funnel", "--csv").stdout)))
    assert {f["sample_ok"] for f in funnel} | {f["flag"] for f in funnel} == {"false"}
