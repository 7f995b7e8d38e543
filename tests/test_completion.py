"""Shell completion through Click's protocol: ``_SALESPIPE_COMPLETE=<shell>_complete`` with
``COMP_WORDS``/``COMP_CWORD``, as the scripts of `salespipe completion SHELL` ask."""

import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salespipe.cli import app, completion

SALESPIPE = Path(sys.executable).parent / "salespipe"


def request(line: str, shell: str) -> dict[str, str]:
    """The environment a shell sets when TAB is pressed at the end of ``line``."""
    words = shlex.split(line)
    if shell == "fish":  # commandline -cp, commandline -t
        return {"COMP_WORDS": line, "COMP_CWORD": "" if line.endswith(" ") else words[-1]}
    return {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - (0 if line.endswith(" ") else 1))}


def answer(line: str, shell: str = "bash") -> str:
    result = CliRunner().invoke(app, [], env={"_SALESPIPE_COMPLETE": f"{shell}_complete", **request(line, shell)})
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stderr == ""
    return result.stdout


def bash(line: str) -> list[str]:
    """The values offered (Click's bash format: one ``type,value`` a line)."""
    lines = answer(line, "bash").splitlines()
    assert all(entry.startswith("plain,") for entry in lines), lines
    return [entry[len("plain,") :] for entry in lines]


def zsh(line: str) -> list[tuple[str, str]]:
    """(value, description) pairs (Click's zsh format: type, value, description or _ a line)."""
    lines = answer(line, "zsh").splitlines()
    assert len(lines) % 3 == 0, lines
    triples = [lines[i : i + 3] for i in range(0, len(lines), 3)]
    assert all(kind == "plain" for kind, _, _ in triples), triples
    return [(value, help_) for _, value, help_ in triples]


def fish(line: str) -> list[str]:
    return answer(line, "fish").splitlines()


@pytest.fixture
def pipeline(add_lead, db_path):
    """Three leads with tags, sources, an owner and a custom field."""
    add_lead(
        "Anna Berger",
        "--company",
        "Bergwerk",
        "--tag",
        "hot",
        "--tag",
        "fair-2026",
        "--source",
        "referral",
        "--field",
        "industry=Mining",
    )
    add_lead("Bergwerk: Upsell", "--company", "Bergwerk", "--tag", "hot", "--source", "referral")
    add_lead("Carl Dorn", "--tag", "cold", "--source", "trade fair", "--field", "industry=Retail")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE leads SET owner = 'Maria' WHERE id IN (1, 3)")
    conn.commit()
    conn.close()


def test_commands_and_options_nested(cli):
    assert bash("salespipe le") == ["lead"]
    assert bash("salespipe lead sh") == ["show"]
    assert bash("salespipe report br") == ["breakdown"]
    assert bash("salespipe lead list --so") == ["--source", "--sort"]
    assert bash("salespipe --db x.db lead li") == ["list"]
    assert bash("salespipe --version l") == ["log", "lead"]  # the version is not printed into the answer
    assert zsh("salespipe co") == [
        ("completion", "Print the completion script for SHELL: TAB..."),
        ("config", "The config file: the settings in use and..."),
    ]  # Click's short help


def test_lead_ids_with_their_titles(pipeline):
    assert zsh("salespipe lead show ") == [
        ("3", "Carl Dorn"),
        ("2", "Bergwerk: Upsell"),
        ("1", "Anna Berger · Bergwerk"),
    ]
    assert fish("salespipe propose ") == [
        "plain,3\tCarl Dorn",
        "plain,2\tBergwerk: Upsell",
        "plain,1\tAnna Berger · Bergwerk",
    ]
    assert bash("salespipe close ") == ["3", "2", "1"]
    assert bash("salespipe task add 2") == ["2"]
    assert bash("salespipe lead show x") == []


def test_lead_ids_match_the_typed_digits(cli, add_lead):
    for n in range(12):
        add_lead(f"Lead {n + 1}")
    assert bash("salespipe why 1") == ["12", "11", "10", "1"]


def test_stage_keys_in_pipeline_order_with_labels(cli, add_lead):
    add_lead("A")
    pairs = zsh("salespipe move 1 ")
    assert pairs[:2] == [("new", "New (identified)"), ("verified", "Verified")]
    assert [key for key, _ in pairs] == [s["key"] for s in cli.json("stage", "list")]
    assert bash("salespipe lead list --stage q") == ["qualified"]
    assert bash("salespipe stage rename ne") == ["new", "negotiation"]
    assert bash("salespipe rule add --on-enter pro") == ["proposal"]


def test_tags_sources_and_owners_most_used_first(pipeline):
    assert zsh("salespipe lead list --tag ") == [("hot", "2 leads"), ("cold", "1 lead"), ("fair-2026", "1 lead")]
    assert bash("salespipe lead add X --tag f") == ["fair-2026"]
    assert bash("salespipe lead list --source ") == ["referral", "'trade fair'"]  # quoted for bash
    assert fish("salespipe lead list --source ") == ["plain,referral\t2 leads", "plain,trade fair\t1 lead"]
    assert bash("salespipe lead list --owner ") == ["Maria"]
    assert bash("salespipe lead edit 2 --untag c") == ["cold"]


def test_field_names_and_their_values(pipeline):
    assert bash("salespipe lead edit 1 --field ") == ["industry="]
    assert zsh("salespipe lead add X --field industry=") == [
        ("industry=Mining", "1 lead"),
        ("industry=Retail", "1 lead"),
    ]
    assert bash("salespipe report breakdown --by ") == [
        "source",
        "tag",
        "lost-reason",
        "stage",
        "company",
        "owner",
        "kind",
        "industry",
    ]


