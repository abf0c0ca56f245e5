"""Traces in the memory a backend uploads fastest (gpustark.empty_trace): page-locked host memory
on cuda, whose upload is one asynchronous copy straight from the array; plain numpy memory
elsewhere. Proofs from such arrays are the proofs from plain arrays, byte for byte."""
from __future__ import annotations

import numpy as np
import pytest

import gpustark
from gpustark import _native
from gpustark.examples import multi_fixture

SMALL = gpustark.test_params_small()


def test_empty_trace_is_a_writable_uint32_matrix(backend):
    trace = gpustark.empty_trace(8, 5, backend=backend)
    assert (trace.shape, trace.dtype, trace.flags["C_CONTIGUOUS"], trace.flags["WRITEABLE"]) == \
        ((8, 5), np.uint32, True, True)
    trace[:] = np.arange(40, dtype=np.uint32).reshape(8, 5)
    assert int(trace.sum()) == sum(range(40))


def test_only_cuda_offers_trace_memory_of_its_own(backend):
    has_own = _native.trace_host_array(2, 2, backend) is not None
    assert has_own == (backend == "cuda" or backend.startswith("cuda@")), backend


@pytest.mark.parametrize("height, width, message", [(0, 3, "height must be a positive integer, found 0"),
                                                    (4, -1, "width must be a positive integer, found -1"),
                                                    (2.0, 3, "height must be a positive integer, found 2.0"),
                                                    (True, 3, "height must be a positive integer, found True")])
def test_bad_shapes_raise(height, width, message):
    with pytest.raises(ValueError, match=message):
        gpustark.empty_trace(height, width)


@pytest.mark.parametrize("values, message", [
    (np.zeros((2, 2, 2), dtype=np.uint32), "expected a non-empty 2-d trace, found shape"),
    (np.zeros((0, 2), dtype=np.uint32), "expected a non-empty 2-d trace, found shape"),
    (np.ones((2, 2)), "expected integer values, found dtype float64"),
    (np.full((2, 2), -1), r"values must lie in \[0, p = 2013265921\), found -1..-1"),
    (np.full((2, 2), 2013265921, dtype=np.int64), r"values must lie in \[0, p = 2013265921\)"),
])
def test_copies_refuse_what_is_not_a_trace(values, message):
    with pytest.raises(ValueError, match=message):
        gpustark.trace_in_backend_memory(values)


def test_a_proof_from_trace_memory_equals_the_proof_from_numpy(backend):
    airs, traces, pvs = multi_fixture(4)
    pk, vk = gpustark.keygen(airs, SMALL)
    plain = gpustark.prove(pk, traces, public_values=pvs, backend=backend)
    copied = [gpustark.trace_in_backend_memory(t, backend) for t in traces]
    for a, b in zip(traces, copied):
        assert np.array_equal(a, b)
    again = gpustark.prove(pk, copied, public_values=pvs, backend=backend)
    assert again.to_bytes() == plain.to_bytes()
    gpustark.verify(vk, again)
    # The arrays may change once prove() returned: the device no longer reads them.
    for t in copied:
        t[:] = 0
    assert gpustark.prove(pk, [gpustark.trace_in_backend_memory(t, backend) for t in traces], public_values=pvs,
                          backend=backend).to_bytes() == plain.to_bytes()
