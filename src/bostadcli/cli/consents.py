"""bostad consent add|revoke|list."""

from typing import Annotated, Any

import typer

from bostadcli.cli.context import as_of, optional_date, state
from bostadcli.cli.options import (
    AsOfOpt,
    CaseArg,
    CaseFilterArg,
    FormatOpt,
    NoteOpt,
    record_date,
    write_as_of,
)
from bostadcli.cli.output import LOW_VALUE, Column, Format, emit
from bostadcli.i18n import _, ngettext
from bostadcli.vocab import Recipient, label

app = typer.Typer(no_args_is_help=True)

RecipientOpt = Annotated[
    Recipient, typer.Option("--recipient", help=_("Who may receive the data."))
]


def why_not_valid(code: str | None, row: dict[str, Any]) -> str:
    """Why a consent is not valid, in words (``consents.invalid_reason``)."""
    if code == "not_yet_given":
        return _("given only on {date}").format(date=row["given_on"])
    if code == "revoked":
        return _("revoked {date}").format(date=row["revoked_on"])
    if code == "expired":
        return _("expired after {date}").format(date=row["expires_on"])
    if code == "other_landlord" and row.get("landlord"):
        return _("for former landlord {name}").format(name=row["landlord"])
    if code == "other_landlord":
        return _("for a former landlord")
    if code == "unnamed":
        return _("no recipient name: no export can use it; record the consent again with --name")
    return ""


def _columns() -> list[Column]:
    return [
        Column("ref", _("Case")),
        Column("recipient", _("Recipient"), show=lambda v, r: label(Recipient, v)),
        Column("recipient_name", _("Name")),
        Column("given_on", _("Given")),
        Column("expires_on", _("Expires")),
        Column("revoked_on", _("Revoked")),
        Column("valid", _("Valid"), kind="bool", show=lambda v, r: _("yes") if v else _("no")),
        Column("invalid_reason", _("Why not valid"), show=why_not_valid),
        Column("recorded_on", _("Recorded")),
        Column("backdated", _("Back-dated"), kind="bool"),
        Column("backdate_reason", _("Why back-dated")),
        Column("note", _("Note"), in_table=False),
        Column("landlord", _("Landlord"), in_table=False),
    ]


@app.command(
    "add",
    help=_(
        "Record the household's consent to share data with a recipient.\n\n"
        "Example: bostad consent add 2026-0042 --recipient landlord --expires 2027-06-30"
    ),
)
def add(
    ctx: typer.Context,
    ref: CaseArg,
    recipient: RecipientOpt,
    given: Annotated[
        str | None,
        typer.Option(
            "--given",
            metavar=_("YYYY-MM-DD"),
            help=_(
                "The day consent was given (default: today). Not after today; before today"
                " needs --reason."
            ),
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help=_("Why a consent given before today is recorded only now (stored, shown)."),
        ),
    ] = None,
    expires: Annotated[
        str | None,
        typer.Option("--expires", metavar=_("YYYY-MM-DD"), help=_("The day consent expires.")),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help=_(
                "The recipient's name, e.g. the company. Needed for debt_collector and other:"
                " their consent is to a named recipient."
            ),
        ),
    ] = None,
    note: NoteOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.consents import add_consent, consent_day

    today = consent_day()
    # Consent is recorded on the real date; --as-of is checked like every writer's.
    write_as_of(as_of_)
    add_consent(
        state(ctx).database(),
        ref,
        recipient=recipient.value,
        given_on=record_date(given, field="--given") or today,
        expires_on=optional_date(expires, field="--expires"),
        recipient_name=name,
        note=note,
        reason=reason,
        today=today,
    )
    typer.echo(_("Recorded consent for {recipient}.").format(recipient=recipient.label), err=True)


@app.command(
    "revoke",
    help=_(
        "Revoke the household's consent for a recipient.\n\n"
        "With --name, only the consent for the recipient of that name.\n\n"
        "Example: bostad consent revoke 2026-0042 --recipient debt_collector"
        ' --name "Intrum AB"'
    ),
)
def revoke(
    ctx: typer.Context,
    ref: CaseArg,
    recipient: RecipientOpt,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar=_("YYYY-MM-DD"),
            help=_("The day consent was revoked (default: today)."),
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help=_(
                "The recipient's name, e.g. the company: only its consent is revoked."
                " Needed when the household's consents name more than one."
            ),
        ),
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.consents import consent_day, revoke_consent
    from bostadcli.errors import shown

    today = consent_day()
    write_as_of(as_of_)  # a revocation is recorded on the real date
    revoked = revoke_consent(
        state(ctx).database(),
        ref,
        recipient=recipient.value,
        revoked_on=record_date(on, field="--date") or today,
        name=name,
        today=today,
    )
    # Each consent revoked, by its name as spelled ("Intrum AB" and "INTRUM AB" are both
    # named), and how many: one --name can revoke several.
    names = list(dict.fromkeys(shown(c["name"], 40) for c in revoked if c["name"]))
    unnamed = sum(1 for c in revoked if not c["name"])
    if names and unnamed:
        names.append(
            ngettext("{n} recorded without a name", "{n} recorded without a name", unnamed).format(
                n=unnamed
            )
        )
    values = {"n": len(revoked), "recipient": recipient.label, "names": ", ".join(names)}
    if len(revoked) > 1:  # never one: the message for one names no number
        message = _("Revoked {n} consents for {recipient}: {names}.").format(**values)
        if not names:
            message = _("Revoked {n} consents for {recipient}.").format(**values)
    elif names:
        message = _("Revoked consent for {recipient}: {names}.").format(**values)
    else:
        message = _("Revoked consent for {recipient}.").format(**values)
    typer.echo(message, err=True)


@app.command(
    "list",
    help=_("List consents and whether each is valid.\n\nExample: bostad consent list 2026-0042"),
)
def list_(
    ctx: typer.Context,
    ref: CaseFilterArg = None,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.consents import list_consents

    emit(
        list_consents(state(ctx).database(), ref=ref, as_of=as_of(as_of_)),
        _columns(),
        fmt,
        empty=_("No consents recorded."),
        # In a narrow terminal the day it was recorded gives way; why it was back-dated
        # says that it was.
        drop=(*LOW_VALUE, "recorded_on", "backdated"),
    )
