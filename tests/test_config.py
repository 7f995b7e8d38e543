"""The config file: reading it, precedence (flag > environment > file > default), where each value
came from, and a broken file as one line with exit 2."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salespipe.services.config import (
    COLORS,
    KEYS,
    LANGUAGES,
    REPORT_SECTIONS,
    ConfigError,
    Setting,
    parse,
    resolve,
)


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    """The config file the commands read (XDG_CONFIG_HOME is the test's own, see conftest)."""
    monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("CLICOLOR_FORCE", raising=False)
    path = tmp_path / "config" / "salespipe" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


def shown(cli, *args):
    data = cli.json(*args, "config", "show")
    return {key: (s["value"], s["source"]) for key, s in data["settings"].items()}


def test_config_path_follows_xdg_config_home(cli, config_file):
    result = cli("config", "path")
    assert result.stdout == f"{config_file}\n"
    assert "not created yet" in result.stderr
    config_file.write_text("")
    assert "(exists)" in cli("config", "path").stderr


def test_show_without_a_file_says_where_each_value_comes_from(cli, config_file, db_path, monkeypatch):
    data = cli.json("config", "show")
    assert data["path"] == str(config_file) and data["exists"] is False
    assert shown(cli) == {
        "database": (str(db_path), "environment SALESPIPE_DB"),
        "language": ("en", "default"),
        "currency": ("EUR", "database (init --currency)"),  # the migration stores EUR
        "color": ("never", "environment NO_COLOR"),  # conftest sets NO_COLOR
        "pager": ("less -FRX", "default"),
        "report.sections": (None, "default"),
        "renewal.lead_days": (60, "default"),
    }
    monkeypatch.setenv("COLUMNS", str(len(str(db_path)) + 60))
    text = cli("config", "show").stdout.splitlines()
    assert text[0].split() == ["Setting", "Value", "From"]
    assert text[1].split() == ["database", str(db_path), "environment", "SALESPIPE_DB"]
    assert text[6].split() == ["report.sections", "all", "default"]
    assert cli("config", "show", "--csv").stdout.splitlines()[:2] == [
        "setting,value,source",
        f"database,{db_path},environment SALESPIPE_DB",
    ]


def test_show_fits_a_narrow_terminal(cli, config_file, db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    text = cli("config", "show").stdout.splitlines()
    assert max(len(line) for line in text) <= 50
    words = " ".join(text).split()
    assert words[:3] == ["Setting", "Value", "From"] and "SALESPIPE_DB" in words and "report.sections" in words


def test_every_setting_from_the_file(cli, config_file, tmp_path, monkeypatch):
    monkeypatch.delenv("SALESPIPE_DB")
    monkeypatch.delenv("NO_COLOR")
    config_file.write_text(
        f'database = "{tmp_path}/sales.db"\nlanguage = "de"\ncurrency = "chf"\n'
        'color = "always"\npager = false\n\n[report]\nsections = ["pipeline", "headline"]\n'
        "\n[renewal]\nlead_days = 45\n"
    )
    source = f"file {config_file}"
    assert shown(cli) == {
        "database": (f"{tmp_path}/sales.db", source),
        "language": ("de", source),
        "currency": ("CHF", source),
        "color": ("always", source),
        "pager": (False, source),
        "report.sections": (["pipeline", "headline"], source),
        "renewal.lead_days": (45, source),
    }
    assert cli.json("db", "path") == {
        "path": f"{tmp_path}/sales.db",
        "reason": f"from the config file {config_file}",
        "exists": False,
    }
    assert f"pager,false (none),file {config_file}" in cli("config", "show", "--csv").stdout


def test_the_files_colour_reaches_the_output(cli, config_file, monkeypatch):
    cli("init")
    monkeypatch.delenv("NO_COLOR")
    config_file.write_text('color = "always"\n')
    assert "\x1b[1m" in cli("stage", "list").stdout  # piped, yet coloured: the file said always
    assert "\x1b[" not in cli("--color", "never", "stage", "list").stdout  # the flag beats the file
    assert "\x1b[" not in cli("--color", "auto", "stage", "list").stdout  # auto too, when given: piped, plain
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in cli("stage", "list").stdout  # and so does the environment
    assert shown(cli)["color"] == ("never", "environment NO_COLOR")


def test_database_flag_beats_environment_beats_file_beats_default(cli, config_file, tmp_path, monkeypatch):
    config_file.write_text('database = "~/from-file.db"\n')
    home = Path.home()
    assert shown(cli)["database"] == (str(tmp_path / "pipeline.db"), "environment SALESPIPE_DB")
    assert shown(cli, "--db", str(tmp_path / "flag.db"))["database"] == (str(tmp_path / "flag.db"), "flag --db")
    monkeypatch.delenv("SALESPIPE_DB")
    assert shown(cli)["database"] == (str(home / "from-file.db"), f"file {config_file}")
    config_file.unlink()
    assert shown(cli)["database"] == (str(tmp_path / "xdg" / "salespipe" / "salespipe.db"), "default ($XDG_DATA_HOME)")


def test_the_file_database_is_the_one_commands_use(cli, config_file, tmp_path, monkeypatch):
    monkeypatch.delenv("SALESPIPE_DB")
    config_file.write_text(f'database = "{tmp_path}/sales.db"\n')
    cli("lead", "add", "Anna Berger")
    conn = sqlite3.connect(tmp_path / "sales.db")
    assert conn.execute("SELECT title FROM leads").fetchall() == [("Anna Berger",)]


def test_language_file_beats_the_pipelines_own(cli, config_file):
    cli("init", "--lang", "de")
    assert shown(cli)["language"] == ("de", "database (init --lang)")
    config_file.write_text('language = "en"\n')
    assert shown(cli)["language"] == ("en", f"file {config_file}")


def test_init_takes_language_and_currency_from_the_file(cli, config_file):
    config_file.write_text('language = "de"\ncurrency = "CHF"\n')
    cli("init")
    assert [s["label"] for s in cli.json("stage", "list")][:2] == ["Identifizieren", "Verifizieren"]
    config_file.unlink()
    assert shown(cli)["language"] == ("de", "database (init --lang)")
    assert shown(cli)["currency"] == ("CHF", "database (init --currency)")
    assert cli.json("report")["currency"] == "CHF"


def test_init_flags_beat_the_file(cli, config_file):
    config_file.write_text('language = "de"\ncurrency = "CHF"\n')
    cli("init", "--lang", "en", "--currency", "USD")
    assert cli.json("stage", "list")[0]["label"] == "New (identified)"
    config_file.unlink()
    assert shown(cli)["language"] == ("en", "database (init --lang)")
    assert shown(cli)["currency"] == ("USD", "database (init --currency)")


def test_the_pipelines_language_survives_export_all_and_restore(cli, tmp_path):
    cli("init", "--lang", "de")
    cli("export", "--all", "--out", str(tmp_path / "all.json"))
    other = tmp_path / "restored.db"
    cli("--db", str(other), "import", str(tmp_path / "all.json"))
    assert shown(cli, "--db", str(other))["language"] == ("de", "database (init --lang)")


def test_currency_of_new_leads(cli, config_file, tmp_path):
    config_file.write_text('currency = "USD"\n')
    assert cli.json("lead", "add", "No value")["currency"] == "USD"
    assert cli.json("lead", "add", "Plain amount", "--value", "1,250")["value"] == 1250
    assert cli.json("lead", "add", "Plain amount 2", "--value", "1250")["currency"] == "USD"
    assert cli.json("lead", "add", "Flag", "--value", "100", "--currency", "EUR")["currency"] == "EUR"
    assert cli.json("lead", "add", "Own symbol", "--value", "€100")["currency"] == "EUR"
    # editing keeps the deal's own currency, whatever the file says now
    assert cli.json("lead", "edit", "1", "--value", "10")["currency"] == "USD"
    config_file.write_text('currency = "GBP"\n')
    assert cli.json("lead", "edit", "1", "--value", "20")["currency"] == "USD"
    f = tmp_path / "in.csv"
    f.write_text("Name,Value\nImported,500\n")
    cli("import", str(f), "--quiet")
    assert {l["title"]: l["currency"] for l in cli.json("lead", "list")}["Imported"] == "GBP"


def test_report_sections_from_the_file_and_the_flag(cli, config_file, add_lead):
    add_lead("Anna", "--value", "1000")
    whole = cli("report").stdout
    assert "Open pipeline" in whole and "Pipeline by stage" in whole
    config_file.write_text('[report]\nsections = ["pipeline"]\n')
    only = cli("report").stdout
    assert "Pipeline by stage" in only and "Open pipeline" not in only
    assert cli("report", "--sections", "all").stdout == whole
    headline = cli("report", "--sections", "headline, target").stdout
    assert "Open pipeline" in headline and "Pipeline by stage" not in headline
    assert set(cli.json("report")) >= {"open", "stages", "funnel", "stale"}  # --json has every part
    result = cli("report", "--sections", "pipelines", code=2)
    assert "'pipelines' is not a section" in result.stderr and "headline" in result.stderr
    assert "--sections" in cli("report", "--sections", "pipeline", "funnel", code=2).stderr


BROKEN = [
    # (file text, what the one line must say)
    ('colour = "never"\n', ["line 1", "unknown setting 'colour'", "did you mean 'color'", "report.sections"]),
    ('\n[report]\nsection = ["funnel"]\n', ["line 3", "'report.section'", "did you mean 'report.sections'"]),
    ('language = "fr"\n', ["line 1", 'language = "fr"', '"en" or "de"']),
    ("language = de\n", ["line 1, column 12", "not valid TOML"]),
    ('currency = "EURO"\n', ["line 1", 'currency = "EURO"', "ISO 4217"]),
    ("color = true\n", ["line 1", "color = true", '"auto", "always", "never"']),
    ("pager = true\n", ["line 1", "pager = true", "or false"]),
    ('pager = ""\n', ["line 1", 'pager = ""', "or false"]),
    ('database = "sales.db"\n', ["line 1", "relative path", "starting with ~"]),
    ("database = 3\n", ["line 1", "database = 3", "in quotes"]),
    ('report = "pipeline"\n', ["line 1", "report must be a table"]),
    (
        '# mine\n[report]\nsections = ["headline", "pipelin"]\n',
        ["line 3", "'pipelin' is not a section", "did you mean 'pipeline'", "velocity"],
    ),
    ("report.sections = []\n", ["line 1", "give a list of sections", "headline, pipeline"]),
    ("[colors]\nnever = true\n", ["line 1", "unknown setting 'colors'"]),
]


@pytest.mark.parametrize("text, said", BROKEN)
def test_a_broken_file_is_one_line_and_exit_2(cli, config_file, text, said):
    config_file.write_text(text)
    result = cli("lead", "list", code=2)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: config file {config_file}")
    for part in said:
        assert part in lines[0], (part, lines[0])
    cli("config", "show", code=2)
    cli("config", "path")  # still says where the file is


def test_a_file_that_is_not_utf8(cli, config_file):
    config_file.write_bytes(b'language = "en"\npager = "l\xe9ss"\n')
    assert "line 2: not UTF-8 text" in cli("lead", "list", code=2).stderr


def test_a_folder_where_the_file_should_be(cli, config_file):
    config_file.mkdir()
    assert "cannot read config file" in cli("lead", "list", code=2).stderr


def test_commands_that_need_no_setting_work_with_a_broken_file(cli, config_file):
    config_file.write_text("colour = 1\n")
    assert "Usage" in cli("lead", "--help").stdout
    assert cli("--version").stdout.startswith("salespipe ")


# Resolving, without the CLI ---------------------------------------------------------------------
def resolved(tmp_path, text="", **kwargs):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return resolve(path=path, **kwargs)


def test_colour_precedence(tmp_path):
    assert resolved(tmp_path, environ={}).color == Setting("auto", "default")
    assert resolved(tmp_path, 'color = "never"', environ={}).color == Setting("never", f"file {tmp_path / 'c.toml'}")
    # NO_COLOR wins over the forcing variables (as in CPython), the environment over the file
    env = {"NO_COLOR": "1", "FORCE_COLOR": "1"}
    assert resolved(tmp_path, 'color = "always"', environ=env).color == Setting("never", "environment NO_COLOR")
    assert resolved(tmp_path, environ={"NO_COLOR": ""}).color.source == "default"  # empty is unset
    assert resolved(tmp_path, environ={"FORCE_COLOR": "0"}).color.source == "default"
    assert resolved(tmp_path, environ={"FORCE_COLOR": "yes"}).color == Setting("always", "environment FORCE_COLOR")
    assert resolved(tmp_path, environ={"CLICOLOR_FORCE": "1"}).color == Setting("always", "environment CLICOLOR_FORCE")
    assert resolved(tmp_path, environ=env, color_flag="always").color == Setting("always", "flag --color")


def test_pager_precedence_as_git(tmp_path):
    """--no-pager, $SALESPIPE_PAGER, the file, $PAGER, less -FRX (git: GIT_PAGER, core.pager, PAGER)."""
    file = f"file {tmp_path / 'c.toml'}"
    assert resolved(tmp_path, environ={}).pager == Setting("less -FRX", "default")
    assert resolved(tmp_path, environ={"PAGER": "more"}).pager == Setting("more", "environment PAGER")
    assert resolved(tmp_path, 'pager = "most"', environ={"PAGER": "more"}).pager == Setting("most", file)
    assert resolved(tmp_path, 'pager = "most"', environ={"SALESPIPE_PAGER": "less -S"}).pager == Setting(
        "less -S", "environment SALESPIPE_PAGER"
    )
    assert resolved(tmp_path, "pager = false", environ={"PAGER": "more"}).pager == Setting(False, file)
    assert resolved(tmp_path, environ={"PAGER": ""}).pager == Setting(False, "environment PAGER")
    assert resolved(tmp_path, environ={"PAGER": "cat"}).pager == Setting(False, "environment PAGER")
    assert resolved(tmp_path, environ={"PAGER": "more"}, pager_flag=False).pager == Setting(False, "flag --no-pager")


@pytest.mark.parametrize("flag", [False, True])
@pytest.mark.parametrize("own", [None, "", "less -S"])
@pytest.mark.parametrize("file", [None, "false", '"most"', '"cat"'])
@pytest.mark.parametrize("general", [None, "", "more"])
def test_config_show_names_the_pager_the_output_uses(tmp_path, flag, own, file, general):
    from salespipe.render.terminal import choose_pager

    env = {k: v for k, v in (("SALESPIPE_PAGER", own), ("PAGER", general)) if v is not None}
    setting = resolved(tmp_path, f"pager = {file}" if file else "", environ=env, pager_flag=False if flag else None)
    configured = None if file is None else file.strip('"')
    assert (setting.pager.value or None) == choose_pager(flag, configured, env)


@pytest.mark.parametrize("flag", [None, "always", "never"])
@pytest.mark.parametrize(
    "env",
    [
        {},
        {"NO_COLOR": "1"},
        {"FORCE_COLOR": "1"},
        {"CLICOLOR_FORCE": "0"},
        {"NO_COLOR": "1", "CLICOLOR_FORCE": "1"},
        {"TERM": "dumb"},
    ],
)
@pytest.mark.parametrize("file", [None, "auto", "always", "never"])
@pytest.mark.parametrize("tty", [False, True])
def test_colour_follows_the_documented_order(tmp_path, flag, env, file, tty):
    """What the output does with the resolved colour: --color, then NO_COLOR, then FORCE_COLOR /
    CLICOLOR_FORCE, then the file, then a terminal that is not TERM=dumb."""
    from salespipe.render.terminal import Terminal

    class Stream:
        def isatty(self):
            return tty

    setting = resolved(tmp_path, f'color = "{file}"' if file else "", environ=env, color_flag=flag)
    colour = Terminal.detect(color=setting.color.value, stream=Stream(), environ=env).colour
    if flag:
        expected = flag == "always"
    elif env.get("NO_COLOR"):
        expected = False
    elif env.get("FORCE_COLOR") or env.get("CLICOLOR_FORCE", "0") != "0":
        expected = True
    elif file in ("always", "never"):
        expected = file == "always"
    else:
        expected = tty and env.get("TERM") != "dumb"
    assert colour is expected


def test_the_file_is_read_again_when_it_changes(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('language = "de"\n')
    assert resolve(path=path, environ={}).language.value == "de"
    path.write_text('language = "en"  # changed\n')
    assert resolve(path=path, environ={}).language.value == "en"


def test_the_lists_agree_with_the_commands():
    from salespipe.domain.locale import LANGS
    from salespipe.render.report import ALL_SECTIONS, SECTION_PARTS

    assert LANGUAGES == LANGS
    assert set(REPORT_SECTIONS) == set(ALL_SECTIONS) | set(SECTION_PARTS)


def test_reading_the_config_imports_nothing_heavy(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('language = "de"\ndatabase = "~/x.db"\n[report]\nsections = ["funnel"]\n')
    code = (
        "import sys\nfrom salespipe.services.config import resolve\n"
        f"assert resolve(path={str(path)!r}).language.value == 'de'\n"
        "print(','.join(m for m in ('pydantic', 'rich', 'sqlite_utils', 'dateutil', 'typer') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


# Property tests: whatever the file holds, the answer is the checked settings or a ConfigError --
toml_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-10, 10),
        st.text(max_size=8),
        st.sampled_from(["en", "de", "EUR", "auto", "never", "less", "~/a.db", "/x.db", "funnel"]),
    ),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=6,
)
toml_keys = st.sampled_from([*KEYS, "colour", "report", "db", "Language"])


def toml_line(key, value):
    return f"{key} = {json.dumps(value)}"  # JSON scalars and lists of them are TOML too


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(toml_keys, toml_values), max_size=4, unique_by=lambda kv: kv[0].split(".")[0]))
def test_any_file_is_checked_settings_or_one_config_error(pairs):
    text = "\n".join(toml_line(k, v) for k, v in pairs)
    try:
        values = parse(text, "c.toml")
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith("config file c.toml") and "\n" not in message
        return
    assert set(values) <= set(KEYS)
    assert values.get("language", "en") in LANGUAGES and values.get("color", "auto") in COLORS
    assert all(s in REPORT_SECTIONS for s in values.get("report.sections", ()))
    pager = values.get("pager", "less")
    assert pager is False or (isinstance(pager, str) and pager.strip())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab=[].\"\n #'{}1,colrpagesti")), max_size=40))
def test_any_text_is_checked_settings_or_one_config_error(text):
    try:
        values = parse(text, "c.toml")
    except ConfigError as exc:
        assert "\n" not in str(exc)
    else:
        assert set(values) <= set(KEYS)
