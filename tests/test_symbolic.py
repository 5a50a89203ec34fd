"""The torch-free pass over a spec equals the traced pass over the built torch module, row for row."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from resnet_inspect import registry
from resnet_inspect.analysis import inspect

ALL = registry.names()


def _without_name(d: dict[str, Any]) -> dict[str, Any]:
    d = dict(d)
    d.pop("model")
    d["layers"] = [dict(layer, type=layer["type"]) for layer in d["layers"]]
    return d


def _sizes(name: str) -> list[Any]:
    spec = registry.get_spec(name)
    return [None, (48, 80)] if spec.input_size[0] <= 32 else [None, (72, 104), "2x3x97x131"]


@pytest.mark.parametrize("name", ALL)
def test_spec_pass_equals_module_pass(name: str) -> None:
    module = registry.build(name)
    for size in _sizes(name):
        for policy in ("conv-fc", "all", "torchinfo", "fvcore"):
            from_spec = inspect(name, input_size=size, policy=policy).to_dict()
            from_module = inspect(module, input_size=size, policy=policy).to_dict()
            assert from_module["model"] in ("ResNet", "VGG")
            assert _without_name(from_spec) == _without_name(from_module), (size, policy)


@pytest.mark.parametrize("text", ["bottleneck:2-3,groups=8,width_per_group=16,stride_on=1x1,stem=cifar",
                                  "basic:1-1-1,shortcut=A,widths=8-16-32,stem=cifar,classes=7",
                                  "preact-basic:2-2,width=16,top=no", "basic:2-2-2-2,shortcut=none,input=96x64"])
def test_custom_specs_agree(text: str) -> None:
    assert _without_name(inspect(text).to_dict()) == _without_name(inspect(registry.build(text)).to_dict())


def test_head_changes_agree() -> None:
    a = inspect("resnet18", num_classes=10, include_top=True).to_dict()
    b = inspect(registry.build("resnet18", num_classes=10)).to_dict()
    assert _without_name(a) == _without_name(b)


def test_table_does_not_import_torch() -> None:
    code = ("import sys, io, contextlib\n"
            "from resnet_inspect.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['table', 'resnet152', '--format', 'json']) == 0\n"
            "print(sorted(m for m in ('torch', 'numpy', 'pandas', 'matplotlib') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
