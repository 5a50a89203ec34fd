"""Hostile input: every bad argument, name, spec, size and output target of every command.

Each case asserts the exit code, exactly one line on stderr that names a fix, no traceback, nothing on
stdout, no temporary or partial file, and an existing ``-o`` target left byte for byte with its mode.
The cases run in-process through ``resnet_inspect.cli.main``; the writer's own faults are in
tests/test_io.py, the Python API's in tests/test_api_errors.py.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., tuple[int, str, str]]

OLD = b"an earlier output\n"  # the existing -o target every case starts with
OLD_MODE = 0o640
# A fix is said after "; ", as an example ("e.g."), as what a value must be, or as a pointer to --help.
FIX = re.compile(r"; \S|e\.g\.|\(see `| must be ")


def assert_one_line_error(code: int, out: str, err: str, expected: str, exit_code: int = 2) -> None:
    """The error policy: the exit code, one line on stderr with a fix, no traceback, nothing on stdout."""
    lines = err.splitlines()
    assert code == exit_code, (code, err)
    assert len(lines) == 1, err
    assert lines[0].startswith("resnet-inspect: "), lines[0]
    assert "Traceback" not in err and "internal error" not in err, err
    assert FIX.search(lines[0]), f"no fix in: {lines[0]}"
    assert expected in lines[0], f"{expected!r} not in: {lines[0]}"
    assert lines[0].isprintable(), lines[0]
    assert out == ""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with an existing output ``old.txt`` (0640), a sub-folder ``sub`` and a plain file ``plain``."""
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "old.txt"
    old.write_bytes(OLD)
    old.chmod(OLD_MODE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "plain").write_text("x")
    return tmp_path


def assert_untouched(workdir: Path) -> None:
    """``old.txt`` byte for byte with its mode; no new file, no temporary file anywhere in the folder."""
    old = workdir / "old.txt"
    assert old.read_bytes() == OLD
    assert stat.S_IMODE(old.stat().st_mode) == OLD_MODE
    assert sorted(p.name for p in workdir.iterdir()) == ["old.txt", "plain", "sub"]
    assert list((workdir / "sub").iterdir()) == []


LONG_NAME = "resnet" + "5" * 100_000
ANSI = "res\x1b[2J\x1b[31mnet\n50"
SPEC_33_STAGES = "basic:" + "-".join(["1"] * 33)

