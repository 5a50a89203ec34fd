"""`explain`: the arithmetic of a row, each number derived by hand here (or by a real forward pass)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from resnet_inspect.analysis import inspect
from resnet_inspect.analysis.explain import Explanation, Expr, Op, Step, Sym, evaluate, explain
from resnet_inspect.errors import InspectError
from resnet_inspect.policies import POLICIES


def _step(e: Explanation, target: str, axis: str = "") -> Step:
    return next(s for s in e.steps() if s.target == target and s.axis == axis)


def _syms(step: Step) -> dict[str, int]:
    """The named inputs of a step's expression (the last value wins for a repeated name)."""
    out: dict[str, int] = {}

    def walk(x: Expr | None) -> None:
        if isinstance(x, Op):
            for a in x.args:
                walk(a)
        elif isinstance(x, Sym):
            out[x.name] = x.value

    walk(step.expr)
    return out


def test_resnet50_layer3_0_conv2_by_hand() -> None:
    # torchvision's ResNet-50 (v1.5): layer3 has planes 256, so its first block's 3×3 is 256→256 with the
    # stride 2 on it, reading layer2's 512×28×28 output through the 1×1 conv1 (512→256, 28×28).
    e = explain(inspect("resnet50"), "layer3.0.conv2")
    # output: ⌊(28 + 2·1 − 3)/2⌋ + 1 = ⌊27/2⌋ + 1 = 13 + 1 = 14, per axis
    assert _step(e, "h_out", "h").value == _step(e, "w_out", "w").value == 14
    assert _syms(_step(e, "h_out", "h")) == {"n": 28, "p": 1, "k": 3, "s": 2}
    assert _step(e, "h_out", "h").basis == "window"
    # parameters: 256/1 · 3 · 3 · 256 + 0 = 589,824 (torchvision convs in blocks have no bias)
    assert _step(e, "params").value == 589_824 and _syms(_step(e, "params")) == {"weights": 589_824, "bias": 0}
    assert _syms(_step(e, "weights")) == {"c_in": 256, "g": 1, "k_h": 3, "k_w": 3, "c_out": 256}
    # MACs: weights × output positions = 589,824 · (1 · 14 · 14) = 115,605,504
    assert _step(e, "macs").value == 115_605_504
    # RF: stem 7/2/3 → max pool 11/4/5 → layer1 (three 3×3 at jump 4) 35/4/17 → layer2.0's 3×3 s2 43/8/21
    # → layer2.1-3 (+2·8 each) 91/8/45; the 1×1 conv1 keeps it. This 3×3/2 p1:
    # r = 91 + (3 − 1)·8 = 107, j = 8·2 = 16, P = 45 + 1·8 = 53
    assert e.rf_source == "layer3.0.relu"
    assert _syms(_step(e, "rf", "h")) == {"r": 91, "k": 3, "j": 8}
    assert (_step(e, "rf", "h").value, _step(e, "jump", "h").value, _step(e, "padding", "h").value) == (107, 16, 53)
    # activation bytes: 1·256·14·14 elements × 4 bytes (float32) = 200,704
    assert _step(e, "bytes").value == 200_704 and _syms(_step(e, "bytes"))["itemsize"] == 4


def test_union_at_the_add_of_a_projection_block() -> None:
    # layer3.0: main path ends at 107/16/53 (the 1×1 conv3 keeps it): pixels −53 … 53; the projection
    # 1×1/2 reads the block input 91/8/45: pixels −45 … 45. Union −53 … 53: 53 − (−53) + 1 = 107.
    e = explain(inspect("resnet50"), "layer3.0.add")
    spans = {(r.first, r.last) for r in e.regions[0]}
    assert spans == {(-53, 53), (-45, 45)}
    assert _step(e, "rf", "h").basis == "rf_union" and _step(e, "rf", "h").value == 107
    assert _step(e, "padding", "h").value == 53


def test_ceil_mode_pool_of_the_c4_backbone_at_600() -> None:
    # resnet50-c4: conv1 ⌊(600 + 6 − 7)/2⌋ + 1 = 300; max pool 3×3/2, padding 0, ceil_mode:
    # ⌈(300 − 3)/2⌉ + 1 = ⌈148.5⌉ + 1 = 150 (⌊⌋ would give 149). RF: 7 + (3 − 1)·2 = 11, jump 4, P 3 + 0 = 3.
    e = explain(inspect("resnet50-c4", input_size=600), "maxpool")
    h = _step(e, "h_out", "h")
    assert h.value == 150 and h.basis == "window_ceil"
    assert _syms(h) == {"n": 300, "p": 0, "k": 3, "s": 2}
    assert (_step(e, "rf", "h").value, _step(e, "jump", "h").value, _step(e, "padding", "h").value) == (11, 4, 3)


