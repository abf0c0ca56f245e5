"""metal/whir.metal on the lane emulator: WHIR's table steps (core/ef_tables.h: subset_transform,
set_product_table, power_sum and commit_table's message words) against models written from the
definitions, with numpy arithmetic ("reference") and with the CPU's native field arithmetic
("cpu", gpustark.field).

The subset transforms are checked against their sums over subsets (not the per-bit steps the
kernel takes), power_sum threadgroup by threadgroup against successive powers of z (not the
kernel's products of z^(2^k)). Cases cover one entry, groups that are not a power of two, grids
whose last group is not full, and grids capped below the lane count (threads take several lanes).
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
from ef_reference import ext_one, ext_sum, group_partials, random_ext  # noqa: E402
from lane_tests import assert_words, emulator, field_ops, words  # noqa: E402

KINDS = ["reference", "cpu"]
GRIDS = [(1, None), (3, None), (7, 2), (32, None)]  # (threads per group, cap on groups)


@pytest.fixture(scope="session")
def emu(tmp_path_factory):
    return emulator(tmp_path_factory)


# --- subset transforms ------------------------------------------------------------------------

def subset_transform_model(F, t, inverse):
    """out[i] = sum over subsets j of i of t[j] (zeta), or of (-1)^|i \\ j| t[j] (Moebius)."""
    n = len(t)
    i = np.arange(n)
    out = np.zeros_like(t)
    for j in range(n):
        below = (i & j) == j  # the entries i whose bits include j's
        odd = np.array([bin(x ^ j).count("1") % 2 == 1 for x in i])
        term = np.broadcast_to(t[j], t[below].shape)
        if inverse:
            out[below & odd] = F.ext_sub(out[below & odd], term[odd[below]])
            out[below & ~odd] = F.ext_add(out[below & ~odd], term[~odd[below]])
        else:
            out[below] = F.ext_add(out[below], term)
    return out


@pytest.mark.parametrize("vars_", [0, 1, 3, 6])
@pytest.mark.parametrize("group,groups", GRIDS)
@pytest.mark.parametrize("inverse", [0, 1])
@pytest.mark.parametrize("kind", KINDS)
def test_whir_subset_transform(emu, vars_, group, groups, inverse, kind):
    F = field_ops(kind)
    t = random_ext(np.random.default_rng(vars_ * 10 + group + inverse), 1 << vars_)
    out = emu.run("whir_subset_transform", vars_, inverse, data=words(t), group=group, groups=groups)
    assert_words(out.reshape(-1, 4), subset_transform_model(F, t, inverse), f"whir_subset_transform vs {kind}")


def test_whir_subset_transforms_are_inverse(emu):
    t = random_ext(np.random.default_rng(5), 1 << 8)
    evals = emu.run("whir_subset_transform", 8, 0, data=words(t), group=5, groups=3)
    back = emu.run("whir_subset_transform", 8, 1, data=evals, group=32)
    assert_words(back.reshape(-1, 4), t, "Moebius after zeta")


# --- product table ----------------------------------------------------------------------------

def product_table_model(F, lo, hi):
    """prod_k (bit k of i ? hi[k] : lo[k]) for i < 2^len(lo)."""
    n = 1 << len(lo)
    acc = np.broadcast_to(ext_one(), (n, 4)).copy()
    for k in range(len(lo)):
        bit = ((np.arange(n) >> k) & 1).astype(bool)
        acc = F.ext_mul(acc, np.where(bit[:, None], hi[k], lo[k]))
    return acc


@pytest.mark.parametrize("vars_", [0, 1, 4, 7])
@pytest.mark.parametrize("group,groups", GRIDS)
@pytest.mark.parametrize("kind", KINDS)
def test_whir_product_table(emu, vars_, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(vars_ + 100 * group)
    lo, hi = random_ext(rng, vars_), random_ext(rng, vars_)
    factors = np.stack([lo, hi], axis=1) if vars_ else np.zeros((0, 2, 4), np.uint64)
    out = emu.run("whir_product_table", vars_, data=words(factors), group=group, groups=groups)
    assert_words(out.reshape(-1, 4), product_table_model(F, lo, hi), f"whir_product_table vs {kind}")


# --- power sum --------------------------------------------------------------------------------

def power_sum_lanes(F, t, z):
    """Lane i: t[i] z^i, with z^i from i successive products."""
    powers = [ext_one()]
    for _ in range(1, len(t)):
        powers.append(F.ext_mul(powers[-1], z))
    return F.ext_mul(t, np.stack(powers))


@pytest.mark.parametrize("vars_", [0, 1, 5, 9])
@pytest.mark.parametrize("group,groups", GRIDS)
@pytest.mark.parametrize("kind", KINDS)
def test_whir_power_sum(emu, vars_, group, groups, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(vars_ * 7 + group)
    t, z = random_ext(rng, 1 << vars_), random_ext(rng)
    out = emu.run("whir_power_sum", vars_, data=words(t, z), group=group, groups=groups)
    lanes = power_sum_lanes(F, t, z)
    assert_words(out.reshape(-1, 4), group_partials(lanes, group, groups), f"whir_power_sum partials vs {kind}")
    # and what the host adds up: the table read as a polynomial at z
    assert_words(ext_sum(out.reshape(-1, 4)), ext_sum(lanes), f"whir_power_sum vs {kind}")


# --- message words ----------------------------------------------------------------------------

@pytest.mark.parametrize("length", [1, 5, 64])
@pytest.mark.parametrize("group,groups", GRIDS)
def test_whir_ef_words(emu, length, group, groups):
    t = random_ext(np.random.default_rng(length + group), length)
    out = emu.run("whir_ef_words", length, data=words(t), group=group, groups=groups)
    assert_words(out.reshape(-1, 4), t, "whir_ef_words: each entry's canonical limbs, in row order")
