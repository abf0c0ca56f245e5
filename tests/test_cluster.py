"""gpustark.cluster on a local Ray (two CPUs): every proof verifies and equals the same job proved
alone; a worker killed mid-run loses no job and repeats none; a failing job raises naming its id;
bad arguments raise before any worker starts."""
import dataclasses
import os
import sys
import time

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install gpustark[ray])")

import gpustark  # noqa: E402
from gpustark import cluster  # noqa: E402
from gpustark.cluster import JobError, WorkerLostError, prove_many_on_ray, prove_on_ray  # noqa: E402
from gpustark.examples import multi_fixture  # noqa: E402
from gpustark.many import Job, WorkloadJob, workload_jobs  # noqa: E402
from gpustark.workloads import WORKLOADS, make_params  # noqa: E402

# The job classes below are defined here, so Ray ships them by value (workers can't import tests/).
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])


@dataclasses.dataclass(frozen=True)
class SlowJob(WorkloadJob):
    """A workload job that takes `delay` seconds more, so that a worker has jobs in flight when killed."""

    delay: float = 0.0

    def witness(self):
        time.sleep(self.delay)
        return super().witness()


@dataclasses.dataclass(frozen=True)
class CrashJob(WorkloadJob):
    """A job whose worker process dies every time it starts the job."""

    def witness(self):
        os._exit(1)


@pytest.fixture(scope="module")
def local_ray():
    if ray.is_initialized():
        pytest.skip("a Ray is already running in this process")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def keys():
    return gpustark.keygen(WORKLOADS["multi"].airs({}), make_params("small"))


def alone(pk, job):
    traces, public_values = job.witness()
    return gpustark.prove(pk, traces, public_values, backend="cpu").to_bytes()


def check_proofs(pk, vk, jobs, proofs: dict):
    assert sorted(proofs) == sorted(job.id for job in jobs)
    for job in jobs:
        gpustark.verify(vk, gpustark.Proof.from_bytes(proofs[job.id]))
        assert proofs[job.id] == alone(pk, job), job.id


def test_every_proof_verifies_and_equals_the_job_proved_alone(local_ray, keys):
    pk, vk = keys
    jobs = workload_jobs("multi", 6, {"seed": 10})
    seen, proofs = [], {}
    for job_id, data, info in prove_on_ray(pk, iter(jobs), workers=2):  # any iterable, pulled as it goes
        seen.append(job_id)
        proofs[job_id] = data
        assert info["worker"] in (0, 1) and info["attempts"] == 1 and info["seconds"] >= 0 and info["node"]
    assert len(seen) == len(set(seen))
    check_proofs(pk, vk, jobs, proofs)


def test_prove_many_on_ray_returns_job_order_and_takes_plain_jobs(local_ray, keys):
    pk, vk = keys
    jobs = [Job(f"j{seed}", *multi_fixture(seed=seed)[1:]) for seed in (3, 1, 2)]
    proofs = prove_many_on_ray(pk, jobs, workers=1, max_in_flight_per_worker=1)
    assert proofs == [alone(pk, job) for job in jobs]
    check_proofs(pk, vk, jobs, dict(zip([job.id for job in jobs], proofs)))


def test_a_killed_worker_loses_no_job_and_repeats_none(local_ray, keys):
    pk, vk = keys
    jobs = [SlowJob(i, "multi", {"seed": 20 + i}, delay=0.5) for i in range(8)]
    seen, proofs, attempts = [], {}, []
    for job_id, data, info in prove_on_ray(pk, jobs, workers=2):
        if not seen:  # its worker still holds its second job: kill the process (Ray restarts it)
            ray.kill(ray.get_actor(info["actor"]), no_restart=False)
        seen.append(job_id)
        proofs[job_id] = data
        attempts.append(info["attempts"])
    assert sorted(seen) == list(range(8))  # each exactly once
    assert max(attempts) == 2  # the killed worker's unfinished job ran again
    check_proofs(pk, vk, jobs, proofs)


