"""Shared pytest options: --backend picks the backend every primitive test runs on (the same suite
runs unchanged on cpu, cuda, metal); --run-slow enables the large cases."""
from __future__ import annotations

import json
import pathlib
import zlib

import numpy as np
import pytest

VECTORS = pathlib.Path(__file__).parent / "vectors"


def pytest_addoption(parser):
    parser.addoption("--backend", default="cpu", help="backend under test (default: cpu)")
    parser.addoption("--run-slow", action="store_true", help="run the large, slow cases")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow case: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def backend(request) -> str:
    import gpustark

    name = request.config.getoption("--backend")
    try:
        return gpustark._backend.resolve(name)  # a listed backend, or dual:A,B over two of them
    except ValueError:
        pytest.skip(f"backend '{name}' is not available here (available: {gpustark.backends()})")


@pytest.fixture(scope="session")
def vectors() -> dict:
    return json.loads((VECTORS / "primitives.json").read_text())


@pytest.fixture(scope="session")
def poseidon2_constants() -> dict:
    return json.loads((VECTORS / "poseidon2_babybear16_constants.json").read_text())


@pytest.fixture
def rng(request) -> np.random.Generator:
    """Fresh random data per test; GPUSTARK_TEST_SEED varies it, the test's name keeps tests apart."""
    import os

    base = int(os.environ.get("GPUSTARK_TEST_SEED", "0"))
    return np.random.default_rng([base, zlib.crc32(request.node.nodeid.encode())])
