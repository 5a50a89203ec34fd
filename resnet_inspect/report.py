"""``resnet-inspect report``: one self-contained HTML page (and an A4 PDF) per model, and the family index.

One analysis per model (plus one pass per other MAC policy, for the conventions section) feeds every view
of its report; the pages are built in memory and the whole folder is written at once
(:func:`resnet_inspect.io.write_tree_atomic`), so a failed run leaves the previous report as it was.
Nothing in the pages depends on the clock: the same models give the same bytes.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InspectError

if TYPE_CHECKING:
    from .analysis.result import Inspection
    from .loaders import Loaded
    from .specs import Spec
    from .views.report import ModelAnalysis

HEADLINE = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "wide_resnet50_2",
            "cifar-resnet56")
FORMATS = ("html", "pdf", "both")
OTHER_POLICIES = ("torchinfo", "fvcore", "all")

Step = Callable[[str], None]


def page_name(model: str) -> str:
    """A file stem for a model: registry names as they are, custom specs made safe (``basic-2-stem-cifar``)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", model).strip("-.")
    return stem or "model"


def analyse(model: str | Loaded, input_size: Any = None) -> ModelAnalysis:
    """The :class:`~resnet_inspect.views.report.ModelAnalysis` of any MODEL (a name, a custom spec, or one
    loaded by :mod:`resnet_inspect.loaders`), through the one road to an analysis: one pass, plus one per
    other MAC policy (for the conventions section)."""
    from .loaders import Loaded, analyse
    from .registry import get_spec

    item = model if isinstance(model, Loaded) else Loaded(model, get_spec(model))
    result = analyse(item, input_size=input_size)
    others = tuple((p, analyse(item, input_size=input_size, policy=p).totals.macs) for p in OTHER_POLICIES)
    return analysis_of(result, item.spec, others)


def analysis_of(result: Inspection, spec: Spec | None = None,
                other_macs: tuple[tuple[str, int], ...] = ()) -> ModelAnalysis:
    """A :class:`~resnet_inspect.views.report.ModelAnalysis` of an inspection (of a spec, or of any module:
    then without the backbone check and with only the result's own MAC policy unless ``other_macs``)."""
    from .analysis.compare import summarize
    from .analysis.depth import account, full_network
    from .views.report import ModelAnalysis

    return ModelAnalysis(result=result, depth=account(result, full_network(spec) if spec is not None else None),
                         summary=summarize(result, spec), macs_by_policy=((result.policy, result.totals.macs),
                                                                          *other_macs), spec=spec)


@dataclass(frozen=True)
class Plan:
    """What a run writes: the models, the formats, the folder."""

    models: tuple[str, ...]
    formats: tuple[str, ...]
    target: Path
    input_size: Any = None
    modules: dict[str, Loaded] = field(default_factory=dict)  # MODEL text -> a module built by its own code


def plan(models: Sequence[str], fmt: str = "both", output: str | Path = "reports", input_size: Any = None,
         kwargs: dict[str, Any] | str | None = None) -> Plan:
    """Check everything before any work: the models exist (a factory MODEL is built, with ``kwargs``), the
    format is known, PDF can be written, the folder can be created and written."""
    from .loaders import load_all

    if fmt not in FORMATS:
        raise InspectError(f"unknown --format {fmt!r}; choose from: {', '.join(FORMATS)}")
    names = tuple(dict.fromkeys(models or HEADLINE))
    loaded = load_all(names, kwargs)
    pages = [page_name(m.label) for m in loaded]
    clash = [m.label for m, p in zip(loaded, pages, strict=True) if pages.count(p) > 1 and m.spec is None]
    if clash:
        twice = clash[0]
        raise InspectError(f"two models would write the same page ({page_name(twice)}.html, for {twice}); "
                           "report them in separate runs with different -o folders")
    formats = ("html", "pdf") if fmt == "both" else (fmt,)
    if "pdf" in formats:
        from .backends.pdf import check

        check()
    return Plan(names, formats, check_folder(output), input_size, {m.text: m for m in loaded if m.spec is None})


def check_folder(output: str | Path) -> Path:
    """The output folder, or an error with a fix when it is a file or cannot be created or written."""
    import os

    target = Path(output)
    if target.exists() and not target.is_dir():
        raise InspectError(f"-o {str(output)!r} is a file; give a folder, e.g. -o reports/")
    existing = target
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise InspectError(f"cannot create folder {str(output)!r}: {existing} is a file; choose another -o folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InspectError(f"cannot write in {str(existing)!r} (no permission); choose another -o folder, "
                           "e.g. -o ~/reports")
    return target


def model_files(model: str | Loaded, formats: Sequence[str], input_size: Any = None, version: str = "",
                step: Step | None = None) -> tuple[ModelAnalysis, dict[str, bytes]]:
    """One model's analysis and its files, in memory: its pages (``MODEL.html``, ``MODEL.pdf``), each linking
    back to the index of its format, and its numbers (``MODEL.json``, what ``table MODEL --format json``
    writes)."""
    import json

    from .backends.html import render as html_page
    from .views.report import linked_to_index, model_report
    from .views.table import record

    say = step or (lambda _what: None)
    name = model if isinstance(model, str) else model.label
    say(f"{name}: analysis")
    a = analyse(model, input_size)
    doc = model_report(a, version)
    files = {}
    for fmt in formats:
        say(f"{name}: {fmt.upper()}")
        files[f"{page_name(a.model)}.{fmt}"] = _render(linked_to_index(doc, f"index.{fmt}"), fmt, html_page)
    files[f"{page_name(a.model)}.json"] = (json.dumps(record(a.result), indent=2) + "\n").encode("utf-8")
    return a, files


