"""The README's sample output is the tool's output, and the installed command runs as a process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _sample(command: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"$ {command}\n") + len(command) + 3
    return text[start:text.index("\n...\n", start)] + "\n"


def test_readme_table_sample_is_current(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = cli("table", "resnet50", "--depth", "1")
    assert code == 0 and out.startswith(_sample("resnet-inspect table resnet50 --depth 1"))


def test_readme_depth_sample_is_current(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = cli("depth", "resnet101")
    assert code == 0 and out.startswith(_sample("resnet-inspect depth resnet101"))


def test_module_entry_point_runs_as_a_process() -> None:
    done = subprocess.run([sys.executable, "-m", "resnet_inspect", "table", "resnet5O"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == ("resnet-inspect: error: unknown model 'resnet5O': did you mean resnet50 or "
                                   "resnet50-v1 or resnet50-c4? `resnet-inspect list` shows every variant; a custom "
                                   "net is written like 'bottleneck:3-4-6-3,groups=32'")


def test_readme_python_example_runs() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("```python\n") + len("```python\n")
    scope: dict[str, object] = {}
    exec(compile(text[start:text.index("```", start)], "README.md", "exec"), scope)
    result = scope["result"]
    assert result.totals.macs == 39_377_817_600 and result.totals.rf == (427, 427)  # type: ignore[attr-defined]
    assert result.row("layer3").output_shape == (1, 1024, 38, 50)  # type: ignore[attr-defined]
