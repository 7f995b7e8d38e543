"""Activities (log) and tasks, on the lead card, in staleness, and when a deal closes."""

import time
from datetime import UTC

from conftest import dump


def test_log_activities_and_the_timeline(cli, add_lead):
    lead_id = add_lead("Anna", "--at", "2026-11-01")
    cli("log", str(lead_id), "--call", "talked budget", "--at", "2026-11-03 10:00")
    record = cli.json("log", str(lead_id), "--email", "sent brochure")
    assert record == {
        "id": 2,
        "lead_id": lead_id,
        "kind": "email",
        "text": "sent brochure",
        "at": "2026-11-26T10:00:00Z",
    }
    shown = cli.json("lead", "show", str(lead_id))
    assert [(a["kind"], a["text"]) for a in shown["activities"]] == [
        ("call", "talked budget"),
        ("email", "sent brochure"),
    ]
    text = cli("lead", "show", str(lead_id)).stdout
    assert text.index("sent brochure") < text.index("talked budget") < text.index("created in New (identified)")
    assert "Next step none: salespipe task add 1 TEXT --due DATE" in " ".join(text.split())
    assert "exactly one of --call" in cli("log", str(lead_id), code=2).stderr
    assert "exactly one of --call" in cli("log", str(lead_id), "--call", "a", "--note", "b", code=2).stderr
    assert "no lead with id 9" in cli("log", "9", "--note", "x", code=1).stderr
    assert "in the future" in cli("log", str(lead_id), "--note", "x", "--at", "2026-12-01 10:00", code=1).stderr


def test_a_day_after_today_is_no_time_to_log_a_touch(cli, add_lead, db_path):
    """A day without a time that has not come yet was taken as now, silently (the call logged
    today and the deal fresh); it is refused like a future time. Today without a time is now."""
    lead_id = add_lead("Anna", "--at", "2026-11-01")
    before = dump(db_path)
    for day in ("2026-11-27", "2030-01-01", "tomorrow"):
        assert "in the future" in cli("log", str(lead_id), "--call", "x", "--at", day, code=1).stderr, day
    assert dump(db_path) == before
    # today (noon, later than now at 10:00) is recorded as now, as before
    assert cli.json("log", str(lead_id), "--call", "x", "--at", "2026-11-26")["at"] == "2026-11-26T10:00:00Z"


def test_activity_keeps_a_deal_fresh(cli, add_lead):
    lead_id = add_lead("Anna", "--at", "2026-10-01")
    assert cli.json("report", "stale")["stale_count"] == 1  # 56 days in "new", rots after 14
    cli("log", str(lead_id), "--meeting", "demo given", "--at", "2026-11-20")
    assert cli.json("report", "stale")["stale_count"] == 0
    # as of 1 November it was stale: the meeting came later
    assert cli.json("report", "stale", "--as-of", "2026-11-01")["stale_count"] == 1


