"""The constraint DAG compiled per AIR for CUDA (cpp/backends/cuda/compiled_dag.h): the generated
source of each AIR goes through NVRTC for sm_90 without a GPU, in parts that cover the program's
groups in order, and the disk cache hands back the same cubins without compiling again.

Whether the compiled kernel computes the interpreter's sums is checked on a GPU: every CUDA proof
runs it, and `dual:cpu,cuda` and benchmarks/gpu_check.sh compare the proofs byte for byte.
Skipped, with the reason, in a build without CUDA or where NVRTC is not installed (the `test`
extra brings NVIDIA's wheel on Linux).
"""
from __future__ import annotations

import pytest

import gpustark
from gpustark import _native
from gpustark.examples import fibonacci_air, fixture11, multi_fixture
from gpustark.examples.keccak import keccak_air
from gpustark.verifier.verify import air_statement

SMALL = gpustark.test_params_small()
ARCH = 90


def _programs(airs):
    _, vk = gpustark.keygen(airs, SMALL)
    return [air_statement(avk).program for avk in vk.per_air]


def _compile(program):
    try:
        return _native.cuda_dag_cubins(program, ARCH)
    except RuntimeError as exc:  # no CUDA in this build, or no NVRTC: say which
        pytest.skip(f"cannot compile for CUDA here: {exc}")


def _check_parts(program, built):
    groups = len(program.dag_stats()["group_instructions"])
    expected_first = 0
    for first, count in built["parts"]:
        assert first == expected_first and count > 0
        expected_first += count
    assert expected_first == groups
    assert len(built["cubins"]) == len(built["parts"])
    for cubin in built["cubins"]:
        assert cubin[:4] == b"\x7fELF"
        assert b"gs_dag_base_sums" in cubin  # the kernel the device loads by name


def _airs_of(name):
    if name == "fibonacci":
        return [fibonacci_air()]
    if name == "interactions":
        return fixture11()[0]
    return multi_fixture()[0]


@pytest.mark.parametrize("name", ["fibonacci", "interactions", "multi"])
def test_small_airs_compile_and_come_back_from_the_cache(name, tmp_path, monkeypatch):
    monkeypatch.setenv("GPUSTARK_CACHE_DIR", str(tmp_path))
    for program in _programs(_airs_of(name)):
        first = _compile(program)
        _check_parts(program, first)
        assert first["compiled"] == len(first["parts"])
        again = _native.cuda_dag_cubins(program, ARCH)
        assert again["compiled"] == 0
        assert again["cubins"] == first["cubins"]


@pytest.mark.slow
def test_keccak_compiles_in_several_parts(tmp_path, monkeypatch):
    """Keccak's 42,739 instructions in parts of about 4,096 (minutes on 2 cores)."""
    monkeypatch.setenv("GPUSTARK_CACHE_DIR", str(tmp_path))
    (program,) = _programs([keccak_air()])
    built = _compile(program)
    _check_parts(program, built)
    assert len(built["parts"]) > 1


def test_bad_architecture_is_a_value_error():
    (program,) = _programs([fibonacci_air()])
    try:
        with pytest.raises(ValueError, match="arch"):
            _native.cuda_dag_cubins(program, 7)
    except RuntimeError as exc:
        pytest.skip(f"cannot compile for CUDA here: {exc}")
