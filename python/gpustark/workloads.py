"""Named workloads for the command line: each builds its AIRs (all the verifier needs) and,
for proving, its traces and public values from a few integer options."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import params as _params
from .air import Air
from .examples import fibonacci_air, fibonacci_public_values, fibonacci_trace, fixture11, multi_airs, multi_fixture

__all__ = ["Workload", "WORKLOADS", "make_params"]


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    airs: Callable[[dict], list[Air]]
    witness: Callable[[dict], tuple[list[np.ndarray], list[list[int]]]]
    defaults: dict


def _fib_witness(options):
    trace = fibonacci_trace(options["height"])
    return [trace], [fibonacci_public_values(trace)]


def _multi_witness(options):
    _, traces, pvs = multi_fixture(seed=options["seed"])
    return traces, pvs


WORKLOADS = {
    "fib": Workload("fib", "Fibonacci AIR with public values a, b and the last value",
                    lambda o: [fibonacci_air()], _fib_witness, {"height": 1024}),
    "interactions": Workload("interactions", "the two dummy interaction AIRs of OpenVM's fixture 11",
                             lambda o: fixture11()[0], lambda o: fixture11()[1:], {}),
    "multi": Workload("multi", "three AIRs of different heights (one short) with rotations and a lookup bus",
                      lambda o: multi_airs(), _multi_witness, {"seed": 0}),
}


def make_params(name: str, log_stacked_height: int | None = None) -> _params.SystemParams:
    """'small' (test_params_small) or 'app' (app_params_with_100_bits_security(log_stacked_height or 21))."""
    if name == "small":
        return _params.test_params_small()
    if name == "app":
        return _params.app_params_with_100_bits_security(log_stacked_height or 21)
    raise ValueError(f"params: expected 'small' or 'app', found {name!r}")
