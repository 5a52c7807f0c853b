"""Command-line tools: `flask --app wsgi users ...` and `flask --app wsgi demo`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from accounts import errors
from accounts import services as accounts
from accounts.roles import Role
from app import demo
from app.extensions import db
from assessments.questionnaires import install_default_questionnaire
from persistence import utcnow
from portfolio.demo import load_bulk_candidates
from portfolio.funnels import seed_default_funnels

ROLE_CHOICE = click.Choice([role.value for role in Role])


def _fail(message: str) -> None:
    raise click.ClickException(message)


@contextmanager
def _explained(email: str) -> Iterator[None]:
    """Turn the account errors of a change to an existing user into CLI messages."""
    try:
        yield
    except errors.NotFound:
        _fail(f"no user with email {email}")
    except errors.LastAdmin:
        _fail("refused: Tollgate needs at least one active administrator")


users = AppGroup("users", help="Create users, change their role, deactivate them.")


@users.command("create")
@click.argument("email")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="TOLLGATE_NEW_PASSWORD",
    help="Asked for when not given (or taken from TOLLGATE_NEW_PASSWORD).",
)
def create_user(email: str, display_name: str, role: str, password: str) -> None:
    try:
        user = accounts.create_user(
            db.session,
            email=email,
            display_name=display_name,
            role=Role(role),
            password=password,
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
    except errors.EmailTaken:
        _fail(f"a user with email {email} exists already")
    except errors.WeakPassword as weak:
        _fail(f"password refused: {', '.join(weak.problems)}")
    click.echo(f"created {user.email} ({user.role.value})")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_role(email: str, role: str) -> None:
    with _explained(email):
        user = accounts.set_role(db.session, email, Role(role))
    click.echo(f"{user.email} is now {user.role.value}")


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    with _explained(email):
        user = accounts.deactivate_user(db.session, email)
    click.echo(f"{user.email} is deactivated; their sessions have ended")


@users.command("list")
def list_users() -> None:
    page = accounts.search_users(db.session, active=None, per_page=10_000)
    for user in page.items:
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email:40} {user.role.value:10} {state:8} {user.display_name}")


@click.command("seed", help="Install the default funnels and maturity questionnaire where missing.")
@with_appcontext
def seed_command() -> None:
    created = seed_default_funnels(db.session)
    click.echo(f"created funnels: {', '.join(created)}" if created else "default funnels present")
    installed = install_default_questionnaire(db.session)
    click.echo(
        f"installed questionnaire {installed.key} {installed.version}"
        if installed
        else "default questionnaire present"
    )


@click.command("demo", help="Load the demo org tree, users and portfolio (idempotent).")
@click.option(
    "--candidates",
    type=click.IntRange(min=1),
    help="Instead, add this many more candidates with history (for benchmarks).",
)
@with_appcontext
def demo_command(candidates: int | None) -> None:
    if current_app.config["TOLLGATE_ENV"] == "production":
        _fail("demo data is not loaded into a production database")
    logins = demo.load(
        db.session,
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        logins_file=demo.logins_path(current_app.instance_path),
    )
    if candidates:
        _bulk_candidates(candidates)
        return
    click.echo("Demo logins:")
    for login in logins:
        click.echo(f"  {login.role:10} {login.email:32} {login.password}")


def _bulk_candidates(count: int) -> None:
    with click.progressbar(length=count, label=f"Adding {count:,} candidates") as bar:
        written = load_bulk_candidates(
            db.session, count, demo.demo_people(db.session), now=utcnow(), progress=bar.update
        )
    click.echo(f"added {written:,} candidates with their stage history")


def register_commands(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
