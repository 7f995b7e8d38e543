"""The pipeline report, drawn from the same dict that ``report --json`` prints, in the
pipeline's language (``Locale``): its words, stage labels, numbers, money and dates."""

from __future__ import annotations

from typing import Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.table import Column, draw
from salespipe.render.words import Words, words


class _View:
    """What every part of the report draws with: the language, money in the report's currency
    and plain or not."""

    def __init__(self, loc: Locale, currency: str, plain: bool, width: int | None = None, colour: bool = False):
        self.loc = loc
        self.tr: Words = words(loc.lang)
        self.currency = currency
        self.plain = plain
        self.width = width
        self.colour = colour

    def table(self, title: str, columns: list[Column], rows: list[list[str]]) -> Any:
        """A titled table in the one table style (render.table): figures never cut, the label
        gives way, and the bars, then the least useful figures, go first on a narrow terminal."""
        from rich.console import Group
        from rich.text import Text

        drawn = draw(
            [c._replace(title=self.tr(c.title) if c.title else "") for c in columns],
            rows,
            width=self.width,
            colour=self.colour,
        )
        return Group(Text(title, style="bold"), Text(""), Text.from_ansi(drawn.rstrip("\n"), no_wrap=True))

    def money(self, value: int | float | None) -> str:
        return self.loc.major(value, self.currency, cents=False)

    def pct(self, value: float | None) -> str:
        return pct(value, self.loc)

    def count(self, n: int) -> str:
        return self.loc.number(n)

    def deals(self, n: int) -> str:
        return deals(n, self.loc)

    def days(self, value: float | None) -> str:
        return self.tr("n/a") if value is None else self.loc.number(value, decimals=1)

    def period(self, p: dict[str, Any]) -> str:
        return period_text(p, self.loc)


def pct(value: float | None, loc: Locale = ENGLISH) -> str:
    """A rate 0..1 as a whole percentage, "n/a" without a denominator."""
    return words(loc.lang)("n/a") if value is None else loc.percent(value * 100)


def bar(fraction: float | None, width: int, *, plain: bool) -> str:
    if not fraction or fraction <= 0:
        return ""
    full = "#" if plain else "█"
    cells = fraction * width
    n = int(cells)
    text = full * n
    if not plain and cells - n >= 0.5:
        text += "▌"
    elif plain and n == 0:
        text = "#"
    return text or ("▏" if not plain else "#")


def deals(n: int, loc: Locale = ENGLISH) -> str:
    tr = words(loc.lang)
    return tr("{n} deal", n=loc.number(n)) if n == 1 else tr("{n} deals", n=loc.number(n))


# The words of each period name (report --period), to be said in the pipeline's language.
_PERIOD_WORDS = {
    "this-month": "this month",
    "last-month": "last month",
    "this-quarter": "this quarter",
    "last-quarter": "last quarter",
    "this-year": "this year",
    "last-year": "last year",
    "last-30-days": "last 30 days",
    "last-90-days": "last 90 days",
    "custom": "custom",
}


def period_text(p: dict[str, Any], loc: Locale = ENGLISH) -> str:
    tr = words(loc.lang)
    if p["since"] is None and p["until"] is None:
        return tr("all time")
    label = p["label"] or "custom"
    if label in _PERIOD_WORDS:
        label = tr(_PERIOD_WORDS[label])
    elif not label[:4].isdigit():  # a named period (next-month); 2026-11 and 2026-Q4 stay as written
        label = label.replace("-", " ")
    return tr(
        "{label} ({since} to {until})",
        label=label,
        since=loc.date(p["since"]) or "…",
        until=loc.date(p["until"]) or "…",
    )


ALL_SECTIONS = ("headline", "pipeline", "funnel", "cycle", "stale", "target")
# What each `report SECTION` draws; headline and target are sections only of the whole report
# (`report --sections`, report.sections in the config file).
SECTION_PARTS = {
    "headline": ("headline",),
    "target": ("target",),
    "pipeline": ("pipeline",),
    "funnel": ("funnel",),
    "conversion": ("headline", "funnel"),
    "cycle": ("cycle",),
    "velocity": ("velocity",),
    "stale": ("stale",),
}


