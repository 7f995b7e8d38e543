"""Shaping the pipeline: presets, adding, renaming, re-ordering and removing stages."""

from __future__ import annotations

import sqlite3

from salespipe.domain.errors import Conflict, InvalidValue
from salespipe.domain.locale import check_lang
from salespipe.domain.models import Stage, StageKind, as_record, validate
from salespipe.domain.money import normalize_currency
from salespipe.domain.stages import Pipeline, preset
from salespipe.services.pipeline import pipeline
from salespipe.store import stages as stage_store


def init(conn: sqlite3.Connection, *, preset_name: str, lang: str, currency: str | None) -> Pipeline:
    """Start the pipeline from a preset, in language ``lang`` (kept as the pipeline's language).
    Refused once the database holds leads."""
    stages = preset(preset_name, lang)
    from salespipe.store.leads import count as lead_count

    count = lead_count(conn)
    if count:
        raise Conflict(
            f"the database holds {count} lead(s) already; init only shapes a new pipeline "
            "(use salespipe stage ... to change this one, or --db for a new file)"
        )
    stage_store.replace_all(conn, stages)
    stage_store.set_setting(conn, "language", check_lang(lang))  # the language of every view
    if currency:
        stage_store.set_setting(conn, "currency", normalize_currency(currency))
    return pipeline(conn)


def add(
    conn: sqlite3.Connection,
    *,
    key: str,
    label: str | None,
    probability: int | None,
    kind: StageKind,
    after: str | None,
    rotting_days: int | None,
) -> Stage:
    """Add a stage; without ``probability`` an open stage gets 50, a closed one its outcome."""
    pipe = pipeline(conn)
    _check_closed(key, kind, probability, rotting_days)
    if probability is None:
        probability = 50 if kind is StageKind.OPEN else _OUTCOME[kind]
    if key in pipe.by_key:
        raise Conflict(f"stage {key!r} exists already")
    if after:
        anchor = pipe.get(after)
        order = pipe.keys()
        order.insert(order.index(anchor.key) + 1, key)
    else:  # before the first closed stage, or last
        closed = [s.key for s in pipe.stages if s.is_closed]
        order = pipe.keys()
        order.insert(order.index(closed[0]) if closed and kind is StageKind.OPEN else len(order), key)
    stage = validate(
        Stage,
        {
            "key": key,
            "label": label or key.replace("_", " ").capitalize(),
            "position": len(order) + 1000,
            "probability": probability,
            "kind": kind,
            "rotting_days": rotting_days,
        },
    )
    stage_store.insert(conn, stage)
    stage_store.reorder(conn, order)
    return pipeline(conn).by_key[key]


def update(
    conn: sqlite3.Connection,
    key: str,
    *,
    label: str | None = None,
    probability: int | None = None,
    rotting_days: int | None = None,
    forecast: str | None = None,
    phase: str | None = None,
) -> Stage:
    """Change a stage; ``forecast`` is its forecast category as typed (``auto``: back to the
    default by its probability), ``phase`` its journey phase as typed (``auto``: back to the one
    its kind and probability give; ``domain.journey``)."""
    stage = pipeline(conn).get(key)
    _check_closed(stage.key, stage.kind, probability, rotting_days)
    changes: dict[str, object] = {
        k: v
        for k, v in {"label": label, "probability": probability, "rotting_days": rotting_days}.items()
        if v is not None
    }
    if forecast is not None:
        from salespipe.domain.forecast import parse_category

        if stage.is_closed:
            raise InvalidValue(
                f"stage {stage.key!r} is a {stage.kind.value} stage: its deals are {stage.kind.value}, "
                "not forecast; forecast categories are for open stages"
            )
        changes["forecast_category"] = parse_category(forecast, auto=True)
    if phase is not None:
        changes["journey_phase"] = _journey_phase(stage, phase)
    if not changes:
        raise InvalidValue("nothing to change: give --label, --probability, --rotting-days, --forecast or --phase")
    validate(Stage, {**as_record(stage), **changes})
    stage_store.update(conn, stage.key, **changes)
    return pipeline(conn).by_key[stage.key]


_OUTCOME = {StageKind.WON: 100, StageKind.LOST: 0}


def _check_closed(key: str, kind: StageKind, probability: int | None, rotting_days: int | None) -> None:
    """A closed deal's probability is its outcome (won 100 %, lost 0 %) and it never goes stale,
    so a closed stage takes no other probability and no rotting days (they would be shown and
    never used)."""
    if kind is StageKind.OPEN:
        return
    outcome = _OUTCOME[kind]
    if probability is not None and probability != outcome:
        raise InvalidValue(
            f"stage {key!r} is a {kind.value} stage: a {kind.value} stage's probability is {outcome}% "
            "(a closed deal's probability is its outcome)"
        )
    if rotting_days is not None:
        raise InvalidValue(f"stage {key!r} is a {kind.value} stage: closed deals do not go stale (no --rotting-days)")


def _journey_phase(stage: Stage, text: str) -> str | None:
    """The journey phase typed for ``stage`` (None: ``auto``). A won stage is the action of the
    journey and a lost one stands for no phase: only open stages choose."""
    from salespipe.domain.journey import check_phase

    if text.strip().casefold() == "auto":
        return None
    if stage.is_closed:
        raise InvalidValue(
            f"stage {stage.key!r} is a {stage.kind.value} stage: "
            + ("a win is the journey's action" if stage.kind is StageKind.WON else "a lost deal stands for no phase")
            + "; journey phases are chosen for open stages"
        )
    try:
        return check_phase(text)
    except ValueError as exc:
        raise InvalidValue(f"--phase {exc} (or auto)") from None


def move(conn: sqlite3.Connection, key: str, position: int) -> Pipeline:
    pipe = pipeline(conn)
    stage = pipe.get(key)
    if not 1 <= position <= len(pipe.stages):
        raise InvalidValue(f"invalid position {position}: choose 1 to {len(pipe.stages)}")
    order = [k for k in pipe.keys() if k != stage.key]
    order.insert(position - 1, stage.key)
    stage_store.reorder(conn, order)
    return pipeline(conn)


def remove(conn: sqlite3.Connection, key: str) -> Stage:
    pipe = pipeline(conn)
    stage = pipe.get(key)
    held = stage_store.count_leads_in(conn, stage.key)
    if held:
        raise Conflict(
            f"stage {stage.key!r} holds {held} lead(s); move them first "
            f"(salespipe lead list --all --stage {stage.key}, then salespipe move ID STAGE)"
        )
    if sum(1 for s in pipe.stages if s.kind is stage.kind) == 1:
        raise Conflict(f"stage {stage.key!r} is the pipeline's only {stage.kind.value} stage")
    stage_store.delete(conn, stage.key)
    stage_store.reorder(conn, [k for k in pipe.keys() if k != stage.key])
    return stage
