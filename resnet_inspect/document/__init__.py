"""The format-neutral document: what views build from results and every backend renders.

Views (``resnet_inspect.views``) turn analysis results into a :class:`Document`; backends
(``resnet_inspect.backends``) render any document as terminal text, markdown, LaTeX, HTML, PDF or slides.
Nothing here knows a network or a file format: small frozen records, no torch, no I/O.

Table cells are typed (:class:`Cell`): a view stores the number, its kind and its unit, and the backend
chooses how to show it (grouped digits, SI prefixes, binary bytes) through one formatter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

CellKind = Literal["count", "int", "float", "ratio", "shape", "pair", "bytes", "text"]
"""``count``: an integer shown scaled (``4.09 G``) unless exact; ``int``: always all digits;
``float``/``ratio``: a real number (``ratio`` reads as ``16.9×``); ``shape``: C×H×W; ``pair``: an (h, w)
pair shown once when equal; ``bytes``: binary units; ``text``: shown as is."""

Value: TypeAlias = int | float | str | tuple[int, ...] | None
NUMERIC_KINDS = frozenset({"count", "int", "float", "ratio", "bytes", "pair"})


@dataclass(frozen=True)
class Cell:
    """One table cell: a value and how to read it; ``None`` is n/a, with ``reason`` saying why."""

    value: Value
    kind: CellKind = "text"
    unit: str = ""
    reason: str = ""
    text: str | None = None  # the display text when a view needs a specific one (it wins over formatting)
    digits: int = 3  # significant digits of a scaled count
    link: str = ""  # a relative link (another page of the same report), shown as a hyperlink where possible

    @property
    def missing(self) -> bool:
        """True when the value is unknown (shown as ``n/a``), as opposed to an empty text cell."""
        return self.value is None and self.text is None and self.kind != "text"


@dataclass(frozen=True)
class Column:
    """A column: its key (as in csv/json), its header, the kind of its cells and their unit."""

    key: str
    title: str
    kind: CellKind = "text"
    unit: str = ""
    drop: int = 0  # on a narrow terminal, columns with a higher ``drop`` are left out first (0: always shown)

    @property
    def numeric(self) -> bool:
        """Numbers are right-aligned."""
        return self.kind in NUMERIC_KINDS


@dataclass(frozen=True)
class TableRow:
    """A row: its cells, nesting level (indent), emphasis, tags a backend may style and a group key."""

    cells: tuple[Cell, ...]
    level: int = 0
    strong: bool = False
    tags: frozenset[str] = frozenset()  # e.g. "stride2", "shortcut", "total", "published"
    group: str = ""  # rows sharing a group (a stage, a block) can be collapsed together


@dataclass(frozen=True)
class Table:
    """A table with typed cells; ``role`` names what it is (``"layers"`` may be collapsible and sortable)."""

    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    caption: str = ""
    notes: tuple[str, ...] = ()
    id: str = ""
    role: str = ""


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is a document's main sections."""

    text: str
    level: int = 1
    id: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (backends escape it for their format)."""

    text: str


@dataclass(frozen=True)
class BulletList:
    """A list of short plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Formula:
    """A formula with its numbers put in: plain Unicode text and, optionally, LaTeX for math backends."""

    text: str
    latex: str = ""
    label: str = ""


@dataclass(frozen=True)
class Note:
    """A remark under a table or figure: ``note``, ``convention`` (what is counted) or ``warning``."""

    text: str
    kind: Literal["note", "convention", "warning"] = "note"


@dataclass(frozen=True)
class Figure:
    """A diagram or plot, drawn on demand: ``draw(fmt)`` returns the bytes of ``svg``, ``png`` or ``pdf``."""

    id: str
    caption: str
    alt: str
    draw: Callable[[str], bytes] = field(compare=False, repr=False)
    kind: Literal["diagram", "plot"] = "diagram"


@dataclass(frozen=True)
class Source:
    """A work cited: a paper, a library's published metadata, a tool."""

    key: str
    text: str
    url: str = ""


@dataclass(frozen=True)
class RFLayer:
    """One layer of an :class:`RFView`: its output map (h, w) and, per axis (h, w), its receptive field, jump
    and effective padding, all in input pixels, as the analysis computed them."""

    name: str
    out_hw: tuple[int, int]
    rf: tuple[int, int]
    jump: tuple[int, int]
    padding: tuple[int, int]


@dataclass(frozen=True)
class RFView:
    """An interactive receptive-field view over an input of ``input_hw`` (h, w): pick a layer and a unit,
    see the input pixels it depends on.  Backends that cannot interact leave it out."""

    input_hw: tuple[int, int]
    layers: tuple[RFLayer, ...]
    caption: str = ""
    id: str = "rf-view"


@dataclass(frozen=True)
class StageNumbers:
    """One stage of one model in a :class:`StageDiff`: its output shape, parameters and MACs."""

    stage: str
    output_shape: tuple[int, ...]
    params: int
    macs: int


@dataclass(frozen=True)
class ModelStages:
    """One model of a :class:`StageDiff`: its stages in order and its totals (from its analysis)."""

    model: str
    stages: tuple[StageNumbers, ...]
    params: int
    macs: int


@dataclass(frozen=True)
class StageDiff:
    """Two models' stage-by-stage difference, any two of ``models`` chosen by the reader where a backend
    can interact; ``table`` is the comparison of the first two, for every backend; ``order`` lists every
    stage name of the models in network order."""

    models: tuple[ModelStages, ...]
    table: Table
    order: tuple[str, ...]
    caption: str = ""
    id: str = "stage-diff"


@dataclass(frozen=True)
class RowDetails:
    """What a reader can open under rows of a table (a layer's arithmetic): ``items`` maps a row's name to
    a document of its own.  Backends that cannot interact leave it out."""

    table_role: str
    items: tuple[tuple[str, Document], ...]
    label: str = "?"
    title: str = ""


Block: TypeAlias = ("Heading | Paragraph | BulletList | Formula | Note | Table | Figure | RFView | StageDiff | "
                    "RowDetails | Section | Slide")


@dataclass(frozen=True)
class Section:
    """A titled group of blocks (a report's section; collapsible in HTML when ``collapsible``)."""

    title: str
    blocks: tuple[Block, ...]
    id: str = ""
    level: int = 1
    collapsible: bool = False


@dataclass(frozen=True)
class Slide:
    """One slide of a deck: a title, a few blocks, and speaker notes."""

    title: str
    blocks: tuple[Block, ...]
    notes: tuple[str, ...] = ()
    id: str = ""


@dataclass(frozen=True)
class Document:
    """A whole output: a title, blocks in order, the works it cites and plain metadata (model, input…)."""

    title: str
    blocks: tuple[Block, ...]
    subtitle: str = ""
    sources: tuple[Source, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    lang: str = "en"
    nav: tuple[tuple[str, str], ...] = ()  # (text, relative link): where a reader goes from here (the index)


__all__ = [
    "NUMERIC_KINDS", "Block", "BulletList", "Cell", "CellKind", "Column", "Document", "Figure", "Formula",
    "Heading", "ModelStages", "Note", "Paragraph", "RFLayer", "RFView", "RowDetails", "Section", "Slide", "Source",
    "StageDiff", "StageNumbers", "Table", "TableRow", "Value",
]
