"""An SQLite file and whether it is one of ours: the application id the app stamps.

Standard library only (the GUI's fast start-up path may use it before SQLAlchemy loads).
"""

from __future__ import annotations

#: ``PRAGMA application_id`` of a Rehab Tracker database: b"RhTk" as a big-endian integer
APPLICATION_ID = int.from_bytes(b"RhTk", "big")
_HEADER = b"SQLite format 3\x00"
#: tables every Rehab Tracker schema has had since revision 0001
OUR_TABLES = frozenset({"patients", "programs", "session_logs", "audit_log"})
