"""The import plan: decided from the whole file before anything is written, shown by
``--dry-run``, saved by ``--save-mapping`` and applied by ``--mapping``.

A plan says which column feeds which field, how each stage value maps, the day/month order of
each date column with its evidence, the decimal separator, the null markers, and the questions
it could not answer. An open question (a key field with no column while another column looks
like it; a stage value that repeats and maps to no stage; a date column whose order is unclear)
means the import writes nothing and exits 2, naming each with the flag that answers it.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from salespipe.domain.errors import InvalidValue
from salespipe.domain.import_columns import CUSTOM_PREFIX, FIELDS, fold, normalise_header
from salespipe.domain.import_vocabulary import (
    LOST_WORDS,
    NEGATING_PREFIXES,
    NEGATION_WORDS,
    OPEN_WORDS,
    PERSON_TITLE_HEADERS,
    STAGE_VALUES,
    WON_WORDS,
)
from salespipe.domain.models import Stage, StageKind
from salespipe.domain.stages import Pipeline

DATE_FIELDS = ("created", "close_date", "won_time", "lost_time", "modified", "expected_close")


@dataclass
class Question:
    """Something the importer did not understand: what, how many rows, and the fix."""

    kind: str  # "column", "stage", "dates"
    subject: str  # the column or the stage value
    rows: int
    message: str
    suggestion: str | None = None
    flag: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "rows": self.rows,
            "message": self.message,
            "suggestion": self.suggestion,
            "flag": self.flag,
        }


@dataclass
class Plan:
    headers: list[str]
    columns: dict[str, int] = field(default_factory=dict)  # field -> column index
    extras: list[tuple[int, str]] = field(default_factory=list)  # custom fields
    ignored: list[int] = field(default_factory=list)
    suggestions: dict[int, str] = field(default_factory=dict)  # column -> field it looks like
    stage_values: dict[str, tuple[str | None, int, str]] = field(default_factory=dict)
    # ^ value -> (stage key or None, rows, how: "key", "label", "vocabulary", "map", "won", ...)
    date_orders: dict[str, str | None] = field(default_factory=dict)  # field -> order
    date_evidence: dict[str, str] = field(default_factory=dict)
    decimal: str | None = None
    decimal_evidence: str | None = None
    nulls: dict[str, int] = field(default_factory=dict)  # marker -> cells
    missing: dict[str, int] = field(default_factory=dict)  # field -> empty cells
    questions: list[Question] = field(default_factory=list)
    escape: str | None = None
    no_header: bool = False
    rows: int = 0
    footer_line: int | None = None  # a report footer (one-cell lines after a blank) starts here
    footer_lines: int = 0
    summary_rows: int = 0  # grouping and total lines of a report, skipped
    rows_without_id: int = 0  # rows matched by e-mail or name, not by external id
    rows_without_id_or_email: int = 0
    is_export: bool = False  # salespipe's own CSV export (it has a history column)
    export_closed_at: int | None = None  # its closed_at column (empty: closed on an unknown date)
    # The value column is a price per period of the duration basis column (Capsule's Value, Insightly's
    # BID_AMOUNT alone): a row's deal value is value x duration (``importing.whole_value``).
    value_per_period: bool = False

    def field_of(self, index: int) -> str:
        for name, i in self.columns.items():
            if i == index:
                return name
        for i, name in self.extras:
            if i == index:
                return CUSTOM_PREFIX + name
        return ""

    def title_names_person(self) -> bool:
        """The title column names a person (``PERSON_TITLE_HEADERS``: "Full Name") and no other
        column says who the contact is: that name is the contact's as well."""
        i = self.columns.get("title")
        return (
            i is not None
            and not {"contact_name", "first_name", "last_name"} & self.columns.keys()
            and normalise_header(self.headers[i]) in PERSON_TITLE_HEADERS
        )

    def dayfirst(self, name: str) -> bool | None:
        order = self.date_orders.get(name)
        return True if order == "dayfirst" else (False if order == "monthfirst" else None)

    def to_json(self) -> dict[str, Any]:
        return {
            "columns": [
                {"column": h, "field": self.field_of(i) or None, "suggested": self.suggestions.get(i)}
                for i, h in enumerate(self.headers)
            ],
            "stages": [
                {"value": v, "stage": s, "rows": n, "how": how}
                for v, (s, n, how) in sorted(self.stage_values.items(), key=lambda x: -x[1][1])
            ],
            "dates": [
                {"field": f, "column": self.headers[self.columns[f]], "order": o, "evidence": self.date_evidence.get(f)}
                for f, o in self.date_orders.items()
                if f in self.columns
            ],
            "value_per_period": (
                {
                    "value": self.headers[self.columns["value"]],
                    "basis": self.headers[self.columns["duration_basis"]],
                    "duration": self.headers[self.columns["duration"]] if "duration" in self.columns else None,
                }
                if self.value_per_period
                else None
            ),
            "decimal": self.decimal,
            "decimal_evidence": self.decimal_evidence,
            "nulls": self.nulls,
            "missing": self.missing,
            "escape": self.escape,
            "footer": {"line": self.footer_line, "lines": self.footer_lines} if self.footer_line else None,
            "summary_rows": self.summary_rows,
            "questions": [q.to_json() for q in self.questions],
        }

    def to_toml(self, *, source: str) -> str:
        """The plan as a mapping file for ``--mapping`` (written by hand: ``tomllib`` only reads)."""
        lines = [
            f"# salespipe import mapping, written from {source}",
            "# Apply it with: salespipe import FILE --mapping THIS_FILE.toml",
            "",
            "[file]",
        ]
        if self.no_header:
            lines.append("columns = [" + ", ".join(_toml(h) for h in self.headers) + "]")
        if self.escape:
            lines.append(f"escape = {_toml(self.escape)}")
        if self.decimal:
            lines.append(f"decimal = {_toml(self.decimal)}")
        if self.nulls:
            lines.append("nulls = [" + ", ".join(_toml(m) for m in sorted(self.nulls)) + "]")
        lines += ["", "[columns]", '# column = field ("" = ignored; field:NAME = a custom field)']
        for i, header in enumerate(self.headers):
            if header:
                lines.append(f"{_toml(header)} = {_toml(self.field_of(i))}")
        lines += ["", "[stages]", "# value in the file = stage key"]
        for value, (key, _, _) in sorted(self.stage_values.items()):
            if key:
                lines.append(f"{_toml(value)} = {_toml(key)}")
        for q in self.questions:  # open questions: the suggestion, commented out, to confirm
            if q.kind == "stage":
                lines.append(
                    f"# {_toml(q.subject)} = {_toml(q.suggestion or '')}"
                    f"   # OPEN: {q.rows} rows; uncomment with the right stage key"
                )
        dated = [f for f in self.date_orders if f in self.columns]
        if dated:
            lines += ["", "[dates]", "# column = dayfirst | monthfirst"]
            for name in dated:
                header = _toml(self.headers[self.columns[name]])
                order = self.date_orders[name]
                if order in ("dayfirst", "monthfirst"):
                    lines.append(f"{header} = {_toml(order)}")
                elif any(q.kind == "dates" and q.subject == self.headers[self.columns[name]] for q in self.questions):
                    lines.append(f'# {header} = "dayfirst"   # OPEN: dayfirst or monthfirst? uncomment one')
        column_questions = [q for q in self.questions if q.kind == "column"]
        if column_questions:
            lines += ["", "# OPEN: columns that look like a field; move the line you agree with into [columns]"]
            for q in column_questions:
                lines.append(f"# {_toml(q.subject)} = {_toml(q.suggestion or '')}")
        return "\n".join(lines) + "\n"


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, plus DEL)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


