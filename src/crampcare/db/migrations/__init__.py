"""Alembic migrations for the whole schema (diary and accounts), shipped in the package and run from code
(see :func:`crampcare.db.schema.upgrade`)."""
