"""The Python API refuses bad arguments with the library's own error and the command line's message.

``inspect``, ``build``, ``get_spec`` and a ``Spec`` built by hand: every wrong type or value raises
:class:`InspectError` with one line that names the argument, never an ``AttributeError`` or a
``TypeError`` from deep inside, and never a silent wrong result (``include_top="no"`` is a truthy
string that used to keep the head).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch import nn

import resnet_inspect as ri
from resnet_inspect.errors import InspectError
from resnet_inspect.specs import Spec

Cli = Callable[..., tuple[int, str, str]]


def refused(call: Callable[[], object], phrase: str) -> str:
    """Run ``call``; it must raise InspectError with one printable line holding ``phrase``."""
    with pytest.raises(InspectError) as e:
        call()
    message = str(e.value)
    assert "\n" not in message and message.isprintable() and len(message) < 700, message
    assert phrase in message, message
    return message


def spec(**changes: Any) -> Spec:
    fields: dict[str, Any] = {"name": "t", "family": "custom", "block": "basic", "layers": (2, 2),
                              "widths": (64, 128), "paper": "custom"}
    return Spec(**{**fields, **changes})


@pytest.mark.parametrize(("model", "phrase"), [
    (None, "model None is not a variant name"),
    (123, "model 123 is not"),
    (2.5, "model 2.5 is not"),
    ([], "model [] is not"),
    (object, "is not a variant name"),
    (nn.Conv2d, "is a class, not a module; pass an instance, e.g. inspect(Conv2d(...))"),
    (nn.Sequential, "is a class, not a module"),
    ("", "model is empty"),
    ("nosuch", "unknown model 'nosuch'"),
])
def test_inspect_model(model: object, phrase: str) -> None:
    refused(lambda: ri.inspect(model), phrase)


@pytest.mark.parametrize(("kwargs", "phrase"), [
    ({"num_classes": "10"}, "num_classes='10' must be a whole number"),
    ({"num_classes": 2.5}, "num_classes=2.5 must be a whole number"),
    ({"num_classes": True}, "num_classes=True must be a whole number"),
    ({"num_classes": 0}, "num_classes=0 is out of range"),
    ({"num_classes": 10**8}, "10,000,000"),
    ({"include_top": "no"}, "include_top='no' must be True, False or None"),
    ({"include_top": 0}, "include_top=0 must be True"),
    ({"policy": 1}, "unknown MAC policy 1"),
    ({"policy": []}, "unknown MAC policy []"),
    ({"policy": "bogus"}, "use one of: conv-fc"),
    ({"dtype": None}, "unknown dtype None"),
    ({"dtype": {}}, "unknown dtype {}"),
    ({"dtype": "float128"}, "unknown dtype 'float128'"),
    ({"input_size": True}, "input True is not a size"),
    ({"input_size": 224.0}, "input 224.0 is not a size"),
    ({"input_size": (224, "x")}, "is not a size"),
    ({"input_size": ""}, "is not a size"),
    ({"input_size": (0, 224)}, "positive whole number"),
    ({"input_size": (1, 2, 3, 4, 5)}, "is not a size"),
    ({"input_size": 10**20}, "65,536 px per side"),
    ({"input_size": (4097, 3, 224, 224)}, "batch of 4,097"),
])
def test_inspect_arguments(kwargs: dict[str, Any], phrase: str) -> None:
    refused(lambda: ri.inspect("resnet18", **kwargs), phrase)


def test_huge_input_on_a_module_is_refused_before_any_pass() -> None:
    with torch.device("meta"):
        conv = nn.Conv2d(3, 8, 3)
    refused(lambda: ri.inspect(conv, input_size=10**20), "65,536 px per side")
    refused(lambda: ri.inspect(conv, input_size=(1, 100_000, 8, 8)), "100,000 channels")


def test_include_top_no_is_not_a_yes() -> None:
    # The string "no" is truthy: it used to keep the head. Now refused; False drops the head.
    refused(lambda: ri.inspect("resnet18", include_top="no"), "include_top='no'")
    assert ri.inspect("resnet18", include_top=False).totals.params == 11_689_512 - (512 * 1000 + 1000)


def test_a_numpy_integer_is_a_whole_number() -> None:
    # Converted to a plain int at the boundary: an int32 class count once overflowed in the MAC sums.
    np = pytest.importorskip("numpy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ri.inspect("resnet18", input_size=np.int64(160)).input_shape == (1, 3, 160, 160)
        result = ri.inspect("resnet18", num_classes=np.int32(10))
    assert result.totals.params == 11_689_512 - 990 * 513  # fc 512→1000 becomes 512→10: 990 × (512 + 1) fewer
    assert type(result.totals.macs) is int and result.totals.macs == ri.inspect("resnet18", num_classes=10).totals.macs
    refused(lambda: spec(groups=np.int64(1)), "groups=")  # a Spec holds plain ints only


@pytest.mark.parametrize(("call", "phrase"), [
    (lambda: ri.build(123), "build() takes a variant name, a custom spec or a Spec, not 123"),
    (lambda: ri.build(None), "not None"),
    (lambda: ri.build(nn.Conv2d), "not <class"),
    (lambda: ri.build("resnet18", device="bogus"), "device='bogus' is not a torch device"),
    (lambda: ri.build("resnet18", device=123), "device=123 is not a device"),
    (lambda: ri.build("resnet18", device="cuda:99"), "device='cuda:99'"),
    (lambda: ri.build("resnet18", num_classes="10"), "num_classes='10'"),
    (lambda: ri.build("resnet18", include_top="no"), "include_top='no'"),
    (lambda: ri.build("basic:2,groups=1,groups=1"), "gives groups twice"),
    (lambda: ri.get_spec(123), "model 123 is not a string"),
    (lambda: ri.get_spec(None), "model None is not a string"),
    (lambda: ri.get_spec("x" * 100_000), "100,000 characters"),
])
def test_build_and_get_spec(call: Callable[[], object], phrase: str) -> None:
    refused(call, phrase)


def test_cuda_that_is_not_there() -> None:
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    refused(lambda: ri.build("resnet18", device="cuda"), "device='cuda' cannot be used here")


def test_a_100kb_name_is_cut_in_the_message() -> None:
    message = refused(lambda: ri.inspect("resnet" + "5" * 1500), "unknown model")
    assert "…" in message and len(message) < 600


@pytest.mark.parametrize(("changes", "phrase"), [
    ({"layers": [2, 2]}, "layers=[2, 2] must be a tuple of whole numbers"),
    ({"widths": (64, "128")}, "widths=(64, '128') must be a tuple"),
    ({"groups": "32"}, "groups='32' must be a whole number"),
    ({"num_classes": True}, "classes (num_classes)=True must be a whole number"),
    ({"include_top": "no"}, "top (include_top)='no' must be True or False"),
    ({"input_size": 224}, "input (input_size)=224 must be a tuple"),
    ({"input_size": (224,)}, "must be (height, width)"),
    ({"block": None}, "Spec field block=None must be a string"),
])
def test_spec_with_wrong_types_is_refused_when_built(changes: dict[str, Any], phrase: str) -> None:
    refused(lambda: spec(**changes), phrase)


@pytest.mark.parametrize(("changes", "phrase"), [
    ({"widths": (0, 128)}, "widths=0-128: stage 1 has 0 channels"),
    ({"widths": (64,)}, "give one per stage"),
    ({"block": "nope"}, "block='nope' is not allowed"),
    ({"layers": (10**6, 2)}, "1,000,000 blocks"),
    ({"layers": (0, 2)}, "every stage needs at least one block"),
    ({"strides": (1, 100)}, "strides=(1, 100)"),
    ({"num_classes": 0}, "classes (num_classes)=0 is out of range"),
    ({"input_size": (224, 10**6)}, "input (input_size)=1,000,000 is out of range"),
    ({"stem_width": 0}, "stem_width=0"),
    ({"in_channels": 10**6}, "in_channels=1,000,000"),
    ({"maxpool_padding": 5}, "maxpool_padding=5"),
    ({"num_stages": 3}, "stages (num_stages)=3"),
    ({"block": "bottleneck", "widths": (8, 16), "width_per_group": 4}, "0-channel 3×3 conv"),
])
def test_spec_with_wrong_values_is_refused_by_inspect_and_build(changes: dict[str, Any], phrase: str) -> None:
    bad = spec(**changes)
    refused(lambda: ri.inspect(bad), phrase)
    refused(lambda: ri.build(bad), phrase)


def test_spec_replace_is_validated() -> None:
    refused(lambda: ri.get_spec("resnet50").replace(groups=0), "groups=0 is out of range")


@pytest.mark.parametrize(("argv", "kwargs"), [
    (["table", "resnet50", "--input", "100000"], {"input_size": "100000"}),
    (["table", "resnet50", "--dtype", "float128"], {"dtype": "float128"}),
    (["table", "basic:2,groups=32,groups=1"], {}),
    (["table", "nosuch"], {}),
])
def test_api_message_is_the_cli_message(argv: list[str], kwargs: dict[str, Any], cli: Cli) -> None:
    code, _, err = cli(*argv)
    message = refused(lambda: ri.inspect(argv[1], **kwargs), "")
    assert code == 2 and err == f"resnet-inspect: error: {message}\n"
