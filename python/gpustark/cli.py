"""The `gpustark` command line (also `python -m gpustark`).

    gpustark devices                   backends built here and each device's limits
    gpustark commit [--log-rows N ...] Reed-Solomon encode a random matrix and Merkle-commit it
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from . import __version__, _backend, merkle, ntt
from ._checks import P


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gpustark", description="SWIRL STARKs on Metal, CUDA and the CPU.")
    parser.add_argument("--version", action="version", version=f"gpustark {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    devices = commands.add_parser("devices", help="list the backends built and each device's limits")
    devices.set_defaults(run=_devices)

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
