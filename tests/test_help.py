"""Every command has help with an example; the tree is walked, not listed by hand."""

import subprocess
import sys

import pytest
import typer

from salespipe.cli import app


def walk(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from walk(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_command_has_help_with_an_example(cli):
    commands = list(walk(typer.main.get_command(app)))
    assert len(commands) >= 20
    for path, command in commands:
        assert command.help and "Example:" in command.help and "salespipe " in command.help, path
        result = cli(*path, "--help")
        assert "Example" in result.stdout, path


def test_help_is_in_words_for_people_and_fits_80_columns(cli, monkeypatch):
    """No Python or Click type names (<str>, <int range>, list[str], {name}, 0<=x<=100) and an
    example is never broken inside a word (--dry-\nrun)."""
    import re

    monkeypatch.setenv("COLUMNS", "80")
    paths = [()] + [path for path, _ in walk(typer.main.get_command(app))]
    paths += [(name,) for name, command in typer.main.get_command(app).commands.items() if hasattr(command, "commands")]
    for path in paths:
        text = cli(*path, "--help").stdout
        assert not re.search(r"<\w[\w ]*>|list\[|\{\w+\}|<=x|x<=|x>=|INTEGER|FLOAT", text), (path, text)
        assert all(len(line) <= 80 for line in text.splitlines()), path
        assert not re.search(r"-\n\s*\w", text.split("Options:")[0]), path  # no word split at a hyphen
    assert "[from 0 to 100]" in cli("lead", "add", "--help").stdout
    assert "0 is not in the range from 1 to" in cli("lead", "list", "--limit", "0", code=2).stderr


def test_python_m_salespipe_works():
    result = subprocess.run([sys.executable, "-m", "salespipe", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("salespipe ")


HEAVY = ("pydantic", "rich", "sqlite_utils", "dateutil", "pluggy")
EVERYDAY = (
    [
        "lead",
        "add",
        "Anna Berger",
        "--company",
        "Bergwerk",
        "--email",
        "anna@bergwerk.de",
        "--value",
        "12.500 €",
        "--close-date",
        "2026-12-31",
        "--tag",
        "fair",
        "--field",
        "region=Nord",
        "--probability",
        "40",
    ],
    ["lead", "list"],
    ["lead", "show", "1"],
    ["today"],
    ["--help"],
)


def test_simple_commands_leave_heavy_modules_out(tmp_path):
    """The everyday commands (run as a person runs them: salespipe.cli.main, piped) load none of
    pydantic, Rich, sqlite-utils or dateutil (issue 11: each costs more than the command)."""
    code = (
        "import sys\n"
        "from salespipe.cli import main\n"
        "sys.argv = ['salespipe', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    db = tmp_path / "x.db"
    subprocess.run([sys.executable, "-c", f"from salespipe.store.db import connect; connect({str(db)!r})"], check=True)
    env = {
        "SALESPIPE_DB": str(db),
        "PATH": "/usr/bin:/bin",
        "NO_COLOR": "1",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    for args in EVERYDAY:
        result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout.strip().splitlines()[-1] == "HEAVY=", (args, result.stdout[-300:])
    assert (
        "Anna Berger"
        in subprocess.run([sys.executable, "-c", code, "lead", "list"], capture_output=True, text=True, env=env).stdout
    )


def test_main_builds_only_what_the_command_line_names():
    """What main builds for a command line behaves as the whole tree does (help, errors)."""
    import typer.main
    from click.testing import CliRunner

    from salespipe.cli import build_app, command_path

    assert command_path(["--db", "x.db", "lead", "show", "3"]) == ("lead", "show")
    assert command_path(["report", "--period", "month", "pipeline"]) == ("report", None)  # month: maybe a value
    assert command_path(["--color", "never", "today"]) == ("today", None)
    assert command_path(["leed", "list"]) == (None, None)
    assert command_path(["--help"]) == (None, None)
    # a completion request builds what its complete words name: all of `lead` while the
    # subcommand is being typed
    for line, cword, offered in (
        ("salespipe lead sh", "2", "plain,show"),
        ("salespipe le", "1", "plain,lead"),
        ("salespipe lead list --so", "3", "plain,--sort"),
    ):
        env = {"PATH": "/usr/bin:/bin", "_SALESPIPE_COMPLETE": "bash_complete", "COMP_WORDS": line, "COMP_CWORD": cword}
        answer = subprocess.run(
            [sys.executable, "-c", "from salespipe.cli import main; main()"], env=env, capture_output=True, text=True
        )
        assert answer.returncode == 0 and offered in answer.stdout.splitlines(), (line, answer)

    runner = CliRunner()
    whole = typer.main.get_command(build_app())

    def run(command, args):
        result = runner.invoke(command, args, prog_name="salespipe")
        return result.exit_code, result.stdout, result.stderr

    for args in (
        [],
        ["--help"],
        ["leed", "list"],
        ["--version"],
        ["lead", "--help"],
        ["lead", "list", "--help"],
        ["lead", "nosuch"],
        ["report", "pipeline", "--help"],
        ["task", "add", "--help"],
    ):
        top, sub = command_path(args)
        part = typer.main.get_command(build_app(top, sub, shallow=top is None))
        assert run(part, args) == run(whole, args), args
    shallow = typer.main.get_command(build_app(shallow=True))
    assert shallow.commands["lead"].commands == {} and "show" in whole.commands["lead"].commands


def test_every_group_has_help(cli):
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            assert command.help, name
    assert "Example: salespipe report" in cli("report", "--help").stdout


def test_bare_salespipe_prints_the_help_and_exits_0(cli):
    result = cli()
    assert "The terminal sales pipeline" in result.stdout and "today" in result.stdout


def test_an_option_of_one_value_given_twice_is_a_usage_error(cli, add_lead, db_path):
    """Click keeps the last of `--value 1 --value 2`; salespipe asks instead of dropping one."""
    from conftest import dump

    lead_id = add_lead("Anna", "--value", "1000")
    before = dump(db_path)
    for args in (
        ["lead", "add", "Bert", "--value", "1", "--value", "2"],
        ["lead", "edit", str(lead_id), "--name", "A", "--name", "B"],
        ["target", "set", "1k", "--period", "2026-11", "--period", "2026-12"],
        ["stage", "set", "proposal", "--probability", "50", "--probability", "60"],
        ["--db", str(db_path), "--db", "other.db", "lead", "list"],
        ["lead", "add", "Bert", "--value=1", "--value", "1"],  # the same value twice too: give it once
    ):
        result = cli(*args, code=2)
        assert "given more than once" in result.stderr, args
        assert result.stderr.rstrip().splitlines()[-1].startswith("Error: ")
    assert dump(db_path) == before
    # options that take several values, and flags, may repeat
    cli("lead", "add", "Cora", "--tag", "a", "--tag", "b", "--field", "x=1", "--field", "y=2")
    assert cli.json("lead", "list", "--all", "--all", "--json")[-1]["tags"] == ["a", "b"]


@pytest.mark.parametrize(
    "args",
    [
        ["survey", "1", "--score", "5.5"],
        ["history", "--keep", "many"],
        ["history", "--keep-days", "x"],
        ["org", "edit", "1", "--checkin-days", "monthly"],
        ["customer", "list", "--days", "ninety"],
        ["lead", "list", "--limit", "ten"],
    ],
)
def test_a_number_typed_wrong_is_said_in_words_on_every_option(cli, args):
    """Options without a range said "'5.5' is not a valid int." (a Python type name)."""
    result = cli(*args, code=2)
    assert "is not a valid whole number." in result.stderr and "valid int" not in result.stderr
