"""salespipe today, why, priority and lead list --sort priority, on a hand-checked fixture."""

import pytest


@pytest.fixture
def deals(cli, add_lead):
    """Now is 2026-11-26 10:00 UTC. The biggest weighted value in the pipeline is B's 30,000.
    The default rules are removed so that only the tasks below exist."""
    cli("rule", "delete", "1")
    cli("rule", "delete", "2")
    a = add_lead("A", "--value", "10000")  # new 10% -> 1,000 weighted, no task
    b = add_lead("B", "--value", "50000", "--stage", "proposal", "--at", "2026-11-20")  # 60% -> 30,000
    cli("task", "add", str(b), "send contract", "--due", "tomorrow")
    c = add_lead(
        "C", "--value", "20000", "--stage", "qualified", "--at", "2026-10-01", "--close-date", "yesterday"
    )  # 40% -> 8,000
    cli("task", "add", str(c), "call back", "--due", "2026-11-20")  # overdue
    return a, b, c


def test_priority_scores_and_ranking(cli, deals):
    a, b, c = deals
    # Every deal: no BANT criterion met yet, 1 x -2 = -2.
    # A: value 1,000/30,000 = 0.033 x 4 = 0.13; no next step 1.5            -> -0.37
    # B: value 1 x 4 = 4; idle 5.92 days / (2 x 14) = 0.211 x 3 = 0.63      -> 2.63
    # C: value 0.267 x 4 = 1.07; idle 56 days, capped 1 x 3 = 3; closing past 1 x 2 = 2;
    #    overdue task 1 x 3 = 3                                             -> 7.07
    scores = {d: cli.json("why", str(d))["priority"] for d in deals}
    assert scores == {a: -0.37, b: 2.63, c: 7.07}
    explained = cli.json("why", str(c))
    assert explained["rank"] == 1 and explained["open_deals"] == 3
    assert {t["term"]: t["contribution"] for t in explained["terms"]} == {
        "value": 1.07,
        "idle": 3.0,
        "closing": 2.0,
        "overdue_task": 3.0,
        "no_next_step": 0.0,
        "unqualified": -2.0,
    }
    assert [l["id"] for l in cli.json("lead", "list", "--sort", "priority")] == [c, b, a]
    text = cli("why", str(c)).stdout
    assert "#3 C: priority 7.07, rank 1 of 3 open deals" in text and "has an overdue task" in text
    # qualifying A with two of the four criteria: it moves to qualified (40%: 4,000 weighted,
    # 0.133 x 4 = 0.53), no next step 1.5, and half the penalty (0.5 x -2 = -1) -> 1.03
    cli("qualify", str(a), "--check", "budget", "--check", "need")
    assert cli.json("why", str(a))["priority"] == 1.03


def test_today(cli, deals, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    a, b, c = deals
    t = cli.json("today")
    assert t["date"] == "2026-11-26"
    assert [x["text"] for x in t["overdue_tasks"]] == ["call back"]
    assert t["due_today"] == []
    assert [d["id"] for d in t["no_next_step"]] == [a]
    assert [d["id"] for d in t["stale"]] == [c]
    assert [d["id"] for d in t["closing"]] == [c]
    assert [d["id"] for d in t["work_first"]] == [c, b, a]
    text = cli("today").stdout
    lines = text.splitlines()
    # the tasks due, then each deal once, by priority, with what it needs
    assert lines[lines.index("Overdue tasks (1)") + 1].split() == ["#2", "2026-11-20", "call", "back", "#3", "C"]
    assert "Due today" not in text
    deals_at = lines.index("Deals to work first (3 of 3, by priority)")
    assert [line.split()[0] for line in lines[deals_at + 2 : deals_at + 5]] == [f"#{c}", f"#{b}", f"#{a}"]
    assert lines[deals_at + 2].endswith("stale, late (was 11-25)")
    assert lines[deals_at + 3].endswith("–") and lines[deals_at + 4].endswith("no next step")
    assert max(len(line) for line in lines) <= 80


def test_priority_weights(cli, deals):
    a, b, c = deals
    cli("priority", "set", "value", "20")
    assert cli.json("priority", "show")["value"] == 20.0
    assert [l["id"] for l in cli.json("lead", "list", "--sort", "priority")] == [b, c, a]
    assert "unknown term 'luck'" in cli("priority", "set", "luck", "1", code=1).stderr
    assert "invalid weight 'lots'" in cli("priority", "set", "value", "lots", code=1).stderr
    cli("close", str(a), "--won")
    assert "only open deals have a priority" in cli("why", str(a), code=1).stderr


def test_today_on_a_database_that_cannot_be_written_shows_the_agenda(cli, add_lead, db_path, monkeypatch):
    """A read-only file (a copy on a read-only mount, a synced file): the agenda is still shown,
    and the stale rules, which would add tasks, are said not to have run (it failed whole)."""
    from conftest import dump

    from salespipe.store import db

    stale = add_lead("Old", "--value", "1000", "--at", "2026-10-01")
    opened = db.connect

    def read_only(*args, **kwargs):  # every write fails as on a read-only file
        conn = opened(*args, **kwargs)
        conn.execute("PRAGMA query_only = ON")
        return conn

    monkeypatch.setattr(db, "connect", read_only)
    result = cli("today")
    assert "Old" in result.stdout and result.stderr == ""  # no stale rule: nothing is missing
    monkeypatch.setattr(db, "connect", opened)
    cli("rule", "add", "--on-stale", "--task", "revive or disqualify", "--due", "+0d")
    before = dump(db_path)
    monkeypatch.setattr(db, "connect", read_only)
    result = cli("today")
    assert "Old" in result.stdout
    assert " ".join(result.stderr.split()) == (
        "Warning: the database cannot be written (the file, or the folder it is in, is read-only): the stale "
        "rules did not run, so the tasks they would add are missing below"
    )
    data = cli.json("today")
    assert [d["id"] for d in data["stale"]] == [stale] and data["due_today"] == []
    assert dump(db_path) == before
    monkeypatch.setattr(db, "connect", opened)
    # once it can be written, the rule fires, and its task is due today
    assert [t["text"] for t in cli.json("today")["due_today"]] == ["revive or disqualify"]


def test_scores_in_a_column_have_the_same_decimals(cli, add_lead):
    """A figures column: 3.5 beside 0.17 read as 3.5 / 0.17, not aligned by the point."""
    cli("rule", "delete", "1")
    cli("rule", "delete", "2")
    add_lead("A", "--value", "6000")  # value 1 x 4 + no next step 1.5 - unqualified 2 = 3.5
    add_lead("B", "--value", "3000")  # 0.5 x 4 + 1.5 - 2 = 1.5
    add_lead("C", "--value", "1000")  # 0.167 x 4 + 1.5 - 2 = 0.17
    today = cli("today").stdout
    assert [line.split()[-4] for line in today.splitlines() if line.startswith(("#", " #"))][:3] == [
        "3.50",
        "1.50",
        "0.17",
    ]
    listed = cli("lead", "list", "--sort", "priority").stdout.splitlines()[1:]
    assert [line.split()[1] for line in listed] == ["3.50", "1.50", "0.17"]