def test_tasks(cli, add_lead):
    lead_id = add_lead("Anna")
    other = add_lead("Ben")
    first = cli.json("task", "add", str(lead_id), "send offer", "--due", "friday")
    assert (first["id"], first["due_date"], first["due_time"], first["overdue"]) == (1, "2026-11-27", None, False)
    cli("task", "add", str(other), "call back", "--due", "2026-11-20")  # overdue
    cli("task", "add", str(lead_id), "prepare demo", "--due", "2026-12-10 14:30")
    assert [t["text"] for t in cli.json("task", "list")] == ["call back", "send offer", "prepare demo"]
    assert [t["text"] for t in cli.json("task", "list", "--overdue")] == ["call back"]
    assert [t["text"] for t in cli.json("task", "list", "--today")] == ["call back"]
    assert [t["text"] for t in cli.json("task", "list", "--week")] == ["call back", "send offer"]
    shown = cli.json("lead", "show", str(lead_id))
    assert shown["next_step"]["text"] == "send offer"
    assert "Next step send offer (task #1, due 2026-11-27)" in " ".join(
        cli("lead", "show", str(lead_id)).stdout.split()
    )
    cli("task", "snooze", "2", "--until", "next monday")
    assert cli.json("task", "list", "--overdue") == []
    assert "in the past" in cli("task", "snooze", "2", "--until", "2026-11-01", code=1).stderr
    edited = cli.json("task", "edit", "3", "--text", "prepare the demo", "--due", "2026-12-11 09:00")
    assert (edited["text"], edited["due_date"], edited["due_time"]) == ("prepare the demo", "2026-12-11", "09:00")
    done = cli.json("task", "done", "1", "--note", "sent by e-mail")
    assert done["done_at"] == "2026-11-26T10:00:00Z" and done["done_note"] == "sent by e-mail"
    assert "done already" in cli("task", "done", "1", code=1).stderr
    assert cli.json("lead", "show", str(lead_id))["next_step"]["text"] == "prepare the demo"
    assert len(cli.json("task", "list", "--all")) == 3
    plain = cli("task", "list").stdout.splitlines()
    assert plain[0].split() == ["ID", "Due", "Lead", "Task", "Status"]
    cli("task", "delete", "3")
    assert "no task with id 3" in cli("task", "done", "3", code=1).stderr
    assert cli("task", "list", "--csv").stdout.splitlines()[0].startswith("id,lead_id,lead_title")
    assert "nothing to change" in cli("task", "edit", "2", code=1).stderr
    cli("task", "add", str(lead_id), "x", code=2)  # --due is required


def test_closing_a_deal_and_its_open_tasks(cli, add_lead, db_path):
    lead_id = add_lead("Anna")
    cli("task", "add", str(lead_id), "follow up", "--due", "friday")
    # not on a terminal and without --yes: the tasks stay open, and the command says so
    result = cli("close", str(lead_id), "--won")
    # it says what it did: the rule's task, and the task it left open
    assert result.stderr.splitlines() == [
        "Lead #1 Anna: New (identified) -> Closed won.",
        "  Added task #2 'After-sales check-in: satisfaction, cross- and upselling', due 2026-12-26 (a rule).",
        "  Still open: #1 follow up (close --yes marks them done; salespipe task done ID).",
    ]
    assert cli.json("task", "list")[0]["done_at"] is None
    other = add_lead("Ben")
    cli("task", "add", str(other), "call", "--due", "friday")
    moved = cli.json("disqualify", str(other), "--reason", "no budget", "--yes")
    assert [t["text"] for t in moved["tasks_closed"]] == ["call"] and moved["tasks_closed"][0]["done_at"]
    assert moved["tasks_created"] == [] and moved["tasks_left_open"] == [] and moved["from_stage"] == "new"
    # left: Anna's follow-up, and the after-sales check-in the default rule added when she was won
    assert [(t["lead_id"], t["text"]) for t in cli.json("task", "list")] == [
        (lead_id, "follow up"),
        (lead_id, "After-sales check-in: satisfaction, cross- and upselling"),
    ]
    # a refused close changes nothing, tasks included
    before = dump(db_path)
    cli("close", str(other), "--won", "--yes", code=1)
    assert dump(db_path) == before


def test_deleting_a_lead_deletes_its_activities_and_tasks(cli, add_lead):
    lead_id = add_lead("Anna")
    cli("log", str(lead_id), "--note", "x")
    cli("task", "add", str(lead_id), "y", "--due", "friday")
    cli("lead", "delete", str(lead_id), "--yes")
    assert cli.json("task", "list", "--all") == []


