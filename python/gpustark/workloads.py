"""Named workloads for the command line: each builds its AIRs (all the verifier needs) and,
for proving, its traces and public values from a few integer options."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import params as _params
from .air import Air
from .examples import fibonacci_air, fibonacci_public_values, fibonacci_trace, fixture11, multi_airs, multi_fixture
from .examples.interaction_bench import interaction_bench_airs, interaction_bench_witness
from .examples.keccak import keccak_air, keccak_inputs, keccak_trace

__all__ = ["Workload", "WORKLOADS", "make_params", "resolve_params"]


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    airs: Callable[[dict], list[Air]]
    witness: Callable[[dict], tuple[list[np.ndarray], list[list[int]]]]
    defaults: dict
    # The preset a run uses unless told otherwise: (name for make_params, log_stacked_height or None).
    params: Callable[[dict], tuple[str, int | None]] = lambda options: ("small", None)
    # Each AIR's trace height, known from the options alone, so sizes are checked before the
    # witness is built; None for workloads whose witness is small and fixed.
    heights: Callable[[dict], list[int]] | None = None


def _fib_witness(options):
    trace = fibonacci_trace(options["height"])
    return [trace], [fibonacci_public_values(trace)]


def _multi_witness(options):
    _, traces, pvs = multi_fixture(seed=options["seed"])
    return traces, pvs


def _log2(height: int) -> int:
    return int(height).bit_length() - 1


# The largest trace fills the stacked height, as small as app params allow (11..24).
def _large_params(options):
    return "app", max(11, _log2(options["height"]))


def _keccak_perms(options) -> int:
    perms = options["perms"]
    if isinstance(perms, bool) or not isinstance(perms, int) or perms < 1:
        raise ValueError(f"--perms: expected an integer >= 1, found {perms!r}")
    return perms


def _keccak_heights(options):
    # keccak_trace's height: (24 * perms).next_power_of_two().
    return [1 << max(24 * _keccak_perms(options) - 1, 0).bit_length()]


def _keccak_airs(options):
    _keccak_perms(options)
    return [keccak_air()]


def _keccak_witness(options):
    return [keccak_trace(keccak_inputs(_keccak_perms(options), seed=options.get("seed", 42)))], [[]]


WORKLOADS = {
    "fib": Workload("fib", "Fibonacci AIR with public values a, b and the last value",
                    lambda o: [fibonacci_air()], _fib_witness, {"height": 1024}, heights=lambda o: [o["height"]]),
    "interactions": Workload("interactions", "the two dummy interaction AIRs of OpenVM's fixture 11",
                             lambda o: fixture11()[0], lambda o: fixture11()[1:], {}),
    "multi": Workload("multi", "three AIRs of different heights (one short) with rotations and a lookup bus",
                      lambda o: multi_airs(), _multi_witness, {"seed": 0}),
    "interactions-large": Workload(
        "interactions-large", "a lookup table and two AIRs looking it up on two buses (2.5 x height interaction rows)",
        lambda o: interaction_bench_airs(), lambda o: interaction_bench_witness(_log2(o["height"]), o["seed"]),
        {"height": 1 << 16, "seed": 0}, params=_large_params,
        # cube table, pair lookup, triple lookup (interaction_bench_witness's shapes)
        heights=lambda o: [o["height"] >> 2, o["height"], o["height"] >> 1]),
    # OpenVM's keccakf example: its inputs come from numpy, not Rust's StdRng.
    "keccakf": Workload("keccakf", "Plonky3's Keccak-f[1600] AIR, 24 rows per permutation (OpenVM's keccakf example)",
                        _keccak_airs, _keccak_witness, {"perms": 1024, "seed": 42}, params=lambda o: ("app", 21),
                        heights=_keccak_heights),
}


def resolve_params(workload: Workload, options: dict, name: str | None = None,
                   log_stacked_height: int | None = None) -> tuple[str, int | None]:
    """(preset name, log_stacked_height) for make_params: the arguments where given, else the
    workload's choice (its log_stacked_height only applies to its own preset)."""
    default_name, default_height = workload.params(options)
    if name is None or name == default_name:
        return default_name, log_stacked_height if log_stacked_height is not None else default_height
    return name, log_stacked_height


def make_params(name: str, log_stacked_height: int | None = None) -> _params.SystemParams:
    """'small' (test_params_small, whose stacked height is fixed) or 'app'
    (app_params_with_100_bits_security(log_stacked_height), 21 when None)."""
    if name == "small":
        if log_stacked_height is not None:
            raise ValueError(f"--log-stacked-height: applies to --params app only (test_params_small's is fixed at "
                             f"{_params.test_params_small().log_stacked_height})")
        return _params.test_params_small()
    if name == "app":
        try:
            return _params.app_params_with_100_bits_security(21 if log_stacked_height is None else log_stacked_height)
        except ValueError as exc:
            raise ValueError(f"--log-stacked-height: {str(exc).split(': ', 1)[-1]}") from None
    raise ValueError(f"params: expected 'small' or 'app', found {name!r}")
