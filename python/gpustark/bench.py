"""`gpustark bench`: prove a named workload several times and report where the time goes.

    result = run_bench("interactions-large", runs=5, warmup=1)
    print(report(result))                     # one table: per span median, p95, min..max (ms)
    result.save("now.json")
    print(report(result, baseline=BenchResult.load("before.json")))   # adds deltas and a speed-up

Keygen, witness generation and the witness check happen once, outside the timed region; each run
then proves once (check_witness=False) inside gpustark.spans.record(). Warm-up runs are proved and
discarded. The last proof is verified once (timed) and its size reported. Peak RSS is the
process's high-water mark (getrusage), so it includes keygen and witness generation. On a device
backend (cuda) the bench also reports the peak device memory the backend allocated over the runs
(every device allocation is counted; the driver's own context memory is not).
"""
from __future__ import annotations

import dataclasses
import datetime
import gc
import json
import os
import platform
import resource
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from . import __version__, _backend, _native
from .bench_stats import HEADLINE, SpanStats, format_table, median, summarize
from .keygen import keygen
from .params import SystemParams
from .prover import prove
from .spans import Span, record
from .trace_memory import trace_in_backend_memory
from .verifier.verify import verify
from .workloads import WORKLOADS, Workload, make_params, resolve_params

__all__ = ["BenchResult", "run_bench", "machine_info", "peak_rss_bytes", "report", "plot_medians",
           "require_matplotlib", "Progress"]

JSON_FORMAT = "gpustark-bench/1"


@dataclass
class BenchResult:
    workload: str
    options: dict
    params: dict        # the SystemParams fields, plus "name"
    backend: str
    warmup: int
    runs: list[list[Span]]  # the spans of every timed run
    wall_ms: list[float]    # prove()'s wall time per timed run
    verify_ms: float
    proof_bytes: int
    peak_rss_bytes: int
    machine: dict
    extra: dict = field(default_factory=dict)  # created, command line, ...
    # The backend's device memory high-water mark over the bench (None: host memory, untracked).
    peak_device_bytes: int | None = None

    def summary(self) -> list[SpanStats]:
        return summarize(self.runs)

    def to_json(self) -> dict:
        out = dataclasses.asdict(self)
        out["runs"] = [[dataclasses.asdict(s) for s in run] for run in self.runs]
        out["summary"] = [dataclasses.asdict(r) for r in self.summary()]  # for readers; load() recomputes it
        return {"format": JSON_FORMAT, **out}

    @classmethod
    def from_json(cls, data: dict) -> "BenchResult":
        if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ValueError(f"bench result: expected format {JSON_FORMAT!r}, found {found!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        missing = names - {"extra", "peak_device_bytes"} - data.keys()
        if missing:
            raise ValueError(f"bench result: missing fields {sorted(missing)}")
        values = {k: data[k] for k in names if k in data}
        values["runs"] = [[Span(**s) for s in run] for run in data["runs"]]
        return cls(**values)

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, indent=1)
            f.write("\n")

    @classmethod
    def load(cls, path: str) -> "BenchResult":
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"bench result {path}: {exc}") from None
        return cls.from_json(data)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            import subprocess
            return subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True,
                                  timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return platform.processor() or platform.machine()


def machine_info(backend: str) -> dict:
    """CPU model, logical cores, the host threads gpustark uses (the CPUs the process may run on:
    its affinity mask and cgroup quota, or GPUSTARK_NUM_THREADS), OS, Python and gpustark versions,
    and the backend's device_info."""
    threads = int(_backend.device_info("cpu")["limits"]["threads"])
    return {"cpu_model": _cpu_model(), "cores": os.cpu_count(), "threads": threads, "platform": platform.platform(),
            "python": platform.python_version(), "gpustark": __version__, "backend": backend,
            "device_info": _backend.device_info(backend)}


