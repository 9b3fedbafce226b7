"""The writers of the fault campaign (tests/campaign/test_fault_campaign.py):
``python kill_worker.py DB``.

This process imports the app once, prints ``ready``, then for each ``go TAG`` line on stdin
forks a writer, which prints ``child <pid>`` once its database is open; the campaign kills it
with SIGKILL at a random moment. A writer opens the database itself (nothing is shared across
the fork), enrols patients (with surgery), each followed by a session, through the services,
as fast as it can, and prints ``ack patient <id>`` / ``ack session <id>`` only after the
service call returned:
an acknowledged commit, which must be in the database after the kill. Forking from an imported
parent makes a writer start in milliseconds instead of the second a fresh interpreter takes.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys

from rehab_tracker.data.database import open_database
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.roles import Principal, Role
from rehab_tracker.domain.sessions import SessionEntry
from rehab_tracker.services.container import Services

TODAY = dt.date(2026, 11, 23)
SURGERY = SurgeryDetails(surgery_date=dt.date(2026, 10, 1), levels=("L4-L5",), side="left")


def say(line: str) -> None:
    """One line in one write(): the writers share the pipe, and a line written in pieces
    could interleave with another writer's."""
    os.write(1, f"{line}\n".encode())


def write_until_killed(url: str, tag: str) -> None:
    try:
        services = Services(open_database(url), Principal(f"writer-{tag}", Role.ADMINISTRATOR))
    except Exception as exc:  # e.g. busy while another writer holds the lock: say so, not hang
        say(f"unopened {tag} {type(exc).__name__}")
        raise
    say(f"child {os.getpid()}")  # open: the kill clock starts now
    n = 0
    while True:
        n += 1
        details = PatientDetails(
            given_name="Kim",
            family_name=f"Writer {tag} {n}",
            date_of_birth=dt.date(1975, 1, 2),
            sex="female",
            notes="written by the kill campaign\n" * 20,
        )
        patient = services.patients.enrol(details, SURGERY, today=TODAY)
        say(f"ack patient {patient}")
        entry = SessionEntry(
            session_date=TODAY, notes=f"visit {n}", red_flags={f.code: False for f in RED_FLAGS}
        )
        session = services.sessions.save(patient, None, entry, today=TODAY)
        say(f"ack session {session}")


def main(url: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed writers are reaped at once
    say("ready")
    for line in sys.stdin:
        tag = line.split()[1]
        if os.fork() == 0:
            try:
                write_until_killed(url, tag)
            finally:
                os._exit(1)  # only a kill may end a writer; anything else is a failure


if __name__ == "__main__":
    main(sys.argv[1])
