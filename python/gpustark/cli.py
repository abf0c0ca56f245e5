"""The `gpustark` command line (also `python -m gpustark`).

    gpustark devices                         every backend compiled in, whether it started and why not
    gpustark keygen WORKLOAD --out KEY       write the workload's verifying key (OpenVM's postcard
                 [--format openvm|json]      bytes, or its serde JSON) [--required all|none|AIR,...]
    gpustark prove WORKLOAD --out FILE       prove a named workload (fib, interactions, multi, ...)
                 [--raw] [--vk-out KEY]      ... OpenVM's proof bytes alone; ... and write the key
                 [--trace-json FILE]         ... and write its spans as a Chrome trace (Perfetto)
    gpustark bench WORKLOAD [--runs 5 --warmup 1 --json FILE --baseline FILE --plot FILE.png]
                                             prove repeatedly; one table of span times (docs/benchmarks.md)
                 [--target-speedup X | --target-ms T] [--peaks FILE]
                                             ... gate on the headline median (exit 3 if missed) and rank
                                             the spans by their distance to the lower-bound model
    gpustark prove-many WORKLOAD --count N --out-dir DIR [--streams S | --ray local|ADDRESS [--workers W]]
                                             N proofs on S streams of one device or on Ray workers; a
                                             progress line, then proofs/s and latency median and p95
    gpustark verify [--vk KEY] FILE          exit 0 for a valid proof, 1 with a one-line reason
                 [--min-security-bits N]     ... refusing keys weaker than N bits; 2 for usage errors
    gpustark commit [--log-rows N ...]       Reed-Solomon encode a random matrix and Merkle-commit it

Workload flags (--height, --seed, --perms) apply only to the workloads that take them.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import time

import numpy as np

from . import __version__, _backend, bench, merkle, ntt
from .bench_backlog import format_backlog
from .bench_bounds import Rates
from .bench_gate import EXIT_TARGET_MISSED, format_gate, judge, target_from_flags
from .bench_stats import HEADLINE
from ._checks import P
from .cli_many import add_prove_many
from .cli_checks import check_log_env, check_output_path, check_trace_sizes, check_workload_flags, read_capped
from .keygen import KEY_FORMATS, VerifyingKey, keygen
from .progress import Progress
from .proof import Proof
from .proof_file import is_proof_file, parse_proof_file, write_proof_file
from .prover import prove
from .spans import record, write_chrome_trace
from .verifier.verify import verify
from .verify_report import key_security, verified_report
from .workloads import WORKLOADS, make_params, resolve_params

# Every workload option (height, seed, ...) is a flag, so new workloads need no CLI change.
WORKLOAD_OPTIONS = {k: v for w in WORKLOADS.values() for k, v in sorted(w.defaults.items())}


def _devices(args: argparse.Namespace) -> int:
    for status in _backend.backend_status():
        name = status["name"]
        if not status["available"]:
            print(f"{name}: not available: {status['reason']}")
            continue
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
    """The workload's options: its defaults, overridden by the flags given (each must apply)."""
    workload = WORKLOADS[args.workload]
    given = {key: getattr(args, key) for key in WORKLOAD_OPTIONS if getattr(args, key, None) is not None}
    check_workload_flags(workload, given)
    options = {**workload.defaults, **given}
    if "height" in options and (options["height"] < 1 or options["height"] & (options["height"] - 1)):
        raise ValueError(f"--height: expected a power of two, found {options['height']}")
    if not 0 <= options.get("seed", 0) < 1 << 32:
        raise ValueError(f"--seed: expected 0..2^32-1, found {options['seed']}")
    return options


def _required(arg: str | None, airs) -> list[bool] | None:
    """--required: 'all', 'none' or AIR names joined by commas; None (not given) is OpenVM's
    default, every AIR optional."""
    if arg is None or arg == "none":
        return None
    if arg == "all":
        return [True] * len(airs)
    names = arg.split(",")
    unknown = sorted(set(names) - {air.name for air in airs})
    if unknown:
        raise ValueError(f"--required: no AIR named {', '.join(unknown)}; the AIRs are "
                         f"{', '.join(air.name for air in airs)} (or 'all', 'none')")
    return [air.name in names for air in airs]


