"""`salespipe report` (the daily report), its sections, and `salespipe target`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from salespipe.cli import completion
from salespipe.cli.common import (
    CsvOpt,
    JsonOpt,
    database,
    database_path,
    info,
    now,
    output_format,
    refuse_empty,
    show,
)

PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="this-month, last-month, this-quarter, last-quarter, this-year, last-year, "
        "last-30-days, last-90-days, all, or 2026-11, 2026-Q4, 2026.",
        autocompletion=completion.choices(*completion.PERIODS),
    ),
]
SinceOpt = Annotated[str | None, typer.Option("--since", metavar="DATE", help="First day (inclusive).")]
UntilOpt = Annotated[str | None, typer.Option("--until", metavar="DATE", help="Last day (inclusive).")]
CurrencyOpt = Annotated[str | None, typer.Option("--currency", help="Report deals in this currency.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="The pipeline as it stood at the end of that day.")
]

app = typer.Typer(invoke_without_command=True)  # help: the callback's docstring


def _options(ctx: typer.Context, **given: Any) -> dict[str, Any]:
    """A section's options, falling back to those given to `report` itself."""
    parent = (ctx.parent.meta.get("report_options") if ctx.parent else None) or {}
    return {k: (v if v not in (None, False) else parent.get(k, v)) for k, v in given.items()}


def _parsed(options: dict[str, Any]) -> dict[str, Any]:
    from salespipe.domain.dates import parse_date

    refuse_empty(
        *(
            (f"--{name.replace('_', '-')}", options.get(name))
            for name in ("period", "since", "until", "as_of", "currency")
        )
    )
    moment = now()
    return {
        "now": moment,
        "period": options["period"],
        "since": parse_date(options["since"], now=moment, past=True) if options["since"] else None,
        "until": parse_date(options["until"], now=moment, past=True) if options["until"] else None,
        "currency": options["currency"],
        "as_of": parse_date(options["as_of"], now=moment, past=True) if options["as_of"] else None,
    }


def _build(
    ctx: typer.Context, options: dict[str, Any], limit: int | None = 10, keys: tuple[str, ...] | None = None
) -> tuple[dict[str, Any], Any]:
    """The report's data, and the pipeline's language to show it in."""
    from salespipe.services.pipeline import locale
    from salespipe.services.report import REPORT_KEYS, pipeline_report

    with database(ctx, write=False) as conn:
        return pipeline_report(conn, limit=limit, keys=keys or REPORT_KEYS, **_parsed(options)), locale(conn)


@app.callback(invoke_without_command=True)
def report(
    ctx: typer.Context,
    period: PeriodOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    currency: CurrencyOpt = None,
    as_of: AsOfOpt = None,
    json_: JsonOpt = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            help="Write the report to FILE as HTML (instead of the screen; with --json, both).",
        ),
    ] = None,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg", metavar="FILE", help="Write the report to FILE as SVG (instead of the screen; with --json, both)."
        ),
    ] = None,
    sections: Annotated[
        str | None,
        typer.Option(
            "--sections",
            metavar="LIST",
            help="The sections to show, comma-separated: headline, pipeline, funnel, "
            "conversion, cycle, velocity, stale, target, or all (default: report.sections in the config file, else "
            "all). --json always has every part.",
        ),
    ] = None,
) -> None:
    """The daily report: headline, pipeline by stage, funnel, bottlenecks, deals that need
    attention and target progress. Won/lost and targets cover this month, rates the last 90
    days, unless --period or --since/--until say otherwise.

    Sections on their own: report pipeline|funnel|conversion|cycle|velocity|stale|breakdown.

    Example: salespipe report --period last-quarter --json
    """
    options = {"period": period, "since": since, "until": until, "currency": currency, "as_of": as_of, "json_": json_}
    ctx.meta["report_options"] = options
    if ctx.invoked_subcommand:
        if sections is not None:
            raise typer.BadParameter(
                f"is for the whole report; `report {ctx.invoked_subcommand}` shows one section", param_hint="--sections"
            )
        return
    shown = _sections(ctx, sections)
    data, loc = _build(ctx, options)
    if html or svg:
        _export(data, html=html, svg=svg, protect=[database_path(ctx)], loc=loc, sections=shown)
    if json_ or not (html or svg):
        from salespipe.render.report import report_view

        show(ctx, report_view(data, loc=loc, sections=shown), output_format(json_))


def _sections(ctx: typer.Context, given: str | None) -> tuple[str, ...] | None:
    """The sections the whole report shows: --sections, else report.sections in the config
    file, else all of them (None)."""
    from salespipe.services.config import REPORT_SECTIONS

    if given is None:
        from salespipe.cli.common import settings

        return settings(ctx).report_sections.value
    names = [name.strip() for name in given.split(",")]
    if names == ["all"]:
        return None
    for name in names:
        if name not in REPORT_SECTIONS:
            raise typer.BadParameter(
                f"{name!r} is not a section; choose from: {', '.join(REPORT_SECTIONS)} (comma-separated), or all",
                param_hint="--sections",
            )
    return tuple(dict.fromkeys(names))


