"""Shaping the pipeline: stage commands and presets."""


def keys(cli):
    return [s["key"] for s in cli.json("stage", "list")]


def test_default_pipeline_is_the_six_phases(cli):
    stages = cli.json("stage", "list")
    assert [(s["key"], s["probability"], s["kind"]) for s in stages] == [
        ("new", 10, "open"),
        ("verified", 20, "open"),
        ("qualified", 40, "open"),
        ("proposal", 60, "open"),
        ("negotiation", 80, "open"),
        ("won", 100, "won"),
        ("lost", 0, "lost"),
    ]
    header = cli("stage", "list", "--csv").stdout.splitlines()[0]
    assert (
        header
        == "key,label,position,probability,kind,rotting_days,forecast_category,journey_phase,journey_phase_chosen"
    )


def test_add_rename_set_move_remove(cli):
    cli("stage", "add", "demo", "--label", "Demo given", "--probability", "50", "--after", "qualified")
    assert keys(cli) == ["new", "verified", "qualified", "demo", "proposal", "negotiation", "won", "lost"]
    cli("stage", "add", "pilot", "--probability", "70")  # open stages go before the closed ones
    assert keys(cli)[-3:] == ["pilot", "won", "lost"]
    cli("stage", "rename", "proposal", "Offer sent")
    cli("stage", "set", "negotiation", "--probability", "75", "--rotting-days", "10")
    stages = {s["key"]: s for s in cli.json("stage", "list")}
    assert stages["proposal"]["label"] == "Offer sent"
    assert stages["negotiation"]["probability"] == 75 and stages["negotiation"]["rotting_days"] == 10
    cli("stage", "move", "verified", "1")
    assert keys(cli)[:2] == ["verified", "new"]
    assert [s["position"] for s in cli.json("stage", "list")] == list(range(1, 10))
    cli("stage", "remove", "pilot")
    assert "pilot" not in keys(cli)


def test_stage_errors(cli, add_lead):
    add_lead("Anna")
    assert "stage 'new' holds 1 lead(s); move them first" in cli("stage", "remove", "new", code=1).stderr
    assert "the pipeline's only won stage" in cli("stage", "remove", "won", code=1).stderr
    assert "stage 'new' exists already" in cli("stage", "add", "new", code=1).stderr
    assert "invalid position 12" in cli("stage", "move", "new", "12", code=1).stderr
    assert "unknown stage 'x'" in cli("stage", "rename", "x", "Y", code=1).stderr
    assert "nothing to change" in cli("stage", "set", "new", code=1).stderr
    assert "invalid stage key 'Bad Key'" in cli("stage", "add", "Bad Key", code=1).stderr
    cli("stage", "add", "x", "--kind", "maybe", code=2)


def test_new_stage_holds_deals(cli, add_lead):
    cli("stage", "add", "demo", "--probability", "50", "--after", "qualified")
    lead_id = add_lead("Anna", "--value", "1000")
    assert cli.json("move", str(lead_id), "demo")["weighted_value"] == 500


def test_init_presets(cli, add_lead):
    cli("init", "--preset", "seven-step", "--lang", "de", "--currency", "CHF")
    stages = cli.json("stage", "list")
    assert [s["key"] for s in stages] == ["lead", "nurturing", "mql", "sal", "sql", "won", "lost"]
    assert stages[0]["label"] == "Lead-Generierung"
    assert cli.json("lead", "add", "Anna", "--value", "100")["currency"] == "CHF"
    assert "holds 1 lead(s) already" in cli("init", code=1).stderr
    assert "unknown preset 'ten-step'" in cli("--db", "other.db", "init", "--preset", "ten-step", code=1).stderr


def test_a_closed_stage_has_its_outcome_as_probability_and_never_rots(cli, db_path):
    """A closed deal's probability is its outcome (won 100, lost 0) whatever its stage says, and
    it never goes stale: a closed stage refuses another probability or rotting days rather than
    store a figure nothing uses (the stage list showed "Closed won 6%")."""
    from conftest import dump

    before = dump(db_path)
    for args, said in (
        (["stage", "set", "won", "--probability", "6"], "a won stage's probability is 100%"),
        (["stage", "set", "lost", "--probability", "50"], "a lost stage's probability is 0%"),
        (["stage", "set", "lost", "--rotting-days", "5"], "closed deals do not go stale"),
        (["stage", "add", "signed", "--kind", "won", "--probability", "50"], "a won stage's probability is 100%"),
        (["stage", "add", "gone", "--kind", "lost", "--rotting-days", "3"], "closed deals do not go stale"),
    ):
        assert said in cli(*args, code=1).stderr, args
    assert dump(db_path) == before
    # without --probability a closed stage takes its outcome, an open one 50; the outcome itself is fine
    cli("stage", "add", "signed", "--kind", "won")
    cli("stage", "add", "gone", "--kind", "lost", "--probability", "0")
    cli("stage", "add", "demo")
    stages = {s["key"]: s["probability"] for s in cli.json("stage", "list")}
    assert (stages["signed"], stages["gone"], stages["demo"]) == (100, 0, 50)
    message = cli("stage", "set", "won", "--label", "Signed", "--probability", "100").stderr
    assert "Stage 'won': Signed, 100%." in message and "stale" not in message
