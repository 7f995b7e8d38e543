"""Hostile and careless use (issue #9): outputs never over the database or an input, other
applications' SQLite files untouched, nothing created by a command that only reads, private
files and folders."""

import csv
import io
import json
import os
import sqlite3
import stat

import pytest
from conftest import dump


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
@pytest.mark.parametrize(
    "command",
    [
        ["report", "--html"],
        ["report", "--svg"],
        ["task", "export", "--ics"],
        ["export", "--out"],
    ],
)
def test_no_output_overwrites_the_database(cli, db_path, add_lead, command, suffix):
    add_lead("Anna", "--value", "100")
    target = db_path.with_name(db_path.name + suffix)
    target.touch()
    before, raw = dump(db_path), db_path.read_bytes()
    result = cli("--db", str(db_path), *command, str(target), code=1)
    assert "refusing to write" in result.stderr
    assert dump(db_path) == before and db_path.read_bytes() == raw


@pytest.mark.parametrize(
    "command",
    [["report", "--html", "-"], ["task", "export", "--ics", "-"], ["export", "--out", "-"], ["backup", "-"]],
)
def test_a_dash_is_no_output_file(cli, db_path, add_lead, tmp_path, monkeypatch, command):
    """Other tools read "-" as standard output; here it would have been a file named "-"."""
    add_lead("Anna", "--value", "100")
    monkeypatch.chdir(tmp_path)
    result = cli(*command, code=1)
    assert result.stderr.strip().endswith(
        "an output path of '-' would be a file named '-'; for standard output give /dev/stdout"
    )
    assert not (tmp_path / "-").exists()


def test_an_output_under_another_name_is_still_the_database(cli, db_path, tmp_path, add_lead):
    add_lead("Anna")
    link = tmp_path / "alias.html"
    os.symlink(db_path, link)
    assert "refusing to write" in cli("report", "--html", str(link), code=1).stderr
    assert cli.json("lead", "list")[0]["title"] == "Anna"


def test_outputs_are_written_whole_and_private(cli, tmp_path, add_lead):
    add_lead("Anna", "--value", "100")
    for command, name in (
        (["report", "--html"], "r.html"),
        (["report", "--svg"], "r.svg"),
        (["task", "export", "--ics"], "t.ics"),
        (["export", "--out"], "x.csv"),
    ):
        path = tmp_path / name
        cli(*command, str(path))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # a failing write leaves the old file as it was
    old = tmp_path / "x.csv"
    before = old.read_bytes()
    if os.path.exists("/dev/full"):
        assert "cannot write" in cli("export", "--out", "/dev/full", code=1).stderr
    assert old.read_bytes() == before


def test_another_applications_sqlite_file_is_left_untouched(cli, tmp_path):
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('mine')")
    conn.commit()
    conn.close()
    raw = other.read_bytes()
    for command in (["lead", "list"], ["lead", "add", "X"], ["import", "/dev/null"]):
        result = cli("--db", str(other), *command, code=1)
        assert "an SQLite file of another application (tables: notes)" in result.stderr
    assert other.read_bytes() == raw
    assert not (tmp_path / "other.sqlite-wal").exists()


def test_a_read_only_command_creates_no_database(cli, tmp_path):
    missing = tmp_path / "dmeo.db"
    result = cli("--db", str(missing), "lead", "list", code=1)
    assert "there is no salespipe database at" in result.stderr
    assert not missing.exists()
    f = tmp_path / "l.csv"
    f.write_text("name,stage\nA,Engaging\nB,Engaging\n")
    cli("--db", str(missing), "import", str(f), "--dry-run", code=2)
    cli("--db", str(missing), "import", str(f), code=2)
    assert not missing.exists()
    assert "needs a path to a database file" in cli("--db", "", "lead", "list", code=2).stderr


def test_the_data_folder_is_private(cli, tmp_path):
    old = os.umask(0)
    try:
        cli("--db", str(tmp_path / "new" / "deep" / "p.db"), "lead", "add", "Anna")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "deep").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "deep" / "p.db").stat().st_mode) == 0o600