def _model_job(name: str, formats: tuple[str, ...], input_size: Any,
               version: str) -> tuple[ModelAnalysis, dict[str, bytes]]:
    return model_files(name, formats, input_size, version)


def build(p: Plan, step: Step | None = None, version: str = "", jobs: int = 1) -> dict[str, bytes]:
    """Every file of the report, in memory: ``MODEL.html`` / ``MODEL.pdf`` per model, and ``index.*``.

    With ``jobs`` > 1 the models are built in that many worker processes (each model's pages depend
    only on that model); the files come out in the same order, with the same bytes.
    """
    from .backends.html import render as html_page
    from .views.report import family_index

    say = step or (lambda _what: None)
    results: dict[str, tuple[ModelAnalysis, dict[str, bytes]]] = {}
    for text, module in p.modules.items():  # built by the user's code in this process: analysed here
        results[text] = model_files(module, p.formats, p.input_size, version, say)
    named = [n for n in p.models if n not in p.modules]
    if jobs > 1 and len(named) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from multiprocessing import resource_tracker

        from .io import signals_held

        with signals_held():  # the tracker keeps SIGHUP blocked: a hang-up ends this run, not its book-keeping
            resource_tracker.ensure_running()
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads or open figures
        pool = ProcessPoolExecutor(min(jobs, len(named)), mp_context=context, initializer=_worker_start)
        try:
            say(f"{len(named)} models in {min(jobs, len(named))} processes")
            with signals_held():  # workers start with Ctrl-C and hang-ups blocked: the main process stops them
                futures = {pool.submit(_model_job, n, p.formats, p.input_size, version): n for n in named}
            for done in as_completed(futures):
                results[futures[done]] = done.result()
                say(f"{futures[done]}: {' + '.join(f.upper() for f in p.formats)} done")
        except BaseException:
            _stop_workers(pool)  # Ctrl-C or an error: the workers' unfinished models are not waited for
            raise
        pool.shutdown()
    else:
        for name in named:
            results[name] = model_files(name, p.formats, p.input_size, version, say)
    files: dict[str, bytes] = {}
    for name in p.models:
        files.update(results[name][1])
    analyses = [results[n][0] for n in p.models]
    written = {a.model: sorted(results[n][1]) for n, a in zip(p.models, analyses, strict=True)}
    decks = find_decks(p.target)
    for fmt in p.formats:
        say(f"index: {fmt.upper()}")
        pages = {a.model: f"{page_name(a.model)}.{fmt}" for a in analyses}
        index = family_index(analyses, pages, version, written, decks, [f"index.{f}" for f in p.formats])
        files[f"index.{fmt}"] = _render(index, fmt, html_page)
    return files


DECK_FORMATS = ("html", "pdf", "pptx")


def find_decks(target: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The teaching decks beside the report (``slides-LANG.html|pdf|pptx`` in the folder or in its ``slides/``
    folder, as ``make report`` writes them), as (language, relative paths); English first."""
    found: dict[str, list[str]] = {}
    for where in (target / "slides", target):
        if not where.is_dir():
            continue
        for path in sorted(where.glob("slides-*.*")):
            lang, ext = path.stem.removeprefix("slides-"), path.suffix.removeprefix(".")
            if ext in DECK_FORMATS and path.is_file() and not any(x.endswith(f"slides-{lang}.{ext}")
                                                                  for x in found.get(lang, ())):
                found.setdefault(lang, []).append(path.relative_to(target).as_posix())
    return tuple((lang, tuple(found[lang])) for lang in sorted(found, key=lambda x: (x != "en", x)))


def _worker_start() -> None:
    """A worker leaves Ctrl-C, SIGTERM and SIGHUP to the main process, which kills it (it starts with
    them blocked, inherited from the main process while it was started)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool: Any) -> None:
    """Kill the pool's worker processes and return without waiting for their models."""
    from .io import cleaning_up

    with cleaning_up():
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)  # quick now: the manager sees its workers gone


def _render(doc: Any, fmt: str, html_page: Callable[..., str]) -> bytes:
    if fmt == "html":
        return html_page(doc).encode("utf-8")
    from .backends.pdf import from_html

    return from_html(html_page(doc, paged=True))


@contextmanager
def progress(total: int, enabled: bool | None = None) -> Iterator[Step]:
    """A progress bar on stderr naming the model and artefact in progress, only when stderr is a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda _what: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("report", total=total)
        started = False

        def step(what: str) -> None:
            nonlocal started
            if started:
                bar.advance(task)
            started = True
            bar.update(task, description=what)

        yield step
        bar.update(task, completed=total)


def default_jobs(models: Sequence[str]) -> int:
    """Worker processes: one per core, at most one per model."""
    import os

    return max(1, min(os.cpu_count() or 1, len(models)))


def write(p: Plan, version: str = "", show_progress: bool | None = None, jobs: int | None = None) -> dict[str, bytes]:
    """Build every file, then write the folder at once; returns what was written."""
    from .io import write_tree_atomic

    jobs = default_jobs(p.models) if jobs is None else jobs
    per_model = 1 if jobs > 1 and len(p.models) > 1 else 1 + len(p.formats)
    steps = len(p.models) * per_model + len(p.formats) + (1 if per_model == 1 else 0)
    with progress(steps, show_progress) as step:
        files = build(p, step, version, jobs)
    write_tree_atomic(p.target, files)  # an OS error becomes one line with its cause and a fix
    return files
