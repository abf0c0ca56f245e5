"""AIRs a key does not mark required: the prover accepts None for their trace (absent: no trace
data, no public values, presence bit 0 in the transcript), refuses None for a required AIR and a
proof with no trace at all; the verifier rejects a proof whose presence bit is flipped.
"""
import dataclasses

import numpy as np
import pytest

import gpustark
from gpustark.examples import fibonacci_air, fibonacci_public_values, fibonacci_trace, fixture11
from gpustark.proof import ProofFormatError, TraceVData

SMALL = gpustark.test_params_small()


def with_optional(optional: set[int]):
    """Keys of fixture 11's sender and receiver (bus 0) with a Fibonacci AIR between them, the AIRs
    at these indices optional and the others required."""
    airs = fixture11()[0]
    return gpustark.keygen([airs[0], fibonacci_air(), airs[1]], SMALL, required=[i not in optional for i in range(3)])


@pytest.fixture(scope="module")
def keys():
    """with_optional({1}) and the witness: Fibonacci optional."""
    sender, receiver = fixture11()[1]
    fib = fibonacci_trace(64)
    return (*with_optional({1}), [sender, fib, receiver], [[], fibonacci_public_values(fib), []])


def prove_without_fib(pk, traces, backend="cpu"):
    return gpustark.prove(pk, [traces[0], None, traces[2]], public_values=[[], [], []], backend=backend)


def test_absent_air_proves_and_verifies(keys, backend):
    pk, vk, traces, pvs = keys
    proof = prove_without_fib(pk, traces, backend)
    assert proof.trace_vdata[1] is None and proof.public_values[1] == []
    assert [v.log_height for v in (proof.trace_vdata[0], proof.trace_vdata[2])] == [2, 3]
    gpustark.verify(vk, proof)
    decoded = gpustark.Proof.from_bytes(proof.to_bytes())
    assert decoded == proof
    gpustark.verify(vk, decoded)


def test_present_optional_air_proves_and_verifies(keys, backend):
    pk, vk, traces, pvs = keys
    proof = gpustark.prove(pk, traces, public_values=pvs, backend=backend)
    assert proof.trace_vdata[1].log_height == 6
    gpustark.verify(vk, proof)
    # The same witness under the all-required key: its transcript has no presence bits.
    required_pk, required_vk = with_optional(set())
    gpustark.verify(required_vk, gpustark.prove(required_pk, traces, public_values=pvs, backend=backend))


def test_flipped_presence_is_rejected(keys):
    pk, vk, traces, pvs = keys
    absent = prove_without_fib(pk, traces)
    present = gpustark.prove(pk, traces, public_values=pvs)
    # Absent -> claimed present, with the trace data and public values of the honest present proof.
    claims_present = dataclasses.replace(absent, trace_vdata=[absent.trace_vdata[0], TraceVData(6, []),
                                                              absent.trace_vdata[2]],
                                         public_values=[[], pvs[1], []])
    with pytest.raises(gpustark.VerificationError):
        gpustark.verify(vk, claims_present)
    # Present -> claimed absent.
    claims_absent = dataclasses.replace(present, trace_vdata=[present.trace_vdata[0], None, present.trace_vdata[2]],
                                        public_values=[[], [], []])
    with pytest.raises(gpustark.VerificationError):
        gpustark.verify(vk, claims_absent)
    # The bit itself in the encoding: version (4), commit (8 x 4), num_airs (4), then the bitmap.
    data = bytearray(absent.to_bytes())
    assert int.from_bytes(data[36:40], "little") == 3 and data[40] == 0b101
    data[40] ^= 0b010
    with pytest.raises((ProofFormatError, gpustark.VerificationError)):
        gpustark.verify(vk, gpustark.Proof.from_bytes(bytes(data)))


def test_none_for_a_required_air_is_refused(keys):
    pk, vk, traces, pvs = keys
    for check in (True, False):
        with pytest.raises(ValueError, match="AIR DummyInteractionAir.*: a trace is required"):
            gpustark.prove(pk, [None, traces[1], traces[2]], public_values=[[], pvs[1], []], check_witness=check)
    required_pk, _ = with_optional(set())
    with pytest.raises(ValueError, match="a trace is required"):
        gpustark.prove(required_pk, [traces[0], None, traces[2]], public_values=[[], [], []])


def test_no_traces_at_all_is_refused(keys):
    pk, vk, traces, pvs = keys
    all_optional, _ = with_optional({0, 1, 2})
    for check in (True, False):
        with pytest.raises(ValueError, match="absent"):
            gpustark.prove(all_optional, [None, None, None], public_values=[[], [], []], check_witness=check)
    with pytest.raises(ValueError, match="every AIR is absent"):
        all_optional.check_witness([None, None, None], [[], [], []])


def test_absent_air_with_public_values_is_refused(keys):
    pk, vk, traces, pvs = keys
    with pytest.raises(ValueError, match="absent .* public values"):
        gpustark.prove(pk, [traces[0], None, traces[2]], public_values=[[], pvs[1], []])


def test_check_witness_counts_only_present_airs(keys):
    """The sender without the receiver does not balance bus 0; the receiver is optional here."""
    pk, vk, traces, pvs = keys
    receiver_optional, _ = with_optional({1, 2})
    with pytest.raises(ValueError, match="interactions do not balance"):
        receiver_optional.check_witness([traces[0], None, None], [[], [], []])
    receiver_optional.check_witness([traces[0], None, traces[2]], [[], [], []])
