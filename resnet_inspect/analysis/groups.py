"""The rows of an inspection split into stem, stages and head: one partition for every consumer.

A stage is a top-level ``layerN`` container (its blocks are its depth-2 containers), for VGG a run of
layers of a flat ``features`` sequence of convs ended by a pool, and otherwise found from the network's
structure: the sibling containers (``stages.0``, ``s1``, ``body.layer1``, ...) that hold residual joins
and between them change the map's resolution the most times.  The leaves before the first stage are the
stem and those after the last the head.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .blocks import Block
from .kinds import Role
from .result import Row

STAGE_NAME = re.compile(r"layer(\d+)")


@dataclass(frozen=True)
class Group:
    """The leaf rows of the stem, of one stage (``layerN``, or VGG's ``convK``) or of the head."""

    name: str
    role: Role
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
        if r.depth == members[0].depth + 1 and not r.is_leaf:
            blocks.append((r, []))
        elif r.is_leaf and blocks:
            blocks[-1][1].append(r)
    leaves = tuple(r for r in members if r.is_leaf)
    return Group(name, "stage", leaves, tuple(Block(b, tuple(ls)) for b, ls in blocks))


def _is_pooled_sequence(top: Row, members: list[Row]) -> bool:
    """VGG's ``features``: a flat sequence of convs cut into stages by its pools (a stem's one pool does not
    make one)."""
    children = members[1:]
    return (not top.is_leaf and bool(children) and all(c.depth == 2 for c in children)
            and sum(c.kind == "pool" for c in children) >= 2 and any(c.kind == "conv" for c in children))


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


def _spans(rows: Sequence[Row]) -> list[tuple[int, int, int]]:
    """(first, end, parent) row indices of every container: its row, the rows nested under it, its parent's row."""
    out: list[tuple[int, int, int]] = []
    parents: list[int] = []
    for i, r in enumerate(rows):
        while parents and rows[parents[-1]].depth >= r.depth:
            parents.pop()
        if not r.is_leaf:
            end = i + 1
            while end < len(rows) and rows[end].depth > r.depth:
                end += 1
            out.append((i, end, parents[-1] if parents else -1))
            parents.append(i)
    return out


def _resolution(row: Row) -> tuple[int, ...]:
    return tuple(row.output_shape[2:]) if len(row.output_shape) == 4 else ()


def structural_stages(rows: Sequence[Row]) -> list[tuple[int, int]]:
    """The (first, end) row spans of the stages found from structure, in order; none when no sibling
    containers with residual joins change the resolution at least once."""
    by_parent: dict[int, list[tuple[int, int]]] = {}
    for first, end, parent in _spans(rows):
        joined = any(r.is_leaf and len(r.inputs) >= 2 for r in rows[first:end])
        if joined and rows[first].depth > 0:
            by_parent.setdefault(parent, []).append((first, end))
    best: list[tuple[int, int]] = []
    best_changes = 0
    for members in by_parent.values():
        sizes = [_resolution(rows[f]) for f, _ in members]
        changes = sum(1 for a, b in itertools.pairwise(sizes) if a != b)
        if len(members) >= 2 and changes > best_changes:
            best, best_changes = members, changes
    return best


def partition(rows: Sequence[Row]) -> list[Group]:
    """Stem, stages and head, in order; the same split as the engine's stage table."""
    if not any((STAGE_NAME.fullmatch(top.name) and not top.is_leaf) or _is_pooled_sequence(top, members)
               for top, members in _top_level(rows)):
        found = structural_stages(rows)
        if found:
            return _from_spans(rows, found)
    groups: list[Group] = []
    pending: list[Row] = []

    def flush() -> None:
        if pending:
            role: Role = "head" if any(g.role == "stage" for g in groups) else "stem"
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




def _from_spans(rows: Sequence[Row], spans: list[tuple[int, int]]) -> list[Group]:
    """Stem (leaves before the first stage), the stages (leaves between two stages join the one before)
    and head (leaves after the last)."""
    groups = [Group("stem", "stem", tuple(r for r in rows[:spans[0][0]] if r.is_leaf))]
    for k, (first, end) in enumerate(spans):
        upto = spans[k + 1][0] if k + 1 < len(spans) else end
        stage = _stage_group(rows[first].name, list(rows[first:end]))
        extra = tuple(r for r in rows[end:upto] if r.is_leaf)
        groups.append(Group(stage.name, "stage", stage.leaves + extra, stage.blocks))
    groups.append(Group("head", "head", tuple(r for r in rows[spans[-1][1]:] if r.is_leaf)))
    return [g for g in groups if g.leaves or g.role == "stage"]
