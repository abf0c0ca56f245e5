"""GPUSTARK_DEVICE_TRANSCRIPT=1 on a device backend: the sumcheck rounds of the stacked reduction,
each LogUp-GKR layer and WHIR's folding rounds (with their grinds) run with the transcript's sponge
on the device (EfTables::transcript_rounds, docs/device.md). The proof is the host loop's and the
CPU's, byte for byte; on dual:cpu,<device> each run of rounds is also compared step by step."""
import pytest

import gpustark
from gpustark.many import workload_jobs
from gpustark.workloads import WORKLOADS, make_params


@pytest.mark.parametrize("workload", ["interactions", "multi"])
def test_rounds_with_the_sponge_on_the_device_give_the_same_proof(backend, monkeypatch, workload):
    if backend == "cpu":
        pytest.skip("the cpu backend runs every round against the host transcript; the switch is for device backends")
    pk, vk = gpustark.keygen(WORKLOADS[workload].airs({}), make_params("small"))
    traces, pvs = workload_jobs(workload, 1, {"seed": 3})[0].witness()
    monkeypatch.setenv("GPUSTARK_DEVICE_TRANSCRIPT", "1")
    on_device = gpustark.prove(pk, traces, pvs, backend=backend)
    monkeypatch.delenv("GPUSTARK_DEVICE_TRANSCRIPT")
    host_loop = gpustark.prove(pk, traces, pvs, backend=backend)
    assert on_device.to_bytes() == host_loop.to_bytes() == gpustark.prove(pk, traces, pvs, backend="cpu").to_bytes()
    gpustark.verify(vk, on_device)
