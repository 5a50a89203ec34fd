"""The one immutable, numeric result of an inspection; renderers only read it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

Shape = tuple[int, ...]
Pair = tuple[int, int]

DEPTH_CONVENTION = ("weighted layers on the main path: convolutions and fully-connected layers, "
                    "not the projection convs of shortcuts; batch norm, activations and pooling are not layers")
ACTIVATION_CONVENTION = ("bytes of every layer output at the analysis dtype, each tensor once "
                         "(in-place activations and adds reuse their input)")
RF_CONVENTION = ("receptive field in input pixels per axis [h, w]: size, jump (effective stride) and "
                 "effective padding; where paths meet, the union of their input regions")
RF_GLOBAL_CONVENTION = ("rf_global: every unit of the row sees the same region, the union of what all "
                        "positions of the map before it see (after a global pool, a fully-connected layer "
                        "over the map, normalisation over space, or a join with such a path): the whole "
                        "input, except pixels the network never reads at all; rf and rf_padding give that "
                        "region (the input plus what the receptive fields reach outside it), jump is null")
# Why a row's receptive field is null (``Row.rf_reason``; ``Row.rf_reason_layer`` names the row where it started).
RF_REASONS = {
    "unknown-op": "an op whose geometry resnet-inspect does not know (a user's layer, a transposed convolution, "
                  "an unlisted functional op): its receptive field cannot be computed, so none after it is shown",
    "non-uniform-windows": "an adaptive pool whose windows differ in size or spacing (the map size is not a "
                           "multiple of the output size): no single size and jump describe its units",
    "flattened": "positions folded into one axis: each element sees the region of the position it came from, "
                 "and no single size and jump describe them",
    "mixed-join": "paths meeting with different jumps: the region differs from unit to unit",
    "unknown-layout": "an op over an axis resnet-inspect cannot map to the image's height or width",
}


@dataclass(frozen=True)
class Row:
    """One row of the layer table: a leaf layer, a functional op, or an aggregate (block, stage, network)."""

    name: str
    type: str
    kind: str
    depth: int
    is_leaf: bool
    input_shape: Shape
    output_shape: Shape
    params: int
    trainable_params: int
    macs: int | None
    flops: int | None
    activation_bytes: int
    rf: Pair | None
    jump: Pair | None
    rf_padding: Pair | None
    kernel: Pair | None = None
    stride: Pair | None = None
    padding: Pair | None = None
    dilation: Pair | None = None
    groups: int | None = None
    on_shortcut: bool = False
    inputs: tuple[str, ...] = ()
    rf_global: bool = False
    rf_reason: str | None = None
    rf_reason_layer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key, value in d.items():
            if isinstance(value, tuple):
                d[key] = list(value)
        return d


@dataclass(frozen=True)
class Stage:
    """A stage of the network (stem, layer1 … layerN, head): the numbers teachers put in Table 1."""

    name: str
    blocks: int
    input_shape: Shape
    output_shape: Shape
    jump: Pair | None
    params: int
    macs: int
    flops: int
    activation_bytes: int
    rf: Pair | None
    rf_global: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Totals:
    """Whole-network totals: parameters from the model itself, the rest summed over executed layers."""

    params: int
    trainable_params: int
    macs: int
    flops: int
    activation_bytes: int
    depth: int
    rf: Pair | None
    jump: Pair | None
    rf_padding: Pair | None
    feature_layer: str
    unsupported: tuple[str, ...] = ()
    rf_global: bool = False
    rf_reason: str | None = None
    rf_reason_layer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Inspection:
    """Everything resnet-inspect knows about one network at one input size."""

    model: str
    input_shape: Shape
    dtype: str
    policy: str
    rows: tuple[Row, ...]
    stages: tuple[Stage, ...]
    totals: Totals
    conventions: dict[str, str] = field(default_factory=dict)

    @property
    def layers(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (one row per layer, op, block, stage and the network)."""
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.rows])

    def row(self, name: str) -> Row:
        """The row of a module path (``""`` for the network)."""
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``model``, ``input_shape``, ``conventions``, ``totals``, ``stages``, ``layers``."""
        return {
            "model": self.model,
            "input_shape": list(self.input_shape),
            "dtype": self.dtype,
            "conventions": dict(self.conventions),
            "totals": self.totals.to_dict(),
            "stages": [s.to_dict() for s in self.stages],
            "layers": [r.to_dict() for r in self.rows],
        }

    def _repr_html_(self) -> str:
        from ..render.table import render_html

        return render_html(self, max_depth=2)

    def __str__(self) -> str:
        from ..render.table import render_table

        return render_table(self)
