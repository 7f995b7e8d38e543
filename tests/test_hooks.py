"""Hooks get the event as JSON; one that fails or hangs is reported and changes nothing."""

import json
import stat

import pytest


def flat(text):
    """Messages wrap at the terminal's width: compare them as one line."""
    return " ".join(text.split())


@pytest.fixture
def hooks(tmp_path, monkeypatch):
    folder = tmp_path / "hooks"
    folder.mkdir()
    monkeypatch.setenv("SALESPIPE_HOOKS_DIR", str(folder))
    monkeypatch.setenv("SALESPIPE_HOOK_TIMEOUT", "1")

    def install(name, body):
        path = folder / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        return path

    return install


def test_hooks_receive_the_event(cli, hooks, tmp_path):
    out = tmp_path / "events.jsonl"
    hooks("on-add", f"cat >> {out}; echo >> {out}\n")
    hooks("on-stage-change", f"cat >> {out}; echo >> {out}\n")
    lead_id = cli.json("lead", "add", "Anna", "--value", "5k")["id"]
    cli("propose", str(lead_id))
    events = [json.loads(line) for line in out.read_text().splitlines() if line]
    assert [e["event"] for e in events] == ["on-add", "on-stage-change"]
    assert events[0]["lead"]["title"] == "Anna" and events[0]["lead"]["value"] == 5000
    assert (events[1]["from_stage"], events[1]["to_stage"]) == ("new", "proposal")


def test_a_failing_hook_is_reported_and_the_change_stands(cli, hooks):
    hooks("on-add", "echo 'mail server down' >&2; exit 3\n")
    result = cli("lead", "add", "Anna")
    assert "Warning: hook on-add exited 3: mail server down" in result.stderr
    assert [l["title"] for l in cli.json("lead", "list")] == ["Anna"]


def test_a_hanging_hook_is_stopped(cli, hooks):
    hooks("on-stage-change", "sleep 10\n")
    lead_id = cli.json("lead", "add", "Anna")["id"]
    result = cli("verify", str(lead_id))
    assert "Warning: hook on-stage-change did not finish within 1 s and was stopped" in result.stderr
    assert cli.json("lead", "show", str(lead_id))["stage"] == "verified"


def test_task_due_hook_and_a_non_executable_hook(cli, hooks, tmp_path):
    out = tmp_path / "due.jsonl"
    hooks("on-task-due", f"cat >> {out}; echo >> {out}\n")
    lead_id = cli.json("lead", "add", "Anna")["id"]
    cli("task", "add", str(lead_id), "call back", "--due", "today")
    cli("today")
    assert json.loads(out.read_text().splitlines()[0])["task"]["text"] == "call back"
    path = hooks("on-add", "exit 0\n")
    path.chmod(0o644)
    assert "is not executable" in flat(cli("lead", "add", "Ben").stderr)


def test_a_hook_others_could_write_is_skipped(cli, hooks, tmp_path):
    out = tmp_path / "ran"
    path = hooks("on-add", f"touch {out}\n")
    path.chmod(0o777)
    result = cli("lead", "add", "Anna")
    assert "was skipped: it is writable by group or others" in flat(result.stderr) and not out.exists()
    path.chmod(0o700)
    path.parent.chmod(0o777)
    assert "its folder is writable by group or others" in flat(cli("lead", "add", "Ben").stderr)
    path.parent.chmod(0o700)
    cli("lead", "add", "Cleo")
    assert out.exists()


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "0", "-1", "soon"])
def test_a_bad_hook_timeout_is_a_usage_error_before_any_change(cli, db_path, monkeypatch, value):
    from conftest import dump

    monkeypatch.setenv("SALESPIPE_HOOK_TIMEOUT", value)
    before = dump(db_path)
    result = cli("lead", "add", "Anna", code=2)
    assert "is not a time limit" in result.stderr
    assert dump(db_path) == before
