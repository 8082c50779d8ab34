"""Alembic revision scripts; ``bot.store.migrate`` applies them in order."""
