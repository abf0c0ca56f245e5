"""The lower-bound model's table (benchmarks/lower_bounds.py's output): every span of a bench run
with the bytes and multiplications the model counts, the bounds they give and median / bound, as
markdown, under the rates used and the trace's shape."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .bench_bounds import EXT_AS_BASE, POSEIDON2_MULS, Rates, Row, Shape, bound_rows

if TYPE_CHECKING:
    from .bench import BenchResult

INDENT = "\u00a0\u00a0"  # non-breaking spaces: markdown keeps them, so the tree shows in the table


def _gb(x: float) -> str:
    return f"{x / 1e9:.3f}"


def format_rows(rows: list[Row]) -> str:
    head = ["span", "median ms", "bytes GB (device + PCIe)", "mults G (base)", "bytes bound ms", "mults bound ms",
            "bound ms", "median / bound"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for row in rows:
        label = INDENT * row.stats.depth + f"`{row.stats.name}`"
        if row.work is None:
            cells = ["n/a (not modelled)"] + [""] * 5
        else:
            w = row.work
            moved = _gb(w.hbm_bytes) + (f" + {_gb(w.pcie_bytes)}" if w.pcie_bytes else "")
            cells = [moved, f"{w.base_muls() / 1e9:.3f}", f"{row.bytes_ms:.3f}", f"{row.muls_ms:.3f}",
                     f"{row.bound_ms:.3f}", f"{row.ratio:.1f}x" if row.ratio is not None else "n/a (bound 0)"]
        lines.append(f"| {label} | {row.stats.median_ms:.2f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe_rates(rates: Rates) -> list[str]:
    ef = f"{rates.ef_mul:.3e} ef_mul/s" if rates.ef_mul else f"ext mul = {EXT_AS_BASE} base muls"
    rate_line = (f"device memory {rates.hbm / 1e12:.3f} TB/s, host-to-device {rates.h2d / 1e9:.1f} GB/s, "
                 f"{rates.fp_mul:.3e} fp_mul/s, {ef}")
    if not rates.measured:
        return [f"rates: ASSUMED, NOT MEASURED ({rates.device}): {rate_line}",
                "       (run benchmarks/device_peaks.cu on the GPU and pass --peaks for measured rates)"]
    lines = [f"rates: measured on {rates.device} (benchmarks/device_peaks.cu): {rate_line}"]
    if rates.poseidon2:
        implied = rates.fp_mul / POSEIDON2_MULS
        lines.append(f"       check: Poseidon2 measured {rates.poseidon2:.3e} perms/s, fp_mul rate / {POSEIDON2_MULS} = "
                     f"{implied:.3e}/s (ratio {rates.poseidon2 / implied:.2f}; below 1, the hashing spans' mults "
                     f"bounds are optimistic)")
    return lines


def host_note(result: BenchResult) -> str | None:
    """A warning when the bench ran on the host: the bounds are for a GPU's rates."""
    machine = result.machine.get("device_info", {}).get("name", "?")
    if result.backend == "cpu" or "cpu" in str(machine).lower():
        return f"note: this bench ran on {result.backend} ({machine}); the bounds are for the GPU rates above."
    return None


def report(result: BenchResult, shape: Shape, rates: Rates) -> str:
    dag = shape.dag
    machine = result.machine.get("device_info", {}).get("name", "?")
    lines = [
        f"bench: {result.workload} {result.options} with {result.params.get('name')} on {result.backend} ({machine}), "
        f"{len(result.runs)} runs",
        *describe_rates(rates),
        f"model: trace 2^{shape.log_height} x {dag.width}, stacked 2^{shape.m} x {shape.stacked_width}, codeword "
        f"2^{shape.m + shape.log_blowup} rows; DAG {dag.nodes} nodes, {dag.muls} muls, {dag.constraints} constraints "
        f"({dag.source}); trace {'on the host (crosses PCIe once)' if shape.trace_on_host else 'already on the device'}",
        "",
        format_rows(bound_rows(result, shape, rates)),
        "",
        "bound = max(bytes bound, mults bound) for a span's own work, plus its children's bounds (the phases are "
        "sequential). Bytes: unavoidable traffic only (inputs read once, outputs written once); mults: essential "
        "multiplications (NTT butterflies, Poseidon2 at 772 muls, DAG mul nodes); proof-of-work grinds at their "
        "mean 2^bits permutations.",
    ]
    note = host_note(result)
    if note:
        lines.append(note)
    return "\n".join(lines)
