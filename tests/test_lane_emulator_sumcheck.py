"""metal/sumcheck.metal on the lane emulator: fold, the pair-product and fraction rounds,
add_eq_powers and whole runs of rounds with the transcript's sponge on the device, against models written from the definitions (core/ef_tables.h), with numpy
arithmetic ("reference") and with the CPU's native field arithmetic ("cpu", gpustark.field).

The rounds are checked threadgroup by threadgroup: lane l runs on thread l % threads, so each
group's partial sums are known exactly. Cases cover one lane, groups that are not a power of two,
grids whose last group is not full, and grids capped below the lane count (threads take several
lanes), plus strides larger than the tables.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
from ef_reference import ext_from_base, ext_one, ext_sum, group_partials, random_ext  # noqa: E402
from lane_tests import assert_words, emulator, field_ops, words  # noqa: E402
from msl_reference import Sponge, grind  # noqa: E402

KINDS = ["reference", "cpu"]


@pytest.fixture(scope="session")
def emu(tmp_path_factory):
    return emulator(tmp_path_factory)


def at(F, lo, hi, x: int):
    """A multilinear table's pair (lo, hi) with its lowest variable set to x: lo + x (hi - lo)."""
    return F.ext_add(lo, F.ext_mul(ext_from_base(np.uint64(x)), F.ext_sub(hi, lo)))


def tables(rng, count, stride):
    return random_ext(rng, count, stride)


# --- fold -------------------------------------------------------------------------------------

