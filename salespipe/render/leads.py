"""Lead listings and the lead card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from salespipe.domain.dates import days_between, from_iso
from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.table import BOLD, Column, draw, style, width_of, wrap
from salespipe.render.terminal import Terminal
from salespipe.render.words import words

if TYPE_CHECKING:
    from salespipe.domain.models import Activity, Lead, StageEvent, Task
    from salespipe.domain.stages import Pipeline
    from salespipe.render.present import View


class LeadRow(Protocol):
    """A listed lead as the services hand it over (services.leads.LeadRow)."""

    @property
    def lead(self) -> Lead: ...
    @property
    def probability(self) -> int: ...
    @property
    def priority(self) -> float | None: ...


class LeadCard(Protocol):
    """A lead with everything its card shows (services.leads.LeadCard)."""

    @property
    def lead(self) -> Lead: ...
    @property
    def probability(self) -> int: ...
    @property
    def events(self) -> list[StageEvent]: ...
    @property
    def pipeline(self) -> Pipeline: ...
    @property
    def activities(self) -> list[Activity]: ...
    @property
    def tasks(self) -> list[Task]: ...
    @property
    def estimates(self) -> list[dict[str, Any]]: ...
    @property
    def org(self) -> dict[str, Any] | None: ...
    @property
    def person(self) -> dict[str, Any] | None: ...


def lead_list_view(rows: Sequence[LeadRow], *, now: datetime, scored: bool = False, loc: Locale = ENGLISH) -> View:
    """``lead list``: the records of ``--json`` (with ``priority`` when sorted by it); a person
    reads them in the pipeline's language (``loc``)."""
    from salespipe.render.present import Rows, View
    from salespipe.render.records import LEAD_KEYS, flatten_for_csv, lead_record

    records: list[dict[str, Any]] = [dict(lead_record(r.lead, r.probability)) for r in rows]
    if scored:
        records = [{**record, "priority": row.priority} for record, row in zip(records, rows, strict=True)]
    header = (*LEAD_KEYS, "priority") if scored else LEAD_KEYS
    return View(
        records,
        lambda terminal: lead_table(records, now=now, terminal=terminal, loc=loc),
        csv=Rows(header, (flatten_for_csv(r) for r in records)),
        empty=words(loc.lang)("No leads match.") if not records else None,
    )


def lead_card_view(
    card: LeadCard, qualification: dict[str, bool] | None, *, now: datetime, loc: Locale | None = None
) -> View:
    """``lead show``: the lead's record with its events, activities, tasks and next step."""
    from salespipe.domain.models import as_record
    from salespipe.render.present import View
    from salespipe.render.records import estimate_records, event_record, lead_record

    record = lead_record(card.lead, card.probability)
    events = [event_record(e) for e in card.events]
    activities = [as_record(a) for a in card.activities]
    tasks = [as_record(t, exclude=("lead_id",)) for t in card.tasks]
    open_tasks = [t for t in tasks if t["done_at"] is None]
    next_step = open_tasks[0] if open_tasks else None
    loc = loc or Locale(stage_labels={s.key: s.label for s in card.pipeline.stages})
    closed = card.pipeline.by_key[record["stage"]].is_closed if record["stage"] in card.pipeline.by_key else None
    from salespipe.domain.forecast import close_date_slip

    slip = close_date_slip(card.estimates, record["expected_close"])
    slip_record = None if slip is None else {"pushes": slip.pushes, "days": slip.days, "first_expected": slip.first}
    data = {
        **record,
        "events": events,
        "activities": activities,
        "tasks": tasks,
        "next_step": next_step,
        "qualification": qualification,
        "estimates": estimate_records(card.estimates, record["currency"]),
        "slip": slip_record,
        "org": card.org,
        "person": card.person,
    }
    stage = card.pipeline.by_key.get(record["stage"])
    forecast = None
    if stage is not None and not stage.is_closed:
        from salespipe.domain.forecast import stage_category

        forecast = record["forecast_override"] or stage_category(stage.probability, stage.forecast_category)
    return View(
        data,
        lambda terminal: lead_card(
            record,
            events,
            now=now,
            terminal=terminal,
            activities=activities,
            tasks=tasks,
            next_step=next_step,
            qualification=qualification,
            closed=closed,
            loc=loc,
            forecast=forecast,
            slip=slip_record,
            org=card.org,
            person=card.person,
        ),
    )


