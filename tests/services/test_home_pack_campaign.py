"""A hypothesis campaign over home packs (issue 14, "Done when"): bit flips, truncations,
insertions, swapped and re-signed parts, reordered rows, replays, a wrong passphrase, another
clinic's key and another patient's pack. Every file is refused, and a refused file writes
nothing (no row, no audit entry, no picture); the genuine pack is then accepted.

Two layers are attacked. Whole files go through ``HomeImportService.import_bytes``: the outer
seal refuses a changed file before age's scrypt step, so hypothesis can try many. The inner
layer (what an attacker who knows the patient's passphrase could put inside a re-encrypted
file) goes through ``import_inner``, the same code a file takes after decryption; the few cases
that need the scrypt step (wrong passphrase, another patient's file) are run as whole files.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rehab_tracker.data import signing_keys
from rehab_tracker.data.database import Database, open_database
from rehab_tracker.services import home_format as fmt
from rehab_tracker.services.home_import import HomeImportService
from rehab_tracker.services.home_pack import HomePackService
from tests.conftest import TODAY
from tests.services.home_pack_support import (
    OTHER,
    PATIENT,
    attach_picture,
    home_database,
    patient_id,
    snapshot,
)
from tests.staff import staff

EXAMPLES = 150
_CAMPAIGN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _parts(data: bytes) -> list[bytes]:
    """A pack file's three lines and its ciphertext (a decrypted inner part: two lines, body)."""
    first, header, signature, rest = data.split(b"\n", 3)
    return [first + b"\n", header + b"\n", signature + b"\n", rest]


def _inner_parts(inner: bytes) -> list[bytes]:
    first, signature, body = inner.split(b"\n", 2)
    return [first + b"\n", signature + b"\n", body]


def _mutations(size: int) -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of(
        st.tuples(st.just("flip"), st.integers(0, size * 8 - 1)),
        st.tuples(st.just("truncate"), st.integers(0, size - 1)),
        st.tuples(st.just("insert"), st.tuples(st.integers(0, size), st.binary(min_size=1))),
        st.tuples(st.just("delete"), st.tuples(st.integers(0, size - 1), st.integers(1, 4096))),
        st.tuples(st.just("overwrite"), st.tuples(st.integers(0, size - 1), st.binary(min_size=1))),
        st.tuples(st.just("append"), st.binary(min_size=1, max_size=64)),
    )


def _mutate(data: bytes, mutation: tuple[str, Any]) -> bytes:
    kind, arg = mutation
    if kind == "flip":
        out = bytearray(data)
        out[arg // 8] ^= 1 << (arg % 8)
        return bytes(out)
    if kind == "truncate":
        return data[:arg]
    if kind == "insert":
        at, extra = arg
        return data[:at] + extra + data[at:]
    if kind == "delete":
        at, length = arg
        return data[:at] + data[at + length :]
    if kind == "overwrite":
        at, extra = arg
        return data[:at] + extra + data[at + len(extra) :]
    return data + arg


def _reseal(data: bytes, key: Any, *, claim: bytes | None = None) -> bytes:
    """The file's ciphertext sealed again by ``key``; with ``claim``, the header still names
    that public key (so the signature cannot match)."""
    ciphertext = _parts(data)[3]
    public = claim or signing_keys.public_bytes(key)
    header = {
        "ciphertext_bytes": len(ciphertext),
        "key_id": signing_keys.key_id(public),
        "public_key": public.hex(),
    }
    head = b"rehab-tracker-home-pack/1\n" + fmt.canonical(header) + b"\n"
    return head + base64.b64encode(signing_keys.sign(key, head + ciphertext)) + b"\n" + ciphertext


def _resign_inner(body: bytes, key: Any) -> bytes:
    first = b"rehab-tracker-home-pack-content/1\n"
    return first + base64.b64encode(signing_keys.sign(key, first + body)) + b"\n" + body


@dataclasses.dataclass
class _Tally:
    tried: int = 0
    whole_files: int = 0
    reasons: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)


@pytest.mark.slow
@pytest.mark.figures
def test_no_changed_replayed_or_foreign_pack_is_accepted_or_writes_anything(
    demo_db_path: Path, tmp_path: Path, migrated_template: Path
) -> None:
    other_clinic_path = tmp_path / "other-clinic.db"
    shutil.copyfile(demo_db_path, other_clinic_path)  # the same patients, another clinic's key
    clinic = open_database(demo_db_path)
    other_clinic = open_database(other_clinic_path)
    home = home_database(tmp_path / "home.db", migrated_template)
    try:
        _campaign(clinic, other_clinic, home, tmp_path)
    finally:
        for db in (clinic, other_clinic, home):
            db.close()