@dataclass
class MappingFile:
    """What a ``--mapping`` file says; every part is optional."""

    columns: dict[str, str] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    header_columns: list[str] | None = None
    escape: str | None = None
    decimal: str | None = None
    nulls: list[str] | None = None


def read_mapping(text: str, source: str) -> MappingFile:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(f"mapping file {source!r} is not valid TOML: {exc}") from None

    def table(name: str) -> dict[str, str]:
        part = data.get(name, {})
        if not isinstance(part, dict) or not all(isinstance(v, str) for v in part.values()):
            raise InvalidValue(f"mapping file {source!r}: [{name}] must map names to strings")
        return part

    unknown = set(data) - {"file", "columns", "stages", "dates"}
    if unknown:
        raise InvalidValue(
            f"mapping file {source!r}: unknown section(s) {', '.join(sorted(unknown))}; "
            "expected [file], [columns], [stages], [dates]"
        )
    head = data.get("file", {})
    if not isinstance(head, dict):
        raise InvalidValue(f"mapping file {source!r}: [file] must be a table")
    result = MappingFile(columns=table("columns"), stages=table("stages"), dates=table("dates"))
    for name, value in result.columns.items():
        if value and not value.startswith(CUSTOM_PREFIX) and value not in FIELDS:
            raise InvalidValue(
                f"mapping file {source!r}: column {name!r} maps to unknown field {value!r}; "
                f"fields: {', '.join(FIELDS)} or {CUSTOM_PREFIX}NAME"
            )
    for name, value in result.dates.items():
        if value not in ("dayfirst", "monthfirst"):
            raise InvalidValue(f"mapping file {source!r}: date column {name!r} must be dayfirst or monthfirst")
    columns = head.get("columns")
    if columns is not None and not (isinstance(columns, list) and all(isinstance(c, str) for c in columns)):
        raise InvalidValue(f"mapping file {source!r}: [file] columns must be a list of names")
    result.header_columns = columns
    for key in ("escape", "decimal"):
        setting = head.get(key)
        if setting is not None and not isinstance(setting, str):
            raise InvalidValue(f"mapping file {source!r}: [file] {key} must be a string")
        setattr(result, key, setting)
    nulls = head.get("nulls")
    if nulls is not None and not (isinstance(nulls, list) and all(isinstance(c, str) for c in nulls)):
        raise InvalidValue(f"mapping file {source!r}: [file] nulls must be a list of strings")
    result.nulls = nulls
    return result