def test_undo_runs_no_sql_from_the_database(cli, db_path, tmp_path, add_lead):
    """A received database with planted undo data: undo refuses it and writes nothing anywhere."""
    add_lead("Anna")
    conn = sqlite3.connect(db_path)
    change = conn.execute(
        "INSERT INTO changes (command, at) VALUES ('salespipe lead add X', '2026-11-26T09:00:00Z')"
    ).lastrowid
    for table, op in (("sqlite_master", "delete"), ("leads; ATTACH DATABASE 'x' AS p", "insert")):
        conn.execute("DELETE FROM undo_log WHERE change_id = ?", (change,))
        conn.execute("INSERT INTO undo_log (change_id, tbl, op, row_id) VALUES (?, ?, ?, 1)", (change, table, op))
        conn.commit()
        before = dump(db_path)
        result = cli("undo", "--yes", code=1)
        assert "nothing was undone" in result.stderr
        assert dump(db_path) == before
    # a column the table does not have
    conn.execute("DELETE FROM undo_log WHERE change_id = ?", (change,))
    entry = conn.execute(
        "INSERT INTO undo_log (change_id, tbl, op, row_id) VALUES (?, 'leads', 'update', 1)", (change,)
    ).lastrowid
    conn.execute("INSERT INTO undo_values (entry_id, col, value) VALUES (?, 'title = 1; --', 'x')", (entry,))
    conn.commit()
    conn.close()
    before = dump(db_path)
    assert "columns that leads does not have" in cli("undo", "--yes", code=1).stderr
    assert dump(db_path) == before
    assert not list(tmp_path.glob("x*"))


def test_undo_restores_values_with_nul_bytes_exactly(cli, db_path, add_lead):
    lead_id = add_lead("Anna\x00Berger")
    cli("lead", "edit", str(lead_id), "--name", "Plain")
    cli("undo", "--yes")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT title FROM leads WHERE id = ?", (lead_id,)).fetchone()[0] == "Anna\x00Berger"
    conn.close()


HOSTILE = "x\x1b]52;c;aGk=\x07 \x1b[2J\r\x08\x9b1m [/red] [link=http://evil]y[/link] \u202etxt"


def _no_raw_controls(text):
    return not any(c in text for c in ("\x1b]", "\x1b[2J", "\x07", "\r", "\x08", "\x9b", "\u202e"))


def test_data_never_reaches_the_terminal_unescaped(cli, add_lead, monkeypatch):
    lead_id = add_lead(HOSTILE, "--company", HOSTILE, "--tag", "t\x1b[31m", "--field", f"f={HOSTILE}")
    cli("log", str(lead_id), "--call", HOSTILE)
    cli("task", "add", str(lead_id), HOSTILE, "--due", "tomorrow")
    for command in (
        ["lead", "list"],
        ["lead", "show", str(lead_id)],
        ["today"],
        ["report"],
        ["report", "breakdown", "--by", "f"],
        ["task", "list"],
        ["history"],
        ["why", str(lead_id)],
        ["journey"],
        ["org", "list"],
        ["person", "list"],
    ):
        result = cli(*command)
        assert _no_raw_controls(result.stdout + result.stderr), command
    refused = cli("report", "breakdown", "--by", HOSTILE, code=1)  # no such field: said, escaped
    assert "no deal has a field" in refused.stderr and _no_raw_controls(refused.stderr)
    assert "\\x1b]52;c;aGk=" in cli("lead", "show", str(lead_id)).stdout
    # JSON stays exact
    assert cli.json("lead", "show", str(lead_id))["title"] == HOSTILE.strip()


def test_markup_in_data_is_text_on_a_terminal(cli, add_lead, monkeypatch):
    add_lead("[/red] [blink]boom[/blink]\x1b]8;;http://evil\x07x", "--company", "[link=http://evil]Acme[/link]")
    monkeypatch.delenv("NO_COLOR")
    for command in (("lead", "list"), ("lead", "show", "1"), ("report", "pipeline")):
        text = cli("--color", "always", *command).stdout
        assert "\x1b[" in text  # in colour, as on a terminal
        if command[1] == "show":
            assert "[/red] [blink]boom[/blink]" in text and "[link=http://evil]Acme[/link]" in text
            assert "\\x1b]8;;http://evil\\x07x" in text  # the escape shown, not acted on
        assert "\x1b]8;" not in text and "\x1b[5m" not in text  # no link, no blink


