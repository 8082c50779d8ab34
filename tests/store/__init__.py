"""Tests of bot.store, run against SQLite and PostgreSQL."""