def _setup(args: argparse.Namespace):
    """(workload, options, params preset and height, airs, required flags) from the flags."""
    workload, options = WORKLOADS[args.workload], _workload_options(args)
    params_name, log_stacked_height = resolve_params(workload, options, args.params, args.log_stacked_height)
    params = make_params(params_name, log_stacked_height)
    airs = workload.airs(options)
    return workload, options, (params_name, log_stacked_height), params, airs, _required(args.required, airs)


def _keygen(args: argparse.Namespace) -> int:
    check_output_path("--out", args.out)
    workload, options, _, params, airs, required = _setup(args)
    _, vk = keygen(airs, params, required=required)
    vk.save(args.out, format=args.format)
    print(f"key {vk.key_id} -> {args.out} ({args.format})")
    print(f"    {workload.name}: AIRs {', '.join(a.name for a in airs)}; {params.name}: {key_security(vk)[1]}")
    return 0


def _prove(args: argparse.Namespace) -> int:
    for flag, path in (("--out", args.out), ("--trace-json", args.trace_json), ("--vk-out", args.vk_out)):
        check_output_path(flag, path)
    backend = _backend.resolve(args.backend)
    workload, options, (params_name, log_stacked_height), params, airs, required = _setup(args)
    check_trace_sizes(workload, options, [air.width for air in airs], params)
    with Progress() as progress:
        progress.phase("keygen")
        pk, vk = keygen(airs, params, required=required)
        progress.phase("witness")
        traces, public_values = workload.witness(options)
        with (record() if args.trace_json else contextlib.nullcontext([])) as spans:
            start = time.perf_counter()
            proof = prove(pk, traces, public_values=public_values, backend=backend)
            elapsed = time.perf_counter() - start
    data = proof.to_bytes()
    header = {"workload": workload.name, "options": options, "params": params_name,
              "log_stacked_height": log_stacked_height, "required": required}
    if args.raw:
        with open(args.out, "wb") as f:
            f.write(data)
    else:
        write_proof_file(args.out, header, data)
    if args.vk_out:
        vk.save(args.vk_out, format=args.vk_format)
    if args.trace_json:
        write_chrome_trace(spans, args.trace_json, {**header, "params": params.name, "backend": backend})
    shapes = ", ".join(f"{t.shape[0]}x{t.shape[1]}" for t in traces)
    print(f"proved {workload.name} {options} (traces {shapes}) with {params.name} on {backend} "
          f"in {elapsed:.2f} s: {len(data)} bytes -> {args.out}" + (" (raw OpenVM proof)" if args.raw else ""))
    if args.vk_out:
        print(f"key {vk.key_id} -> {args.vk_out} ({args.vk_format})")
    return 0


def _peak_rates(path: str | None) -> Rates:
    """--peaks' measured rates, or the model's assumed ones (the backlog says which)."""
    if path is None:
        return Rates.assumed()
    try:
        return Rates.load(path)
    except OSError as exc:
        raise ValueError(f"--peaks: cannot read '{path}': {exc.strerror}") from None
    except ValueError as exc:
        raise ValueError(f"--peaks: {exc}") from None


def _bench(args: argparse.Namespace) -> int:
    """Exit 0, or EXIT_TARGET_MISSED when a --target-* was not met; 2 for usage errors."""
    if args.runs < 1 or args.warmup < 0:
        raise ValueError(f"--runs, --warmup: expected runs >= 1 and warmup >= 0, found {args.runs} and {args.warmup}")
    check_output_path("--json", args.json)
    check_output_path("--plot", args.plot)
    workload, options = WORKLOADS[args.workload], _workload_options(args)
    # Fail on a bad baseline or a missing matplotlib before spending time on the runs.
    try:
        baseline = bench.BenchResult.load(args.baseline) if args.baseline else None
    except ValueError as exc:
        message = str(exc) if args.baseline in str(exc) else f"'{args.baseline}': {exc}"
        raise ValueError(f"--baseline: {message}") from None
    target = target_from_flags(args.target_speedup, args.target_ms, baseline.summary() if baseline else None)
    rates = _peak_rates(args.peaks)
    if args.plot:
        bench.require_matplotlib()
    params = make_params(*resolve_params(workload, options, args.params, args.log_stacked_height))
    check_trace_sizes(workload, options, [air.width for air in workload.airs(options)], params)
    result = bench.run_bench(workload, options, params, args.backend, runs=args.runs, warmup=args.warmup,
                             trace_memory=args.trace_memory)
    print(bench.report(result, baseline))
    if args.json:
        result.save(args.json)
    if args.plot:
        bench.plot_medians(result.summary(), args.plot, f"{workload.name} {options} ({params.name}, {result.backend})")
    if target is not None or args.peaks:
        print("\n" + format_backlog(result, rates))
    if target is None:
        return 0
    verdict = judge(target, result.summary())
    print("\n" + format_gate(target, verdict))
    return 0 if verdict.met else EXIT_TARGET_MISSED