# (argv, a phrase the one line must contain); "-o old.txt" names the existing file that must survive.
CASES: list[tuple[list[str], str]] = [
    # list
    (["list", "--format", "nope"], "invalid choice"),
    (["list", "--bogus"], "unrecognized arguments"),
    (["list", "--family", "nope", "-o", "old.txt"], "unknown family"),
    (["list", "-o", ""], "empty name"),
    (["list", "-o", "newdir/"], "names a folder"),
    (["list", "-o", "sub"], "is a folder"),
    (["list", "-o", "missing/out.txt"], "does not exist"),
    (["list", "-o", "plain/out.txt"], "not a folder"),
    (["list", "-o", "n" * 256], "too long"),
    (["list", "-o", "bad\x00name"], "NUL"),
    # table: names
    (["table", "nosuchmodel", "-o", "old.txt"], "unknown model 'nosuchmodel'"),
    (["table", "resnet5O", "-o", "old.txt"], "did you mean resnet50"),
    (["table", "", "-o", "old.txt"], "is empty"),
    (["table", ANSI, "-o", "old.txt"], r"'res\x1b[2J\x1b[31mnet\n50'"),
    (["table", LONG_NAME, "-o", "old.txt"], "100,006 characters"),
    (["table", "basic:2," + "x" * 3000], "3,008 characters"),
    # table: --input
    (["table", "resnet50", "--input", "0", "-o", "old.txt"], "positive whole number"),
    (["table", "resnet50", "--input", "-5", "-o", "old.txt"], "positive whole number"),
    (["table", "resnet50", "--input", "abc", "-o", "old.txt"], "is not a size"),
    (["table", "resnet50", "--input", "224.5", "-o", "old.txt"], "is not a size"),
    (["table", "resnet50", "--input", "1x2x3x4x5", "-o", "old.txt"], "is not a size"),
    (["table", "resnet50", "--input", "100000", "-o", "old.txt"], "65,536 px per side"),
    (["table", "resnet50", "--input", "224x70000", "-o", "old.txt"], "65,536 px per side"),
    (["table", "resnet50", "--input", "5000x3x224x224", "-o", "old.txt"], "batch of 5,000"),
    (["table", "resnet50", "--input", "1x100000x224x224", "-o", "old.txt"], "100,000 channels"),
    (["table", "resnet50", "--input", "9" * 26, "-o", "old.txt"], "26 digits"),
    (["table", "resnet50", "--input", "\u0662\u0662\u0664", "-o", "old.txt"], "is not a size"),
    (["table", "resnet50", "--input", "1x224x224", "-o", "old.txt"], "expects 3"),
    (["table", "resnet50-c4", "--input", "3", "-o", "old.txt"], "smallest input that works is 5×5"),
    # table: options
    (["table", "resnet50", "--depth", "-1", "-o", "old.txt"], "--depth -1"),
    (["table", "resnet50", "--columns", "bogus", "-o", "old.txt"], "bogus"),
    (["table", "resnet50", "--count", "bogus"], "invalid choice"),
    (["table", "resnet50", "--dtype", "bogus", "-o", "old.txt"], "unknown dtype 'bogus'"),
    (["table", "resnet50", "--num-classes", "0", "-o", "old.txt"], "--num-classes 0"),
    (["table", "resnet50", "--num-classes", "ten"], "invalid int value"),
    (["table", "resnet50", "--num-classes", "100000000", "-o", "old.txt"], "10,000,000"),
    (["table", "resnet50", "--depth", "x"], "invalid int value"),
    # table: custom specs
    (["table", "basic:2,groups=32,groups=1", "-o", "old.txt"], "gives groups twice"),
    (["table", "basic:2-2,layers=3-3", "-o", "old.txt"], "gives layers twice"),
    (["table", "basic:2,block=bottleneck", "-o", "old.txt"], "gives block twice"),
    (["table", "basic:2,width-per-group=64,width_per_group=64", "-o", "old.txt"], "gives width_per_group twice"),
    (["table", "basic:2-2,width=32,widths=32-64", "-o", "old.txt"], "both width and widths"),
    (["table", "bottleneck:2-2,widths=16-32,width_per_group=1", "-o", "old.txt"], "0-channel 3×3 conv"),
    (["table", "bottleneck:2-2,width=8,groups=2,width_per_group=4", "-o", "old.txt"], "width_per_group=4"),
    (["table", "basic:2-2,widths=0-64", "-o", "old.txt"], "widths=0-64"),
    (["table", "basic:2-2,widths=64", "-o", "old.txt"], "give one per stage"),
    (["table", "basic:100000000", "-o", "old.txt"], "100,000,000 blocks"),
    (["table", "basic:4000-4000-4000", "-o", "old.txt"], "12,000 blocks in all"),
    (["table", SPEC_33_STAGES, "-o", "old.txt"], "33 stages"),
    (["table", "bottleneck:1-1-1-1-1-1-1-1-1-1-1-1-1", "-o", "old.txt"], "131,072 channels"),
    (["table", "basic:2,classes=0", "-o", "old.txt"], "classes (num_classes)=0"),
    (["table", "basic:2,classes=99999999999", "-o", "old.txt"], "10,000,000"),
    (["table", "basic:2,classes=" + "9" * 50, "-o", "old.txt"], "50 digits"),
    (["table", "basic:2,stem_width=100000", "-o", "old.txt"], "stem_width=100,000"),
    (["table", "bottleneck:2,groups=100000", "-o", "old.txt"], "groups=100,000"),
    (["table", "bottleneck:2,groups=2,width_per_group=60000", "-o", "old.txt"], "120,000-channel"),
    (["table", "basic:2,input=100000", "-o", "old.txt"], "input (input_size)=100,000"),
    (["table", "basic:2,stages=5", "-o", "old.txt"], "stages (num_stages)=5"),
    (["table", "basic:2,nokey=1", "-o", "old.txt"], "unknown custom-spec field 'nokey'"),
    (["table", "basic:2,groups=x", "-o", "old.txt"], "groups='x' is not a whole number"),
    (["table", "basic:abc", "-o", "old.txt"], "layers='abc' is malformed"),
    (["table", "nope:2", "-o", "old.txt"], "block='nope' is not allowed"),
    (["table", "basic:2,shortcut=C", "-o", "old.txt"], "shortcut='C'"),
    (["table", "basic:2,top=maybe", "-o", "old.txt"], "top='maybe'"),
    (["table", "preact-bottleneck:2,widths=8,width_per_group=4", "-o", "old.txt"], "0-channel 3×3 conv"),
    (["table", "basic:2,groups=32", "-o", "old.txt"], "basic block only supports groups=1"),
    # depth
    (["depth"], "required"),
    (["depth", "nosuch", "-o", "old.txt"], "unknown model 'nosuch'"),
    (["depth", "resnet50", "-o", "sub/"], "names a folder"),
    (["depth", "basic:2,groups=1,groups=1", "-o", "old.txt"], "gives groups twice"),
    # compare
    (["compare", "resnet50", "-o", "old.txt"], "at least two models"),
    (["compare", "resnet50", "nosuch", "-o", "old.txt"], "unknown model 'nosuch'"),
    (["compare", "--blocks", "--channels", "1000000000", "-o", "old.txt"], "65,536"),
    (["compare", "--blocks", "--channels", "0", "-o", "old.txt"], "--channels 0"),
    (["compare", "--blocks", "--channels", "6", "-o", "old.txt"], "multiple of 4"),
    (["compare", "--blocks", "--input", "100000", "-o", "old.txt"], "65,536 px per side"),
    (["compare", "resnet50", "resnet101", "--input", "0x0", "-o", "old.txt"], "positive whole number"),
    (["compare", "--layout", "nope", "resnet50", "resnet101"], "invalid choice"),
    # diagram
    (["diagram", "nokind"], "invalid choice"),
    (["diagram", "block", "-o", "old.txt"], "takes one MODEL"),
    (["diagram", "block", "resnet50", "-o", "x.bmp"], "cannot write a diagram as '.bmp'"),
    (["diagram", "block", "nosuch", "-o", "x.dot"], "unknown model 'nosuch'"),
    (["diagram", "block", "resnet50", "-o", "sub/"], "names a folder"),
    (["diagram", "block", "resnet50", "-o", "missing/x.dot"], "does not exist"),
    (["diagram", "contrast", "--channels", "7", "-o", "x.dot"], "multiple of 4"),
    (["diagram", "network", "resnet50", "--input", "100000", "-o", "x.dot"], "65,536 px per side"),
    (["diagram", "block", "basic:2,groups=2,groups=3", "-o", "x.dot"], "gives groups twice"),
    # plot
    (["plot", "rf", "resnet50"], "add -o FILE"),
    (["plot", "rf", "resnet50", "-o", "old.txt"], ".txt"),
    (["plot", "nokind", "-o", "x.png"], "invalid choice"),
    (["plot", "rf", "-o", "x.png"], "takes one MODEL"),
    (["plot", "rf", "nosuch", "-o", "x.png"], "unknown model 'nosuch'"),
    (["plot", "rf", "resnet50", "--input", "100000", "-o", "x.png"], "65,536 px per side"),
    (["plot", "stages", "resnet50", "-o", "missing/x.png"], "does not exist"),
    (["plot", "stages", "resnet50", "-o", ""], "empty name"),
]


