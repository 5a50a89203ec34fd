"""Backends: render a format-neutral document as text, HTML, PDF or slides."""
