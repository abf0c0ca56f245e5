"""Statistics and the table of `gpustark bench`: pure functions over span durations, no proving.

Runs are lists of gpustark.spans.Span. A span's time in a run is the sum over its occurrences with
the same path; statistics run over the runs in which the path occurs.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Sequence

from .spans import Span

__all__ = ["HEADLINE", "SpanStats", "median", "p95", "percentile_nearest_rank", "run_durations_ms", "summarize",
           "Delta", "compare", "speedup", "format_table"]

HEADLINE = "stark_prove_excluding_trace"
PEAK_COUNTER = "device_peak_bytes"  # core/spans.h: note_device_allocation


def median(values: Sequence[float]) -> float:
    """The middle value; the mean of the two middle values for an even count."""
    if not values:
        raise ValueError("median: expected at least one value")
    return float(statistics.median(values))


def percentile_nearest_rank(values: Sequence[float], percent: float) -> float:
    """The smallest value with at least `percent`% of the values at or below it: sorted value
    number ceil(percent/100 * n), counting from 1 (so p95 of 5 runs is the slowest)."""
    if not values:
        raise ValueError("percentile_nearest_rank: expected at least one value")
    if not 0 < percent <= 100:
        raise ValueError(f"percentile_nearest_rank: percent must be in (0, 100], found {percent}")
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1])


def p95(values: Sequence[float]) -> float:
    return percentile_nearest_rank(values, 95)


def run_durations_ms(run: Sequence[Span]) -> dict[str, tuple[str, int, float]]:
    """{path: (name, depth, total ms)} of one run, in the order paths first open."""
    out: dict[str, tuple[str, int, float]] = {}
    for s in run:
        name, depth, total = out.get(s.path, (s.name, s.depth, 0.0))
        out[s.path] = (name, depth, total + s.duration_ns / 1e6)
    return out


@dataclass(frozen=True)
class SpanStats:
    path: str
    name: str
    depth: int
    runs: int  # in how many runs the span occurred
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float
    # The most device memory held while the span was open, over the runs (its counter
    # device_peak_bytes, raised at each device allocation); None where no allocation was seen.
    device_peak_bytes: int | None = None


def summarize(runs: Sequence[Sequence[Span]]) -> list[SpanStats]:
    """One row per span path, in the order paths first appear (a tree's preorder)."""
    per_path: dict[str, tuple[str, int, list[float]]] = {}
    peaks: dict[str, int] = {}
    for run in runs:
        for path, (name, depth, ms) in run_durations_ms(run).items():
            per_path.setdefault(path, (name, depth, []))[2].append(ms)
        for s in run:
            if PEAK_COUNTER in s.counters:
                peaks[s.path] = max(peaks.get(s.path, 0), s.counters[PEAK_COUNTER])
    return [SpanStats(path, name, depth, len(v), median(v), p95(v), min(v), max(v), peaks.get(path))
            for path, (name, depth, v) in per_path.items()]


@dataclass(frozen=True)
class Delta:
    ms: float   # current median minus baseline median (negative: faster)
    pct: float  # relative to the baseline median (nan when that is 0)


def compare(current: Sequence[SpanStats], baseline: Sequence[SpanStats]) -> dict[str, Delta]:
    """{path: Delta} for every path in both, by median."""
    base = {row.path: row for row in baseline}
    out = {}
    for row in current:
        if row.path in base:
            b = base[row.path].median_ms
            d = row.median_ms - b
            out[row.path] = Delta(d, 100 * d / b if b else math.nan)
    return out


def speedup(current: Sequence[SpanStats], baseline: Sequence[SpanStats], path: str = HEADLINE) -> float | None:
    """baseline median / current median of `path` (> 1: faster now); None if either lacks it."""
    cur = next((r.median_ms for r in current if r.path == path), None)
    base = next((r.median_ms for r in baseline if r.path == path), None)
    if cur is None or base is None or cur == 0:
        return None
    return base / cur


def format_table(rows: Sequence[SpanStats], title: str, footer: Sequence[str] = (),
                 baseline: Sequence[SpanStats] | None = None) -> str:
    """The bench table: spans indented by depth; median, p95 and min..max in ms; the device memory
    held at most while each span was open (device backends); with a baseline,
    delta ms and delta % of the median per span and a speed-up line for the headline span."""
    deltas = compare(rows, baseline) if baseline is not None else {}
    labels = ["  " * r.depth + r.name for r in rows]
    width = max([len("span")] + [len(label) for label in labels])
    peaks = any(r.device_peak_bytes is not None for r in rows)  # a device backend's runs
    head = f"{'span':<{width}}  {'median ms':>10}  {'p95 ms':>10}  {'min..max ms':>21}"
    if peaks:
        head += f"  {'peak MiB':>9}"
    if baseline is not None:
        head += f"  {'delta ms':>10}  {'delta %':>8}"
    lines = [title, head, "-" * len(head)]
    for label, r in zip(labels, rows):
        line = f"{label:<{width}}  {r.median_ms:>10.2f}  {r.p95_ms:>10.2f}  {f'{r.min_ms:.2f}..{r.max_ms:.2f}':>21}"
        if peaks:
            line += f"  {'-' if r.device_peak_bytes is None else f'{r.device_peak_bytes / 2**20:.1f}':>9}"
        if baseline is not None:
            d = deltas.get(r.path)
            line += f"  {d.ms:>+10.2f}  {d.pct:>+7.1f}%" if d else f"  {'-':>10}  {'-':>8}"
        lines.append(line)
    lines.append("-" * len(head))
    lines.extend(footer)
    if baseline is not None:
        s = speedup(rows, baseline)
        if s is None:
            lines.append(f"speed-up: n/a ({HEADLINE} missing from this run or the baseline)")
        else:
            base = next(r.median_ms for r in baseline if r.path == HEADLINE)
            cur = next(r.median_ms for r in rows if r.path == HEADLINE)
            lines.append(f"speed-up: {s:.3f}x on {HEADLINE} (median {base:.2f} ms -> {cur:.2f} ms)")
    return "\n".join(lines)