CYAN, GREEN = "\x1b[36m", "\x1b[32m"


def report_renderable(
    data: dict[str, Any],
    *,
    plain: bool,
    sections: tuple[str, ...] | None = None,
    loc: Locale = ENGLISH,
    width: int | None = None,
    colour: bool = False,
) -> Any:
    """The whole report, or the parts of the named ``report`` sections."""
    from rich.console import Group
    from rich.text import Text

    parts_wanted: tuple[str, ...] = ALL_SECTIONS
    if sections:
        parts_wanted = tuple(dict.fromkeys(p for name in sections for p in SECTION_PARTS[name]))
    cur = data["currency"]
    view = _View(loc, cur, plain, width, colour)
    tr = view.tr
    out: list[Any] = [
        Text(tr("Pipeline report, {date}, {currency}", date=loc.date(data["as_of"][:10]), currency=cur), style="bold"),
        Text(tr("Won/lost: {period}", period=view.period(data["period"])), style="dim"),
        Text(tr("Rates, funnel: {period}", period=view.period(data["rates_period"])), style="dim"),
    ]
    builders = {
        "headline": _headline,
        "pipeline": _pipeline,
        "funnel": _funnel,
        "cycle": _cycle,
        "velocity": _velocity,
        "stale": _stale,
        "target": _target_part,
    }
    for part in parts_wanted:
        rendered = builders[part](data, view)
        if rendered is not None:
            out.append(Text(""))
            out.append(rendered)
    if data.get("other_currency_leads"):
        out.append(
            Text(
                tr(
                    "Note: {n} lead(s) in other currencies are not in these {currency} figures (report "
                    "--currency CODE shows them).",
                    n=view.count(data["other_currency_leads"]),
                    currency=cur,
                ),
                style="yellow",
            )
        )
    for note in gap_notes(data.get("data_gaps") or {}, loc):
        out.append(Text(note, style="yellow"))
    return Group(*out)


def gap_notes(gaps: dict[str, int], loc: Locale = ENGLISH) -> list[str]:
    """Say which deals the date-based figures leave out, and why (no date is invented)."""
    tr = words(loc.lang)
    notes = []
    undated = [
        tr(kind, n=loc.number(gaps[k]))
        for k, kind in (("won_without_close_date", "{n} won"), ("lost_without_close_date", "{n} lost"))
        if gaps.get(k)
    ]
    if undated:
        notes.append(
            tr(
                "Note: {which} deal(s) without a close date are left out of won/lost per period, the sales "
                "cycle and velocity (they count in --period all).",
                which=tr(" and ").join(undated),
            )
        )
    if gaps.get("closed_without_created_date"):
        notes.append(
            tr(
                "Note: {n} closed deal(s) without a created date are left out of the sales cycle.",
                n=loc.number(gaps["closed_without_created_date"]),
            )
        )
    if gaps.get("without_value"):
        notes.append(
            tr(
                "Note: {n} deal(s) have no value (unknown, not 0); value figures leave them out.",
                n=loc.number(gaps["without_value"]),
            )
        )
    return notes


def _velocity_gap(v: dict[str, Any], view: _View) -> str | None:
    """Why the sales velocity cannot be computed, in words (None when it can)."""
    if v["per_day"] is not None:
        return None
    tr = view.tr
    if v["win_rate"] is None:
        return tr("no deals closed in the rates period")
    if v["avg_deal_size"] is None:
        return tr("no deals won in the rates period")
    return tr("no sales cycle to divide by")


def _retention_rows(head: Any, data: dict[str, Any], view: _View) -> None:
    """NPS of the rates period's survey answers; referred deals' win rate and cycle against the rest."""
    tr = view.tr
    n = data["nps"]
    if n["nps"] is None:
        head.add_row(tr("NPS"), tr("n/a"), f"({tr('no survey answers in the rates period')})")
    else:
        head.add_row(
            tr("NPS"),
            tr("{nps} points", nps=view.loc.number(n["nps"], decimals=None)),
            tr("({n} answers)", n=view.count(n["answers"])),
        )
    r, o = data["referrals"]["referred"], data["referrals"]["other"]
    if r["won"] + r["lost"]:

        def cycle(days: float | None) -> str:
            return tr("n/a") if days is None else tr("{days} days", days=view.days(days))

        head.add_row(
            tr("Referred"),
            tr("{rate} won, {cycle}", rate=view.pct(r["win_rate"]), cycle=cycle(r["cycle_days"])),
            tr("(others {rate} won, {cycle})", rate=view.pct(o["win_rate"]), cycle=cycle(o["cycle_days"])),
        )


