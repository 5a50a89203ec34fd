"""Shared fixtures: golden files (regenerate with ``pytest --update-golden``) and CLI runs."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
FAILED = Path(__file__).parent / "_failed"
VOLATILE = [(re.compile(r"resnet-inspect \d+\.\d+\.\d+\S*"), "resnet-inspect X.Y.Z"),
            (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?"), "YYYY-MM-DD HH:MM")]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the code")


def scrub(text: str) -> str:
    for pattern, repl in VOLATILE:
        text = pattern.sub(repl, text)
    return text


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """``golden(name, text)``: compare with tests/golden/NAME; a mismatch is saved to tests/_failed/."""
    update = request.config.getoption("--update-golden") or os.environ.get("UPDATE_GOLDEN") == "1"

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        text = scrub(text)
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing: run pytest --update-golden, review it, commit it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            FAILED.mkdir(exist_ok=True)
            (FAILED / name.replace("/", "_")).write_text(text, encoding="utf-8")
            pytest.fail(f"{name} differs from the golden file; got tests/_failed/{name.replace('/', '_')} "
                        "(run pytest --update-golden if the change is intended)")

    return check


@pytest.fixture
def cli() -> Callable[..., tuple[int, str, str]]:
    """Run ``resnet-inspect ARGS...`` in-process: (exit code, stdout, stderr)."""
    from resnet_inspect.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        saved = {k: os.environ.pop(k) for k in ("COLUMNS", "NO_COLOR") if k in os.environ}  # width 100, as piped
        try:
            with redirect_stdout(out), redirect_stderr(err):
                try:
                    code = main(list(args))
                except SystemExit as e:
                    code = int(e.code or 0)
        finally:
            os.environ.update(saved)
        return code, out.getvalue(), err.getvalue()

    return run
