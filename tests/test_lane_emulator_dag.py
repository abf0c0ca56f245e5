"""metal/dag.metal on the lane emulator: random constraint-DAG programs (tests/msl/dag_reference.py)
run at base-field points (dag_base_sums, then dag_group_sums; rows point by point as the host
gives them, or column by column in Montgomery form as round 0 hands them over on a device) and in a batch-constraint
round (dag_fold_points, then dag_round: one partial per threadgroup), against the program's meaning evaluated with numpy
arithmetic ("reference") and with the CPU's native field arithmetic ("cpu", gpustark.field).

Programs reuse their slots, so a thread whose slots collide with another's, or a lane that reads
a slot its group did not write (slots start as poison), gives a wrong answer. Cases cover one
point, one group, grids capped below the lane count (threads take several lanes and reuse their
slot column), groups that are not powers of two, offset pairs and the bound round.

metal/fraction_tree.metal's LogUp input-layer kernels run the same interpreter over trace rows:
logup_leaves writes each interaction's count (scaled by 1/repeats) and term to its slot, at the
row and its lifted copies, and logup_unused_leaves the (0, alpha) after the slots.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "msl"))
from dag_reference import (NUMERATOR, BaseValues, ExtValues, random_interaction_program, random_program,  # noqa: E402
                           run_group, walk_group)
from ef_reference import P, ext_sum, group_partials, random_ext  # noqa: E402
from lane_tests import assert_words, emulator, field_ops, words  # noqa: E402

KINDS = ["reference", "cpu"]
MAX_POINTS = 8  # GS_DAG_MAX_POINTS: the round's sums per threadgroup


@pytest.fixture(scope="session")
def emu(tmp_path_factory):
    return emulator(tmp_path_factory)


def lay_out(values, column_major, pad):
    """(points, columns) values as words of a flat buffer, point by point (column stride 1, point
    stride columns + pad) or column by column (point stride 1, column stride points + pad)."""
    points, columns = values.shape
    if column_major:
        flat = np.zeros((columns, points + pad), np.uint64)
        flat[:, :points] = values.T
        return flat.ravel(), 1, points + pad
    flat = np.zeros((points, columns + pad), np.uint64)
    flat[:, :columns] = values
    return flat.ravel(), columns + pad, 1


@pytest.mark.parametrize("width,groups,instrs,slots,points,local_pad,next_pad,group,cap", [
    (1, 1, 4, 1, 1, 0, 0, 32, None),     # one point, one group
    (3, 2, 20, 3, 5, 1, 2, 3, None),     # padded rows
    (4, 4, 30, 4, 17, 0, 0, 5, 2),       # 68 lanes on 10 threads
    (2, 3, 12, 2, 64, 2, 0, 32, None),
    (2, 2, 10, 0, 6, 0, 0, 4, None),     # no slots: leaves only
])
@pytest.mark.parametrize("column_major,montgomery", [(False, False), (True, False), (True, True)],
                         ids=["point-major", "column-major", "column-major-montgomery"])
@pytest.mark.parametrize("kind", KINDS)
def test_dag_base_sums(emu, width, groups, instrs, slots, points, local_pad, next_pad, group, cap, column_major,
                       montgomery, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(width * 1000 + groups * 100 + points)
    prog = random_program(rng, width, groups, instrs, slots)
    local = rng.integers(0, P, size=(points, width + 3), dtype=np.uint64)
    nxt = rng.integers(0, P, size=(points, width), dtype=np.uint64)
    # Round 0's blocks hold Montgomery-form words (x 2^32 mod p), which the kernel reads unconverted.
    form = (lambda v: (v << np.uint64(32)) % np.uint64(P)) if montgomery else (lambda v: v)
    local_words, local_point, local_column = lay_out(form(local), column_major, local_pad)
    next_words, next_point, next_column = lay_out(form(nxt), column_major, next_pad)
    out = emu.run("dag_base_sums", width, *prog.sizes(), points, local_point, local_column, len(local_words),
                  next_point, next_column, len(next_words), int(montgomery),
                  data=words(*prog.words(), local_words, next_words), group=group, groups=cap)
    partial, total = out[: points * groups * 12], out[points * groups * 12:]

    values = BaseValues(F)
    expected = np.stack([run_group(F, values, prog, g, local[:, :width], nxt, local[:, width:width + 3])
                         for g in range(groups)], axis=1)  # (points, groups, 3, 4)
    assert_words(partial.reshape(points, groups, 3, 4), expected, f"dag_base_sums vs {kind}")
    assert_words(total.reshape(points, 3, 4), ext_sum(expected, axis=1), f"dag_group_sums vs {kind}")


def folded_values(F, tables, width, first_pair, pairs, xs, bound):
    """dag_fold_points' out: table c at (x_k, pair) for unit (pair, k), k fastest, as (2 width + 4,
    pairs x points, 4): lo + x_k (hi - lo), or the table's one entry when bound."""
    points = len(xs)
    units = np.arange(pairs * points)
    pair, k = first_pair + units // points, units % points

    def at(c):
        if bound:
            return np.broadcast_to(tables[c, 0], (len(units), 4))
        lo, hi = tables[c, 2 * pair], tables[c, 2 * pair + 1]
        return F.ext_add(lo, F.ext_mul(xs[k], F.ext_sub(hi, lo)))

    return np.stack([at(c) for c in range(2 * width + 4)])


LANE_ALIGN = 32  # GS_DAG_LANE_ALIGN: each group's lanes padded to a multiple of the SIMD width


