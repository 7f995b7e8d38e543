"""`salespipe forecast`: how much will be won in a period, and how sure that is."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli import completion
from salespipe.cli.common import CsvOpt, JsonOpt, database, now, output_format, refuse_empty, show

PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="this-month (default), next-month, this-quarter, next-quarter, this-year, next-year, or "
        "2026-11, 2026-Q4, 2026.",
        autocompletion=completion.choices(*completion.FORECAST_PERIODS),
    ),
]
ProbabilitiesOpt = Annotated[
    str | None,
    typer.Option(
        "--probabilities",
        metavar="WHICH",
        help="configured (the stages' and deals' own) or learned (from the "
        "pipeline's closed deals); default learned once there are 20 closed deals with 5 won.",
        autocompletion=completion.choices("configured", "learned"),
    ),
]


def _check_probabilities(value: str | None) -> None:
    if value is not None and value not in ("configured", "learned"):
        raise typer.BadParameter(f"{value!r}; choose configured or learned", param_hint="--probabilities")


app = typer.Typer(invoke_without_command=True)  # help: the callback's docstring


@app.callback(invoke_without_command=True)
def forecast(
    ctx: typer.Context,
    period: PeriodOpt = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="First day (default today).")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="DATE", help="Last day (inclusive).")] = None,
    by: Annotated[
        str, typer.Option("--by", help="Rows per month or week.", autocompletion=completion.choices("month", "week"))
    ] = "month",
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000_000, help="Monte Carlo runs.")] = 10_000,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, max=2**63 - 1, help="Repeat the same runs (default: a new seed, shown)."),
    ] = None,
    probabilities: ProbabilitiesOpt = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Forecast deals in this currency.")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """Forecast the won value of a period: P10, P50 and P90 from a Monte Carlo of the open
    deals, the chance to reach the period's target, and each month's won, commit, best case,
    weighted pipeline and forecast.

    Example: salespipe forecast --period this-quarter --seed 7
    """
    if ctx.invoked_subcommand:
        return
    fmt = output_format(json_, csv_)
    if by not in ("month", "week"):
        raise typer.BadParameter(f"{by!r}; choose month or week", param_hint="--by")
    _check_probabilities(probabilities)
    from salespipe.domain.dates import parse_date
    from salespipe.render.forecast import forecast_view
    from salespipe.services.forecast import forecast as run_forecast
    from salespipe.services.pipeline import locale

    moment = now()
    refuse_empty(("--period", period), ("--since", since), ("--until", until), ("--currency", currency))
    with database(ctx, write=False) as conn:
        data = run_forecast(
            conn,
            now=moment,
            period=period,
            by=by,
            runs=runs,
            seed=seed,
            probabilities=probabilities,
            currency=currency,
            since=parse_date(since, now=moment) if since else None,
            until=parse_date(until, now=moment) if until else None,
        )
        loc = locale(conn)
    show(ctx, forecast_view(data, loc=loc), fmt)


@app.command("backtest")
def backtest(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="DATE", help="Periods starting from this day (default: 12 months or 4 quarters back)."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help="Periods starting up to this day (default: the last whole period)."),
    ] = None,
    every: Annotated[
        str,
        typer.Option(
            "--every", help="One period per month or quarter.", autocompletion=completion.choices("month", "quarter")
        ),
    ] = "month",
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000_000, help="Monte Carlo runs per period.")] = 2_000,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="The first period's seed.")] = 1,
    currency: Annotated[str | None, typer.Option("--currency", help="Deals in this currency.")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """Backtest the forecast: for each past month (or quarter), the forecast made at its start
    from what was known then (weighted with configured and learned probabilities, Monte Carlo
    P50 with P10-P90, commit) against what was won; MAPE, bias, coverage and Brier scores.

    Example: salespipe forecast backtest --from 2026-01-01 --every quarter
    """
    fmt = output_format(json_, csv_)
    if every not in ("month", "quarter"):
        raise typer.BadParameter(f"{every!r}; choose month or quarter", param_hint="--every")
    from salespipe.domain.dates import parse_date
    from salespipe.render.forecast import backtest_view
    from salespipe.services.backtest import backtest as run_backtest
    from salespipe.services.pipeline import locale

    moment = now()
    refuse_empty(("--from", since), ("--to", until), ("--currency", currency))
    with database(ctx, write=False) as conn:
        data = run_backtest(
            conn,
            now=moment,
            since=parse_date(since, now=moment, past=True) if since else None,
            until=parse_date(until, now=moment, past=True) if until else None,
            every=every,
            runs=runs,
            seed=seed,
            currency=currency,
        )
        loc = locale(conn)
    show(ctx, backtest_view(data, loc=loc), fmt)


@app.command("snapshot")
def snapshot(
    ctx: typer.Context,
    period: PeriodOpt = None,
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000_000, help="Monte Carlo runs.")] = 10_000,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, max=2**63 - 1, help="Repeat the same runs (default: a new seed, stored)."),
    ] = None,
    probabilities: ProbabilitiesOpt = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Forecast deals in this currency.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No message on stderr.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Store today's forecast of a period, so that forecast accuracy can later compare it with
    what was won. A second snapshot the same day for the same period replaces the first.

    Example: salespipe forecast snapshot --period this-quarter -q
    """
    _check_probabilities(probabilities)
    refuse_empty(("--period", period), ("--currency", currency))
    from salespipe.cli.common import emit_json, info
    from salespipe.domain.locale import format_major
    from salespipe.services.snapshots import take_snapshot

    with database(ctx) as conn:
        data = take_snapshot(
            conn, now=now(), period=period, runs=runs, seed=seed, probabilities=probabilities, currency=currency
        )
    if not quiet:
        cur = data["currency"]

        def money(value: int | float | None) -> str:
            return format_major(value, cur, cents=False)

        replaced = data["replaced"]
        info(
            f"Forecast of {data['period']['label']} ({data['period']['start']} to {data['period']['end']}) stored: "
            f"P50 {money(data['p50'])}, P10 {money(data['p10'])}, P90 {money(data['p90'])}"
            + (f"; it replaces today's earlier snapshot (taken {replaced['taken_at']})." if replaced else ".")
        )
    if json_:
        emit_json(data)


@app.command("accuracy")
def accuracy(
    ctx: typer.Context,
    currency: Annotated[str | None, typer.Option("--currency", help="Snapshots in this currency.")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """Compare the stored forecast snapshots with what was won once their period has ended:
    P50 and weighted forecast against the actual, P10-P90, and overall error (MAPE), bias and
    coverage. Snapshots of periods still running are listed as pending.

    Example: salespipe forecast accuracy --csv
    """
    fmt = output_format(json_, csv_)
    refuse_empty(("--currency", currency))
    from salespipe.render.snapshots import accuracy_view
    from salespipe.services.pipeline import locale
    from salespipe.services.snapshots import accuracy as run_accuracy

    with database(ctx, write=False) as conn:
        data = run_accuracy(conn, now=now(), currency=currency)
        loc = locale(conn)
    show(ctx, accuracy_view(data, loc=loc), fmt)
