"""`salespipe org ...`: organisations (accounts): add, list, show, edit, merge."""

from __future__ import annotations

from typing import Annotated, Any

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

app = typer.Typer(help="Organisations: the companies your deals are with.", no_args_is_help=True)

OrgRef = Annotated[
    str,
    typer.Argument(
        metavar="ORG",
        help="The organisation's id or name (name:1860 for a name of digits).",
        show_default=False,
        autocompletion=completion.org_refs,
    ),
]
WebsiteOpt = Annotated[str | None, typer.Option("--website", help="Its website.")]


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The organisation's name, legal form included: ACME GmbH.")],
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Add an organisation. One of the same name (case and spacing aside) is refused.

    Example: salespipe org add "Bergwerk GmbH" --website bergwerk.de
    """
    from salespipe.render.orgs import org_record
    from salespipe.services import orgs

    refuse_empty(("NAME", name), ("--website", website), ("--notes", notes))
    with database(ctx) as conn:
        org = orgs.add_org(conn, name, now=now(), website=website, notes=notes)
    record = org_record(org)
    if json_:
        emit_json(record)
    else:
        info(f"Added organisation #{record['id']} {record['name']}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            help="name, deals (most first) or value (open value, most first).",
            autocompletion=completion.choices(*completion.ORG_SORTS),
        ),
    ] = "name",
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List the organisations with their deals, open and won value (in the database's
    currency) and people.

    Example: salespipe org list --sort value
    """
    from salespipe.render.orgs import org_list_view
    from salespipe.services import orgs

    fmt = output_format(json_, csv_)
    if sort not in orgs.SORTS:
        raise typer.BadParameter(f"{sort!r}; choose from: {', '.join(orgs.SORTS)}", param_hint="--sort")
    with database(ctx, write=False) as conn:
        rows = orgs.list_orgs(conn, sort=sort)
        loc = pipeline_locale(conn)
    show(ctx, org_list_view(rows, loc=loc), fmt)


@app.command("show")
def show_(ctx: typer.Context, org: OrgRef, json_: JsonOpt = False) -> None:
    """Show an organisation: open deals and value, won and lost, its deals, people and the
    newest activities on its deals.

    Example: salespipe org show "Bergwerk GmbH"
    """
    from salespipe.render.orgs import org_card_view
    from salespipe.services import orgs

    with database(ctx, write=False) as conn:
        card = orgs.show_org(conn, org)
        loc = pipeline_locale(conn)
    show(ctx, org_card_view(card, loc=loc), output_format(json_))


@app.command("edit")
def edit(
    ctx: typer.Context,
    org: OrgRef,
    name: Annotated[str | None, typer.Option("--name", help="New name (the deals' company text stays).")] = None,
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    checkin_days: Annotated[
        int | None,
        typer.Option(
            "--checkin-days",
            metavar="N",
            help="Its check-in cadence: when one of its deals is won, the after-sales check-in (the rules on "
            "entering a won stage) is due N days after the win instead of the rule's due.",
        ),
    ] = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            metavar="FIELD",
            help="Empty website or notes, or checkin-days (back to the rule's due).",
            autocompletion=completion.choices("website", "notes", "checkin-days"),
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Change an organisation's name, website, notes or check-in cadence.

    Example: salespipe org edit 3 --name "Bergwerk AG" --checkin-days 60
    """
    from salespipe.render.orgs import ORG_KEYS, changes_of, edited_lines, org_record
    from salespipe.services import orgs

    refuse_empty(("--name", name), ("--website", website), ("--notes", notes))
    with database(ctx) as conn:
        before, after = orgs.edit_org(
            conn, org, now=now(), name=name, website=website, notes=notes, checkin_days=checkin_days, clear=clear
        )
    keys = [k for k in ORG_KEYS if k in ("name", "website", "notes", "checkin_days")]
    changes = changes_of(before, after, keys)
    if json_:
        emit_json({**org_record({**after, **_figures_of(ctx, after["id"])}), "changes": changes})
    else:
        info(edited_lines("Organisation", after, changes))


def _figures_of(ctx: typer.Context, org_id: int) -> dict[str, Any]:
    from salespipe.services import orgs

    with database(ctx, write=False) as conn:
        return orgs.show_org(conn, str(org_id))["org"]


@app.command("merge")
def merge(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="SRC", help="The organisation that goes (id or name).", autocompletion=completion.org_refs
        ),
    ],
    target: Annotated[
        str,
        typer.Argument(
            metavar="INTO_DST", help="The organisation that stays (id or name).", autocompletion=completion.org_refs
        ),
    ],
    json_: JsonOpt = False,
) -> None:
    """Merge two organisations: SRC's deals and people move to INTO_DST and SRC is deleted.
    SRC's name (and website, notes) is kept in INTO_DST's notes. One change: undo reverts it.

    Example: salespipe org merge "ACME Inc" "ACME GmbH"
    """
    from salespipe.render.orgs import merged_message, org_record
    from salespipe.services import orgs

    with database(ctx) as conn:
        result = orgs.merge_orgs(conn, source, target, now=now())
        target_card = orgs.show_org(conn, str(result["target"]["id"]))["org"]
    if json_:
        emit_json(
            {
                "merged": {"id": result["source"]["id"], "name": result["source"]["name"]},
                "into": org_record(target_card),
                "deals_moved": result["deals_moved"],
                "people_moved": result["people_moved"],
            }
        )
    else:
        info(merged_message(result))
