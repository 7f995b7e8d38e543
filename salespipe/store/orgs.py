"""Queries on ``orgs`` and ``people``, and the linking of leads to them.

``link_leads`` links the leads of an id range to organisations and people, set-based: the
distinct company names are matched once (``domain.orgs.resolve``), new organisations and
people are inserted together, and the leads are updated in one statement each. ``lead add``
(a range of one), ``lead edit``, the import and the migration use it.
"""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

from salespipe.domain.keys import email_key
from salespipe.domain.orgs import OrgRef, fold, org_key, resolve, split_legal_form
from salespipe.store.db import marks, parts, plain_rows
from salespipe.store.open_pipeline import IN_PIPELINE, PARKED


class Linked(NamedTuple):
    """What ``link_leads`` did: counts, and the rowid ranges of what it inserted."""

    orgs_created: int
    orgs_matched: int  # distinct organisations that existed before
    people_created: int
    people_matched: int
    orgs_range: tuple[int, int]  # first, one past the last
    people_range: tuple[int, int]


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])


# The leads ``link_leads`` links: the columns ``link_rows`` reads of each, from a range of ids.
LEADS_TO_LINK = (
    "SELECT id, company, created_at, contact_name, email, email_key, phone, org_id, person_id "
    "FROM main.leads WHERE id >= :first AND id < :end"
)
# A linked lead's person (alias ``s`` for ``temp.sp_link``, parameter :first_person): a stored
# one it matched, else the new one of its organisation and key
PERSON_OF_LINK = (
    "coalesce(s.person_id, :first_person - 1 + (SELECT g.rowid FROM temp.sp_new_people g "
    "WHERE g.org_id = s.org_id AND g.pkey = s.pkey))"
)
_LINK_TABLES = ("sp_org_map", "sp_link", "sp_new_people")


def link_leads(conn: sqlite3.Connection, first: int, end: int, *, at: str | None) -> Linked:
    """Link the leads ``first`` .. ``end - 1`` that have no organisation yet (by their company)
    and no person yet (by e-mail, else contact name, at their organisation). What is made is
    dated ``at``, or (None: the migration) when its first lead was created. The leads are
    read twice and written once, whatever their number."""
    try:
        linked = link_rows(conn, LEADS_TO_LINK, {"first": first, "end": end}, at=at)
        conn.execute(
            f"UPDATE leads SET org_id = s.org_id, person_id = {PERSON_OF_LINK} "
            "FROM temp.sp_link s WHERE leads.id = s.lead_id",
            {"first_person": linked.people_range[0]},
        )
    finally:
        drop_links(conn)
    return linked


