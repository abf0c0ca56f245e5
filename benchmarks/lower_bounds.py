#!/usr/bin/env python3
"""Distance to the hardware: each span of a `gpustark bench keccakf --json` run next to a lower
bound from the bytes it must move and the multiplications it must do.

    nvcc -O3 -arch=native -I cpp benchmarks/device_peaks.cu -o device_peaks && ./device_peaks > peaks.json
    python3 benchmarks/lower_bounds.py --bench bench_keccakf_cuda.json --peaks peaks.json

The model and its table live in the package (gpustark.bench_bounds, gpustark.bench_bounds_report),
where `gpustark bench --peaks` uses them too; this script prints the table for a saved bench JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

try:
    import gpustark  # noqa: F401
except ImportError:  # run from a checkout without PYTHONPATH=python
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from gpustark.bench import BenchResult
from gpustark.bench_bounds import Dag, Rates, keccak_dag, keccak_shape
from gpustark.bench_bounds_report import report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="a `gpustark bench keccakf --json` file")
    ap.add_argument("--peaks", help="device_peaks.cu's JSON (default: H100 SXM datasheet-level assumptions)")
    ap.add_argument("--trace-on-device", action="store_true",
                    help="the trace is generated on the device: no PCIe upload in the bound")
    ap.add_argument("--dag-muls", type=int, help="override the DAG's multiplication nodes")
    ap.add_argument("--dag-constraints", type=int, help="override the DAG's constraint count")
    args = ap.parse_args(argv)
    try:
        result = BenchResult.load(args.bench)
        rates = Rates.load(args.peaks) if args.peaks else Rates.assumed()
        dag = keccak_dag()
        if args.dag_muls is not None or args.dag_constraints is not None:
            dag = Dag(dag.width, dag.nodes, args.dag_muls if args.dag_muls is not None else dag.muls,
                      args.dag_constraints if args.dag_constraints is not None else dag.constraints, dag.need_rot,
                      dag.source + " with overrides")
        shape = keccak_shape(result, dag, trace_on_host=not args.trace_on_device)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        print(f"lower_bounds: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(report(result, shape, rates))
    return 0


if __name__ == "__main__":
    sys.exit(main())
