"""Password hashes: Argon2id through argon2-cffi, at the OWASP parameters.

OWASP's Password Storage Cheat Sheet (2025) lists equivalent Argon2id settings and names
m=19 MiB, t=2, p=1 as its minimum; this app uses exactly that row, raised to 32-byte tags and
16-byte salts (argon2-cffi's defaults). Why not more: every sign-in and every command-line call
verifies once, on a clinic's ordinary laptop; tests/benchmarks/bench_sign_in.py measured one
verify at 0.27 s best of 7 on a shared 2-core machine running about eight other jobs (an idle
core does it several times faster). The parameters live in the stored hash
(``$argon2id$v=19$m=19456,t=2,p=1$...``), so raising them later is safe: the next sign-in of each
user re-hashes with the new ones (``needs_rehash``).
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MEMORY_KIB = 19_456  # 19 MiB
TIME_COST = 2
PARALLELISM = 1

#: the hasher new hashes are made with (tests swap it to simulate a parameter change)
HASHER = PasswordHasher(
    time_cost=TIME_COST,
    memory_cost=MEMORY_KIB,
    parallelism=PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)

#: verified against when the user name is unknown, so that a wrong name takes as long as a wrong
#: password (nobody learns which user names exist from the time an answer takes)
_DUMMY = HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash (None: an account without a password,
    which nobody can sign in to; the time is spent all the same)."""
    try:
        return HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters than :data:`HASHER`'s."""
    return HASHER.check_needs_rehash(stored)
