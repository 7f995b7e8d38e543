"""`salespipe person ...`: contact persons: add, list, show, edit."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli import completion
from salespipe.cli.common import (
    CsvOpt,
    JsonOpt,
    NotesOpt,
    database,
    emit_json,
    info,
    now,
    output_format,
    pipeline_locale,
    refuse_empty,
    show,
)

app = typer.Typer(help="People: the contacts at your organisations.", no_args_is_help=True)

PersonRef = Annotated[
    str,
    typer.Argument(
        metavar="PERSON",
        help="The person's id (or name, where only one person has it).",
        show_default=False,
        autocompletion=completion.person_ids,
    ),
]
OrgOpt = Annotated[
    str | None,
    typer.Option(
        "--org",
        metavar="ORG",
        help="Their organisation: an id, or a name (made when no organisation matches; name:1860 for digits).",
        autocompletion=completion.org_names,
    ),
]
EmailOpt = Annotated[str | None, typer.Option("--email", help="E-mail address.")]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="Phone number.")]
RoleOpt = Annotated[str | None, typer.Option("--role", help="Their role: Head of purchasing.")]


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The person's name.")],
    org: OrgOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    role: RoleOpt = None,
    notes: NotesOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Add a person, at an organisation or none.

    Example: salespipe person add "Anna Berger" --org "Bergwerk GmbH" --role CFO
    """
    from salespipe.render.orgs import person_record
    from salespipe.services import orgs

    refuse_empty(("NAME", name), ("--org", org), ("--email", email), ("--phone", phone), ("--role", role))
    with database(ctx) as conn:
        person, made = orgs.add_person(conn, name, now=now(), org=org, email=email, phone=phone, role=role, notes=notes)
    record = person_record({**person, "deals": 0})
    if json_:
        emit_json({**record, "org_created": made})
    else:
        at = (
            f" at #{record['org_id']} {record['org']}" + (" (a new organisation)" if made else "")
            if record["org"]
            else ""
        )
        info(f"Added person #{record['id']} {record['name']}{at}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    org: Annotated[
        str | None,
        typer.Option(
            "--org", metavar="ORG", help="Only the people of this organisation.", autocompletion=completion.org_refs
        ),
    ] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List people, by name.

    Example: salespipe person list --org 3
    """
    from salespipe.render.orgs import person_list_view
    from salespipe.services import orgs

    fmt = output_format(json_, csv_)
    refuse_empty(("--org", org))
    with database(ctx, write=False) as conn:
        rows = orgs.list_people(conn, org=org)
        loc = pipeline_locale(conn)
    show(ctx, person_list_view(rows, loc=loc), fmt)


@app.command("show")
def show_(ctx: typer.Context, person: PersonRef, json_: JsonOpt = False) -> None:
    """Show a person and their deals.

    Example: salespipe person show 7
    """
    from salespipe.render.orgs import person_card_view
    from salespipe.services import orgs

    with database(ctx, write=False) as conn:
        card = orgs.show_person(conn, person)
        loc = pipeline_locale(conn)
    show(ctx, person_card_view(card, loc=loc), output_format(json_))


@app.command("edit")
def edit(
    ctx: typer.Context,
    person: PersonRef,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    org: OrgOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    role: RoleOpt = None,
    notes: NotesOpt = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            metavar="FIELD",
            help="Empty org, email, phone, role or notes.",
            autocompletion=completion.choices("org", "email", "phone", "role", "notes"),
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Change a person's details (their deals stay linked).

    Example: salespipe person edit 7 --role "Head of purchasing"
    """
    from salespipe.render.orgs import PERSON_KEYS, changes_of, edited_lines, person_record
    from salespipe.services import orgs

    refuse_empty(("--name", name), ("--org", org), ("--email", email), ("--phone", phone), ("--role", role))
    with database(ctx) as conn:
        before, after = orgs.edit_person(
            conn, person, now=now(), clear=clear, name=name, org=org, email=email, phone=phone, role=role, notes=notes
        )
        deals = len(orgs.show_person(conn, str(after["id"]))["deals"])
    old, new = person_record({**before, "deals": deals}), person_record({**after, "deals": deals})
    changes = changes_of(old, new, [k for k in PERSON_KEYS if k not in ("id", "deals", "created_at", "updated_at")])
    if json_:
        emit_json({**new, "changes": changes})
    else:
        info(edited_lines("Person", new, changes))
