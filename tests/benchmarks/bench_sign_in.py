"""Sign-in benchmark: one Argon2id verify and one whole ``users.sign_in`` (issue 13).

Run: ``.venv/bin/pytest tests/benchmarks/bench_sign_in.py -q -s -p no:cacheprovider``. Prints
the parameters (from ``services.passwords``), the best and median time of a bare verify and of
a sign-in against an SQLite clinic (read the user, verify, record the sign-in in one audited
unit of work). A sign-in is dominated by the verify; no limit is asserted (the machine's load
decides), only that it stays under a second and a half.
"""

from __future__ import annotations

import statistics
import time

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.domain.roles import Role
from rehab_tracker.services import passwords, users
from rehab_tracker.services.users import UserForm

RUNS = 7
PASSWORD = "a quiet walk by the river"


def _times(call: object) -> list[float]:
    assert callable(call)
    found = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        found.append(time.perf_counter() - start)
    return found


@pytest.mark.benchmark
def test_sign_in_time(db: Database) -> None:
    users.create_first_administrator(
        db, UserForm("owner", "Olive Owner", Role.ADMINISTRATOR, PASSWORD)
    )
    stored = passwords.hash_password(PASSWORD)
    verify = _times(lambda: passwords.verify(stored, PASSWORD))
    sign_in = _times(lambda: users.sign_in(db, "owner", PASSWORD))

    def ms(values: list[float]) -> str:
        return f"{min(values) * 1000:6.1f} ms ({statistics.median(values) * 1000:.1f})"

    print(
        f"\nArgon2id m={passwords.MEMORY_KIB} KiB ({passwords.MEMORY_KIB / 1024:.0f} MiB), "
        f"t={passwords.TIME_COST}, p={passwords.PARALLELISM} (best of {RUNS}; median):\n"
        f"  verify one password:            {ms(verify)}\n"
        f"  sign in (read, verify, record): {ms(sign_in)}"
    )
    assert min(sign_in) < 1.5
