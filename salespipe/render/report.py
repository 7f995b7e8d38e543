"""The pipeline report, drawn from the same dict that ``report --json`` prints."""

from __future__ import annotations

from typing import Any

from salespipe.domain.money import format_major


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


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


def deals(n: int) -> str:
    return f"{n:,} deal" if n == 1 else f"{n:,} deals"


def _period(p: dict[str, Any]) -> str:
    label = p["label"].replace("-", " ") if p["label"] else "custom"
    if p["since"] is None and p["until"] is None:
        return "all time"
    return f"{label} ({p['since'] or '…'} to {p['until'] or '…'})"


ALL_SECTIONS = ("headline", "pipeline", "funnel", "cycle", "stale", "target")
# What each `report SECTION` draws.
SECTION_PARTS = {
    "pipeline": ("pipeline",),
    "funnel": ("funnel",),
    "conversion": ("headline", "funnel"),
    "cycle": ("cycle",),
    "velocity": ("velocity",),
    "stale": ("stale",),
}


def _table(title: str, *, plain: bool) -> Any:
    """A table whose title is a line of its own above it (a Rich title wraps at table width)."""
    from rich import box
    from rich.table import Table

    table = Table(box=None if plain else box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
    table.heading = title  # type: ignore[attr-defined]
    return table


def _add_rows(table: Any, rows: list[list[Any]]) -> None:
    """Add rows so that right-aligned columns (figures) are never cut: they get the width of
    their widest cell, and the labels and bars give way on a narrow terminal."""
    for i, column in enumerate(table.columns):
        if column.justify == "right":
            column.no_wrap = True
            column.min_width = max([len(str(column.header))] + [len(str(r[i])) for r in rows])
    for row in rows:
        table.add_row(*row)


def _titled(table: Any) -> Any:
    from rich.console import Group
    from rich.text import Text

    return Group(Text(table.heading, style="bold"), table)


def _days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def report_renderable(data: dict[str, Any], *, plain: bool, sections: tuple[str, ...] | None = None) -> Any:
    """The whole report, or the parts of the named ``report`` sections."""
    from rich.console import Group
    from rich.text import Text

    parts_wanted: tuple[str, ...] = ALL_SECTIONS
    if sections:
        parts_wanted = tuple(p for name in sections for p in SECTION_PARTS[name])
    cur = data["currency"]
    money = lambda v: format_major(v, cur, cents=False)  # noqa: E731
    out: list[Any] = [Text(f"Pipeline report, {data['as_of'][:10]}, {cur}", style="bold"),
                      Text(f"Won/lost: {_period(data['period'])}", style="dim"),
                      Text(f"Rates, funnel: {_period(data['rates_period'])}", style="dim")]
    builders = {"headline": _headline, "pipeline": _pipeline, "funnel": _funnel, "cycle": _cycle,
                "velocity": _velocity, "stale": _stale, "target": _target_part}
    for part in parts_wanted:
        rendered = builders[part](data, money, plain)
        if rendered is not None:
            out.append(Text(""))
            out.append(rendered)
    if data.get("other_currency_leads"):
        out.append(Text(f"Note: {data['other_currency_leads']} lead(s) in other currencies are not "
                        f"in these {cur} figures (report --currency CODE shows them).", style="yellow"))
    for note in gap_notes(data.get("data_gaps") or {}):
        out.append(Text(note, style="yellow"))
    return Group(*out)


def gap_notes(gaps: dict[str, int]) -> list[str]:
    """Say which deals the date-based figures leave out, and why (no date is invented)."""
    notes = []
    undated = [f"{gaps[k]:,} {kind}" for k, kind in (("won_without_close_date", "won"),
                                                    ("lost_without_close_date", "lost")) if gaps.get(k)]
    if undated:
        notes.append(f"Note: {' and '.join(undated)} deal(s) without a close date are left out of "
                     "won/lost per period, the sales cycle and velocity (they count in --period all).")
    if gaps.get("closed_without_created_date"):
        notes.append(f"Note: {gaps['closed_without_created_date']:,} closed deal(s) without a created date "
                     "are left out of the sales cycle.")
    if gaps.get("without_value"):
        notes.append(f"Note: {gaps['without_value']:,} deal(s) have no value (unknown, not 0); value "
                     "figures leave them out.")
    return notes


def _headline(data: dict[str, Any], money: Any, plain: bool) -> Any:
    from rich.table import Table

    head = Table.grid(padding=(0, 2))
    for _ in range(3):
        head.add_column()
    o, w, lo = data["open"], data["won"], data["lost"]
    head.add_row("Open pipeline", f"{deals(o['count'])}, {money(o['value'])}",
                 f"weighted {money(o['weighted_value'])}")
    head.add_row("Won", f"{deals(w['count'])}, {money(w['value'])}",
                 f"avg deal {money(data['avg_deal_size'])}")
    head.add_row("Lost", f"{deals(lo['count'])}, {money(lo['value'])}", "")
    closed = data["closed_in_rates_period"]
    head.add_row("Win rate", f"{pct(data['win_rate'])} by count, {pct(data['win_rate_by_value'])} by value",
                 f"({closed['won']} won, {closed['lost']} lost)")
    if "sales_cycle_days" in data:
        c = data["sales_cycle_days"]
        head.add_row("Sales cycle", f"{_days(c['mean'])} days mean, {_days(c['median'])} median",
                     "(created to won)")
        v = data["sales_velocity"]
        head.add_row("Velocity", f"{money(v['per_day'])} per day" if v["per_day"] is not None else "n/a",
                     f"= {v['open_deals']} x {money(v['avg_deal_size'])} x {pct(v['win_rate'])}"
                     f" / {_days(v['cycle_days'])}d")
    return head


def _velocity(data: dict[str, Any], money: Any, plain: bool) -> Any:
    from rich.table import Table

    v = data["sales_velocity"]
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column(justify="right")
    grid.add_row("Sales velocity", f"{money(v['per_day'])} per day" if v["per_day"] is not None else "n/a")
    grid.add_row("  open deals (all open stages)", str(v["open_deals"]))
    grid.add_row("  x average deal size (won, rates period)", money(v["avg_deal_size"]))
    grid.add_row("  x win rate (rates period)", pct(v["win_rate"]))
    grid.add_row("  / sales cycle, days (mean, won deals)", _days(v["cycle_days"]))
    return grid


def _pipeline(data: dict[str, Any], money: Any, plain: bool) -> Any:
    from rich.text import Text

    stages = _table("Pipeline by stage", plain=plain)
    stages.add_column("Stage", overflow="ellipsis", no_wrap=True, max_width=24)
    stages.add_column("Deals", justify="right")
    stages.add_column("Value", justify="right")
    stages.add_column("Prob", justify="right")
    stages.add_column("Weighted", justify="right")
    stages.add_column("Share", justify="right")
    stages.add_column("", no_wrap=True, min_width=4)
    biggest = max((s["share"] or 0 for s in data["stages"]), default=0)
    _add_rows(stages, [
        [Text(s["label"]), str(s["count"]), money(s["value"]), f"{s['probability']}%",
         money(s["weighted_value"]), pct(s["share"]),
         Text(bar((s["share"] or 0) / biggest if biggest else None, 12, plain=plain), style="cyan")]
        for s in data["stages"]
    ])
    return _titled(stages)


def _funnel(data: dict[str, Any], money: Any, plain: bool) -> Any:
    from rich.console import Group
    from rich.text import Text

    funnel = _table(f"Funnel: deals created {_period(data['rates_period'])}", plain=plain)
    funnel.add_column("Stage", overflow="ellipsis", no_wrap=True, max_width=22)
    funnel.add_column("Reached", justify="right")
    funnel.add_column("", no_wrap=True, min_width=4)
    funnel.add_column("Next", justify="right")
    funnel.add_column("Won from here", justify="right")
    top = data["funnel"][0]["reached"] if data["funnel"] else 0
    thin = []
    rows = []
    for f in data["funnel"]:
        share = f["reached"] / top if top else None
        mark = " !" if f.get("flag") else ("  " if f.get("sample_ok", True) else " ?")
        if not f.get("sample_ok", True):
            thin.append(f["label"])
        rows.append([Text(f["label"]), str(f["reached"]), Text(bar(share, 16, plain=plain), style="green"),
                     pct(f["conversion_to_next"]),
                     Text(f"{pct(f['eventual_win_rate'])} (set {f['probability']}%){mark}",
                          style="bold red" if f.get("flag") else "")])
    _add_rows(funnel, rows)
    notes = []
    flagged = [f for f in data["funnel"] if f.get("flag")]
    for f in flagged:
        notes.append(f"! {f['label']}: {pct(f['eventual_win_rate'])} of deals that reached it were won, "
                     f"{abs(f['gap_points']):g} points {'above' if f['gap_points'] > 0 else 'below'} "
                     f"its configured {f['probability']}%.")
    if thin:
        notes.append(f"? fewer than 20 deals reached {', '.join(thin)}: too few to judge the "
                     "configured probability.")
    return Group(_titled(funnel), *(Text(n, style="dim") for n in notes))


def _cycle(data: dict[str, Any], money: Any, plain: bool) -> Any:
    from rich.console import Group
    from rich.text import Text

    c = data["sales_cycle_days"]
    tis = _table("Time in stage (days; deals still there count the time so far)", plain=plain)
    tis.add_column("Stage", overflow="ellipsis", no_wrap=True, max_width=24)
    tis.add_column("Deals", justify="right")
    tis.add_column("Still there", justify="right")
    tis.add_column("Mean", justify="right")
    tis.add_column("Median", justify="right")
    _add_rows(tis, [[Text(t["label"]), str(t["deals"]), str(t["open_deals"]), _days(t["mean_days"]),
                     _days(t["median_days"])] for t in data["time_in_stage"]])
    return Group(
        Text(f"Sales cycle of won deals: {_days(c['mean'])} days mean, {_days(c['median'])} median."),
        Text(""), _titled(tis), Text(data["bottlenecks"]["summary"]))


def _attention_table(title: str, rows: list[dict[str, Any]], day_key: str, day_label: str,
                     money: Any, plain: bool) -> Any:
    from rich.text import Text

    table = _table(title, plain=plain)
    table.add_column("ID", justify="right")
    table.add_column("Name", overflow="ellipsis", no_wrap=True, max_width=30)
    table.add_column("Stage", no_wrap=True)
    table.add_column(day_label, justify="right")
    table.add_column("Value", justify="right")
    _add_rows(table, [[str(r["id"]), Text(r["title"]), r["stage"], str(r[day_key]), money(r["value"])]
                      for r in rows])
    return _titled(table)


def _stale(data: dict[str, Any], money: Any, plain: bool) -> Any:
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [Text("Needs attention", style="bold")]
    if data["stale_count"]:
        shown = len(data["stale"])
        more = f", the {shown} biggest" if shown < data["stale_count"] else ""
        parts.append(_attention_table(f"Stale: {data['stale_count']:,} open deals idle past their stage's limit{more}",
                                      data["stale"], "days_idle", "Idle", money, plain))
    if data["past_close_count"]:
        shown = len(data["past_close"])
        more = f", the {shown} biggest" if shown < data["past_close_count"] else ""
        parts.append(_attention_table(f"Past expected close: {data['past_close_count']:,} open deals{more}",
                                      data["past_close"], "days_late", "Late", money, plain))
    if len(parts) == 1:
        parts.append(Text("Nothing: no stale deals, none past its expected close date."))
    return Group(*parts)


def _target_part(data: dict[str, Any], money: Any, plain: bool) -> Any:
    return target_renderable(data["target"], plain=plain) if data.get("target") else None


def target_renderable(t: dict[str, Any], *, plain: bool) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    cur = t["currency"]
    money = lambda v: format_major(v, cur, cents=False)  # noqa: E731
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column()
    grid.add_row("Won so far", f"{money(t['won']['value'])} of {money(t['goal'])} ({pct(t['progress'])}), "
                               f"{deals(t['won']['count'])}" + (f" of {t['goal_deals']}" if t["goal_deals"] else ""))
    grid.add_row("Gap", money(t["gap"]) + (f", {t['days_left']} days left" if t["days_left"] else ", period over"))
    e = t["expected_to_close"]
    grid.add_row("Expected to close", f"{deals(e['count'])}, {money(e['value'])} (weighted {money(e['weighted_value'])})")
    grid.add_row("Coverage", f"{t['coverage']:.1f}x the gap" if t["coverage"] is not None else "n/a")
    grid.add_row("Pace needed", f"{money(t['pace_per_week'])} per week" if t["pace_per_week"] is not None else "n/a")
    i = t["leads_needed_inputs"]
    needed = str(t["leads_needed"]) if t["leads_needed"] is not None else "n/a"
    grid.add_row("Leads needed", f"{needed} = gap {money(i['gap'])} / avg deal {money(i['avg_deal_size'])} "
                                 f"/ lead-to-win {pct(i['lead_to_win_rate'])}")
    parts: list[Any] = [Text(f"Target {t['period']} ({t['since']} to {t['until']})", style="bold"),
                        grid, bar_line(t["progress"], plain=plain)]
    parts += [Text(f"Warning: {w}", style="yellow") for w in t["warnings"]]
    return Group(*parts)


def bar_line(progress: float | None, *, plain: bool, width: int = 40) -> Any:
    from rich.text import Text

    done = min(progress or 0, 1.0)
    filled = int(round(done * width))
    if plain:
        return Text("[" + "#" * filled + "." * (width - filled) + f"] {pct(progress)}")
    return Text("█" * filled, style="green") + Text("░" * (width - filled), style="dim") + Text(f" {pct(progress)}")


def breakdown_renderable(data: dict[str, Any], *, plain: bool) -> Any:
    from rich.text import Text

    cur = data["currency"]
    table = _table(f"By {data['by']}: deals created, won and lost {_period(data['period'])}", plain=plain)
    table.add_column(data["by"].capitalize(), overflow="ellipsis", no_wrap=True, max_width=30)
    for name in ("Deals", "Won", "Lost", "Win rate", "Won value"):
        table.add_column(name, justify="right")
    _add_rows(table, [[Text(str(g["group"])), str(g["deals"]), str(g["won"]), str(g["lost"]),
                       pct(g["win_rate"]), format_major(g["won_value"], cur, cents=False)]
                      for g in data["groups"]])
    return _titled(table) if data["groups"] else Text("No deals in this period.")


# Views: the same records as --json, drawn with Rich (bars and panels) at the terminal's width.
# The sections that are a table, as CSV: (key of the list in the section's JSON, its columns).
SECTION_CSV: dict[str, tuple[str, tuple[str, ...]]] = {
    "pipeline": ("stages", ("key", "label", "probability", "count", "value", "weighted_value", "share")),
    "funnel": ("funnel", ("stage", "label", "probability", "reached", "conversion_to_next", "eventual_win_rate",
                          "gap_points", "sample_ok", "flag")),
    "cycle": ("time_in_stage", ("stage", "label", "deals", "open_deals", "mean_days", "median_days")),
    "stale": ("stale", ("id", "title", "company", "stage", "value", "currency", "days_idle", "rotting_days")),
}


def report_view(data: dict[str, Any], json_data: Any = None, sections: tuple[str, ...] | None = None,
                csv: str | None = None) -> Any:
    """The daily report (or some of its sections); ``json_data`` is what --json prints when it
    is not the whole of ``data`` (a section); ``csv`` names the section whose table --csv prints."""
    from salespipe.render.present import Rows, View, rich_text

    rows = None
    if csv is not None and csv in SECTION_CSV:
        key, header = SECTION_CSV[csv]
        rows = Rows(header, (json_data or data)[key])
    return View(data if json_data is None else json_data,
                lambda t: rich_text(report_renderable(data, plain=t.width is None, sections=sections), t), csv=rows)


BREAKDOWN_KEYS = ("group", "deals", "won", "lost", "win_rate", "won_value")


def breakdown_view(data: dict[str, Any]) -> Any:
    from salespipe.render.present import Rows, View, rich_text

    return View(data, lambda t: rich_text(breakdown_renderable(data, plain=t.width is None), t),
                csv=Rows(BREAKDOWN_KEYS, data["groups"]))


def target_view(status: dict[str, Any]) -> Any:
    from salespipe.render.present import View, rich_text

    return View(status, lambda t: rich_text(target_renderable(status, plain=t.width is None), t))
