"""Where a proof's time goes below the spans: each backend call (a device stage) inside each span.

Runs `gpustark bench WORKLOAD --runs 1 --warmup 1` with GPUSTARK_LOG=debug and reads the debug
lines of the timed run: `span PATH MS` as each span closes and `dispatch_stage name=... wall_ms=`
as each device stage (one backend call) ends. A stage belongs to the leaf span that closes next
after it. Per span the table lists its stages (calls, kernels, syncs, wall ms) and what is left
over: the host's own work between the device calls.

    python3 benchmarks/stage_profile.py keccakf --backend cuda [--perms 256 ...]

Wall times include the host waiting for the device: a stage that ends with a sync covers its
kernels. Stages that end without a sync (a fold that only enqueues) show near-zero wall time, and
their kernels' time appears in the next stage that waits.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict

SPAN = re.compile(r"gpustark debug: span (\S+) ([0-9.]+) ms")
STAGE = re.compile(r"gpustark debug: dispatch_stage name=(\S+) command_buffer_count=(\d+) kernel_count=(\d+) "
                   r"sync_count=(\d+) wall_ms=([0-9.]+)")
TOP = "stark_prove_excluding_trace"


def timed_run_lines(lines: list[str]) -> list[str]:
    """The lines of the last proof: after the warm-up's top-level span closes."""
    ends = [i for i, line in enumerate(lines) if (m := SPAN.search(line)) and m.group(1) == TOP]
    if len(ends) < 2:
        raise SystemExit(f"expected a warm-up and a timed run ({len(ends)} `{TOP}` spans in the log)")
    return lines[ends[-2] + 1:ends[-1] + 1]


def profile(lines: list[str]) -> tuple[dict, dict]:
    spans: dict[str, float] = {}
    stages: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0.0]))
    pending: list[tuple[str, int, int, float]] = []
    for line in lines:
        if m := STAGE.search(line):
            pending.append((m.group(1), int(m.group(3)), int(m.group(4)), float(m.group(5))))
        elif m := SPAN.search(line):
            path, ms = m.group(1), float(m.group(2))
            spans[path] = spans.get(path, 0.0) + ms
            for name, kernels, syncs, wall in pending:
                row = stages[path][name]
                row[0] += 1
                row[1] += kernels
                row[2] += syncs
                row[3] += wall
            pending = []
    return spans, stages


def report(spans: dict, stages: dict) -> str:
    out = [f"{'span / stage':58} {'calls':>6} {'kernels':>8} {'syncs':>6} {'ms':>10}", "-" * 92]
    for path in sorted(spans):  # a parent sorts before its children
        depth = path.count("/")
        out.append(f"{'  ' * depth + path.rsplit('/', 1)[-1]:58} {'':>6} {'':>8} {'':>6} {spans[path]:10.2f}")
        device_ms = 0.0
        for name, (calls, kernels, syncs, wall) in sorted(stages.get(path, {}).items(), key=lambda kv: -kv[1][3]):
            out.append(f"{'  ' * (depth + 1) + name:58} {calls:6d} {kernels:8d} {syncs:6d} {wall:10.2f}")
            device_ms += wall
        children = sum(ms for p, ms in spans.items() if p.startswith(path + "/") and p.count("/") == depth + 1)
        if path in stages or children:
            label = "(host, between calls)" if path in stages else "(outside the child spans)"
            out.append(f"{'  ' * (depth + 1) + label:58} {'':>6} {'':>8} {'':>6} "
                       f"{spans[path] - device_ms - children:10.2f}")
    out.append(f"{TOP}: {spans.get(TOP, 0.0):.2f} ms")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    cmd = [sys.executable, "-m", "gpustark", "bench", *argv, "--runs", "1", "--warmup", "1"]
    env = dict(os.environ, GPUSTARK_LOG="debug")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr[-4000:])
        return proc.returncode
    spans, stages = profile(timed_run_lines(proc.stderr.splitlines()))
    print(f"$ GPUSTARK_LOG=debug {' '.join(cmd[1:])}")
    print(report(spans, stages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
