"""The terminal: width, colour and pager decisions, column fitting, and the commands' output through them."""

from __future__ import annotations

import io
import re
import stat
import sys
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from resnet_inspect import terminal
from resnet_inspect.terminal import Terminal, detect, fit_columns, paint, use_color, visible_len, wrap


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_width_is_100_when_piped_and_columns_wins() -> None:
    assert detect(io.StringIO(), env={}).width == 100
    assert detect(io.StringIO(), env={"COLUMNS": "132"}).width == 132
    assert detect(io.StringIO(), env={"COLUMNS": "junk"}).width == 100
    assert detect(io.StringIO(), wide=True, env={}).width is None


@pytest.mark.parametrize(("mode", "tty", "env", "expected"), [
    ("auto", True, {}, True),
    ("auto", False, {}, False),                 # piped: no escape codes in a file
    ("auto", True, {"NO_COLOR": "1"}, False),   # https://no-color.org
    ("auto", True, {"NO_COLOR": ""}, True),     # empty means unset
    ("auto", True, {"TERM": "dumb"}, False),
    ("always", False, {"NO_COLOR": "1"}, True),  # an explicit flag wins over the environment
    ("never", True, {}, False),
])
def test_colour_policy(mode: str, tty: bool, env: dict[str, str], expected: bool) -> None:
    stream = FakeTTY() if tty else io.StringIO()
    assert use_color(mode, stream, env) is expected


def test_pager_only_on_a_terminal() -> None:
    assert detect(io.StringIO(), env={}).pager is False
    assert detect(FakeTTY(), pager=False, env={}).pager is False
    assert detect(FakeTTY(), env={}).pager is True


def test_paint_and_visible_length() -> None:
    assert paint("layer2.0.conv2", {"stride2"}, on=False) == "layer2.0.conv2"
    coloured = paint("Totals", {"total", "stride2"}, on=True)
    assert coloured == "\x1b[1;33mTotals\x1b[0m" and visible_len(coloured) == len("Totals")


def test_wrap_keeps_words_and_newlines() -> None:
    assert wrap("[1×1, 64; 3×3, 64; 1×1, 256] × 3", 13) == ["[1×1, 64;", "3×3, 64;", "1×1, 256] × 3"]
    assert wrap("3×3 max pool, stride 2", 13) == ["3×3 max pool,", "stride 2"]
    assert wrap("a\nbb cc", 5) == ["a", "bb cc"]
    assert wrap("unbreakable-word", 4) == ["unbreakable-word"]


def test_fit_shrinks_the_widest_wrappable_column_first() -> None:
    # natural 10 + 30 + 20 + two gaps of 2 = 64 > 50: the widest wrappable column loses one at a time,
    # 30 → 20 (10 steps), then the two 20s take turns down to 18 and 18 (4 steps): 10 + 18 + 18 + 4 = 50.
    f = fit_columns([10, 30, 20], [10, 5, 5], drop_order=[], budget=50)
    assert f.widths == (10, 18, 18) and f.dropped == ()
    assert sum(f.widths) + 4 == 50


def test_fit_drops_columns_when_wrapping_is_not_enough() -> None:
    # numbers do not wrap (minimum = natural): 20 + 20 + 20 + 4 = 64 > 50 → drop the first in drop_order
    f = fit_columns([20, 20, 20], [20, 20, 20], drop_order=[2, 1], budget=50)
    assert f.dropped == (2,) and f.widths == (20, 20, 0)
    assert fit_columns([20, 20, 20], [20, 20, 20], [2], budget=None).widths == (20, 20, 20)


def _pager_script(tmp_path: Path) -> tuple[str, Path]:
    out = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\ncat > {out}\necho \"$LESS\" > {out}.less\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script), out


def test_long_output_goes_through_the_pager(tmp_path: Path) -> None:
    cmd, out = _pager_script(tmp_path)
    term = Terminal(width=80, color=True, pager=True, height=10)
    text = "".join(f"line {i}\n" for i in range(30))
    assert terminal.page(text, term, env={"PAGER": cmd}) is True
    assert out.read_text() == text
    assert Path(f"{out}.less").read_text().strip() == "FRX"  # git's default: quit if one screen, keep colours


