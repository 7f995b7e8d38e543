"""`salespipe lead ...`: add, list, show, edit, delete."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salespipe.cli import completion
from salespipe.cli.common import (
    AtOpt,
    CsvOpt,
    JsonOpt,
    LeadId,
    NoteOpt,
    ValueOpt,
    database,
    emit_json,
    info,
    now,
    output_format,
    parse_at,
    run_hook,
    show,
)

app = typer.Typer(help="Add, list, show, edit and delete leads.", no_args_is_help=True)

CompanyOpt = Annotated[str | None, typer.Option("--company", help="Company / account.")]
ContactOpt = Annotated[str | None, typer.Option("--contact", help="Contact person, if not the name.")]
EmailOpt = Annotated[str | None, typer.Option("--email", help="E-mail address.")]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="Phone number.")]
SourceOpt = Annotated[
    str | None,
    typer.Option(
        "--source", help="Where the lead came from: referral, fair, web ...", autocompletion=completion.sources
    ),
]
CurrencyOpt = Annotated[
    str | None, typer.Option("--currency", help="ISO 4217 code (default: the config file's, else the database's, EUR).")
]
ProbOpt = Annotated[
    int | None, typer.Option("--probability", min=0, max=100, help="Win probability in %, overriding the stage's.")
]
CloseOpt = Annotated[
    str | None, typer.Option("--close-date", metavar="DATE", help="Expected close: 2026-12-15, end of month, +3w.")
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).", autocompletion=completion.tags)]
FieldOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--field", metavar="KEY=VALUE", help="A custom field (repeatable).", autocompletion=completion.field_assignments
    ),
]
ExtOpt = Annotated[str | None, typer.Option("--external-id", help="Id in another system (for imports).")]
ForecastOpt = Annotated[
    str | None,
    typer.Option(
        "--forecast",
        metavar="CATEGORY",
        help="Forecast category: commit, best-case, pipeline or omit, overriding the "
        "stage's (stage moves keep it; --clear forecast removes it).",
        autocompletion=completion.choices(*completion.FORECAST_CATEGORIES),
    ),
]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="new (default), upsell, cross-sell or renewal: new business or more from a customer.",
        autocompletion=completion.choices("new", "upsell", "cross-sell", "renewal"),
    ),
]
ReferredOpt = Annotated[
    str | None,
    typer.Option(
        "--referred-by",
        metavar="WHO",
        help="Who recommended it: an organisation (name or id; org:NAME) or a person (person:ID or a name). "
        "Sets --source referral when no source is given.",
    ),
]
TermOpt = Annotated[
    str | None,
    typer.Option(
        "--term",
        metavar="TERM",
        help="Contract term: 12m, 1y, 24 months. A won deal with a term gets its renewal deal and a task.",
    ),
]


def locale(conn: Any) -> Any:
    """The pipeline's language and stage labels, for what a person reads."""
    from salespipe.services.pipeline import locale as pipeline_locale

    return pipeline_locale(conn)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The lead's name: a person, a company or a deal.")],
    company: CompanyOpt = None,
    contact: ContactOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    source: SourceOpt = None,
    value: ValueOpt = None,
    currency: CurrencyOpt = None,
    stage: Annotated[
        str | None,
        typer.Option("--stage", help="Start in this stage (default: the first).", autocompletion=completion.stage_keys),
    ] = None,
    probability: ProbOpt = None,
    close_date: CloseOpt = None,
    forecast: ForecastOpt = None,
    kind: KindOpt = None,
    term: TermOpt = None,
    referred_by: ReferredOpt = None,
    tag: TagOpt = None,
    field: FieldOpt = None,
    external_id: ExtOpt = None,
    note: NoteOpt = None,
    at: AtOpt = None,
    on_duplicate: Annotated[
        str,
        typer.Option(
            "--on-duplicate",
            help="When an open lead has the same e-mail (or name and company): add (with a warning), skip or fail.",
        ),
    ] = "add",
    json_: JsonOpt = False,
) -> None:
    """Add a lead. It enters the first stage (or --stage) now (or --at). An open lead with the
    same e-mail, or the same name and company, is named in a warning (--on-duplicate).

    Example: salespipe lead add "Anna Berger" --company Bergwerk --value 12k --source referral
    """
    from salespipe.render.moves import renewal_message, renewal_record
    from salespipe.render.records import lead_record
    from salespipe.render.tasks import task_record
    from salespipe.services import deals

    if on_duplicate not in ("add", "skip", "fail"):
        raise typer.BadParameter(f"{on_duplicate!r}; choose from: add, skip, fail", param_hint="--on-duplicate")
    moment = now()
    with database(ctx) as conn:
        result, renewal = deals.add_deal(
            conn,
            now=moment,
            on_duplicate=on_duplicate,
            stage=stage,
            at=parse_at(at, moment),
            note=note,
            title=name,
            company=company,
            contact_name=contact,
            email=email,
            phone=phone,
            source=source,
            value=value,
            currency=currency,
            probability=probability,
            close_date=close_date,
            tags=tag,
            fields=field,
            external_id=external_id,
            forecast=forecast,
            kind=kind,
            term=term,
            referred_by=referred_by,
        )
        loc = locale(conn)
        if renewal is not None:  # the record shows the deal as it is now
            result = result._replace(lead=deals.get_lead(conn, result.lead.id))
    lead, added, duplicate = result.lead, result.added, result.duplicate
    record = lead_record(lead, result.probability)
    if added and result.kind_reason:
        info(f"kind: {lead.kind} ({result.kind_reason})")
    if duplicate:
        other, by = duplicate
        info(
            f"{'Warning' if added else 'Skipped'}: open lead #{other.id} {other.title} ({loc.stage(other.stage)}) "
            f"has the same {by}" + ("; added anyway (--on-duplicate skip or fail to avoid)." if added else ".")
        )
    if json_:
        emit_json(
            {
                **record,
                "added": added,
                "duplicate_of": duplicate[0].id if duplicate else None,
                "kind_reason": result.kind_reason if added else None,
                "tasks_created": [task_record(t, moment) for t in result.tasks_created],
                "renewal_created": renewal_record(renewal),
            }
        )
    elif added:
        from salespipe.render.messages import lead_added, rule_tasks

        info(
            "\n".join(
                [
                    lead_added(lead.id, lead.title, lead.stage, loc=loc),
                    *rule_tasks(result.tasks_created, loc=loc),
                    *renewal_message(renewal, loc=loc),
                ]
            )
        )
    if added:
        run_hook("on-add", {"lead": record})


