"""Alembic environment: runs migrations on the Flask app's engine.

SQLite needs batch mode (set by Flask-Migrate) and foreign keys switched off while tables
are rebuilt; the pragma only takes effect outside a transaction, so it is set on the raw
connection before Alembic begins one.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

config = context.config
# Keep the app's own loggers alive: fileConfig disables existing loggers by default.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
engine = migrate_ext.db.engine
target_metadata = migrate_ext.db.metadatas[None]
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_, obj, autogen_context):
    """Write our column types as the plain SQLAlchemy types they wrap, so migration scripts
    never import application code that may change later."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def process_revision_directives(context, revision, directives):
    """Do not write an empty migration when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


def _set_sqlite_foreign_keys(connection, on):
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.execute(
            f"PRAGMA foreign_keys={'ON' if on else 'OFF'}"
        )


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with engine.connect() as connection:
        _set_sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_item=render_item,
                **conf_args,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            _set_sqlite_foreign_keys(connection, on=True)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
