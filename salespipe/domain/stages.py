"""Pipeline presets and the rules for moving a deal between stages."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from salespipe.domain.errors import IllegalTransition, InvalidValue, NotFound
from salespipe.domain.locale import check_lang
from salespipe.domain.models import Stage, StageKind

# key, English label, German label, probability, kind
_PRESETS: dict[str, list[tuple[str, str, str, int, str]]] = {
    # The six phases of the source article.
    "six-phase": [
        ("new", "New (identified)", "Identifizieren", 10, "open"),
        ("verified", "Verified", "Verifizieren", 20, "open"),
        ("qualified", "Qualified", "Qualifizieren", 40, "open"),
        ("proposal", "Proposal", "Vorschlagen", 60, "open"),
        ("negotiation", "Negotiation", "Verhandeln", 80, "open"),
        ("won", "Closed won", "Abschluss (gewonnen)", 100, "won"),
        ("lost", "Closed lost", "Abschluss (verloren)", 0, "lost"),
    ],
    # The seven-step variant: lead generation, nurturing, MQL, SAL, SQL, closed (after-sales
    # is a won deal's follow-up, not a stage).
    "seven-step": [
        ("lead", "Lead", "Lead-Generierung", 5, "open"),
        ("nurturing", "Nurturing", "Lead-Nurturing", 10, "open"),
        ("mql", "Marketing qualified (MQL)", "Marketing-qualifiziert (MQL)", 20, "open"),
        ("sal", "Sales accepted (SAL)", "Vom Vertrieb akzeptiert (SAL)", 40, "open"),
        ("sql", "Sales qualified (SQL)", "Vertriebsqualifiziert (SQL)", 60, "open"),
        ("won", "Closed won", "Gewonnen", 100, "won"),
        ("lost", "Closed lost", "Verloren", 0, "lost"),
    ],
    "hubspot": [
        ("appointment", "Appointment scheduled", "Termin vereinbart", 20, "open"),
        ("qualified", "Qualified to buy", "Kaufbereit", 40, "open"),
        ("presentation", "Presentation scheduled", "Präsentation geplant", 60, "open"),
        ("decision", "Decision maker bought-in", "Entscheider überzeugt", 80, "open"),
        ("contract", "Contract sent", "Vertrag versendet", 90, "open"),
        ("won", "Closed won", "Gewonnen", 100, "won"),
        ("lost", "Closed lost", "Verloren", 0, "lost"),
    ],
}
PRESETS = tuple(_PRESETS)

# The stage each pipeline verb moves a deal into (six-phase keys; other pipelines use `move`).
VERB_STAGES = {"verify": "verified", "qualify": "qualified", "propose": "proposal", "negotiate": "negotiation"}


def preset(name: str, lang: str = "en") -> list[Stage]:
    if name not in _PRESETS:
        raise InvalidValue(f"unknown preset {name!r}; choose from: {', '.join(PRESETS)}")
    lang = check_lang(lang)
    return [
        Stage(key=key, label=en if lang == "en" else de, position=i + 1, probability=p, kind=StageKind(kind))
        for i, (key, en, de, p, kind) in enumerate(_PRESETS[name])
    ]


def preset_language(stages: list[Stage]) -> str | None:
    """``de`` when ``stages`` carry exactly the German labels of a preset (and they differ from
    its English ones), ``en`` for exactly the English labels, else None."""
    have = {s.key: s.label for s in stages}
    for rows in _PRESETS.values():
        if set(have) != {key for key, *_ in rows}:
            continue
        if all(have[key] == de for key, _en, de, *_ in rows) and any(en != de for _k, en, de, *_ in rows):
            return "de"
        if all(have[key] == en for key, en, *_ in rows):
            return "en"
    return None


class Pipeline:
    """The user's stages in order, with look-ups the rules need."""

    def __init__(self, stages: list[Stage]):
        self.stages = sorted(stages, key=lambda s: s.position)
        self.by_key = {s.key: s for s in self.stages}

    def get(self, key: str) -> Stage:
        stage = self.by_key.get(key) or self.by_key.get(key.strip().lower())
        if stage is None:
            label_match = [s for s in self.stages if s.label.lower() == key.strip().lower()]
            if label_match:
                return label_match[0]
            raise NotFound(f"unknown stage {key!r}; stages: {', '.join(self.keys())}")
        return stage

    def keys(self) -> list[str]:
        return [s.key for s in self.stages]

    def first_open(self) -> Stage:
        for stage in self.stages:
            if stage.kind is StageKind.OPEN:
                return stage
        raise NotFound("the pipeline has no open stage; add one with: salespipe stage add")

    def first_of(self, kind: StageKind) -> Stage:
        for stage in self.stages:
            if stage.kind is kind:
                return stage
        raise NotFound(f"the pipeline has no {kind.value} stage; add one with: salespipe stage add")

    def open_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.kind is StageKind.OPEN]

    def for_verb(self, verb: str) -> Stage:
        key = VERB_STAGES[verb]
        if key not in self.by_key:
            raise NotFound(
                f"this pipeline has no stage {key!r} for '{verb}'; use: salespipe move ID STAGE "
                f"(stages: {', '.join(self.keys())})"
            )
        return self.by_key[key]


class Transition(NamedTuple):
    from_stage: str
    to_stage: str
    at: datetime
    closes: bool
    reopens: bool
    backwards: bool


def check_transition(
    *,
    lead_id: int,
    current: Stage,
    target: Stage,
    at: datetime,
    last_event_at: datetime,
    reopen: bool = False,
) -> Transition:
    """Apply the pipeline rules to a requested stage change; raise ``IllegalTransition``.

    - a closed (won/lost) deal moves only through ``reopen``; ``reopen`` only opens closed deals
    - a deal cannot "move" to the stage it is in
    - the change cannot be dated before the deal's previous stage event
    - moving backwards is allowed, and recorded as such
    """
    if reopen:
        if not current.is_closed:
            raise IllegalTransition(
                f"lead #{lead_id} is open (stage {current.key!r}); only closed deals can be reopened"
            )
        if target.is_closed:
            raise IllegalTransition(f"cannot reopen lead #{lead_id} into closed stage {target.key!r}")
    elif current.is_closed:
        verb = "won" if current.kind is StageKind.WON else "lost"
        raise IllegalTransition(f"lead #{lead_id} is closed ({verb}); reopen it first: salespipe reopen {lead_id}")
    if target.key == current.key:
        raise IllegalTransition(f"lead #{lead_id} is already in stage {current.key!r}")
    if at < last_event_at:
        raise IllegalTransition(
            f"--at {at.isoformat(timespec='minutes')} is before lead #{lead_id}'s previous stage "
            f"change ({last_event_at.astimezone(at.tzinfo).isoformat(timespec='minutes')})"
        )
    backwards = not target.is_closed and not current.is_closed and target.position < current.position
    return Transition(current.key, target.key, at, target.is_closed, reopen, backwards)