@app.command("list")
def list_(
    ctx: typer.Context,
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", help="Only these stages (repeatable).", autocompletion=completion.stage_keys),
    ] = None,
    source: SourceOpt = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="Only leads of this owner (sales agent).", autocompletion=completion.owners),
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", help="Only leads with this tag.", autocompletion=completion.tags)
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", help="Text in name, company, contact, e-mail, phone, custom fields or external id."
        ),
    ] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open leads (the default).")] = False,
    won: Annotated[bool, typer.Option("--won", help="Won deals.")] = False,
    lost: Annotated[bool, typer.Option("--lost", help="Lost deals.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Open and closed.")] = False,
    nurtured: Annotated[
        bool, typer.Option("--nurtured", help="Open deals parked by nurture (listed among the open ones too).")
    ] = False,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            help="stage, value, weighted, age, close-date, created, updated, name, company, priority.",
            autocompletion=completion.choices(*completion.SORTS),
        ),
    ] = "stage",
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=1_000_000_000, help="At most this many.")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List leads, open ones by default, furthest stage first.

    Example: salespipe lead list --stage proposal --sort value --limit 10
    """
    fmt = output_format(json_, csv_)
    chosen = [
        name
        for name, flag in (("open", open_), ("won", won), ("lost", lost), ("all", all_), ("nurtured", nurtured))
        if flag
    ]
    if len(chosen) > 1:
        raise typer.BadParameter(
            "choose one of --open, --won, --lost, --all, --nurtured", param_hint="--open/--won/--lost/--all/--nurtured"
        )
    from salespipe.services.leads import SORTS

    if sort not in SORTS:
        raise typer.BadParameter(f"{sort!r}; choose from: {', '.join(SORTS)}", param_hint="--sort")
    from salespipe.render.leads import lead_list_view
    from salespipe.services import leads

    moment = now()
    with database(ctx, write=False) as conn:
        rows = leads.list_leads(
            conn,
            status=chosen[0] if chosen else "open",
            stages=stage or [],
            source=source,
            owner=owner,
            tag=tag,
            text=search,
            sort=sort,
            limit=limit,
            now=moment,
        )
        loc = locale(conn)
    show(ctx, lead_list_view(rows, now=moment, scored=sort == "priority", loc=loc), fmt)


@app.command("show")
def show_(ctx: typer.Context, lead_id: LeadId, json_: JsonOpt = False) -> None:
    """Show a lead's card and its stage timeline.

    Example: salespipe lead show 12
    """
    from salespipe.render.leads import lead_card_view
    from salespipe.services import leads
    from salespipe.services.work import qualification

    with database(ctx, write=False) as conn:
        card = leads.show_lead(conn, lead_id)
        criteria = qualification(conn, lead_id)
        loc = locale(conn)
    show(ctx, lead_card_view(card, criteria, now=now(), loc=loc), output_format(json_))


@app.command("edit")
def edit(
    ctx: typer.Context,
    lead_id: LeadId,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    company: CompanyOpt = None,
    contact: ContactOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    source: SourceOpt = None,
    value: ValueOpt = None,
    currency: CurrencyOpt = None,
    probability: ProbOpt = None,
    close_date: CloseOpt = None,
    forecast: ForecastOpt = None,
    kind: KindOpt = None,
    term: TermOpt = None,
    referred_by: ReferredOpt = None,
    tag: TagOpt = None,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", help="Remove a tag (repeatable).", autocompletion=completion.tags)
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="KEY=VALUE",
            help="Set a custom field; KEY= removes it.",
            autocompletion=completion.field_assignments,
        ),
    ] = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            metavar="FIELD",
            help="Empty a field: company, contact, email, phone, source, probability, close-date, external-id, "
            "forecast, term, referred-by.",
            autocompletion=completion.choices(*completion.CLEARABLE),
        ),
    ] = None,
    external_id: ExtOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Change a lead's details (stage changes go through the stage verbs).

    Example: salespipe lead edit 12 --value 15k --close-date "end of month" --forecast commit
    """
    from salespipe.render.moves import renewal_message, renewal_record
    from salespipe.render.records import edited_message, edited_record
    from salespipe.services import deals

    moment = now()
    with database(ctx) as conn:
        edited, renewal = deals.edit_deal(
            conn,
            lead_id,
            now=moment,
            clear=clear or [],
            untag=untag or [],
            fields=field or [],
            title=name,
            company=company,
            contact_name=contact,
            email=email,
            phone=phone,
            source=source,
            value=value,
            currency=currency,
            probability=probability,
            close_date=close_date,
            tags=tag,
            external_id=external_id,
            forecast=forecast,
            kind=kind,
            term=term,
            referred_by=referred_by,
        )
        loc = locale(conn)
    if json_:
        emit_json({**edited_record(edited), "renewal_created": renewal_record(renewal)})
    else:
        info("\n".join([edited_message(edited), *renewal_message(renewal, loc=loc)]))


@app.command("delete")
def delete(
    ctx: typer.Context,
    lead_id: LeadId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a lead and its history for good (asks first unless --yes).

    Example: salespipe lead delete 12 --yes
    """
    from salespipe.services import leads

    with database(ctx, write=False) as conn:
        lead = leads.get_lead(conn, lead_id)
    if not yes:  # ask outside the transaction: never hold the write lock while waiting
        from salespipe.cli.common import confirm

        confirm(f"Delete lead #{lead.id} {lead.title} and its history?")
    with database(ctx) as conn:
        leads.delete_lead(conn, lead_id)
    info(f"Deleted lead #{lead.id} {lead.title}.")