def test_qualification_criteria(cli, add_lead, db_path):
    lead_id = add_lead("Anna")
    record = cli.json("qualify", str(lead_id), "--check", "budget", "--check", "Need")
    assert record["stage"] == "qualified"
    assert cli.json("lead", "show", str(lead_id))["qualification"] == {
        "budget": True,
        "authority": False,
        "need": True,
        "timeline": False,
    }
    # already qualified: --check only records
    assert cli.json("qualify", str(lead_id), "--check", "timeline")["criteria_met"] == ["budget", "need", "timeline"]
    # only what a deal meets is recorded: the others are "not recorded", never "no"
    assert "Qualification budget, need, timeline met; authority not recorded" in " ".join(
        cli("lead", "show", str(lead_id)).stdout.split()
    )
    other = add_lead("Ben")
    before = dump(db_path)
    assert (
        "unknown criterion 'money'; criteria: budget, authority, need, timeline"
        in cli("qualify", str(other), "--check", "money", code=1).stderr
    )
    cli("close", str(other), "--lost")
    before = dump(db_path)
    cli("qualify", str(other), "--check", "budget", code=1)  # closed: the check is not kept either
    assert dump(db_path) == before


def test_tasks_to_icalendar(cli, add_lead, tmp_path):
    from icalendar import Calendar

    lead_id = add_lead("Anna")
    cli("task", "add", str(lead_id), "send offer", "--due", "friday")
    cli("task", "add", str(lead_id), "call CFO", "--due", "2026-11-30 14:30")
    cli("task", "add", str(lead_id), "old", "--due", "friday")
    cli("task", "done", "3")
    path = tmp_path / "tasks.ics"
    assert "Wrote 2 open task(s)" in cli("task", "export", "--ics", str(path)).stderr
    events = [c for c in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    got = {str(e["uid"]): (str(e["summary"]), e.decoded("dtstart")) for e in events}
    assert got["task-1@salespipe"] == ("send offer (Anna)", __import__("datetime").date(2026, 11, 27))
    summary, start = got["task-2@salespipe"]
    assert summary == "call CFO (Anna)" and (start.hour, start.minute) == (14, 30)
    assert "cannot write" in cli("task", "export", "--ics", str(tmp_path / "no" / "x.ics"), code=1).stderr


def test_own_qualification_criteria(cli, add_lead):
    assert cli.json("criteria", "show") == ["budget", "authority", "need", "timeline"]
    lead_id = add_lead("Anna")
    cli("qualify", str(lead_id), "--check", "budget", "--check", "need")
    cli("criteria", "set", "budget", "Champion")
    assert cli.json("lead", "show", str(lead_id))["qualification"] == {"budget": True, "champion": False}
    assert "invalid criterion 'a b'" in cli("criteria", "set", "a b", code=1).stderr
    text = " ".join(cli("lead", "show", str(lead_id)).stdout.split())
    assert "Stage Qualified [qualified], 0 day(s) in stage Value" in text  # the days once


def _ics_with_tz(cli, add_lead, tmp_path, monkeypatch, tz: str) -> str:
    import time

    monkeypatch.setenv("TZ", tz)
    time.tzset()
    lead_id = add_lead("Anna")
    cli("task", "add", str(lead_id), "summer", "--due", "2027-07-10 09:00")
    cli("task", "add", str(lead_id), "winter", "--due", "2027-01-15 09:00")
    cli("task", "add", str(lead_id), "all day", "--due", "2027-07-11")
    path = tmp_path / f"{len(tz)}.ics"
    cli("task", "export", "--ics", str(path))
    return path.read_text(encoding="utf-8").replace("\r\n ", "")  # unfolded


def test_icalendar_tasks_carry_the_iana_zone_and_its_rules(cli, add_lead, tmp_path, monkeypatch):
    """9:00 in Berlin is 9:00 in summer and winter, with the zone's data in the file: never a
    fixed CET offset in July."""
    from datetime import datetime

    from icalendar import Calendar

    text = _ics_with_tz(cli, add_lead, tmp_path, monkeypatch, "Europe/Berlin")
    assert "DTSTART;TZID=Europe/Berlin:20270710T090000" in text
    assert "DTSTART;TZID=Europe/Berlin:20270115T090000" in text
    assert "TZID=CET" not in text and "DTSTART;VALUE=DATE:20270711" in text
    assert text.count("BEGIN:VTIMEZONE") == 1 and "TZID:Europe/Berlin" in text
    assert "TZOFFSETTO:+0200" in text and "TZNAME:CEST" in text
    # what a calendar reads: 07:00 UTC in July (CEST), 08:00 UTC in January (CET)
    starts = {str(e["summary"]): e.decoded("dtstart") for e in Calendar.from_ical(text).walk("VEVENT")}
    assert starts["summer (Anna)"].astimezone(UTC) == datetime(2027, 7, 10, 7, tzinfo=UTC)
    assert starts["winter (Anna)"].astimezone(UTC) == datetime(2027, 1, 15, 8, tzinfo=UTC)


def test_icalendar_tasks_in_utc_when_the_zone_has_no_name(cli, add_lead, tmp_path, monkeypatch):
    """A POSIX rule names no IANA zone: times are written in UTC, each with its date's offset."""
    text = _ics_with_tz(cli, add_lead, tmp_path, monkeypatch, "CET-1CEST,M3.5.0,M10.5.0/3")
    assert "DTSTART:20270710T070000Z" in text and "DTEND:20270710T073000Z" in text
    assert "DTSTART:20270115T080000Z" in text
    assert "TZID" not in text and "VTIMEZONE" not in text


def test_the_system_zone_is_known_only_when_it_agrees(monkeypatch):
    import time
    from datetime import datetime

    from salespipe.services.clock import local_zone

    moment = datetime(2027, 7, 10, 7, tzinfo=UTC)
    for tz, expected in (
        ("Europe/Berlin", "Europe/Berlin"),
        (":America/New_York", "America/New_York"),
        ("/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"),
        ("UTC", "UTC"),
        ("CET-1CEST,M3.5.0,M10.5.0/3", None),
        ("Nowhere/Atlantis", None),
    ):
        monkeypatch.setenv("TZ", tz)
        time.tzset()
        zone = local_zone(moment.astimezone())
        assert (zone.key if zone else None) == expected, tz


def test_snooze_moves_a_task_later_never_earlier(cli, add_lead, db_path):
    """`task snooze` moves a due date later; an earlier day was taken and said as "Snoozed"."""
    lead_id = add_lead("Anna")
    task = cli.json("task", "add", str(lead_id), "call", "--due", "2026-12-10")["id"]
    before = dump(db_path)
    refused = cli("task", "snooze", str(task), "--until", "2026-12-01", code=1).stderr
    assert "is due 2026-12-10" in refused and f"task edit {task} --due" in refused
    assert dump(db_path) == before
    assert cli.json("task", "snooze", str(task), "--until", "2026-12-12")["due_date"] == "2026-12-12"
    # an overdue task snoozes to any day from today
    late = cli.json("task", "add", str(lead_id), "late", "--due", "2026-11-01")["id"]
    assert cli.json("task", "snooze", str(late), "--until", "2026-11-26")["due_date"] == "2026-11-26"


def test_dates_beyond_the_calendar_are_refused_before_anything_is_stored(cli, add_lead, db_path, monkeypatch):
    """A moment in year 1 east of UTC, or a task on 31 December 9999, made `log` fail with an
    OverflowError and `task export --ics` with a ValueError ("a bug")."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    lead_id = add_lead("Anna")
    before = dump(db_path)
    for command in (
        ["log", str(lead_id), "--note", "old", "--at", "0001-01-01 00:30"],
        ["task", "add", str(lead_id), "far", "--due", "9999-12-31"],
        ["lead", "edit", str(lead_id), "--close-date", "9999-12-31"],
        ["nurture", str(lead_id), "--until", "9999-12-31"],
    ):
        result = cli(*command, code=1)
        assert "give a date from 1900 to 9998" in result.stderr and "a bug" not in result.stderr, command
    assert dump(db_path) == before
    cli("task", "add", str(lead_id), "far", "--due", "9998-12-31 23:30")
    cli("task", "export", "--ics", "tasks.ics")
