"""The `gpustark` command line (also `python -m gpustark`).

    gpustark devices                         backends built here and each device's limits
    gpustark prove WORKLOAD --out FILE       prove a named workload (fib, interactions, multi)
                 [--trace-json FILE]         ... and write its spans as a Chrome trace (Perfetto)
    gpustark bench WORKLOAD [--runs 5 --warmup 1 --json FILE --baseline FILE --plot FILE.png]
                                             prove repeatedly; one table of span times (docs/benchmarks.md)
    gpustark verify FILE                     exit 0 for a valid proof, 1 with a one-line reason
    gpustark commit [--log-rows N ...]       Reed-Solomon encode a random matrix and Merkle-commit it
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import time

import numpy as np

from . import __version__, _backend, bench, merkle, ntt
from ._checks import P
from .keygen import keygen
from .proof import Proof
from .proof_file import read_proof_file, write_proof_file
from .prover import prove
from .spans import record, write_chrome_trace
from .verifier.verify import verify
from .workloads import WORKLOADS, make_params, resolve_params


def _devices(args: argparse.Namespace) -> int:
    for name in _backend.backends():
        info = _backend.device_info(name)
        print(f"{name}: {info['name']}")
        for key, value in sorted(info["limits"].items()):
            print(f"    {key:32} {value}")
    return 0


def _commit(args: argparse.Namespace) -> int:
    """The commitment step of the prover, on random data: a (2^log_rows, cols) matrix of
    coefficients is evaluated on a 2^log_blowup times larger domain and its rows committed."""
    if args.cols < 1:
        raise ValueError(f"--cols: expected at least 1, found {args.cols}")
    if not 0 <= args.log_group <= args.log_rows + args.log_blowup:
        raise ValueError(f"--log-group: expected 0..{args.log_rows + args.log_blowup}, found {args.log_group}")
    backend = _backend.resolve(args.backend)
    rng = np.random.default_rng(args.seed)
    rows, lde_rows = 1 << args.log_rows, 1 << (args.log_rows + args.log_blowup)
    coefficients = rng.integers(0, P, size=(rows, args.cols), dtype=np.uint32)
    start = time.perf_counter()
    padded = np.zeros((lde_rows, args.cols), dtype=np.uint32)
    padded[:rows] = coefficients
    codeword = ntt.ntt(padded, backend=backend)
    encoded = time.perf_counter()
    tree = merkle.MerkleTree(codeword, log_group=args.log_group, backend=backend)
    done = time.perf_counter()
    print(f"matrix      2^{args.log_rows} x {args.cols} (seed {args.seed}), blowup 2^{args.log_blowup}, backend {backend}")
    print(f"encode      {1e3 * (encoded - start):9.1f} ms  (NTT of {args.cols} columns of 2^{args.log_rows + args.log_blowup})")
    print(f"merkle      {1e3 * (done - encoded):9.1f} ms  (2^{args.log_rows + args.log_blowup} leaves, groups of 2^{args.log_group})")
    print("root        " + " ".join(str(int(v)) for v in tree.root))
    return 0


def _workload_options(args: argparse.Namespace) -> dict:
    workload = WORKLOADS[args.workload]
    options = dict(workload.defaults)
    for key in options:
        value = getattr(args, key, None)
        if value is not None:
            options[key] = value
    if "height" in options and (options["height"] < 1 or options["height"] & (options["height"] - 1)):
        raise ValueError(f"--height: expected a power of two, found {options['height']}")
    return options


def _prove(args: argparse.Namespace) -> int:
    backend = _backend.resolve(args.backend)
    workload, options = WORKLOADS[args.workload], _workload_options(args)
    params_name, log_stacked_height = resolve_params(workload, options, args.params, args.log_stacked_height)
    params = make_params(params_name, log_stacked_height)
    pk, _ = keygen(workload.airs(options), params)
    traces, public_values = workload.witness(options)
    with (record() if args.trace_json else contextlib.nullcontext([])) as spans:
        start = time.perf_counter()
        proof = prove(pk, traces, public_values=public_values, backend=backend)
        elapsed = time.perf_counter() - start
    data = proof.to_bytes()
    header = {"workload": workload.name, "options": options, "params": params_name,
              "log_stacked_height": log_stacked_height}
    write_proof_file(args.out, header, data)
    if args.trace_json:
        write_chrome_trace(spans, args.trace_json, {**header, "params": params.name, "backend": backend})
    shapes = ", ".join(f"{t.shape[0]}x{t.shape[1]}" for t in traces)
    print(f"proved {workload.name} {options} (traces {shapes}) with {params.name} on {backend} "
          f"in {elapsed:.2f} s: {len(data)} bytes -> {args.out}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    workload, options = WORKLOADS[args.workload], _workload_options(args)
    # Fail on a bad baseline or a missing matplotlib before spending time on the runs.
    baseline = bench.BenchResult.load(args.baseline) if args.baseline else None
    if args.plot:
        bench.require_matplotlib()
    params = make_params(*resolve_params(workload, options, args.params, args.log_stacked_height))
    result = bench.run_bench(workload, options, params, args.backend, runs=args.runs, warmup=args.warmup)
    print(bench.report(result, baseline))
    if args.json:
        result.save(args.json)
    if args.plot:
        bench.plot_medians(result.summary(), args.plot, f"{workload.name} {options} ({params.name}, {result.backend})")
    return 0


def _verify(args: argparse.Namespace) -> int:
    """Exit 0 for a valid proof; 1 with one line for a rejected, malformed or unreadable one."""
    try:
        header, data = read_proof_file(args.file)
        workload = WORKLOADS.get(header.get("workload"))
        if workload is None:
            raise ValueError(f"unknown workload {header.get('workload')!r}")
        options = {**workload.defaults, **header.get("options", {})}
        _, vk = keygen(workload.airs(options), make_params(header.get("params"), header.get("log_stacked_height")))
        start = time.perf_counter()
        verify(vk, Proof.from_bytes(data))
    except Exception as exc:  # noqa: BLE001 - any failure is a one-line rejection, never a traceback
        print(f"invalid: {type(exc).__name__}: {exc}")
        return 1
    print(f"valid: {workload.name} {options} ({len(data)} bytes, verified in {time.perf_counter() - start:.2f} s)")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gpustark", description="SWIRL STARKs on Metal, CUDA and the CPU.")
    parser.add_argument("--version", action="version", version=f"gpustark {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    devices = commands.add_parser("devices", help="list the backends built and each device's limits")
    devices.set_defaults(run=_devices)

    prove_cmd = commands.add_parser("prove", help="prove a workload and write a proof file")
    prove_cmd.add_argument("workload", choices=sorted(WORKLOADS))
    prove_cmd.add_argument("--out", required=True, help="the proof file to write")
    prove_cmd.add_argument("--params", choices=["small", "app"], default=None,
                           help="test_params_small or app_params_with_100_bits_security (default: the workload's)")
    prove_cmd.add_argument("--log-stacked-height", type=int, default=None, help="app params: l_skip + n_stack (default 21)")
    prove_cmd.add_argument("--height", type=int, default=None, help="fib: trace height (default 1024)")
    prove_cmd.add_argument("--seed", type=int, default=None, help="multi: witness seed (default 0)")
    prove_cmd.add_argument("--perms", type=int, default=None, help="keccakf: permutations (default 1024)")
    prove_cmd.add_argument("--backend", default=None, help="cpu (default) or a device backend")
    prove_cmd.add_argument("--trace-json", metavar="FILE", help="write the proof's spans as a Chrome trace (Perfetto)")
    prove_cmd.set_defaults(run=_prove)

    bench_cmd = commands.add_parser("bench", help="prove a workload repeatedly and print a table of span times")
    bench_cmd.add_argument("workload", choices=sorted(WORKLOADS))
    bench_cmd.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    bench_cmd.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    bench_cmd.add_argument("--backend", default=None, help="cpu (default) or a device backend")
    bench_cmd.add_argument("--params", choices=["small", "app"], default=None, help="parameter preset (default: the workload's)")
    bench_cmd.add_argument("--log-stacked-height", type=int, default=None, help="app params: l_skip + n_stack")
    # Every workload option (height, seed, ...) as a flag, so new workloads need no CLI change.
    for key, default in sorted({k: v for w in WORKLOADS.values() for k, v in w.defaults.items()}.items()):
        bench_cmd.add_argument(f"--{key.replace('_', '-')}", type=type(default), default=None,
                               help="workload option (default: the workload's)")
    bench_cmd.add_argument("--json", metavar="FILE", help="write every run's spans, the machine and the summary")
    bench_cmd.add_argument("--baseline", metavar="FILE", help="a --json file of an earlier run: adds deltas and a speed-up")
    bench_cmd.add_argument("--plot", metavar="FILE.png", help="a bar chart of the medians (needs matplotlib)")
    bench_cmd.set_defaults(run=_bench)

    verify_cmd = commands.add_parser("verify", help="verify a proof file: exit 0 if valid, 1 if not")
    verify_cmd.add_argument("file")
    verify_cmd.set_defaults(run=_verify)

    commit = commands.add_parser("commit", help="RS-encode and Merkle-commit a random matrix")
    commit.add_argument("--log-rows", type=int, default=16, choices=range(0, 26), metavar="N", help="2^N rows (default 16)")
    commit.add_argument("--cols", type=int, default=16, help="columns (default 16)")
    commit.add_argument("--log-blowup", type=int, default=1, choices=range(0, 4), metavar="B", help="rate 2^-B (default 1)")
    commit.add_argument("--log-group", type=int, default=0, metavar="K", help="rows per query group 2^K (default 0)")
    commit.add_argument("--seed", type=int, default=0)
    commit.add_argument("--backend", default=None, help="cpu (default) or a device backend")
    commit.set_defaults(run=_commit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except ValueError as exc:
        print(f"gpustark: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
