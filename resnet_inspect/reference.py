"""Published figures, each with its source: the one table the tests and ``resnet-inspect verify`` compare with.

Nothing here is ever shown as a computed number.  Each :class:`Figure` records the value as its source
printed it (``4.089``, ``1.8`` ×10⁹, ``0.27`` M), the scale that turns it into a count, how the source
rounded it, and what it counts — a convention identifier that names the rule the count follows:

``params``           every parameter of the model (``sum(p.numel())``)
``conv-fc-weights``  conv and fc weights and biases only (batch norm left out)
``conv-fc``          conv + fc multiply-accumulates, bias excluded (the default MAC policy)
``torchinfo``        torchinfo 1.8 "mult-adds" (the ``torchinfo`` MAC policy)
``fvcore``           fvcore FlopCountAnalysis, one FMA = one flop (the ``fvcore`` MAC policy)
``flop-counter``     PyTorch ``FlopCounterMode`` FLOPs: 2 × conv-fc MACs
``rf``               receptive field size, jump (effective stride) or effective padding, in input pixels
"""

from __future__ import annotations

from dataclasses import dataclass

ROUNDINGS = ("exact", "round", "last-digit")


@dataclass(frozen=True)
class Source:
    """Where a figure was published: who, what, when, and the table, figure or file it is in."""

    authors: str
    title: str
    year: int | None
    url: str
    where: str = ""
    short: str = ""  # a few words for a table cell: "He et al. 2015, Table 1"

    def cite(self) -> str:
        """``He, Zhang, Ren, Sun 2015, Deep Residual Learning ... (arXiv:1512.03385), Table 1``."""
        year = f" {self.year}" if self.year else ""
        where = f", {self.where}" if self.where else ""
        return f"{self.authors}{year}, {self.title} ({self.url}){where}"


@dataclass(frozen=True)
class Figure:
    """One published number: its value as printed, its unit, what it counts and how it was rounded.

    ``value × scale`` is the count.  ``rounding`` says how a computed count is compared with it:
    ``exact`` (equal), ``round`` (equal after rounding to the printed ``decimals``) or ``last-digit``
    (within one unit of the last printed digit: a source that rounds some values and truncates others).
    ``row`` names the layer a receptive field belongs to (``""``: the last feature map).
    """

    key: str
    model: str
    quantity: str  # params | macs | flops | rf | jump | rf_padding
    value: float
    unit: str
    counts: str
    source: Source
    scale: float = 1.0
    rounding: str = "exact"
    decimals: int = 0
    input_size: tuple[int, int] = (224, 224)
    row: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"{self.key}: rounding {self.rounding!r} is not one of {ROUNDINGS}")

    @property
    def exact(self) -> int:
        """The count itself, for an exact figure."""
        if self.rounding != "exact":
            raise ValueError(f"{self.key} is rounded ({self.printed}); compare with matches()")
        return round(self.value * self.scale)

    @property
    def printed(self) -> str:
        """The value as the source printed it, with its unit."""
        if self.rounding == "exact":
            return f"{int(self.value):,} {self.unit}"
        return f"{self.value:.{self.decimals}f} {self.unit}"

    def matches(self, count: int) -> bool:
        """Whether a computed count agrees with this figure under its rounding."""
        if self.rounding == "exact":
            return count == self.exact
        scaled = count / self.scale
        if self.rounding == "round":
            return round(scaled, self.decimals) == round(self.value, self.decimals)
        return abs(scaled - self.value) < 10.0 ** -self.decimals


# --------------------------------------------------------------------------- sources

TORCHVISION = Source("TorchVision maintainers and contributors", "torchvision.models.resnet weights metadata "
                     "(num_params, _ops), torchvision 0.28–0.29", 2016,
                     "https://github.com/pytorch/vision/blob/main/torchvision/models/resnet.py",
                     "ResNet*_Weights.IMAGENET1K_V1.meta", "torchvision metadata")
TORCHVISION_VGG = Source("TorchVision maintainers and contributors", "torchvision.models.vgg weights metadata", 2016,
                         "https://github.com/pytorch/vision/blob/main/torchvision/models/vgg.py",
                         "VGG19_Weights.IMAGENET1K_V1.meta['num_params']", "torchvision metadata")
HE2015 = Source("He, Zhang, Ren, Sun", "Deep Residual Learning for Image Recognition", 2015, "arXiv:1512.03385",
                short="He et al. 2015")
HE2015_TABLE1 = Source(HE2015.authors, HE2015.title, HE2015.year, HE2015.url, "Table 1, FLOPs row",
                       "He et al. 2015, Table 1")
HE2016 = Source("He, Zhang, Ren, Sun", "Identity Mappings in Deep Residual Networks", 2016, "arXiv:1603.05027",
                "CIFAR results, #params column", "He et al. 2016")
