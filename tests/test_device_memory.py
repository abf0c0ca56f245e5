"""gpustark.device_memory and gpustark.release_device_memory on the backend under test: what a
proof leaves held, giving the cached part back, and proving again afterwards."""
import numpy as np
import pytest

import gpustark
from gpustark.examples import fibonacci_air, fibonacci_public_values, fibonacci_trace

KEYS = {"tracked", "in_use_bytes", "peak_bytes", "cached_bytes"}


def prove_fib(backend, height=256):
    pk, vk = gpustark.keygen([fibonacci_air()], gpustark.test_params_small())
    trace = fibonacci_trace(height)
    proof = gpustark.prove(pk, [trace], public_values=[fibonacci_public_values(trace)], backend=backend)
    gpustark.verify(vk, proof)


def test_device_memory_after_a_proof(backend):
    prove_fib(backend)
    m = gpustark.device_memory(backend)
    assert set(m) == KEYS
    assert all(isinstance(m[k], int) and m[k] >= 0 for k in KEYS - {"tracked"})
    assert m["peak_bytes"] >= m["in_use_bytes"]
    if not m["tracked"]:  # cpu: no device memory of its own
        assert m["in_use_bytes"] == m["peak_bytes"] == m["cached_bytes"] == 0
    if backend == "cuda":  # the memory pool keeps what the proof freed (cuda/device_memory.h)
        assert m["tracked"] and m["cached_bytes"] > 0, m


def test_release_never_adds_memory_and_the_next_proof_runs(backend):
    prove_fib(backend)
    before = gpustark.device_memory(backend)
    gpustark.release_device_memory(backend)
    after = gpustark.device_memory(backend)
    assert after["in_use_bytes"] <= before["in_use_bytes"]
    assert after["cached_bytes"] <= before["cached_bytes"]
    prove_fib(backend)  # what was given back is allocated again


def test_release_returns_what_a_large_call_left(backend):
    if "cuda" not in backend:
        pytest.skip(f"only the CUDA backend keeps freed device memory (its memory pool); this is {backend}")
    gpustark.release_device_memory(backend)
    columns = np.zeros((1 << 20, 16), dtype=np.uint32)  # 64 MiB on the device: a scratch slot it keeps
    gpustark.ntt.ntt(columns, backend=backend)
    before = gpustark.device_memory(backend)
    held = before["in_use_bytes"] + before["cached_bytes"]
    assert held >= columns.nbytes, before
    gpustark.release_device_memory(backend)
    after = gpustark.device_memory(backend)
    assert held - (after["in_use_bytes"] + after["cached_bytes"]) >= columns.nbytes, (before, after)
    assert (gpustark.ntt.ntt(columns, backend=backend) == 0).all()  # and the next call allocates again


def test_an_unknown_backend_is_named():
    with pytest.raises(ValueError, match="nope"):
        gpustark.device_memory("nope")
    with pytest.raises(ValueError, match="nope"):
        gpustark.release_device_memory("nope")
