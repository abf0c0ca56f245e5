"""The target gate of `gpustark bench` (gpustark.bench_gate): fake bench results and baseline JSON
files drive the verdict (met, missed, the exact boundary, bad values, a missing baseline), then
tiny real fib runs on the CPU check the exit codes through the command. No assertion depends on
how fast anything ran: the real runs' targets are absurdly loose or absurdly tight."""
import json
import math

import pytest

from cli_run import gpustark as run
from gpustark.bench import BenchResult
from gpustark.bench_gate import EXIT_TARGET_MISSED, Target, format_gate, judge, target_from_flags
from gpustark.bench_stats import HEADLINE
from gpustark.spans import Span


def fake_result(*headline_ms, name=HEADLINE) -> BenchResult:
    """A bench result whose runs are one headline span (and a child) of the given durations."""
    runs = [[Span(name, name, 0, round(ms * 1e6), 0, None), Span("commit", f"{name}/commit", 0, round(ms * 5e5), 1, 0)]
            for ms in headline_ms]
    return BenchResult("fib", {"height": 64}, {"name": "test_params_small(2,8,3)"}, "cpu", 0, runs,
                       list(headline_ms), 1.0, 100, 1 << 20, {"device_info": {"name": "host CPU"}})


def baseline_file(tmp_path, *headline_ms, name=HEADLINE) -> str:
    path = tmp_path / f"baseline_{len(list(tmp_path.iterdir()))}.json"
    fake_result(*headline_ms, name=name).save(str(path))
    return str(path)


def test_target_ms_is_met_at_and_below_the_target_and_missed_above(tmp_path):
    target = target_from_flags(None, 10.0, None)
    assert target == Target(10.0)
    at = judge(target, fake_result(9, 10, 11).summary())               # median 10: exactly the target
    assert (at.measured_ms, at.met, at.gap_ms) == (10.0, True, 0.0)
    below = judge(target, fake_result(7.5).summary())
    assert below.met and below.gap_ms == -2.5
    above = judge(target, fake_result(10.25).summary())
    assert not above.met and above.gap_ms == 0.25


def test_target_speedup_divides_the_baseline_median(tmp_path):
    baseline = BenchResult.load(baseline_file(tmp_path, 19, 20, 21))  # median 20 ms
    target = target_from_flags(2, None, baseline.summary())
    assert target == Target(10.0, 2.0, 20.0)
    assert judge(target, fake_result(10).summary()).met                 # exactly 2x: met
    missed = judge(target, fake_result(10.5).summary())
    assert not missed.met and missed.gap_ms == pytest.approx(0.5)
    assert judge(target_from_flags(0.5, None, baseline.summary()), fake_result(40).summary()).met  # "may be 2x slower"


def test_the_gate_block_says_met_or_missed_with_the_gap():
    target = Target(10.0, 2.0, 20.0)
    missed = format_gate(target, judge(target, fake_result(12.5).summary()))
    assert missed.splitlines() == [
        f"target:   {HEADLINE} median <= 10.00 ms (a 2x speed-up on the baseline's 20.00 ms)",
        f"measured: 12.50 ms (a 1.600x speed-up): MISSED by 2.50 ms (exit {EXIT_TARGET_MISSED})"]
    met = format_gate(Target(0.005), judge(Target(0.005), fake_result(0.002).summary()))
    assert met.splitlines() == [f"target:   {HEADLINE} median <= 0.005 ms",
                                "measured: 0.002 ms: MET, 0.003 ms to spare"]


