"""Every command has help with an example; the tree is walked, not listed by hand."""

import subprocess
import sys

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


def test_simple_commands_leave_heavy_modules_out(tmp_path):
    """lead add and lead list (piped) must not pay for rich, sqlite-utils or dateutil."""
    code = (
        "import sys\n"
        "from salespipe.cli import app\n"
        "for args in (['lead', 'add', 'X', '--value', '12k', '--close-date', '2026-12-01'], ['lead', 'list']):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit as e:\n"
        "        assert e.code == 0, e.code\n"
        "heavy = [m for m in ('rich', 'sqlite_utils', 'dateutil', 'pluggy') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    db = tmp_path / "x.db"
    subprocess.run([sys.executable, "-c", "from salespipe.store.db import connect; connect(%r)" % str(db)], check=True)
    env = {"SALESPIPE_DB": str(db), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY="


def test_every_group_has_help(cli):
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            assert command.help, name
    assert "Example: salespipe report" in cli("report", "--help").stdout


def test_bare_salespipe_prints_the_help_and_exits_0(cli):
    result = cli()
    assert "The terminal sales pipeline" in result.stdout and "today" in result.stdout