def round_lanes(F, prog, folded, width, points, combine):
    """Per lane (group g, unit = (pair, point k)), k fastest, each group's units padded with
    zero lanes to a multiple of LANE_ALIGN: eq (combine . (C, N, D))_g at the unit's folded
    values, in slot k of the round's MAX_POINTS sums."""
    groups, units = len(prog.groups), folded.shape[1]
    padded = -(-units // LANE_ALIGN) * LANE_ALIGN
    k = np.arange(units) % points
    cols = np.moveaxis(folded, 0, 1)  # (units, 2 width + 4, 4)
    local, nxt, selectors, eq = cols[:, :width], cols[:, width:2 * width], cols[:, 2 * width:2 * width + 3], cols[:, -1]
    lanes = np.zeros((groups, padded, MAX_POINTS, 4), np.uint64)
    for g in range(groups):
        d = run_group(F, ExtValues(F), prog, g, local, nxt, selectors)
        inner = F.ext_add(F.ext_mul(combine[0], d[:, 0]),
                          F.ext_add(F.ext_mul(combine[1], d[:, 1]), F.ext_mul(combine[2], d[:, 2])))
        lanes[g, np.arange(units), k] = F.ext_mul(eq, inner)
    return lanes.reshape(-1, MAX_POINTS, 4)


@pytest.mark.parametrize("width,groups,instrs,slots,length,first_pair,pairs,points,group,cap", [
    (1, 1, 6, 1, 1, 0, 1, 1, 32, None),     # bound: the tables' one entry
    (2, 2, 15, 2, 8, 0, 4, 3, 5, None),
    (3, 3, 25, 3, 16, 2, 5, 4, 7, 2),       # offset pairs; 20 units padded to 32 per group, on 14 threads
    (2, 1, 10, 2, 4, 1, 1, 8, 3, None),     # every point slot
    (4, 4, 30, 4, 32, 0, 16, 2, 32, 3),     # 32 units: no padding
    (2, 3, 12, 2, 64, 0, 11, 3, 16, None),  # 33 units padded to 64
])
@pytest.mark.parametrize("kind", KINDS)
def test_dag_round(emu, width, groups, instrs, slots, length, first_pair, pairs, points, group, cap, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(width * 1000 + length * 10 + points)
    prog = random_program(rng, width, groups, instrs, slots)
    tables = random_ext(rng, 2 * width + 4, length)
    xs, combine = random_ext(rng, points), random_ext(rng, 3)
    out = emu.run("dag_round", width, *prog.sizes(), length, first_pair, pairs, points,
                  data=words(*prog.words(), tables, xs, combine), group=group, groups=cap)
    folded = folded_values(F, tables, width, first_pair, pairs, xs, length == 1)
    expected = group_partials(round_lanes(F, prog, folded, width, points, combine), group, cap)
    partials = out[: expected.size]
    assert_words(out[expected.size:].reshape(folded.shape), folded, f"dag_fold_points vs {kind}")
    assert_words(partials.reshape(-1, MAX_POINTS, 4), expected, f"dag_round partials vs {kind}")


@pytest.mark.parametrize("width,interactions,slots,log_height,repeats,group,cap", [
    (2, 1, 0, 0, 1, 32, None),    # one row, no slots: leaves only
    (3, 3, 2, 3, 1, 4, None),
    (4, 2, 3, 2, 4, 3, 1),        # a lifted trace; one threadgroup of 3 threads takes every row
    (5, 4, 4, 5, 2, 8, 2),
])
@pytest.mark.parametrize("kind", KINDS)
def test_logup_leaves(emu, width, interactions, slots, log_height, repeats, group, cap, kind):
    F = field_ops(kind)
    rng = np.random.default_rng(width * 100 + interactions * 10 + log_height)
    first_slot_weight = 5
    prog = random_interaction_program(rng, width, interactions, slots, first_slot_weight)
    height = 1 << log_height
    trace = rng.integers(0, P, size=(height, width), dtype=np.uint64)
    slot = height * repeats
    offsets = [3 + k * (slot + 1) for k in range(interactions)]  # a gap between slots stays unwritten
    slot_leaves = offsets[-1] + slot
    leaves = slot_leaves + 6
    alpha = random_ext(rng, 1)[0]
    norm = pow(repeats, P - 2, P)
    offset_words = np.array([[o & 0xFFFFFFFF, o >> 32] for o in offsets], np.uint64)
    out = emu.run("logup_leaves", width, slots, len(prog.code), len(prog.weights), len(prog.constants), log_height,
                  repeats, interactions, first_slot_weight, slot_leaves, leaves,
                  data=words(prog.code, [0, len(prog.code)], prog.weights, prog.constants, trace, offset_words, alpha,
                             [norm]),
                  group=group, groups=cap).reshape(2, leaves, 4)

    rows = np.arange(height)
    selectors = np.stack([rows == 0, rows == height - 1, rows != height - 1], axis=1).astype(np.uint64)
    counts, terms = {}, {}

    def record(op, aux, value):
        (counts if op == NUMERATOR else terms)[aux - first_slot_weight] = value

    walk_group(F, BaseValues(F), prog, 0, trace, trace[(rows + 1) % height], selectors, record)
    # Unwritten leaves (before and between the slots) keep the scenario's poison: the raw word
    # 0xdeadbeef read back as a Montgomery-form value.
    poison = 0xDEADBEEF * pow(2**32, -1, P) % P
    expected = np.full((2, leaves, 4), poison, np.uint64)
    for k, start in enumerate(offsets):
        for copy in range(repeats):
            at = start + copy * height + rows
            expected[0, at] = 0
            expected[0, at, 0] = F.mul(counts[k], np.full(height, norm, np.uint64))
            expected[1, at] = terms[k]
    expected[0, slot_leaves:] = 0
    expected[1, slot_leaves:] = alpha
    assert_words(out, expected, f"logup_leaves vs {kind}")
