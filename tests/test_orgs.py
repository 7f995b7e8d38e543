"""Organisations and people (issue 13 item 1): the matching rule, the migration from company
text, the commands, and linking on lead add/edit and import."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import database_before, dump
from hypothesis import given, settings
from hypothesis import strategies as st

from salespipe.domain.orgs import LEGAL_FORMS, OrgRef, fold, match, org_key, person_key, resolve, split_legal_form

# The matching rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "form"),
    [
        ("ACME GmbH", "acme", "gmbh"),
        ("Acme  gmbh", "acme", "gmbh"),
        ("ACME", "acme", None),
        ("ACME, Inc.", "acme", "inc"),
        ("Acme Incorporated", "acme", "inc"),
        ("Müller GmbH & Co. KG", "müller", "gmbh & co kg"),
        ("Foo S.A.", "foo", "sa"),
        ("Foo Co., Ltd.", "foo", "co ltd"),
        ("GROSSE STRASSE AG", "grosse strasse", "ag"),
        ("Große Straße AG", "grosse strasse", "ag"),
        ("Ｆｏｏ ＧｍｂＨ", "foo", "gmbh"),  # full-width letters: NFKC
        ("AG", "ag", None),  # never the whole name
        ("Company", "company", None),
        ("Alpendruck e.K.", "alpendruck", "ek"),
        ("Alpendruck e. K.", "alpendruck", "ek"),
        ("Max Holz e.Kfm.", "max holz", "ekfm"),
        ("Eva Holz e.Kfr.", "eva holz", "ekfr"),
        ("Kanzlei Roth PartG mbB", "kanzlei roth", "partg mbb"),
        ("Kanzlei Roth PartG", "kanzlei roth", "partg"),
        ("Sportverein e. V.", "sportverein", "ev"),
        ("Winzer eG", "winzer", "eg"),
        ("Hilfe gGmbH", "hilfe", "ggmbh"),
        ("Bau GmbH & Co. KGaA", "bau", "gmbh & co kgaa"),
        ("Bau KGaA", "bau", "kgaa"),
        ("Bau OHG", "bau", "ohg"),
        ("Bau GbR", "bau", "gbr"),
        ("Start UG (haftungsbeschränkt)", "start", "ug (haftungsbeschränkt)"),
    ],
)
def test_key_and_legal_form(name, key, form):
    assert split_legal_form(name) == (key, form)


def _split_as_first_written(name: str) -> tuple[str, str | None]:
    """split_legal_form as it was first written (every tail tried): the reference for the
    faster one."""
    import re

    from salespipe.domain.orgs import _FORMS, _LONGEST, _SAME_FORM

    words = fold(name).split(" ")
    for n in range(min(_LONGEST, len(words) - 1), 0, -1):
        tail = " ".join(w for w in (re.sub(r"[.,]", "", word) for word in words[-n:]) if w)
        if tail in _FORMS:
            rest = " ".join(words[:-n]).rstrip(" ,")
            if rest:
                return rest, _SAME_FORM.get(tail, tail)
    return " ".join(words), None


SPLIT_WORDS = sorted(
    {
        "Acme",
        "Müller",
        "&",
        "Co.",
        "G.m.b.H.",
        ",",
        ".",
        "..",
        " ",
        "e.",
        "V.",
        "Inc.",
        "Ltd.",
        "S.A.",
        "ＧｍｂＨ",
        "x,",
    }
    | {word for form in LEGAL_FORMS for word in form.split()}
    | {word.upper() + "." for form in LEGAL_FORMS for word in form.split()}
)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(SPLIT_WORDS), max_size=7).map(" ".join))
def test_split_legal_form_is_the_same_as_trying_every_tail(name):
    assert split_legal_form.__wrapped__(name) == _split_as_first_written(name)


def test_match_takes_the_same_name_then_the_one_unambiguous_key():
    orgs = [OrgRef(1, "ACME GmbH"), OrgRef(2, "Müller GmbH"), OrgRef(3, "Müller AG")]
    assert match("acme  GMBH", orgs) == 1  # the same name, case and spacing aside
    assert match("ACME", orgs) == 1  # the key, one candidate
    assert match("Acme Inc.", orgs) is None  # another legal form: not the GmbH
    assert match("Müller", orgs) is None  # two candidates: never a guess
    assert match("Müller AG", orgs) == 3
    assert match("Müller KG", orgs) is None


def test_resolve_decides_named_forms_first():
    mapping, new = resolve(["ACME", "Müller", "ACME GmbH", "Acme gmbh", "Müller GmbH", "Müller AG"], [], 10)
    assert new == ["ACME GmbH", "Müller GmbH", "Müller AG", "Müller"]
    assert mapping == {"ACME GmbH": 10, "Acme gmbh": 10, "ACME": 10, "Müller GmbH": 11, "Müller AG": 12, "Müller": 13}


def test_person_key():
    assert person_key("Jörg", "J@Acme.DE ") == "e:j@acme.de"
    assert person_key("JÖRG  Weiß", None) == "n:jörg weiss"
    assert person_key(None, None) is None and person_key(" ", "") is None


names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=25)
FORMS = ["GmbH", "AG", "Inc.", "Ltd", "LLC", "SE", "KG", "GmbH & Co. KG", "S.A.", "SARL", "B.V.", "plc", "Corp."]


@given(names)
def test_fold_is_idempotent_and_ignores_spacing(name):
    assert fold(fold(name)) == fold(name)
    assert org_key("  " + name.replace(" ", " \t ") + "  ") == org_key(name)


@given(names.filter(lambda n: fold(n).strip(" ,") and split_legal_form(n)[1] is None), st.sampled_from(FORMS))
def test_a_trailing_legal_form_is_trimmed(name, form):
    key, found = split_legal_form(f"{name} {form}")
    assert key == org_key(name).rstrip(" ,")
    assert found is not None


@given(
    st.lists(
        st.sampled_from(["ACME", "Acme GmbH", "ACME gmbh", "acme Inc", "Beta", "Beta AG", "Beta KG", "beta"]),
        min_size=1,
        max_size=8,
    ),
    st.randoms(),
)
def test_resolve_is_the_same_in_any_order(names_, rnd):
    mapping, new = resolve(names_, [], 1)
    shuffled = list(names_)
    rnd.shuffle(shuffled)
    other, other_new = resolve(shuffled, [], 1)
    assert len(new) == len(other_new)
    # the same partition of names into organisations
    assert {frozenset(n for n in mapping if mapping[n] == i) for i in mapping.values()} == {
        frozenset(n for n in other if other[n] == i) for i in other.values()
    }
    # names that fold alike always share one
    for a in names_:
        for b in names_:
            if fold(a) == fold(b):
                assert mapping[a] == mapping[b]


# The migration -------------------------------------------------------------------------------------


def test_a_schema_13_database_gets_organisations_without_losing_text(tmp_path, cli):
    from salespipe.store.db import connect

    path = tmp_path / "old.db"
    conn = database_before(path, "m014_create_orgs_and_people", 13)
    rows = [
        ("A", "ACME GmbH", "Jörg Weiß", "j@acme.de"),
        ("B", "Acme gmbh", "JÖRG WEISS", None),  # the same person, by name
        ("C", "ACME", "Eva", None),
        ("D", "Müller GmbH", None, None),
        ("E", "Müller AG", "Max", None),
        ("F", "Müller", None, "info@mueller.de"),  # two Müllers: a third organisation
        ("G", None, "Solo", None),  # no company: stays unlinked
        ("H", "ACME GmbH", "jörg weiß", "J@ACME.de"),
    ]
    for i, (title, company, contact, email) in enumerate(rows, 1):
        at = f"2026-11-0{i}T09:00:00Z"
        conn.execute(
            "INSERT INTO leads (title, company, contact_name, email, stage, value_minor, currency, created_at, "
            "updated_at, stage_entered_at) VALUES (?, ?, ?, ?, 'new', 100, 'EUR', ?, ?, ?)",
            (title, company, contact, email, at, at, at),
        )
    text_before = conn.execute("SELECT id, title, company, contact_name, email FROM leads ORDER BY id").fetchall()
    conn.close()
    connect(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 14
    assert (
        conn.execute("SELECT id, title, company, contact_name, email FROM leads ORDER BY id").fetchall() == text_before
    )
    assert conn.execute("SELECT id, name, name_key, created_at FROM orgs ORDER BY id").fetchall() == [
        (1, "ACME GmbH", "acme", "2026-11-01T09:00:00Z"),
        (2, "Müller GmbH", "müller", "2026-11-04T09:00:00Z"),
        (3, "Müller AG", "müller", "2026-11-05T09:00:00Z"),
        (4, "Müller", "müller", "2026-11-06T09:00:00Z"),
    ]
    assert conn.execute("SELECT id, org_id, name, email FROM people ORDER BY id").fetchall() == [
        (1, 1, "Jörg Weiß", "j@acme.de"),
        (2, 1, "Eva", None),
        (3, 3, "Max", None),
        (4, 4, "info@mueller.de", "info@mueller.de"),
    ]
    assert conn.execute("SELECT title, org_id, person_id FROM leads ORDER BY id").fetchall() == [
        ("A", 1, 1),
        ("B", 1, 1),
        ("C", 1, 2),
        ("D", 2, None),
        ("E", 3, 3),
        ("F", 4, 4),
        ("G", None, None),
        ("H", 1, 1),
    ]
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"journal_orgs_insert", "journal_people_update", "journal_leads_update"} <= triggers
    conn.close()
    # the journal's row images name the new columns: an edit that relinks is undone exactly
    before = dump(path)
    cli("--db", str(path), "lead", "edit", "3", "--company", "Beta SE")
    assert cli.json("--db", str(path), "lead", "show", "3")["org"]["name"] == "Beta SE"
    cli("--db", str(path), "undo", "--yes")
    assert dump(path) == before


# The commands --------------------------------------------------------------------------------------

ORG_KEYS = [
    "id",
    "name",
    "website",
    "notes",
    "checkin_days",
    "currency",
    "deals",
    "open_deals",
    "open_value",
    "nurtured_deals",
    "won_deals",
    "won_value",
    "lost_deals",
    "other_currency_deals",
    "people",
    "created_at",
    "updated_at",
]
PERSON_KEYS = ["id", "name", "org_id", "org", "email", "phone", "role", "notes", "deals", "created_at", "updated_at"]


def test_org_add_list_show_edit(cli, add_lead):
    org = cli.json("org", "add", "Bergwerk GmbH", "--website", "bergwerk.de")
    assert list(org) == ORG_KEYS and org["id"] == 1 and org["deals"] == 0
    assert "has that name already" in cli("org", "add", "  bergwerk   GMBH ", code=1).stderr
    won = add_lead("Rollout", "--company", "BERGWERK", "--contact", "Anna Berger", "--value", "12000")
    cli("close", str(won), "--won", "--yes")
    add_lead("Extension", "--company", "Bergwerk GmbH", "--contact", "anna berger", "--value", "3000")
    lost = add_lead("Pilot", "--company", "bergwerk gmbh", "--value", "500")
    cli("close", str(lost), "--lost", "--yes")
    add_lead("Other", "--company", "Stahl AG", "--value", "9000")
    cli("log", str(won), "--call", "kick-off planned")
    listed = cli.json("org", "list")
    assert [
        (o["name"], o["deals"], o["open_value"], o["won_deals"], o["won_value"], o["lost_deals"], o["people"])
        for o in listed
    ] == [("Bergwerk GmbH", 3, 3000, 1, 12000, 1, 1), ("Stahl AG", 1, 9000, 0, 0, 0, 0)]
    assert [o["name"] for o in cli.json("org", "list", "--sort", "value")] == ["Stahl AG", "Bergwerk GmbH"]
    assert cli("org", "list", "--csv").stdout.splitlines()[0] == ",".join(ORG_KEYS)
    card = cli.json("org", "show", "bergwerk")
    assert list(card) == ["org", "deals", "people", "activities"]
    assert [d["title"] for d in card["deals"]] == ["Rollout", "Extension", "Pilot"]
    assert [p["name"] for p in card["people"]] == ["Anna Berger"] and card["people"][0]["deals"] == 2
    assert [(a["lead_id"], a["text"]) for a in card["activities"]] == [(won, "kick-off planned")]
    human = cli("org", "show", "1").stdout
    assert "1 deal(s), €12,000" in human and "Anna Berger" in human
    edited = cli.json("org", "edit", "1", "--name", "Bergwerk AG", "--notes", "key account")
    assert edited["changes"] == [
        {"field": "name", "from": "Bergwerk GmbH", "to": "Bergwerk AG"},
        {"field": "notes", "from": None, "to": "key account"},
    ]
    assert cli.json("lead", "show", str(won))["company"] == "BERGWERK"  # the text stays as written
    assert "nothing to change" in cli("org", "edit", "1", code=1).stderr
    assert "no organisation with id 9" in cli("org", "show", "9", code=1).stderr


def test_org_add_and_merge_are_undone(cli, add_lead, db_path):
    cli("org", "add", "ACME GmbH")
    before_add = dump(db_path)
    cli("org", "add", "ACME Inc.", "--website", "acme.com", "--notes", "US arm")
    cli("undo", "--yes")
    assert dump(db_path) == before_add
    a = add_lead("Deal A", "--company", "ACME GmbH")
    b = add_lead("Deal B", "--company", "ACME Inc.", "--contact", "Bob")
    before = dump(db_path)
    merged = cli.json("org", "merge", "ACME Inc.", "1")
    assert (merged["merged"]["name"], merged["deals_moved"], merged["people_moved"]) == ("ACME Inc.", 1, 1)
    assert merged["into"]["deals"] == 2 and merged["into"]["website"] is None
    assert merged["into"]["notes"] == "Merged from #2 ACME Inc. (2026-11-26)"
    assert cli.json("lead", "show", str(b))["org"] == {"id": 1, "name": "ACME GmbH"}
    assert [o["id"] for o in cli.json("org", "list")] == [1]
    cli("undo", "--yes")
    assert dump(db_path) == before
    assert cli.json("lead", "show", str(a))["org"]["id"] == 1
    assert "the same organisation" in cli("org", "merge", "1", "1", code=1).stderr


def test_people(cli, add_lead):
    person = cli.json("person", "add", "Anna Berger", "--org", "Bergwerk GmbH", "--role", "CFO", "--email", "a@b.de")
    assert list(person) == [*PERSON_KEYS, "org_created"]
    assert (person["org"], person["org_created"], person["role"]) == ("Bergwerk GmbH", True, "CFO")
    lead = add_lead("Deal", "--company", "bergwerk gmbh", "--email", "A@B.de")
    assert cli.json("lead", "show", str(lead))["person"] == {"id": 1, "name": "Anna Berger"}
    assert [p["name"] for p in cli.json("person", "list", "--org", "1")] == ["Anna Berger"]
    assert cli("person", "list", "--csv").stdout.splitlines()[0] == ",".join(PERSON_KEYS)
    card = cli.json("person", "show", "anna berger")
    assert card["person"]["deals"] == 1 and [d["id"] for d in card["deals"]] == [lead]
    edited = cli.json("person", "edit", "1", "--role", "CEO", "--clear", "email")
    assert edited["changes"] == [
        {"field": "email", "from": "a@b.de", "to": None},
        {"field": "role", "from": "CFO", "to": "CEO"},
    ]
    assert "not an e-mail address" in cli("person", "add", "X", "--email", "nope", code=1).stderr
    assert "no person with id 5" in cli("person", "show", "5", code=1).stderr
    result = cli("person", "add", "", code=2)
    assert "empty value" in result.stderr


def test_lead_add_and_edit_link_and_relink(cli, add_lead):
    lead = add_lead("Deal", "--company", "ACME GmbH", "--contact", "Jo")
    shown = cli.json("lead", "show", str(lead))
    assert (shown["org_id"], shown["person_id"]) == (1, 1)
    assert {"org_id", "person_id"} <= set(cli.json("lead", "list")[0])
    cli("lead", "edit", str(lead), "--name", "Renamed")  # the title alone: the links stay
    assert cli.json("org", "list")[0]["deals"] == 1 and len(cli.json("org", "list")) == 1
    cli("lead", "edit", str(lead), "--company", "Beta AG")
    shown = cli.json("lead", "show", str(lead))
    assert shown["org"]["name"] == "Beta AG" and shown["person"] == {"id": 2, "name": "Jo"}
    cli("lead", "edit", str(lead), "--contact", "Max")  # the person alone is relinked
    shown = cli.json("lead", "show", str(lead))
    assert shown["org"]["name"] == "Beta AG" and shown["person"] == {"id": 3, "name": "Max"}
    cli("lead", "edit", str(lead), "--clear", "company")
    shown = cli.json("lead", "show", str(lead))
    assert (shown["org"], shown["person"]) == (None, None)
    solo = add_lead("Solo", "--contact", "Nobody")  # no company: no links
    assert cli.json("lead", "show", str(solo))["org_id"] is None


def test_import_links_and_reports(cli, add_lead, tmp_path, db_path):
    add_lead("Old", "--company", "ACME GmbH", "--contact", "Jo", "--email", "jo@acme.de")
    f = tmp_path / "leads.csv"
    f.write_text(
        "name,company,contact,email,amount\n"
        "N1,Acme gmbh,JO,,1\n"
        "N2,ACME,Eva,eva@acme.de,2\n"
        "N3,Beta AG,,,3\n"
        "N4,beta ag,Max,max@beta.de,4\n"
        "N5,,Solo,solo@x.de,5\n",
        encoding="utf-8",
    )
    before = dump(db_path)
    dry = cli("import", str(f), "--dry-run").stderr
    assert "Organisations: 1 new, 1 already stored; people: 2 new, 1 already stored" in dry
    assert dump(db_path) == before
    summary = json.loads(cli("import", str(f), "--json").stdout)
    assert {k: summary[k] for k in ("orgs_created", "orgs_matched", "people_created", "people_matched")} == {
        "orgs_created": 1,
        "orgs_matched": 1,
        "people_created": 2,
        "people_matched": 1,
    }
    deals = {d["title"]: (d["org_id"], d["person_id"]) for d in cli.json("lead", "list")}
    assert deals == {"Old": (1, 1), "N1": (1, 1), "N2": (1, 2), "N3": (2, None), "N4": (2, 3), "N5": (None, None)}
    cli("undo", "--yes")
    assert dump(db_path) == before


def test_erase_takes_the_lone_person_and_organisation(cli, add_lead, db_path):
    keep = add_lead("Keep", "--company", "Shared GmbH", "--contact", "Eva")
    gone = add_lead("Gone", "--company", "Anna Berger Consulting", "--contact", "Anna Berger", "--email", "a@b.de")
    shared = add_lead("Also", "--company", "Shared GmbH", "--contact", "Max")
    result = json.loads(cli("erase", str(gone), "--yes", "--json").stdout)
    assert (result["removed"]["people"], result["removed"]["orgs"]) == (1, 1)
    text = "\n".join(dump(db_path))
    assert "Anna Berger" not in text and "a@b.de" not in text
    result = json.loads(cli("erase", str(shared), "--yes", "--json").stdout)
    assert (result["removed"]["people"], result["removed"]["orgs"]) == (1, 0)  # Shared GmbH has Keep
    assert cli.json("lead", "show", str(keep))["org"]["name"] == "Shared GmbH"


def test_export_all_carries_orgs_and_people(cli, add_lead, tmp_path, db_path):
    add_lead("Deal", "--company", "ACME GmbH", "--contact", "Jo")
    cli("person", "add", "Eva", "--org", "1", "--role", "CTO")
    out = tmp_path / "all.json"
    cli("export", "--all", "--out", str(out))
    data = json.loads(out.read_text())
    assert [o["name"] for o in data["tables"]["orgs"]] == ["ACME GmbH"]
    assert [p["name"] for p in data["tables"]["people"]] == ["Jo", "Eva"]
    copy = tmp_path / "copy.db"
    cli("--db", str(copy), "import", str(out))
    assert cli.json("--db", str(copy), "org", "show", "1") == cli.json("org", "show", "1")


def test_hostile_names_are_escaped(cli, add_lead):
    add_lead("Deal", "--company", "Evil\x1b[31m Corp\u202e")
    out = cli("org", "list").stdout
    assert "\x1b" not in out and "\u202e" not in out and "\\x1b" in out
    out = cli("org", "show", "1").stdout
    assert "\x1b" not in out and "\u202e" not in out
    result = cli("org", "show", "nope\x1b[2J", code=1)
    assert "\x1b" not in result.stderr and result.stderr.count("\n") == 1


# Review findings (issue 13 item 1) -------------------------------------------------------------------


def test_digits_that_are_not_ascii_are_no_ids(cli, add_lead, tmp_path, monkeypatch):
    add_lead("Deal", "--company", "ACME GmbH", "--contact", "Jo")
    for command in (("org", "show"), ("person", "show"), ("journey",)):
        result = cli(*command, "²", code=1)  # '²'.isdigit() is true, int('²') fails: a name, not found
        assert "no " in result.stderr and "bug" not in result.stderr and result.stderr.count("\n") == 1
    assert "is not an id" in cli("lead", "show", "²", code=2).stderr
    assert "is not an id" in cli("lead", "show", "#१२", code=2).stderr  # Devanagari digits are no id either
    monkeypatch.setenv("COLUMNS", "²")  # not a width: the default
    assert "ACME GmbH" in cli("org", "list").stdout
    out = tmp_path / "all.json"
    cli("export", "--all", "--out", str(out))
    data = json.loads(out.read_text())
    data["tables"]["settings"].append({"key": "journal.keep", "value": "²"})
    out.write_text(json.dumps(data))
    assert "is not a count" in cli("--db", str(tmp_path / "new.db"), "import", str(out), code=1).stderr


def test_a_bare_organisation_takes_one_legal_form_only():
    bare = OrgRef(1, "Müller")
    assert match("Müller AG", [bare]) == 1
    taken = OrgRef(1, "Müller", frozenset({"ag"}))  # a deal of it is "Müller AG"
    assert match("Müller A.G.", [taken]) == 1 and match("Müller GmbH", [taken]) is None
    assert match("MÜLLER", [taken]) == 1
    # the same key and form first: no guess between "Müller AG" and the bare one
    assert match("Müller A.G.", [OrgRef(1, "Müller"), OrgRef(2, "Müller AG")]) == 2
    assert match("MÜLLER", [OrgRef(1, "Müller AG"), OrgRef(2, "Müller"), OrgRef(3, "Müller GmbH")]) == 2
    # in bulk: two legal forms brought to a bare organisation take it in no order
    for names_ in (["Müller AG", "Müller GmbH"], ["Müller GmbH", "Müller AG"]):
        mapping, new = resolve(names_, [bare], 5)
        assert (mapping["Müller AG"], mapping["Müller GmbH"]) == ((5, 6) if names_[0] == "Müller AG" else (6, 5))
        assert sorted(new) == ["Müller AG", "Müller GmbH"]
    assert resolve(["Müller A.G.", "Müller AG", "Müller"], [bare], 5) == (
        {"Müller A.G.": 1, "Müller AG": 1, "Müller": 1},
        [],
    )
    mapping, new = resolve(["Müller AG", "Müller GmbH"], [OrgRef(1, "Müller", frozenset({"ag"}))], 5)
    assert mapping == {"Müller AG": 1, "Müller GmbH": 5} and new == ["Müller GmbH"]


STORED = [
    OrgRef(1, "Müller"),
    OrgRef(2, "Müller", frozenset({"ag"})),
    OrgRef(3, "Müller AG"),
    OrgRef(4, "ACME", frozenset({"gmbh"})),
    OrgRef(5, "ACME Inc."),
    OrgRef(6, "Beta"),
    OrgRef(7, "Beta, Ltd"),
]
NAMES = [
    "Müller",
    "müller",
    "Müller AG",
    "Müller A.G.",
    "Müller GmbH",
    "Müller KG",
    "ACME",
    "ACME GmbH",
    "acme inc",
    "ACME SE",
    "Beta",
    "BETA ,",
    "Beta AG",
    "Beta GmbH",
    "Beta Ltd.",
    "Gamma",
    "Gamma AG",
]


@given(
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=10),
    st.lists(st.sampled_from(STORED), max_size=4, unique=True),
    st.randoms(),
)
def test_resolve_with_stored_organisations_is_the_same_in_any_order(names_, stored, rnd):
    def partition(mapping):
        return {(frozenset(n for n in mapping if mapping[n] == i), i if i < 100 else None) for i in mapping.values()}

    shuffled = list(names_)
    rnd.shuffle(shuffled)
    (mapping, new), (other, other_new) = (
        resolve(names_, stored, 100),
        resolve(shuffled, rnd.sample(stored, len(stored)), 100),
    )
    assert partition(mapping) == partition(other) and len(new) == len(other_new)
    for org_id in mapping.values():  # never two legal forms in one organisation made now
        if org_id >= 100:
            assert len({split_legal_form(n)[1] for n in mapping if mapping[n] == org_id} - {None}) <= 1


def test_the_order_of_lead_add_no_longer_merges_legal_forms(cli, add_lead):
    for company in ("Müller", "Müller AG", "Müller GmbH", "müller ag"):
        add_lead(f"Deal {company}", "--company", company)
    assert [(o["id"], o["name"], o["deals"]) for o in cli.json("org", "list")] == [
        (1, "Müller", 3),  # Müller, Müller AG, müller ag
        (2, "Müller GmbH", 1),
    ]


def test_a_new_person_takes_the_first_e_mail_and_phone_of_their_leads(cli, tmp_path):
    f = tmp_path / "leads.csv"
    f.write_text(
        "name,company,email,contact,phone\n"
        "D1,ACME GmbH,,Al Smith,\n"
        "D2,ACME GmbH,al@acme.de,Al Smith,\n"
        "D3,ACME GmbH,,al smith,+49 30 1234\n"
        "D4,ACME GmbH,,Bo Bauer,\n",
        encoding="utf-8",
    )
    cli("import", str(f), "-q")
    people = [(p["name"], p["org"], p["email"], p["phone"], p["deals"]) for p in cli.json("person", "list")]
    assert people == [
        ("Al Smith", "ACME GmbH", "al@acme.de", "+49 30 1234", 3),  # D1's name, D2's e-mail, D3's phone
        ("Bo Bauer", "ACME GmbH", None, None, 1),
    ]


def test_org_add_and_rename_refuse_a_name_matching_takes_for_another(cli, db_path):
    cli("org", "add", "Müller GmbH")
    cli("org", "add", "Müller AG")  # another legal form: another organisation
    before = dump(db_path)
    for args in (("org", "add", "Müller  gmbh."), ("org", "edit", "2", "--name", "MÜLLER G.m.b.H.")):
        result = cli(*args, code=1)
        assert result.stderr.count("\n") == 1
        assert "organisation #1 'Müller GmbH' has that name already" in result.stderr
    assert dump(db_path) == before
    cli("org", "edit", "1", "--name", "Müller gmbh")  # its own name, another spelling
    assert "#2 'Müller AG' has that name" in cli("org", "add", "müller a.g.", code=1).stderr


def test_an_org_given_by_an_ambiguous_name_is_refused(cli, db_path):
    cli("org", "add", "Müller GmbH")
    cli("org", "add", "Müller AG")
    before = dump(db_path)
    for args in (("person", "add", "Eva", "--org", "Müller"), ("person", "list", "--org", "müller")):
        result = cli(*args, code=1)
        assert "alike: #1 Müller GmbH, #2 Müller AG; give the id" in result.stderr
        assert result.stderr.count("\n") == 1
    assert dump(db_path) == before
    cli("person", "add", "Eva", "--org", "1")
    assert "alike: #1 Müller GmbH" in cli("person", "edit", "1", "--org", "MÜLLER", code=1).stderr
    made = cli.json("person", "add", "Max", "--org", "Müller KG")  # no candidate: a new organisation
    assert (made["org"], made["org_created"]) == ("Müller KG", True)
    assert cli.json("person", "add", "Jo", "--org", "müller ag")["org_id"] == 2


def test_a_name_of_digits_is_given_with_name_prefix(cli, add_lead):
    add_lead("Sponsoring", "--company", "1860")
    cli("org", "add", "Bergwerk GmbH")
    result = cli("org", "show", "1860", code=1)
    assert result.stderr.count("\n") == 1
    assert "no organisation with id 1860" in result.stderr and "#1 is named '1860': give name:1860" in result.stderr
    assert cli.json("org", "show", "name:1860")["org"]["id"] == 1
    assert cli.json("org", "show", " NAME:bergwerk")["org"]["id"] == 2
    assert cli.json("person", "add", "Eva", "--org", "name:1860")["org_id"] == 1
    assert "no organisation with id 7 (salespipe org list" in cli("org", "show", "7", code=1).stderr
    assert "no organisation '42'" in cli("org", "show", "name:42", code=1).stderr


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Müller", "ACME", "Straße Bau", "STRASSE bau", "Nord  Data", "1860"]),
            st.sampled_from(["", " GmbH", " AG", " gmbh", " G.m.b.H.", ", Inc.", " e.K.", "  "]),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 3),
)
def test_linking_in_sql_decides_as_resolve_does(tmp_path_factory, pairs, stored):
    """store.orgs.link_leads decides the simple keys in SQL and the rest with resolve: the
    organisations and links it makes are the ones resolve makes of all the names at once
    (with some organisations stored before)."""
    from salespipe.store.db import connect
    from salespipe.store.orgs import link_leads, org_refs

    names = [base + form for base, form in pairs]
    conn = connect(tmp_path_factory.mktemp("link") / "l.db")
    conn.execute("BEGIN")
    for i, name in enumerate(names, 1):
        conn.execute(
            "INSERT INTO leads (id, title, company, stage, created_at, updated_at, stage_entered_at) "
            "VALUES (?, ?, ?, 'new', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            (i, f"L{i}", name),
        )
    link_leads(conn, 1, stored + 1, at="2026-02-01T00:00:00Z")  # the first few make stored organisations
    before = conn.execute("SELECT id, name FROM orgs ORDER BY id").fetchall()
    later = list(dict.fromkeys(n for n in names[stored:] if fold(n)))
    first_org = (before[-1][0] + 1) if before else 1
    expected, new = resolve(later, org_refs(conn, {org_key(n) for n in later}), first_org)
    got = link_leads(conn, stored + 1, len(names) + 1, at="2026-03-01T00:00:00Z")
    assert got.orgs_created == len(new)
    assert [tuple(r) for r in conn.execute("SELECT id, name FROM orgs WHERE id >= ? ORDER BY id", (first_org,))] == [
        (first_org + i, n) for i, n in enumerate(new)
    ]
    for company, org_id in conn.execute("SELECT company, org_id FROM leads WHERE id > ?", (stored,)):
        assert org_id == expected.get(company), (company, org_id)
    conn.execute("ROLLBACK")
    conn.close()