# Stage values -------------------------------------------------------------------------------
class StageResolver:
    """A stage cell -> a stage of the user's pipeline, or None when it names none.

    In order: ``--stage-map`` and the mapping file; a stage key or label (case and accents
    folded); won and lost words (EN/DE/FR/ES) to the pipeline's won or lost stage; the default
    stages of the CRMs in ``import_vocabulary.STAGE_VALUES``; a value that is a word or the
    bracketed part of exactly one label ("Identified" for "New (identified)"). A Bitrix
    pipeline prefix (``C6:WON``) is taken off first.
    """

    def __init__(self, pipeline: Pipeline, stage_map: dict[str, str]):
        self.pipeline = pipeline
        self.first = pipeline.first_open()
        self.won = next((s for s in pipeline.stages if s.kind is StageKind.WON), None)
        self.lost = next((s for s in pipeline.stages if s.kind is StageKind.LOST), None)
        self.mapped: dict[str, Stage] = {}
        for value, key in stage_map.items():
            if not value.strip():
                raise InvalidValue(f'invalid --stage-map {value}={key!r}: use "CSV value=stage"')
            self.mapped[fold(value)] = pipeline.get(key.strip())
        self.names: dict[str, Stage] = {}
        for stage in pipeline.stages:
            self.names.setdefault(fold(stage.key), stage)
            self.names.setdefault(fold(stage.label), stage)
        self.words: dict[str, list[Stage]] = {}
        for stage in pipeline.stages:
            for word in set(fold(stage.label).replace("(", " ").replace(")", " ").split()):
                if len(word) >= 4:
                    self.words.setdefault(word, []).append(stage)
            inner = fold(stage.label).partition("(")[2].rstrip(")").strip()
            if inner:
                self.words.setdefault(inner, []).append(stage)
        self.cache: dict[str, tuple[Stage | None, str]] = {}

    def lookup(self, value: str) -> tuple[Stage | None, str]:
        """(stage, how) for a cell; (None, "") when unknown."""
        hit = self.cache.get(value)
        if hit is None:
            hit = self._lookup(value)
            self.cache[value] = hit
        return hit

    def _lookup(self, value: str) -> tuple[Stage | None, str]:
        folded = fold(value)
        if folded in self.mapped:
            return self.mapped[folded], "map"
        stage, how = self._by_name(folded)
        if stage is None and ":" in folded:  # Bitrix: "C6:WON"
            stage, how = self._by_name(folded.rsplit(":", 1)[1].strip())
        if stage is None and _NUMBERED_RE.match(folded):  # Dynamics: "3-Propose"
            stage, how = self._by_name(_NUMBERED_RE.sub("", folded))
        if stage is None and folded in OPEN_WORDS:
            stage, how = self.first, "open word: the first stage"
        return stage, how

    def _by_name(self, folded: str) -> tuple[Stage | None, str]:
        stage, how = self._by_exact_name(folded)
        words = _words(folded)
        if stage is None and words and words != folded:  # "Won 🎉", "closed-won!"
            stage, how = self._by_exact_name(words)
        return stage, how

    def _by_exact_name(self, folded: str) -> tuple[Stage | None, str]:
        if folded in self.mapped:
            return self.mapped[folded], "map"
        if folded in self.names:
            return self.names[folded], "stage"
        if folded in WON_WORDS and self.won:
            return self.won, "won word"
        if folded in LOST_WORDS and self.lost:
            return self.lost, "lost word"
        for key in _VOCABULARY.get(_words(folded), ()):
            if key in self.pipeline.by_key:
                return self.pipeline.by_key[key], "known CRM stage"
        candidates = self.words.get(folded, [])
        if len(candidates) == 1:
            return candidates[0], "part of the label"
        return None, ""

    def _names_a_stage(self, word: str) -> bool:
        """Whether ``word`` is (a word of) a stage's key or label, or of a known CRM stage name
        (four letters at least: "into" is no negated "to")."""
        return len(word) >= 4 and (word in self.names or word in self.words or word in _VOCABULARY_WORDS)

    def closest(self, value: str) -> Stage:
        """The stage to suggest for an unknown value: one that says won or lost in a word
        ("Abgeschlossen und verloren") is that; one that negates ("Not verified", "Unverified")
        the first stage, which claims no progress (the nearest name would be the negated one);
        else the nearest name."""
        folded = fold(value)
        if folded in OPEN_WORDS:
            return self.first
        tokens = set(_words(folded).split())
        lost, won = bool(tokens & _LOST_TOKENS), bool(tokens & _WON_TOKENS)
        if lost != won:
            outcome = self.lost if lost else self.won
            if outcome is not None:
                return outcome
        if tokens & NEGATION_WORDS or any(
            t.startswith(p) and self._names_a_stage(t[len(p) :].lstrip("-")) for t in tokens for p in NEGATING_PREFIXES
        ):
            return self.first
        names = list(self.names)
        close = difflib.get_close_matches(folded, names, n=1, cutoff=0.5)
        if close:
            return self.names[close[0]]
        vocab = difflib.get_close_matches(_words(folded), list(_VOCABULARY), n=1, cutoff=0.6)
        for key in _VOCABULARY.get(vocab[0], ()) if vocab else ():
            if key in self.pipeline.by_key:
                return self.pipeline.by_key[key]
        return self.first


_NUMBERED_RE = re.compile(r"^\d{1,2}\s*[-.):]\s*")


def _words(folded: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


_VOCABULARY = {_words(fold(k)): v for k, v in STAGE_VALUES.items()}
_VOCABULARY_WORDS = frozenset(w for k in _VOCABULARY for w in k.split())
_WON_TOKENS = {w for w in WON_WORDS if " " not in w and "-" not in w}
_LOST_TOKENS = {w for w in LOST_WORDS if " " not in w and "-" not in w}


def status_kind(value: str) -> StageKind | None:
    """open / won / lost from a status word, or None."""
    folded = fold(value)
    if folded in WON_WORDS:
        return StageKind.WON
    if folded in LOST_WORDS:
        return StageKind.LOST
    if folded in OPEN_WORDS:
        return StageKind.OPEN
    return None
