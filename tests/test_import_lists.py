"""Lead and contact lists (tests/fixtures/lists, all data invented): what a rep expects from a plain
``salespipe import FILE``, written down before the files were first imported (see the README there)."""

import json
from pathlib import Path

import pytest

from salespipe.domain.import_columns import ColumnProfile, match_header, suggest_field
from salespipe.domain.importing import _tags

LISTS = Path(__file__).parent / "fixtures" / "lists"

# file -> (rows, inserted, [(line, duplicate_of_line)])
COUNTS = {
    "apollo_people.csv": (9, 8, [(7, 2)]),
    "google_contacts.csv": (8, 7, [(6, 3)]),
    "outlook_contacts.csv": (7, 6, [(7, 4)]),
    "mailchimp_audience.csv": (7, 6, [(6, 2)]),
    "hubspot_contacts.csv": (8, 7, [(6, 2)]),
    "badge_scans.csv": (8, 7, [(5, 2)]),
    "linkedin_connections.csv": (7, 7, []),
    "lusha_contacts.csv": (7, 6, [(6, 2)]),
}


def imported(cli, tmp_path, name):
    out = cli("import", str(LISTS / name), "--rejects", str(tmp_path / "r.csv"), "--json")
    summary = json.loads(out.stdout)
    leads = {lead["title"]: lead for lead in cli.json("lead", "list", "--all")}
    return summary, leads


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_each_list_imports_without_flags(cli, tmp_path, name):
    rows, inserted, duplicates = COUNTS[name]
    summary, leads = imported(cli, tmp_path, name)
    assert (summary["rows"], summary["inserted"], summary["rejected"]) == (rows, inserted, 0)
    assert [(d["line"], d["duplicate_of_line"]) for d in summary["duplicates"]] == duplicates
    assert len(cli.json("lead", "list", "--all")) == inserted
    assert {lead["stage"] for lead in leads.values()} <= {"new", "verified", "lost"}


def test_google_contacts_numbered_columns(cli, tmp_path):
    _, leads = imported(cli, tmp_path, "google_contacts.csv")
    marta = leads["Marta Nowak"]
    assert marta["email"] == "marta.nowak@wisla.example"
    assert marta["phone"] == "+48 22 555 0101"
    assert marta["company"] == "Wisła Components Sp. z o.o."
    assert marta["contact_name"] == "Marta Nowak"
    pedro = leads["Pedro Álvarez"]
    assert pedro["contact_name"] == "Pedro Álvarez"
    assert leads["Kranich Logistik GmbH"]["email"] == "info@kranich.example"


def test_lusha_numbered_email_and_phone(cli, tmp_path):
    _, leads = imported(cli, tmp_path, "lusha_contacts.csv")
    oskar = leads["Oskar Wiśniewski"]
    assert (oskar["email"], oskar["phone"]) == ("oskar.w@balticrail.example", "+48 58 555 0101")
    assert leads["Thomas Berger"]["email"] is None


def test_apollo_state_is_a_place_not_a_stage(cli, tmp_path):
    _, leads = imported(cli, tmp_path, "apollo_people.csv")
    lena = leads["Lena Vogt"]
    assert lena["stage"] == "new"
    assert lena["fields"]["State"] == "Berlin"
    assert lena["fields"]["Title"] == "Head of Procurement"
    assert lena["phone"] == "+49 30 5550101"  # First Phone, Apollo's primary number
    assert leads["Nakamura"]["contact_name"] == "Nakamura"


def test_mailchimp_tags_lose_their_quotes(cli, tmp_path):
    _, leads = imported(cli, tmp_path, "mailchimp_audience.csv")
    assert leads["Greta Lind"]["tags"] == ["Newsletter", "Webinar 2024"]
    assert leads["Yusuf Demir"]["tags"] == ["Trade fair", "Newsletter"]
    assert leads["Delta Tools Ltd"]["email"] == "sam@delta.example"


