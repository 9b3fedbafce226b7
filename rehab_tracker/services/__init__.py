"""Use cases: one unit of work (one Session) per user action; no Qt."""
