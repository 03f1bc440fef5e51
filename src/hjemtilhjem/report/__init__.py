"""Reports: figures (matplotlib), HTML and Markdown, nb/en labels."""

from .markdown import write_run_report

__all__ = ["write_run_report"]
