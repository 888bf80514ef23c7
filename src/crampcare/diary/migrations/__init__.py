"""Alembic migrations for the diary schema, shipped in the package and run from code (see ``database.upgrade``)."""
