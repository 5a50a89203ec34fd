"""The sentences every output shares: what is counted, under which convention, in the words of the pages.

Analysis results carry identifiers (a MAC policy, a feature layer); these functions turn them into the
text that the JSON ``conventions`` record, the tables' notes and the reports show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..policies import POLICIES

if TYPE_CHECKING:
    from ..analysis.result import Inspection

FLOPS = "FLOPs = 2 × MACs (one multiply-accumulate is two floating-point operations)"
DEPTH = ("weighted layers on the main path: convolutions and fully-connected layers, "
         "not the projection convs of shortcuts; batch norm, activations and pooling are not layers")
ACTIVATIONS = ("bytes of every layer output at the analysis dtype, each tensor once "
               "(in-place activations and adds reuse their input)")
RF = ("receptive field in input pixels per axis [h, w]: size, jump (effective stride) and "
      "effective padding; where paths meet, the union of their input regions")

DEPTH_CONVENTION = ("depth counts the weighted layers on the main path: the stem conv(s), every conv inside the "
                    "blocks and the fully-connected layer(s) (He et al. 2015, Table 1); projection (downsample) "
                    "convs on the shortcut are not counted; batch norm, ReLU and pooling are not layers")
SEED_CONVENTION = "convs on the main path plus max-pool layers, fc left out (a count found in tutorials)"
ALL_CONVENTION = "every conv and fc layer, shortcut projections included"
DEPTH_SHORT = ("Depth: weighted layers on the main path (stem conv, block convs, fc); shortcut projections, "
               "BN, ReLU and pooling not counted (see `resnet-inspect depth`).")
RF_GLOBAL = ("rf_global: every unit of the row sees the same region, the union of what all "
             "positions of the map before it see (after a global pool, a fully-connected layer "
             "over the map, normalisation over space, or a join with such a path): the whole "
             "input, except pixels the network never reads at all; rf and rf_padding give that "
             "region (the input plus what the receptive fields reach outside it), jump is null")
# Why a row's receptive field is null (``Row.rf_reason``; ``Row.rf_reason_layer`` names the row where it started).
RF_REASONS = {
    "channel-split": "a split of channels that see different regions (a concat of paths that no conv has mixed "
                     "yet): the piece's region depends on which channels it takes, which is not followed",
    "unknown-op": "an op whose geometry resnet-inspect does not know (a user's layer, a transposed convolution, "
                  "an unlisted functional op): its receptive field cannot be computed, so none after it is shown",
    "non-uniform-windows": "an adaptive pool whose windows differ in size or spacing (the map size is not a "
                           "multiple of the output size): no single size and jump describe its units",
    "flattened": "positions folded into one axis: each element sees the region of the position it came from, "
                 "and no single size and jump describe them",
    "mixed-join": "paths meeting with different jumps: the region differs from unit to unit",
    "unknown-layout": "an op over an axis resnet-inspect cannot map to the image's height or width",
}

BLOCK_LABELS = {"BasicBlock": "basic", "Bottleneck": "bottleneck", "PreActBasicBlock": "pre-act basic",
                "PreActBottleneck": "pre-act bottleneck"}


def macs(policy: str) -> str:
    """What MACs count under a policy (``conv-fc``, ``all``, ``torchinfo``, ``fvcore``)."""
    return POLICIES[policy]


def feature_map_words(result: Inspection) -> str:
    """What the totals' feature layer is: ``the last feature map before global pooling``, or, in a network
    without global pooling (a backbone), ``the network's last feature map``."""
    from ..analysis.facts import globally_pooled

    return ("the last feature map before global pooling" if globally_pooled(result)
            else "the network's last feature map")


def final_rf_note(results: Sequence[Inspection]) -> str:
    """The note under a comparison: where each network's receptive field is measured."""
    where = {feature_map_words(r) for r in results}
    if len(where) == 1:
        return f"Receptive field: in input pixels, at {where.pop()}."
    return ("Receptive field: in input pixels, at each network's last feature map (before global pooling where "
            "it has one).")


def final_rf(result: Inspection) -> str:
    """Where ``totals.rf`` is measured."""
    return (f"totals.rf is the receptive field at {result.totals.feature_layer or 'the last spatial layer'}, "
            f"{feature_map_words(result)}")


def conventions(result: Inspection) -> dict[str, str]:
    """The ``conventions`` record of the JSON export: one sentence per quantity."""
    return {
        "macs": macs(result.policy), "policy": result.policy, "flops": FLOPS, "depth": DEPTH,
        "activation_bytes": ACTIVATIONS, "rf": RF, "rf_global": RF_GLOBAL,
        "final_rf": final_rf(result),
    }


def block_label(block_type: str, residual: bool = True) -> str:
    """``bottleneck``, ``basic``, ``plain`` (a basic block without its add), or the type itself."""
    label = BLOCK_LABELS.get(block_type, block_type)
    return "plain" if label == "basic" and not residual else label


def record(result: Inspection) -> dict[str, Any]:
    """A result's numbers with the ``conventions`` sentences, in the JSON contract's key order: ``model``,
    ``input_shape``, ``dtype``, ``conventions``, ``totals``, ``stages``, ``layers``."""
    from ..analysis.result import Inspection as Numbers

    numbers = Numbers.to_dict(result)
    head = {k: numbers.pop(k) for k in ("model", "input_shape", "dtype")}
    # how the pass ran (symbolic, meta or cpu): said in the record, left out of the numbers, which are the same
    return {**head, "conventions": dict(conventions(result)), "run": result.run, **numbers}
