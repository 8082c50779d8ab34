"""Alembic migrations of the store, bundled so an installed wheel can migrate itself."""
