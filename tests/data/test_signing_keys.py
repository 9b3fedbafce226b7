"""The clinic's Ed25519 signing key files (issue 14 item 1): private, whole, checked on reading."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from rehab_tracker.data import signing_keys
from rehab_tracker.data.private_files import write_whole
from rehab_tracker.data.signing_keys import SigningKeyError


def test_a_made_key_signs_and_its_file_is_private(usual_umask: None) -> None:
    kid, public = signing_keys.make_key()
    path = signing_keys.keys_dir() / f"{kid}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(signing_keys.keys_dir().stat().st_mode) == 0o700
    assert [p.name for p in signing_keys.keys_dir().iterdir()] == [path.name]  # no partial left
    key = signing_keys.private_key(kid)
    assert signing_keys.key_id(signing_keys.public_bytes(key)) == kid == signing_keys.key_id(public)
    signature = signing_keys.sign(key, b"pack")
    assert signing_keys.verify(public, signature, b"pack")
    assert not signing_keys.verify(public, signature, b"pack!")
    assert not signing_keys.verify(public, signature[:-1], b"pack")
    other_kid, other = signing_keys.make_key()
    assert other_kid != kid and not signing_keys.verify(other, signature, b"pack")


def test_a_missing_damaged_or_swapped_key_file_is_refused_in_one_line() -> None:
    kid, _ = signing_keys.make_key()
    other_kid, _ = signing_keys.make_key()
    with pytest.raises(SigningKeyError, match="not on this workstation") as missing:
        signing_keys.private_key("0" * 32)
    assert "\n" not in str(missing.value)
    path = signing_keys.keys_dir() / f"{kid}.pem"
    swapped = (signing_keys.keys_dir() / f"{other_kid}.pem").read_bytes()
    path.write_bytes(swapped)  # another key under this key's name
    with pytest.raises(SigningKeyError, match="damaged"):
        signing_keys.private_key(kid)
    path.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnot a key\n")
    with pytest.raises(SigningKeyError, match="damaged"):
        signing_keys.private_key(kid)
    with pytest.raises(SigningKeyError, match="not a signing key id"):
        signing_keys.private_key("../../etc/passwd")


def test_write_whole_leaves_a_private_complete_file_or_none(
    tmp_path: Path, usual_umask: None
) -> None:
    target = tmp_path / "new" / "pack.rthp"
    write_whole(target, b"first")
    write_whole(target, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["pack.rthp"]
    (tmp_path / "dir").mkdir()
    with pytest.raises(OSError):
        write_whole(tmp_path / "dir", b"x")  # a folder cannot be replaced by a file
    assert [p.name for p in (tmp_path).iterdir() if p.name.startswith(".")] == []
