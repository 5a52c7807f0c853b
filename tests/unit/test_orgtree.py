"""Placement rules and tree order of org units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.orgtree import (
    KIND_HAS_CHILDREN,
    PARENT_NOT_ALLOWED,
    PARENT_REQUIRED,
    PARENT_WRONG_KIND,
    Node,
    OrgUnitKind,
    placement_problem,
    tree_order,
)

G, R, B = OrgUnitKind.GROUP, OrgUnitKind.REGION, OrgUnitKind.BUSINESS_UNIT


@pytest.mark.parametrize(
    ("kind", "parent", "children", "problem"),
    [
        (G, None, [], None),
        (R, G, [], None),
        (B, R, [], None),
        (G, G, [], PARENT_NOT_ALLOWED),
        (R, None, [], PARENT_REQUIRED),
        (B, G, [], PARENT_WRONG_KIND),
        (R, R, [], PARENT_WRONG_KIND),
        (R, G, [B], None),
        (G, None, [B], KIND_HAS_CHILDREN),
        (B, R, [B], KIND_HAS_CHILDREN),
    ],
)
def test_placement_rules(kind, parent, children, problem):
    assert placement_problem(kind, parent, children) == problem


def test_tree_order_is_depth_first_with_sorted_siblings():
    nodes = [
        Node(1, None, "group"),
        Node(2, 1, "south"),
        Node(3, 1, "north"),
        Node(4, 2, "shenzhen"),
        Node(5, 3, "beijing"),
        Node(6, None, "another group"),
    ]
    assert tree_order(nodes) == [(6, 0), (1, 0), (3, 1), (5, 2), (2, 1), (4, 2)]


def test_orphans_show_as_roots():
    assert tree_order([Node(2, 99, "b"), Node(3, 2, "c")]) == [(2, 0), (3, 1)]


@st.composite
def forests(draw):
    """Up to 30 nodes; node n hangs under an earlier node or is a root."""
    choices = draw(st.lists(st.integers(min_value=0, max_value=29), max_size=30))
    keys = draw(st.lists(st.sampled_from("abc"), min_size=len(choices), max_size=len(choices)))
    return [
        Node(n, (choice % n) or None if n > 1 else None, key)
        for n, (choice, key) in enumerate(zip(choices, keys, strict=True), start=1)
    ]


@given(forests())
def test_every_node_once_and_parents_before_children(nodes):
    order = tree_order(nodes)
    assert sorted(node_id for node_id, _ in order) == sorted(n.id for n in nodes)
    position = {node_id: index for index, (node_id, _) in enumerate(order)}
    depth = dict(order)
    for node in nodes:
        if node.parent_id is not None:
            assert position[node.parent_id] < position[node.id]
            assert depth[node.id] == depth[node.parent_id] + 1
