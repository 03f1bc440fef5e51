"""The model version: one place, imported by the package, the results' manifest, the report and the CLI."""

__version__ = "0.2.0.dev0"
