"""The one presentation layer: tables that fit the terminal (wide characters counted as the two
columns they take), colour rules, the pager, and golden views at 80 and 120 columns."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salespipe.render.table import Column, cut, draw, width_of, wrap
from salespipe.render.terminal import DEFAULT_PAGER, Terminal, choose_pager, page

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def shown(line: str) -> int:
    return width_of(ANSI.sub("", line))


# ------------------------------------------------------------------ measuring and fitting text
def test_wide_characters_count_twice_and_combining_marks_not_at_all():
    assert width_of("abc") == 3
    assert width_of("東京") == 4
    assert width_of("e\u0301") == 1  # e + combining acute
    assert cut("東京の会社", 5) == "東京…"
    assert width_of(cut("東京の会社", 5)) == 5


def test_wrap_keeps_words_and_indents_continuations():
    assert wrap("send the revised offer on friday", 12, indent="  ") == [
        "send the",
        "  revised",
        "  offer on",
        "  friday",
    ]
    assert wrap("a\nb c", 10) == ["a", "b c"]


COLUMNS = (
    Column("ID", align="right"),
    Column("Name", flex="cut", minimum=10),
    Column("Company", flex="cut", minimum=8, drop=2),
    Column("Note", flex="wrap", minimum=10, drop=1),
    Column("Value", align="right"),
)
ROWS = [
    ["1", "Anna Berger", "Bergwerk GmbH", "called twice, sending the offer on Friday", "€12,000"],
    ["22", "東京の会社との商談", "株式会社テスト", "見積書を送付", "€5"],
]


def test_a_table_that_fits_is_drawn_whole():
    text = draw(COLUMNS, ROWS, width=None)
    assert text == (
        "ID  Name                Company         Note                                         Value\n"
        " 1  Anna Berger         Bergwerk GmbH   called twice, sending the offer on Friday  €12,000\n"
        "22  東京の会社との商談  株式会社テスト  見積書を送付                                    €5\n"
    )


def test_a_narrow_terminal_shrinks_then_drops_columns_in_their_order():
    at_60 = draw(COLUMNS, ROWS, width=60)
    # the company fits in an equal share and stays whole; name and note share the rest; a wide
    # character is never split (the name is cut one column short)
    assert at_60 == (
        "ID  Name        Company         Note                   Value\n"
        " 1  Anna Berg…  Bergwerk GmbH   called twice,        €12,000\n"
        "                                sending the offer\n"
        "                                on Friday\n"
        "22  東京の会…   株式会社テスト  見積書を送付              €5\n"
    )
    at_40 = draw(COLUMNS, ROWS, width=40)  # the note goes first, then the company
    assert at_40.splitlines()[0].split() == ["ID", "Name", "Company", "Value"]
    assert draw(COLUMNS, ROWS, width=30).splitlines()[0].split() == ["ID", "Name", "Value"]
    for text in (at_60, at_40):
        lines = text.splitlines()
        width = 60 if text is at_60 else 40
        assert all(shown(line) <= width for line in lines)
        # every value column ends at the same display column, wide characters or not
        assert len({shown(line) for line in lines if line.rstrip().endswith(("€12,000", "€5", "Value"))}) == 1


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), min_size=5, max_size=5), max_size=6
    ),
    st.integers(min_value=20, max_value=160),
    st.booleans(),
)
def test_no_line_is_ever_wider_than_the_terminal(rows, width, colour):
    text = draw(COLUMNS, rows, width=width, colour=colour)
    assert all(shown(line) <= width for line in text.splitlines())
    assert text.endswith("\n")


def test_a_column_kept_whole_never_pushes_the_others_past_the_width():
    """The stage fitted an equal share of the room and kept its whole width; the two long names
    then got their minimums, one column more than was left, and the last resort cut the line
    ("Da…", a Days column of "…")."""
    from salespipe.render.leads import _COLUMNS

    row = ["4", "x" * 500, "y" * 500, "New (identified)", "€4,000", "10%", "€400", "", "0"]
    header, line = draw(_COLUMNS, [row], width=80).splitlines()
    assert header.split() == ["ID", "Name", "Company", "Stage", "Value", "Close", "Days"]
    assert line.endswith("€4,000" + " " * 12 + "0") and shown(header) <= 80 and shown(line) <= 80


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=3, max_size=3),
    st.integers(min_value=4, max_value=9),
    st.integers(min_value=30, max_value=120),
)
def test_columns_that_do_not_give_way_are_never_cut_while_the_narrowest_table_fits(lengths, figure, width):
    """Flexible columns give way; a figure is never cut to "…" while the flexible columns at their
    minimums leave it room."""
    columns = (
        Column("ID", align="right"),
        Column("Name", flex="cut", minimum=12),
        Column("Company", flex="cut", minimum=8),
        Column("Note", flex="wrap", minimum=10),
        Column("Value", align="right"),
    )
    row = ["7", "n" * lengths[0], "c" * lengths[1], "w " * (lengths[2] // 2), "9" * figure]
    natural = [2, *(max(len(c.title), width_of(cell)) for c, cell in zip(columns[1:4], row[1:4], strict=True))]
    natural.append(max(5, figure))
    narrowest = sum(min(n, c.minimum) if c.flex != "no" else n for n, c in zip(natural, columns, strict=True)) + 2 * 4
    text = draw(columns, [row], width=width)
    assert all(shown(line) <= width for line in text.splitlines())
    if narrowest <= width:
        assert text.splitlines()[1].endswith("9" * figure)
        assert text.splitlines()[0].endswith("Value")


# ------------------------------------------------------------------ colour, width and pager rules
@pytest.mark.parametrize(
    ("flag", "env", "tty", "colour"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"TERM": "dumb"}, True, False),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"CLICOLOR_FORCE": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "0"}, False, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_rules(flag, env, tty, colour):
    class Stream:
        def isatty(self):
            return tty

    assert Terminal.detect(color=flag, stream=Stream(), environ=env).colour is colour


def test_width_is_the_terminals_even_without_colour_and_unlimited_when_piped():
    class Tty:
        def isatty(self):
            return True

    class Pipe:
        def isatty(self):
            return False

    assert Terminal.detect(stream=Tty(), environ={"NO_COLOR": "1", "COLUMNS": "80"}).width == 80
    assert Terminal.detect(stream=Pipe(), environ={}).width is None
    assert Terminal.detect(stream=Pipe(), environ={"COLUMNS": "72"}).width == 72
    assert Terminal.detect(stream=Pipe(), environ={"FORCE_COLOR": "1", "COLUMNS": "90"}).width == 90
    assert Terminal.detect(stream=Pipe(), environ={}).pager is None  # never a pager into a pipe


def test_pager_choice():
    assert choose_pager(False, None, {}) == DEFAULT_PAGER
    assert choose_pager(False, None, {"PAGER": "more"}) == "more"
    assert choose_pager(False, "most", {"PAGER": "more"}) == "most"  # the config file, as git's core.pager
    assert choose_pager(False, "most", {"SALESPIPE_PAGER": "less -S", "PAGER": "more"}) == "less -S"
    assert choose_pager(False, None, {"PAGER": ""}) is None
    assert choose_pager(True, "most", {"PAGER": "more"}) is None  # --no-pager


def test_long_output_goes_through_the_pager(tmp_path, capsys):
    out = tmp_path / "paged.txt"
    text = "".join(f"line {n}\n" for n in range(30))
    page(text, Terminal(width=80, height=10, pager=f"cat > {out}"))
    assert out.read_text() == text and capsys.readouterr().out == ""
    page("short\n", Terminal(width=80, height=10, pager=f"cat > {out}.2"))  # one screen: no pager
    assert capsys.readouterr().out == "short\n"
    page(text, Terminal(width=80, height=10, pager="no-such-pager-here"))  # no such pager: written directly
    assert capsys.readouterr().out == text


# ------------------------------------------------------------------ golden views through the CLI
@pytest.fixture
def leads(cli, add_lead):
    add_lead(
        "Anna Berger: licence renewal for the whole group",
        "--company",
        "Bergwerk GmbH & Co. KG",
        "--value",
        "12000",
        "--stage",
        "proposal",
        "--close-date",
        "2026-12-15",
    )
    add_lead("東京の会社との大型商談", "--company", "株式会社テスト", "--value", "5000")
    add_lead("Carl", "--value", "700", "--stage", "qualified", "--field", "notes=first line\nsecond line")


def test_lead_list_golden_at_80_and_120(cli, leads, monkeypatch):
    # at 120 everything fits but the longest name; at 80 Prob and Weighted go first, and the
    # name keeps 24 columns; the CJK name (22 columns) stays aligned
    monkeypatch.setenv("COLUMNS", "120")
    assert cli("lead", "list").stdout == (
        "ID  Name                             Company                 Stage               Value  Prob  Weighted  Close       Days\n"  # noqa: E501
        " 1  Anna Berger: licence renewal f…  Bergwerk GmbH & Co. KG  Proposal          €12,000   60%    €7,200  2026-12-15     0\n"  # noqa: E501
        " 3  Carl                                                     Qualified            €700   40%      €280                 0\n"  # noqa: E501
        " 2  東京の会社との大型商談           株式会社テスト          New (identified)   €5,000   10%      €500                 0\n"
    )  # noqa: E501
    monkeypatch.setenv("COLUMNS", "80")
    # stages by their labels (the pipeline's language); a long one gives way before a column goes
    assert cli("lead", "list").stdout == (
        "ID  Name                      Company       Stage        Value  Close       Days\n"
        " 1  Anna Berger: licence re…  Bergwerk Gm…  Proposal   €12,000  2026-12-15     0\n"
        " 3  Carl                                    Qualified     €700                 0\n"
        " 2  東京の会社との大型商談    株式会社テ…   New (ide…   €5,000                 0\n"
    )


def test_every_view_fits_80_columns_in_colour_and_without(cli, leads, monkeypatch):
    cli("task", "add", "1", "send the revised offer with the volume discount and the new terms", "--due", "tomorrow")
    cli("log", "1", "--call", "talked about the budget for next year, the board decides in January")
    cli("target", "set", "50k", "--period", "2026-11")
    monkeypatch.setenv("COLUMNS", "80")
    commands = [
        ("lead", "list"),
        ("lead", "list", "--sort", "priority"),
        ("lead", "show", "1"),
        ("lead", "show", "2"),
        ("lead", "show", "3"),
        ("today",),
        ("why", "1"),
        ("task", "list"),
        ("history",),
        ("rule", "list"),
        ("stage", "list"),
        ("target", "list"),
        ("target", "show"),
        ("priority", "show"),
        ("criteria", "show"),
        ("report",),
        ("report", "funnel"),
        ("report", "breakdown", "--by", "source"),
        ("--help",),
        ("lead", "add", "--help"),
    ]
    for colour in ("always", "never"):
        for command in commands:
            result = cli("--color", colour, *command)
            for line in (result.stdout + result.stderr).splitlines():
                assert shown(line) <= 80, (colour, command, line)
            if colour == "never":
                assert "\x1b" not in result.stdout, command


def test_the_card_shows_a_multiline_field_under_itself_and_the_days_once(cli, leads, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = cli("lead", "show", "3").stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("notes"))
    assert lines[at].split() == ["notes", "first", "line"]
    assert lines[at + 1].strip() == "second line" and lines[at + 1].index("second") == lines[at].index("first")
    assert sum("day(s)" in line for line in lines) == 1


def test_output_comes_after_the_commit(cli, add_lead, monkeypatch):
    """A reader that goes away (``salespipe stage move new 1 | true``) cannot undo a change."""
    from salespipe.render import present

    def gone(*args, **kwargs):
        raise BrokenPipeError

    with monkeypatch.context() as patched:
        patched.setattr(present, "present", gone)
        cli("stage", "move", "verified", "1")  # exit 0: the reader left, the change stands
    assert [s["key"] for s in cli.json("stage", "list")][:2] == ["verified", "new"]


def test_piped_report_keeps_every_column_of_a_long_row(cli, add_lead, monkeypatch):
    """Piped output has no width limit: a 300-character name does not push the figures off."""
    monkeypatch.delenv("COLUMNS")
    add_lead("x" * 300, "--value", "5k", "--at", "2026-09-01")
    lines = cli("report", "stale").stdout.splitlines()
    row = next(line for line in lines if "x" * 300 in line)
    assert row.rstrip().endswith("€5,000") and "New (identified)" in row


def test_messages_wrap_text_without_spaces_in_a_wide_script(cli, add_lead, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lead = add_lead("Anna")
    result = cli("task", "add", str(lead), "東京" * 40, "--due", "tomorrow")
    assert all(shown(line) <= 80 for line in result.stderr.splitlines())


def test_a_number_typed_wrong_is_said_in_words(cli):
    assert "'abc' is not a valid whole number" in cli("lead", "add", "X", "--probability", "abc", code=2).stderr
    assert "lower-case letters, digits, - and _" in cli("stage", "add", "a b", code=1).stderr
