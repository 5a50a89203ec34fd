"""The report's interactive receptive-field view, run in headless Chromium: the rectangle it draws for a unit
is the one the analysis gives (unit (i, j) sees rows [i·jump − pad, i·jump − pad + rf) and the same for
columns, clipped to the input), for layers early, in the middle and at the end of the network."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

from resnet_inspect import report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")


@cache
def page(model: str, folder: str) -> Path:
    files = report.build(report.plan([model], "html", folder))
    path = Path(folder) / f"{model}.html"
    path.write_bytes(files[f"{model}.html"])
    return path


def dump(path: Path, fragment: str) -> str:
    """The page's DOM after its script ran, opened at ``#fragment``."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom",
             f"{path.as_uri()}#{fragment}"], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def expected(lo_k: int, jump: int, pad: int, rf: int, size: int) -> tuple[int, int]:
    """Where a unit's receptive field lies along one axis, clipped to the input: (start, length)."""
    start = lo_k * jump - pad
    a, b = max(0, start), min(size, start + rf)
    return a, b - a


@pytest.mark.parametrize(("model", "layer", "unit"), [
    ("resnet50", "conv1", (0, 111)),         # corner unit: the padding is cut away
    ("resnet50", "layer2.0.conv2", (5, 27)),
    ("resnet50", "layer4.2.relu:3", (3, 3)),  # the last feature map: 427 px, the whole input and more
    ("cifar-resnet56", "layer3.8.relu:2", (2, 6)),
])
def test_the_drawn_rectangle_is_the_analysis(tmp_path_factory: pytest.TempPathFactory, model: str, layer: str,
                                             unit: tuple[int, int]) -> None:
    from resnet_inspect.analysis import inspect

    row = inspect(model).row(layer)
    assert row.rf is not None and row.jump is not None and row.rf_padding is not None
    h, w = inspect(model).input_shape[-2:]
    dom = dump(page(model, str(tmp_path_factory.mktemp("rf"))), f"rf={layer}@{unit[0]},{unit[1]}")
    rect = re.search(r'<rect class="rf-rect" ([^>]*)>', dom)
    assert rect is not None, "the view drew no receptive field"
    got = {k: v for k, v in re.findall(r'([\w-]+)="([^"]*)"', rect.group(1))}
    assert got["data-layer"] == layer and got["data-unit"] == f"{unit[0]},{unit[1]}"
    y, height = expected(unit[0], row.jump[0], row.rf_padding[0], row.rf[0], h)
    x, width = expected(unit[1], row.jump[1], row.rf_padding[1], row.rf[1], w)
    assert (float(got["x"]), float(got["y"]), float(got["width"]), float(got["height"])) == (x, y, width, height)
    numbers = re.search(r'<output class="rf-numbers"[^>]*>([^<]*)', dom)
    assert numbers is not None and f"RF {row.rf[0]}×{row.rf[1]} px, jump {row.jump[0]}×{row.jump[1]}" in numbers[1]


def test_units_that_see_the_whole_input(tmp_path_factory: pytest.TempPathFactory) -> None:
    # ResNet-50's last map: RF 427, jump 32, padding 213 at 224 px (README); unit k covers
    # [32k − 213, 32k + 214), which holds [0, 224) when 32k ≤ 213 and 32k + 214 ≥ 224: k = 1..6.
    dom = dump(page("resnet50", str(tmp_path_factory.mktemp("rf"))), "rf=layer4.2.relu:3@0,0")
    assert "units 1–6 × 1–6 see the whole input" in dom
    dom = dump(page("resnet50", str(tmp_path_factory.mktemp("rf"))), "rf=layer1.0.conv1@0,0")
    assert "no unit sees the whole input" in dom
