"""`resnet-inspect report`: self-contained pages, exact totals, the PDF's content, escaping, atomic writes."""

from __future__ import annotations

import dataclasses
import io
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from resnet_inspect import report
from resnet_inspect.document import fmt

Cli = Callable[..., tuple[int, str, str]]

# FACTS §1 (torchvision weights metadata, 224×224): resnet18 num_params and exact conv + fc MACs.
R18_PARAMS, R18_MACS = 11_689_512, 1_814_073_344
SECTIONS = ("Summary", "Architecture", "Depth", "Diagrams", "Plots", "Receptive field", "Conventions", "All layers",
            "Sources")
NETWORK_ADDRESS = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//|url\(\s*["']?\s*"""
                             r"""(?:[a-z][a-z0-9+.-]*:)?//|@import)""", re.I)


@cache
def files(*models: str, fmt_name: str = "html") -> dict[str, bytes]:
    """The report files of a run, built in memory (once per set of models)."""
    p = report.plan(list(models), fmt_name, "unused-folder")
    return report.build(p, version="X")


def test_html_is_self_contained_and_exact() -> None:
    out = files("resnet18")
    assert sorted(out) == ["index.html", "resnet18.html", "resnet18.json"]
    page = out["resnet18.html"].decode("utf-8")
    assert not NETWORK_ADDRESS.search(page), NETWORK_ADDRESS.search(page)
    assert re.findall(r'\bsrc="([a-z]+):', page) == ["data"] * page.count(' src="')  # figures are data: URIs
    assert f"{fmt.grouped(R18_PARAMS)} (11.7 M)" in page and f"{fmt.grouped(R18_MACS)} (1.81 G)" in page
    assert f"{fmt.grouped(2 * R18_MACS)} (3.63 G)" in page  # FLOPs = 2 × MACs
    assert "depth = 1 + 2·(2+2+2+2) + 1 = 18" in page  # He et al. 2015, Table 1
    for title in SECTIONS:
        assert f">{title}</h2>" in page, title
    assert page.count("<details") == 6  # stem, layer1-4, head: collapsible
    assert page.count("<figure") == 6  # block kinds, network, three plots, receptive field
    assert "<script>" in page and page.count("<script") == 1  # the sort script, inline


def test_conventions_are_computed_per_policy() -> None:
    page = files("resnet18")["resnet18.html"].decode("utf-8")
    conventions = page[page.index('id="conventions"'):page.index('id="layers"')]
    from resnet_inspect.analysis import inspect

    for policy in ("conv-fc", "torchinfo", "fvcore", "all"):  # each checked against its tool in test_analysis
        macs = inspect("resnet18", policy=policy).totals.macs
        assert f">{fmt.grouped(macs)}<" in conventions and f">{fmt.grouped(2 * macs)}<" in conventions, policy
    assert "FlopCounterMode" in conventions and f">{fmt.grouped(2 * R18_MACS)}<" in conventions


def test_index_links_every_page() -> None:
    out = files("resnet18", "cifar-resnet20")
    index = out["index.html"].decode("utf-8")
    assert '<a href="resnet18.html">resnet18</a>' in index and '<a href="cifar-resnet20.html">' in index
    assert not NETWORK_ADDRESS.search(index)
    assert "3×32×32" in index and "3×224×224" in index
    assert "each at its default input" in index or index.count("<figure") == 1


def test_pdf_has_the_sections_and_numbers() -> None:
    pypdf = pytest.importorskip("pypdf")
    out = files("resnet18", fmt_name="both")
    assert sorted(out) == ["index.html", "index.pdf", "resnet18.html", "resnet18.json", "resnet18.pdf"]
    pdf = pypdf.PdfReader(io.BytesIO(out["resnet18.pdf"]))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) >= 4 and pdf.metadata.title == "resnet18"
    for title in SECTIONS:
        assert title in text, title
    assert fmt.grouped(R18_PARAMS) in text and fmt.grouped(R18_MACS) in text
    assert f"1 / {len(pdf.pages)}" in text  # page numbers
    assert "layer4.1.conv2" in text  # the full layer table, every row
    index = pypdf.PdfReader(io.BytesIO(out["index.pdf"]))
    links = [a.get_object()["/A"]["/URI"] for page in index.pages for a in page.get("/Annots") or []]
    assert links[0] == "resnet18.pdf" and set(links) == {"resnet18.pdf", "resnet18.html", "resnet18.json",
                                                         "index.html", "index.pdf"}  # relative: the folder can move
    # the same models give the same bytes
    again = report.build(report.plan(["resnet18"], "both", "unused-folder"), version="X")
    assert again == out