@pytest.mark.parametrize("speedup, ms, message", [
    (None, 0.0, "--target-ms: expected a positive number, found 0.0"),
    (None, -3.0, "--target-ms: expected a positive number"),
    (None, math.inf, "--target-ms: expected a positive number, found inf"),
    (None, math.nan, "--target-ms: expected a positive number, found nan"),
    (0.0, None, "--target-speedup: expected a positive number"),
    (math.nan, None, "--target-speedup: expected a positive number"),
    (2.0, 5.0, "give one target, not both"),
    (2.0, None, "--target-speedup needs --baseline FILE"),
])
def test_bad_targets_are_refused(speedup, ms, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        target_from_flags(speedup, ms, None)


def test_a_baseline_without_a_usable_headline_is_refused(tmp_path):
    other = BenchResult.load(baseline_file(tmp_path, 5, name="some_other_span"))
    with pytest.raises(ValueError, match=f"--baseline has no {HEADLINE} span"):
        target_from_flags(2, None, other.summary())
    zero = BenchResult.load(baseline_file(tmp_path, 0))
    with pytest.raises(ValueError, match="median is 0.0 ms"):
        target_from_flags(2, None, zero.summary())
    assert target_from_flags(None, None, zero.summary()) is None  # no target: no gate, whatever the baseline


# ---- through the command: tiny real runs, targets no run can miss or meet ------------------------

FIB = ("bench", "fib", "--height", 64, "--runs", 1, "--warmup", 0)


def test_a_met_target_exits_0_and_a_missed_one_exits_3(tmp_path, capsys):
    code, out, err = run(capsys, *FIB, "--target-ms", 1e9)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("measured: ") and "MET, " in out
    assert "backlog: none: the lower-bound model covers only the keccakf workload, not fib" in out
    saved = tmp_path / "missed.json"
    code, out, err = run(capsys, *FIB, "--target-ms", 1e-9, "--json", saved)
    assert code == EXIT_TARGET_MISSED == 3, err
    assert "MISSED by " in out.splitlines()[-1] and err == ""
    assert BenchResult.load(str(saved)).runs                            # the results are kept all the same


def test_a_speedup_target_over_a_baseline_file(tmp_path, capsys):
    slow = baseline_file(tmp_path, 1e9)                               # no run is a billion times slower
    code, out, err = run(capsys, *FIB, "--baseline", slow, "--target-speedup", 2)
    assert code == 0, err
    assert "a 2x speed-up on the baseline's 1000000000.00 ms" in out and "MET" in out
    fast = baseline_file(tmp_path, 1e-6)
    code, out, err = run(capsys, *FIB, "--baseline", fast, "--target-speedup", 2)
    assert code == EXIT_TARGET_MISSED and "MISSED" in out


def test_no_target_no_gate_and_no_backlog(capsys):
    code, out, err = run(capsys, *FIB)
    assert code == 0 and "target:" not in out and "backlog" not in out and "proof " in out.splitlines()[-1]


def refused_before_running(capsys, message, *args):
    """Exit 2 with `message` on one stderr line, and no table: the runs never started."""
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, ""), (code, out, err)
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (("--target-speedup", 2), "--target-speedup needs --baseline FILE"),
    (("--target-ms", 0), "--target-ms: expected a positive number, found 0.0"),
    (("--target-ms", "nan"), "--target-ms: expected a positive number, found nan"),
    (("--target-ms", -1), "--target-ms: expected a positive number"),
    (("--target-speedup", "inf"), "--target-speedup: expected a positive number"),
    (("--target-ms", 5, "--target-speedup", 2), "give one target, not both"),
    (("--target-ms", 5, "--peaks", "/nonexistent/peaks.json"), "--peaks: cannot read '/nonexistent/peaks.json'"),
])
def test_bad_gate_flags_are_usage_errors_before_any_run(capsys, args, message):
    refused_before_running(capsys, message, *FIB, *args)


def test_a_baseline_without_the_headline_is_refused_before_any_run(tmp_path, capsys):
    path = baseline_file(tmp_path, 5, name="some_other_span")
    refused_before_running(capsys, f"--baseline has no {HEADLINE} span", *FIB, "--baseline", path,
                           "--target-speedup", 2)
    bad_peaks = tmp_path / "peaks.json"
    bad_peaks.write_text(json.dumps({"hbm_bytes_per_s": 1e12}))
    refused_before_running(capsys, "missing ['h2d_bytes_per_s', 'fp_muls_per_s']", *FIB, "--peaks", bad_peaks)


def test_the_exit_codes_are_in_the_help(capsys):
    code, out, _ = run(capsys, "bench", "--help")
    assert code == 0 and f"{EXIT_TARGET_MISSED} when they missed the target" in " ".join(out.split())
