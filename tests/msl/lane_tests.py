"""What the lane emulator's test files share (tests/test_lane_emulator*.py): the emulator, built
once per pytest process however many files use it, random field data, and word comparisons
that say where the first difference is."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import msl_emulator
from ef_reference import P, NativeField, NumpyField

_built: dict[str, object] = {}


def emulator(tmp_path_factory) -> msl_emulator.Emulator:
    """The emulator, compiled on first use (pytest fails the test if it does not build)."""
    if "emu" not in _built:
        try:
            _built["emu"] = msl_emulator.build(tmp_path_factory.mktemp("lane_emulator"))
        except msl_emulator.EmulatorError as e:
            _built["emu"] = e
    if isinstance(_built["emu"], Exception):
        pytest.fail(str(_built["emu"]), pytrace=False)
    return _built["emu"]


def gpustark_module(name):
    """gpustark or one of its submodules, for the CPU-backend comparisons. Skips only while the
    package itself is not built; once it is, a missing submodule is an error."""
    pytest.importorskip("gpustark", reason="gpustark is not importable (build it to compare with the CPU backend)")
    return importlib.import_module(name)


def field_ops(kind: str):
    """The arithmetic a model runs on: 'reference' (numpy, independent) or 'cpu' (gpustark.field)."""
    return NumpyField() if kind == "reference" else NativeField(gpustark_module("gpustark.field"))


def field(rng, *shape):
    return rng.integers(0, P, size=shape, dtype=np.uint32)


def words(*pieces) -> np.ndarray:
    """A scenario's input: its pieces (arrays of canonical values, Ef as 4 limbs) flattened in order."""
    return np.concatenate([np.asarray(p, dtype=np.uint64).ravel() for p in pieces]).astype(np.uint32)


def assert_words(actual, expected, what):
    actual, expected = np.asarray(actual, dtype=np.uint32), np.asarray(expected, dtype=np.uint32)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    bad = np.argwhere(actual != expected)
    assert bad.size == 0, (f"{what}: {len(bad)} of {actual.size} words differ, first at {tuple(bad[0])}: "
                           f"{actual[tuple(bad[0])]} != {expected[tuple(bad[0])]}")