def test_a_module_named_script_shows_as_text() -> None:
    import torch
    from torch import nn

    from resnet_inspect.analysis import inspect
    from resnet_inspect.backends.html import render
    from resnet_inspect.views.report import model_report

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.add_module("<script>", nn.Conv2d(3, 8, 3, padding=1))
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(8, 10)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc(torch.flatten(self.pool(getattr(self, "<script>")(x)), 1))

    result = dataclasses.replace(inspect(Net(), input_size=(1, 3, 32, 32)), model="<script>alert(1)</script>")
    page = render(model_report(report.analysis_of(result)))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert ">&lt;script&gt;</td>" in page  # the module's row
    assert page.count("<script") == 1


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(folder.iterdir())}


def test_a_failed_run_leaves_the_previous_report(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "reports"
    code, out, err = cli("report", "cifar-resnet20", "resnet18", "-f", "html", "-j", "1", "-o", str(target))
    assert (code, out) == (0, "") and err.count("\n") == 1 and "wrote 5 files" in err  # no progress bar: no tty
    (target / "notes.txt").write_text("mine")
    (target / "resnet18.html").chmod(0o600)
    before = _snapshot(target)

    from resnet_inspect.backends import html

    calls = {"n": 0}
    real = html.figure_context

    def fail_midway(f: object) -> object:
        calls["n"] += 1
        if calls["n"] == 9:  # the second model's third figure
            raise RuntimeError("renderer broke")
        return real(f)  # type: ignore[arg-type]

    monkeypatch.setattr(html, "figure_context", fail_midway)
    code, _, err = cli("report", "cifar-resnet20", "resnet18", "-f", "html", "-j", "1", "-o", str(target))
    assert code == 1 and "renderer broke" in err and calls["n"] == 9
    assert _snapshot(target) == before  # bytes and modes, and the file that is not ours
    assert sorted(os.listdir(tmp_path)) == ["reports"]  # no staging folder left beside it


def test_two_runs_give_the_same_bytes(cli: Cli, tmp_path: Path) -> None:
    for name in ("a", "b"):
        code, _, _ = cli("report", "cifar-resnet20", "-f", "html", "-o", str(tmp_path / name))
        assert code == 0
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")


@pytest.mark.parametrize(("args", "message"), [
    (("report", "resnet5O", "-f", "html"), "did you mean resnet50"),
    (("report", "resnet18", "-f", "docx"), "invalid choice"),
    (("report", "resnet18", "-j", "0", "-f", "html"), "--jobs 0"),
])
def test_bad_input_is_one_line(cli: Cli, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = cli(*args, "-o", str(tmp_path / "r"))
    assert (code, out) == (2, "") and err.count("\n") == 1 and message in err
    assert not (tmp_path / "r").exists()


def test_unwritable_folder(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    code, _, err = cli("report", "resnet18", "-f", "html", "-o", str(tmp_path / "file"))
    assert code == 2 and err.count("\n") == 1 and "is a file" in err
    code, _, err = cli("report", "resnet18", "-f", "html", "-o", str(tmp_path / "file" / "sub"))
    assert code == 2 and err.count("\n") == 1 and "choose another -o folder" in err
    if Path("/proc/self").is_dir():  # a folder the file system refuses whatever the permission bits say
        code, _, err = cli("report", "resnet18", "-f", "html", "-o", "/proc/resnet-inspect-report")
        assert code == 2 and err.count("\n") == 1 and "/proc/resnet-inspect-report" in err
    if os.geteuid() != 0:  # root may write anywhere
        (tmp_path / "ro").mkdir(mode=0o500)
        code, _, err = cli("report", "resnet18", "-f", "html", "-o", str(tmp_path / "ro" / "r"))
        assert code == 2 and "no permission" in err


def test_no_pdf_engine(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as when the package is missing
    code, out, err = cli("report", "resnet18", "-o", str(tmp_path / "r"))
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "WeasyPrint" in err and "--format html" in err and not (tmp_path / "r").exists()
