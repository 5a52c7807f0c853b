"""The Tollgate web application: `create_app` assembles it in named steps."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from accounts import services as accounts
from app import access, cli, errors, i18n, labels, security
from app.admin import bp as admin_bp
from app.assessments import bp as assessments_bp
from app.auth.routes import bp as auth_bp
from app.auth.sessions import expire_old_session
from app.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from app.insights.routes import bp as insights_bp
from app.lookup import RecordIdConverter
from app.main.routes import bp as main_bp
from app.navigation import sections_for_current_user
from app.portfolio import bp as portfolio_bp
from app.reports import bp as reports_bp
from assessments import models as _assessment_tables  # noqa: F401 - registered for Alembic
from config import ConfigError, load_settings
from persistence import begin_write, configure_engine, utcnow
from portfolio import models as _portfolio_tables  # noqa: F401 - registered for Alembic

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` is an environment name or a mapping of settings that wins
    over the environment (see config.py)."""
    overrides = {"TOLLGATE_ENV": config} if isinstance(config, str) else dict(config or {})
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_mapping(load_settings(overrides=overrides))
    configure_secret_key(app)
    check_production_settings(app)
    configure_logging(app)
    register_extensions(app)
    register_request_hooks(app)
    app.url_map.converters["int"] = RecordIdConverter  # before any route is added
    register_blueprints(app)
    errors.register_error_handlers(app)
    cli.register_commands(app)
    register_template_helpers(app)
    if app.config["TRUSTED_PROXY_COUNT"]:
        hops = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def configure_secret_key(app: Flask) -> None:
    """Production must be given SECRET_KEY; elsewhere one is made once and kept in instance/."""
    if app.config["SECRET_KEY"]:
        return
    if app.config["TOLLGATE_ENV"] == "production":
        raise ConfigError("SECRET_KEY must be set in production (environment or .env file)")
    if app.config["TOLLGATE_ENV"] == "testing":
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def check_production_settings(app: Flask) -> None:
    """Refuse settings that only work in one process: production runs several workers."""
    if app.config["TOLLGATE_ENV"] != "production":
        return
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must be shared storage such as redis:// in production"
        )


def configure_logging(app: Flask) -> None:
    logger = logging.getLogger("tollgate")
    logger.setLevel(app.config["LOG_LEVEL"])
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    configure_login(app)


def configure_login(app: Flask) -> None:
    login_manager.session_protection = "basic"
    login_manager.user_loader(lambda login_id: accounts.load_session_user(db.session, login_id))
    login_manager.unauthorized_handler(_unauthorized)


def _unauthorized() -> object:
    if errors.wants_json():
        return errors.render_error(401)
    flash(gettext("Please sign in to open that page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def register_request_hooks(app: Flask) -> None:
    """Order matters: take the write lock before anything reads, then check the session's
    age, then the route's roles."""

    @app.before_request
    def _writes_take_the_lock() -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            begin_write(db.session())

    app.before_request(expire_old_session)
    app.before_request(access.enforce_access)
    security.register_security_headers(app)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(portfolio_bp, url_prefix="/portfolio")
    app.register_blueprint(assessments_bp, url_prefix="/assessments")
    app.register_blueprint(insights_bp, url_prefix="/insights")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(admin_bp, url_prefix="/admin")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        can_access=access.can_access,
        nav_sections=sections_for_current_user,
        html_lang=i18n.html_lang,
        current_language=i18n.current_language,
        org_unit_label=i18n.org_unit_label,
        localized=i18n.localized,
        now_utc=utcnow,
        **{name: getattr(labels, name) for name in dir(labels) if name.isupper()},
    )