def _headline(data: dict[str, Any], view: _View) -> Any:
    from rich.table import Table

    tr, money = view.tr, view.money
    head = Table.grid(padding=(0, 2))
    for _ in range(3):
        head.add_column()
    o, w, lo = data["open"], data["won"], data["lost"]
    head.add_row(
        tr("Open pipeline"),
        f"{view.deals(o['count'])}, {money(o['value'])}",
        tr("weighted {value}", value=money(o["weighted_value"])),
    )
    head.add_row(
        tr("Won"),
        f"{view.deals(w['count'])}, {money(w['value'])}",
        tr("avg deal {value}", value=money(data["avg_deal_size"])),
    )
    ne = data.get("new_vs_expansion")
    if ne is not None:
        # a label no wider than "Open pipeline", and a short middle: the other rows keep their places
        share = ne["expansion_share"]
        head.add_row(
            tr("New/expansion"),
            tr("{new} new", new=money(ne["new"]["value"])),
            tr("{expansion} expansion", expansion=money(ne["expansion"]["value"]))
            + (tr(" ({share} of won)", share=view.pct(share)) if share is not None else ""),
        )
    head.add_row(tr("Lost"), f"{view.deals(lo['count'])}, {money(lo['value'])}", "")
    closed = data["closed_in_rates_period"]
    head.add_row(
        tr("Win rate"),
        tr(
            "{by_count} by count, {by_value} by value",
            by_count=view.pct(data["win_rate"]),
            by_value=view.pct(data["win_rate_by_value"]),
        ),
        tr("({won} won, {lost} lost)", won=view.count(closed["won"]), lost=view.count(closed["lost"])),
    )
    if "nps" in data:
        _retention_rows(head, data, view)
    if "sales_cycle_days" in data:
        c = data["sales_cycle_days"]
        if c["mean"] is None:
            head.add_row(tr("Sales cycle"), tr("n/a"), f"({tr('no deals won in the rates period')})")
        else:
            head.add_row(
                tr("Sales cycle"),
                tr("{mean} days mean, {median} median", mean=view.days(c["mean"]), median=view.days(c["median"])),
                tr("(created to won)"),
            )
        v = data["sales_velocity"]
        gap = _velocity_gap(v, view)
        if gap:
            head.add_row(tr("Velocity"), tr("n/a"), f"({gap})")
        else:
            head.add_row(
                tr("Velocity"),
                tr("{value} per day", value=money(v["per_day"])),
                tr(
                    "= {open} x {size} x {rate} / {days} days",
                    open=view.count(v["open_deals"]),
                    size=money(v["avg_deal_size"]),
                    rate=view.pct(v["win_rate"]),
                    days=view.days(v["cycle_days"]),
                ),
            )
    f = data.get("forecast")
    if f:
        from rich.console import Group
        from rich.text import Text

        from salespipe.render.forecast import chance

        reach = (
            tr("{chance} to reach {goal}", chance=chance(f["p_hit_target"], view.loc), goal=money(f["goal"]))
            if f["goal"] is not None
            else ""
        )
        head.add_row(tr("Forecast"), tr("{p50} median (P50)", p50=money(f["p50"])), reach)
        head.add_row("", tr("{p10} to {p90}", p10=money(f["p10"]), p90=money(f["p90"])), tr("(P10 to P90)"))
        note = tr("Forecast: {runs} runs seeded by the date; salespipe forecast has more.", runs=view.count(f["runs"]))
        return Group(head, Text(note, style="dim"))
    return head


