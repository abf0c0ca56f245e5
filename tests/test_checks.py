"""gpustark._checks.largest_value: numpy's max, over several threads for large arrays (the range
check of every trace before a proof)."""
import numpy as np
import pytest

from gpustark import _checks


@pytest.fixture(params=["one thread", "threads"])
def threshold(request, monkeypatch):
    if request.param == "threads":  # the threaded path on small arrays, and whatever the core count
        monkeypatch.setattr(_checks, "_PARALLEL_SCAN_VALUES", 8)
        monkeypatch.setattr(_checks.os, "cpu_count", lambda: 3)
        monkeypatch.setattr(_checks, "_scan_pool", None)  # a pool of 3 for this test only
    return request.param


@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (64, 16), (1000, 5)])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_largest_value_is_numpys_max(threshold, rng, shape, layout):
    base = rng.integers(0, 1 << 32, size=(shape[0], 2 * shape[1]), dtype=np.uint32)
    array = base[:, ::2] if layout == "strided" else np.asarray(base[:, :shape[1]], order=layout)
    assert _checks.largest_value(array) == int(array.max())


@pytest.mark.parametrize("where", [0, -1, 37])
def test_the_one_large_value_is_found_wherever_it_is(threshold, where):
    array = np.zeros((100, 4), dtype=np.uint32)
    array.reshape(-1)[where] = _checks.P
    assert _checks.largest_value(array) == _checks.P
