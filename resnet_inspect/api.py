"""The Python API's result: an analysis with its presentation (what ``resnet_inspect.inspect`` returns).

The numeric result (:class:`resnet_inspect.analysis.result.Inspection`) knows no text; this subclass adds the
views a user of the Python API expects of it — ``print(result)`` (the layer table as terminal text), the
notebook's ``_repr_html_``, the ``conventions`` sentences and the JSON record that carries them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from .analysis.result import Inspection as Numbers


@dataclass(frozen=True)
class Inspection(Numbers):
    """Everything resnet-inspect knows about one network at one input size, printable and exportable."""

    @classmethod
    def of(cls, result: Numbers) -> Inspection:
        """The presented form of a numeric result (the same fields; nothing is recomputed)."""
        if isinstance(result, cls):
            return result
        return cls(**{f.name: getattr(result, f.name) for f in fields(Numbers)})

    @property
    def conventions(self) -> dict[str, str]:
        """What each number counts, one sentence per quantity (written from ``policy``)."""
        from .views.texts import conventions

        return conventions(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``model``, ``input_shape``, ``dtype``, ``conventions``, ``totals``, ``stages``,
        ``layers``."""
        from .views.texts import record

        return record(self)

    def _repr_html_(self) -> str:
        from .backends.html import fragment
        from .views.table import document

        return fragment(document(self, max_depth=2))

    def __str__(self) -> str:
        from .backends import render
        from .views.table import document

        return render(document(self), "text")

