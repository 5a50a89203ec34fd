"""The one immutable, numeric result of an inspection; views only read it (no display text here)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .kinds import PoolKind, RowKind

if TYPE_CHECKING:
    import pandas as pd

Shape = tuple[int, ...]
Pair = tuple[int, int]

@dataclass(frozen=True)
class Row:
    """One row of the layer table: a leaf layer, a functional op, or an aggregate (block, stage, network)."""

    name: str
    type: str
    kind: RowKind
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
    pool: PoolKind | None = None  # a pooling row's operation (max, avg, adaptive_max, adaptive_avg)

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
    run: str = "symbolic"  # how the pass ran: symbolic (a spec, no torch), meta or cpu (a module's forward)

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
        """The numbers of the JSON contract: ``model``, ``input_shape``, ``dtype``, ``totals``, ``stages``,
        ``layers`` (the views add ``conventions``, the sentences that say what each number counts)."""
        return {
            "model": self.model,
            "input_shape": list(self.input_shape),
            "dtype": self.dtype,
            "totals": self.totals.to_dict(),
            "stages": [s.to_dict() for s in self.stages],
            "layers": [r.to_dict() for r in self.rows],
        }
