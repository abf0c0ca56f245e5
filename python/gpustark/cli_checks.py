"""Checks the command line makes before any work starts, so a bad path, a size that cannot fit or
a flag that does not apply costs the user one clear line instead of minutes and a traceback.
Each raises ValueError whose message starts with the flag (or variable) it is about."""
from __future__ import annotations

import os

from ._checks import read_file_capped
from .params import SystemParams
from .workloads import Workload

__all__ = ["check_output_path", "read_capped", "check_log_env", "check_workload_flags", "check_trace_sizes",
           "MAX_PROOF_FILE_BYTES", "PROVE_MEMORY_FACTOR"]

# `verify` reads at most this much of a proof file: keccakf's proof is about 0.5 MiB, and a file
# of unbounded length (/dev/zero) must not fill memory.
MAX_PROOF_FILE_BYTES = 256 << 20

# Peak resident memory of a CPU proof divided by its traces' bytes, measured (ru_maxrss): 8.7 for
# keccakf 512 perms (173 MB of trace, app params 21); small runs are dominated by a fixed ~70 MB
# (18.6 at 128 perms, 33 for fib 2^18). Large runs are what this guards, so the large-run factor,
# rounded up: the estimate refuses what cannot fit without refusing what can.
PROVE_MEMORY_FACTOR = 10

# app_params_with_100_bits_security's largest stacked height (l_skip + n_stack).
MAX_LOG_STACKED_HEIGHT = 24

# What the native span logger understands (cpp/core/spans.cpp reads GPUSTARK_LOG once at load),
# plus "off"; anything else would be silently ignored there.
LOG_VALUES = ("debug", "DEBUG", "trace", "off")


def check_output_path(flag: str, path: str | None) -> None:
    """Refuse an output path that cannot be written: a missing directory, a directory, or no
    permission. Nothing is created."""
    if path is None:
        return
    if os.path.isdir(path):
        raise ValueError(f"{flag}: '{path}' is a directory; expected a file name")
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        raise ValueError(f"{flag}: directory '{directory}' does not exist")
    target = path if os.path.exists(path) else directory
    if not os.access(target, os.W_OK):
        raise ValueError(f"{flag}: '{target}' is not writable")


def read_capped(path: str, cap: int = MAX_PROOF_FILE_BYTES) -> bytes:
    """The file's bytes; ValueError if it holds more than `cap` (read stops there)."""
    return read_file_capped(path, cap, "the most verify reads; not a proof")


def check_log_env(environ=os.environ) -> None:
    value = environ.get("GPUSTARK_LOG")
    if value and value not in LOG_VALUES:
        raise ValueError(f"GPUSTARK_LOG: expected one of {', '.join(LOG_VALUES)} (or unset), found {value!r}")


def check_workload_flags(workload: Workload, given: dict) -> None:
    """`given`: workload options set on the command line (name -> value). Refuse those the
    workload does not take, naming the ones it does."""
    for key in given:
        if key not in workload.defaults:
            takes = ", ".join(f"--{k.replace('_', '-')}" for k in sorted(workload.defaults)) or "no options"
            raise ValueError(f"--{key.replace('_', '-')}: does not apply to {workload.name} (it takes {takes})")


def _available_memory() -> int | None:
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _size(nbytes: float) -> str:
    return f"{nbytes / (1 << 30):.1f} GiB" if nbytes >= 1 << 30 else f"{nbytes / (1 << 20):.0f} MiB"


def check_trace_sizes(workload: Workload, options: dict, widths: list[int], params: SystemParams,
                      available: int | None = None) -> None:
    """Before the witness is built: every trace height must be at most 2^(l_skip + n_stack), and
    the proof's estimated memory (PROVE_MEMORY_FACTOR x the traces' bytes) must fit in the
    available memory (`available`, default: what the OS reports free now)."""
    if workload.heights is None:
        return
    heights = workload.heights(options)
    limit = 1 << params.log_stacked_height
    need = PROVE_MEMORY_FACTOR * sum(4 * h * w for h, w in zip(heights, widths))
    tallest = max(heights)
    if tallest > limit:
        log_rows = (tallest - 1).bit_length()
        fix = (f"use --params app --log-stacked-height {max(11, log_rows)}" if log_rows <= MAX_LOG_STACKED_HEIGHT
               else f"no preset allows more than 2^{MAX_LOG_STACKED_HEIGHT} rows")
        raise ValueError(f"{workload.name} {options}: a trace of 2^{log_rows} rows exceeds {params.name}'s limit of "
                         f"2^{params.log_stacked_height} rows (2^(l_skip+n_stack)); proving it would need about "
                         f"{_size(need)} of memory ({fix})")
    available = _available_memory() if available is None else available
    if available is not None and need > available:
        raise ValueError(f"{workload.name} {options}: proving needs about {_size(need)} of memory, "
                         f"{_size(available)} is available")
