"""The target gate of `gpustark bench`: did the headline span's median meet a target, and by how much.

    target = target_from_flags(speedup=2, ms=None, baseline=before.summary())  # before the runs
    verdict = judge(target, result.summary())
    print(format_gate(target, verdict)); sys.exit(0 if verdict.met else EXIT_TARGET_MISSED)

A target is either a time (--target-ms T: median <= T) or a speed-up over a baseline
(--target-speedup X: median <= baseline median / X). Equality meets the target.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .bench_stats import HEADLINE, SpanStats

__all__ = ["EXIT_TARGET_MISSED", "Target", "Verdict", "target_from_flags", "judge", "format_gate"]

# Distinct from 1 (a crash) and 2 (usage errors), so a script can tell "slower than asked" apart.
EXIT_TARGET_MISSED = 3


@dataclass(frozen=True)
class Target:
    ms: float                           # the headline median must be at most this
    speedup: float | None = None        # the speed-up asked for (None: an absolute --target-ms)
    baseline_ms: float | None = None    # the baseline's headline median, with a speed-up


@dataclass(frozen=True)
class Verdict:
    measured_ms: float  # the headline median of this run
    met: bool
    gap_ms: float       # measured minus target: > 0 is how far over, <= 0 the margin


def headline_median(rows: Sequence[SpanStats], whose: str) -> float:
    for row in rows:
        if row.path == HEADLINE:
            return row.median_ms
    raise ValueError(f"{whose} has no {HEADLINE} span to gate on")


def _positive(flag: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
        raise ValueError(f"{flag}: expected a positive number, found {value!r}")
    return float(value)


def target_from_flags(speedup: float | None, ms: float | None,
                      baseline: Sequence[SpanStats] | None) -> Target | None:
    """The target the flags ask for (None: no gate). ValueError for a value that is not a positive
    finite number, both flags at once, or --target-speedup without a baseline to divide."""
    if speedup is not None and ms is not None:
        raise ValueError("--target-speedup and --target-ms: give one target, not both")
    if ms is not None:
        return Target(_positive("--target-ms", ms))
    if speedup is None:
        return None
    speedup = _positive("--target-speedup", speedup)
    if baseline is None:
        raise ValueError("--target-speedup needs --baseline FILE: the speed-up is over that run's median")
    base = headline_median(baseline, "--baseline")
    if base <= 0:
        raise ValueError(f"--baseline: its {HEADLINE} median is {base} ms; a speed-up over it means nothing")
    return Target(base / speedup, speedup, base)


def judge(target: Target, rows: Sequence[SpanStats]) -> Verdict:
    measured = headline_median(rows, "this run")
    return Verdict(measured, measured <= target.ms, measured - target.ms)


def _ms(value: float) -> str:
    # The table's two decimals, but significant digits for a tiny target (0.001 is not 0.00).
    return f"{value:.2f}" if value == 0 or abs(value) >= 0.1 else f"{value:.3g}"


def format_gate(target: Target, verdict: Verdict) -> str:
    """Two lines: what was asked, and what was measured with the gap."""
    asked = f"{HEADLINE} median <= {_ms(target.ms)} ms"
    got = f"{_ms(verdict.measured_ms)} ms"
    if target.speedup is not None:
        asked += f" (a {target.speedup:g}x speed-up on the baseline's {_ms(target.baseline_ms)} ms)"
        if verdict.measured_ms > 0:
            got += f" (a {target.baseline_ms / verdict.measured_ms:.3f}x speed-up)"
    outcome = (f"MET, {_ms(-verdict.gap_ms)} ms to spare" if verdict.met
               else f"MISSED by {_ms(verdict.gap_ms)} ms (exit {EXIT_TARGET_MISSED})")
    return f"target:   {asked}\nmeasured: {got}: {outcome}"
