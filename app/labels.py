"""Words for the codes that the domain packages return, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from accounts import orgtree, passwords
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.PMO: _l("PMO staff"),
    Role.EXECUTIVE: _l("Executive"),
    Role.VIEWER: _l("Viewer"),
}

ORG_KIND_LABELS = {
    OrgUnitKind.GROUP: _l("Group"),
    OrgUnitKind.REGION: _l("Region"),
    OrgUnitKind.BUSINESS_UNIT: _l("Business unit"),
}

# Language names are written in their own language, so nobody is lost after a switch.
LANGUAGE_NAMES = {"en": "English", "zh_Hans": "简体中文"}

PASSWORD_PROBLEMS = {
    passwords.TOO_SHORT: _l("Use at least %(count)d characters.", count=passwords.MIN_LENGTH),
    passwords.TOO_LONG: _l("Use at most %(count)d characters.", count=passwords.MAX_LENGTH),
    passwords.TOO_COMMON: _l("This password is too common; choose another."),
    passwords.LIKE_ACCOUNT: _l("The password must not be your email or name."),
}

PLACEMENT_PROBLEMS = {
    orgtree.PARENT_REQUIRED: _l(
        "Choose a parent: a region sits under a group, a business unit under a region."
    ),
    orgtree.PARENT_NOT_ALLOWED: _l("A group is at the top of the tree and has no parent."),
    orgtree.PARENT_WRONG_KIND: _l(
        "Wrong parent: a region sits under a group, a business unit under a region."
    ),
    orgtree.KIND_HAS_CHILDREN: _l(
        "This unit has sub-units that would no longer fit under it; move them first."
    ),
}