# The one table style (render.table); on a narrow terminal the name and company give way
# first, then Prob, Weighted, Close and Company go, in that order.
_COLUMNS = (
    Column("ID", align="right"),
    Column("Name", flex="cut", minimum=24),
    Column("Company", flex="cut", minimum=12, drop=4),
    Column("Stage", flex="cut", minimum=9),
    Column("Value", align="right"),
    Column("Prob", align="right", drop=1),
    Column("Weighted", align="right", drop=2),
    Column("Close", drop=3),
    Column("Days", align="right", drop=5),
)
_SCORE = Column("Score", align="right")
# Activity kinds, said in the pipeline's language on the card.
ACTIVITY_KINDS = ("call", "email", "meeting", "note")
# Deal kinds (domain.deals.KINDS), said in the pipeline's language on the card.
DEAL_KINDS = ("new", "upsell", "cross-sell", "renewal")


def said(columns: Sequence[Column], lang: str) -> list[Column]:
    """``columns`` with their titles in ``lang``."""
    tr = words(lang)
    return [c._replace(title=tr(c.title)) for c in columns]


PARKED_MARK = "\u23f8"  # ⏸ (one column wide): parked until the day after it


def stage_words(record: Mapping[str, Any], now: datetime, loc: Locale) -> str:
    """The stage's label; while the deal is parked, the day it is back first: "⏸01-15 Proposal"
    ("⏸15.01. Angebot"; a year or more away, the month: "⏸2028-02", "⏸02.2028"). The mark and
    the day come first so that a narrow Stage column, which cuts its cells at the end, keeps
    them: they take at most 8 columns, and the column is never narrower than 9."""
    from salespipe.domain.deals import is_parked

    label = loc.stage(record["stage"])
    until = record.get("nurture_until")
    if record["closed_at"] is None and until is not None and is_parked(until, now.date()):
        return f"{PARKED_MARK}{short_day(date.fromisoformat(str(until)), now.date(), loc)} {label}"
    return label


def short_day(day: date, today: date, loc: Locale) -> str:
    """A day ahead in at most 7 columns: without its year while it is less than a year away
    (01-15, 15.01.), else its month (2028-02, 02.2028)."""
    de = loc.lang == "de"
    if (day - today).days >= 365:
        return f"{day.month:02d}.{day.year:04d}" if de else f"{day.year:04d}-{day.month:02d}"
    return f"{day.day:02d}.{day.month:02d}." if de else f"{day.month:02d}-{day.day:02d}"


def _cells(record: dict[str, Any], now: datetime, loc: Locale) -> list[str]:
    cur = record["currency"]
    return [
        str(record["id"]),
        record["title"],
        record["company"] or "",
        stage_words(record, now, loc),
        loc.major(record["value"], cur),
        loc.percent(record["probability"]),
        loc.major(record["weighted_value"], cur),
        loc.date(record["expected_close"]),
        loc.number(int(days_between(record["stage_entered_at"], now))),
    ]


def lead_table(records: list[dict[str, Any]], *, now: datetime, terminal: Terminal, loc: Locale = ENGLISH) -> str:
    """The lead listing, in the pipeline's language (stage labels, money, dates); with a
    ``priority`` in the records (``--sort priority``), its score comes right after the id."""
    scored = bool(records) and "priority" in records[0]
    columns = list(_COLUMNS)
    rows = [_cells(r, now, loc) for r in records]
    if scored:
        columns.insert(1, _SCORE)
        rows = [
            [row[0], "" if r["priority"] is None else loc.number(r["priority"], decimals=2), *row[1:]]
            for row, r in zip(rows, records, strict=True)
        ]
    return draw(said(columns, loc.lang), rows, width=terminal.width, colour=terminal.colour)


def qualification_text(qualification: dict[str, bool], loc: Locale = ENGLISH) -> str:
    """What the deal is recorded to meet. salespipe records only what a deal meets (qualify
    --check), so a criterion without a record is "not recorded", never "no"."""
    tr = words(loc.lang)
    met = [name for name, ok in qualification.items() if ok]
    rest = [name for name, ok in qualification.items() if not ok]
    if not met:
        return tr("{rest} not recorded", rest=", ".join(rest))
    if not rest:
        return tr("{met} met", met=", ".join(met))
    return tr("{met} met; {rest} not recorded", met=", ".join(met), rest=", ".join(rest))


