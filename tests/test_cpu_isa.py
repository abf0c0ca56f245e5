"""The CPU's SIMD copies (baseline, AVX2, AVX-512; chosen at run time, capped by GPUSTARK_CPU_ISA)
write the same proof bytes: each is proved in a fresh process, since the choice is made once."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gpustark

# The subprocesses import the gpustark this test imported (installed, or the source tree's).
PACKAGE_PARENT = Path(gpustark.__file__).resolve().parents[1]
CASES = {
    "keccakf": ["keccakf", "--perms", "16", "--params", "app", "--log-stacked-height", "14"],
    "interactions-large": ["interactions-large", "--height", "4096"],
}


def run_cli(isa: str | None, *args: str) -> str:
    env = dict(os.environ)
    env.pop("GPUSTARK_CPU_ISA", None)
    if isa:
        env["GPUSTARK_CPU_ISA"] = isa
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "gpustark.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def isa_in_use(isa: str | None) -> str:
    """The copy a process with this cap runs, as `gpustark devices` reports it."""
    out = run_cli(isa, "devices")
    line = next(line for line in out.splitlines() if "poseidon2_lanes" in line)
    return line.split("(")[-1].rstrip(")")


@pytest.mark.parametrize("workload", sorted(CASES))
def test_every_simd_copy_writes_the_same_proof(tmp_path, workload):
    widest = isa_in_use(None)
    caps = [isa for isa in ("baseline", "avx2") if isa != widest]
    proofs = {}
    for isa in [None, *caps]:
        got = isa_in_use(isa)
        if isa and got != isa:
            continue  # this CPU lacks the copy (or the build has none): the widest one already ran
        out = tmp_path / f"{workload}.{got}.proof"
        run_cli(isa, "prove", *CASES[workload], "--out", str(out))
        proofs[got] = out.read_bytes()
    if len(proofs) < 2:
        pytest.skip(f"only the {widest} copy runs here (a CPU or build without SIMD copies)")
    first = next(iter(proofs.values()))
    assert all(p == first for p in proofs.values()), {isa: len(p) for isa, p in proofs.items()}


def test_the_cap_narrows_the_copy_in_use():
    assert isa_in_use("baseline") == "baseline"
    assert isa_in_use("no-such-isa") == isa_in_use(None)  # an unknown value caps nothing
