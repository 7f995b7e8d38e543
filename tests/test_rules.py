"""Rules: firing once, from the event's time, rolled back with their triggering change."""

from conftest import dump


def tasks(cli):
    return [(t["lead_id"], t["text"], t["due_date"]) for t in cli.json("task", "list", "--all")]


def test_default_rules(cli, add_lead):
    assert [(r["trigger"], r["stage"], r["due"]) for r in cli.json("rule", "list")] == [
        ("enter", "proposal", "+3d"),
        ("enter", "won", "+30d"),
    ]
    lead_id = add_lead("Anna", "--at", "2026-11-15")
    cli("propose", str(lead_id), "--at", "2026-11-20")  # back-dated: due counts from the event
    assert tasks(cli) == [(lead_id, "Follow up on the proposal", "2026-11-23")]
    cli("close", str(lead_id), "--won")
    assert tasks(cli)[-1] == (lead_id, "After-sales check-in: satisfaction, cross- and upselling", "2026-12-26")
    # entering a stage the lead is created in counts as entering it
    other = add_lead("Ben", "--stage", "proposal")
    assert (other, "Follow up on the proposal", "2026-11-29") in tasks(cli)


def test_custom_rules_and_their_errors(cli, add_lead):
    cli("rule", "add", "--on-create", "--task", "research the company", "--due", "+1d")
    cli("rule", "add", "--on-enter", "Negotiation", "--task", "send contract draft", "--due", "+2d")
    lead_id = add_lead("Anna")
    cli("negotiate", str(lead_id))
    assert tasks(cli) == [
        (lead_id, "research the company", "2026-11-27"),
        (lead_id, "send contract draft", "2026-11-28"),
    ]
    assert "exactly one of --on-enter" in cli("rule", "add", "--task", "x", "--due", "+1d", code=2).stderr
    assert (
        "unknown stage 'heaven'"
        in cli("rule", "add", "--on-enter", "heaven", "--task", "x", "--due", "+1d", code=1).stderr
    )
    assert "invalid date 'soon'" in cli("rule", "add", "--on-create", "--task", "x", "--due", "soon", code=1).stderr
    assert "no rule with id 99" in cli("rule", "delete", "99", code=1).stderr


def test_a_refused_change_fires_no_rule(cli, add_lead, db_path):
    lead_id = add_lead("Anna", "--at", "2026-11-20")
    before = dump(db_path)
    cli("propose", str(lead_id), "--at", "2026-11-01", code=1)  # before creation: refused
    assert dump(db_path) == before


def test_stale_rules_fire_once_per_idle_spell(cli, add_lead):
    cli("rule", "add", "--on-stale", "--task", "revive or disqualify", "--due", "+0d")
    stale = add_lead("Old", "--at", "2026-10-01")
    add_lead("Fresh")
    result = cli("today")
    assert "Stale rules added 1 task(s)." in result.stderr
    cli("today")  # no second task for the same idle spell
    assert [t for t in tasks(cli) if t[1] == "revive or disqualify"] == [(stale, "revive or disqualify", "2026-11-26")]