def link_rows(conn: sqlite3.Connection, source: str, params: dict[str, Any], *, at: str | None) -> Linked:
    """Link the leads ``source`` gives (SQL of this package, ``params`` its values: a query with
    the columns of ``LEADS_TO_LINK``, written or not yet): insert their new organisations and
    people and leave the links in ``temp.sp_link`` (``lead_id``, ``org_id``; the person is
    ``PERSON_OF_LINK``) for the caller to write, then ``drop_links``. Only the leads without an
    organisation get one, and only those without a person a person."""
    first_org, first_person = _next_id(conn, "orgs"), _next_id(conn, "people")
    conn.create_function("sp_fold", 1, lambda text: fold(text) if text else None, deterministic=True)
    conn.create_function("sp_email_key", 1, email_key, deterministic=True)
    drop_links(conn)
    # each lead's organisation and person key (domain.orgs.person_key: the e-mail as
    # leads.email_key holds it, else the folded name); person_id when a stored one matches;
    # and what its person is made of, should it be a new one
    conn.execute(
        "CREATE TEMP TABLE sp_link (lead_id INTEGER PRIMARY KEY, org_id INTEGER, pkey TEXT, name TEXT, "
        "nfold TEXT, email TEXT, person_id INTEGER, phone TEXT, created_at TEXT)"
    )
    created, matched = _link_companies(conn, source, params, first_org, at)
    conn.execute(
        "INSERT INTO temp.sp_link (lead_id, org_id, pkey, name, email, phone, created_at) "
        "SELECT l.id, coalesce(l.org_id, m.org_id), CASE WHEN l.email IS NOT NULL AND trim(l.email) != '' "
        "THEN 'e:' || coalesce(l.email_key, sp_email_key(l.email)) "
        "WHEN l.contact_name IS NOT NULL THEN 'n:' || sp_fold(l.contact_name) END, l.contact_name, l.email, "
        f"l.phone, l.created_at FROM ({source}) l "
        "LEFT JOIN temp.sp_org_map m ON m.company = l.company AND l.org_id IS NULL "
        "WHERE l.person_id IS NULL AND coalesce(l.org_id, m.org_id) IS NOT NULL",
        params,
    )
    # a name without an e-mail is the person of that name with one, if there is exactly one
    conn.execute(
        "UPDATE temp.sp_link SET nfold = sp_fold(name) WHERE name IS NOT NULL AND org_id IN "
        "(SELECT org_id FROM temp.sp_link WHERE pkey LIKE 'n:%')"
    )
    conn.execute(
        "UPDATE temp.sp_link AS m SET pkey = (SELECT min(e.pkey) FROM temp.sp_link e "
        "WHERE e.org_id = m.org_id AND e.nfold = m.nfold AND e.pkey LIKE 'e:%') "
        "WHERE m.pkey LIKE 'n:%' AND (SELECT count(DISTINCT e.pkey) FROM temp.sp_link e "
        "WHERE e.org_id = m.org_id AND e.nfold = m.nfold AND e.pkey LIKE 'e:%') = 1"
    )
    people_matched = _match_known_people(conn, first_org)
    # the new people, in the order of their first lead: n = rowid - 1; the name, e-mail and
    # phone each from the first of their leads that has one
    conn.execute(
        "CREATE TEMP TABLE sp_new_people AS SELECT org_id, pkey, min(lead_id) AS first_lead, "
        "min(CASE WHEN trim(name) != '' THEN lead_id END) AS name_lead, "
        "min(CASE WHEN trim(email) != '' THEN lead_id END) AS email_lead, "
        "min(CASE WHEN trim(phone) != '' THEN lead_id END) AS phone_lead "
        "FROM temp.sp_link WHERE person_id IS NULL AND pkey IS NOT NULL GROUP BY org_id, pkey ORDER BY min(lead_id)"
    )
    conn.execute("CREATE INDEX temp.sp_new_people_key ON sp_new_people(org_id, pkey)")
    conn.execute(
        "INSERT INTO people (id, org_id, name, email, phone, created_at, updated_at) "
        "SELECT ? + g.rowid - 1, g.org_id, coalesce(n.name, e.email), e.email, p.phone, "
        "coalesce(?, l.created_at), coalesce(?, l.created_at) "
        "FROM temp.sp_new_people g JOIN temp.sp_link l ON l.lead_id = g.first_lead "
        "LEFT JOIN temp.sp_link n ON n.lead_id = g.name_lead LEFT JOIN temp.sp_link e ON e.lead_id = g.email_lead "
        "LEFT JOIN temp.sp_link p ON p.lead_id = g.phone_lead ORDER BY g.rowid",
        (first_person, at, at),
    )
    people_created = int(conn.execute("SELECT count(*) FROM temp.sp_new_people").fetchone()[0])
    return Linked(
        created,
        matched,
        people_created,
        people_matched,
        (first_org, first_org + created),
        (first_person, first_person + people_created),
    )