def test_hubspot_contacts_lead_status_and_owner(cli, tmp_path):
    _, leads = imported(cli, tmp_path, "hubspot_contacts.csv")
    assert leads["Emma Jensen"]["stage"] == "lost"  # Lead Status "Unqualified"
    assert leads["Lukas Gruber"]["stage"] == "verified"  # "Connected"
    assert leads["Nina Horvat"]["stage"] == "new"  # "Attempted to Contact"
    assert leads["Maja Kowalczyk"]["external_id"] == "5101"


def test_badge_scans_and_linkedin(cli, tmp_path):
    _, leads = imported(cli, tmp_path, "badge_scans.csv")
    assert leads["Carlos Mendes"]["company"] == "Atlântico Pescados Lda"
    assert leads["Fatima Haddad"]["fields"]["Job Title"] == "Export Manager"
    assert leads["Fatima Haddad"]["created_at"].startswith("2024-04-16")


def test_linkedin_two_profiles_of_one_name_stay_two(cli, tmp_path):
    summary, _ = imported(cli, tmp_path, "linkedin_connections.csv")
    rows = cli.json("lead", "list", "--all")
    assert sorted(l["fields"]["Position"] for l in rows if l["title"] == "Priya Raman") == [
        "Head of Partnerships",
        "Product Manager",
    ]


# The mechanisms, directly --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mail 1 - Value", "email"),
        ("Phone 1 - Value", "phone"),
        ("Organization 1 - Name", "company"),
        ("Email 1", "email"),
        ("Phone 1", "phone"),
        ("First Phone", "phone"),
        ("Contact owner", "owner"),
        ("OPTIN_TIME", "created"),
        ("Connected On", "created"),
        ("Scan Date/Time", "created"),
    ],
)
def test_list_headers(header, field):
    assert match_header(header)[0] == field


@pytest.mark.parametrize("header", ["E-mail 2 - Value", "Organization 1 - Title", "Email 1 Type", "Phone 2"])
def test_second_and_typed_columns_stay_custom(header):
    assert match_header(header) is None


def test_phone_numbers_are_no_deal_value():
    profile = ColumnProfile("Phone 2 - Value", ["+48 600 555 102", "+47 22 55 50 11", "+49 151 5550150"])
    assert suggest_field(profile, {"value"}) is None


def test_quoted_tags():
    assert _tags('"Newsletter","Webinar 2024"') == ["Newsletter", "Webinar 2024"]
    assert _tags("a; 'b'") == ["a", "'b'"]  # a lone quote is text


def test_a_full_name_column_is_the_title_and_the_contact(cli, tmp_path):
    """A list whose only name column is "Full Name" (a person): the lead is called by it and its
    contact is that person, linked at the company; "Name" in a deal export stays the deal's name,
    and beside a contact column the full name is not copied over it."""
    people = tmp_path / "people.csv"
    people.write_text(
        "Full Name,Company,Email,Job Title\n"
        "Anna Berger,Bergwerk GmbH,anna@bergwerk.example,CEO\n"
        "Tom Li,,tom@li.example,CTO\n",
        encoding="utf-8",
    )
    cli("import", str(people))
    leads = {lead["title"]: lead for lead in cli.json("lead", "list", "--all")}
    assert {t: (lead["contact_name"], lead["company"]) for t, lead in leads.items()} == {
        "Anna Berger": ("Anna Berger", "Bergwerk GmbH"),
        "Tom Li": ("Tom Li", None),
    }
    assert [p["name"] for p in cli.json("person", "list")] == ["Anna Berger"]
    deals = tmp_path / "deals.csv"
    deals.write_text("Name,Company,Stage,Amount\nCRM rollout,Kranich AG,Proposal,12000\n", encoding="utf-8")
    cli("import", str(deals))
    assert cli.json("lead", "show", "3")["contact_name"] is None
    both = tmp_path / "both.csv"
    both.write_text("Full Name,Contact,Company\nPilot project,Eva Stein,Talsperre AG\n", encoding="utf-8")
    cli("import", str(both))
    assert (cli.json("lead", "show", "4")["title"], cli.json("lead", "show", "4")["contact_name"]) == (
        "Pilot project",
        "Eva Stein",
    )
