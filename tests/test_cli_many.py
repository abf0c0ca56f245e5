"""`gpustark prove-many`: every job's proof file verifies and is the proof of that job alone; the
summary names throughput and latency; bad flags give one-line errors."""
from __future__ import annotations

import gpustark
from cli_run import fails_with, gpustark as run
from gpustark.cli_many import latency_summary
from gpustark.many import workload_jobs
from gpustark.proof_file import parse_proof_file
from gpustark.workloads import WORKLOADS, make_params


def test_prove_many_writes_one_verified_proof_per_job(tmp_path, capsys):
    out = tmp_path / "proofs"
    code, stdout, err = run(capsys, "prove-many", "multi", "--seed", 3, "--count", 3, "--streams", 2, "--out-dir", out)
    assert code == 0, err
    assert "3 proofs in" in stdout and "proofs/s" in stdout and "latency p95 ms" in stdout
    assert "peak device memory per stream: cpu -" in stdout and "(not tracked on this backend)" in stdout
    pk, vk = gpustark.keygen(WORKLOADS["multi"].airs({}), make_params("small"))
    for job in workload_jobs("multi", 3, {"seed": 3}):
        header, data = parse_proof_file((out / f"job-{job.id}.proof").read_bytes())
        assert header["options"] == {"seed": 3 + job.id}
        traces, pvs = job.witness()
        assert data == gpustark.prove(pk, traces, pvs).to_bytes()
        assert run(capsys, "verify", out / f"job-{job.id}.proof")[0] == 0


def test_latency_summary_is_median_and_nearest_rank_p95():
    assert latency_summary([0.001, 0.003, 0.002]) == (2.0, 3.0)
    assert latency_summary([i / 1000 for i in range(1, 101)])[1] == 95.0


def test_bad_prove_many_flags_give_one_line_errors(tmp_path, capsys):
    out = tmp_path / "d"
    fails_with(capsys, "--count, --streams", "prove-many", "multi", "--count", 0, "--out-dir", out)
    fails_with(capsys, "--count, --streams", "prove-many", "multi", "--count", 2, "--streams", 0, "--out-dir", out)
    fails_with(capsys, "applies without --ray", "prove-many", "multi", "--count", 2, "--streams", 2, "--ray", "local",
               "--out-dir", out)
    (tmp_path / "file").write_text("x")
    fails_with(capsys, "not a directory", "prove-many", "multi", "--count", 1, "--out-dir", tmp_path / "file")
    fails_with(capsys, "not available", "prove-many", "multi", "--count", 1, "--backend", "nosuch", "--out-dir", out)
