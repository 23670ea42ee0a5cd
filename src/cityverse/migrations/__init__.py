"""Alembic migrations: one history for core and every module."""
