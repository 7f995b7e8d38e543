"""`salespipe report`: the daily pipeline report."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import JsonOpt, database, emit, emit_json, now

PeriodOpt = Annotated[str | None, typer.Option(
    "--period", help="this-month, last-month, this-quarter, last-quarter, this-year, last-year, "
                     "last-30-days, last-90-days or all.")]
SinceOpt = Annotated[str | None, typer.Option("--since", metavar="DATE", help="First day (inclusive).")]
UntilOpt = Annotated[str | None, typer.Option("--until", metavar="DATE", help="Last day (inclusive).")]


def report(
    ctx: typer.Context,
    period: PeriodOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Report deals in this currency.")] = None,
    json_: JsonOpt = False,
) -> None:
    """The daily report: pipeline by stage, funnel, won and lost, win rate.

    Won/lost cover this month, rates and the funnel the last 90 days, unless --period or
    --since/--until say otherwise.

    Example: salespipe report --period last-quarter --json
    """
    from salespipe.domain.dates import parse_date
    from salespipe.services.report import pipeline_report

    moment = now()
    since_d = parse_date(since, now=moment) if since else None
    until_d = parse_date(until, now=moment) if until else None
    with database(ctx, write=False) as conn:
        data = pipeline_report(conn, now=moment, period=period, since=since_d, until=until_d,
                               currency=currency)
    if json_:
        emit_json(data)
        return
    from salespipe.render.output import is_plain
    from salespipe.render.report import report_renderable

    emit(report_renderable(data, plain=is_plain()))