DELF_ISSUE = Source("nashory (DeLF-pytorch) and the rfa-toolbox README", "Receptive field of torchvision's "
                    "ResNet-50", None, "https://github.com/nashory/DeLF-pytorch/issues/15",
                    "issue 15; rfa-toolbox README gives 427 as ResNet-50's maximal resolution", "DeLF-pytorch #15")
GOOGLE_RF = Source("Google Research", "receptive_field: receptive field computation for convnets (TF-slim models)",
                   None, "https://github.com/google-research/receptive_field", "README table", "receptive_field lib")
TORCHINFO = Source("Yep et al.", "torchinfo 1.8 summary(): total mult-adds", None,
                   "https://github.com/TylerYep/torchinfo", "ResNet-50, 1×3×224×224", "torchinfo 1.8")
FVCORE = Source("Facebook AI Research", "fvcore FlopCountAnalysis.total()", None,
                "https://github.com/facebookresearch/fvcore", "ResNet-50 in eval mode, 1×3×224×224", "fvcore")
FLOP_COUNTER = Source("PyTorch contributors", "torch.utils.flop_counter.FlopCounterMode", None,
                      "https://github.com/pytorch/pytorch/blob/main/torch/utils/flop_counter.py",
                      "ResNet-50, 1×3×224×224", "FlopCounterMode")

# --------------------------------------------------------------------------- the figures

# torchvision: (num_params, `_ops` as printed, exact conv + fc MACs that `_ops` rounds to 3 decimals)
_TORCHVISION = {
    "resnet18": (11_689_512, 1.814, 1_814_073_344),
    "resnet34": (21_797_672, 3.664, 3_663_761_408),
    "resnet50": (25_557_032, 4.089, 4_089_184_256),
    "resnet101": (44_549_160, 7.801, 7_801_405_440),
    "resnet152": (60_192_808, 11.514, 11_513_626_624),
    "resnext50_32x4d": (25_028_904, 4.23, 4_230_479_872),
    "resnext101_32x8d": (88_791_336, 16.414, 16_414_015_488),
    "resnext101_64x4d": (83_455_272, 15.46, 15_460_270_080),
    "wide_resnet50_2": (68_883_240, 11.398, 11_398_021_120),
    "wide_resnet101_2": (126_886_696, 22.753, 22_753_050_624),
}
OPS_NOTE = ("torchvision labels _ops 'GFLOPS' but it counts conv + fc multiply-accumulates: "
            "PyTorch's FlopCounterMode total ÷ 2 on torchvision's module")


def _torchvision() -> list[Figure]:
    out = []
    for model, (params, ops, macs) in _TORCHVISION.items():
        out.append(Figure(f"torchvision/{model}/num_params", model, "params", params, "parameters", "params",
                          TORCHVISION))
        out.append(Figure(f"torchvision/{model}/_ops", model, "macs", ops, "GMACs", "conv-fc", TORCHVISION,
                          scale=1e9, rounding="round", decimals=3, note=OPS_NOTE))
        out.append(Figure(f"torchvision/{model}/macs", model, "macs", macs, "MACs", "conv-fc", TORCHVISION,
                          note="the exact count _ops rounds: " + OPS_NOTE))
    out.append(Figure("torchvision/vgg19/num_params", "vgg19", "params", 143_667_240, "parameters", "params",
                      TORCHVISION_VGG))
    return out


def _he2015() -> list[Figure]:
    out = [Figure(f"he2015/table1/{model}", model, "macs", value, "×10⁹ multiply-adds", "conv-fc", HE2015_TABLE1,
                  scale=1e9, rounding="last-digit", decimals=1,
                  note="the paper's v1 layout (stride on the first 1×1); printed with one decimal, some values "
                       "rounded (7.570 → 7.6) and some cut (3.664 → 3.6)")
           for model, value in (("resnet18", 1.8), ("resnet34", 3.6), ("resnet50-v1", 3.8),
                                ("resnet101-v1", 7.6), ("resnet152-v1", 11.3))]
    vgg = Source(HE2015.authors, HE2015.title, HE2015.year, HE2015.url, "§3.3 and §4.1 (text)", "He et al. 2015, text")
    out += [Figure(f"he2015/text/{model}", model, "macs", value, "×10⁹ multiply-adds", "conv-fc", vgg,
                   scale=1e9, rounding="round", decimals=1)
            for model, value in (("vgg16", 15.3), ("vgg19", 19.6))]
    fig3 = Source(HE2015.authors, HE2015.title, HE2015.year, HE2015.url, "Fig. 3 (caption)", "He et al. 2015, Fig. 3")
    out.append(Figure("he2015/fig3/plain34", "plain34", "macs", 3.6, "×10⁹ multiply-adds", "conv-fc", fig3,
                      scale=1e9, rounding="last-digit", decimals=1,
                      note="\"a plain network with 34 parameter layers (3.6 billion FLOPs)\"; printed with one "
                           "decimal, cut like Table 1's (3.644 → 3.6)"))
    fig5 = Source(HE2015.authors, HE2015.title, HE2015.year, HE2015.url, "Fig. 5", "He et al. 2015, Fig. 5")
    out += [Figure("he2015/fig5/basic", "", "weights", 73_728, "conv weights", "conv-fc-weights", fig5,
                   note="basic block on 64-d maps: 3×3, 64; 3×3, 64 = 2·64·3·3·64"),
            Figure("he2015/fig5/bottleneck", "", "weights", 69_632, "conv weights", "conv-fc-weights", fig5,
                   note="bottleneck on 256-d maps: 1×1, 64; 3×3, 64; 1×1, 256")]
    table6 = Source(HE2015.authors, HE2015.title, HE2015.year, HE2015.url, "Table 6 (CIFAR-10)",
                    "He et al. 2015, Table 6")
    out += [Figure(f"he2015/table6/cifar-resnet{depth}", f"cifar-resnet{depth}", "params", value, "M parameters",
                   "params", table6, scale=1e6, rounding="round", decimals=1 if value >= 1 else 2,
                   input_size=(32, 32))
            for depth, value in ((20, 0.27), (32, 0.46), (44, 0.66), (56, 0.85), (110, 1.7), (1202, 19.4))]
    return out



