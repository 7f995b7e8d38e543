"""Organisations and people: their listings, cards and messages (records as in the README)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.domain.money import to_major
from salespipe.render.output import visible
from salespipe.render.table import BOLD, Column, draw, style, width_of, wrap
from salespipe.render.terminal import Terminal

if TYPE_CHECKING:
    from salespipe.domain.models import Lead
    from salespipe.render.present import View

ORG_KEYS = (
    "id",
    "name",
    "website",
    "notes",
    "checkin_days",
    "currency",
    "deals",
    "open_deals",
    "open_value",
    "nurtured_deals",
    "won_deals",
    "won_value",
    "lost_deals",
    "other_currency_deals",
    "people",
    "created_at",
    "updated_at",
)
PERSON_KEYS = (
    "id",
    "name",
    "org_id",
    "org",
    "email",
    "phone",
    "role",
    "notes",
    "deals",
    "created_at",
    "updated_at",
)


def org_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """An organisation with its figures: open and won value in ``currency`` (the database's;
    deals in other currencies are counted in ``other_currency_deals``, not summed)."""
    cur = row["currency"]
    record = {
        "id": row["id"],
        "name": row["name"],
        "website": row["website"],
        "notes": row["notes"],
        "checkin_days": row["checkin_days"],
        "currency": cur,
        "deals": row["deals"],
        "open_deals": row["open_deals"],
        "open_value": to_major(row["open_minor"], cur),
        "nurtured_deals": row["nurtured_deals"],
        "won_deals": row["won_deals"],
        "won_value": to_major(row["won_minor"], cur),
        "lost_deals": row["lost_deals"],
        "other_currency_deals": row["other_currency_deals"],
        "people": row["people"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    assert tuple(record) == ORG_KEYS
    return record


def person_record(row: Mapping[str, Any]) -> dict[str, Any]:
    record = {
        "id": row["id"],
        "name": row["name"],
        "org_id": row["org_id"],
        "org": row["org_name"],
        "email": row["email"],
        "phone": row["phone"],
        "role": row["role"],
        "notes": row["notes"],
        "deals": row.get("deals"),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    assert tuple(record) == PERSON_KEYS
    return record


_ORG_COLUMNS = (
    Column("ID", align="right"),
    Column("Name", flex="cut", minimum=16),
    Column("Deals", align="right"),
    Column("Open", align="right", drop=3),
    Column("Open value", align="right"),
    Column("Won", align="right", drop=2),
    Column("Won value", align="right", drop=4),
    Column("Lost", align="right", drop=1),
    Column("People", align="right", drop=0),
)


def org_list_view(rows: Sequence[Mapping[str, Any]], *, loc: Locale = ENGLISH) -> View:
    """``org list``."""
    from salespipe.render.present import Rows, View

    records = [org_record(r) for r in rows]

    def human(terminal: Terminal) -> str:
        cells = [
            [
                str(r["id"]),
                r["name"],
                loc.number(r["deals"]),
                loc.number(r["open_deals"]),
                loc.major(r["open_value"], r["currency"]),
                loc.number(r["won_deals"]),
                loc.major(r["won_value"], r["currency"]),
                loc.number(r["lost_deals"]),
                loc.number(r["people"]),
            ]
            for r in records
        ]
        return draw(_ORG_COLUMNS, cells, width=terminal.width, colour=terminal.colour)

    return View(
        records,
        human,
        csv=Rows(ORG_KEYS, records),
        empty="No organisations yet (salespipe org add NAME, or lead add --company NAME)." if not records else None,
    )


_PERSON_COLUMNS = (
    Column("ID", align="right"),
    Column("Name", flex="cut", minimum=14),
    Column("Organisation", flex="cut", minimum=12, drop=3),
    Column("Role", flex="cut", minimum=8, drop=1),
    Column("E-mail", flex="cut", minimum=12, drop=2),
    Column("Phone", drop=0),
    Column("Deals", align="right"),
)


def _person_cells(r: Mapping[str, Any], loc: Locale) -> list[str]:
    return [
        str(r["id"]),
        r["name"],
        r["org"] or "",
        r["role"] or "",
        r["email"] or "",
        r["phone"] or "",
        "" if r["deals"] is None else loc.number(r["deals"]),
    ]


def person_list_view(rows: Sequence[Mapping[str, Any]], *, loc: Locale = ENGLISH) -> View:
    """``person list``."""
    from salespipe.render.present import Rows, View

    records = [person_record(r) for r in rows]
    return View(
        records,
        lambda t: draw(_PERSON_COLUMNS, [_person_cells(r, loc) for r in records], width=t.width, colour=t.colour),
        csv=Rows(PERSON_KEYS, records),
        empty="No people yet (salespipe person add NAME --org ORG, or lead add --company X --contact NAME)."
        if not records
        else None,
    )


def _deal_records(deals: Sequence[tuple[Lead, int]]) -> list[dict[str, Any]]:
    from salespipe.render.records import lead_record

    return [dict(lead_record(lead, probability)) for lead, probability in deals]


def _fields_block(title: str, fields: list[tuple[str, str]], terminal: Terminal) -> list[str]:
    """A card's title and its label: value lines (a long value wraps under itself)."""
    width = terminal.width
    lines = [style(visible(title), BOLD, terminal.colour), ""]
    if width is not None:
        lines = [*wrap(visible(title), width, indent="  "), ""]
        lines[0] = style(lines[0], BOLD, terminal.colour)
    if not fields:
        return lines
    label_width = max(width_of(k) for k, _ in fields)
    room = max((width or 10**6) - label_width - 2, 20)
    for key, value in fields:
        value_lines = wrap(visible(value), room)
        lines.append(style(key, BOLD, terminal.colour) + " " * (label_width - width_of(key) + 2) + value_lines[0])
        lines.extend(" " * (label_width + 2) + more for more in value_lines[1:])
    return lines


