"""The staging tables of a bulk import: TEMP tables of this connection only, never in the file.

The file's rows are loaded as they were read (``import_rows``: the line, the cells), then the
rows whose every cell has a plain shape are turned into leads by one ``INSERT … SELECT``
(``convert``) into ``import_new``; the others are converted in Python
(``services.import_staged``) and added to the same table, or rejected. Duplicates are then
decided for all of them at once (``decide``) and the new leads and their stage events are
written with two more statements (``write``). The decisions are the row-by-row import's;
what SQL cannot decide the same way (an e-mail with non-ASCII letters, an amount in another
form, a date that does not parse, a cell with a tab or a line break) is left to Python. Names
with non-ASCII letters stay in SQL: their duplicate key comes from ``keys.name_key``,
registered as an SQL function.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# The fields the SQL mapping (``convert``) fills; a file mapping any other goes row by row.
STAGED_FIELDS = (
    "title",
    "company",
    "contact_name",
    "email",
    "phone",
    "source",
    "owner",
    "external_id",
    "stage",
    "value",
    "created",
    "close_date",
    "expected_close",
    "currency",
    "probability",
    "tags",
    "lost_reason",
)

MAX_EASY_CHARS = 2000  # a longer row goes to Python (the text limit of a cell, models.MAX_TEXT)

NEW_COLUMNS = (
    "line",
    "kind",
    "key",
    "title",
    "contact_name",
    "company",
    "email",
    "phone",
    "source",
    "owner",
    "stage",
    "value_minor",
    "currency",
    "probability",
    "expected_close",
    "tags",
    "fields",
    "lost_reason",
    "external_id",
    "created_at",
    "created_estimated",
    "closed_at",
    "entered",
    "email_key",
    "name_key",
    "first_stage",
    "created_given",
    "closed_unknown",
    "warning",
)
KIND_ID, KIND_EMAIL = 0, 1
# How a staged row is converted: in SQL, its cells as they are (tidy: no cell with spaces around
# it, none a null marker) or stripped and checked against the null markers (untidy); or by
# Python (hard).
TIDY, HARD, UNTIDY = 0, 1, 2
INSERTED, SKIPPED, REPEATED = 0, 1, 2  # a row's fate: new lead, matches a lead, repeats a line


def _drop(conn: sqlite3.Connection) -> None:
    for table in ("import_rows", "import_new", "import_fate", "import_dates", "import_stages", "import_nulls"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def create(conn: sqlite3.Connection, width: int) -> None:
    """Empty staging tables for a file of ``width`` columns. Also registers the Python
    name key for the rows SQL cannot fold (non-ASCII letters).

    A row is loaded as hard (Python's) unless it is printable, at most ``MAX_EASY_CHARS``
    long and no cell starts with a quote (the formula neutralising of salespipe's export);
    a row SQL takes is tidy or untidy (``TIDY``)."""
    from salespipe.domain.keys import name_key

    _drop(conn)
    cells = ", ".join(f"c{i}" for i in range(width))
    conn.execute(
        "CREATE TEMP TABLE import_rows (line INTEGER PRIMARY KEY, hard INTEGER NOT NULL, plain INTEGER NOT NULL, "
        f"more TEXT, {cells})"
    )
    conn.execute(f"CREATE TEMP TABLE import_new ({NEW_COLUMNS[0]} INTEGER PRIMARY KEY, {', '.join(NEW_COLUMNS[1:])})")
    conn.execute(
        "CREATE TEMP TABLE import_dates (col INTEGER, text TEXT, iso TEXT, ts INTEGER, day TEXT, "
        "local_day TEXT, future INTEGER, PRIMARY KEY (col, text)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TEMP TABLE import_stages (value TEXT PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL) WITHOUT ROWID"
    )
    conn.execute("CREATE TEMP TABLE import_nulls (value TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.create_function("salespipe_name_key", 2, name_key, deterministic=True)


def begin(conn: sqlite3.Connection) -> None:
    """The staged rows go in as one transaction (of the TEMP database: the file is not touched)."""
    conn.execute("BEGIN")


def commit(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


def rollback(conn: sqlite3.Connection) -> None:
    conn.execute("ROLLBACK")


def drop(conn: sqlite3.Connection) -> None:
    _drop(conn)


def add_rows(conn: sqlite3.Connection, width: int, rows: list[tuple[Any, ...]]) -> None:
    """Rows as ``(line, hard, plain, more, cell 0, ..., cell width-1)``: ``hard`` says how the row
    is converted (``TIDY``), ``plain`` is 1 for a row of ASCII without a double space (whose
    names SQL folds with lower()), ``more`` holds the cells past the header's (JSON)."""
    conn.executemany(f"INSERT INTO import_rows VALUES ({', '.join('?' * (width + 4))})", rows)


def forget_from(conn: sqlite3.Connection, line: int) -> None:
    """Take back the staged rows from ``line`` on (a report's footer)."""
    conn.execute("DELETE FROM import_rows WHERE line >= ?", (line,))


def trimmed(index: int) -> str:
    """Cell ``index`` stripped. The rows loaded as plain are printable (``str.isprintable``),
    so a space is the only white space they can hold, and trim() strips as str.strip() does."""
    return f"trim(c{index})"


def distinct_cells(conn: sqlite3.Connection, index: int) -> Iterator[str]:
    """The distinct values of column ``index``, spaces stripped, empty ones left out."""
    for (value,) in conn.execute(f"SELECT DISTINCT {trimmed(index)} FROM import_rows WHERE hard != {HARD}"):
        if value:
            yield value


def add_dates(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """(column, text, stored ISO text, microseconds since 1970, its own day, its local day,
    1 if in the future) of each date text that parsed."""
    conn.executemany("INSERT INTO import_dates VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def add_stages(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str]]) -> None:
    """(stage value of the file, stage key, its kind) of each value that names a stage."""
    conn.executemany("INSERT INTO import_stages VALUES (?, ?, ?)", rows)


def missing_stages(conn: sqlite3.Connection, keys: list[str]) -> list[str]:
    """The stage keys among ``keys`` that the database no longer has."""
    stored = {row[0] for row in conn.execute("SELECT key FROM main.stages")}
    return [key for key in keys if key not in stored]


@dataclass
class Spec:
    """What the SQL conversion needs from the plan (column indexes, never text from the file)."""

    columns: dict[str, int]
    extras: list[tuple[int, str]]  # (column, JSON-encoded name), sorted by name
    nulls: list[str]
    decimal: str | None
    by_external: bool
    currency: str
    first_stage: str
    now_iso: str
    untidy: bool = True  # whether some rows are (else one statement fewer)
    params: dict[str, Any] = field(default_factory=dict)


def _value(spec: Spec, field_or_column: str | int, tidy: bool) -> str:
    """The cell of a field (or column): stripped, NULL when empty or a null marker (a tidy
    row's cells are stripped and no null marker: NULL when empty)."""
    index = spec.columns.get(field_or_column) if isinstance(field_or_column, str) else field_or_column
    if index is None:
        return "NULL"
    if tidy:
        return f"nullif(c{index}, '')"
    t = trimmed(index)
    longest = max((len(n) for n in spec.nulls), default=0)
    return f"(CASE WHEN length({t}) <= {longest} AND ({t} = '' OR {t} IN import_nulls) THEN NULL ELSE {t} END)"


def _amount_ok(v: str, decimal: str | None) -> str:
    """1 to 13 digits, then maybe the decimal separator and 1 or 2 digits (parse_money's plain
    form); anything else (currency signs, thousands, k) is Python's."""
    sep = "," if decimal == "," else "."
    return (
        f"({v} GLOB '[0-9]*' AND {v} NOT GLOB '*[^0-9{sep}]*' AND "
        f"((instr({v}, '{sep}') = 0 AND length({v}) <= 13) OR "
        f"(instr({v}, '{sep}') BETWEEN 2 AND 14 AND length({v}) - instr({v}, '{sep}') BETWEEN 1 AND 2 "
        f"AND substr({v}, instr({v}, '{sep}') + 1) NOT GLOB '*[^0-9]*')))"
    )


def _minor(v: str, decimal: str | None) -> str:
    sep = "," if decimal == "," else "."
    return (
        f"(CASE WHEN instr({v}, '{sep}') = 0 THEN CAST({v} AS INTEGER) * 100 ELSE "
        f"CAST(substr({v}, 1, instr({v}, '{sep}') - 1) AS INTEGER) * 100 + "
        f"CAST(substr(substr({v}, instr({v}, '{sep}') + 1) || '0', 1, 2) AS INTEGER) END)"
    )


def _ascii_words(v: str) -> str:
    """Printable ASCII without a double space: lower() folds it as str.casefold() does and
    there are no spaces to collapse."""
    return f"({v} NOT GLOB '*[^ -~]*' AND {v} NOT GLOB '*  *')"


_DATE_ALIASES = {"created": "dc", "close_date": "dx", "expected_close": "de"}
_NO_ESCAPE = "'*[\"\\' || char(1) || '-' || char(31) || ']*'"  # GLOB: a quote, backslash or control character


def convert(conn: sqlite3.Connection, spec: Spec) -> None:
    """Every staged row with plain cells becomes a row of ``import_new``, as ``convert_row``
    makes it; the other rows are marked hard, for Python (``hard_rows``).

    Only values go in as parameters; the SQL text is made of column numbers and names of
    this module."""
    conn.executemany("INSERT OR IGNORE INTO import_nulls VALUES (?)", [(n,) for n in spec.nulls])
    params = {"currency": spec.currency, "now": spec.now_iso, "first_stage": spec.first_stage}
    for tidy in (True, False) if spec.untidy else (True,):
        sql = _convert_sql(spec, tidy)
        conn.execute(sql, {**params, **spec.params})
    conn.execute(
        f"UPDATE import_rows SET hard = {HARD} WHERE hard != {HARD} AND line NOT IN (SELECT line FROM import_new)"
    )


def _convert_sql(spec: Spec, tidy: bool) -> str:
    """``convert``'s statement for the tidy rows (their cells as they are, empty ones NULL: 0.14 s
    of a 100k-row file saved) or the untidy ones (each cell stripped and checked against the
    null markers); either way once, in a materialized table (read in place, the cells cost more)."""
    names = STAGED_FIELDS
    cleaned = [f"{_value(spec, name, tidy)} AS f_{name}" for name in names if name in spec.columns]
    cleaned += [f"{_value(spec, index, tidy)} AS x{i}" for i, (index, _) in enumerate(spec.extras)]
    v = {name: f"r.f_{name}" if name in spec.columns else "NULL" for name in names}
    conditions = [f"r.hard = {TIDY if tidy else UNTIDY}"]
    conditions += [f"{v[n]} IS NULL" for n in ("currency", "probability", "tags", "lost_reason") if n in spec.columns]
    pieces = []
    for i in range(len(spec.extras)):
        e = f"r.x{i}"
        # a value JSON writes as it is: no quote, backslash or control character
        conditions.append(f"({e} IS NULL OR {e} NOT GLOB {_NO_ESCAPE})")
        pieces.append(f"coalesce(', ' || :extra{i} || ': \"' || {e} || '\"', '')")  # as json.dumps
        spec.params[f"extra{i}"] = spec.extras[i][1]
    fields = f"('{{' || substr({' || '.join(pieces)}, 3) || '}}')" if pieces else "'{}'"
    title = f"coalesce({v['title']}, {v['company']}, {v['contact_name']}, {v['email']})"
    email, value = v["email"], v["value"]
    conditions += [
        f"{title} IS NOT NULL",
        f"{title} GLOB '*[^0-9]*'",  # a lone number may be a junk line: Python decides
        f"({email} IS NULL OR ({email} NOT GLOB '*[^!-~]*' AND {email} GLOB '?*@?*.?*' "
        f"AND {email} NOT GLOB '*@*@*' AND {email} NOT GLOB '*.'))",
        f"({value} IS NULL OR {_amount_ok(value, spec.decimal)})",
        f"({v['stage']} IS NULL OR st.key IS NOT NULL)",
    ]
    joins = []
    for name, alias in _DATE_ALIASES.items():
        if name in spec.columns:
            joins.append(
                f"LEFT JOIN import_dates {alias} ON {alias}.col = {spec.columns[name]} AND {alias}.text = {v[name]}"
            )
            # a date that did not parse (or lies in the future) is Python's to reject or clamp
            conditions.append(f"({v[name]} IS NULL OR {alias}.text IS NOT NULL)")
    has = {name: name in spec.columns for name in _DATE_ALIASES}
    is_closed = "(coalesce(st.kind, 'open') != 'open')"
    c_iso = "dc.iso" if has["created"] else "NULL"
    x_iso = "dx.iso" if has["close_date"] else "NULL"
    if has["close_date"]:  # a deal closed in the future: Python clamps or refuses it
        conditions.append(f"NOT ({is_closed} AND dx.future)")
    if has["created"] and has["close_date"]:
        # closed before created: on the same day (a midnight stamp) it closes at the creation;
        # on an earlier day the row gets a warning, which Python words
        conditions.append(
            f"NOT ({is_closed} AND dx.ts < dc.ts AND NOT (dx.local_day >= dc.local_day OR dx.day = dc.day))"
        )
        x_iso = "(CASE WHEN dx.ts < dc.ts THEN dc.iso ELSE dx.iso END)"
    expected = "de.day" if has["expected_close"] else "NULL"
    if has["close_date"]:  # an open deal's close date is when it is expected to close
        expected = f"coalesce({expected}, CASE WHEN NOT {is_closed} THEN dx.day END)"
    by_id = f"({1 if spec.by_external else 0} AND {v['external_id']} IS NOT NULL)"
    return f"""
        WITH r AS MATERIALIZED (SELECT line, hard, plain, {", ".join(cleaned)}
            FROM import_rows WHERE hard = {TIDY if tidy else UNTIDY})
        INSERT INTO import_new ({", ".join(NEW_COLUMNS)})
        SELECT line, kind, key, title, contact_name, company, email, phone, source, owner, stage, value_minor,
            :currency, NULL, expected_close, '[]', fields, NULL, external_id,
            coalesce(created_iso, CASE WHEN two THEN closed_iso END, :now),
            is_closed AND created_iso IS NULL,
            CASE WHEN two THEN closed_iso END,
            CASE WHEN two THEN closed_iso ELSE coalesce(created_iso, :now) END,
            email_key,
            CASE WHEN plain OR ({_ascii_words("title")} AND (company IS NULL OR {_ascii_words("company")}))
                 THEN lower(title) || char(31) || lower(coalesce(company, ''))
                 ELSE salespipe_name_key(title, company) END,
            CASE WHEN two THEN :first_stage END,
            created_iso IS NOT NULL, is_closed AND NOT two, NULL
        FROM (
            SELECT r.line AS line, r.plain AS plain,
                {title} AS title, {v["contact_name"]} AS contact_name, {v["company"]} AS company,
                {email} AS email, lower({email}) AS email_key, {v["phone"]} AS phone, {v["source"]} AS source,
                {v["owner"]} AS owner, {v["external_id"]} AS external_id,
                coalesce(st.key, :first_stage) AS stage,
                CASE WHEN {value} IS NULL THEN NULL ELSE {_minor(value, spec.decimal)} END AS value_minor,
                {fields} AS fields, {expected} AS expected_close,
                {c_iso} AS created_iso, {x_iso} AS closed_iso,
                ({is_closed} AND {x_iso} IS NOT NULL) AS two, {is_closed} AS is_closed,
                CASE WHEN {by_id} THEN {KIND_ID} ELSE {KIND_EMAIL} END AS kind,
                CASE WHEN {by_id} THEN {v["external_id"]} ELSE lower({email}) END AS key
            FROM r
            LEFT JOIN import_stages st ON st.value = {v["stage"]}
            {" ".join(joins)}
            WHERE {" AND ".join(conditions)}
        )
    """


def hard_rows(conn: sqlite3.Connection, width: int) -> Iterator[tuple[int, list[str]]]:
    """(line, cells as read) of the staged rows left for Python, in line order."""
    import json

    cells = ", ".join(f"c{i}" for i in range(width))
    cursor = conn.execute(f"SELECT line, more, {cells} FROM import_rows WHERE hard = {HARD} ORDER BY line")
    while batch := cursor.fetchmany(1000):
        for line, more, *values in batch:
            row = [c for c in values if c is not None] if None in values else values
            if more is not None:
                row += json.loads(more)
            yield line, row


def add_converted(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    """Rows converted in Python, as tuples in ``NEW_COLUMNS`` order."""
    conn.executemany(
        f"INSERT INTO import_new ({', '.join(NEW_COLUMNS)}) VALUES ({', '.join('?' * len(NEW_COLUMNS))})", rows
    )


def decide(conn: sqlite3.Connection, first_id: int) -> None:
    """Each converted row's fate, as the row-by-row import decides it in file order: a row
    matching an existing lead (by external id, else e-mail) is skipped, and every later row
    matching the same lead repeats it; a row with the external id of an earlier new lead, or
    (without an id) the e-mail of an earlier new lead or of an earlier row, repeats that line;
    the rest are new leads, numbered from ``first_id`` in line order."""
    existing = first_id > 1  # else the database has no lead to match
    match = (
        "CASE kind WHEN 0 THEN (SELECT id FROM main.leads l WHERE l.external_id = n.key) "
        "ELSE (SELECT min(id) FROM main.leads l WHERE l.email_key = n.key) END"
        if existing
        else "NULL"
    )
    conn.execute("CREATE TEMP TABLE import_fate (line INTEGER PRIMARY KEY, fate INTEGER, target INTEGER, id INTEGER)")
    rows, keys, kinds = conn.execute(
        "SELECT count(*), count(DISTINCT key), count(DISTINCT kind) FROM import_new"
    ).fetchone()
    if not existing and keys == rows and kinds <= 1:
        # nothing to match and no key twice (the keys all of one kind): every row is a new lead
        conn.execute(
            "INSERT INTO import_fate (line, fate, target, id) SELECT line, 0, line, "
            ":first - 1 + row_number() OVER (ORDER BY line) FROM import_new",
            {"first": first_id},
        )
        return
    conn.execute(
        f"""
        INSERT INTO import_fate (line, fate, target, id)
        WITH m AS (SELECT line, kind, key, email_key, {match} AS ex FROM import_new n),
        by_id AS (SELECT line, email_key, min(line) OVER (PARTITION BY key) AS first
                  FROM m WHERE kind = 0 AND ex IS NULL),
        new_by_id_email AS (SELECT email_key, min(line) AS line FROM by_id
                            WHERE line = first AND email_key IS NOT NULL GROUP BY email_key),
        by_email AS (SELECT line, key, min(line) OVER (PARTITION BY key) AS first
                     FROM m WHERE kind = 1 AND ex IS NULL),
        by_existing AS (SELECT line, min(line) OVER (PARTITION BY ex) AS first FROM m WHERE ex IS NOT NULL),
        fates AS (
            SELECT line, CASE WHEN line = first THEN 0 ELSE 2 END AS fate, first AS target FROM by_id
            UNION ALL
            SELECT e.line, CASE WHEN e.line = min(e.first, coalesce(i.line, e.first)) THEN 0 ELSE 2 END,
                   min(e.first, coalesce(i.line, e.first))
            FROM by_email e LEFT JOIN new_by_id_email i ON i.email_key = e.key
            UNION ALL
            SELECT line, CASE WHEN line = first THEN 1 ELSE 2 END, first FROM by_existing)
        SELECT line, fate, target,
               CASE WHEN fate = 0 THEN :first - 1 + sum(fate = 0) OVER (ORDER BY line ROWS UNBOUNDED PRECEDING) END
        FROM fates ORDER BY line""",
        {"first": first_id},
    )


def counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """What the summary says of the decided rows (one pass over them; a stage's kind is looked
    up for the closed deals without a close date only)."""
    got: dict[str, Any] = {"currencies": {}}
    names = (
        "inserted",
        "skipped",
        "repeated",
        "by_id",
        "by_email",
        "without_value",
        "without_created",
        "won_undated",
        "lost_undated",
        "warned",
    )
    for currency, *sums in conn.execute(
        """
            SELECT n.currency, sum(f.fate = 0), sum(f.fate = 1), sum(f.fate = 2), sum(f.fate != 0 AND n.kind = 0),
                sum(f.fate != 0 AND n.kind = 1), sum(f.fate = 0 AND n.value_minor IS NULL),
                sum(f.fate = 0 AND NOT n.created_given),
                sum(CASE WHEN f.fate = 0 AND n.closed_unknown THEN {kind} = 'won' ELSE 0 END),
                sum(CASE WHEN f.fate = 0 AND n.closed_unknown THEN {kind} = 'lost' ELSE 0 END),
                sum(f.fate = 0 AND n.warning IS NOT NULL)
            FROM import_fate f JOIN import_new n USING (line)
            GROUP BY n.currency""".format(kind="(SELECT s.kind FROM main.stages s WHERE s.key = n.stage)")
    ):
        for name, value in zip(names, sums, strict=True):
            got[name] = got.get(name, 0) + value
        if sums[0]:
            got["currencies"][currency] = sums[0]
    got["matched"] = {k: got.pop(n, 0) for k, n in (("external_id", "by_id"), ("email", "by_email"))}
    got["matched"] = {k: v for k, v in got["matched"].items() if v}
    return {**{n: 0 for n in names}, **got}


def repeats(conn: sqlite3.Connection, limit: int) -> list[tuple[int, int]]:
    """(line, line it repeats) of the first ``limit`` repeated rows."""
    return [
        (r[0], r[1])
        for r in conn.execute("SELECT line, target FROM import_fate WHERE fate = 2 ORDER BY line LIMIT ?", (limit,))
    ]


def warnings(conn: sqlite3.Connection, limit: int) -> list[tuple[int, str]]:
    """(line, warning) of the first ``limit`` new leads with a warning."""
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT n.line, n.warning FROM import_fate f JOIN import_new n USING (line) "
            "WHERE f.fate = 0 AND n.warning IS NOT NULL ORDER BY n.line LIMIT ?",
            (limit,),
        )
    ]


# The new leads as ``store.orgs.link_rows`` reads them, before they are written
NEW_LEADS = (
    "SELECT f.id AS id, n.company AS company, n.created_at AS created_at, n.contact_name AS contact_name, "
    "n.email AS email, n.email_key AS email_key, n.phone AS phone, NULL AS org_id, NULL AS person_id "
    "FROM temp.import_fate f JOIN temp.import_new n USING (line) WHERE f.fate = 0"
)


def write(conn: sqlite3.Connection, recorded: str, first_person: int) -> None:
    """Insert the new leads (numbered by ``decide``), linked to their organisations and people
    (``store.orgs.link_rows``, whose ``temp.sp_link`` is read here; ``first_person``: the id of
    the first new person), and their stage events, in the order the row-by-row import writes
    them."""
    from salespipe.store.leads import LEAD_COLUMNS
    from salespipe.store.orgs import PERSON_OF_LINK

    source = (
        "f.id, n.title, n.contact_name, n.company, n.email, n.phone, n.source, n.owner, n.stage, "
        "n.value_minor, n.currency, n.probability, n.expected_close, n.tags, n.fields, n.lost_reason, "
        "n.external_id, n.created_at, n.created_estimated, :recorded, n.closed_at, n.entered, n.entered, "
        f"n.email_key, n.name_key, s.org_id, {PERSON_OF_LINK}"
    )
    new = "import_fate f JOIN import_new n USING (line) WHERE f.fate = 0"
    conn.execute(
        f"INSERT INTO main.leads ({', '.join(LEAD_COLUMNS)}, org_id, person_id) SELECT {source} "
        f"FROM import_fate f JOIN import_new n USING (line) LEFT JOIN temp.sp_link s ON s.lead_id = f.id "
        "WHERE f.fate = 0 ORDER BY f.line",
        {"recorded": recorded, "first_person": first_person},
    )
    # one event per lead; two for a deal closed on a known date (created in the first stage)
    conn.execute(
        f"""
        INSERT INTO main.stage_events (lead_id, from_stage, to_stage, at, prev_at, note, recorded_at)
        SELECT id, from_stage, to_stage, at, prev_at, NULL, :recorded FROM (
            SELECT f.id, 0 AS seq, NULL AS from_stage, coalesce(n.first_stage, n.stage) AS to_stage,
                   n.created_at AS at, NULL AS prev_at
            FROM {new}
            UNION ALL
            SELECT f.id, 1, n.first_stage, n.stage, n.closed_at, n.created_at
            FROM {new} AND n.first_stage IS NOT NULL)
        ORDER BY id, seq""",
        {"recorded": recorded},
    )
