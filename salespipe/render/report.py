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
    return f"{n} deal" if n == 1 else f"{n} deals"


def _period(p: dict[str, Any]) -> str:
    label = p["label"].replace("-", " ") if p["label"] else "custom"
    if p["since"] is None and p["until"] is None:
        return "all time"
    return f"{label} ({p['since'] or '…'} to {p['until'] or '…'})"


def report_renderable(data: dict[str, Any], *, plain: bool) -> Any:
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    cur = data["currency"]
    money = lambda v: format_major(v, cur, cents=False)  # noqa: E731
    tbox = None if plain else box.SIMPLE_HEAD
    parts: list[Any] = []
    header = Text(f"Pipeline report, {data['as_of'][:10]}, {cur}", style="bold")
    parts.append(header)
    parts.append(Text(f"Won/lost: {_period(data['period'])}", style="dim"))
    parts.append(Text(f"Rates, funnel: {_period(data['rates_period'])}", style="dim"))
    parts.append(Text(""))

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
    parts.append(head)
    if data.get("other_currency_leads"):
        parts.append(Text(f"Note: {data['other_currency_leads']} lead(s) in other currencies are not "
                          f"in these {cur} figures (report --currency CODE shows them).", style="yellow"))
    parts.append(Text(""))

    stages = Table(box=tbox, title="Pipeline by stage", title_justify="left", title_style="bold",
                   pad_edge=False, header_style="bold")
    stages.add_column("Stage", overflow="ellipsis", no_wrap=True, max_width=24)
    stages.add_column("Deals", justify="right")
    stages.add_column("Value", justify="right")
    stages.add_column("Prob", justify="right")
    stages.add_column("Weighted", justify="right")
    stages.add_column("Share", justify="right")
    stages.add_column("", no_wrap=True, min_width=10)
    biggest = max((s["share"] or 0 for s in data["stages"]), default=0)
    for s in data["stages"]:
        stages.add_row(Text(s["label"]), str(s["count"]), money(s["value"]), f"{s['probability']}%",
                       money(s["weighted_value"]), pct(s["share"]),
                       Text(bar((s["share"] or 0) / biggest if biggest else None, 12, plain=plain),
                            style="cyan"))
    parts.append(stages)

    funnel = Table(box=tbox, title=f"Funnel: deals created {_period(data['rates_period'])}",
                   title_justify="left", title_style="bold", pad_edge=False, header_style="bold")
    funnel.add_column("Stage", overflow="ellipsis", no_wrap=True, max_width=24)
    funnel.add_column("Reached", justify="right")
    funnel.add_column("", no_wrap=True, min_width=10)
    funnel.add_column("Next", justify="right")
    funnel.add_column("Won from here", justify="right")
    top = data["funnel"][0]["reached"] if data["funnel"] else 0
    for f in data["funnel"]:
        share = f["reached"] / top if top else None
        funnel.add_row(Text(f["label"]), str(f["reached"]), Text(bar(share, 16, plain=plain), style="green"),
                       pct(f["conversion_to_next"]),
                       f"{pct(f['eventual_win_rate'])} (set {f['probability']}%)")
    parts.append(Text(""))
    parts.append(funnel)
    return Group(*parts)
