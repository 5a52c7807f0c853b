"""The administration blueprint; its views live in users, org_units and funnels."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from accounts.models import OrgUnit, User
from accounts.roles import Role
from app.access import roles
from app.extensions import db
from portfolio.models import Funnel

bp = Blueprint("admin", __name__)
admin_only = roles(Role.ADMIN)


@bp.route("/")
@admin_only
def index() -> str:
    users = db.session.scalar(select(func.count()).select_from(User).where(User.active))
    units = db.session.scalar(select(func.count()).select_from(OrgUnit))
    funnels = db.session.scalar(select(func.count()).select_from(Funnel))
    return render_template("admin/index.html", active_users=users, org_units=units, funnels=funnels)
