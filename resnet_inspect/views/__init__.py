"""Views: pure functions from analysis results to a format-neutral document."""
