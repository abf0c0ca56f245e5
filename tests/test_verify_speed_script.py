"""benchmarks/verify_speed.py still runs: it reads proof files through gpustark's own API, which
has changed under it before (timings are printed, never asserted)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import gpustark as package
from cli_run import gpustark

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_PARENT = Path(package.__file__).resolve().parents[1]  # the gpustark this test imported


def test_verify_speed_prints_a_row_per_proof(tmp_path, capsys):
    proof = tmp_path / "fib.proof"
    assert gpustark(capsys, "prove", "fib", "--height", 64, "--out", proof)[0] == 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_PARENT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "verify_speed.py"), "--runs", "1", "--proof", str(proof)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if " native " in line]
    assert [row.split()[0] for row in rows] == ["fib", "interactions", "multi", "fib"], done.stdout
