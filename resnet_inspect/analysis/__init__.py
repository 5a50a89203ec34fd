"""The analysis engine: one traced pass over a model, turned into one numeric result."""

from .engine import inspect, parse_input
from .result import Inspection, Row, Stage, Totals

__all__ = ["Inspection", "Row", "Stage", "Totals", "inspect", "parse_input"]