def test_ceil_mode_agrees_with_a_real_pool() -> None:
    torch = pytest.importorskip("torch")
    pool = torch.nn.MaxPool2d(3, 2, 0, ceil_mode=True)
    assert pool(torch.zeros(1, 1, 300, 300)).shape[-1] == 150  # the number the test above derives by hand


def test_dilated_grouped_conv_with_bias_matches_a_forward_pass() -> None:
    torch = pytest.importorskip("torch")
    conv = torch.nn.Conv2d(8, 16, 3, stride=2, padding=2, dilation=2, groups=4, bias=True)
    model = torch.nn.Sequential(conv)
    e = explain(inspect(model, input_size="8x17x21"), "0")
    real = model(torch.zeros(1, 8, 17, 21)).shape
    # ⌊(17 + 2·2 − (2·(3 − 1) + 1))/2⌋ + 1 = ⌊16/2⌋ + 1 = 9; W: ⌊(21 + 4 − 5)/2⌋ + 1 = 11
    assert (_step(e, "h_out", "h").value, _step(e, "w_out", "w").value) == (9, 11) == (real[2], real[3])
    assert _syms(_step(e, "h_out", "h"))["d"] == 2
    # 8/4 · 3 · 3 · 16 + 16 = 288 + 16 = 304 = what torch holds
    assert _step(e, "params").value == 304 == sum(p.numel() for p in model.parameters())
    # RF: 1 + 2·(3 − 1)·1 = 5 (a dilated 3×3 spans 5 pixels)
    assert _step(e, "rf", "h").value == 5


def test_a_block_is_the_sum_of_its_parts() -> None:
    # resnet50 layer1.0 (64 → 256 at 56×56): conv1 64·64 = 4,096; bn1 2·64 = 128; conv2 64·9·64 = 36,864;
    # bn2 128; conv3 64·256 = 16,384; bn3 2·256 = 512; projection 64·256 + 512 = 16,896 → 75,008.
    # MACs: (4,096 + 36,864 + 16,384 + 16,384) · 56·56 = 73,728 · 3,136 = 231,211,008.
    r = inspect("resnet50")
    e = explain(r, "layer1.0")
    assert [p.name for p in e.parts] == ["layer1.0.conv1", "layer1.0.bn1", "layer1.0.relu", "layer1.0.conv2",
                                         "layer1.0.bn2", "layer1.0.relu:2", "layer1.0.conv3", "layer1.0.bn3",
                                         "layer1.0.downsample", "layer1.0.add", "layer1.0.relu:3"]
    assert [p.params for p in e.parts if p.params] == [4_096, 128, 36_864, 128, 16_384, 512, 16_896]
    assert _step(e, "params").value == 75_008 == r.row("layer1.0").params
    assert _step(e, "macs").value == 231_211_008 == r.row("layer1.0").macs
    assert _step(e, "bytes").value == r.row("layer1.0").activation_bytes
    assert all(s.basis == "sum" for s in e.params + e.macs + e.memory)


def test_a_stage_sums_its_blocks_and_equals_the_table_row() -> None:
    r = inspect("resnet101")
    e = explain(r, "layer3")
    assert len(e.parts) == 23  # ResNet-101's conv4_x has 23 blocks (He et al. 2015, Table 1)
    assert sum(p.params for p in e.parts) == r.row("layer3").params == _step(e, "params").value
    assert sum(p.macs or 0 for p in e.parts) == r.row("layer3").macs


@pytest.mark.parametrize("policy", list(POLICIES))
def test_what_each_count_adds_for_a_batch_norm(policy: str) -> None:
    # layer3.0.bn2 normalises 256×14×14 = 50,176 elements: all adds 50,176; fvcore 2 per element = 100,352;
    # torchinfo 2·C = 512; conv-fc nothing. Each equals the engine's own count under that policy.
    expected = {"conv-fc": 0, "all": 50_176, "fvcore": 100_352, "torchinfo": 512}
    e = explain(inspect("resnet50", policy=policy), "layer3.0.bn2")
    assert dict(e.macs_by_policy) == expected
    assert _step(e, "macs").value == expected[policy]


CASES = [("resnet50", None), ("resnet50-v1", None), ("resnext50_32x4d", "600x800"), ("resnet50-c4", "600"),
         ("cifar-resnet20", None), ("preact-resnet164", None), ("vgg19", None), ("resnet18-cifar", None),
         ("basic:1-1,stem=cifar,shortcut=A,classes=10", "33")]


