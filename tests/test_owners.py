"""A user's factory, forward, file or arguments failing on their own is reported as theirs (exit 2, one
line), never as an internal error; nothing runs that the user did not ask to run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from torch import nn

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

NET = """
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self, fail=""):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fail = fail

    def forward(self, x):
        if self.fail == "value":
            raise ValueError("bad forward")
        if self.fail == "exit":
            raise SystemExit(0)
        if self.fail == "recurse":
            return self.forward(x)
        return self.conv(x)

def build(fail=""):
    return Net(fail)

def loud():
    print("hello from the factory")
    return Net()

def threaded():
    import threading, time
    threading.Thread(target=time.sleep, args=(600,)).start()
    return Net()

def exits():
    raise SystemExit(0)

def raises():
    raise ValueError("no such width")
"""


@pytest.fixture
def net(tmp_path: Path) -> Path:
    path = tmp_path / "mynet.py"
    path.write_text(NET)
    return path


def one_line_error(code: int, err: str, *phrases: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and "internal error" not in err, err
    for phrase in phrases:
        assert phrase in err, err


@pytest.mark.parametrize(("fail", "phrase"), [("value", "ValueError: bad forward"),
                                              ("exit", "sys.exit(0)"), ("recurse", "recursed")])
def test_a_forward_that_fails_is_the_models_error(net: Path, cli: Cli, fail: str, phrase: str) -> None:
    code, out, err = cli("table", f"{net}:build", "--kwargs", f"fail={fail}", "--input", "16")
    one_line_error(code, err, f"model {net}:build", phrase, "the model's own error")
    assert out == ""


@pytest.mark.parametrize(("factory", "phrase"), [("exits", "sys.exit(0)"), ("raises", "ValueError: no such width")])
def test_a_factory_that_fails_is_the_models_error(net: Path, cli: Cli, factory: str, phrase: str) -> None:
    code, _, err = cli("depth", f"{net}:{factory}")
    one_line_error(code, err, f"model {net}:{factory} raised", phrase)


def test_verify_never_agrees_with_a_model_it_did_not_check(net: Path, cli: Cli) -> None:
    code, _, err = cli("verify", f"{net}:build", "--kwargs", "fail=exit", "--input", "16")
    one_line_error(code, err, "sys.exit(0)")


def test_verify_refuses_an_input_too_large_for_memory(cli: Cli) -> None:
    code, _, err = cli("verify", "resnet18", "--input", "60000")
    one_line_error(code, err, "a real forward pass needs about", "bytes", "smaller --input")


def test_a_factory_that_prints_keeps_json_parseable(net: Path, cli: Cli) -> None:
    done = subprocess.run([sys.executable, "-m", "resnet_inspect", "table", f"{net}:loud", "--input", "16",
                           "--format", "json"], env=ENV, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["params"] == 3 * 4 * 9 + 4  # 3·4·3·3 weights + 4 biases
    assert "hello from the factory" in done.stderr


def test_a_thread_left_by_the_factory_does_not_hold_the_command(net: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "resnet_inspect", "table", f"{net}:threaded", "--input", "16"],
                          env=ENV, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "Conv2d" in done.stdout, done.stderr


def test_the_current_folder_does_not_shadow_the_standard_library(tmp_path: Path) -> None:
    (tmp_path / "colorsys.py").write_text("print('SHADOWED')\nraise SystemExit(3)\n")
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    (tmp_path / "mypkg" / "models.py").write_text("import colorsys\n" + NET)
    done = subprocess.run([sys.executable, "-m", "resnet_inspect", "table", "mypkg.models:build", "--input", "16"],
                          cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "SHADOWED" not in done.stdout + done.stderr, done.stderr


def test_torchscript_code_is_not_run_when_read(tmp_path: Path, cli: Cli) -> None:
    class Loud(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv(x)

        @torch.jit.export
        def __getstate__(self) -> int:
            return 1

        @torch.jit.export
        def __setstate__(self, state: int) -> None:
            print("CODE RAN WHILE READING")

    path = tmp_path / "loud.pt"
    torch.jit.script(Loud()).save(str(path))
    done = subprocess.run([sys.executable, "-m", "resnet_inspect", "table", str(path)], env=ENV,
                          capture_output=True, text=True, timeout=120, check=False)
    assert "CODE RAN" not in done.stdout + done.stderr
    one_line_error(done.returncode, done.stderr, "TorchScript code of its own")


def test_a_truncated_saved_file_says_reading(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "cut.pt"
    torch.save(nn.Conv2d(3, 4, 3).state_dict(), path)
    path.write_bytes(path.read_bytes()[:300])
    code, _, err = cli("table", str(path))
    one_line_error(code, err, "cannot read")
    assert "cannot write" not in err


def test_a_text_file_as_pt_says_reading(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "notes.pt"
    path.write_text("these are not weights\n")
    code, _, err = cli("table", str(path))
    one_line_error(code, err)
    assert "cannot write" not in err


@pytest.mark.parametrize(("kwargs", "phrase"), [('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "nests"),
                                                ('{"width": ' + "9" * 5000 + "}", "too long"),
                                                ("width=" + "9" * 30, "64 bits")])
def test_hostile_kwargs_are_one_line(net: Path, cli: Cli, kwargs: str, phrase: str) -> None:
    code, _, err = cli("table", f"{net}:build", "--kwargs", kwargs)
    one_line_error(code, err, "--kwargs", phrase)


def test_a_model_error_carries_its_owner_and_cause(net: Path) -> None:
    from resnet_inspect.errors import ModelError
    from resnet_inspect.loaders import analyse

    with pytest.raises(ModelError) as caught:
        analyse(f"{net}:build", kwargs={"fail": "value"}, input_size=16)
    assert caught.value.owner == f"{net}:build" and isinstance(caught.value.cause, ValueError)


def test_the_input_option_is_a_typed_field() -> None:
    from resnet_inspect.errors import InspectError
    from resnet_inspect.loaders import analyse

    with pytest.raises(InspectError) as caught:
        analyse("resnet50", input_size="12q")
    assert caught.value.option == "--input"


def test_every_model_form_takes_the_one_road(net: Path, tmp_path: Path) -> None:
    from resnet_inspect.loaders import analyse
    from resnet_inspect.registry import get_spec

    scripted = tmp_path / "seq.pt"
    torch.jit.script(nn.Sequential(nn.Conv2d(3, 4, 3))).save(str(scripted))
    params = [analyse(m, input_size=16).totals.params
              for m in (f"{net}:build", str(scripted), nn.Sequential(nn.Conv2d(3, 4, 3)))]
    assert params == [3 * 4 * 9 + 4] * 3  # one 3×3 conv, 3 → 4 channels, with bias
    # torchvision's published num_params for resnet18
    assert analyse(get_spec("resnet18")).totals.params == analyse("resnet18").totals.params == 11_689_512
