"""Data-layer test fixtures: ``any_db`` (SQLite, then PostgreSQL) lives in tests/conftest.py."""