@pytest.mark.parametrize(("model", "size"), CASES)
def test_every_formula_gives_the_tables_number(model: str, size: str | None) -> None:
    """The arithmetic explain shows must reproduce every number of every row, under every policy."""
    for policy in POLICIES:
        r = inspect(model, input_size=size, policy=policy)
        for row in r.rows:
            e = explain(r, row.name)
            for s in e.steps():
                assert s.basis != "mismatch", (model, policy, row.name, s)
                if s.expr is not None:
                    assert evaluate(s.expr) == s.value
            if row.is_leaf:
                assert dict(e.macs_by_policy)[policy] == row.macs, (model, row.name)


def test_unknown_layer_names_the_closest() -> None:
    r = inspect("resnet50")
    with pytest.raises(InspectError, match=r"no layer 'layer3\.0\.con2'; closest: layer3\.0\.conv2"):
        explain(r, "layer3.0.con2")


def test_network_row_and_json_keys() -> None:
    r = inspect("resnet18")
    e = explain(r, "network")
    d = e.to_dict()
    assert {"model", "input_shape", "dtype", "policy", "layer", "type", "kind", "is_leaf", "input", "output",
            "inputs", "rf_source", "rf_global", "output_size", "params", "macs", "macs_by_policy", "rf",
            "regions", "activation_bytes", "parts", "parts_missing_macs"} <= set(d)
    assert d["layer"] == "" and d["params"][0]["value"] == 11_689_512  # torchvision's num_params
    assert [p["name"] for p in d["parts"]] == ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3",
                                               "layer4", "avgpool", "flatten", "fc"]


# --------------------------------------------------------------------------- the view: formulas with numbers


def _formulas(model: str, layer: str, size: str | None = None) -> list[str]:
    from resnet_inspect.document import Formula, Section
    from resnet_inspect.views.explain import explain_document

    doc = explain_document(explain(inspect(model, input_size=size), layer))
    return [b.text for s in doc.blocks if isinstance(s, Section) for b in s.blocks if isinstance(b, Formula)]


def test_formulas_put_the_numbers_in() -> None:
    f = _formulas("resnet50", "layer3.0.conv2")
    assert "H_out = W_out = ⌊(n + 2p − k)/s⌋ + 1 = ⌊(28 + 2·1 − 3)/2⌋ + 1 = 14" in f
    assert "weights = C_in/g · k_h · k_w · C_out = 256/1 · 3 · 3 · 256 = 589,824" in f
    assert "MACs = weights · N·H_out·W_out = 589,824 · 1·14·14 = 115,605,504" in f
    assert "r_out = r + (k − 1) · j = 91 + (3 − 1) · 8 = 107" in f
    assert "bytes = N·C·H·W · b = 1·256·14·14 · 4 = 200,704" in f


def test_formula_of_the_ceil_mode_pool_and_the_union() -> None:
    assert "H_out = W_out = ⌈(n + 2p − k)/s⌉ + 1 = ⌈(300 + 2·0 − 3)/2⌉ + 1 = 150" in _formulas(
        "resnet50-c4", "maxpool", "600")
    assert "r_out = max(last) − min(first) + 1 = max(53, 45) − min(−53, −45) + 1 = 107" in _formulas(
        "resnet50", "layer3.0.add")


def test_axes_that_differ_get_one_formula_each() -> None:
    # resnet50 at 600×800: layer2.0.conv2 reads 150×200: ⌊(150 + 2 − 3)/2⌋ + 1 = 75, ⌊(200 + 2 − 3)/2⌋ + 1 = 100
    f = _formulas("resnet50", "layer2.0.conv2", "600x800")
    assert "H_out = ⌊(n + 2p − k)/s⌋ + 1 = ⌊(150 + 2·1 − 3)/2⌋ + 1 = 75" in f
    assert "W_out = ⌊(n + 2p − k)/s⌋ + 1 = ⌊(200 + 2·1 − 3)/2⌋ + 1 = 100" in f


# --------------------------------------------------------------------------- the command


Cli = Callable[..., tuple[int, str, str]]


def test_cli_text_shows_the_arithmetic(cli: Cli) -> None:
    code, out, err = cli("explain", "resnet50", "layer3.0.conv2")
    assert code == 0 and not err
    assert out.startswith("resnet50 — layer3.0.conv2: Conv2d 3×3/2 p1: 256×28×28 → 256×14×14")
    assert "    MACs = weights · N·H_out·W_out = 589,824 · 1·14·14 = 115,605,504\n" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_cli_json_is_the_terms(cli: Cli) -> None:
    code, out, _ = cli("explain", "resnet50-c4", "maxpool", "--input", "600", "--format", "json")
    d = json.loads(out)
    assert code == 0 and d["model"] == "resnet50-c4" and d["layer"] == "maxpool" and d["output"] == [1, 64, 150, 150]
    h = next(s for s in d["output_size"] if s["target"] == "h_out")
    assert h["basis"] == "window_ceil" and h["value"] == 150
    assert h["expr"] == {"op": "add", "args": [{"op": "ceildiv", "args": [
        {"op": "sub", "args": [{"op": "add", "args": [{"sym": "n", "value": 300},
                                                      {"op": "mul", "args": [2, {"sym": "p", "value": 0}]}]},
                               {"sym": "k", "value": 3}]},
        {"sym": "s", "value": 2}]}, 1]}
    assert d["macs_by_policy"] == {"conv-fc": 0, "all": 64 * 150 * 150 * 9, "torchinfo": 0, "fvcore": 0}


