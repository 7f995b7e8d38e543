"""Imports of real CRM exports nobody here wrote (../shared/datasets; skipped when absent).

Every expected figure is computed here from the CSV with the csv module, independently of
salespipe's own parsing.
"""

import csv
import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import DATASETS, dump

pytestmark = pytest.mark.skipif(not DATASETS.is_dir(), reason="../shared/datasets is absent")
MAVEN = DATASETS / "maven_crm"
MAVEN_STAGES = ["--stage-map", "Prospecting=new", "--stage-map", "Engaging=qualified"]
# never write a rejects file into the shared, read-only datasets folder
REJECTS = ["--rejects", str(Path(tempfile.gettempdir()) / "salespipe-dataset-rejects.csv")]


def maven_expected():
    with open(MAVEN / "sales_pipeline.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    stages = Counter(r["deal_stage"] for r in rows)
    won_value = sum(int(r["close_value"] or 0) for r in rows if r["deal_stage"] == "Won")
    return rows, stages, won_value


@pytest.mark.parametrize("name", ["sales_pipeline.csv", "sales_pipeline_kisaraF_usdates.csv"])
def test_maven_pipeline(cli, name):
    rows, stages, won_value = maven_expected()
    summary = json.loads(cli("import", str(MAVEN / name), *MAVEN_STAGES, *REJECTS, "--json").stdout)
    assert summary["rows"] == len(rows) == 8800
    assert summary["inserted"] == 8800 and summary["rejected"] == 0
    report = cli.json("report", "--period", "all")
    assert report["won"] == {"count": stages["Won"], "value": won_value}
    assert report["lost"]["count"] == stages["Lost"]
    assert report["win_rate"] == round(stages["Won"] / (stages["Won"] + stages["Lost"]), 4)
    by_stage = {s["key"]: s["count"] for s in report["stages"]}
    assert by_stage["new"] == stages["Prospecting"] and by_stage["qualified"] == stages["Engaging"]
    if name.endswith("usdates.csv"):
        assert summary["day_order"] == "monthfirst"
    # a second import of the same file changes nothing
    again = json.loads(cli("import", str(MAVEN / name), *MAVEN_STAGES, *REJECTS, "--json").stdout)
    assert (again["inserted"], again["skipped"]) == (0, 8800)


def test_maven_us_dates_give_the_same_pipeline(cli, tmp_path):
    reports = []
    for name in ("sales_pipeline.csv", "sales_pipeline_kisaraF_usdates.csv"):
        db = str(tmp_path / f"{name}.db")
        cli("--db", db, "import", str(MAVEN / name), *MAVEN_STAGES, *REJECTS, "--quiet")
        reports.append(cli.json("--db", db, "report", "--period", "all"))
        leads = cli.json("--db", db, "lead", "list", "--all", "--search", "1C1I7A6R")
        assert leads[0]["created_at"] == "2016-10-20T12:00:00Z" and leads[0]["closed_at"] == "2017-03-01T12:00:00Z"
    assert reports[0] == reports[1]


def test_sap_semicolons_and_bom(cli):
    path = DATASETS / "sap_datasphere_sales_opportunity" / "MCT_Opportunities.csv"
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    summary = json.loads(
        cli(
            "import",
            str(path),
            "--stage-map",
            "New=new",
            "--stage-map",
            "Upside=qualified",
            "--stage-map",
            "Probable=proposal",
            "--stage-map",
            "Commit=negotiation",
            *REJECTS,
            "--json",
        ).stdout
    )
    assert summary["encoding"] == "utf-8-sig" and summary["delimiter"] == ";"
    assert summary["inserted"] == len(rows) == 31
    statuses = Counter(r["Status"] for r in rows)
    assert cli.json("report", "--period", "all")["won"]["count"] == statuses["Won"]
    first = cli.json("lead", "list", "--all", "--search", rows[0]["OpportunityID"])
    assert first[0]["external_id"] == rows[0]["OpportunityID"]  # the BOM did not eat the first header


def test_salesforce_quoted_export_with_timestamps(cli):
    path = DATASETS / "salesforce_devorg_demo" / "Opportunity.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    stage_map = []
    for stage, key in [
        ("Prospecting", "new"),
        ("Qualification", "verified"),
        ("Needs Analysis", "qualified"),
        ("Value Proposition", "qualified"),
        ("Id. Decision Makers", "qualified"),
        ("Perception Analysis", "qualified"),
        ("Proposal/Price Quote", "proposal"),
        ("Negotiation/Review", "negotiation"),
    ]:
        stage_map += ["--stage-map", f"{stage}={key}"]
    summary = json.loads(cli("import", str(path), *stage_map, *REJECTS, "--json").stdout)
    assert summary["inserted"] == len(rows) == 31 and summary["rejected"] == 0
    won = [r for r in rows if r["StageName"] == "Closed Won"]
    report = cli.json("report", "--period", "all")
    assert report["won"]["count"] == len(won)
    assert report["won"]["value"] == pytest.approx(sum(float(r["Amount"] or 0) for r in won))
    assert report["win_rate"] == 1.0  # no lost deals in this org
    lead = cli.json("lead", "list", "--all", "--search", rows[0]["Id"])[0]
    assert lead["title"] == rows[0]["Name"] and lead["source"] == (rows[0]["LeadSource"] or None)


def test_axelor_keeps_accents_and_non_ascii_email(cli):
    path = DATASETS / "axelor_crm_demo_fr" / "crm_lead.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    # its numeric statusSelect looks like a stage: the import asks, and is told to keep it as a field
    cli("import", str(path), *REJECTS, code=2)
    summary = json.loads(
        cli("import", str(path), "--map", "statusSelect=field:statusSelect", *REJECTS, "--json").stdout
    )
    assert summary["inserted"] == len(rows) == 30
    leads = {l["email"]: l for l in cli.json("lead", "list", "--all")}
    for row in rows:
        lead = leads[row["email"]]
        assert lead["company"] == row["enterpriseName"]
        assert lead["title"] == f"{row['firstName']} {row['name']}"
    assert leads["r.gonçalves@moser-solutions.fr"]["title"] == "Rémy GONÇALVES"
    assert leads["r.gonçalves@moser-solutions.fr"]["fields"]["jobTitle"] == "Acheteur"


def test_maven_report_figures(cli):
    """Mean days engage -> close of won deals, and win rate per sales agent, against the CSV."""
    from datetime import date
    from statistics import fmean, median

    rows, stages, _ = maven_expected()
    cli("import", str(MAVEN / "sales_pipeline.csv"), *MAVEN_STAGES, *REJECTS, "--quiet")
    won_days = [
        (date.fromisoformat(r["close_date"]) - date.fromisoformat(r["engage_date"])).days
        for r in rows
        if r["deal_stage"] == "Won"
    ]
    cycle = cli.json("report", "cycle", "--period", "all")["sales_cycle_days"]
    assert cycle == {"mean": round(fmean(won_days), 1), "median": round(median(won_days), 1)}
    agents = {}
    for r in rows:
        a = agents.setdefault(r["sales_agent"], {"won": 0, "lost": 0, "value": 0})
        if r["deal_stage"] == "Won":
            a["won"] += 1
            a["value"] += int(r["close_value"])
        elif r["deal_stage"] == "Lost":
            a["lost"] += 1
    groups = {g["group"]: g for g in cli.json("report", "breakdown", "--by", "owner", "--period", "all")["groups"]}
    assert set(groups) == set(agents)
    for name, a in agents.items():
        assert groups[name]["won"] == a["won"] and groups[name]["lost"] == a["lost"]
        assert groups[name]["win_rate"] == round(a["won"] / (a["won"] + a["lost"]), 4)
        assert groups[name]["won_value"] == a["value"]


NO_FLAG_FILES = [
    ("maven_crm/sales_pipeline.csv", "refused"),
    ("maven_crm/sales_pipeline_kisaraF_usdates.csv", "refused"),
    ("sap_datasphere_sales_opportunity/MCT_Opportunities.csv", "refused"),
    ("salesforce_devorg_demo/Opportunity.csv", "imported"),
    ("axelor_crm_demo_fr/crm_lead.csv", "refused"),
    ("axelor_crm_demo_fr/crm_opportunity.csv", "refused"),
]


@pytest.mark.parametrize(("name", "outcome"), NO_FLAG_FILES)
def test_no_flags_right_or_refused_before_writing(cli, db_path, name, outcome):
    """With no flags each dataset imports right or is refused with nothing written; a second
    import changes nothing."""
    cli("stage", "list")
    before = dump(db_path)
    result = cli("import", str(DATASETS / name), *REJECTS, "--json", code=2 if outcome == "refused" else 0)
    summary = json.loads(result.stdout)
    if outcome == "refused":
        assert summary["refused"] and summary["questions"] and summary["inserted"] == 0
        assert all(q["flag"] for q in summary["questions"])
        assert dump(db_path) == before
        return
    assert summary["rejected"] == 0 and summary["inserted"] == summary["rows"]
    after = dump(db_path)
    again = json.loads(cli("import", str(DATASETS / name), *REJECTS, "--json").stdout)
    assert again["inserted"] == 0 and again["skipped"] == summary["rows"]
    journal = ('INSERT INTO "changes"', 'INSERT INTO "undo_log"')
    assert [l for l in dump(db_path) if not l.startswith(journal)] == [l for l in after if not l.startswith(journal)]


def test_maven_refusal_names_engaging_and_its_fix(cli):
    result = cli("import", str(MAVEN / "sales_pipeline.csv"), *REJECTS, code=2)
    assert "stage value 'Engaging' (1589 rows) names no stage of this pipeline" in result.stderr
    assert "--stage-map 'Engaging=" in result.stderr and "Nothing imported" in result.stderr
    assert "Prospecting" not in result.stderr.split("Nothing imported")[1]  # a known Salesforce stage


def test_maven_us_dates_prove_month_first(cli):
    plan = json.loads(
        cli("import", str(MAVEN / "sales_pipeline_kisaraF_usdates.csv"), *MAVEN_STAGES, "--dry-run", "--json").stdout
    )["plan"]
    orders = {d["column"]: (d["order"], d["evidence"]) for d in plan["dates"]}
    assert orders["engage_date"][0] == "monthfirst" and "prove month-first" in orders["engage_date"][1]


def test_maven_backtest_actuals_and_brier(cli):
    """The backtest's monthly actuals against the CSV's won deals per close month; the learned
    probabilities' Brier score beside the configured ones'; lost deals' 0 values are said."""
    rows, _, _ = maven_expected()
    won: dict[str, list[int]] = {}
    for r in rows:
        if r["deal_stage"] == "Won":
            won.setdefault(r["close_date"][:7], []).append(int(r["close_value"]))
    months = sorted(won)
    cli("import", str(MAVEN / "sales_pipeline.csv"), *MAVEN_STAGES, *REJECTS, "--quiet")
    r = cli.json("forecast", "backtest", "--from", f"{months[0]}-01", "--to", f"{months[-1]}-01", "--runs", "200")
    assert [p["label"] for p in r["periods"]] == months
    for p in r["periods"]:
        assert p["actual"] == {"count": len(won[p["label"]]), "value": sum(won[p["label"]]), "without_value": 0}
    brier = r["brier"]
    assert brier["deals"] > 0 and 0 <= brier["learned"] <= 1 and 0 <= brier["configured"] <= 1
    assert brier["learned"] < brier["configured"]  # the history teaches something
    assert r["values_known_at_close"]["deals"] > 0 and "known only at their close" in r["values_known_at_close"]["note"]
    assert set(r["count"]) == {"mape", "bias", "coverage"}
    text = " ".join(cli("forecast", "backtest", "--from", f"{months[0]}-01", "--to", f"{months[-1]}-01").stdout.split())
    assert f"{brier['configured']:.3f} configured, {brier['learned']:.3f} learned" in text
    assert "seem known only at the close" in text