def _he2016() -> list[Figure]:
    note = "matches the conv + fc weights and biases; batch norm adds the rest (0.15 M for ResNet-1001)"
    return [Figure(f"he2016/preact-resnet{depth}", f"preact-resnet{depth}", "params", value, "M parameters",
                   "conv-fc-weights", HE2016, scale=1e6, rounding="round", decimals=1, input_size=(32, 32),
                   note=note)
            for depth, value in ((164, 1.7), (1001, 10.2))]


TF_SLIM_NAMES = {"resnet50-v1": "resnet_v1_50", "resnet101-v1": "resnet_v1_101", "resnet152-v1": "resnet_v1_152",
                 "vgg16": "vgg_16"}


def _receptive_fields() -> list[Figure]:
    out = []
    for row, (size, jump, pad) in (("layer3", (267, 16, 133)), ("layer4", (427, 32, 213))):
        for quantity, value in (("rf", size), ("jump", jump), ("rf_padding", pad)):
            out.append(Figure(f"rf/resnet50/{row}/{quantity}", "resnet50", quantity, value, "px", "rf", DELF_ISSUE,
                              row=row))
    # The library's effective paddings follow TF's "SAME" padding, so only size and stride compare.
    for model, size in (("resnet50-v1", 483), ("resnet101-v1", 1027), ("resnet152-v1", 1507), ("vgg16", 212)):
        tf = TF_SLIM_NAMES[model]
        for quantity, value in (("rf", size), ("jump", 32)):
            out.append(Figure(f"rf/{model}/{quantity}", model, quantity, value, "px", "rf", GOOGLE_RF,
                              note=f"{tf}: the paper's stride placement"))
    return out


def _tools() -> list[Figure]:
    return [
        Figure("torchinfo/resnet50/mult_adds", "resnet50", "macs", 4_089_238_376, "mult-adds", "torchinfo", TORCHINFO,
               note="conv/fc MACs with the fc bias, plus 2·C per batch norm per sample"),
        Figure("fvcore/resnet50/flops", "resnet50", "macs", 4_111_512_576, "flops (1 FMA = 1 flop)", "fvcore", FVCORE,
               note="conv 4,087,136,256 + batch norm 22,227,968 + adaptive avg pool 100,352 + fc 2,048,000"),
        Figure("flop_counter/resnet50/flops", "resnet50", "flops", 8_178_368_512, "FLOPs", "flop-counter",
               FLOP_COUNTER, note="2 × conv + fc MACs"),
    ]


FIGURES: tuple[Figure, ...] = (*_torchvision(), *_he2015(), *_he2016(), *_receptive_fields(), *_tools())
_BY_KEY = {f.key: f for f in FIGURES}
if len(_BY_KEY) != len(FIGURES):
    raise ValueError("reference figures have duplicate keys")


def get(key: str) -> Figure:
    """The figure with this key (``torchvision/resnet50/num_params``)."""
    return _BY_KEY[key]


def select(prefix: str, suffix: str = "") -> dict[str, Figure]:
    """Figures whose key starts with ``prefix`` and ends with ``suffix``, by model name (one per model)."""
    found = [f for f in FIGURES if f.key.startswith(prefix) and f.key.endswith(suffix)]
    by_model = {f.model: f for f in found}
    if len(by_model) != len(found):
        raise ValueError(f"{prefix}…{suffix} selects several figures for one model")
    return by_model


def for_model(model: str) -> list[Figure]:
    """Every figure about one registry variant."""
    return [f for f in FIGURES if f.model == model]


__all__ = ["FIGURES", "Figure", "Source", "for_model", "get", "select"]
