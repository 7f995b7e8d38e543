"""What `salespipe import` tells a person: the plan, the questions that stop it, the summary.

All of it goes to stderr as plain lines (stdout stays free for ``--json``); text that comes
from the file is shown with control characters made visible.
"""

from __future__ import annotations

import shlex
from typing import Any

from salespipe.render.output import visible

MAX_PRINTED = 20
DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}
# summary key -> (what one is, what several are)
FIELD_WORDS = {
    "close_date_won": ("won deal without a close date", "won deals without a close date"),
    "close_date_lost": ("lost deal without a close date", "lost deals without a close date"),
    "close_date_from_won_time": ("won deal closed on its won-time column", "won deals closed on their won-time column"),
    "close_date_from_lost_time": (
        "lost deal closed on its lost-time column",
        "lost deals closed on their lost-time column",
    ),
    "close_date_from_modified": (
        "closed deal dated by its last-modified column (no close date)",
        "closed deals dated by their last-modified column (no close date)",
    ),
    "created": ("row without a created date", "rows without a created date"),
    "value": ("row without a value (stored as unknown, not 0)", "rows without a value (stored as unknown, not 0)"),
}


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def plan_lines(plan: Any) -> list[str]:
    data = plan.to_json()
    lines = ["Import plan", "  Columns:"]
    width = min(28, max((len(visible(c["column"])) for c in data["columns"]), default=6))
    for column in data["columns"]:
        target = column["field"] or "(ignored)"
        if column["suggested"]:
            target += f"   <- looks like {column['suggested']}"
        lines.append(f"    {visible(column['column'])[:60].ljust(width)}  {target}")
    if data["stages"]:
        lines.append("  Stage values:")
        for stage in data["stages"][:40]:
            target = stage["stage"] or "?  (no stage)"
            how = f" ({stage['how']})" if stage["how"] and stage["how"] not in ("stage", "unknown") else ""
            lines.append(f"    {visible(stage['value'])[:40]!s:<24} -> {target}{how}, {_n(stage['rows'], 'row')}")
        if len(data["stages"]) > 40:
            lines.append(f"    ... and {len(data['stages']) - 40} more values (--json lists them)")
    for item in data["dates"]:
        order = item["order"] or ("undecided" if "either" in (item["evidence"] or "") else "ISO or unambiguous")
        lines.append(f"  Dates in {visible(item['column'])!r}: {order} ({item['evidence']})")
    per_period = data["value_per_period"]
    if per_period:
        duration = f"x {visible(per_period['duration'])!r}" if per_period["duration"] else "x ? (no duration column)"
        lines.append(
            f"  Values: {visible(per_period['value'])!r} is per {visible(per_period['basis'])!r} period; "
            f"the deal's value is {visible(per_period['value'])!r} {duration} (fixed: as it is)"
        )
    if data["decimal"]:
        lines.append(f"  Decimal separator: {data['decimal']!r} ({data['decimal_evidence']})")
    if data["escape"]:
        lines.append(f"  Escape character: {data['escape']!r}")
    if data["nulls"]:
        nulls = ", ".join(f"{visible(k)!r} x{v:,}" for k, v in sorted(data["nulls"].items()))
        lines.append(f"  Read as unknown (first 2,000 rows): {nulls}")
    if data["footer"]:
        lines.append(f"  Report footer: {data['footer']['lines']} line(s) from line {data['footer']['line']}, ignored")
    if data["missing"]:
        missing = ", ".join(f"{k} {v:,}" for k, v in sorted(data["missing"].items()))
        lines.append(f"  Empty key cells: {missing}")
    return lines


def questions_lines(summary: Any, *, prefix: str = "salespipe") -> list[str]:
    questions = summary.plan.questions
    lines = [f"Nothing imported: {len(questions)} thing(s) in {summary.file!r} need an answer first:"]
    flags = []
    for q in questions:
        lines.append(f"  - {visible(q.message)}")
        if q.flag:
            lines.append(f"      fix: {visible(q.flag)}")
            if q.flag.startswith("--") and " or " not in q.flag:
                flags.append(q.flag.split("  ")[0])
    if flags:
        # one fix a line, with shell continuations, so that it can be copied as it is
        lines.append("Run again with the fixes:")
        command = [f"  {prefix} import {shlex.quote(summary.file)}", *(f"      {visible(f)}" for f in flags)]
        lines.extend(part + " \\" for part in command[:-1])
        lines.append(command[-1])
    if summary.mapping_file:
        lines.append(
            f"The plan is saved in {summary.mapping_file}, the open questions commented "
            f"with OPEN: answer them there, then --mapping {summary.mapping_file}."
        )
    else:
        lines.append(
            "Or keep the answers for next time with --save-mapping FILE.toml (edit it, then "
            "--mapping FILE.toml), or import only what is understood with --accept-partial."
        )
    return lines