def _velocity(data: dict[str, Any], view: _View) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    tr, money = view.tr, view.money
    v = data["sales_velocity"]
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column(justify="right")
    grid.add_row(
        tr("Sales velocity"),
        tr("{value} per day", value=money(v["per_day"])) if v["per_day"] is not None else tr("n/a"),
    )
    grid.add_row(tr("  open deals (all open stages)"), view.count(v["open_deals"]))
    grid.add_row(tr("  x average deal size (won, rates period)"), money(v["avg_deal_size"]))
    grid.add_row(tr("  x win rate (rates period)"), view.pct(v["win_rate"]))
    grid.add_row(tr("  / sales cycle, days (mean, won deals)"), view.days(v["cycle_days"]))
    gap = _velocity_gap(v, view)
    if gap:
        return Group(grid, Text(tr("Nothing to compute: {why}.", why=gap)))
    return grid


def _pipeline(data: dict[str, Any], view: _View) -> Any:
    tr, money = view.tr, view.money
    biggest = max((s["share"] or 0 for s in data["stages"]), default=0)
    columns = [
        Column("Stage", flex="cut", minimum=10),
        Column("Deals", align="right"),
        Column("Value", align="right"),
        Column("Prob", align="right", drop=2),
        Column("Weighted", align="right", drop=3),
        Column("Share", align="right", drop=4),
        Column("", drop=1, style=CYAN),
    ]
    rows = [
        [
            s["label"],
            view.count(s["count"]),
            money(s["value"]),
            view.loc.percent(s["probability"]),
            money(s["weighted_value"]),
            view.pct(s["share"]),
            bar((s["share"] or 0) / biggest if biggest else None, 12, plain=view.plain),
        ]
        for s in data["stages"]
    ]
    return view.table(tr("Pipeline by stage"), columns, rows)


def _funnel(data: dict[str, Any], view: _View) -> Any:
    from rich.console import Group
    from rich.text import Text

    tr, loc = view.tr, view.loc
    columns = [
        Column("Stage", flex="cut", minimum=10),
        Column("Reached", align="right"),
        Column("", drop=1, style=GREEN),
        Column("Next", align="right", drop=2),
        Column("Won from here", align="right"),
    ]
    top = data["funnel"][0]["reached"] if data["funnel"] else 0
    thin = []
    rows = []
    for f in data["funnel"]:
        share = f["reached"] / top if top else None
        mark = " !" if f.get("flag") else ("  " if f.get("sample_ok", True) else " ?")
        if not f.get("sample_ok", True):
            thin.append(f["label"])
        rows.append(
            [
                f["label"],
                view.count(f["reached"]),
                bar(share, 16, plain=view.plain),
                view.pct(f["conversion_to_next"]),
                tr("{rate} (set {prob})", rate=view.pct(f["eventual_win_rate"]), prob=loc.percent(f["probability"]))
                + mark,
            ]
        )
    funnel = view.table(tr("Funnel: deals created {period}", period=view.period(data["rates_period"])), columns, rows)
    notes = []
    flagged = [f for f in data["funnel"] if f.get("flag")]
    for f in flagged:
        notes.append(
            tr(
                "! {stage}: {rate} of deals that reached it were won, {points} points {direction} its "
                "configured {prob}.",
                stage=f["label"],
                rate=view.pct(f["eventual_win_rate"]),
                points=loc.number(abs(f["gap_points"]), decimals=None),
                direction=tr("above") if f["gap_points"] > 0 else tr("below"),
                prob=loc.percent(f["probability"]),
            )
        )
    if thin:
        notes.append(
            tr(
                "? fewer than 20 deals reached {stages}: too few to judge the configured probability.",
                stages=", ".join(thin),
            )
        )
    return Group(funnel, *(Text(n, style="dim") for n in notes))


