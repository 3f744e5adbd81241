"""Administration: agencies, users (and their enrolment: password + TOTP), API tokens and
agreements, done by the node operator.

Accepting an agreement is the one exception: an agency accepts for itself, so the command acts
as one of its administrators (``--as``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from tanseeq.cli import output
from tanseeq.cli.state import act_as, db_of
from tanseeq.domain.types import AgencyKind, Role
from tanseeq.schemas import AgencyIn, AgreementIn, AgreementOut, TokenIn, UserIn, UserUpdate
from tanseeq.services import agencies, agreements, users
from tanseeq.services.context import OPERATOR

agency_app = typer.Typer(help="Member agencies.", no_args_is_help=True)
user_app = typer.Typer(help="Users of the agencies and their roles.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens of users.", no_args_is_help=True)
agreement_app = typer.Typer(help="Cooperation agreements (MoUs).", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
DateOption = typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD")


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


# --- agencies ----------------------------------------------------------------------------------


@agency_app.command("create")
def agency_create(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="Short code, e.g. MA-NCB.")],
    kind: Annotated[AgencyKind, typer.Option(help="What the agency is.")],
    name_en: Annotated[str, typer.Option("--name-en", help="Name in English.")],
    country: Annotated[
        str | None, typer.Option(help="ISO 3166-1 alpha-2 code (NCBs, national agencies).")
    ] = None,
    name_fr: Annotated[str | None, typer.Option("--name-fr", help="Name in French.")] = None,
    name_ar: Annotated[str | None, typer.Option("--name-ar", help="Name in Arabic.")] = None,
    parent: Annotated[
        str | None, typer.Option(help="The NCB a national agency works through (code or id).")
    ] = None,
) -> None:
    """Register a member agency."""
    agency = agencies.create(
        db_of(ctx),
        OPERATOR,
        AgencyIn(
            code=code,
            kind=kind,
            country=country,
            name_en=name_en,
            name_fr=name_fr,
            name_ar=name_ar,
            parent=parent,
        ),
    )
    output.out().print(f"created agency {agency.code} {agency.id}")


@agency_app.command("list")
def agency_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the member agencies."""
    found = agencies.list_agencies(db_of(ctx), OPERATOR)
    if as_json:
        output.print_json(found)
        return
    rows = [(a.code, a.kind.value, a.country, a.name_en, a.name_ar, a.id) for a in found]
    output.out().print(
        output.table("Agencies", ["code", "kind", "country", "name", "name (ar)", "id"], rows)
    )


# --- users -------------------------------------------------------------------------------------


@user_app.command("create")
def user_create(
    ctx: typer.Context,
    username: Annotated[
        str, typer.Argument(metavar="USERNAME", help="Login name (stored case-folded).")
    ],
    agency: Annotated[str, typer.Option(help="Code or id of the user's agency.")],
    role: Annotated[list[Role], typer.Option("--role", help="A role; repeat for several.")],
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="Full name [default: the username]")
    ] = None,
) -> None:
    """Create a user of an agency."""
    user = users.create_user(
        db_of(ctx),
        OPERATOR,
        UserIn(username=username, display_name=display_name or username, roles=role, agency=agency),
    )
    output.out().print(f"created user {user.username} {user.id}")


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List users, with their agencies and roles."""
    db = db_of(ctx)
    found = users.list_users(db, OPERATOR)
    if as_json:
        output.print_json(found)
        return
    codes = {a.id: a.code for a in agencies.list_agencies(db, OPERATOR)}
    rows = [
        (
            u.username,
            codes.get(u.agency_id, u.agency_id),
            ", ".join(u.roles),
            "yes" if u.active else "no",
            u.display_name,
            u.id,
        )
        for u in found
    ]
    output.out().print(
        output.table("Users", ["username", "agency", "roles", "active", "name", "id"], rows)
    )


@user_app.command("update")
def user_update(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Username or id.")],
    role: Annotated[
        list[Role] | None, typer.Option("--role", help="Replace the roles; repeat for several.")
    ] = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Enable or disable the user.")
    ] = None,
    display_name: Annotated[str | None, typer.Option("--display-name")] = None,
) -> None:
    """Change a user's roles, name, or whether it may log in."""
    user = users.update_user(
        db_of(ctx),
        OPERATOR,
        username,
        UserUpdate(roles=role or None, active=active, display_name=display_name),
    )
    state = "active" if user.active else "inactive"
    output.out().print(f"updated user {user.username}: {', '.join(user.roles)}; {state}")


@user_app.command("enrol")
def user_enrol(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Username or id.")],
    reset: Annotated[
        bool,
        typer.Option(
            "--reset",
            help="For a user enrolled already: end their password, TOTP seed and login "
            "sessions now, and issue a new enrolment (a password reset).",
        ),
    ] = False,
) -> None:
    """Issue a one-time enrolment secret, printed alone on stdout. With it the user sets a
    password (POST /enrolment) and confirms the TOTP seed they receive with a first code
    (POST /enrolment/confirm); only then can they log in (POST /sessions)."""
    issued = users.issue_enrolment(db_of(ctx), OPERATOR, username, allow_reset=reset)
    what = "reset" if reset else "enrolment"
    output.err().print(
        f"{what} for {issued.username}, expires {issued.expires_at:%Y-%m-%d %H:%M} UTC; "
        "give the user this secret (shown once):"
    )
    typer.echo(issued.secret)


