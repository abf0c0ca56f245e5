"""Timing spans: where a proof spends its time, under OpenVM's span names.

    import gpustark
    from gpustark import spans

    with spans.record() as recorded:                 # a list, filled when the block ends
        proof = gpustark.prove(pk, traces)
    for s in recorded:
        print("  " * s.depth + s.name, s.duration_ms)
    spans.write_chrome_trace(recorded, "trace.json")  # open in https://ui.perfetto.dev

    with spans.span("my_phase"):                      # your own spans nest with the prover's
        spans.count("kernel_count", 3)                # counters ride on the innermost span

A proof records, nested: stark_prove_excluding_trace > prover.main_trace_commit > stacked_commit >
(rs_code_matrix, merkle_tree); prover.rap_constraints > (logup_gkr > input_evals, round0, mle_rounds);
prover.openings > (stacked_reduction, whir). Spans are recorded natively (C++ `ScopedSpan`) on one
steady clock with a per-thread stack shared by Python and C++, so they nest across the boundary.
When nothing records and logging is off, a span costs one atomic load. GPUSTARK_LOG=debug (set
before import) prints every span to stderr as it closes; set_logging() switches it at run time.
"""
from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from . import _native

__all__ = ["Span", "record", "span", "watch", "count", "now_ns", "set_logging", "logging_enabled", "chrome_trace",
           "write_chrome_trace"]

_spans = _native.spans
# Callbacks (name, opened: bool) for Python spans as they open and close: the CLI's progress line.
_watchers: list = []


@dataclass(frozen=True)
class Span:
    """One closed span. `path` joins the names of its open ancestors and its own with '/';
    `parent` indexes the same list (None at the top); `depth` counts recorded ancestors; times are
    now_ns() values; `counters` holds what count() added while it was the innermost span."""

    name: str
    path: str
    start_ns: int
    end_ns: int
    depth: int
    parent: int | None
    thread: int = 0
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def duration_ns(self) -> int:
        return self.end_ns - self.start_ns

    @property
    def duration_ms(self) -> float:
        return self.duration_ns / 1e6


def now_ns() -> int:
    """Nanoseconds on the steady clock all spans use (arbitrary epoch)."""
    return int(_spans.now_ns())


@contextlib.contextmanager
def record() -> Iterator[list[Span]]:
    """Record every span opened inside the block, on any thread; yields a list that is filled, in
    opening order (parents first), when the block ends. Recordings may nest."""
    out: list[Span] = []
    token = _spans.begin_recording()
    try:
        yield out
    finally:
        for name, path, start, end, depth, parent, thread, counters in _spans.end_recording(token):
            out.append(Span(name, path, int(start), int(end), int(depth), None if parent < 0 else int(parent),
                            int(thread), dict(counters)))


class span:  # noqa: N801 - used like a function: `with span("name"):`
    """Time the block as a span named `name`, nested under whatever span is open on this thread."""

    __slots__ = ("name", "_token")

    def __init__(self, name: str):
        self.name = name
        self._token = 0

    def __enter__(self) -> "span":
        self._token = _spans.open(self.name)
        for watcher in _watchers:
            watcher(self.name, True)
        return self

    def __exit__(self, *exc) -> None:
        _spans.close(self._token)
        for watcher in _watchers:
            watcher(self.name, False)


@contextlib.contextmanager
def watch(callback) -> Iterator[None]:
    """Call `callback(name, opened)` as each Python span (the prover's phases) opens and closes
    inside the block; spans opened in C++ are not seen."""
    _watchers.append(callback)
    try:
        yield
    finally:
        _watchers.remove(callback)


def count(key: str, delta: int = 1) -> None:
    """Add `delta` to counter `key` of the innermost recorded span open on this thread (if any)."""
    _spans.count(key, int(delta))


def set_logging(on: bool) -> None:
    """Print each span to stderr as it closes (what GPUSTARK_LOG=debug turns on at import)."""
    _spans.set_logging(bool(on))


def logging_enabled() -> bool:
    return bool(_spans.logging())


def chrome_trace(spans: Sequence[Span], metadata: dict | None = None) -> dict:
    """The spans as a Chrome trace (Trace Event Format): one complete event ('ph': 'X') per span,
    times in microseconds from the first span's start, counters as the event's args."""
    origin = min((s.start_ns for s in spans), default=0)
    pid = os.getpid()
    events = [{"name": s.name, "cat": "gpustark", "ph": "X", "ts": (s.start_ns - origin) / 1e3,
               "dur": s.duration_ns / 1e3, "pid": pid, "tid": s.thread, "args": {"path": s.path, **s.counters}}
              for s in spans]
    return {"traceEvents": events, "displayTimeUnit": "ms", "otherData": dict(metadata or {})}


def write_chrome_trace(spans: Sequence[Span], path, metadata: dict | None = None) -> None:
    """Write chrome_trace(spans) as JSON to `path` (open it in Perfetto or chrome://tracing)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(chrome_trace(spans, metadata), f, indent=1)
        f.write("\n")