def _section(title: str, columns: Sequence[Column], rows: list[list[str]], terminal: Terminal) -> list[str]:
    table = draw(columns, rows, width=None if terminal.width is None else terminal.width - 2, colour=False)
    return ["", style(title, BOLD, terminal.colour), *("  " + line for line in table.rstrip("\n").split("\n"))]


_DEAL_COLUMNS = (
    Column("ID", align="right"),
    Column("Name", flex="cut", minimum=16),
    Column("Contact", flex="cut", minimum=10, drop=1),
    Column("Stage", flex="cut", minimum=9),
    Column("Value", align="right"),
)


def _deal_rows(deals: list[dict[str, Any]], loc: Locale) -> list[list[str]]:
    return [
        [str(d["id"]), d["title"], d["contact_name"] or "", loc.stage(d["stage"]), loc.major(d["value"], d["currency"])]
        for d in deals
    ]


def org_card_view(card: Mapping[str, Any], *, loc: Locale = ENGLISH) -> View:
    """``org show``: ``org`` (its record), ``deals``, ``people`` and ``activities``."""
    from salespipe.render.present import View

    record = org_record(card["org"])
    deals = _deal_records(card["deals"])
    people = [person_record(p) for p in card["people"]]
    activities = [dict(a) for a in card["activities"]]
    data = {"org": record, "deals": deals, "people": people, "activities": activities}

    def human(terminal: Terminal) -> str:
        cur = record["currency"]
        fields = [
            (
                "Open",
                f"{loc.number(record['open_deals'])} deal(s), {loc.major(record['open_value'], cur)}",
            ),
            ("Won", f"{loc.number(record['won_deals'])} deal(s), {loc.major(record['won_value'], cur)}"),
            ("Lost", f"{loc.number(record['lost_deals'])} deal(s)"),
        ]
        if record["nurtured_deals"]:  # parked: out of the open ones until they are back
            fields.insert(1, ("Nurtured", f"{loc.number(record['nurtured_deals'])} deal(s)"))
        if record["other_currency_deals"]:
            fields.append(("Note", f"{record['other_currency_deals']} deal(s) in other currencies are not summed"))
        for label, key in (("Website", "website"), ("Notes", "notes")):
            if record[key]:
                fields.append((label, record[key]))
        if record["checkin_days"]:
            fields.append(("Check-in", f"{loc.number(record['checkin_days'])} days after a win"))
        lines = _fields_block(f"#{record['id']} {record['name']}", fields, terminal)
        if deals:
            lines += _section("Deals", _DEAL_COLUMNS, _deal_rows(deals, loc), terminal)
        if people:
            columns = [c for c in _PERSON_COLUMNS if c.title != "Organisation"]
            rows = [[c for i, c in enumerate(_person_cells(p, loc)) if i != 2] for p in people]
            lines += _section("People", columns, rows, terminal)
        if activities:
            lines += _section(
                "Recent activities",
                (
                    Column("When"),
                    Column("Deal", align="right"),
                    Column("Kind"),
                    Column("Text", flex="wrap", minimum=12),
                ),
                [[_local(a["at"], loc), f"#{a['lead_id']}", a["kind"], a["text"]] for a in activities],
                terminal,
            )
        return "\n".join(lines) + "\n"

    return View(data, human)


def person_card_view(card: Mapping[str, Any], *, loc: Locale = ENGLISH) -> View:
    """``person show``: ``person`` (its record) and ``deals``."""
    from salespipe.render.present import View

    record = person_record({**card["person"], "deals": len(card["deals"])})
    deals = _deal_records(card["deals"])
    data = {"person": record, "deals": deals}

    def human(terminal: Terminal) -> str:
        fields = [
            (label, str(record[key]) if key != "org" else f"{record['org']} (#{record['org_id']})")
            for label, key in (
                ("Organisation", "org"),
                ("Role", "role"),
                ("E-mail", "email"),
                ("Phone", "phone"),
                ("Notes", "notes"),
            )
            if record[key]
        ]
        lines = _fields_block(f"#{record['id']} {record['name']}", fields, terminal)
        if deals:
            lines += _section("Deals", _DEAL_COLUMNS, _deal_rows(deals, loc), terminal)
        return "\n".join(lines) + "\n"

    return View(data, human)


def _local(iso: str, loc: Locale) -> str:
    from salespipe.domain.dates import from_iso

    return loc.datetime(from_iso(iso).astimezone())


def changes_of(before: Mapping[str, Any], after: Mapping[str, Any], keys: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {"field": k, "from": before[k], "to": after[k]} for k in keys if k != "updated_at" and before[k] != after[k]
    ]


def edited_lines(kind: str, after: Mapping[str, Any], changes: list[dict[str, Any]]) -> str:
    if not changes:
        return f"{kind} #{after['id']} {after['name']}: nothing changed (the values given are the ones it had)."
    shown = [f"  {c['field']}: {'(empty)' if c['from'] is None else c['from']} -> " for c in changes]
    return "\n".join(
        [f"Updated {kind.lower()} #{after['id']} {after['name']}:"]
        + [s + ("(empty)" if c["to"] is None else str(c["to"])) for s, c in zip(shown, changes, strict=True)]
    )


def merged_message(result: Mapping[str, Any]) -> str:
    source, target = result["source"], result["target"]
    return (
        f"Merged organisation #{source['id']} {source['name']} into #{target['id']} {target['name']}: "
        f"{result['deals_moved']} deal(s) and {result['people_moved']} person(s) moved; "
        f"the name {source['name']!r} is kept in #{target['id']}'s notes. salespipe undo reverts it."
    )
