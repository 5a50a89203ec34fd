"""The rows of an inspection split into stem, stages and head: one partition for every consumer.

A stage is a top-level ``layerN`` container (its blocks are its depth-2 containers) or, for VGG, a run
of layers of a flat ``features`` sequence ended by a pool; the leaves before the first stage are the
stem and those after the last the head.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .blocks import Block
from .result import Row

STAGE_NAME = re.compile(r"layer(\d+)")


@dataclass(frozen=True)
class Group:
    """The leaf rows of the stem, of one stage (``layerN``, or VGG's ``convK``) or of the head."""

    name: str
    role: str  # "stem" | "stage" | "head"
    leaves: tuple[Row, ...]
    blocks: tuple[Block, ...] = ()


def base_name(name: str) -> str:
    """A row's module path without the call suffix: ``layer1.0.relu:2`` → ``layer1.0.relu``."""
    return name.split(":")[0]


def is_weighted(row: Row) -> bool:
    """A conv or fc leaf on the main path: what the depth in a ResNet's name counts."""
    return row.is_leaf and row.kind in ("conv", "linear") and not row.on_shortcut


def _top_level(rows: Sequence[Row]) -> list[tuple[Row, list[Row]]]:
    """Each depth-1 row with every row nested under it (rows are in pre-order)."""
    out: list[tuple[Row, list[Row]]] = []
    for r in rows:
        if r.depth == 1:
            out.append((r, [r]))
        elif r.depth > 1 and out:
            out[-1][1].append(r)
    return out


def _stage_group(name: str, members: list[Row]) -> Group:
    blocks: list[tuple[Row, list[Row]]] = []
    for r in members[1:]:
        if r.depth == 2 and not r.is_leaf:
            blocks.append((r, []))
        elif r.is_leaf and blocks:
            blocks[-1][1].append(r)
    leaves = tuple(r for r in members if r.is_leaf)
    return Group(name, "stage", leaves, tuple(Block(b, tuple(ls)) for b, ls in blocks))


def _is_pooled_sequence(top: Row, members: list[Row]) -> bool:
    """VGG's ``features``: a flat sequence of layers cut into stages by its pools."""
    children = members[1:]
    return (not top.is_leaf and bool(children) and all(c.depth == 2 for c in children)
            and any(c.kind == "pool" for c in children))


def _pooled_groups(members: list[Row], first: int) -> list[Group]:
    groups: list[Group] = []
    current: list[Row] = []
    for r in members[1:]:
        current.append(r)
        if r.kind == "pool":
            groups.append(Group(f"conv{first + len(groups)}", "stage", tuple(current)))
            current = []
    if current:
        groups.append(Group(f"conv{first + len(groups)}", "stage", tuple(current)))
    return groups


def partition(rows: Sequence[Row]) -> list[Group]:
    """Stem, stages and head, in order; the same split as the engine's stage table."""
    groups: list[Group] = []
    pending: list[Row] = []

    def flush() -> None:
        if pending:
            role = "head" if any(g.role == "stage" for g in groups) else "stem"
            groups.append(Group(role, role, tuple(r for r in pending if r.is_leaf)))
            pending.clear()

    for top, members in _top_level(rows):
        if STAGE_NAME.fullmatch(top.name) and not top.is_leaf:
            flush()
            groups.append(_stage_group(top.name, members))
        elif _is_pooled_sequence(top, members):
            flush()
            groups.extend(_pooled_groups(members, 1))
        else:
            pending.extend(members)
    flush()
    return groups


