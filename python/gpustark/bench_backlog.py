"""The residual backlog of `gpustark bench`: the spans of a run ranked by how far their median is
above the lower-bound model's bound (gpustark.bench_bounds), farthest first, with median / bound.

Distances are inclusive, as the spans are: a parent's distance contains its children's. The headline
span heads the list on its own line (its distance is the whole proof's). A workload the model does
not cover gets one line saying so, never invented bounds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .bench_bounds import MODELLED_WORKLOAD, Rates, Row, bound_rows, keccak_dag, keccak_shape
from .bench_bounds_report import describe_rates, host_note
from .bench_stats import HEADLINE

if TYPE_CHECKING:
    from .bench import BenchResult

__all__ = ["Residual", "rank", "format_backlog"]


@dataclass(frozen=True)
class Residual:
    name: str
    path: str
    median_ms: float
    bound_ms: float

    @property
    def distance_ms(self) -> float:
        return self.median_ms - self.bound_ms

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.bound_ms if self.bound_ms else None


def rank(rows: Sequence[Row]) -> list[Residual]:
    """Every span with a bound, the headline excepted, farthest above its bound first (ties keep
    the table's order); unmodelled spans (bound None) are left out."""
    residuals = [Residual(r.stats.name, r.stats.path, r.stats.median_ms, r.bound_ms)
                 for r in rows if r.bound_ms is not None and r.stats.path != HEADLINE]
    return sorted(residuals, key=lambda r: -r.distance_ms)  # sorted() is stable


def _ratio(residual: Residual) -> str:
    return f"{residual.ratio:.1f}x" if residual.ratio is not None else "n/a"


def format_backlog(result: BenchResult, rates: Rates) -> str:
    """The backlog under the rates it used (saying plainly when they are assumed)."""
    if result.workload != MODELLED_WORKLOAD:
        return (f"backlog: none: the lower-bound model covers only the {MODELLED_WORKLOAD} workload, "
                f"not {result.workload}")
    try:
        shape = keccak_shape(result, keccak_dag())
    except (ValueError, KeyError) as exc:
        return f"backlog: none: the lower-bound model cannot size this run ({exc})"
    rows = bound_rows(result, shape, rates)
    lines = ["backlog: each span's median against its lower bound (gpustark.bench_bounds), farthest first; "
             "a parent's distance includes its children's",
             *describe_rates(rates)]
    headline = next((r for r in rows if r.stats.path == HEADLINE and r.bound_ms is not None), None)
    if headline is not None:
        whole = Residual(headline.stats.name, headline.stats.path, headline.stats.median_ms, headline.bound_ms)
        lines.append(f"{HEADLINE}: median {whole.median_ms:.2f} ms, bound {whole.bound_ms:.3f} ms: "
                     f"{whole.distance_ms:.2f} ms above it ({_ratio(whole)})")
    residuals = rank(rows)
    width = max([len("span")] + [len(r.name) for r in residuals])
    head = (f"{'rank':>4}  {'span':<{width}}  {'median ms':>10}  {'bound ms':>10}  {'distance ms':>11}  "
            f"{'median/bound':>12}")
    lines += [head, "-" * len(head)]
    for i, r in enumerate(residuals, 1):
        lines.append(f"{i:>4}  {r.name:<{width}}  {r.median_ms:>10.2f}  {r.bound_ms:>10.3f}  {r.distance_ms:>11.2f}  "
                     f"{_ratio(r):>12}")
    unmodelled = [r.stats.name for r in rows if r.bound_ms is None]
    if unmodelled:
        lines.append(f"not modelled (no bound): {', '.join(unmodelled)}")
    note = host_note(result)
    if note:
        lines.append(note)
    return "\n".join(lines)
