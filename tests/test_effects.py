"""Every changing command says what it did (issue 10, item 4): on stderr for a person, and in
--json for scripts. Questions: Ctrl-C is exit 130 with nothing changed; no answer says --yes."""

from __future__ import annotations

import io
import sys

import pytest
import typer
from conftest import dump


def test_lead_add_names_the_tasks_its_rules_created(cli):
    cli("rule", "add", "--on-create", "--task", "research the company", "--due", "+1d")
    result = cli("lead", "add", "Anna", "--value", "5k")
    assert result.stderr.splitlines() == [
        "Added lead #1 Anna (New (identified)).",
        "  Added task #1 'research the company', due 2026-11-27 (a rule).",
    ]
    data = cli.json("lead", "add", "Ben")
    assert [(t["id"], t["text"], t["due_date"]) for t in data["tasks_created"]] == [
        (2, "research the company", "2026-11-27")
    ]


def test_a_stage_move_names_the_task_its_rule_created_and_the_criteria(cli, add_lead):
    lead = add_lead("Anna", "--value", "10000")
    result = cli("propose", str(lead))
    # the default rule: follow up three days after the proposal
    assert result.stderr.splitlines() == [
        "Lead #1 Anna: New (identified) -> Proposal.",
        "  Added task #1 'Follow up on the proposal', due 2026-11-29 (a rule).",
    ]
    other = add_lead("Ben")
    moved = cli.json("qualify", str(other), "--check", "budget", "--check", "need")
    assert moved["criteria_met"] == ["budget", "need"] and moved["from_stage"] == "new"
    assert cli("qualify", str(add_lead("Cora")), "--check", "budget").stderr.splitlines()[1] == "  Meets: budget."


def test_lead_edit_says_what_changed_from_and_to(cli, add_lead):
    lead = add_lead("Anna", "--value", "12000", "--phone", "+49 30 1234", "--tag", "smb")
    result = cli("lead", "edit", str(lead), "--value", "15k", "--tag", "hot", "--clear", "phone")
    assert result.stderr.splitlines() == [
        "Updated lead #1 Anna:",
        "  phone: +49 30 1234 -> (empty)",
        "  value: €12,000 -> €15,000",
        "  tags: smb -> smb, hot",
    ]
    data = cli.json("lead", "edit", str(lead), "--probability", "55")
    assert data["changes"] == [
        {"field": "probability", "from": 10, "to": 55},
        {"field": "probability_override", "from": None, "to": 55},
    ]
    assert data["probability"] == 55 and data["weighted_value"] == 8250
    same = cli("lead", "edit", str(lead), "--value", "15000")
    assert "nothing changed" in same.stderr


def test_the_close_question_names_the_open_tasks(cli, add_lead, monkeypatch):
    from salespipe.cli import moves

    lead = add_lead("Anna")
    cli("task", "add", str(lead), "send the contract", "--due", "friday")
    asked = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("salespipe.cli.common.ask", lambda question: asked.append(question) or True)
    tasks = [
        type("T", (), {"id": 1, "text": "send the contract", "due_date": __import__("datetime").date(2026, 11, 27)})
    ]
    assert moves._ask_about(lead, tasks) is True
    assert asked == ["Lead #1 has 1 open task(s): #1 send the contract (due 2026-11-27). Mark them done too?"]


def _answer(monkeypatch, reader):
    from salespipe.cli.common import ask

    stdin = io.StringIO()
    stdin.readline = reader  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stdin)
    return lambda: ask("Undo it?")


def test_ctrl_c_at_a_question_is_exit_130(monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt

    question = _answer(monkeypatch, interrupted)
    with pytest.raises(typer.Exit) as stopped:
        question()
    assert stopped.value.exit_code == 130 and "interrupted: nothing changed" in capsys.readouterr().err


def test_no_answer_says_to_add_yes(cli, add_lead, db_path):
    add_lead("Anna")
    before = dump(db_path)
    result = cli("undo", input="", code=2)
    assert "add --yes to go ahead without asking" in result.stderr and "Aborted" not in result.stderr
    assert dump(db_path) == before
    assert "Please answer y or n." in cli("undo", input="maybe\nn\n", code=1).stderr
    cli("undo", input="y\n")


def test_an_edit_that_changes_nothing_writes_nothing(cli, add_lead, db_path):
    lead = add_lead("Anna", "--value", "12000", "--tag", "smb", "--close-date", "2026-12-15")
    before = dump(db_path)
    history = cli.json("history")
    for same in (["--value", "12000"], ["--tag", "smb"], ["--close-date", "2026-12-15"], ["--name", "Anna"]):
        assert "nothing changed" in cli("lead", "edit", str(lead), *same).stderr, same
    assert dump(db_path) == before and cli.json("history") == history  # and undo still undoes the add