def peak_rss_bytes() -> int:
    """The process's peak resident set size (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


class Progress:
    """`bench NAME [####......] 3/6 warmup` rewritten in place on stderr; silent when not a TTY."""

    def __init__(self, label: str, total: int, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label, self.total, self.done = label, total, 0

    def show(self, note: str = "") -> None:
        if not self.enabled:
            return
        filled = 20 * self.done // max(self.total, 1)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (20 - filled)}] {self.done}/{self.total} {note:<12}")
        self.stream.flush()

    def step(self, note: str = "") -> None:
        self.done += 1
        self.show(note)

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _params_json(params: SystemParams) -> dict:
    # Through JSON once, so a fresh result compares equal to a loaded one (tuples become lists).
    return json.loads(json.dumps(dataclasses.asdict(params)))


def run_bench(workload: str | Workload, options: dict | None = None, params: SystemParams | None = None,
              backend: str | None = None, runs: int = 5, warmup: int = 1, progress: bool | None = None,
              on_run: Callable[[int, list[Span]], None] | None = None, trace_memory: str = "backend") -> BenchResult:
    """Prove `workload` warmup + runs times; options default to the workload's, params to its preset.

    progress: a bar on stderr (None: only when stderr is a TTY). on_run(i, spans) sees each timed run.
    trace_memory: 'backend' copies the traces into gpustark.empty_trace memory first (page-locked
    on cuda, as a trace generator that fills reused page-locked arrays has them); 'numpy' proves
    from the workload's own arrays.
    """
    if trace_memory not in ("backend", "numpy"):
        raise ValueError(f"bench: trace_memory must be 'backend' or 'numpy', found {trace_memory!r}")
    wl = WORKLOADS[workload] if isinstance(workload, str) else workload
    if runs < 1 or warmup < 0:
        raise ValueError(f"bench: expected runs >= 1 and warmup >= 0, found runs={runs}, warmup={warmup}")
    options = {**wl.defaults, **(options or {})}
    params = params or make_params(*resolve_params(wl, options))
    backend = _backend.resolve(backend)

    pk, vk = keygen(wl.airs(options), params)
    traces, public_values = wl.witness(options)
    pk.check_witness(traces, public_values)
    if trace_memory == "backend":
        traces = [None if t is None else trace_in_backend_memory(t, backend) for t in traces]

    _native.device_memory(backend, reset_peak=True)
    bar = Progress(f"bench {wl.name}", warmup + runs, progress)
    bar.show("setup done")
    recorded, wall_ms, proof = [], [], None
    try:
        for i in range(warmup + runs):
            gc.collect()  # so a collection triggered by setup garbage does not land in a run
            with record() as spans:
                start = time.perf_counter()
                proof = prove(pk, traces, public_values=public_values, backend=backend, check_witness=False)
                elapsed = time.perf_counter() - start
            if i >= warmup:
                recorded.append(spans)
                wall_ms.append(elapsed * 1e3)
                if on_run:
                    on_run(i - warmup, spans)
            bar.step("warmup" if i < warmup else "")
    finally:
        bar.close()

    device_memory = _native.device_memory(backend)
    start = time.perf_counter()
    verify(vk, proof)
    verify_ms = (time.perf_counter() - start) * 1e3
    return BenchResult(wl.name, options, _params_json(params), backend, warmup, recorded, wall_ms, verify_ms,
                       len(proof.to_bytes()), peak_rss_bytes(), machine_info(backend),
                       {"created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                        "trace_memory": trace_memory},
                       device_memory["peak_bytes"] if device_memory["tracked"] else None)


def _describe(result: BenchResult) -> str:
    return f"{result.workload} {result.options} with {result.params.get('name')} on {result.backend}"


def report(result: BenchResult, baseline: BenchResult | None = None) -> str:
    """The bench table of `result` (and deltas against `baseline`), with a footer of totals."""
    m = result.machine
    threads = f" ({m['threads']} host threads)" if "threads" in m else ""  # results saved before it was kept
    title = (f"{_describe(result)}: {len(result.runs)} runs after {result.warmup} warm-up\n"
             f"machine: {m.get('cpu_model')}, {m.get('cores')} cores{threads}, {m.get('device_info', {}).get('name')}")
    if "trace_memory" in result.extra:
        title += f"\ntraces in {result.extra['trace_memory']} memory (--trace-memory)"
    if baseline is not None:
        title += f"\nbaseline: {_describe(baseline)}, {len(baseline.runs)} runs ({baseline.extra.get('created', '?')})"
        if (baseline.workload, baseline.options, baseline.params) != (result.workload, result.options, result.params):
            title += "  [NOTE: different workload, options or params]"
    footer = [f"prove() wall median {median(result.wall_ms):.2f} ms   verify {result.verify_ms:.2f} ms   "
              f"proof {result.proof_bytes:,} bytes   peak RSS {result.peak_rss_bytes / 2**20:.1f} MiB"
              + (f"   peak device memory {result.peak_device_bytes / 2**20:.1f} MiB"
                 if result.peak_device_bytes is not None else "")]
    return format_table(result.summary(), title, footer, baseline.summary() if baseline is not None else None)


def require_matplotlib() -> None:
    """Raise ValueError with install advice if matplotlib is missing (it is optional)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ValueError("--plot needs matplotlib, which is not installed (pip install matplotlib)") from None


def plot_medians(rows: Sequence[SpanStats], path: str, title: str = "") -> None:
    """A PNG bar chart of each span's median (ms), spans in table order, indented by depth."""
    require_matplotlib()
    import matplotlib
    matplotlib.use("Agg")  # a file, never a window
    import matplotlib.pyplot as plt

    labels = ["    " * r.depth + r.name for r in rows]
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(rows) + 1.2))
    colors = ["tab:red" if r.path == HEADLINE else "tab:blue" for r in rows]
    ax.barh(range(len(rows)), [r.median_ms for r in rows], color=colors)
    ax.set_yticks(range(len(rows)), labels, fontfamily="monospace")
    ax.invert_yaxis()
    ax.set_xlabel("median ms")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
