"""gpustark.metal: Metal buffers as numpy views. Without the Metal backend (any Linux build) the
module imports and says why; with it (on a Mac), arrays in Metal buffers are read by the kernels
where they are, and a Metal failure is a MetalError."""
import numpy as np
import pytest

import gpustark
from gpustark import metal, spans
from gpustark._checks import P


@pytest.fixture
def metal_here():
    if not metal.available():
        pytest.skip(f"Metal is not available here: {metal.unavailable_reason()}")


def test_availability_agrees_with_the_backend_list():
    reason = metal.unavailable_reason()
    assert metal.available() == (reason is None)
    assert metal.available() == ("metal" in gpustark.backends())
    assert issubclass(metal.MetalError, RuntimeError)


def test_without_metal_every_entry_point_says_why():
    if metal.available():
        pytest.skip("Metal is available here")
    reason = metal.unavailable_reason()
    assert "Metal" in reason
    with pytest.raises(RuntimeError, match="Metal"):
        metal.zeros((4, 16))
    assert not metal.is_metal_array(np.zeros((4, 16), np.uint32))
    with pytest.raises(ValueError, match="'metal' is not available"):
        gpustark.hash.hash_rows(np.zeros((2, 3), np.uint32), backend="metal")


def test_zeros_is_a_writable_view_of_a_metal_buffer(metal_here):
    a = metal.zeros((8, 16))
    assert a.dtype == np.uint32 and a.shape == (8, 16) and not a.any()
    a[3, 5] = 7
    assert a[3, 5] == 7
    assert metal.is_metal_array(a)
    assert not metal.is_metal_array(a.copy())
    assert metal.zeros(0).shape == (0,)
    with pytest.raises(ValueError, match="non-negative"):
        metal.zeros((-1, 2))


def test_a_metal_array_is_hashed_in_place(metal_here, rng):
    rows = metal.zeros((256, 16))
    rows[:] = rng.integers(0, P, size=rows.shape, dtype=np.uint32)
    with spans.record() as recorded:
        with spans.span("hash_metal_array"):
            got = gpustark.hash.hash_rows(rows, backend="metal")
    assert (got == gpustark.hash.hash_rows(rows.copy(), backend="cpu")).all()
    counters = next(s for s in recorded if s.name == "hash_metal_array").counters
    assert counters.get("h2d_bytes") == 0, counters  # no copy in: the kernel read the buffer itself
    assert counters.get("kernel_count") == 1 and counters.get("sync_count") == 1, counters


def test_devices_lists_metal_with_its_limits(metal_here):
    info = gpustark.device_info("metal")
    limits = info["limits"]
    assert int(limits["max_threads_per_threadgroup"]) > 0
    assert int(limits["max_threadgroup_memory_bytes"]) > 0
    assert limits["unified_memory"] in ("yes", "no")
    if info["name"].startswith("fake Apple GPU"):  # GPUSTARK_METAL_FAKE_DEVICE: the kernels run as C++
        assert limits["library"] == "metal/*.metal compiled as C++"
    else:
        assert "embedded metallib" in limits["library"] or limits["library"].startswith("source ")
