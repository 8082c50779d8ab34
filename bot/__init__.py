"""newsbrief core: domain types, store, ingest, briefings, commands and the CLI."""

__version__ = "0.1.0"