def _export(
    data: dict[str, Any],
    *,
    html: Path | None,
    svg: Path | None,
    protect: list[Path],
    loc: Any,
    sections: tuple[str, ...] | None = None,
) -> None:
    import io

    from rich.console import Console

    from salespipe.render.report import report_renderable
    from salespipe.services.files import output_file

    console = Console(record=True, width=100, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(report_renderable(data, plain=False, loc=loc, sections=sections, width=100, colour=True))
    if html:
        with output_file(html, protect=protect) as f:
            f.write(console.export_html(clear=False))
        info(f"Wrote {html}")
    if svg:
        with output_file(svg, protect=protect) as f:
            f.write(console.export_svg(title=f"salespipe report {data['as_of'][:10]}", clear=False))
        info(f"Wrote {svg}")


def _section_command(name: str, summary: str, example: str) -> None:
    from salespipe.render.report import SECTION_CSV

    def run(ctx: typer.Context, csv_: bool, **given: Any) -> None:
        from salespipe.render.report import report_view
        from salespipe.services.report import SECTION_SCREEN_KEYS, SECTIONS, section

        options = _options(ctx, **given)
        fmt = output_format(bool(options["json_"]), csv_)
        every = fmt.value != "human"  # JSON and CSV list every stale and late deal; people get the 50 biggest
        data, loc = _build(
            ctx,
            options,
            limit=None if every else (50 if name == "stale" else 10),
            keys=SECTIONS[name] if every else SECTION_SCREEN_KEYS[name],
        )
        part = section(data, name) if every else None
        show(ctx, report_view(data, part, sections=(name,), csv=name if every else None, loc=loc), fmt)

    def tabular(
        ctx: typer.Context,
        period: PeriodOpt = None,
        since: SinceOpt = None,
        until: UntilOpt = None,
        currency: CurrencyOpt = None,
        as_of: AsOfOpt = None,
        json_: JsonOpt = False,
        csv_: CsvOpt = False,
    ) -> None:
        run(ctx, csv_, period=period, since=since, until=until, currency=currency, as_of=as_of, json_=json_)

    def other(
        ctx: typer.Context,
        period: PeriodOpt = None,
        since: SinceOpt = None,
        until: UntilOpt = None,
        currency: CurrencyOpt = None,
        as_of: AsOfOpt = None,
        json_: JsonOpt = False,
    ) -> None:
        run(ctx, False, period=period, since=since, until=until, currency=currency, as_of=as_of, json_=json_)

    command = tabular if name in SECTION_CSV else other  # --csv only where the section is a table
    command.__name__ = f"report_{name}"
    app.command(name, help=f"{summary}\n\nExample: {example}")(command)


_section_command(
    "pipeline",
    "Open deals by stage: count, value, weighted value, share.",
    "salespipe report pipeline --as-of 2026-10-31",
)
_section_command(
    "funnel",
    "Deals created in the period that reached each stage, with "
    "stage-to-stage conversion and the observed chance to win from there.",
    "salespipe report funnel --period this-year",
)
_section_command(
    "conversion",
    "Won, lost and win rates (by count and value), with the funnel.",
    "salespipe report conversion --period last-quarter --json",
)
_section_command(
    "cycle", "Sales cycle of won deals, time in each stage and the bottlenecks.", "salespipe report cycle --period all"
)
_section_command("velocity", "Sales velocity (money per day) with its four inputs.", "salespipe report velocity --json")
_section_command(
    "stale",
    "Open deals idle past their stage's rotting days, and open deals past "
    "their expected close date (the 50 biggest of each; --json lists all).",
    "salespipe report stale --json",
)


@app.command("breakdown")
def breakdown_cmd(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="source, tag, lost-reason, stage, company, owner, kind (new, upsell, cross-sell, renewal) "
            "or a custom field name.",
            show_default=False,
            autocompletion=completion.breakdown_by,
        ),
    ],
    period: PeriodOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    currency: CurrencyOpt = None,
    as_of: AsOfOpt = None,
    json_: JsonOpt = False,
    csv_: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Count, won, lost, win rate and won value per group. Deals count in the period they were
    created in; won and lost in the period they closed in (default: the last 90 days).

    Example: salespipe report breakdown --by source --period this-year
    """
    from salespipe.render.report import breakdown_view
    from salespipe.services.report import breakdown

    output_format(json_, csv_)  # both given: a usage error before any work
    options = _options(ctx, period=period, since=since, until=until, currency=currency, as_of=as_of, json_=json_)
    with database(ctx, write=False) as conn:
        data = breakdown(conn, by=by, **_parsed(options))
        from salespipe.services.pipeline import locale

        loc = locale(conn)
    show(ctx, breakdown_view(data, loc=loc), output_format(bool(options["json_"]), csv_))
