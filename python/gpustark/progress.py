"""A progress line on stderr for long commands: the phase running now and the time since start.

Phases are the CLI's own steps (keygen, witness) and the prover's spans (spans.watch), so the
prover prints nothing itself. On a terminal the line is redrawn in place every half second; when
forced on elsewhere (GPUSTARK_PROGRESS=1, for logs and tests) each phase gets one line as it
starts, and a last line when the command's work is done. GPUSTARK_PROGRESS=0 turns it off.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from typing import Iterator, TextIO

from . import spans

__all__ = ["Progress", "progress_enabled"]

TICK_SECONDS = 0.5


def progress_enabled(stream: TextIO, environ=os.environ) -> bool:
    """GPUSTARK_PROGRESS=1 or 0 decides; otherwise on exactly when `stream` is a terminal."""
    forced = environ.get("GPUSTARK_PROGRESS")
    if forced in ("0", "1"):
        return forced == "1"
    if forced:
        raise ValueError(f"GPUSTARK_PROGRESS: expected 0 or 1 (or unset), found {forced!r}")
    return stream.isatty()


class Progress:
    """`with Progress() as progress: progress.phase("witness") ...`; prover spans show themselves."""

    def __init__(self, enabled: bool | None = None, stream: TextIO | None = None):
        self.stream = stream or sys.stderr  # looked up now, so a redirected stderr is used
        self.enabled = progress_enabled(self.stream) if enabled is None else enabled
        self.redraw = self.enabled and self.stream.isatty()
        self._start = time.perf_counter()
        self._phases: list[str] = []  # open prover spans, innermost last
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._exit = contextlib.ExitStack()

    def __enter__(self) -> "Progress":
        if self.enabled:
            self._exit.enter_context(spans.watch(self._on_span))
            if self.redraw:
                ticker = threading.Thread(target=self._tick, name="gpustark-progress", daemon=True)
                ticker.start()
                self._exit.callback(ticker.join)
                self._exit.callback(self._stop.set)
        return self

    def __exit__(self, *exc) -> None:
        self._exit.close()
        if self.enabled:
            self._show("done")
            if self.redraw:
                self.stream.write("\n")
                self.stream.flush()

    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    def phase(self, name: str) -> None:
        """Start a step of the command's own (not a prover span)."""
        with self._lock:
            self._phases = [name]
        self._show(name)

    def _on_span(self, name: str, opened: bool) -> None:
        with self._lock:
            if opened:
                self._phases.append(name)
            elif name in self._phases:
                self._phases.remove(name)
            current = self._phases[-1] if self._phases else None
        if opened and current:
            self._show(current)

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            with self._lock:
                current = self._phases[-1] if self._phases else ""
            self._show(current)

    def _show(self, what: str) -> None:
        if not self.enabled:
            return
        line = f"gpustark: [{self.elapsed():6.1f} s] {what}"
        with self._lock:
            self.stream.write(f"\r\033[K{line}" if self.redraw else line + "\n")
            self.stream.flush()
