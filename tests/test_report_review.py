"""Reports that serve a review: model pages link back to the index; the index links every page, PDF, JSON and
the decks beside it, sorts by column and shows two models stage by stage; every conv, linear and pool row of
a page opens its arithmetic (what ``resnet-inspect explain`` prints).  The numbers are checked against the
analysis and the CLI; the page's script is run in headless Chromium."""

from __future__ import annotations

import atexit
import html
import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from resnet_inspect import report
from resnet_inspect.document import fmt

Cli = Callable[..., tuple[int, str, str]]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
DECKS = ("slides/slides-en.html", "slides/slides-en.pdf", "slides/slides-zh.pptx")
HREF = re.compile(r'<a href="([^"#][^"]*)"')  # links to files, not to anchors of the page


@cache
def folder(models: tuple[str, ...], fmt_name: str, decks: bool) -> Path:
    """A report folder written by a run (once per arguments); with ``decks``, deck files sat there before."""
    root = tempfile.mkdtemp(prefix="review-")
    atexit.register(shutil.rmtree, root, True)  # removed when the test run ends
    out = Path(root) / "reports"
    if decks:
        for rel in DECKS:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(b"a deck")
        (out / "slides" / "notes.txt").write_text("not a deck")
    report.write(report.plan(list(models), fmt_name, out), version="X", show_progress=False, jobs=1)
    return out


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def pdf_links(path: Path) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    pdf = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return [a.get_object()["/A"]["/URI"] for page in pdf.pages for a in page.get("/Annots") or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]


def cells(row_html: str) -> list[str]:
    """The text of each cell of an HTML table row."""
    return [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def table_rows(page: str, table: str) -> list[list[str]]:
    """The body rows of the table ``data-table="TABLE"`` (or class ``role-TABLE``), as cell texts."""
    m = re.search(rf'<table [^>]*(?:data-table="{table}"|role-{table}\b)[^>]*>(.*?)</table>', page, re.S)
    assert m is not None, f"no table {table}"
    body = m.group(1).split("</thead>", 1)[-1]
    return [cells(r) for r in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, re.S)]


# --------------------------------------------------------------------------- links


def test_model_pages_link_back_to_the_index() -> None:
    out = folder(("resnet18", "cifar-resnet20"), "both", True)
    for model in ("resnet18", "cifar-resnet20"):
        page = text(out / f"{model}.html")
        assert '<nav class="up"><a href="index.html">← all models</a></nav>' in page
        assert page.index('class="up"') < page.index("<h1>")  # at the top
        links = pdf_links(out / f"{model}.pdf")
        assert "index.pdf" in links, links  # the PDF page goes back to the PDF index, relatively
        assert all(":" not in x and (out / x).is_file() for x in links), links


def test_the_index_links_every_file_and_the_decks() -> None:
    out = folder(("resnet18", "cifar-resnet20"), "both", True)
    index = text(out / "index.html")
    links = set(HREF.findall(index))
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert links <= written, links - written  # every link opens a file of the folder
    # every page, PDF and JSON of the run, and the decks found beside it (not the other files there)
    assert written - links == {"slides/notes.txt"}, written - links
    assert all(rel in written for rel in DECKS)  # the report kept the decks in place
    pdf = pdf_links(out / "index.pdf")
    assert all(":" not in x and x in written for x in pdf), pdf
    assert {"resnet18.pdf", "cifar-resnet20.pdf", "resnet18.json", "slides/slides-en.pdf"} <= set(pdf)
    assert ">English<" in index and ">Chinese (中文)<" in index


@pytest.mark.parametrize("model", ["resnet18", "cifar-resnet20"])
def test_the_json_beside_the_page_is_the_table_export(cli: Cli, model: str) -> None:
    out = folder(("resnet18", "cifar-resnet20"), "both", True)
    code, stdout, err = cli("table", model, "--format", "json")
    assert code == 0, err
    assert (out / f"{model}.json").read_bytes() == stdout.encode("utf-8")


def test_without_decks_or_pdf_the_index_says_so() -> None:
    files = report.build(report.plan(["resnet18"], "html", "unused-folder"), version="X")
    assert sorted(files) == ["index.html", "resnet18.html", "resnet18.json"]
    index = files["index.html"].decode("utf-8")
    assert set(HREF.findall(index)) == {"resnet18.html", "resnet18.json", "index.html"}
    assert "No teaching deck in this folder: resnet-inspect slides -o DIR/slides writes one" in index
    assert table_rows(index, "files") == [["resnet18", "resnet18.html", "—", "resnet18.json"],
                                          ["this index", "index.html", "—", "—"]]


