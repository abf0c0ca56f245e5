"""gpustark._checks.largest_value: numpy's max, over several threads for large arrays (the range
check of every trace before a proof)."""
import os
import select

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


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_a_forked_child_scans_with_its_own_threads(monkeypatch):
    monkeypatch.setattr(_checks, "_PARALLEL_SCAN_VALUES", 8)
    array = np.arange(1000, dtype=np.uint32).reshape(100, 10)
    assert _checks.largest_value(array) == 999  # the parent's pool exists before the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a pool without threads would hang here; a timeout in the parent says so
        os.close(read)
        os.write(write, str(_checks.largest_value(array)).encode())
        os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], 30)
    got = os.read(read, 64).decode() if ready else "no answer in 30 s"
    os.close(read)
    if not ready:
        os.kill(pid, 9)
    os.waitpid(pid, 0)
    assert got == "999"
