"""`salespipe survey ORG --score N`: record how satisfied a customer is; `survey list`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salespipe.cli import completion
from salespipe.cli.common import AtOpt, CsvOpt, JsonOpt, database, emit_json, info, now, output_format, show


class _RecordByDefault(TyperGroup):
    """``survey ORG ...`` is ``survey add ORG ...``: a first word that names no subcommand (and
    is no option) is the organisation."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["add", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_RecordByDefault,
    help="Survey answers: how likely a customer is to recommend you, 0-10 (the NPS). "
    "salespipe survey ORG --score N records one (short for survey add).",
    no_args_is_help=True,
)

OrgArg = Annotated[
    str,
    typer.Argument(
        metavar="ORG", help="The organisation's id or name.", show_default=False, autocompletion=completion.org_refs
    ),
]


@app.command("add")
def add(
    ctx: typer.Context,
    org: OrgArg,
    score: Annotated[
        int, typer.Option("--score", metavar="0..10", help="How likely to recommend you: 0 (not) to 10 (surely).")
    ],
    person: Annotated[
        str | None, typer.Option("--person", metavar="ID", help="Who answered: one of its people (id or name).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What they said.")] = None,
    at: AtOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record a customer's survey answer (0-10); the report's NPS counts the answers of its
    period: promoters 9-10 minus detractors 0-6, in points.

    Example: salespipe survey "Bergwerk GmbH" --score 9 --note "happy with the onboarding"
    """
    from salespipe.cli.common import parse_at, refuse_empty
    from salespipe.render.customers import survey_message, survey_record
    from salespipe.services import customers
    from salespipe.services.pipeline import locale

    refuse_empty(("--person", person), ("--note", note), ("--at", at))
    if not 0 <= score <= 10:
        raise typer.BadParameter(f"{score}: give a whole number from 0 to 10", param_hint="--score")
    moment = now()
    when = parse_at(at, moment)
    with database(ctx) as conn:
        row = customers.add_survey(
            conn, org, score=score, now=moment, person=person, note=note, at=when.at if when else None
        )
        loc = locale(conn)
    record = survey_record(row)
    if json_:
        emit_json(record)
    else:
        info(survey_message(record, loc))


@app.command("list")
def list_(
    ctx: typer.Context,
    org: Annotated[
        str | None,
        typer.Argument(
            metavar="[ORG]", help="Only this organisation's answers (id or name).", autocompletion=completion.org_refs
        ),
    ] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List the survey answers, newest first.

    Example: salespipe survey list "Bergwerk GmbH"
    """
    from salespipe.render.customers import survey_list_view
    from salespipe.services import customers
    from salespipe.services.pipeline import locale

    fmt = output_format(json_, csv_)
    with database(ctx, write=False) as conn:
        rows = customers.list_surveys(conn, org)
        loc = locale(conn)
    show(ctx, survey_list_view(rows, loc=loc), fmt)
