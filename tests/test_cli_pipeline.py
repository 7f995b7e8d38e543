"""Stage verbs and the rules of moving a deal through the pipeline."""


def stages_of(cli, lead_id):
    return [(e["from_stage"], e["to_stage"]) for e in cli.json("lead", "show", str(lead_id))["events"]]


def test_walk_a_lead_to_won(cli, add_lead):
    lead_id = add_lead("Anna", "--value", "12k", "--at", "2026-11-02")
    cli("verify", str(lead_id), "--at", "2026-11-03")
    cli("qualify", str(lead_id), "--at", "2026-11-05", "--note", "BANT ok")
    cli("propose", str(lead_id), "--value", "14.500", "--at", "2026-11-10")
    cli("negotiate", str(lead_id), "--at", "2026-11-20")
    record = cli.json("close", str(lead_id), "--won", "--value", "13.800")
    assert record["stage"] == "won" and record["value"] == 13800
    assert record["closed_at"] == "2026-11-26T10:00:00Z"
    assert stages_of(cli, lead_id) == [
        (None, "new"),
        ("new", "verified"),
        ("verified", "qualified"),
        ("qualified", "proposal"),
        ("proposal", "negotiation"),
        ("negotiation", "won"),
    ]
    report = cli.json("report")
    assert report["won"] == {"count": 1, "value": 13800}
    assert report["win_rate"] == 1.0


def test_closed_deal_cannot_move_until_reopened(cli, add_lead):
    lead_id = add_lead("Anna")
    cli("close", str(lead_id), "--lost", "--reason", "price")
    for args in (["verify", str(lead_id)], ["close", str(lead_id), "--won"], ["move", str(lead_id), "qualified"]):
        result = cli(*args, code=1)
        assert f"lead #{lead_id} is closed (lost); reopen it first: salespipe reopen {lead_id}" in result.stderr
    record = cli.json("reopen", str(lead_id))
    assert record["stage"] == "new" and record["closed_at"] is None and record["lost_reason"] is None
    assert "only closed deals can be reopened" in cli("reopen", str(lead_id), code=1).stderr


def test_disqualify_needs_and_keeps_a_reason(cli, add_lead):
    lead_id = add_lead("Anna")
    cli("disqualify", str(lead_id), code=2)
    record = cli.json("disqualify", str(lead_id), "--reason", "no budget")
    assert record["stage"] == "lost" and record["lost_reason"] == "no budget"


def test_close_needs_won_or_lost(cli, add_lead):
    lead_id = add_lead("Anna")
    assert "--won or --lost" in cli("close", str(lead_id), code=2).stderr
    cli("close", str(lead_id), "--won", "--reason", "x", code=2)


def test_at_cannot_precede_previous_event(cli, add_lead):
    lead_id = add_lead("Anna", "--at", "2026-11-10 09:00")
    result = cli("verify", str(lead_id), "--at", "2026-11-09", code=1)
    assert "is before lead #1's previous stage change" in result.stderr
    # a date-only --at on the same day as the previous change is taken as "then", not rejected
    record = cli.json("verify", str(lead_id), "--at", "2026-11-10")
    assert record["stage_entered_at"] == "2026-11-10T12:00:00Z"
    assert "in the future" in cli("qualify", str(lead_id), "--at", "2026-12-01 10:00", code=1).stderr


def test_backwards_moves_are_allowed_and_recorded(cli, add_lead):
    lead_id = add_lead("Anna")
    cli("propose", str(lead_id))
    record = cli.json("move", str(lead_id), "qualified", "--note", "new decision maker")
    assert record["backwards"] is True and record["from_stage"] == "proposal"
    assert "(backwards)" in cli("move", str(lead_id), "new").stderr
    assert stages_of(cli, lead_id)[-2:] == [("proposal", "qualified"), ("qualified", "new")]


def test_move_errors_name_the_choices(cli, add_lead):
    lead_id = add_lead("Anna")
    result = cli("move", str(lead_id), "heaven", code=1)
    assert result.stderr == (
        "Error: unknown stage 'heaven'; stages: new, verified, qualified, proposal, negotiation, won, lost\n"
    )
    assert "already in stage 'new'" in cli("move", str(lead_id), "new", code=1).stderr
    assert "no lead with id 77" in cli("verify", "77", code=1).stderr


def test_move_into_lost_stage_with_reason(cli, add_lead):
    lead_id = add_lead("Anna")
    record = cli.json("move", str(lead_id), "lost", "--reason", "chose competitor")
    assert record["lost_reason"] == "chose competitor" and record["closed_at"]
    assert "--reason is for closing" in cli("move", str(add_lead("B")), "verified", "--reason", "x", code=1).stderr


def test_reopen_returns_to_stage_closed_from(cli, add_lead):
    lead_id = add_lead("Anna")
    cli("negotiate", str(lead_id))
    cli("close", str(lead_id), "--won")
    assert cli.json("reopen", str(lead_id), "--note", "contract cancelled")["stage"] == "negotiation"


def test_verbs_on_a_pipeline_without_their_stage(cli, add_lead):
    cli("init", "--preset", "hubspot")
    lead_id = add_lead("Anna")
    result = cli("verify", str(lead_id), code=1)
    assert "this pipeline has no stage 'verified' for 'verify'; use: salespipe move ID STAGE" in result.stderr
    assert cli.json("move", str(lead_id), "contract")["probability"] == 90