def test_csv_export_quotes_bare_cr_and_round_trips_what_was_typed(cli, tmp_path, db_path, add_lead):
    lead_id = add_lead(
        "'=kept apostrophe",
        "--company",
        "a\rb=HYPERLINK(1)",
        "--tag",
        "x;y",
        "--tag",
        "p|q",
        "--field",
        "note=  two leading spaces",
    )
    out = tmp_path / "x.csv"
    cli("export", "--out", str(out))
    raw = out.read_bytes()
    assert b'"a\rb=HYPERLINK(1)"' in raw  # quoted: a CR-splitting reader keeps it in its cell
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    other = tmp_path / "other.db"
    cli("--db", str(other), "import", str(out))
    original = cli.json("lead", "show", str(lead_id))
    copy = cli.json("--db", str(other), "lead", "list", "--all")[0]
    for key in ("title", "company", "tags", "fields"):
        assert copy[key] == original[key], key
    assert copy["fields"]["note"] == "  two leading spaces"


def test_the_rejects_file_neutralises_formulas(cli, tmp_path):
    f = tmp_path / "l.csv"
    f.write_text("name,amount,email\n" + "".join(f"=cmd|' /C calc'!A{i},oops,@x{i}\n" for i in range(12)))
    cli("import", str(f), "--accept-partial", code=1)
    import csv as csv_module

    with open(tmp_path / "l.csv.rejects.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv_module.reader(fh))[1:]
    assert len(rows) == 12
    assert all(cell[:1] not in ("=", "+", "-", "@") for row in rows for cell in row)


def test_first_use_is_safe_when_processes_race(tmp_path):
    """Four processes creating and writing one new database at once: every command succeeds."""
    import subprocess
    import sys

    db = tmp_path / "race.db"
    loop = (
        f'for i in 1 2 3 4 5 6 7 8; do "{sys.executable}" -m salespipe --db "{db}" lead add "P$1-$i" '
        '|| echo "FAILED P$1-$i" >&2; done'
    )
    env = {k: v for k, v in os.environ.items() if k != "SALESPIPE_DB"}
    procs = [
        subprocess.Popen(
            ["bash", "-c", loop, "race", str(p)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for p in range(4)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert not any("FAILED" in e for e in errors), errors
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] == 32
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_side_file_of_the_database_is_not_a_database(cli, db_path, add_lead):
    add_lead("Anna")
    before = dump(db_path)
    for side in ("-wal", "-shm"):
        result = cli("--db", f"{db_path}{side}", "demo", code=1)
        assert "give --db the database file itself" in result.stderr
    assert dump(db_path) == before


def test_a_writer_waits_for_another_and_says_so(cli, db_path, tmp_path, add_lead):
    import threading
    import time

    add_lead("Anna")
    f = tmp_path / "l.csv"
    f.write_text("name\nBen\n")
    held = threading.Event()

    def hold():
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(3)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    try:
        result = cli("import", str(f))
        added = cli("lead", "add", "Cleo")
    finally:
        thread.join()
    assert "Waiting for another salespipe command to finish" in result.stderr
    assert "Added lead" in added.stderr
    assert {l["title"] for l in cli.json("lead", "list")} == {"Anna", "Ben", "Cleo"}


def test_opening_a_new_file_another_salespipe_is_creating_waits_and_says_so(cli, tmp_path):
    """The first command on a new file holds its lock while it commits the schema (before the
    file is in WAL mode, readers are shut out): another command opening the file meanwhile
    waits, past its usual 2 s, and says so, instead of failing with "database is locked"."""
    import threading
    import time

    db = tmp_path / "new.db"
    db.touch(mode=0o600)
    held = threading.Event()

    def create():
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("CREATE TABLE being_made (x)")
        held.set()
        time.sleep(2.5)
        conn.execute("ROLLBACK")  # as if the schema were written: the file is free and still new
        conn.close()

    thread = threading.Thread(target=create)
    thread.start()
    held.wait()
    try:
        result = cli("--db", str(db), "lead", "add", "Anna")
    finally:
        thread.join()
    assert "Waiting for another salespipe command to finish" in result.stderr
    assert [lead["title"] for lead in cli.json("--db", str(db), "lead", "list")] == ["Anna"]


def test_a_question_without_an_answer_says_to_use_yes(cli, db_path, add_lead):
    lead_id = add_lead("Anna")
    before = dump(db_path)
    for command in (["undo"], ["lead", "delete", str(lead_id)]):
        result = cli(*command, input="", code=2)
        assert "add --yes to go ahead without asking" in result.stderr
        assert dump(db_path) == before


def test_views_without_a_table_header_escape_data_too(cli, add_lead):
    """why's heading, org show, person show and the priority views print data outside a table."""
    lead_id = add_lead(HOSTILE, "--company", HOSTILE, "--contact", HOSTILE, "--value", "1000")
    cli("task", "add", str(lead_id), HOSTILE, "--due", "2026-11-01")
    for command in (
        ["why", str(lead_id)],
        ["org", "show", "1"],
        ["person", "show", "1"],
        ["lead", "list", "--sort", "priority"],
        ["priority", "show"],
        ["today"],
    ):
        result = cli(*command)
        assert _no_raw_controls(result.stdout + result.stderr), command
    assert "\\x1b]52;c;aGk=" in cli("why", str(lead_id)).stdout


def test_an_empty_db_path_is_a_usage_error(cli):
    for value in ("", "  "):
        result = cli("--db", value, "lead", "list", code=2)
        assert "Invalid value for --db: needs a path to a database file" in result.stderr


@pytest.mark.parametrize(
    "raised, said",
    [
        ("attempt to write a readonly database", "the database cannot be written (the file, or the folder it is in"),
        ("database or disk is full", "the disk is full: nothing changed"),
    ],
)
def test_sqlite_failures_are_said_in_plain_words(cli, db_path, add_lead, monkeypatch, raised, said):
    """A read-only file or a full disk (which a test cannot make as root) reach the person as a
    plain line, and the transaction leaves the database as it was."""
    from salespipe.services import deals

    add_lead("Anna")
    before = dump(db_path)

    def fails(*args, **kwargs):
        raise sqlite3.OperationalError(raised)

    monkeypatch.setattr(deals, "add_deal", fails)
    result = cli("lead", "add", "Berta", code=1)
    assert result.stderr.startswith(f"Error: {said}") and "sqlite" not in result.stderr.lower()
    assert dump(db_path) == before


def test_json_writes_terminal_controls_as_escapes_and_reads_back_the_same(cli, add_lead, tmp_path):
    """JSON escapes C0 controls by itself; DEL, C1 controls (CSI as one character) and the bidi
    overrides are written as \\u escapes too, so `--json` on a terminal acts on none of them and a
    JSON reader still gets the exact text."""
    lead_id = add_lead(HOSTILE, "--company", "a\x7fb\u202ec", "--tag", "t\u2066x")
    for command in (
        ["lead", "show", str(lead_id), "--json"],
        ["lead", "list", "--json"],
        ["export", "--format", "json"],
    ):
        out = cli(*command).stdout
        assert _no_raw_controls(out) and "\x7f" not in out and "\u2066" not in out, command
        assert "\\u202e" in out and "\\u009b" in out and "\\u007f" in out
    record = cli.json("lead", "show", str(lead_id))
    assert (record["title"], record["company"], record["tags"]) == (HOSTILE.strip(), "a\x7fb\u202ec", ["t\u2066x"])
    export = json.loads(cli("export", "--format", "jsonl").stdout.splitlines()[0])
    assert export["title"] == HOSTILE.strip()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_csv_on_a_terminal_shows_controls_and_piped_keeps_them_exact():
    """CSV keeps data exact for the program that reads it; on a terminal a person reads it, and
    an escape sequence in a cell (an OSC 52 clipboard write, a colour, a CR) is shown, not acted on."""
    from salespipe.render.output import write_csv

    rows = [{"title": HOSTILE, "n": 3}]
    piped = io.StringIO()
    write_csv(piped, ("title", "n"), rows)
    assert list(csv.reader(io.StringIO(piped.getvalue(), newline="")))[1] == [HOSTILE, "3"]
    shown = _Tty()
    write_csv(shown, ("title", "n"), rows)
    assert _no_raw_controls(shown.getvalue().replace("\r\n", "\n"))
    assert "\\x1b]52;c;aGk=\\x07" in shown.getvalue() and shown.getvalue().endswith(",3\r\n")


def test_lead_list_csv_on_a_terminal_is_escaped(tmp_path, db_path):
    """The same through the command, on a real pseudo-terminal."""
    import os
    import pty
    import subprocess
    import sys

    env = {**os.environ, "SALESPIPE_PAGER": ""}
    subprocess.run(
        [sys.executable, "-m", "salespipe", "lead", "add", HOSTILE], env=env, check=True, capture_output=True
    )
    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "salespipe", "lead", "list", "--csv"], env=env, stdout=follower, stderr=subprocess.PIPE
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    text = b"".join(chunks).decode()
    assert done.returncode == 0 and "title" in text
    assert "\x1b]52" not in text and "\\x1b]52;c;aGk=" in text


def test_invisible_characters_are_shown_so_alike_names_can_be_told_apart(cli, add_lead):
    """A zero-width space, word joiner, BOM or line separator shows nothing on a terminal: two
    organisations, "ACME" and "AC\\u200bME", looked the same. They are written out; the joiners
    that emoji sequences and scripts need (U+200C, U+200D) stay."""
    add_lead("Deal one", "--company", "ACME")
    add_lead("Deal two", "--company", "AC\u200bME")
    add_lead("Deal three", "--company", "W\u2060J\ufeff\u2028Co", "--contact", "👩\u200d💻 Dev")
    orgs = cli("org", "list").stdout
    assert "AC\\u200bME" in orgs and "W\\u2060J\\ufeff\\u2028Co" in orgs
    assert not any(c in orgs for c in "\u200b\u2060\ufeff\u2028")
    assert "👩\u200d💻 Dev" in cli("lead", "show", "3").stdout
    assert cli.json("lead", "show", "2")["company"] == "AC\u200bME"  # the data is kept as typed


def test_a_db_path_that_is_no_file_is_refused_in_words(cli, tmp_path):
    """/dev/null said "database error: disk I/O error"; a named pipe "cannot open database ...:
    disk I/O error"."""
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    for path in ("/dev/null", str(pipe)):
        for command in (["lead", "list"], ["lead", "add", "Anna"]):
            result = cli("--db", path, *command, code=1)
            assert result.stderr == f"Error: database path {path!r} is not a file (a device, a pipe or a socket)\n"


def test_a_db_path_ending_in_a_slash_names_a_folder_not_a_new_file(cli, tmp_path, monkeypatch):
    """`--db newdir/` made a database file named `newdir`: a path ending in / is a folder."""
    result = cli("--db", "newdir/", "lead", "add", "Anna", code=2)
    assert "Invalid value for --db: 'newdir/' ends in /, a folder: give a file in it, such as newdir/salespipe.db" in (
        " ".join(result.stderr.split())
    )
    monkeypatch.setenv("SALESPIPE_DB", str(tmp_path / "other") + "/")
    result = cli("lead", "add", "Anna", code=1)
    assert "ends in /, a folder: give a file in it" in result.stderr
    assert not (tmp_path / "newdir").exists() and not (tmp_path / "other").exists()


@pytest.mark.parametrize(
    ("command", "hint"),
    [
        (["export", "--out", "reports/"], "'--out'"),
        (["report", "--html", "reports/"], "'--html'"),
        (["report", "--svg", "reports/"], "'--svg'"),
        (["backup", "reports/"], "'FILE'"),
        (["task", "export", "--ics", "reports/"], "'--ics'"),
        (["import", "leads.csv", "--rejects", "reports/"], "'--rejects'"),
        (["import", "leads.csv", "--save-mapping", "reports/"], "'--save-mapping'"),
        (["import", "reports/"], "'FILE'"),
        (["restore", "reports/"], "'FILE'"),
    ],
)
def test_a_file_path_ending_in_a_slash_is_a_folder_not_a_file_of_its_name(
    cli, db_path, add_lead, tmp_path, monkeypatch, command, hint
):
    """Click's path type drops a trailing slash: `export --out reports/` wrote a file named
    `reports`. Every path option and argument refuses it, exit 2, and writes nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leads.csv").write_text("name\nBen\n")
    add_lead("Anna")
    before = dump(db_path)
    result = cli(*command, code=2)
    said = " ".join(result.stderr.split())
    assert f"Invalid value for {hint}: 'reports/' ends in /, a folder: give a file in it, such as reports/" in said
    assert not (tmp_path / "reports").exists()
    assert dump(db_path) == before


def test_folder_words_says_why_only_for_a_path_ending_in_a_separator():
    from salespipe.domain.paths import folder_words

    assert folder_words("out/", "a.csv") == "'out/' ends in /, a folder: give a file in it, such as out/a.csv"
    assert folder_words("~/x//") == "'~/x//' ends in /, a folder: give a file in it, such as ~/x/FILE"
    for text in ("out", "out/a.csv", "/", "//", "", "./a"):
        assert folder_words(text) is None, text