def fold_model(F, t, length, rounds, challenges):
    """The host's two buffers: each round folds the current tables' live prefix into the other."""
    current, other = t.copy(), np.zeros_like(t)
    for rnd in range(rounds):
        live = length >> rnd
        lo, hi = current[:, 0:live:2], current[:, 1:live:2]
        r = np.broadcast_to(challenges[rnd], lo.shape)
        other[:, : live // 2] = F.ext_add(lo, F.ext_mul(r, F.ext_sub(hi, lo)))
        current, other = other, current
    return current


@pytest.mark.parametrize("count,length,stride,rounds,group,groups", [
    (1, 1, 1, 0, 32, None),   # nothing to fold
    (1, 2, 2, 1, 32, None),   # one lane
    (5, 4, 4, 1, 3, None),    # 10 lanes in groups of 3: the last group has one
    (3, 8, 8, 3, 5, None),    # fold to length 1
    (2, 16, 19, 2, 4, 2),     # stride > length; 2 groups of 4 for 16 lanes
    (1, 64, 64, 4, 7, 3),
])
@pytest.mark.parametrize("kind", KINDS)
def test_sumcheck_fold(emu, count, length, stride, rounds, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(count * 100 + length + rounds)
    t, challenges = tables(rng, count, stride), random_ext(rng, rounds)
    out = emu.run("sumcheck_fold", count, length, stride, rounds, data=words(t, challenges), group=group,
                  groups=groups)
    expected = fold_model(F, t, length, rounds, challenges)
    assert_words(out.reshape(count, stride, 4), expected, f"sumcheck_fold vs {kind}")


# --- pair product round -----------------------------------------------------------------------

def pair_product_lanes(F, t, length):
    """Lane j * length/2 + i: (a_j b_j)(1, i) and (a_j b_j)(2, i), a_j = table 2j, b_j = table 2j + 1."""
    live = t[:, :length]
    a, b = live[0::2], live[1::2]
    terms = [F.ext_mul(at(F, a[:, 0::2], a[:, 1::2], x), at(F, b[:, 0::2], b[:, 1::2], x)) for x in (1, 2)]
    return np.stack(terms, axis=-2).reshape(-1, 2, 4)


@pytest.mark.parametrize("count,length,stride,group,groups", [
    (2, 2, 2, 1, None),       # one lane, one lane per group
    (2, 8, 8, 3, None),       # 4 lanes in groups of 3
    (4, 16, 21, 5, None),
    (6, 32, 32, 7, 2),        # 48 lanes on 14 threads
    (2, 64, 64, 32, None),
    (4, 4, 4, 64, None),      # one group, wider than the lanes
])
@pytest.mark.parametrize("kind", KINDS)
def test_sumcheck_pair_product(emu, count, length, stride, group, groups, kind):
    F = field_ops(kind)
    t = tables(np.random.default_rng(count * 1000 + length + group), count, stride)
    out = emu.run("sumcheck_pair_product", count, length, stride, data=words(t), group=group, groups=groups)
    lanes = pair_product_lanes(F, t, length)
    expected = group_partials(lanes, group, groups)
    assert_words(out.reshape(-1, 2, 4), expected, f"sumcheck_pair_product partials vs {kind}")
    # and what the host adds up: s(1), s(2) of the whole round
    assert_words(ext_sum(out.reshape(-1, 2, 4)), ext_sum(lanes), f"sumcheck_pair_product round vs {kind}")


# --- fraction round ---------------------------------------------------------------------------

def fraction_lanes(F, t, length, lam):
    """Lane i: eq (p0 q1 + p1 q0 + lambda q0 q1) at X = 1, 2, 3 of the five tables' pair i."""
    live = t[:, :length]
    terms = []
    for x in (1, 2, 3):
        p0, p1, q0, q1, eq = (at(F, live[c, 0::2], live[c, 1::2], x) for c in range(5))
        cross = F.ext_add(F.ext_mul(p0, q1), F.ext_mul(p1, q0))
        terms.append(F.ext_mul(eq, F.ext_add(cross, F.ext_mul(np.broadcast_to(lam, q0.shape), F.ext_mul(q0, q1)))))
    return np.stack(terms, axis=-2)


@pytest.mark.parametrize("length,stride,group,groups", [
    (2, 2, 1, None),          # one lane
    (8, 8, 3, None),          # 4 lanes in groups of 3
    (32, 37, 5, 2),           # 16 lanes on 10 threads
    (64, 64, 6, None),
    (16, 16, 32, None),       # one group, wider than the lanes
])
@pytest.mark.parametrize("kind", KINDS)
def test_sumcheck_fraction(emu, length, stride, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(length * 10 + group)
    t, lam = tables(rng, 5, stride), random_ext(rng)
    out = emu.run("sumcheck_fraction", length, stride, data=words(t, lam), group=group, groups=groups)
    lanes = fraction_lanes(F, t, length, lam)
    assert_words(out.reshape(-1, 3, 4), group_partials(lanes, group, groups), f"sumcheck_fraction partials vs {kind}")


# --- add_eq_powers ----------------------------------------------------------------------------

def add_eq_powers_model(F, table, z, weight):
    """table[i] + weight prod_k (bit k of i ? z^(2^k) : 1 - z^(2^k))."""
    vars_ = len(table).bit_length() - 1
    eq = np.broadcast_to(ext_one(), table.shape).copy()
    zk = z
    for k in range(vars_):
        bit = ((np.arange(len(table)) >> k) & 1).astype(bool)
        factor = np.where(bit[:, None], zk, F.ext_sub(ext_one(), zk))
        eq = F.ext_mul(eq, factor)
        zk = F.ext_mul(zk, zk)
    return F.ext_add(table, F.ext_mul(np.broadcast_to(weight, table.shape), eq))


@pytest.mark.parametrize("vars_,points,group,groups", [(0, 1, 32, None), (1, 2, 1, None), (2, 1, 3, None),
                                                      (5, 3, 7, 2), (8, 9, 32, 3)])
@pytest.mark.parametrize("kind", KINDS)
def test_sumcheck_add_eq_powers(emu, vars_, points, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(vars_ + 50)
    table = random_ext(rng, 1 << vars_)
    pairs = [(random_ext(rng), random_ext(rng)) for _ in range(points)]  # (z, weight), one launch for all
    out = emu.run("sumcheck_add_eq_powers", vars_, points, data=words(table, *[v for pair in pairs for v in pair]),
                  group=group, groups=groups)
    want = table
    for z, weight in pairs:
        want = add_eq_powers_model(F, want, z, weight)
    assert_words(out.reshape(-1, 4), want, f"sumcheck_add_eq_powers vs {kind}")


# --- rounds with the sponge on the device ------------------------------------------------------

def sponge_at(state, absorb_idx, sample_idx):
    sponge = Sponge()
    sponge.state, sponge.absorb_idx, sponge.sample_idx = [int(v) for v in state], absorb_idx, sample_idx
    return sponge


def rounds_model(F, t, sums, rounds, lam, sponge, bits=0):
    """EfTables::transcript_rounds: per round its sums, observed limb by limb, with bits the smallest
    passing witness (found by brute force, then checked), r = 4 samples, fold."""
    log, witnesses = [], []
    for _ in range(rounds):
        live = t.shape[1]  # each round keeps only the folded half
        lanes = fraction_lanes(F, t, live, lam) if sums == 3 else pair_product_lanes(F, t, live)
        s = [ext_sum(lanes[:, k]) for k in range(sums)]
        for value in s:
            for limb in value:
                sponge.observe(int(limb))
        if bits:
            witnesses.append(grind(sponge.state, sponge.absorb_idx, bits))
            assert sponge.check_witness(bits, witnesses[-1])
        r = np.array([sponge.sample() for _ in range(4)], dtype=np.uint64)
        log.append(s + [np.zeros(4, dtype=np.uint64)] * (3 - sums) + [r])
        t = fold_model(F, t[:, :live], live, 1, r[None, :])[:, : live // 2]
    return np.array(log, dtype=np.uint64), t, witnesses


@pytest.mark.parametrize("sums,count,length,rounds,group,groups,absorb_idx,sample_idx,bits", [
    (2, 2, 2, 1, 1, None, 0, 0, 0),     # one lane, one round; a fresh sponge
    (2, 4, 16, 4, 3, None, 5, 0, 0),    # to length 1; groups of 3; input pending in the sponge
    (2, 6, 32, 3, 7, 2, 0, 3, 0),       # more groups than the step's lanes; samples left over
    (3, 5, 2, 1, 1, None, 0, 0, 0),
    (3, 5, 64, 6, 5, 3, 2, 0, 0),       # a GKR layer's rounds to length 1
    (3, 5, 16, 2, 32, None, 0, 8, 0),
    (2, 2, 16, 4, 32, None, 0, 0, 5),   # WHIR's folding rounds: a 5-bit grind in each
    (2, 4, 8, 2, 7, 3, 3, 2, 3),
])
@pytest.mark.parametrize("kind", KINDS)
def test_sumcheck_rounds(emu, sums, count, length, rounds, group, groups, absorb_idx, sample_idx, bits, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(sums * 1000 + length + group)
    t, lam = tables(rng, count, length), random_ext(rng)
    state = rng.integers(0, 2**31 - 2**27 + 1, size=16, dtype=np.uint64)
    sponge = np.concatenate([state, [absorb_idx, sample_idx]])
    out = emu.run("sumcheck_rounds", sums, count, length, rounds, bits, data=words(t, lam, sponge), group=group,
                  groups=groups)
    model = sponge_at(state, absorb_idx, sample_idx)
    log, folded, witnesses = rounds_model(F, t, sums, rounds, lam, model, bits)
    n_log = rounds * 4 * 4
    assert_words(out[:n_log].reshape(rounds, 4, 4), log, f"sumcheck_rounds log vs {kind}")
    assert_words(out[n_log:n_log + 18], model.state + [model.absorb_idx, model.sample_idx],
                 f"sumcheck_rounds sponge vs {kind}")
    n_tables = count * (length >> rounds) * 4
    assert_words(out[n_log + 18:n_log + 18 + n_tables].reshape(count, -1, 4), folded,
                 f"sumcheck_rounds folded tables vs {kind}")
    assert_words(out[n_log + 18 + n_tables:], witnesses, f"sumcheck_rounds witnesses vs {kind}")