def test_a_job_that_always_kills_its_worker_gives_up_naming_it(local_ray, keys):
    pk, _ = keys
    with pytest.raises(WorkerLostError, match=r"job 'doomed': its worker died 2 times \(max_retries=1\)"):
        list(prove_on_ray(pk, [CrashJob("doomed", "multi")], workers=1, max_retries=1))


def test_when_every_worker_is_gone_the_error_says_so(local_ray, keys):
    pk, _ = keys
    jobs = [CrashJob("doomed", "multi"), *workload_jobs("multi", 2)]
    with pytest.raises(WorkerLostError, match=r"every worker died .*; jobs 'doomed' and any not yet taken"):
        list(prove_on_ray(pk, jobs, workers=1, max_restarts=0, max_in_flight_per_worker=1))


def test_a_failing_job_raises_naming_it_and_is_not_retried(local_ray, keys):
    pk, _ = keys
    _, traces, pvs = multi_fixture(seed=5)
    traces[0][3, 0] = (int(traces[0][3, 0]) + 1) % gpustark.field.P
    jobs = [*workload_jobs("multi", 2), Job("bad", traces, pvs)]
    with pytest.raises(JobError, match="job 'bad': failed on worker 0: ValueError") as info:
        list(prove_on_ray(pk, jobs, workers=1))
    assert info.value.job_id == "bad" and isinstance(info.value.__cause__, ValueError)


def test_stopping_early_ends_the_workers(local_ray, keys):
    pk, _ = keys
    results = prove_on_ray(pk, workload_jobs("multi", 10), workers=2)
    _, _, info = next(results)
    results.close()
    # ray.kill is asynchronous: the names go once the actors are dead, shortly after close() returns.
    deadline = time.monotonic() + 30
    while _prover_actors() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _prover_actors(), "workers still alive 30 s after the stream was closed"
    with pytest.raises(ValueError):
        ray.get_actor(info["actor"])


def _prover_actors():
    return [a for a in ray.util.list_named_actors() if a.startswith("gpustark-prover-")]


@pytest.mark.parametrize("options, message", [
    ({"workers": 0}, "workers: expected an integer >= 1"),
    ({"workers": 1.5}, "workers: expected an integer >= 1"),
    ({"backend": "vulkan"}, "backend: expected one of cpu, cuda, metal"),
    ({"backend": "dual:cpu"}, "backend: expected one of"),
    ({"max_in_flight_per_worker": 0}, "max_in_flight_per_worker"),
    ({"cpus_per_worker": 0}, "cpus_per_worker"),
])
def test_bad_arguments_raise_before_anything_starts(keys, options, message):
    with pytest.raises(ValueError, match=message):
        prove_on_ray(keys[0], [], **options)


def test_repeated_job_ids_raise(keys):
    jobs = [WorkloadJob(1, "multi"), WorkloadJob(1, "multi", {"seed": 2})]
    with pytest.raises(ValueError, match="job id 1 appears twice"):
        prove_many_on_ray(keys[0], jobs)
    with pytest.raises(TypeError, match="expected gpustark.many.Job or WorkloadJob"):
        prove_many_on_ray(keys[0], ["not a job"])


def test_without_ray_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ImportError, match=r"pip install gpustark\[ray\]"):
        cluster.prove_on_ray(None, [])


def test_prove_many_cli_on_ray_writes_every_job(local_ray, keys, tmp_path, capsys):
    from cli_run import gpustark as run
    from gpustark.proof_file import parse_proof_file

    pk, _ = keys
    code, out, err = run(capsys, "prove-many", "multi", "--count", 3, "--ray", "local", "--workers", 2,
                         "--out-dir", tmp_path)
    assert code == 0, err
    assert "on Ray (local), 2 workers: 3 proofs in" in out and "peak device memory per worker" in out
    for job in workload_jobs("multi", 3):
        assert parse_proof_file((tmp_path / f"job-{job.id}.proof").read_bytes())[1] == alone(pk, job)
