"""The org-unit hierarchy as plain data: which parent a kind may have, tree order, subtrees.

Units form a strict three-level tree, group → region → business unit, so a parent is
always exactly one level above its child and no cycle can arise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class OrgUnitKind(StrEnum):
    GROUP = "group"
    REGION = "region"
    BUSINESS_UNIT = "business_unit"


LEVELS = (OrgUnitKind.GROUP, OrgUnitKind.REGION, OrgUnitKind.BUSINESS_UNIT)

PARENT_REQUIRED = "parent_required"
PARENT_NOT_ALLOWED = "parent_not_allowed"
PARENT_WRONG_KIND = "parent_wrong_kind"
KIND_HAS_CHILDREN = "kind_has_children"


def parent_kind(kind: OrgUnitKind) -> OrgUnitKind | None:
    """The kind a unit of `kind` must hang under (None for a group, which is a root)."""
    level = LEVELS.index(kind)
    return LEVELS[level - 1] if level else None


def placement_problem(
    kind: OrgUnitKind, parent: OrgUnitKind | None, child_kinds: Iterable[OrgUnitKind] = ()
) -> str | None:
    """Why a unit of `kind` cannot sit under a parent of kind `parent`, or None if it can.

    `child_kinds` are the kinds of the unit's current children: changing the kind of a unit
    must keep them valid.
    """
    wanted = parent_kind(kind)
    if wanted is None and parent is not None:
        return PARENT_NOT_ALLOWED
    if wanted is not None and parent is None:
        return PARENT_REQUIRED
    if parent is not None and parent != wanted:
        return PARENT_WRONG_KIND
    if any(parent_kind(child) != kind for child in child_kinds):
        return KIND_HAS_CHILDREN
    return None


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    parent_id: int | None
    sort_key: str


def tree_order(nodes: Iterable[Node]) -> list[tuple[int, int]]:
    """(id, depth) pairs in depth-first order, siblings sorted by `sort_key`.

    A node whose parent is not among `nodes` is shown as a root, so a filtered list
    still displays every node it was given.
    """
    nodes = list(nodes)
    known = {node.id for node in nodes}
    children: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id if node.parent_id in known else None].append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.sort_key, n.id))

    ordered: list[tuple[int, int]] = []
    stack = [(node, 0) for node in reversed(children[None])]
    while stack:
        node, depth = stack.pop()
        ordered.append((node.id, depth))
        stack.extend((child, depth + 1) for child in reversed(children[node.id]))
    return ordered


def subtree_ids(nodes: Iterable[Node], root_id: int) -> set[int]:
    """`root_id` and the ids of every unit below it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node.id)
    found = {root_id}
    frontier = [root_id]
    while frontier:
        for child in children[frontier.pop()]:
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found