class _Rejected(Exception):
    """verify's answer "no": exit 1 with one line."""


def _key_from_header(header: dict):
    """The key a gpustark proof file's header names (workload, options, params): what verify uses
    without --vk. The file chooses it, so it proves only that the proof is consistent with itself."""
    workload = WORKLOADS.get(header.get("workload"))
    if workload is None:
        raise _Rejected(f"unknown workload {header.get('workload')!r} in the file's header")
    options = {**workload.defaults, **header.get("options", {})}
    params = make_params(header.get("params"), header.get("log_stacked_height"))
    return keygen(workload.airs(options), params, required=header.get("required"))[1]


def _verify(args: argparse.Namespace) -> int:
    """Exit 0 for a valid proof; 1 with one line for a rejected, malformed or unreadable one; 2
    for a usage error (a bad --vk or --min-security-bits)."""
    if args.min_security_bits is not None and args.min_security_bits < 0:
        raise ValueError(f"--min-security-bits: expected a number >= 0, found {args.min_security_bits}")
    if args.vk is not None:
        try:
            vk = VerifyingKey.load(args.vk)
        except OSError as exc:
            raise ValueError(f"--vk: cannot read '{args.vk}': {exc.strerror}") from None
        except ValueError as exc:
            raise ValueError(f"--vk: {exc}") from None
        source = f"from {args.vk}"
    try:
        try:
            data = read_capped(args.file)
        except OSError as exc:
            raise _Rejected(f"cannot read '{args.file}': {exc.strerror}") from None
        if is_proof_file(data):
            header, proof_bytes = parse_proof_file(data)
        elif args.vk is None:
            raise _Rejected("not a gpustark proof file (bad magic); raw OpenVM proof bytes need --vk KEY")
        else:
            proof_bytes = data
        if args.vk is None:
            vk = _key_from_header(header)
            source = "rebuilt from the proof file's own header"
        bits, security = key_security(vk)
        if args.min_security_bits is not None and (bits is None or bits < args.min_security_bits):
            raise _Rejected(f"the key's security ({vk.params.name}) is {security.split(' --')[0]}, "
                            f"below --min-security-bits {args.min_security_bits:g}")
        start = time.perf_counter()
        proof = Proof.from_bytes(proof_bytes)
        verify(vk, proof)
        elapsed = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - any failure is a one-line rejection, never a traceback
        reason = str(exc) if isinstance(exc, _Rejected) else f"{type(exc).__name__}: {exc}"
        print(f"invalid: {reason}")
        return 1
    print(f"valid: {len(proof_bytes)} bytes of proof verified in {elapsed:.2f} s against key {vk.key_id[:16]}...")
    if args.vk is None:
        print("note: no --vk, so the proof file chose its own key: this shows only that the file is consistent "
              "with itself; pass --vk KEY to check a proof you did not make")
    print("\n".join(verified_report(vk, proof, security, source)))
    return 0