def summary_lines(summary: Any) -> list[str]:
    delimiter = DELIMITER_NAMES.get(summary.delimiter, summary.delimiter)
    order = f", {summary.day_order} dates" if summary.day_order else ""
    header = f"header on line {summary.header_line}" if summary.header_line else "no header"
    lines = [f"{visible(summary.file)}: {summary.encoding}, {delimiter}-delimited, {header}{order}"]
    for reject in summary.rejects[:MAX_PRINTED]:
        lines.append(f"  line {reject.line}: {visible(reject.error)}")
    if summary.rejected > MAX_PRINTED:
        lines.append(
            f"  ... and {summary.rejected - MAX_PRINTED} more rejected rows"
            + (f" (all are in {summary.rejects_file})" if summary.rejects_file else " (--json lists them)")
        )
    for line, first in summary.duplicates[:MAX_PRINTED]:
        lines.append(f"  line {line}: skipped, a duplicate of line {first}")
    if summary.duplicates_in_file > MAX_PRINTED:
        lines.append(f"  ... and {summary.duplicates_in_file - MAX_PRINTED} more duplicates (--json lists them)")
    for warning in summary.warnings[:MAX_PRINTED]:
        lines.append(f"  line {warning.line}: warning: {visible(warning.error)}")
    if summary.warned > MAX_PRINTED:
        lines.append(f"  ... and {summary.warned - MAX_PRINTED} more warnings (--json lists them)")
    if summary.plan.footer_line:
        lines.append(
            f"  {summary.plan.footer_lines} footer line(s) from line {summary.plan.footer_line} ignored "
            "(one cell each, after the data)"
        )
    for key, count in sorted(summary.missing.items()):
        one, several = FIELD_WORDS.get(key, (key, key))
        lines.append(f"  {count:,} {one if count == 1 else several}")
    if summary.missing.get("close_date_won") or summary.missing.get("close_date_lost"):
        lines.append(
            "  No close date is invented: deals without one are kept out of won/lost per "
            "period, the sales cycle and velocity (the report says how many)."
        )
    others = {c: n for c, n in summary.currencies.items() if c != summary.database_currency}
    if others and summary.database_currency:
        listed = ", ".join(f"{n:,} in {c}" for c, n in sorted(others.items()))
        lines.append(f"  {listed}: the report shows {summary.database_currency} unless given --currency")
    verb = (
        "Dry run, nothing written: would import"
        if summary.dry_run
        else ("Imported" if summary.committed else "Nothing imported (--strict): would have imported")
    )
    lines.append(
        f"{verb} {_n(summary.rows, 'row')}: {summary.inserted:,} inserted, {summary.updated:,} updated, "
        f"{summary.skipped:,} skipped, {summary.rejected:,} rejected"
        + (f" ({_n(summary.duplicates_in_file, 'duplicate')} within the file)" if summary.duplicates_in_file else "")
        + (f"; {_n(summary.blank_lines, 'blank line')} ignored" if summary.blank_lines else "")
        + (f"; {_n(summary.summary_rows, 'report grouping or total line')} skipped" if summary.summary_rows else "")
    )
    if summary.orgs_created or summary.orgs_matched:
        lines.append(
            f"Organisations: {summary.orgs_created:,} new, {summary.orgs_matched:,} already stored; "
            f"people: {summary.people_created:,} new, {summary.people_matched:,} already stored"
        )
    if summary.referrals_linked or summary.referrers_unknown:
        lines.append(
            f"Referrals: {summary.referrals_linked:,} linked to who referred them, {summary.referrers_unknown:,} "
            "with a referrer matching no organisation or person (kept as text in the lead's fields)"
        )
    if summary.mapping_file:
        lines.append(f"The plan is saved in {summary.mapping_file}; reuse it with --mapping {summary.mapping_file}")
    if summary.rejects_file:
        lines.append(f"Rejected rows, with the reason, are in {summary.rejects_file}")
    return lines


def plan_view(summary: Any) -> Any:
    """``import --dry-run``: the plan is what was asked for, so it is data (stdout)."""
    from salespipe.render.output import fit
    from salespipe.render.present import View

    return View(summary.to_json(), lambda t: fit(plan_lines(summary.plan), t.width or 10**6) + "\n")
