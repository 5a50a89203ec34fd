"""The sentences every output shares: what is counted, under which convention, in the words of the pages.

Analysis results carry identifiers (a MAC policy, a feature layer); these functions turn them into the
text that the JSON ``conventions`` record, the tables' notes and the reports show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
FINAL_RF = "Receptive field: in input pixels, at the last feature map before global pooling."

BLOCK_LABELS = {"BasicBlock": "basic", "Bottleneck": "bottleneck", "PreActBasicBlock": "pre-act basic",
                "PreActBottleneck": "pre-act bottleneck"}


def macs(policy: str) -> str:
    """What MACs count under a policy (``conv-fc``, ``all``, ``torchinfo``, ``fvcore``)."""
    return POLICIES[policy]


def final_rf(feature_layer: str) -> str:
    """Where ``totals.rf`` is measured."""
    return (f"totals.rf is the receptive field at {feature_layer or 'the last spatial layer'}, "
            "the last feature map before global pooling")


def conventions(result: Inspection) -> dict[str, str]:
    """The ``conventions`` record of the JSON export: one sentence per quantity."""
    return {
        "macs": macs(result.policy), "policy": result.policy, "flops": FLOPS, "depth": DEPTH,
        "activation_bytes": ACTIVATIONS, "rf": RF, "final_rf": final_rf(result.totals.feature_layer),
    }


def block_label(block_type: str, residual: bool = True) -> str:
    """``bottleneck``, ``basic``, ``plain`` (a basic block without its add), or the type itself."""
    label = BLOCK_LABELS.get(block_type, block_type)
    return "plain" if label == "basic" and not residual else label
