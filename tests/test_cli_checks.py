"""The rough edges a new user hits, each refused with one line before any work starts."""
import dataclasses
import io
import os
import sys

import pytest

from gpustark import cli_checks, progress
from gpustark.cli_checks import check_trace_sizes
from gpustark.workloads import WORKLOADS, make_params

from cli_run import fails_with, gpustark as run


@pytest.mark.parametrize("flag", ["--out", "--trace-json", "--vk-out"])
def test_prove_checks_output_paths_first(tmp_path, capsys, flag):
    good = ["--out", tmp_path / "ok.proof"]
    # A fib of 2^28 rows would run for minutes: the path must be refused before that.
    base = ["prove", "fib", "--height", 1 << 28, *(good if flag != "--out" else [])]
    fails_with(capsys, f"{flag}: directory '{tmp_path / 'nodir'}' does not exist", *base, flag, tmp_path / "nodir" / "x")
    fails_with(capsys, f"{flag}: '{tmp_path}' is a directory", *base, flag, tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_output_path(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    fails_with(capsys, "--out: ", "prove", "fib", "--out", locked / "x.proof")


def test_unwritable_output_path_check(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(ValueError, match="--out: .* is not writable"):
        cli_checks.check_output_path("--out", str(tmp_path / "x.proof"))


def test_keygen_bench_and_plot_paths(tmp_path, capsys):
    fails_with(capsys, "--out: directory", "keygen", "fib", "--out", tmp_path / "nodir" / "k.vk")
    fails_with(capsys, "--json: directory", "bench", "fib", "--json", tmp_path / "nodir" / "b.json")
    fails_with(capsys, "--json: ", "bench", "fib", "--json", tmp_path)


def test_bad_baseline_names_the_file(tmp_path, capsys):
    bad = tmp_path / "old.json"
    bad.write_text('{"format": "something else"}')
    for path in (bad, tmp_path / "gone.json"):
        err = fails_with(capsys, "--baseline: ", "bench", "fib", "--baseline", path)
        assert str(path) in err


def test_sizes_are_checked_before_the_witness(capsys, monkeypatch):
    def no_witness(options):
        raise AssertionError("the witness was built")
    for name in ("fib", "keccakf"):
        monkeypatch.setitem(WORKLOADS, name, dataclasses.replace(WORKLOADS[name], witness=no_witness))
    err = fails_with(capsys, "exceeds test_params_small(2,8,3)'s limit of 2^10 rows", "prove", "fib",
                     "--height", 1 << 28, "--out", "x.proof")
    assert "GiB" in err
    err = fails_with(capsys, "exceeds app_params_with_100_bits_security(21)'s limit of 2^21 rows", "prove", "keccakf",
                     "--perms", 87382, "--out", "x.proof")
    assert "--log-stacked-height 22" in err
    assert not os.path.exists("x.proof")


def test_memory_estimate_is_checked_against_what_is_available():
    fib = WORKLOADS["fib"]
    params = make_params("app", 20)
    check_trace_sizes(fib, {"height": 1 << 20}, [2], params, available=1 << 40)
    need = cli_checks.PROVE_MEMORY_FACTOR * 8  # MiB: 2^20 rows of 2 four-byte columns
    with pytest.raises(ValueError, match=rf"needs about {need} MiB of memory, 1 MiB is available"):
        check_trace_sizes(fib, {"height": 1 << 20}, [2], params, available=1 << 20)


def test_flags_that_do_not_apply_are_errors(capsys):
    fails_with(capsys, "--perms: does not apply to fib (it takes --height)", "prove", "fib", "--perms", 3, "--out", "x")
    fails_with(capsys, "--height: does not apply to keccakf (it takes --perms, --seed)", "prove", "keccakf", "--height", 64,
               "--out", "x")
    fails_with(capsys, "--seed: does not apply to interactions (it takes no options)", "keygen", "interactions",
               "--seed", 1, "--out", "x")
    fails_with(capsys, "--height: expected a power of two", "prove", "fib", "--height", 100, "--out", "x")


def test_values_are_never_silently_replaced(capsys):
    fails_with(capsys, "--log-stacked-height: expected 11..24, found 0", "prove", "fib", "--params", "app",
               "--log-stacked-height", 0, "--out", "x")
    fails_with(capsys, "--log-stacked-height: applies to --params app only", "prove", "fib",
               "--log-stacked-height", 16, "--out", "x")
    fails_with(capsys, "--log-stacked-height: applies to --params app only", "keygen", "keccakf", "--params", "small",
               "--log-stacked-height", 16, "--out", "x")


def test_argparse_errors_name_the_flag(capsys):
    fails_with(capsys, "--height: invalid int value", "prove", "fib", "--height", "big", "--out", "x")
    fails_with(capsys, "--out", "prove", "fib")
    fails_with(capsys, "--format: invalid choice", "keygen", "fib", "--out", "x", "--format", "xml")
    fails_with(capsys, "--params: invalid choice", "prove", "fib", "--params", "huge", "--out", "x")
    fails_with(capsys, "--seed: expected 0..2^32-1", "prove", "multi", "--seed", -1, "--out", "x")
    fails_with(capsys, "--runs", "bench", "fib", "--runs", 0)
    fails_with(capsys, "--vk", "verify", "--vk")


def test_unknown_log_level_is_an_error(capsys, monkeypatch):
    monkeypatch.setenv("GPUSTARK_LOG", "verbose")
    fails_with(capsys, "GPUSTARK_LOG: expected one of debug", "commit", "--log-rows", 2, "--cols", 1)
    monkeypatch.setenv("GPUSTARK_LOG", "off")
    assert run(capsys, "commit", "--log-rows", 2, "--cols", 1)[0] == 0


def test_verify_reads_at_most_the_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_checks, "MAX_PROOF_FILE_BYTES", 1 << 20)
    monkeypatch.setattr(cli_checks.read_capped, "__defaults__", (1 << 20,))
    big = tmp_path / "big.proof"
    big.write_bytes(b"\0" * ((1 << 20) + 1))
    code, out, _ = run(capsys, "verify", big)
    assert code == 1 and "larger than 1 MiB, the most verify reads" in out


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_verify_dev_zero_stops_at_the_cap(capsys):
    code, out, _ = run(capsys, "verify", "/dev/zero")
    assert code == 1 and "larger than 256 MiB" in out


def test_progress_shows_phases_and_elapsed_time(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GPUSTARK_PROGRESS", "1")
    code, _, err = run(capsys, "prove", "fib", "--height", 32, "--out", tmp_path / "f.proof")
    assert code == 0
    lines = err.splitlines()
    phases = [line.split("] ", 1)[1] for line in lines]
    assert phases[:2] == ["keygen", "witness"] and phases[-1] == "done"
    assert {"prover.main_trace_commit", "prover.rap_constraints", "prover.openings"} <= set(phases)
    assert all(line.startswith("gpustark: [") and " s] " in line for line in lines)


def test_progress_is_off_unless_stderr_is_a_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GPUSTARK_PROGRESS", raising=False)
    assert run(capsys, "prove", "fib", "--height", 32, "--out", tmp_path / "f.proof")[2] == ""
    monkeypatch.setenv("GPUSTARK_PROGRESS", "yes")
    fails_with(capsys, "GPUSTARK_PROGRESS: expected 0 or 1", "prove", "fib", "--out", tmp_path / "f.proof")


def test_progress_redraws_one_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    stream = Terminal()
    with progress.Progress(stream=stream) as shown:
        shown.phase("witness")
    text = stream.getvalue()
    assert text.startswith("\r\033[K") and "witness" in text and text.endswith("done\n")
    assert text.count("\n") == 1