def drop_links(conn: sqlite3.Connection) -> None:
    """The temporary tables of ``link_rows``, dropped."""
    for table in _LINK_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def _link_companies(
    conn: sqlite3.Connection, source: str, params: dict[str, Any], first_org: int, at: str | None
) -> tuple[int, int]:
    """Decide the organisation of each distinct company of the leads ``source`` gives
    (``domain.orgs.resolve``'s outcome), insert the new ones from ``first_org`` and fill
    ``temp.sp_org_map`` (company -> org id). Returns (organisations created, existing ones matched).

    The names stay in SQL: an import of a million rows may name hundreds of thousands of
    companies. A key (the fold without its legal form) that no stored organisation has and
    whose names all bring one legal form (or none) is one new organisation, whatever the
    order: such names are decided here. Only the other keys (a stored organisation, or names
    of several legal forms) go through ``resolve``, and keys never interact, so the outcome is
    ``resolve``'s over all the names. New organisations are numbered as ``resolve`` numbers
    them: names with a legal form first, each in the order of its first lead."""
    conn.create_function("sp_key", 1, lambda text: split_legal_form(text)[0], deterministic=True)
    conn.create_function("sp_form", 1, lambda text: split_legal_form(text)[1], deterministic=True)
    statements = (
        "CREATE TEMP TABLE sp_org_map (company TEXT PRIMARY KEY, org_id INTEGER) WITHOUT ROWID",
        "CREATE TEMP TABLE sp_names (company TEXT PRIMARY KEY, since TEXT, first_id INTEGER, key TEXT, form TEXT)",
        "CREATE TEMP TABLE sp_complex (key TEXT PRIMARY KEY) WITHOUT ROWID",
        "CREATE TEMP TABLE sp_new_orgs (bare INTEGER, first_id INTEGER, key TEXT, company TEXT, since TEXT, "
        "complex INTEGER)",
    )
    for statement in statements:
        conn.execute(statement)
    try:
        # each name's key and legal form computed as it goes in (an UPDATE after would write every row twice)
        conn.execute(
            "INSERT INTO temp.sp_names (company, since, first_id, key, form) "
            "SELECT company, since, first_id, sp_key(company), sp_form(company) FROM ("
            "SELECT company, min(created_at) AS since, min(id) AS first_id "
            f"FROM ({source}) WHERE company IS NOT NULL AND org_id IS NULL GROUP BY company)",
            params,
        )
        conn.execute("DELETE FROM temp.sp_names WHERE key = ''")  # white space only: no organisation
        conn.execute("CREATE INDEX temp.sp_names_key ON sp_names(key, first_id)")
        conn.execute(
            "INSERT INTO temp.sp_complex SELECT key FROM temp.sp_names GROUP BY key "
            "HAVING count(DISTINCT coalesce(form, '')) > 1 "
            "UNION SELECT DISTINCT n.key FROM temp.sp_names n JOIN orgs o ON o.name_key = n.key"
        )
        # the simple keys: one new organisation each, named by the first of its names
        conn.execute(
            "INSERT INTO temp.sp_new_orgs SELECT n.form IS NULL, n.first_id, n.key, n.company, n.since, 0 "
            "FROM temp.sp_names n WHERE n.key NOT IN (SELECT key FROM temp.sp_complex) "
            "AND n.first_id = (SELECT min(m.first_id) FROM temp.sp_names m WHERE m.key = n.key)"
        )
        # the others, as resolve decides them (few: in Python)
        complex_rows = plain_rows(
            conn,
            "SELECT company, first_id, form IS NULL, since FROM temp.sp_names "
            "WHERE key IN (SELECT key FROM temp.sp_complex) ORDER BY first_id",
        )
        names = [row[0] for row in complex_rows]
        known = org_refs(conn, {org_key(n) for n in names})
        mapping, new = resolve(names, known, first_org) if names else ({}, [])
        order = {row[0]: row for row in complex_rows}
        conn.executemany(
            "INSERT INTO temp.sp_new_orgs VALUES (?, ?, ?, ?, ?, 1)",
            [(order[n][2], order[n][1], org_key(n), n, order[n][3]) for n in new],
        )
        conn.execute(
            "CREATE TEMP TABLE sp_org_ids AS SELECT ? - 1 + row_number() OVER (ORDER BY bare, first_id) AS id, "
            "key, company, since, complex FROM temp.sp_new_orgs",
            (first_org,),
        )
        conn.execute(
            "INSERT INTO orgs (id, name, name_key, created_at, updated_at) "
            "SELECT id, company, key, coalesce(?, since), coalesce(?, since) FROM temp.sp_org_ids ORDER BY id",
            (at, at),
        )
        conn.execute(
            "INSERT INTO temp.sp_org_map SELECT n.company, i.id FROM temp.sp_names n "
            "JOIN temp.sp_org_ids i ON i.key = n.key AND i.complex = 0 ORDER BY n.company"
        )
        final = dict(plain_rows(conn, "SELECT company, id FROM temp.sp_org_ids WHERE complex = 1"))
        conn.executemany(
            "INSERT INTO temp.sp_org_map VALUES (?, ?)",
            [(n, org_id if org_id < first_org else final[new[org_id - first_org]]) for n, org_id in mapping.items()],
        )
        created = int(conn.execute("SELECT count(*) FROM temp.sp_org_ids").fetchone()[0])
        return created, len({org_id for org_id in mapping.values() if org_id < first_org})
    finally:
        for table in ("sp_names", "sp_complex", "sp_new_orgs", "sp_org_ids"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def org_refs(conn: sqlite3.Connection, keys: set[str]) -> list[OrgRef]:
    """The organisations of these keys, as matching needs them: with, for those named without a
    legal form, the legal forms of their deals' company texts of the same key."""
    rows: list[tuple[int, str]] = []
    for part in parts(keys):
        rows += conn.execute(f"SELECT id, name FROM orgs WHERE name_key IN ({marks(part)})", part).fetchall()
    bare = {r[0]: org_key(r[1]) for r in rows if split_legal_form(r[1])[1] is None}
    forms: dict[int, set[str]] = {}
    for ids in parts(bare):
        sql = f"SELECT DISTINCT org_id, company FROM leads WHERE org_id IN ({marks(ids)}) AND company IS NOT NULL"
        for org_id, company in conn.execute(sql, ids):
            key, form = split_legal_form(company)
            if form is not None and key == bare[org_id]:
                forms.setdefault(org_id, set()).add(form)
    return [OrgRef(r[0], r[1], frozenset(forms.get(r[0], ()))) for r in rows]


def _match_known_people(conn: sqlite3.Connection, first_new_org: int) -> int:
    """The leads' contacts that are people stored before, at the same organisation (one stored
    before ``first_new_org``): the same e-mail; else the same name, where exactly one person
    there has it (and, when the lead has an e-mail, that person has none). Returns how many
    distinct people were matched."""
    known = conn.execute(
        "SELECT p.id, p.org_id, p.name, p.email FROM people p WHERE p.org_id IN "
        "(SELECT DISTINCT org_id FROM temp.sp_link WHERE org_id < ?) ORDER BY p.id",
        (first_new_org,),
    ).fetchall()
    if not known:
        return 0
    by_email: dict[tuple[int, str], int] = {}
    by_name: dict[tuple[int, str], list[tuple[int, bool]]] = {}
    for person_id, org_id, name, email in known:
        if email:
            by_email.setdefault((org_id, email.strip().casefold()), person_id)
        by_name.setdefault((org_id, fold(name)), []).append((person_id, bool(email)))
    found: dict[tuple[int, str], int] = {}
    for org_id, pkey, name, email in conn.execute(
        "SELECT DISTINCT org_id, pkey, name, email FROM temp.sp_link WHERE pkey IS NOT NULL AND org_id < ?",
        (first_new_org,),
    ):
        person = by_email.get((org_id, pkey[2:])) if pkey.startswith("e:") else None
        if person is None and name:
            same = [p for p, has_email in by_name.get((org_id, fold(name)), []) if not (email and has_email)]
            person = same[0] if len(same) == 1 else None
        if person is not None:
            found[(org_id, pkey)] = person
    conn.executemany(
        "UPDATE temp.sp_link SET person_id = ? WHERE org_id = ? AND pkey = ?",
        [(p, o, k) for (o, k), p in found.items()],
    )
    return len(set(found.values()))


# Organisations ----------------------------------------------------------------------------------
def insert_org(conn: sqlite3.Connection, record: dict[str, Any]) -> int:
    record = {**record, "name_key": org_key(record["name"])}
    cursor = conn.execute(
        f"INSERT INTO orgs ({', '.join(record)}) VALUES ({', '.join('?' for _ in record)})", list(record.values())
    )
    return int(cursor.lastrowid or 0)


def get_org(conn: sqlite3.Connection, org_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM orgs WHERE id = ?", (org_id,)).fetchone()
    return dict(row) if row else None


def orgs_named(conn: sqlite3.Connection, name: str) -> list[dict[str, Any]]:
    """The organisations whose name folds as ``name`` does (by their key, then compared)."""
    rows = conn.execute("SELECT * FROM orgs WHERE name_key = ? ORDER BY id", (org_key(name),)).fetchall()
    return [dict(r) for r in rows if fold(r["name"]) == fold(name)]


def orgs_keyed(conn: sqlite3.Connection, name: str) -> list[dict[str, Any]]:
    """The organisations with the key of ``name`` (alike but for case, spacing and legal form)."""
    rows = conn.execute("SELECT * FROM orgs WHERE name_key = ? ORDER BY id", (org_key(name),)).fetchall()
    return [dict(r) for r in rows]


def match_org(conn: sqlite3.Connection, name: str) -> int | None:
    from salespipe.domain.orgs import match

    return match(name, org_refs(conn, {org_key(name)}))


def org_candidates(conn: sqlite3.Connection, name: str) -> list[int]:
    """The organisations ``name`` may mean (``domain.orgs.candidates``): more than one is ambiguous."""
    from salespipe.domain.orgs import candidates

    return candidates(name, org_refs(conn, {org_key(name)}))


def update_org(conn: sqlite3.Connection, org_id: int, changes: dict[str, Any]) -> None:
    if "name" in changes:
        changes = {**changes, "name_key": org_key(changes["name"])}
    assignments = ", ".join(f"{c} = ?" for c in changes)
    conn.execute(f"UPDATE orgs SET {assignments} WHERE id = ?", [*changes.values(), org_id])


def merge_orgs(conn: sqlite3.Connection, source: int, target: int, *, notes: str | None, at: str) -> tuple[int, int]:
    """Move ``source``'s deals and people to ``target``, set its notes, delete ``source``.
    Returns (deals moved, people moved)."""
    deals = conn.execute("UPDATE leads SET org_id = ? WHERE org_id = ?", (target, source)).rowcount
    people = conn.execute("UPDATE people SET org_id = ? WHERE org_id = ?", (target, source)).rowcount
    conn.execute("UPDATE orgs SET notes = ?, updated_at = ? WHERE id = ?", (notes, at, target))
    conn.execute("DELETE FROM orgs WHERE id = ?", (source,))
    return deals, people


# The figures of an organisation, in one currency (the others counted apart). Open: in the open
# pipeline on the day (``open_pipeline.IN_PIPELINE``); the deals parked that day are counted apart.
_IN_PIPELINE = IN_PIPELINE.replace("?", ":day")
_FIGURES = f"""
    count(l.id) AS deals,
    count(CASE WHEN {_IN_PIPELINE} THEN 1 END) AS open_deals,
    coalesce(sum(CASE WHEN {_IN_PIPELINE} AND l.currency = :cur THEN l.value_minor END), 0) AS open_minor,
    count(CASE WHEN {PARKED.replace("?", ":day")} THEN 1 END) AS nurtured_deals,
    count(CASE WHEN s.kind = 'won' THEN 1 END) AS won_deals,
    coalesce(sum(CASE WHEN s.kind = 'won' AND l.currency = :cur THEN l.value_minor END), 0) AS won_minor,
    count(CASE WHEN s.kind = 'lost' THEN 1 END) AS lost_deals,
    count(CASE WHEN l.currency != :cur THEN 1 END) AS other_currency_deals,
    (SELECT count(*) FROM people p WHERE p.org_id = o.id) AS people
"""
ORG_SORTS = {
    "name": "o.name COLLATE NOCASE ASC",
    "deals": "deals DESC",
    "value": "open_minor DESC",
}


def list_orgs(
    conn: sqlite3.Connection, *, currency: str, day: str, sort: str = "name", org_id: int | None = None
) -> list[dict[str, Any]]:
    """Organisations with their figures (``_FIGURES``) on ``day`` (an ISO date), sorted
    (``ORG_SORTS``; then by id)."""
    where = "WHERE o.id = :id" if org_id is not None else ""
    sql = (
        f"SELECT o.*, {_FIGURES} FROM orgs o LEFT JOIN leads l ON l.org_id = o.id "
        f"LEFT JOIN stages s ON s.key = l.stage {where} GROUP BY o.id ORDER BY {ORG_SORTS[sort]}, o.id"
    )
    return [dict(r) for r in conn.execute(sql, {"cur": currency, "id": org_id, "day": day})]


def is_customer(conn: sqlite3.Connection, org_id: int) -> bool:
    """Whether the organisation has a won deal (is a customer)."""
    return (
        conn.execute(
            "SELECT 1 FROM leads l JOIN stages s ON s.key = l.stage WHERE l.org_id = ? AND s.kind = 'won' LIMIT 1",
            (org_id,),
        ).fetchone()
        is not None
    )


def deals_of(conn: sqlite3.Connection, org_id: int) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM leads WHERE org_id = ? ORDER BY id", (org_id,))]


def activities_of(conn: sqlite3.Connection, org_id: int, limit: int) -> list[dict[str, Any]]:
    """The newest activities on the organisation's deals."""
    rows = conn.execute(
        "SELECT a.id, a.lead_id, l.title AS lead_title, a.kind, a.text, a.at FROM activities a "
        "JOIN leads l ON l.id = a.lead_id WHERE l.org_id = ? ORDER BY a.at DESC, a.id DESC LIMIT ?",
        (org_id, limit),
    ).fetchall()
    return [dict(r) for r in rows]


# People -----------------------------------------------------------------------------------------


def insert_person(conn: sqlite3.Connection, record: dict[str, Any]) -> int:
    cursor = conn.execute(
        f"INSERT INTO people ({', '.join(record)}) VALUES ({', '.join('?' for _ in record)})", list(record.values())
    )
    return int(cursor.lastrowid or 0)


def get_person(conn: sqlite3.Connection, person_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT p.*, o.name AS org_name FROM people p LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = ?",
        (person_id,),
    ).fetchone()
    return dict(row) if row else None


def list_people(conn: sqlite3.Connection, *, org_id: int | None = None) -> list[dict[str, Any]]:
    where = "WHERE p.org_id = ?" if org_id is not None else ""
    rows = conn.execute(
        "SELECT p.*, o.name AS org_name, (SELECT count(*) FROM leads l WHERE l.person_id = p.id) AS deals "
        f"FROM people p LEFT JOIN orgs o ON o.id = p.org_id {where} ORDER BY p.name COLLATE NOCASE, p.id",
        () if org_id is None else (org_id,),
    ).fetchall()
    return [dict(r) for r in rows]


def update_person(conn: sqlite3.Connection, person_id: int, changes: dict[str, Any]) -> None:
    assignments = ", ".join(f"{c} = ?" for c in changes)
    conn.execute(f"UPDATE people SET {assignments} WHERE id = ?", [*changes.values(), person_id])


def unlink_lead(conn: sqlite3.Connection, lead_id: int, *, org: bool) -> None:
    """Forget a lead's person (and with ``org`` its organisation), to link it again."""
    columns = "org_id = NULL, person_id = NULL" if org else "person_id = NULL"
    conn.execute(f"UPDATE leads SET {columns} WHERE id = ?", (lead_id,))


def deals_of_person(conn: sqlite3.Connection, person_id: int) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM leads WHERE person_id = ? ORDER BY id", (person_id,))]
