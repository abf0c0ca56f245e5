"""The host block cache (core/host_block_cache.h): a second proof of the same shape takes its large
host buffers from the blocks the first one freed, the proof bytes do not change, and
release_host_memory gives the kept blocks back."""
import os
import subprocess
import sys

import gpustark
from gpustark.workloads import WORKLOADS, make_params, resolve_params


def keccak_job():
    options = {"perms": 64}  # a 2,048 x 2,633 trace: its stacked matrix and codeword are above 8 MiB
    wl = WORKLOADS["keccakf"]
    pk, vk = gpustark.keygen(wl.airs(options), make_params(*resolve_params(wl, options)))
    traces, pvs = wl.witness(options)
    return pk, vk, traces, pvs


def test_a_second_proof_reuses_the_blocks_of_the_first():
    pk, vk, traces, pvs = keccak_job()
    gpustark.release_host_memory()
    first = gpustark.prove(pk, traces, pvs, backend="cpu")
    after_first = gpustark.host_memory()
    assert after_first["live_bytes"] == 0, "every large buffer of the proof was freed"
    assert after_first["cached_bytes"] > 0
    assert after_first["cached_bytes"] <= after_first["peak_bytes"]
    second = gpustark.prove(pk, traces, pvs, backend="cpu")
    after_second = gpustark.host_memory()
    assert after_second["hits"] > after_first["hits"]
    assert second.to_bytes() == first.to_bytes()
    gpustark.verify(vk, second)
    kept = after_second["cached_bytes"]
    assert gpustark.release_host_memory() == kept
    assert gpustark.host_memory()["cached_bytes"] == 0


def test_the_cache_is_off_with_gpustark_host_cache_0():
    # The variable is read once per process, so a child process checks it.
    code = ("import gpustark\n"
            "from gpustark.workloads import WORKLOADS, make_params, resolve_params\n"
            "wl = WORKLOADS['keccakf']; o = {'perms': 64}\n"
            "pk, vk = gpustark.keygen(wl.airs(o), make_params(*resolve_params(wl, o)))\n"
            "t, p = wl.witness(o)\n"
            "gpustark.prove(pk, t, p, backend='cpu')\n"
            "m = gpustark.host_memory()\n"
            "assert m['misses'] > 0 and m['cached_bytes'] == 0, m\n")
    env = {**os.environ, "GPUSTARK_HOST_CACHE": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