def lead_card(
    record: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    labels: dict[str, str] | None = None,
    *,
    now: datetime,
    terminal: Terminal,
    activities: Sequence[dict[str, Any]] = (),
    tasks: Sequence[dict[str, Any]] = (),
    next_step: dict[str, Any] | None = None,
    qualification: dict[str, bool] | None = None,
    closed: bool | None = None,
    loc: Locale | None = None,
    forecast: str | None = None,
    slip: Mapping[str, Any] | None = None,
    org: Mapping[str, Any] | None = None,
    person: Mapping[str, Any] | None = None,
) -> str:
    """The lead card: the title, the fields (a long or multi-line value wraps under itself),
    then one timeline, newest first; in the pipeline's language (``loc`` wins over ``labels``)."""
    loc = loc or Locale(stage_labels=labels or {})
    tr = words(loc.lang)
    cur = record["currency"]
    stage_label = loc.stage(record["stage"])
    days = loc.number(int(days_between(record["stage_entered_at"], now)))
    prob = loc.percent(record["probability"]) + (
        tr(" (override)") if record["probability_override"] is not None else ""
    )
    if closed is None:
        closed = record["closed_at"] is not None
    fields: list[tuple[str, str]] = [
        (
            tr("Stage"),
            f"{stage_label} [{record['stage']}]"
            if closed
            else tr("{stage} [{key}], {n} day(s) in stage", stage=stage_label, key=record["stage"], n=days),
        ),
        (
            tr("Value"),
            tr(
                "{value} at {prob} = {weighted} weighted",
                value=loc.major(record["value"], cur),
                prob=prob,
                weighted=loc.major(record["weighted_value"], cur),
            )
            if record["value"] is not None
            else tr("unknown ({currency}), at {prob}", currency=cur, prob=prob),
        ),
    ]
    from salespipe.domain.deals import is_parked, term_text

    if record.get("kind", "new") != "new":
        fields.append((tr("Kind"), tr(record["kind"]) if record["kind"] in DEAL_KINDS else record["kind"]))
    if record.get("renews_lead_id"):
        fields.append((tr("Renews"), f"#{record['renews_lead_id']}"))
    if record.get("term_months"):
        fields.append((tr("Term"), term_text(record["term_months"])))
    if not closed and is_parked(record.get("nurture_until"), now.date()):
        until = tr("until {until}", until=loc.date(record["nurture_until"]))
        fields.append((tr("Nurtured"), until + (f": {record['nurture_note']}" if record.get("nurture_note") else "")))
    if forecast:
        own = tr(" (the deal's own)") if record.get("forecast_override") else tr(" (the stage's)")
        fields.append((tr("Forecast"), category_words(forecast, loc) + own))
    for label, key in (
        ("Contact", "contact_name"),
        ("Company", "company"),
        ("E-mail", "email"),
        ("Phone", "phone"),
        ("Source", "source"),
        ("Owner", "owner"),
        ("Expected close", "expected_close"),
        ("Lost reason", "lost_reason"),
        ("External id", "external_id"),
    ):
        if record[key]:
            fields.append((tr(label), loc.date(record[key]) if key == "expected_close" else str(record[key])))
        if key == "company" and org:
            fields.append((tr("Organisation"), f"{org['name']} (#{org['id']}, salespipe org show {org['id']})"))
        if key == "company" and person:
            fields.append((tr("Person"), f"{person['name']} (#{person['id']})"))
    if slip:
        fields.append((tr("Slip"), slip_words(slip, loc)))
    if record["tags"]:
        fields.append((tr("Tags"), ", ".join(record["tags"])))
    for key, value in record["fields"].items():
        fields.append((key, str(value)))
    if qualification:
        fields.append((tr("Qualification"), qualification_text(qualification, loc)))
    fields.append(
        (
            tr("Created"),
            _local(record["created_at"], loc)
            + (tr(" (a stand-in: the source had no created date)") if record.get("created_estimated") else ""),
        )
    )
    # One timeline, newest first: stage changes, activities, tasks created and done.
    # (when, then the order things were recorded in: kind and id) so that two changes at the
    # same moment show newest first, as everything else
    items: list[tuple[tuple[str, int, int], str, str]] = [
        (
            (e["at"], 0, e["id"]),
            tr("{old} -> {new}", old=loc.stage(e["from_stage"]), new=loc.stage(e["to_stage"]))
            if e["from_stage"]
            else tr("created in {stage}", stage=loc.stage(e["to_stage"])),
            e["note"] or "",
        )
        for e in events
    ]
    items += [
        ((a["at"], 1, a["id"]), tr(a["kind"]) if a["kind"] in ACTIVITY_KINDS else a["kind"], a["text"])
        for a in activities
    ]
    items += [((t["created_at"], 2, t["id"]), tr("task #{id} added", id=t["id"]), t["text"]) for t in tasks]
    items += [
        ((t["done_at"], 3, t["id"]), tr("task #{id} done", id=t["id"]), t["done_note"] or t["text"])
        for t in tasks
        if t["done_at"]
    ]
    timeline = [
        [_local(key[0], loc), what, note] for key, what, note in sorted(items, key=lambda i: i[0], reverse=True)
    ]
    if closed and record["closed_at"] is None:
        fields.append((tr("Closed"), tr("on a date nobody recorded (left out of dated figures)")))
    if not closed:
        if next_step:
            due = loc.date(next_step["due_date"]) + (f" {next_step['due_time']}" if next_step["due_time"] else "")
            fields.append(
                (
                    tr("Next step"),
                    tr("{text} (task #{id}, due {due})", text=next_step["text"], id=next_step["id"], due=due),
                )
            )
        else:
            fields.append((tr("Next step"), tr("none: salespipe task add {id} TEXT --due DATE", id=record["id"])))
    from salespipe.render.output import visible

    width = terminal.width
    label_width = max(width_of(k) for k, _ in fields)
    room = max((width or 10**6) - label_width - 2, 20)
    lines = [style(visible(f"#{record['id']} {record['title']}"), BOLD, terminal.colour), ""]
    if width is not None:
        lines = [*wrap(visible(f"#{record['id']} {record['title']}"), width, indent="  "), ""]
        lines[0] = style(lines[0], BOLD, terminal.colour)
    for key, value in fields:
        label = visible(key)
        value_lines = wrap(visible(value), room)
        lines.append(style(label, BOLD, terminal.colour) + " " * (label_width - width_of(label) + 2) + value_lines[0])
        lines.extend(" " * (label_width + 2) + more for more in value_lines[1:])
    lines += ["", style(tr("Timeline (newest first)"), BOLD, terminal.colour)]
    table = draw(
        said(
            (Column("When"), Column("What", flex="wrap", minimum=12), Column("Note", flex="wrap", minimum=12)), loc.lang
        ),
        timeline,
        width=None if width is None else width - 2,
        colour=False,
    )
    lines += ["  " + line if line else line for line in table.rstrip("\n").split("\n")]
    return "\n".join(lines) + "\n"


def slip_words(slip: Mapping[str, Any], loc: Locale = ENGLISH) -> str:
    """ "close date pushed 3 times, 74 days later than first expected (2026-09-15)"."""
    tr = words(loc.lang)
    first = loc.date(slip["first_expected"])
    n = tr("once") if slip["pushes"] == 1 else tr("{n} times", n=loc.number(slip["pushes"]))
    if slip["days"] > 0:
        return tr(
            "close date pushed {n}, {days} days later than first expected ({first})",
            n=n,
            days=loc.number(slip["days"]),
            first=first,
        )
    return tr("close date pushed {n}, now no later than first expected ({first})", n=n, first=first)


def category_words(category: str, loc: Locale = ENGLISH) -> str:
    tr = words(loc.lang)
    return {
        "commit": tr("commit"),
        "best-case": tr("best case"),
        "pipeline": tr("pipeline"),
        "omit": tr("omitted"),
    }.get(category, category)


def _local(iso: str, loc: Locale = ENGLISH) -> str:
    return loc.datetime(from_iso(iso).astimezone())