def test_fixed_choices_are_the_ones_the_commands_accept(cli, add_lead):
    from salespipe.store.leads import SORTS

    add_lead("A", "--company", "C", "--source", "web", "--value", "100")
    assert bash("salespipe lead list --sort ") == list(SORTS)
    for field in bash("salespipe lead edit 1 --clear "):
        cli("lead", "edit", "1", "--clear", field)
    for period in bash("salespipe report --period "):
        cli("report", "--period", period, "--json")
    assert bash("salespipe qualify 1 --check ") == ["budget", "authority", "need", "timeline"]
    assert bash("salespipe init --preset ") == ["six-phase", "seven-step", "hubspot"]
    from salespipe.domain.stages import PRESETS

    assert completion.PRESETS == PRESETS
    assert bash("salespipe completion ") == ["bash", "zsh", "fish"]


def test_a_hostile_title_and_tags_reach_no_shell_unclean(cli, add_lead):
    add_lead(
        "Evil\nplain,99\n_\x1b[2J\u202eoops",
        "--company",
        "Tab\tCo",
        "--source",
        "fair, Munich",
        "--tag",
        "$(touch PWNED)",
        "--tag",
        "it's",
        "--tag",
        "back\\slash",
    )
    conn = sqlite3.connect(_db())
    conn.execute("""UPDATE leads SET tags = json_insert(tags, '$[#]', 'line' || char(10) || 'break')""")
    conn.commit()
    conn.close()
    pairs = zsh("salespipe lead show ")  # three lines an item: a newline in the title would break it
    assert pairs == [("1", "Evil plain,99 _ [2J oops · Tab Co")]
    assert fish("salespipe lead show ") == ["plain,1\tEvil plain;99 _ [2J oops · Tab Co"]
    tags = bash("salespipe lead list --tag ")
    assert sorted(tags) == sorted(["'$(touch PWNED)'", "'it'\\\\''s'", "'back\\\\slash'"])  # \\ for bash's read
    assert {value for value, _ in zsh("salespipe lead list --tag ")} == {"$(touch PWNED)", "it's", "back\\slash"}
    assert bash("salespipe lead list --source ") == ["'fair, Munich'"]
    assert fish("salespipe lead list --source ") == []  # fish's script splits at commas: not offered there


def _db():
    import os

    return os.environ["SALESPIPE_DB"]


@pytest.mark.skipif(not shutil.which("bash") or not SALESPIPE.exists(), reason="needs bash and the salespipe script")
def test_bash_itself_puts_the_exact_tags_on_the_command_line(cli, add_lead, tmp_path):
    """The real thing: Click's bash script, sourced in bash, fills COMPREPLY; each reply, as bash
    reads it back from the command line, is the tag itself, and nothing ran."""
    tags = ["$(touch PWNED)", "it's", "back\\slash", "`touch PWNED2`", "hot", "*", "two words"]
    add_lead("X", *[arg for tag in tags for arg in ("--tag", tag)])
    script = subprocess.run([str(SALESPIPE), "completion", "bash"], capture_output=True, text=True, check=True).stdout
    probe = (
        script + '\nCOMP_WORDS=(salespipe lead list --tag "")\nCOMP_CWORD=4\n_salespipe_completion salespipe\n'
        'for reply in "${COMPREPLY[@]}"; do eval "set -- $reply"; printf "%s\\n" "$1"; done\n'
    )
    env = {"PATH": f"{SALESPIPE.parent}:/usr/bin:/bin", "SALESPIPE_DB": _db(), "HOME": str(tmp_path)}
    result = subprocess.run(["bash", "--norc", "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(tags)
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "PWNED2").exists()


def test_read_only_and_never_loud(cli, tmp_path, monkeypatch):
    missing = tmp_path / "nowhere" / "x.db"
    assert bash(f"salespipe --db {missing} lead show ") == []
    assert not missing.exists() and not missing.parent.exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")  # would be migrated by any command: a completion leaves it alone
    assert bash(f"salespipe --db {empty} move 1 ") == []
    assert empty.read_bytes() == b""
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE leads (x)")  # another application's file: no error, no suggestion
    conn.close()
    assert bash(f"salespipe --db {other} lead show ") == []
    config = tmp_path / "config" / "salespipe" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("colour = 'broken'\n")
    assert bash("salespipe lead show ") == []  # the database is unknown: nothing, and no error
    assert bash("salespipe le") == ["lead"]


def test_the_scripts(cli):
    for shell in completion.SHELLS:
        script = cli("completion", shell).stdout
        assert f"_SALESPIPE_COMPLETE={shell}_complete" in script and "salespipe" in script
    assert "choose from: bash, zsh, fish" in cli("completion", "tcsh", code=2).stderr


@pytest.mark.skipif(not SALESPIPE.exists(), reason="needs the installed salespipe script")
def test_the_installed_command_answers_without_heavy_imports(cli, add_lead):
    """Through the entry point (which builds only the command being completed): the ids, and
    none of the modules that would make TAB slower than starting Python with Typer."""
    add_lead("Anna Berger", "--company", "Bergwerk")
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('HEAVY=' + ','.join(m for m in "
        "('pydantic', 'rich', 'sqlite_utils', 'dateutil', 'icalendar') if m in sys.modules)))\n"
        "from salespipe.cli import main\nmain()\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "SALESPIPE_DB": _db(),
        "_SALESPIPE_COMPLETE": "zsh_complete",
        **request("salespipe lead show ", "zsh"),
    }
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0
    assert result.stdout == "plain\n1\nAnna Berger · Bergwerk\n"
    assert result.stderr == "HEAVY="