def _bottlenecks(data: dict[str, Any], view: _View) -> str:
    """The bottleneck sentence: the report's own in English; in another language, said again
    from the figures it names."""
    b = data["bottlenecks"]
    if view.loc.lang == "en":
        return b["summary"]
    tr = view.tr
    out = []
    slowest = next((t for t in data.get("time_in_stage", []) if t["stage"] == b["slowest_stage"]), None)
    if slowest:
        out.append(
            tr(
                "Deals wait longest in {stage}: {days} days (median) over {n} deals.",
                stage=slowest["label"],
                days=view.days(slowest["median_days"]),
                n=view.count(slowest["deals"]),
            )
        )
    steps = data.get("funnel") or []
    weakest = next((i for i, f in enumerate(steps[:-1]) if f["stage"] == b["weakest_conversion"]), None)
    if weakest is not None:
        f = steps[weakest]
        out.append(
            tr(
                "The weakest step is {stage} to {next}: {rate} of {n} deals get through.",
                stage=f["label"],
                next=steps[weakest + 1]["label"],
                rate=view.pct(f["conversion_to_next"]),
                n=view.count(f["reached"]),
            )
        )
    elif b["weakest_conversion"] is not None:  # the funnel was not part of this data: keep the report's words
        return b["summary"]
    return " ".join(out) or tr("Not enough history to name a bottleneck yet.")


def _cycle(data: dict[str, Any], view: _View) -> Any:
    from rich.console import Group
    from rich.text import Text

    tr = view.tr
    c = data["sales_cycle_days"]
    columns = [
        Column("Stage", flex="cut", minimum=10),
        Column("Deals", align="right"),
        Column("Still there", align="right", drop=1),
        Column("Mean", align="right"),
        Column("Median", align="right"),
    ]
    tis = view.table(
        tr("Time in stage (days; deals still there count the time so far)"),
        columns,
        [
            [
                t["label"],
                view.count(t["deals"]),
                view.count(t["open_deals"]),
                view.days(t["mean_days"]),
                view.days(t["median_days"]),
            ]
            for t in data["time_in_stage"]
        ],
    )
    cycle = (
        tr("Sales cycle of won deals: n/a (no deals won in the rates period).")
        if c["mean"] is None
        else tr(
            "Sales cycle of won deals: {mean} days mean, {median} median.",
            mean=view.days(c["mean"]),
            median=view.days(c["median"]),
        )
    )
    return Group(Text(cycle), Text(""), tis, Text(_bottlenecks(data, view)))


def _attention_table(title: str, rows: list[dict[str, Any]], day_key: str, day_label: str, view: _View) -> Any:
    columns = [
        Column("ID", align="right"),
        Column("Name", flex="cut", minimum=12),
        Column("Stage", flex="cut", minimum=8, drop=1),
        Column(day_label, align="right"),
        Column("Value", align="right"),
    ]
    return view.table(
        title,
        columns,
        [
            [str(r["id"]), r["title"], view.loc.stage(r["stage"]), view.count(r[day_key]), view.money(r["value"])]
            for r in rows
        ],
    )


def _stale(data: dict[str, Any], view: _View) -> Any:
    from rich.console import Group
    from rich.text import Text

    tr = view.tr
    parts: list[Any] = [Text(tr("Needs attention"), style="bold")]
    if data["stale_count"]:
        shown = len(data["stale"])
        more = tr(", the {n} biggest", n=view.count(shown)) if shown < data["stale_count"] else ""
        parts.append(
            _attention_table(
                tr(
                    "Stale: {n} open deals idle past their stage's limit{more}",
                    n=view.count(data["stale_count"]),
                    more=more,
                ),
                data["stale"],
                "days_idle",
                tr("Idle"),
                view,
            )
        )
    if data["past_close_count"]:
        shown = len(data["past_close"])
        more = tr(", the {n} biggest", n=view.count(shown)) if shown < data["past_close_count"] else ""
        parts.append(
            _attention_table(
                tr("Past expected close: {n} open deals{more}", n=view.count(data["past_close_count"]), more=more),
                data["past_close"],
                "days_late",
                tr("Late"),
                view,
            )
        )
    if data.get("slipping_count"):
        shown = len(data["slipping"])
        more = tr(", the {n} biggest", n=view.count(shown)) if shown < data["slipping_count"] else ""
        columns = [
            Column("ID", align="right"),
            Column("Name", flex="cut", minimum=12),
            Column("Stage", flex="cut", minimum=8, drop=1),
            Column("Pushed", align="right"),
            Column("Days", align="right"),
            Column("Value", align="right"),
        ]
        rows = [
            [
                str(r["id"]),
                r["title"],
                view.loc.stage(r["stage"]),
                tr("{n}x", n=view.count(r["pushes"])),
                view.count(r["days_pushed"]),
                view.money(r["value"]),
            ]
            for r in data["slipping"]
        ]
        title = tr(
            "Slipping: {n} open deals whose close date was pushed later{more}",
            n=view.count(data["slipping_count"]),
            more=more,
        )
        parts.append(view.table(title, columns, rows))
    if len(parts) == 1:
        parts.append(Text(tr("Nothing: no stale deals, none past its expected close date.")))
    return Group(*parts)


