"""The stacked commitment from traces a device holds copies of (hold_traces): the stacked matrix is
scattered into the codeword's first rows and dropped after hashing, one matrix less through round 0
and the MLE rounds, then scattered again from the held traces when first read or as they are
released. Either way the commitment, the matrix and the codeword are the ones made without holding."""
from __future__ import annotations

import numpy as np
import pytest

from gpustark import _backend, _native, pcs
from gpustark.ext import P
from gpustark.params import test_params_small as small_params


def _traces():
    rng = np.random.default_rng(7)
    # Two traces of different heights: the second leaves gaps the scatter must keep zero.
    return [rng.integers(0, P, (1 << 9, 6), dtype=np.uint32), rng.integers(0, P, (1 << 6, 3), dtype=np.uint32)]


def _in_use(backend: str) -> int:
    return _backend.device_memory(backend)["in_use_bytes"]


@pytest.fixture
def device_backend(backend):
    if backend == "cpu" or backend.startswith("dual:"):
        pytest.skip("holding traces is a single device backend's (cpu holds nothing; dual holds on both sides)")
    if not _backend.device_memory(backend)["tracked"]:
        pytest.skip(f"{backend} does not count its device memory")
    yield backend
    _native.release_traces(backend)


def test_a_commitment_from_held_traces_keeps_no_stacked_matrix(device_backend):
    params, traces = small_params(), _traces()
    pcs.stacked_commit(traces, params, device_backend)  # the tables a device keeps between calls, made once
    before = _in_use(device_backend)
    plain = pcs.stacked_commit(traces, params, device_backend)
    plain_bytes = _in_use(device_backend) - before
    _native.hold_traces(traces, device_backend)
    if _in_use(device_backend) == before + plain_bytes:
        pytest.skip(f"{device_backend} does not copy held traces (MetalOptions.hold_trace_copies is off)")
    held_at = _in_use(device_backend)
    held = pcs.stacked_commit(traces, params, device_backend)
    held_bytes = _in_use(device_backend) - held_at
    matrix_bytes = (1 << params.log_stacked_height) * held.width * 4
    # Give or take the slot tables (a few words per slot) kept to scatter the matrix again.
    slot_tables = 1024
    assert plain_bytes - held_bytes >= matrix_bytes - slot_tables, (plain_bytes, held_bytes, matrix_bytes)
    assert np.array_equal(held.root, plain.root)
    # Read while the traces are held: scattered again from them.
    assert np.array_equal(held.matrix, plain.matrix)
    assert np.array_equal(held.message, plain.message)
    assert np.array_equal(held.codeword, plain.codeword)


def test_releasing_the_traces_makes_the_dropped_matrix_first(device_backend):
    params, traces = small_params(), _traces()
    plain = pcs.stacked_commit(traces, params, device_backend)
    _native.hold_traces(traces, device_backend)
    held = pcs.stacked_commit(traces, params, device_backend)
    _native.release_traces(device_backend)
    # The traces are gone from the device (and changed on the host): what is read now was made
    # from the held copies before they went.
    for t in traces:
        t[:] = 0
    assert np.array_equal(held.matrix, plain.matrix)
    assert np.array_equal(held.codeword, plain.codeword)
    for q in (0, 5):
        for held_part, plain_part in zip(held.open(q), plain.open(q)):
            assert np.array_equal(held_part, plain_part)
