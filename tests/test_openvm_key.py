"""OpenVM's verifying key, byte for byte: gpustark's keys encode as OpenVM's postcard and serde_json
forms, hash to OpenVM's pre_hash, and read OpenVM's files; OpenVM's proof verifies with gpustark and
gpustark's proof of the same statement is OpenVM's, byte for byte (tests/vectors/openvm/README.md)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gpustark
from gpustark.examples import fibonacci_air, fibonacci_public_values, fibonacci_trace, fixture11, multi_airs
from gpustark.keygen import VerifyingKey, encode_vk
from gpustark.openvm import SerdeError

VECTORS = Path(__file__).parent / "vectors" / "openvm"
P = 2013265921
# tests/vectors/openvm/README.md: OpenVM's pre_hash for the fixture, canonical.
OPENVM_FIB_PRE_HASH = [471505953, 1807114792, 170193425, 441704158, 1816165566, 828129030, 622714888, 981876475]


@pytest.fixture(scope="module")
def fib_keys():
    return gpustark.keygen([fibonacci_air()], gpustark.test_params_small())


@pytest.fixture(scope="module")
def openvm_vk() -> VerifyingKey:
    return VerifyingKey.from_openvm_json((VECTORS / "fib_small.vk.json").read_text())


def _openvm_proof() -> gpustark.Proof:
    return gpustark.Proof.from_bytes((VECTORS / "fib_small_h1024.proof.bin").read_bytes())


# ---- gpustark's key is OpenVM's ----

def test_hashed_bytes_equal_openvms(fib_keys):
    vk = fib_keys[1]
    assert encode_vk(vk.params, vk.per_air, vk.trace_height_constraints) == \
        (VECTORS / "fib_small.vk_prehash_input.bin").read_bytes()


def test_pre_hash_equals_openvms(fib_keys):
    vk = fib_keys[1]
    assert vk.pre_hash.tolist() == OPENVM_FIB_PRE_HASH
    # The JSON file holds the same digest in Plonky3's serde form: Montgomery, x * 2^32 mod p.
    monty = json.loads((VECTORS / "fib_small.vk.json").read_text())["pre_hash"]
    assert monty == [x * (1 << 32) % P for x in OPENVM_FIB_PRE_HASH]


def test_json_equals_openvms_text(fib_keys):
    assert fib_keys[1].to_openvm_json() == (VECTORS / "fib_small.vk.json").read_text()


def test_default_keygen_marks_airs_optional_as_openvm_does(fib_keys):
    assert not fib_keys[1].per_air[0].is_required
    _, required = gpustark.keygen([fibonacci_air()], gpustark.test_params_small(), required=True)
    assert required.pre_hash.tolist() != OPENVM_FIB_PRE_HASH


# ---- OpenVM's key and proof in gpustark ----

def test_openvm_key_reads_as_gpustarks(openvm_vk, fib_keys):
    vk = fib_keys[1]
    assert openvm_vk.key_id == vk.key_id
    assert openvm_vk.params == vk.params and openvm_vk.params.name == "test_params_small(2,8,3)"
    a, b = openvm_vk.per_air[0], vk.per_air[0]
    assert a.instructions.tolist() == b.instructions.tolist() and a.node_degrees.tolist() == b.node_degrees.tolist()
    assert (a.constraint_idx, a.need_rot, a.is_required, a.width) == (b.constraint_idx, b.need_rot, b.is_required,
                                                                       b.width)


def test_openvms_proof_verifies(openvm_vk, fib_keys):
    gpustark.verify(openvm_vk, _openvm_proof())
    gpustark.verify(fib_keys[1], _openvm_proof())


def test_gpustarks_proof_is_openvms(fib_keys):
    trace = fibonacci_trace(1024)  # FibFixture::new(0, 1, 1024)
    proof = gpustark.prove(fib_keys[0], [trace], public_values=[fibonacci_public_values(trace)])
    assert proof.to_bytes() == (VECTORS / "fib_small_h1024.proof.bin").read_bytes()


def test_openvms_proof_rejected_when_tampered_or_under_another_key(openvm_vk):
    data = bytearray((VECTORS / "fib_small_h1024.proof.bin").read_bytes())
    data[-5] ^= 1  # a byte of WHIR's last Merkle path
    with pytest.raises((gpustark.VerificationError, gpustark.ProofFormatError)):
        gpustark.verify(openvm_vk, gpustark.Proof.from_bytes(bytes(data)))
    proof = _openvm_proof()
    proof.public_values[0][2] = (proof.public_values[0][2] + 1) % P
    with pytest.raises(gpustark.VerificationError):
        gpustark.verify(openvm_vk, proof)
    # The same AIR marked required: another pre_hash and no presence bit, so another transcript.
    _, required = gpustark.keygen([fibonacci_air()], gpustark.test_params_small(), required=True)
    with pytest.raises(gpustark.VerificationError):
        gpustark.verify(required, _openvm_proof())


# ---- round trips and files ----

@pytest.mark.parametrize("build", [
    lambda: ([fibonacci_air()], gpustark.test_params_small()),
    lambda: (fixture11()[0], gpustark.test_params_small()),
    lambda: (multi_airs(), gpustark.app_params_with_100_bits_security(16)),
], ids=["fib", "interactions", "multi"])
def test_round_trips(build, tmp_path):
    airs, params = build()
    _, vk = gpustark.keygen(airs, params, required=[i % 2 == 0 for i in range(len(airs))])
    for again in (VerifyingKey.from_openvm_bytes(vk.to_openvm_bytes()), VerifyingKey.from_openvm_json(vk.to_openvm_json())):
        assert again.key_id == vk.key_id and again.params == vk.params
        assert [a.is_required for a in again.per_air] == [a.is_required for a in vk.per_air]
        assert again.to_openvm_bytes() == vk.to_openvm_bytes()
    for fmt in ("openvm", "json"):
        path = tmp_path / f"key.{fmt}"
        vk.save(path, format=fmt)
        assert VerifyingKey.load(path).key_id == vk.key_id
    assert VerifyingKey.load(tmp_path / "key.json").to_openvm_json() == (tmp_path / "key.json").read_text()


def test_load_refuses_other_files(tmp_path):
    for name, data in [("empty", b""), ("text", b"hello"), ("proof", (VECTORS / "fib_small_h1024.proof.bin").read_bytes()),
                       ("json", b'{"inner": 1}')]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=f"{name}: not a verifying key gpustark can use"):
            VerifyingKey.load(tmp_path / name)
    with pytest.raises(ValueError, match="key format"):
        gpustark.keygen([fibonacci_air()], gpustark.test_params_small())[1].save(tmp_path / "k", format="yaml")


# ---- a key must be what its pre_hash says ----

def _edited_json(edit) -> str:
    value = json.loads((VECTORS / "fib_small.vk.json").read_text())
    edit(value)
    return json.dumps(value)


@pytest.mark.parametrize("edit, message", [
    (lambda v: v["inner"]["per_air"][0]["symbolic_constraints"]["constraints"]["constraint_idx"].pop(),
     "pre_hash is not the hash"),
    (lambda v: v["pre_hash"].__setitem__(0, 5), "pre_hash is not the hash"),
    (lambda v: v["inner"]["params"].__setitem__("l_skip", 3), "pre_hash is not the hash"),
    (lambda v: v["inner"]["per_air"][0].__setitem__("is_required", 1), r"is_required: expected a bool"),
    (lambda v: v["inner"]["params"].pop("n_stack"), r"\$.inner.params: missing field\(s\) n_stack"),
    (lambda v: v["inner"]["params"]["whir"].__setitem__("proximity", "Other"), "proximity: expected one of"),
    (lambda v: v["inner"]["per_air"][0]["params"]["width"].__setitem__("cached_mains", [3]),
     "cached main traces, which gpustark does not support yet"),
    (lambda v: v["inner"]["per_air"][0]["symbolic_constraints"]["constraints"]["nodes"][4]["Mul"].__setitem__(
        "right_idx", 9), "operand 9 is not an earlier node"),
    (lambda v: v["inner"]["per_air"][0]["symbolic_constraints"]["constraints"]["nodes"][1]["Variable"].__setitem__(
        "index", 7), "column 7, offset 0 is outside the trace"),
    (lambda v: v["inner"]["per_air"][0]["params"].__setitem__("need_rot", False), "need_rot is False"),
    (lambda v: v["inner"]["per_air"][0]["symbolic_constraints"]["constraints"]["nodes"].__setitem__(
        2, {"Constant": P}), r"nodes\[2\].Constant: expected an integer in"),
])
def test_bad_keys_are_refused_naming_the_field(edit, message):
    with pytest.raises(ValueError, match=message):
        VerifyingKey.from_openvm_json(_edited_json(edit))


def test_truncated_or_padded_bytes_are_refused(fib_keys):
    data = fib_keys[1].to_openvm_bytes()
    with pytest.raises(SerdeError, match="end early"):
        VerifyingKey.from_openvm_bytes(data[:-3])
    with pytest.raises(SerdeError, match="1 bytes left over"):
        VerifyingKey.from_openvm_bytes(data + b"\0")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 162), st.integers(1, 255))
def test_any_flipped_byte_is_refused_or_is_another_valid_key(position, mask):
    data = bytearray(gpustark.keygen([fibonacci_air()], gpustark.test_params_small())[1].to_openvm_bytes())
    data[position % len(data)] ^= mask
    try:
        vk = VerifyingKey.from_openvm_bytes(bytes(data))
    except ValueError:
        return
    # Every byte is bound: the body by the stored pre_hash, the stored pre_hash by the body.
    pytest.fail(f"flipped byte {position % len(data)} still read as key {vk.key_id}")


# ---- postcard's integers ----

@pytest.mark.parametrize("value, encoded", [(0, b"\x00"), (127, b"\x7f"), (128, b"\x80\x01"), (4096, b"\x80\x20"),
                                            (2**30, b"\x80\x80\x80\x80\x04"), (2**32 - 1, b"\xff\xff\xff\xff\x0f")])
def test_varints(value, encoded):
    from gpustark.openvm.serde import U32, from_postcard, to_postcard
    assert to_postcard(U32, value) == encoded and from_postcard(U32, encoded) == value


def test_malformed_varints_and_signed():
    from gpustark.openvm.serde import ISIZE, U16, U32, from_postcard, to_postcard
    with pytest.raises(SerdeError, match="overlong"):
        from_postcard(U32, b"\x80\x00")
    with pytest.raises(SerdeError, match="above 16 bits"):
        from_postcard(U16, b"\xff\xff\x07")
    with pytest.raises(SerdeError, match="longer than 5 bytes"):
        from_postcard(U32, b"\xff\xff\xff\xff\xff\x01")
    for value, encoded in [(0, b"\x00"), (-1, b"\x01"), (1, b"\x02"), (-64, b"\x7f"), (64, b"\x80\x01")]:
        assert to_postcard(ISIZE, value) == encoded and from_postcard(ISIZE, encoded) == value