def test_short_output_and_no_pager_print_directly(tmp_path: Path) -> None:
    cmd, out = _pager_script(tmp_path)
    assert terminal.page("one\ntwo\n", Terminal(pager=True, height=10), env={"PAGER": cmd}) is False
    assert terminal.page("x\n" * 50, Terminal(pager=False, height=10), env={"PAGER": cmd}) is False
    assert terminal.page("x\n" * 50, Terminal(pager=True, height=10), env={"PAGER": "cat"}) is False
    assert not out.exists()


def test_a_missing_pager_falls_back_to_printing() -> None:
    term = Terminal(pager=True, height=5)
    # the caller prints the text itself when the pager cannot start, so nothing is lost
    assert terminal.page("x\n" * 50, term, env={"PAGER": str(Path(sys.prefix) / "no-such-pager")}) is False
    assert terminal.page("x\n" * 50, term, env={"PAGER": "less 'unclosed"}) is False


# --------------------------------------------------------------------------- the commands


Cli = Callable[..., tuple[int, str, str]]


def _widest(text: str) -> int:
    return max(visible_len(line) for line in text.splitlines())


@pytest.mark.parametrize("args", [
    ("table", "resnet101"),
    ("table", "preact-resnet164", "--depth", "3"),
    ("compare", "--layout", "paper", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152"),
    ("list",),
    ("explain", "resnet50", "layer3.0.add"),
    ("depth", "resnet50", "resnet101"),
])
def test_piped_output_fits_100_columns(cli: Cli, args: tuple[str, ...]) -> None:
    code, out, _ = cli(*args)
    assert code == 0 and _widest(out) <= 100


def test_narrow_table_says_what_it_left_out_and_wide_restores_it(cli: Cli) -> None:
    _, narrow, _ = cli("table", "resnet101")
    _, wide, _ = cli("table", "resnet101", "--wide")
    assert "Left out to fit 100 columns: Type (--wide shows every column)." in narrow
    assert narrow.splitlines()[2].split() == ["Layer", "Kernel/stride", "Output", "(C×H×W)", "Params", "MACs",
                                              "RF", "(px)", "Jump"]
    assert "Type" in wide.splitlines()[2] and "Left out" not in wide and _widest(wide) > 100
    # the same numbers either way: every row of the narrow table is in the wide one, Type taken out
    assert "  layer3.22.conv2" in narrow and "  layer3.22.conv2" in wide


def test_columns_asked_for_are_never_left_out(cli: Cli) -> None:
    code, out, _ = cli("table", "resnet101", "--columns", "name,type,kernel,input,output,params,macs,rf,jump")
    assert code == 0 and "Left out" not in out and "Type" in out.splitlines()[2]


def test_colour_marks_stride_2_shortcut_and_totals(cli: Cli) -> None:
    _, plain, _ = cli("table", "resnet50")
    _, coloured, _ = cli("table", "resnet50", "--color", "always")
    assert "\x1b[" not in plain  # piped: no escape codes
    lines = {re.sub(r"\x1b\[[0-9;]*m", "", x).split()[0]: x for x in coloured.splitlines() if x.strip()}
    assert lines["layer2.0.conv2"].startswith("\x1b[33m")         # the 3×3 with stride 2 (v1.5)
    assert lines["layer2.0.downsample.0"].startswith("\x1b[33;36m")  # stride 2 and on the shortcut
    assert lines["layer1.0.downsample.1"].startswith("\x1b[36m")   # on the shortcut
    assert lines["(network)"].startswith("\x1b[1m") and lines["total"].startswith("\x1b[1m")
    assert lines["layer1.0.conv1"] == re.sub(r"\x1b\[[0-9;]*m", "", lines["layer1.0.conv1"])


def test_a_long_table_on_a_terminal_goes_through_the_pager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from resnet_inspect.cli import main

    cmd, paged = _pager_script(tmp_path)
    monkeypatch.setenv("PAGER", cmd)
    monkeypatch.setenv("LINES", "30")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("NO_COLOR", raising=False)
    screen = FakeTTY()
    with redirect_stdout(screen):
        assert main(["table", "resnet50"]) == 0
    assert screen.getvalue() == ""  # all of it went to the pager
    text = paged.read_text()
    assert "\x1b[33m" in text and "layer4.2.relu:3" in text  # coloured: a terminal, read with less -R
    assert _widest(text) <= 120
    with redirect_stdout(screen):
        assert main(["table", "resnet50", "--no-pager", "--color", "never"]) == 0
    assert "layer4.2.relu:3" in screen.getvalue() and "\x1b[" not in screen.getvalue()
