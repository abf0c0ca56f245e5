"""GPUSTARK_KEEP_CODEWORD on a device backend: by default (0) the stacked codeword is dropped after
hashing and made again for the openings, with 1 it is kept; the proof is the same either way. A bad
value is refused."""
import pytest

import gpustark
from gpustark import _backend
from gpustark.many import workload_jobs
from gpustark.workloads import WORKLOADS, make_params


def test_keeping_the_codeword_gives_the_same_proof(backend, monkeypatch):
    if backend == "cpu":
        pytest.skip("the cpu backend keeps its codeword on the host; GPUSTARK_KEEP_CODEWORD is for device backends")
    pk, vk = gpustark.keygen(WORKLOADS["multi"].airs({}), make_params("small"))
    traces, pvs = workload_jobs("multi", 1, {"seed": 2})[0].witness()
    monkeypatch.delenv("GPUSTARK_KEEP_CODEWORD", raising=False)
    dropped = gpustark.prove(pk, traces, pvs, backend=backend)
    monkeypatch.setenv("GPUSTARK_KEEP_CODEWORD", "1")
    kept = gpustark.prove(pk, traces, pvs, backend=backend)
    assert dropped.to_bytes() == kept.to_bytes() == gpustark.prove(pk, traces, pvs, backend="cpu").to_bytes()
    gpustark.verify(vk, dropped)
    monkeypatch.setenv("GPUSTARK_KEEP_CODEWORD", "yes")
    with pytest.raises(ValueError, match="GPUSTARK_KEEP_CODEWORD: expected 0 or 1"):
        gpustark.prove(pk, traces, pvs, backend=backend)
    assert _backend.resolve(backend) == backend