def _target_part(data: dict[str, Any], view: _View) -> Any:
    return target_renderable(data["target"], plain=view.plain, loc=view.loc) if data.get("target") else None


def _thin_history_warning(t: dict[str, Any], view: _View) -> list[str]:
    """The target's warnings: the report's own in English; in another language, said again from
    the history figures behind them."""
    if view.loc.lang == "en" or not t["warnings"]:
        return t["warnings"]
    from salespipe.domain.metrics import THIN_HISTORY_DEALS, THIN_HISTORY_WON

    i = t["leads_needed_inputs"]
    return [
        view.tr(
            "thin history: {created} deals created 90+ days ago, {won} of them won; leads needed is a rough "
            "guess until there are {min_created}+ deals and {min_won}+ wins",
            created=view.count(i["history_created"]),
            won=view.count(i["history_won"]),
            min_created=THIN_HISTORY_DEALS,
            min_won=THIN_HISTORY_WON,
        )
    ]


def target_renderable(t: dict[str, Any], *, plain: bool, loc: Locale = ENGLISH) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    view = _View(loc, t["currency"], plain)
    tr, money = view.tr, view.money
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column()
    grid.add_row(
        tr("Won so far"),
        tr(
            "{won} of {goal} ({progress}), {deals}",
            won=money(t["won"]["value"]),
            goal=money(t["goal"]),
            progress=view.pct(t["progress"]),
            deals=view.deals(t["won"]["count"]),
        )
        + (tr(" of {n}", n=view.count(t["goal_deals"])) if t["goal_deals"] else ""),
    )
    grid.add_row(
        tr("Gap"),
        money(t["gap"])
        + (tr(", {n} days left", n=view.count(t["days_left"])) if t["days_left"] else tr(", period over")),
    )
    e = t["expected_to_close"]
    grid.add_row(
        tr("Expected to close"),
        tr(
            "{deals}, {value} (weighted {weighted})",
            deals=view.deals(e["count"]),
            value=money(e["value"]),
            weighted=money(e["weighted_value"]),
        ),
    )
    grid.add_row(
        tr("Coverage"),
        tr("{n}x the gap", n=loc.number(t["coverage"], decimals=1)) if t["coverage"] is not None else tr("n/a"),
    )
    grid.add_row(
        tr("Pace needed"),
        tr("{value} per week", value=money(t["pace_per_week"])) if t["pace_per_week"] is not None else tr("n/a"),
    )
    i = t["leads_needed_inputs"]
    needed = view.count(t["leads_needed"]) if t["leads_needed"] is not None else tr("n/a")
    grid.add_row(
        tr("Leads needed"),
        tr(
            "{n} = gap {gap} / avg deal {size} / lead-to-win {rate}",
            n=needed,
            gap=money(i["gap"]),
            size=money(i["avg_deal_size"]),
            rate=view.pct(i["lead_to_win_rate"]),
        ),
    )
    parts: list[Any] = [
        Text(
            tr(
                "Target {period} ({since} to {until})",
                period=t["period"],
                since=loc.date(t["since"]),
                until=loc.date(t["until"]),
            ),
            style="bold",
        ),
        grid,
        bar_line(t["progress"], plain=plain, loc=loc),
    ]
    parts += [Text(tr("Warning: {text}", text=w), style="yellow") for w in _thin_history_warning(t, view)]
    return Group(*parts)


def bar_line(progress: float | None, *, plain: bool, width: int = 40, loc: Locale = ENGLISH) -> Any:
    from rich.text import Text

    done = min(progress or 0, 1.0)
    filled = int(round(done * width))
    if plain:
        return Text("[" + "#" * filled + "." * (width - filled) + f"] {pct(progress, loc)}")
    return (
        Text("█" * filled, style="green") + Text("░" * (width - filled), style="dim") + Text(f" {pct(progress, loc)}")
    )