# --- tokens ------------------------------------------------------------------------------------


@token_app.command("issue")
def token_issue(
    ctx: typer.Context,
    username: Annotated[
        str, typer.Argument(metavar="USERNAME", help="Username or id of the token's user.")
    ],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    days: Annotated[
        int | None, typer.Option(help="Lifetime in days [default: TANSEEQ_TOKEN_DAYS]")
    ] = None,
) -> None:
    """Issue an API token. The token is printed once, alone on stdout; only its hash is kept."""
    issued = users.issue_token(db_of(ctx), OPERATOR, TokenIn(user=username, label=label, days=days))
    output.err().print(
        f"token {issued.id} for {username}, expires {issued.expires_at:%Y-%m-%d %H:%M} UTC; "
        "shown once:"
    )
    typer.echo(issued.token)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    token_id: Annotated[str, typer.Argument(metavar="TOKEN_ID", help="The token's id.")],
) -> None:
    """Revoke an API token at once."""
    token = users.revoke_token(db_of(ctx), OPERATOR, token_id)
    output.out().print(f"revoked token {token.id}")


@token_app.command("list")
def token_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List API tokens (never the tokens themselves)."""
    db = db_of(ctx)
    found = users.list_tokens(db, OPERATOR)
    if as_json:
        output.print_json(found)
        return
    names = {u.id: u.username for u in users.list_users(db, OPERATOR)}
    rows = [
        (
            names.get(t.user_id, t.user_id),
            t.label,
            f"{t.created_at:%Y-%m-%d}",
            f"{t.expires_at:%Y-%m-%d}",
            f"{t.revoked_at:%Y-%m-%d}" if t.revoked_at else "",
            t.id,
        )
        for t in found
    ]
    output.out().print(
        output.table("API tokens", ["user", "label", "created", "expires", "revoked", "id"], rows)
    )


# --- agreements --------------------------------------------------------------------------------


def _print_agreement(verb: str, g: AgreementOut) -> None:
    state = "in force" if g.in_force else "not in force"
    output.out().print(
        f"{verb} agreement {g.id} ({state}; accepted by {len(g.accepted_by)}/"
        f"{len(g.parties)} parties)"
    )


@agreement_app.command("create")
def agreement_create(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help="Title of the agreement.")],
    party: Annotated[list[str], typer.Option("--party", help="Agency code or id; at least two.")],
    crime_area: Annotated[
        list[str], typer.Option("--crime-area", help="A crime area it covers; repeat for several.")
    ],
    valid_from: Annotated[datetime | None, DateOption] = None,
    valid_to: Annotated[datetime | None, DateOption] = None,
    signed_on: Annotated[datetime | None, DateOption] = None,
    category: Annotated[
        list[str] | None,
        typer.Option("--category", help="A data category it covers [default: all]."),
    ] = None,
    reference: Annotated[str | None, typer.Option(help="The agreement's own reference.")] = None,
) -> None:
    """Record a signed agreement between agencies, accepted by all its parties.

    --valid-from defaults to today.
    """
    db = db_of(ctx)
    g = agreements.create(
        db,
        OPERATOR,
        AgreementIn(
            title=title,
            reference=reference,
            parties=party,
            crime_areas=crime_area,
            data_categories=category or [],
            valid_from=_day(valid_from) or db.clock().date(),
            valid_to=_day(valid_to),
            signed_on=_day(signed_on),
        ),
    )
    _print_agreement("created", g)


@agreement_app.command("list")
def agreement_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List agreements."""
    db = db_of(ctx)
    found = agreements.list_agreements(db, OPERATOR)
    if as_json:
        output.print_json(found)
        return
    codes = {a.id: a.code for a in agencies.list_agencies(db, OPERATOR)}
    rows = [
        (
            g.title,
            ", ".join(codes.get(p, p) for p in g.parties),
            ", ".join(g.crime_areas),
            f"{g.valid_from} – {g.valid_to or ''}",
            "yes" if g.in_force else "no",
            g.id,
        )
        for g in found
    ]
    output.out().print(
        output.table(
            "Agreements", ["title", "parties", "crime areas", "valid", "in force", "id"], rows
        )
    )


@agreement_app.command("accept")
def agreement_accept(
    ctx: typer.Context,
    agreement_id: Annotated[
        str, typer.Argument(metavar="AGREEMENT_ID", help="The agreement's id.")
    ],
    as_user: Annotated[str, typer.Option("--as", help="An agency admin of the accepting party.")],
) -> None:
    """Accept an agreement for a party agency, as one of its agency admins."""
    db = db_of(ctx)
    actor = act_as(ctx, as_user)
    _print_agreement("accepted", agreements.accept(db, actor, agreement_id))


@agreement_app.command("terminate")
def agreement_terminate(
    ctx: typer.Context,
    agreement_id: Annotated[
        str, typer.Argument(metavar="AGREEMENT_ID", help="The agreement's id.")
    ],
    reason: Annotated[str, typer.Option(help="Why it ends (kept in the audit log).")],
) -> None:
    """End an agreement for every party: sharing under it stops at once."""
    g = agreements.terminate(db_of(ctx), OPERATOR, agreement_id, reason)
    _print_agreement("terminated", g)