def test_cli_markdown_and_a_block(cli: Cli) -> None:
    code, out, _ = cli("explain", "resnet50", "layer1.0", "--format", "markdown")
    assert code == 0
    # the hand sums of test_a_block_is_the_sum_of_its_parts, in the sum row
    assert "| **sum** |  | **256×56×56** | **75,008** | **231,211,008** | **15.3 MiB** |" in out


def test_cli_unknown_layer_is_one_line_exit_2(cli: Cli) -> None:
    code, out, err = cli("explain", "resnet50", "layer3.0.con2")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "closest: layer3.0.conv2" in err


@pytest.mark.parametrize(("model", "size"), [("resnet50", None), ("vgg19", "600x800"), ("cifar-resnet20", None)])
def test_every_row_renders_within_100_columns(model: str, size: str | None) -> None:
    from resnet_inspect.backends import render
    from resnet_inspect.terminal import Terminal
    from resnet_inspect.views.explain import explain_document

    r = inspect(model, input_size=size, policy="all")
    for row in r.rows:
        doc = explain_document(explain(r, row.name))
        text = render(doc, "text", term=Terminal(width=100))
        assert max(len(line) for line in text.splitlines()) <= 100, row.name
        assert render(doc, "markdown").startswith(f"{model} — {row.name or '(network)'}")


# --------------------------------------------------------------------------- two receptive fields


def test_after_global_pooling_explain_says_whole_input(cli: Cli) -> None:
    # ResNet-50's last feature map: 7×7 units, each seeing 427 px, jump 32, padding 213 (torchvision RF,
    # nashory/DeLF-pytorch issue 15). Unit 0 sees −213 … 213, unit 6 sees −213 + 6·32 … 213 + 6·32 = 405,
    # so the pooled unit depends on every pixel of 0 … 223, and on −213 … 405 in all.
    r = inspect("resnet50")
    e = explain(r, "fc")
    assert e.rf_global and e.to_dict()["rf_global"] is True
    code, out, _ = cli("explain", "resnet50", "fc")
    text = " ".join(out.split())
    assert code == 0 and "Receptive field: the whole input" in out
    assert "span input pixels −213 … 405 (the image is 0 … 223 by 0 … 223)" in text
    assert "r_out" not in out.split("Receptive field")[1]  # no window arithmetic after the pool


def test_the_table_shows_all_not_619(cli: Cli) -> None:
    _, out, _ = cli("table", "resnet50", "--depth", "1")
    layers = out.split("resnet50 — stages")[0]
    rows = {line.split()[0]: line for line in layers.splitlines() if line.strip()}
    for name in ("(network)", "avgpool", "flatten", "fc"):
        assert rows[name].rstrip().endswith(" all"), rows[name]  # RF "all", jump blank
    assert "619" not in out and "224 " not in rows["fc"]
    stages = {line.split()[0]: line for line in out.split("resnet50 — stages")[1].splitlines() if line.strip()}
    assert stages["head"].split()[-3] == "all" and stages["total"].split()[-3] == "427"
    assert rows["layer4"].split()[-2:] == ["427", "32"]  # the last feature map keeps its numbers


def test_non_uniform_adaptive_pool_is_na_with_the_reason_and_counts_its_windows(cli: Cli) -> None:
    # VGG-19 at 600×800: the last map is 18×25 (600 → 300 → 150 → 75 → 37 → 18, 800 → … → 25); the
    # adaptive 7×7 pool's windows along 18 rows are 3,4,3,4,3,4,3 rows long (Σ 24) and along 25 columns
    # 4,5,4,5,4,5,4 (Σ 31): --count all = 512 · 24 · 31 = 380,928 window elements.
    code, out, _ = cli("explain", "vgg19", "avgpool", "--input", "600x800", "--count", "all", "--format", "json")
    d = json.loads(out)
    assert code == 0 and d["macs"][0]["value"] == 380_928 and d["macs"][0]["basis"] == "policy"
    assert d["rf"][0]["value"] is None and d["rf"][0]["basis"] == "unknown"
    _, text, _ = cli("explain", "vgg19", "avgpool", "--input", "600x800")
    assert "windows differ in size or spacing" in " ".join(text.split())
