"""Every sentence of a report is true of the model it names: one test per class of fault, each against an
independent oracle (the built module's parameters, every output position's window enumerated one by one,
the model's own stages and map sizes)."""

from __future__ import annotations

import re

import pytest
import torch

from resnet_inspect import registry
from resnet_inspect.analysis import inspect
from resnet_inspect.analysis.depth import account
from resnet_inspect.views.compare import layout_sentence, paper_caption, paper_notes
from resnet_inspect.views.report import block_figure, outgrowth_text


def windows_covering(n: int, positions: int, r: int, j: int, p: int) -> int:
    """Output positions whose window [i·j − p, i·j − p + r − 1] covers [0, n − 1], by enumeration."""
    return sum(1 for i in range(positions) if i * j - p <= 0 and i * j - p + r - 1 >= n - 1)


@pytest.mark.parametrize(("name", "size"), [("resnet50", None), ("cifar-resnet56", None), ("resnet18", 96),
                                             ("resnet101", 320)])
def test_receptive_field_text_counts_the_units_that_see_the_whole_input(name: str, size: int | None) -> None:
    # the old text said "it covers the whole 224-px input from layer3.4.conv2 on" where 1 of 196 units does
    r = inspect(name, size)
    text = outgrowth_text(r)
    assert "covers the whole" not in text
    h, w = r.input_shape[2:]
    found = re.findall(r"(?:From |map, )(\S+?),? .*?(no unit|\d[\d,]*)(?: units?)? of (?:its )?(\d[\d,]*)", text)
    assert found, text
    for layer, n, units in found:
        row = r.row(layer)
        assert row.rf and row.jump and row.rf_padding
        seeing = [windows_covering((h, w)[a], row.output_shape[2 + a], row.rf[a], row.jump[a], row.rf_padding[a])
                  for a in (0, 1)]
        assert (0 if n == "no unit" else int(n.replace(",", ""))) == seeing[0] * seeing[1], text
        assert int(units.replace(",", "")) == row.output_shape[2] * row.output_shape[3]
    for layer in re.findall(r"Every unit sees the whole input from (\S+) on", text):
        row = r.row(layer)
        assert row.rf and row.jump and row.rf_padding
        assert all(windows_covering((h, w)[a], row.output_shape[2 + a], row.rf[a], row.jump[a], row.rf_padding[a])
                   == row.output_shape[2 + a] for a in (0, 1))


@pytest.mark.parametrize("name", ["resnet50", "cifar-resnet56", "resnet18", "preact-resnet164"])
def test_block_kind_panels_hold_for_every_block_of_their_kind(name: str) -> None:
    # the old panel showed conv3_1's 379,392 params for conv3_1, conv4_1 and conv5_1 (1,512,448 and 6,039,552)
    from resnet_inspect.figures.diagram import bottleneck_kinds_diagram

    model = registry.build(name, device="meta")
    modules = dict(model.named_modules())
    r = inspect(name)
    source = bottleneck_kinds_diagram(r).source
    kinds = re.findall(r"<b>([^<]*params[^<]*)</b>", source)
    assert kinds
    from resnet_inspect.analysis.facts import kind_groups

    for kind, text in zip(kind_groups(r), [t for t in kinds if "params" in t], strict=True):
        own = [sum(p.numel() for p in modules[path].parameters()) for path in kind.paths]
        numbers = [int(x.replace(",", "")) for x in re.findall(r"\d[\d,]{2,}", text)]
        if len(set(own)) == 1:
            assert numbers[0] == own[0], text
        else:
            assert numbers[:3] == [min(own), max(own), sum(own)], text


def test_block_figure_caption_names_only_the_shortcuts_the_model_has() -> None:
    cifar = block_figure(inspect("cifar-resnet56"))
    assert cifar is not None and "projection" not in cifar.caption and "option A" in cifar.caption
    preact = block_figure(inspect("preact-resnet164"))
    assert preact is not None and "projection (1×1 conv)" in preact.caption  # its shortcut conv has no BN


@pytest.mark.parametrize(("name", "size"), [("cifar-resnet56", None), ("resnet50-c4", None), ("resnet50", None),
                                             ("basic:1-1-1-1,width=32", 600), ("resnet18", 96)])
def test_the_layout_note_names_the_models_own_stages_pools_and_sizes(name: str, size: int | None) -> None:
    # the old note spoke of conv5_x, a max pool, projections and 56×56 for every model at every input
    r = inspect(name, size)
    text = layout_sentence(r)
    acc = account(r)
    stage_names = {s.paper_name or s.name for s in acc.stages if s.role == "stage"}
    for named in re.findall(r"\b(conv\d_x|layer\d+)\b", text):
        assert named in stage_names, (named, text)
    has_max_pool = any(row.pool == "max" for row in r.rows)
    assert ("max pool" in text) == has_max_pool, text
    first = next(s for s in r.stages if s.name not in ("stem", "head"))
    first_row = r.row(first.name)
    size_named = re.search(r"keeps the (\d+)×(\d+) size", text)
    assert size_named and tuple(map(int, size_named.groups())) == tuple(first_row.input_shape[2:]), text
    shortcuts = [row for row in r.rows if row.is_leaf and row.on_shortcut and row.params]
    assert ("projects" in text) == bool(shortcuts), text


def test_the_caption_does_not_say_a_variant_differs_from_its_own_paper() -> None:
    from resnet_inspect.analysis.compare import paper_layout, summarize

    paper = paper_layout([summarize(inspect(m), registry.get_spec(m)) for m in ("resnext50_32x4d", "wide_resnet50_2")])
    assert "differ from the paper" not in paper_caption(paper) + " ".join(paper_notes(paper))
    assert "He et al. 2015" in paper_caption(paper)


def test_a_backbone_without_global_pooling_is_not_said_to_have_one() -> None:
    from resnet_inspect.views import texts

    c4 = inspect("resnet50-c4")
    assert not any(row.rf_global for row in c4.rows)  # the oracle: no row mixes every position
    assert "global pooling" not in texts.feature_map_words(c4)
    assert "global pooling" in texts.feature_map_words(inspect("resnet50"))
    net = registry.build("resnet50-c4", device="meta")
    assert not any(isinstance(m, torch.nn.AdaptiveAvgPool2d) for m in net.modules())
