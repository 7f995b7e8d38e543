"""Customers and surveys: their listings and messages (records as in the README)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.domain.money import to_major
from salespipe.render.table import Column, draw
from salespipe.render.words import words

if TYPE_CHECKING:
    from salespipe.render.present import View

CUSTOMER_KEYS = (
    "org_id",
    "org",
    "customer_since",
    "deals_won",
    "lifetime_value",
    "currency",
    "other_currency_won",
    "last_won_at",
    "last_touch_at",
    "next_checkin",
    "checkin_days",
    "nps",
    "previous_nps",
    "nps_answers",
    "referrals",
    "risk",
)
GROUPS = ("promoter", "passive", "detractor")  # domain.retention.score_group, said with tr()
SURVEY_KEYS = ("id", "org_id", "org", "person_id", "person", "score", "group", "note", "at", "recorded_at")


def _day(iso: str | None) -> str | None:
    """A stored UTC moment as the local day it fell on."""
    if iso is None:
        return None
    from salespipe.domain.dates import from_iso

    return from_iso(iso).astimezone().date().isoformat()


def customer_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A customer: ``lifetime_value`` sums its won deals in ``currency`` (major units); won deals
    in other currencies are counted in ``other_currency_won``, not summed. ``nps`` is its latest
    survey answer (0-10), ``previous_nps`` the one before; ``risk`` lists why it is at risk."""
    cur = row["currency"]
    record = {
        "org_id": row["org_id"],
        "org": row["org"],
        "customer_since": _day(row["first_won_at"]),
        "deals_won": row["deals_won"],
        "lifetime_value": to_major(row["lifetime_minor"], cur),
        "currency": cur,
        "other_currency_won": row["other_currency_won"],
        "last_won_at": row["last_won_at"],
        "last_touch_at": row["last_touch_at"],
        "next_checkin": row["next_checkin"],
        "checkin_days": row["checkin_days"],
        "nps": row["nps"],
        "previous_nps": row["previous_nps"],
        "nps_answers": row["nps_answers"],
        "referrals": row["referrals"],
        "risk": list(row["risk"]),
    }
    assert tuple(record) == CUSTOMER_KEYS
    return record


def risk_words(record: Mapping[str, Any], days: int, loc: Locale) -> str:
    tr = words(loc.lang)
    said = []
    for reason in record["risk"]:
        if reason == "no_touch":
            said.append(tr("no touch for {days}+ days", days=loc.number(days)))
        else:
            said.append(tr("score fell {before}→{now}", before=record["previous_nps"], now=record["nps"]))
    return ", ".join(said)


def customer_list_view(
    rows: Sequence[Mapping[str, Any]],
    *,
    days: int,
    loc: Locale = ENGLISH,
    at_risk: bool = False,
    ambassadors: bool = False,
) -> View:
    """``customer list``; with nothing to list, a sentence that says which filter left nothing."""
    from salespipe.render.present import Rows, View

    tr = words(loc.lang)
    records = [customer_record(r) for r in rows]
    show_risk = any(r["risk"] for r in records)
    columns = [
        Column(tr("ID"), align="right"),
        Column(tr("Organisation"), flex="cut", minimum=14),
        Column(tr("Since"), drop=3),
        Column(tr("Won"), align="right"),
        Column(tr("Lifetime value"), align="right"),
        Column(tr("Last won"), drop=1),
        Column(tr("Check-in"), drop=2),
        Column("NPS", align="right"),
        Column(tr("Referrals"), align="right", drop=0),
    ]
    if show_risk:
        columns.append(Column(tr("Risk"), flex="wrap", minimum=12))

    def cells(r: Mapping[str, Any]) -> list[str]:
        row = [
            str(r["org_id"]),
            r["org"],
            loc.date(r["customer_since"]) if r["customer_since"] else "",
            loc.number(r["deals_won"]),
            loc.major(r["lifetime_value"], r["currency"]) + ("*" if r["other_currency_won"] else ""),
            loc.date(_day(r["last_won_at"])) if r["last_won_at"] else "",
            loc.date(r["next_checkin"]) if r["next_checkin"] else "",
            "" if r["nps"] is None else str(r["nps"]),
            loc.number(r["referrals"]),
        ]
        return [*row, risk_words(r, days, loc)] if show_risk else row

    def human(terminal: Any) -> str:
        table = draw(columns, [cells(r) for r in records], width=terminal.width, colour=terminal.colour)
        if any(r["other_currency_won"] for r in records):
            table += tr("* won deals in other currencies are counted, not summed") + "\n"
        return table

    return View(
        records,
        human,
        csv=Rows(CUSTOMER_KEYS, [{**r, "risk": ";".join(r["risk"])} for r in records]),
        empty=_nothing(tr, days, at_risk=at_risk, ambassadors=ambassadors) if not records else None,
    )


def _nothing(tr: Any, days: int, *, at_risk: bool, ambassadors: bool) -> str:
    if at_risk and ambassadors:
        return tr("No ambassador at risk.")
    if at_risk:
        return tr("No customer at risk (none untouched for {days} days, none with a falling score).").format(days=days)
    if ambassadors:
        return tr("No ambassadors yet (customers who referred a deal: lead add ... --referred-by ORG).")
    return tr("No customers yet (a customer is an organisation with a won deal).")


def survey_record(row: Mapping[str, Any]) -> dict[str, Any]:
    from salespipe.domain.retention import score_group

    record = {
        "id": row["id"],
        "org_id": row["org_id"],
        "org": row["org_name"],
        "person_id": row["person_id"],
        "person": row["person_name"],
        "score": row["score"],
        "group": score_group(row["score"]),
        "note": row["note"],
        "at": row["at"],
        "recorded_at": row["recorded_at"],
    }
    assert tuple(record) == SURVEY_KEYS
    return record


def survey_list_view(rows: Sequence[Mapping[str, Any]], *, loc: Locale = ENGLISH) -> View:
    """``survey list``: newest first."""
    from salespipe.render.present import Rows, View

    tr = words(loc.lang)
    records = [survey_record(r) for r in rows]
    columns = (
        Column(tr("ID"), align="right"),
        Column(tr("Date")),
        Column(tr("Organisation"), flex="cut", minimum=12),
        Column(tr("Person"), flex="cut", minimum=10, drop=1),
        Column(tr("Score"), align="right"),
        Column(tr("Group"), drop=0),
        Column(tr("Note"), flex="wrap", minimum=12),
    )
    cells = [
        [
            str(r["id"]),
            loc.date(_day(r["at"])),
            r["org"],
            r["person"] or "",
            str(r["score"]),
            tr(r["group"]),
            r["note"] or "",
        ]
        for r in records
    ]
    return View(
        records,
        lambda t: draw(columns, cells, width=t.width, colour=t.colour),
        csv=Rows(SURVEY_KEYS, records),
        empty=tr("No survey answers yet (salespipe survey ORG --score 0..10).") if not records else None,
    )


def survey_message(record: Mapping[str, Any], loc: Locale = ENGLISH) -> str:
    tr = words(loc.lang)
    return tr(
        "Recorded survey #{id}: {org} scored {score} ({group}) on {day}.",
        id=record["id"],
        org=record["org"],
        score=record["score"],
        group=tr(record["group"]),
        day=loc.date(_day(record["at"])),
    )
