"""The console script, run as a user would: `python -m gpustark ...` in a subprocess."""
import subprocess
import sys

import numpy as np
import pytest

import gpustark
import gpustark._backend


def run(*args):
    return subprocess.run([sys.executable, "-m", "gpustark", *args], capture_output=True, text=True, timeout=120)


def test_devices_lists_every_backend_and_why_one_is_unavailable():
    result = run("devices")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cpu: ")
    assert "threads" in result.stdout
    statuses = gpustark._backend.backend_status()
    assert {"cpu", "cuda", "metal"} <= {s["name"] for s in statuses}
    for status in statuses:
        if not status["available"]:
            assert status["reason"], status  # a CUDA build without a GPU says why
            assert f"{status['name']}: not available: {status['reason']}" in result.stdout
    compiled = {s["name"] for s in statuses if s["compiled"]}
    assert set(gpustark.backends()) <= compiled


def test_backends_left_out_of_the_build_say_so(monkeypatch):
    monkeypatch.setattr(gpustark._backend._native, "backend_status", lambda: [("cpu", True, ""), ("cuda", False, "no GPU")])
    statuses = {s["name"]: s for s in gpustark._backend.backend_status()}
    assert statuses["cuda"] == {"name": "cuda", "compiled": True, "available": False, "reason": "no GPU"}
    assert not statuses["metal"]["compiled"] and "not compiled into this build" in statuses["metal"]["reason"]


def test_commit_prints_the_root_of_the_encoded_matrix():
    result = run("commit", "--log-rows", "6", "--cols", "3", "--log-blowup", "1", "--log-group", "2", "--seed", "7")
    assert result.returncode == 0, result.stderr
    root_line = [line for line in result.stdout.splitlines() if line.startswith("root")][0]
    # The same computation through the library.
    coefficients = np.random.default_rng(7).integers(0, gpustark.field.P, size=(64, 3), dtype=np.uint32)
    padded = np.zeros((128, 3), np.uint32)
    padded[:64] = coefficients
    tree = gpustark.merkle.MerkleTree(gpustark.ntt.ntt(padded), log_group=2)
    assert root_line.split()[1:] == [str(int(v)) for v in tree.root]


def test_bad_arguments_give_one_line_errors():
    for args, message in [(("commit", "--cols", "0"), "--cols"), (("commit", "--backend", "nope"), "'nope' is not available"),
                          (("commit", "--log-rows", "3", "--log-group", "9"), "--log-group")]:
        result = run(*args)
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("workload, extra", [("fib", ["--height", "64"]), ("interactions", []), ("multi", ["--seed", "2"])])
def test_prove_then_verify(tmp_path, workload, extra):
    out = tmp_path / f"{workload}.proof"
    result = run("prove", workload, "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    assert out.exists() and "proved" in result.stdout
    result = run("verify", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid:")


def test_verify_rejects_tampered_and_malformed_files(tmp_path):
    good = tmp_path / "fib.proof"
    assert run("prove", "fib", "--height", "32", "--out", str(good)).returncode == 0
    data = good.read_bytes()
    cases = {"flipped": data[:-40] + bytes([data[-40] ^ 1]) + data[-39:], "truncated": data[:-7],
             "garbage": b"not a proof", "bad header": data[:12] + b"}" + data[13:], "empty": b""}
    for name, content in cases.items():
        path = tmp_path / f"{name}.proof"
        path.write_bytes(content)
        result = run("verify", str(path))
        assert result.returncode == 1, name
        lines = result.stdout.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("invalid:"), (name, result.stdout)
        assert "Traceback" not in result.stderr, name
    missing = run("verify", str(tmp_path / "missing.proof"))
    assert missing.returncode == 1 and missing.stdout.startswith("invalid:")