def _add_workload_arguments(command: argparse.ArgumentParser, key_flags: bool = True) -> None:
    command.add_argument("workload", choices=sorted(WORKLOADS))
    command.add_argument("--params", choices=["small", "app"], default=None,
                         help="test_params_small (5-bit, NOT secure) or app_params_with_100_bits_security "
                              "(default: the workload's)")
    command.add_argument("--log-stacked-height", type=int, default=None, metavar="N",
                         help="--params app only: l_skip + n_stack, 11..24 (default 21); traces may have 2^N rows")
    for key, default in WORKLOAD_OPTIONS.items():
        takes = ", ".join(f"{w.name} (default {w.defaults[key]})" for w in WORKLOADS.values() if key in w.defaults)
        command.add_argument(f"--{key.replace('_', '-')}", type=type(default), default=None, help=f"only for {takes}")
    if key_flags:
        command.add_argument("--required", metavar="all|none|AIR,...", default=None,
                             help="AIRs every proof must include (default none, as OpenVM's add_air)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gpustark", description="SWIRL STARKs on Metal, CUDA and the CPU.")
    parser.add_argument("--version", action="version", version=f"gpustark {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    devices = commands.add_parser("devices", help="every backend compiled in, whether it started, each device's limits")
    devices.set_defaults(run=_devices)

    keygen_cmd = commands.add_parser("keygen", help="write a workload's verifying key")
    _add_workload_arguments(keygen_cmd)
    keygen_cmd.add_argument("--out", required=True, metavar="KEY", help="the key file to write")
    keygen_cmd.add_argument("--format", choices=KEY_FORMATS, default="openvm",
                            help="openvm: OpenVM's postcard bytes (default); json: OpenVM's serde JSON")
    keygen_cmd.set_defaults(run=_keygen)

    prove_cmd = commands.add_parser("prove", help="prove a workload and write a proof file")
    _add_workload_arguments(prove_cmd)
    prove_cmd.add_argument("--out", required=True, help="the proof file to write")
    prove_cmd.add_argument("--raw", action="store_true", help="write OpenVM's proof bytes alone (no gpustark header)")
    prove_cmd.add_argument("--vk-out", metavar="KEY", help="also write the verifying key the proof used")
    prove_cmd.add_argument("--vk-format", choices=KEY_FORMATS, default="openvm", help="--vk-out's format (default openvm)")
    prove_cmd.add_argument("--backend", default=None, help="cpu (default) or a device backend")
    prove_cmd.add_argument("--trace-json", metavar="FILE", help="write the proof's spans as a Chrome trace (Perfetto)")
    prove_cmd.set_defaults(run=_prove)

    bench_cmd = commands.add_parser(
        "bench", help="prove a workload repeatedly and print a table of span times",
        epilog=f"exit status: 0 when the runs completed (and met the --target-* given), {EXIT_TARGET_MISSED} when "
               f"they missed the target, 2 for usage or input errors")
    _add_workload_arguments(bench_cmd, key_flags=False)
    bench_cmd.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    bench_cmd.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    bench_cmd.add_argument("--backend", default=None, help="cpu (default) or a device backend")
    bench_cmd.add_argument("--trace-memory", choices=("backend", "numpy"), default="backend",
                           help="where the traces live while proving: 'backend' (default) copies them into "
                                "gpustark.empty_trace memory (page-locked on cuda) before the runs, 'numpy' "
                                "keeps the workload's arrays")
    bench_cmd.add_argument("--json", metavar="FILE", help="write every run's spans, the machine and the summary")
    bench_cmd.add_argument("--baseline", metavar="FILE", help="a --json file of an earlier run: adds deltas and a speed-up")
    bench_cmd.add_argument("--plot", metavar="FILE.png", help="a bar chart of the medians (needs matplotlib)")
    bench_cmd.add_argument("--target-speedup", type=float, metavar="X",
                           help=f"gate: the {HEADLINE} median must be at most the --baseline's over X; "
                                f"exit {EXIT_TARGET_MISSED} if not")
    bench_cmd.add_argument("--target-ms", type=float, metavar="T",
                           help=f"gate: the {HEADLINE} median must be at most T ms; exit {EXIT_TARGET_MISSED} "
                                f"if not (give one target)")
    bench_cmd.add_argument("--peaks", metavar="FILE",
                           help="device_peaks.cu's JSON: measured rates for the lower bounds of the backlog (printed "
                                "with a target or --peaks; without this file the rates are assumed H100 ones)")
    bench_cmd.set_defaults(run=_bench, required=None)

    add_prove_many(commands, _add_workload_arguments, _setup)

    verify_cmd = commands.add_parser("verify", help="verify a proof: exit 0 if valid, 1 if not, 2 for usage errors")
    verify_cmd.add_argument("file", help="a gpustark proof file, or raw OpenVM proof bytes (with --vk)")
    verify_cmd.add_argument("--vk", metavar="KEY", help="the verifying key to check against (OpenVM postcard or JSON); "
                                                         "without it the key is rebuilt from the file's own header")
    verify_cmd.add_argument("--min-security-bits", type=float, default=None, metavar="N",
                            help="reject keys whose parameters give fewer than N bits of security")
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
        check_log_env()
        return args.run(args)
    except ValueError as exc:
        print(f"gpustark: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a write that failed after the checks (a full disk, a vanished directory)
        print(f"gpustark: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