# --------------------------------------------------------------------------- two models, stage by stage


def expected_diff(a: str, b: str) -> list[list[str]]:
    """The stage table of two models from their analyses: output, params and MACs of each, and b − a."""
    from resnet_inspect.analysis import inspect

    ra, rb = inspect(a), inspect(b)
    sa, sb = {s.name: s for s in ra.stages}, {s.name: s for s in rb.stages}
    names = [s.name for s in ra.stages] + [s.name for s in rb.stages if s.name not in sa]
    names.sort(key=lambda n: ["stem", "layer1", "layer2", "layer3", "layer4", "head"].index(n))

    def num(x: int | None) -> str:
        return "—" if x is None else fmt.grouped(x)

    def diff(x: int | None, y: int | None) -> str:
        return "—" if x is None or y is None else ("+" if y > x else "") + fmt.grouped(y - x)

    rows = []
    for n in names:
        x, y = sa.get(n), sb.get(n)
        px, py = (x.params if x else None), (y.params if y else None)
        mx, my = (x.macs if x else None), (y.macs if y else None)
        rows.append([n, fmt.shape(x.output_shape) if x else "—", fmt.shape(y.output_shape) if y else "—",
                     num(px), num(py), diff(px, py), num(mx), num(my), diff(mx, my)])
    ta, tb = ra.totals, rb.totals
    rows.append(["network", "", "", num(ta.params), num(tb.params), diff(ta.params, tb.params), num(ta.macs),
                 num(tb.macs), diff(ta.macs, tb.macs)])
    return rows


MODELS = ("resnet18", "resnet50", "cifar-resnet56")


def test_the_index_compares_the_first_two_models_without_script() -> None:
    index = text(folder(MODELS, "html", False) / "index.html")
    assert table_rows(index, "stage-diff") == expected_diff("resnet18", "resnet50")
    # 1 + 2·(2+2+2+2) + 1 = 18 layers, 11,689,512 params (FACTS §1); resnet50 adds 13,867,520 of them
    assert expected_diff("resnet18", "resnet50")[-1][3:6] == ["11,689,512", "25,557,032", "+13,867,520"]


# --------------------------------------------------------------------------- in a browser


def run_page(page: Path, script: str = "") -> str:
    """The DOM of ``page`` after its own script, and then ``script``, ran in headless Chromium."""
    copy = page.with_name(f"_run-{page.name}")
    copy.write_text(text(page).replace("</body>", f"<script>{script}</script>\n</body>"), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", copy.as_uri()],
            capture_output=True, text=True, timeout=120, check=True)
    copy.unlink()
    return done.stdout


def choose(a: int, b: int) -> str:
    return (f'var s = document.querySelector(".sd-a"); s.value = "{a}"; s.dispatchEvent(new Event("change"));'
            f's = document.querySelector(".sd-b"); s.value = "{b}"; s.dispatchEvent(new Event("change"));')


@needs_chromium
def test_the_index_compares_any_two_models_in_a_browser() -> None:
    page = folder(MODELS, "html", False) / "index.html"
    assert table_rows(run_page(page), "stage-diff") == expected_diff("resnet18", "resnet50")  # as without script
    dom = run_page(page, choose(2, 1))
    assert table_rows(dom, "stage-diff") == expected_diff("cifar-resnet56", "resnet50")  # no layer4: —
    assert "cifar-resnet56 → resnet50, stage by stage" in dom
    assert "<th scope=\"col\">cifar-resnet56 output</th>" in dom


@needs_chromium
def test_the_index_sorts_by_column_in_a_browser() -> None:
    from resnet_inspect.analysis import inspect

    page = folder(MODELS, "html", False) / "index.html"
    by_params = sorted(MODELS, key=lambda m: inspect(m).totals.params)
    click = ('var th = Array.prototype.filter.call(document.querySelectorAll("table[data-table=family] th"), '
             'function (h) { return h.textContent === "Params"; })[0]; th.click();')
    assert [r[0] for r in table_rows(run_page(page, click), "family")] == by_params
    assert [r[0] for r in table_rows(run_page(page, click + "th.click();"), "family")] == by_params[::-1]


