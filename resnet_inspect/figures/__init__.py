"""Figures drawn from results: block and network diagrams (Graphviz) and plots (matplotlib)."""
