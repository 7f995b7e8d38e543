"""What the user typed is what is stored (issue #9, integrity)."""

from conftest import dump


def test_editing_a_value_keeps_the_deals_currency(cli, add_lead):
    usd = add_lead("Deal", "--value", "100", "--currency", "USD")
    chf = add_lead("Other", "--value", "100", "--currency", "CHF")
    assert cli.json("lead", "edit", str(usd), "--value", "200")["currency"] == "USD"
    assert cli.json("lead", "edit", str(chf), "--value", "300")["value"] == 300
    assert cli.json("lead", "show", str(chf))["currency"] == "CHF"
    assert cli.json("lead", "edit", str(usd), "--value", "€50")["currency"] == "EUR"  # named: taken


def test_future_stage_changes_and_conflicting_flags_are_refused(cli, db_path, add_lead):
    lead_id = add_lead("Anna")
    before = dump(db_path)
    assert "is in the future" in cli("close", str(lead_id), "--won", "--at", "2030-01-01", code=1).stderr
    assert "is in the future" in cli("propose", str(lead_id), "--at", "tomorrow 9:00", code=1).stderr
    assert "one of them" in cli("close", str(lead_id), "--won", "--lost", code=2).stderr
    assert dump(db_path) == before
    cli("close", str(lead_id), "--won", "--at", "today")
    cli("reopen", str(lead_id))


def test_a_closed_deal_weighs_its_outcome(cli, add_lead):
    won = add_lead("Won", "--value", "1000", "--probability", "30")
    lost = add_lead("Lost", "--value", "1000", "--probability", "90")
    cli("close", str(won), "--won")
    cli("close", str(lost), "--lost")
    got = {l["title"]: l for l in cli.json("lead", "list", "--all")}
    assert (got["Won"]["probability"], got["Won"]["weighted_value"]) == (100, 1000)
    assert (got["Lost"]["probability"], got["Lost"]["weighted_value"]) == (0, 0)
    assert cli.json("lead", "show", str(won))["weighted_value"] == 1000


def test_stage_verbs_never_move_a_deal_back_by_accident(cli, db_path, add_lead):
    lead_id = add_lead("Anna")
    cli("negotiate", str(lead_id))
    before = dump(db_path)
    result = cli("qualify", str(lead_id), code=1)
    assert "would move it back" in result.stderr and f"salespipe move {lead_id} qualified" in result.stderr
    assert "would move it back" in cli("verify", str(lead_id), code=1).stderr
    assert dump(db_path) == before
    # --check on a deal past qualification records the criteria, and the deal stays
    cli("qualify", str(lead_id), "--check", "budget")
    show = cli.json("lead", "show", str(lead_id))
    assert show["stage"] == "negotiation" and show["qualification"]["budget"] is True
    # an explicit --back (or move) goes back, recorded as backwards
    assert cli.json("propose", str(lead_id), "--back")["backwards"] is True


def test_the_timeline_shows_changes_at_one_moment_newest_first(cli, add_lead):
    lead_id = add_lead("Anna", "--at", "2026-11-20 10:00")
    cli("propose", str(lead_id), "--at", "2026-11-21 09:00")
    cli("negotiate", str(lead_id), "--at", "2026-11-21 09:00")
    lines = [l for l in cli("lead", "show", str(lead_id)).stdout.splitlines() if "->" in l]
    assert "Proposal -> Negotiation" in lines[0] and "New (identified) -> Proposal" in lines[1]


def test_adding_a_lead_an_open_one_repeats_warns_and_names_it(cli, db_path, add_lead):
    first = add_lead("Jörg Example", "--email", "jörg@x.de")
    result = cli("lead", "add", "Someone", "--email", "JÖRG@x.de")
    assert (
        f"Warning: open lead #{first} Jörg Example (New (identified)) has the same e-mail; added anyway"
        in result.stderr
    )
    add_lead("Rollout", "--company", "Acme GmbH")
    before = dump(db_path)
    skipped = cli.json("lead", "add", "rollout", "--company", "ACME gmbh", "--on-duplicate", "skip")
    assert skipped["added"] is False and skipped["title"] == "Rollout"
    assert (
        "has the same name and company; nothing added"
        in cli("lead", "add", "Rollout", "--company", "Acme GmbH", "--on-duplicate", "fail", code=1).stderr
    )
    assert dump(db_path) == before


def test_errors_are_in_words_not_library_jargon(cli, add_lead):
    assert "invalid title '': it is empty" in cli("lead", "add", "", code=1).stderr
    result = cli("verify", "abc", code=2)
    assert "'abc' is not an id: give a number such as 12" in result.stderr
    assert "Input should be" not in result.stderr
    lead_id = add_lead("Anna")
    assert cli.json("verify", f"#{lead_id}")["stage"] == "verified"
    assert cli.json("lead", "add", "Bert", "--value", "€ 12.000,-")["value"] == 12000