# --------------------------------------------------------------------------- each row's arithmetic


def explained(model: str) -> list[str]:
    from resnet_inspect.analysis import inspect

    return [r.name for r in inspect(model).rows if r.is_leaf and r.kind in ("conv", "linear", "pool")]


def test_every_conv_linear_and_pool_row_carries_its_arithmetic() -> None:
    page = text(folder(("resnet18", "cifar-resnet20"), "both", True) / "resnet18.html")
    rows = re.findall(r'<template data-row="([^"]*)">', page)
    assert rows == explained("resnet18") and len(rows) == 20 + 1 + 2  # 17 + 3 projection convs, fc, two pools
    pypdf = pytest.importorskip("pypdf")
    pdf = pypdf.PdfReader(io.BytesIO((folder(("resnet18", "cifar-resnet20"), "both", True) / "resnet18.pdf")
                                     .read_bytes()))
    assert not any("C_in/g" in p.extract_text() for p in pdf.pages)  # on screen only


def test_the_arithmetic_adds_less_than_two_fifths_to_a_page() -> None:
    import dataclasses

    from resnet_inspect.backends.html import render
    from resnet_inspect.document import RowDetails, Section
    from resnet_inspect.views.report import model_report

    doc = model_report(report.analyse("resnet152"))

    def without(blocks: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(dataclasses.replace(b, blocks=without(b.blocks)) if isinstance(b, Section) else b
                     for b in blocks if not isinstance(b, RowDetails))

    full, bare = render(doc), render(dataclasses.replace(doc, blocks=without(doc.blocks)))  # type: ignore[arg-type]
    assert full.count("<template data-row=") == len(explained("resnet152")) == 155 + 1 + 2
    assert len(full) < 1.4 * len(bare), (len(full), len(bare))


@needs_chromium
@pytest.mark.parametrize("layer", ["layer3.0.conv1", "layer3.0.downsample.0", "maxpool", "fc"])
def test_a_row_opens_what_explain_prints(cli: Cli, layer: str) -> None:
    page = folder(("resnet18", "cifar-resnet20"), "both", True) / "resnet18.html"
    dom = run_page(page, f'document.querySelector(\'tr[data-name="{layer}"] button.x-open\').click();')
    opened = re.findall(r'<tr class="x-row"[^>]*>(.*?)</tr>', dom, re.S)
    assert len(opened) == 1
    shown = html.unescape(re.sub(r"<[^>]+>", " ", opened[0]))
    shown = re.sub(r"\s+", " ", shown)
    code, printed, err = cli("explain", "resnet18", layer)
    assert code == 0, err
    lines = [re.sub(r"\s+", " ", x.strip()) for x in printed.splitlines()[2:]  # the title line is the row's own
             if x.strip() and not set(x.strip()) <= {"─"}]
    missing = [x for x in lines if x not in shown]
    assert not missing, missing
    assert 'aria-expanded="true"' in dom


def test_the_index_pdf_keeps_every_column_on_the_page() -> None:  # the stage table on a landscape page
    pymupdf = pytest.importorskip("pymupdf")
    doc = pymupdf.open(folder(("resnet18", "cifar-resnet20"), "both", True) / "index.pdf")
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE  # no TEXT_MEDIABOX_CLIP: text past the edge is kept
    spans = [(n, s["text"], s["bbox"], page.rect) for n, page in enumerate(doc, start=1)
             for b in page.get_text("dict", flags=flags)["blocks"] for line in b.get("lines", [])
             for s in line["spans"] if s["text"].strip()]
    outside = [(n, t) for n, t, box, r in spans if box[0] < r[0] - .5 or box[2] > r[2] + .5]
    assert not outside, outside[:5]
    assert any(t.strip() == "Δ MACs" for _, t, _, _ in spans)  # the last column of the stage table


def test_the_page_bytes_do_not_depend_on_the_hash_seed() -> None:
    import os
    import sys

    pages = []
    for seed in ("1", "2"):
        code = ("import sys\nfrom resnet_inspect import report\n"
                "sys.stdout.buffer.write(report.build(report.plan(['cifar-resnet20'], 'html', 'x'))"
                "['cifar-resnet20.html'])\n")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, timeout=300,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        pages.append(done.stdout)
    assert pages[0] == pages[1] and b"<template data-x=" in pages[0]
