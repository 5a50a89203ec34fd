"""`resnet-inspect table`: formats, columns, depth, output files, errors, golden renderings."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from resnet_inspect.analysis import inspect

Cli = Callable[..., tuple[int, str, str]]


def test_golden_text_resnet18_blocks(cli: Cli, golden: Callable[[str, str], None]) -> None:
    code, out, _ = cli("table", "resnet18", "--depth", "2")
    assert code == 0
    golden("table_resnet18_depth2.txt", out)


def test_golden_markdown_resnet50_stages(cli: Cli, golden: Callable[[str, str], None]) -> None:
    code, out, _ = cli("table", "resnet50", "--depth", "1", "--format", "markdown")
    assert code == 0
    golden("table_resnet50_depth1.md", out)


def test_json_output_is_the_contract(cli: Cli) -> None:
    code, out, _ = cli("table", "resnet101", "--format", "json", "--depth", "1")
    assert code == 0
    d = json.loads(out)
    assert d["model"] == "resnet101" and d["input_shape"] == [1, 3, 224, 224]
    assert d["totals"]["params"] == 44_549_160 and d["totals"]["macs"] == 7_801_405_440  # torchvision metadata
    assert d["totals"]["flops"] == 2 * d["totals"]["macs"] and d["totals"]["depth"] == 101
    names = [layer["name"] for layer in d["layers"]]
    assert "layer3" in names and "layer3.22" in names  # stage and block rows at every --depth
    assert "layer3.22.conv2" not in names
    assert {"macs", "policy", "depth"} <= set(d["conventions"])


def test_csv_rows_sum_to_totals(cli: Cli) -> None:
    code, out, _ = cli("table", "resnet34", "--format", "csv", "--columns", "name,type,params,macs,output")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    r = inspect("resnet34")
    leaves = {row.name for row in r.rows if row.is_leaf}
    assert sum(int(x["params"]) for x in rows if x["name"] in leaves) == r.totals.params
    assert sum(int(x["macs"]) for x in rows if x["name"] in leaves) == 3_663_761_408  # torchvision _ops
    assert rows[1]["output"] == "1x64x112x112"


@pytest.mark.parametrize(("fmt", "marker"), [("latex", "\\begin{tabular}"), ("html", "<table"),
                                             ("markdown", "|---")])
def test_other_formats(cli: Cli, fmt: str, marker: str) -> None:
    code, out, _ = cli("table", "cifar-resnet20", "--format", fmt)
    assert code == 0 and marker in out and "layer3.2.conv2" in out


def test_columns_and_exact(cli: Cli) -> None:
    code, out, _ = cli("table", "resnet50", "--depth", "0", "--columns", "macs,flops,memory", "--exact")
    assert code == 0
    header = out.splitlines()[2]
    assert header.split() == ["Layer", "MACs", "FLOPs", "Act.", "memory"]
    assert "4,089,184,256" in out and "8,178,368,512" in out


def test_input_sizes_and_batches(cli: Cli) -> None:
    code, out, _ = cli("table", "resnet50", "--input", "8x3x600x800", "--depth", "1", "--format", "json")
    d = json.loads(out)
    assert code == 0 and d["input_shape"] == [8, 3, 600, 800]
    layer3 = next(x for x in d["layers"] if x["name"] == "layer3")
    assert layer3["output_shape"] == [8, 1024, 38, 50]


def test_output_file_is_written_atomically(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    code, out, err = cli("table", "resnet18", "--format", "json", "-o", str(target))
    assert code == 0 and out == "" and str(target) in err
    assert json.loads(target.read_text())["totals"]["params"] == 11_689_512
    assert os.listdir(tmp_path) == ["r.json"]


@pytest.mark.parametrize(("args", "message"), [
    (("table", "resnet5O"), "did you mean resnet50"),
    (("table", "resnet50", "--input", "224x"), "not a size"),
    (("table", "resnet50", "--input", "0"), "positive"),
    (("table", "resnet50", "--input", "-224"), "positive"),
    (("table", "resnet50", "--input", "1x224x224"), "expects 3"),
    (("table", "vgg19", "--input", "8"), "smallest input that works is 32×32"),
    (("table", "resnet50", "--columns", "name,speed"), "unknown column speed"),
    (("table", "resnet50", "-o", "/nonexistent-dir/x.txt"), "does not exist"),
    (("table", "resnet50", "--count", "bogus"), "invalid choice"),
    (("table", "resnet50", "--num-classes", "0"), "--num-classes"),
])
def test_bad_input_one_line_exit_2(cli: Cli, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = cli(*args)
    assert code == 2, err
    assert out == "" and err.count("\n") == 1 and message in err and "Traceback" not in err


def test_unwritable_output_leaves_nothing(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, _, err = cli("table", "resnet18", "-o", str(folder / "x.txt"))
        if os.geteuid() == 0:  # root writes anyway: then the file must be whole
            assert code == 0 and (folder / "x.txt").read_text().startswith("resnet18")
        else:
            assert code == 2 and "permission" in err and not list(folder.iterdir())
    finally:
        folder.chmod(0o700)


def test_debug_shows_traceback() -> None:
    from resnet_inspect.cli import main
    from resnet_inspect.errors import InspectError

    with pytest.raises(InspectError):
        main(["table", "resnet5O", "--debug"])


def test_policy_all_counts_more(cli: Cli) -> None:
    base, full = inspect("resnet50"), inspect("resnet50", policy="all")
    assert full.totals.macs > base.totals.macs
    bn = sum(r.macs or 0 for r in full.rows if r.is_leaf and r.type == "BatchNorm2d")
    assert bn == sum(r.activation_bytes // 4 for r in full.rows if r.is_leaf and r.type == "BatchNorm2d")