# The names of the built-in breakdowns (report breakdown --by); a custom field's name is its own.
_BY_WORDS = ("source", "tag", "lost-reason", "stage", "company")


def breakdown_renderable(
    data: dict[str, Any], *, plain: bool, loc: Locale = ENGLISH, width: int | None = None, colour: bool = False
) -> Any:
    from rich.text import Text

    view = _View(loc, data["currency"], plain, width, colour)
    tr = view.tr
    by = tr(data["by"]) if data["by"] in _BY_WORDS else data["by"]

    def group(g: dict[str, Any]) -> str:
        if g["group"] == "(none)":
            return tr("(none)")
        return view.loc.stage(str(g["group"])) if data["by"] == "stage" else str(g["group"])

    if not data["groups"]:
        return Text(tr("No deals in this period."))
    columns = [
        Column(by[:1].upper() + by[1:], flex="cut", minimum=10),
        Column("Deals", align="right"),
        Column("Won", align="right"),
        Column("Lost", align="right", drop=1),
        Column("Win rate", align="right"),
        Column("Won value", align="right"),
    ]
    return view.table(
        tr("By {by}: deals created, won and lost {period}", by=by, period=view.period(data["period"])),
        columns,
        [
            [
                group(g),
                view.count(g["deals"]),
                view.count(g["won"]),
                view.count(g["lost"]),
                view.pct(g["win_rate"]),
                view.money(g["won_value"]),
            ]
            for g in data["groups"]
        ],
    )


# Views: the same records as --json, drawn with Rich (bars and panels) at the terminal's width.
# The sections that are a table, as CSV: (key of the list in the section's JSON, its columns).
SECTION_CSV: dict[str, tuple[str, tuple[str, ...]]] = {
    "pipeline": ("stages", ("key", "label", "probability", "count", "value", "weighted_value", "share")),
    "funnel": (
        "funnel",
        (
            "stage",
            "label",
            "probability",
            "reached",
            "conversion_to_next",
            "eventual_win_rate",
            "gap_points",
            "sample_ok",
            "flag",
        ),
    ),
    "cycle": ("time_in_stage", ("stage", "label", "deals", "open_deals", "mean_days", "median_days")),
    "stale": ("stale", ("id", "title", "company", "stage", "value", "currency", "days_idle", "rotting_days")),
}


def report_view(
    data: dict[str, Any],
    json_data: Any = None,
    sections: tuple[str, ...] | None = None,
    csv: str | None = None,
    *,
    loc: Locale = ENGLISH,
) -> Any:
    """The daily report (or some of its sections); ``json_data`` is what --json prints when it
    is not the whole of ``data`` (a section); ``csv`` names the section whose table --csv prints;
    a person reads it in the pipeline's language (``loc``)."""
    from salespipe.render.present import Rows, View, rich_text

    rows = None
    if csv is not None and csv in SECTION_CSV:
        key, header = SECTION_CSV[csv]
        rows = Rows(header, (json_data or data)[key])
    return View(
        data if json_data is None else json_data,
        lambda t: rich_text(
            report_renderable(data, plain=t.width is None, sections=sections, loc=loc, width=t.width, colour=t.colour),
            t,
        ),
        csv=rows,
    )


BREAKDOWN_KEYS = ("group", "deals", "won", "lost", "win_rate", "won_value")


def breakdown_view(data: dict[str, Any], *, loc: Locale = ENGLISH) -> Any:
    from salespipe.render.present import Rows, View, rich_text

    return View(
        data,
        lambda t: rich_text(
            breakdown_renderable(data, plain=t.width is None, loc=loc, width=t.width, colour=t.colour), t
        ),
        csv=Rows(BREAKDOWN_KEYS, data["groups"]),
    )


def target_view(status: dict[str, Any], *, loc: Locale = ENGLISH) -> Any:
    from salespipe.render.present import View, rich_text

    return View(status, lambda t: rich_text(target_renderable(status, plain=t.width is None, loc=loc), t))