def _campaign(clinic: Database, other_clinic: Database, home: Database, tmp_path: Path) -> None:
    pid, other_pid = patient_id(clinic, PATIENT), patient_id(clinic, OTHER)
    attach_picture(clinic, pid, tmp_path)
    packs = HomePackService(clinic, staff("dr.kim"))
    a1 = packs.make(pid, tmp_path / "a1.rthp", today=TODAY)
    a2 = packs.make(pid, tmp_path / "a2.rthp", today=TODAY)
    b1 = packs.make(other_pid, tmp_path / "b1.rthp", today=TODAY)
    mallory = HomePackService(other_clinic, staff("mallory"))
    x1 = mallory.make(pid, tmp_path / "x1.rthp", today=TODAY)
    files = {name: made.path.read_bytes() for name, made in (("a1", a1), ("a2", a2))}
    files |= {"b1": b1.path.read_bytes(), "x1": x1.path.read_bytes()}
    forger = signing_keys.private_key(x1.key_id)
    clinic_public = signing_keys.public_bytes(signing_keys.private_key(a1.key_id))

    importer = HomeImportService(home)
    importer.import_bytes(files["a1"], a1.passphrase)  # the first pack pins the clinic's key
    assert home.path is not None
    tally = _Tally()

    def refused(attempt: Any) -> None:
        before = snapshot(home)
        with pytest.raises(fmt.Refused) as caught:
            attempt()
        assert "\n" not in str(caught.value)
        assert snapshot(home) == before
        tally.tried += 1
        tally.reasons[caught.value.reason] += 1

    # whole files that reach the passphrase step (each costs one scrypt run)
    for data, passphrase, reason in (
        (files["a2"], "wrong words typed by the patient", fmt.WRONG_PASSPHRASE),
        (files["b1"], a2.passphrase, fmt.WRONG_PASSPHRASE),  # another patient's file
        (files["b1"], b1.passphrase, fmt.OTHER_PATIENT),  # ... with that patient's words
        (files["a1"], a1.passphrase, fmt.REPLAY),  # the applied pack again
    ):
        refused(lambda d=data, p=passphrase: importer.import_bytes(d, p))
        assert tally.reasons[reason] >= 1, reason
        tally.whole_files += 1
    for data, reason in (
        (files["x1"], fmt.OTHER_KEY),  # another clinic's pack for the same patient
        (_reseal(files["a2"], forger), fmt.OTHER_KEY),  # the clinic's file re-sealed
        (_reseal(files["a2"], forger, claim=clinic_public), fmt.TAMPERED),
        (files["a2"].replace(b"home-pack/1\n", b"home-pack/2\n", 1), fmt.UNKNOWN_VERSION),
        (files["a2"][: len(files["a2"]) // 2], fmt.TRUNCATED),
        (b"", fmt.TRUNCATED),
        (b"PK\x03\x04 not a pack", fmt.NOT_A_PACK),
    ):
        refused(lambda d=data: importer.import_bytes(d, a2.passphrase))
        assert tally.reasons[reason] >= 1, reason
        tally.whole_files += 1

    original = files["a2"]
    donors = [_parts(files[name]) for name in ("a1", "b1", "x1")]

    @_CAMPAIGN
    @given(
        st.one_of(
            _mutations(len(original)).map(lambda m: _mutate(original, m)),
            st.tuples(st.sampled_from(donors), st.integers(1, 3)).map(
                lambda d: b"".join(
                    d[0][i] if i == d[1] else part for i, part in enumerate(_parts(original))
                )
            ),
        )
    )
    def whole_file(data: bytes) -> None:
        assume(data != original)
        refused(lambda: importer.import_bytes(data, a2.passphrase))
        tally.whole_files += 1

    whole_file()

    # the inner layer: what the seal and passphrase protect, attacked from behind them
    sealed = fmt.unseal(original, a1.key_id)
    inner = fmt.decrypt(sealed, a2.passphrase)
    inners = {
        "a1": fmt.decrypt(fmt.unseal(files["a1"], None), a1.passphrase),
        "b1": fmt.decrypt(fmt.unseal(files["b1"], None), b1.passphrase),
        "x1": fmt.decrypt(fmt.unseal(files["x1"], None), x1.passphrase),
    }
    content = json.loads(_inner_parts(inner)[2])
    forged = dict(content, version=99)
    reordered = json.loads(_inner_parts(inner)[2])
    reordered["tables"]["prescriptions"].reverse()
    reordered_body = json.dumps(reordered, sort_keys=False, separators=(",", ":")).encode()
    for candidate, reason in (
        (inners["a1"], fmt.REPLAY),  # the clinic's older pack inside a new file
        (inners["b1"], fmt.OTHER_PATIENT),  # another patient's, signed by the clinic
        (inners["x1"], fmt.TAMPERED),  # another clinic's content under this seal
        (_resign_inner(fmt.canonical(forged), forger), fmt.TAMPERED),
        (
            _inner_parts(inner)[0] + _inner_parts(inner)[1] + _inner_parts(inners["b1"])[2],
            fmt.TAMPERED,
        ),
        (_inner_parts(inner)[0] + _inner_parts(inner)[1] + reordered_body, fmt.TAMPERED),
    ):
        refused(lambda c=candidate: importer.import_inner(sealed, c, "0" * 64))
        assert tally.reasons[reason] >= 1, reason

    @_CAMPAIGN
    @given(_mutations(len(inner)))
    def inner_part(mutation: tuple[str, Any]) -> None:
        data = _mutate(inner, mutation)
        assume(data != inner)
        refused(lambda: importer.import_inner(sealed, data, "0" * 64))

    inner_part()

    accepted = importer.import_bytes(original, a2.passphrase)  # the genuine pack still opens
    assert accepted.version == 2
    print(
        f"\nhome pack campaign: {tally.tried} files refused ({tally.whole_files} whole files, "
        f"{tally.tried - tally.whole_files} inner parts), 0 accepted, 0 rows written; "
        f"by reason: {dict(sorted(tally.reasons.items()))}"
    )