@pytest.mark.parametrize(("argv", "expected"), CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_hostile_cli(argv: list[str], expected: str, cli: Cli, workdir: Path) -> None:
    code, out, err = cli(*argv)
    assert_one_line_error(code, out, err, expected)
    assert_untouched(workdir)


def test_enough_distinct_cases() -> None:
    assert len({tuple(a) for a, _ in CASES}) == len(CASES) >= 80
    assert {a[0] for a, _ in CASES} == {"list", "table", "depth", "compare", "diagram", "plot"}


def test_a_long_name_is_cut(cli: Cli, workdir: Path) -> None:
    code, _, err = cli("table", LONG_NAME)
    assert code == 2 and len(err) < 400, len(err)  # 100 KB typed, a short line printed
    assert "…" in err


def test_ansi_and_newline_are_escaped(cli: Cli, workdir: Path) -> None:
    code, _, err = cli("table", ANSI)
    assert code == 2 and "\x1b" not in err and err.count("\n") == 1


def test_unrecognized_arguments_are_escaped(cli: Cli, workdir: Path) -> None:
    code, _, err = cli("list", "\x1b[31mred\nline")
    assert_one_line_error(code, "", err, r"\x1b[31mred\nline")


def test_spec_with_a_key_twice_names_the_key() -> None:
    from resnet_inspect.errors import InspectError
    from resnet_inspect.specs import parse_custom

    # "groups=32,groups=1" used to keep the last value silently.
    with pytest.raises(InspectError, match="groups twice"):
        parse_custom("bottleneck:3-4-6-3,groups=32,groups=1")


def test_limits_are_in_help(cli: Cli) -> None:
    code, out, _ = cli("table", "--help")
    assert code == 0
    assert "5,000 blocks per stage" in out and "65,536 px per side" in out and "batch of 4,096" in out


def test_every_zoo_network_is_inside_the_limits() -> None:
    # The limits refuse absurd specs, never a real network: every registered variant still validates.
    from resnet_inspect import registry
    from resnet_inspect.specs import validate

    for spec in registry.specs():
        assert validate(spec) is spec


def test_the_block_limit_is_exact() -> None:
    # 10,000 blocks in all is the limit (the symbolic pass takes about 2 s there): 4 × 2,500 passes.
    from resnet_inspect.errors import InspectError
    from resnet_inspect.registry import get_spec

    assert sum(get_spec("basic:2500-2500-2500-2500").layers) == 10_000
    with pytest.raises(InspectError, match="10,001 blocks in all"):
        get_spec("basic:2500-2500-2500-2501")


def test_file_mode_and_names_are_checked_before_work(cli: Cli, workdir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # -o is checked once, centrally, before the command runs: the analysis is never reached.
    from resnet_inspect.analysis import engine

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("the analysis ran before -o was checked")

    monkeypatch.setattr(engine, "inspect", boom)
    code, out, err = cli("table", "resnet50", "-o", "missing/x.txt")
    assert_one_line_error(code, out, err, "does not exist")


def test_internal_fault_is_one_line_exit_1(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from resnet_inspect.commands import list_cmd

    def broken(args: object) -> int:
        raise KeyError("a bug\nsecond line")

    monkeypatch.setattr(list_cmd, "run", broken)
    code, out, err = cli("list")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "internal error: KeyError" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(KeyError):
        cli("--debug", "list")


def test_memory_error_is_one_line_exit_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from resnet_inspect.commands import list_cmd

    def hungry(args: object) -> int:
        raise MemoryError

    monkeypatch.setattr(list_cmd, "run", hungry)
    code, out, err = cli("list")
    assert_one_line_error(code, out, err, "ran out of memory")


def test_an_os_error_escaping_a_command_is_one_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from resnet_inspect.commands import list_cmd

    def stdout_full(args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(list_cmd, "run", stdout_full)
    code, out, err = cli("list")
    assert_one_line_error(code, out, err, "cannot write standard output: no space left")


def test_dash_is_standard_output(cli: Cli, workdir: Path) -> None:
    code, out, err = cli("list", "-o", "-")
    assert code == 0 and out.startswith("resnet-inspect model zoo") and err == ""


def test_readme_states_the_limits_of_the_code() -> None:
    from resnet_inspect import limits

    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8").split())
    for phrase in (f"{limits.MAX_BLOCKS_PER_STAGE:,} blocks per stage", f"{limits.MAX_BLOCKS:,} in all",
                   f"{limits.MAX_STAGES} stages", f"{limits.MAX_CHANNELS:,} channels per convolution",
                   f"{limits.MAX_CLASSES:,} classes", f"{limits.MAX_SIDE:,} px per side",
                   f"batch of {limits.MAX_BATCH:,}"):
        assert phrase in readme and phrase in " ".join(limits.LIMITS_HELP.split()), phrase


def test_table_still_runs_without_torch() -> None:
    import subprocess
    import sys

    code = ("import sys; from resnet_inspect.cli import main; "
            "assert main(['table', 'basic:2,groups=2,groups=3']) == 2; "
            "assert main(['table', 'resnet50', '--input', '100000']) == 2; "
            "assert main(['table', 'resnet18', '-o', '-']) == 0; "
            "assert 'torch' not in sys.modules, 'table imported torch'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
