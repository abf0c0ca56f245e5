// Round 0's per-point DAG sums weighted by eq over the chunks and added per a, on the device
// (core/round0_sums.h, what add_round0_block does on the host): only N sums per evaluation domain
// come back instead of every point's. Two passes: each lane adds its share (a piece) of a block's
// chunks into its running partial, block after block; then the pieces are added. Field sums are
// exact, so the order of the additions does not change the result. The CUDA kernels
// (backends/cuda/round0.cu) and the Metal kernels (metal/round0.metal) are grid-stride loops over
// these bodies.
#pragma once
#include "../dag/dag_code.h"

// round0_eq_sums: lanes = evals * pieces * 2^l_skip, lane = (eval e, piece p, position a) at
// (e pieces + p) N + a. The block's DAG sums are `evals` runs of N * count points (domain e's
// point (a, x) at e N count + x N + a, as round0_gather lays a block out); eq holds the trace's
// eq over its chunks, the block's chunk x at eq[first + x].
struct Round0EqSumsParams {
    u64 lanes;
    u64 first;
    u64 count;
    u32 l_skip;
    u32 pieces;
};

// round0_piece_sums: lanes = evals * 2^l_skip, lane = (eval e, position a) at e N + a.
struct Round0PieceSumsParams {
    u64 lanes;
    u32 l_skip;
    u32 pieces;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(Round0EqSumsParams) == 32 && sizeof(Round0PieceSumsParams) == 16,
              "Round0 sums params layout is shared with MSL");
#endif

// partials[lane] += sum over the piece's chunks x = p, p + pieces, ... < count of eq[first + x]
// times the three sums at point (a, x) of domain e. partials start at zero (the host clears them).
GS_FN void round0_eq_sums_lane(u64 lane, GS_DEVICE const DagSums* sums, GS_DEVICE const Ef* eq,
                               GS_DEVICE DagSums* partials, u64 first, u64 count, u32 l_skip, u32 pieces) {
    const u64 n = (u64)1 << l_skip, a = lane & (n - 1), rest = lane >> l_skip;
    const u64 p = rest % pieces, e = rest / pieces;
    GS_DEVICE const DagSums* domain = sums + e * n * count + a;
    Ef c = ef_zero(), num = ef_zero(), den = ef_zero();
    for (u64 x = p; x < count; x += pieces) {
        const Ef w = eq[first + x];
        const DagSums s = domain[x * n];
        c = ef_add(c, ef_mul(w, s.constraint));
        num = ef_add(num, ef_mul(w, s.numerator));
        den = ef_add(den, ef_mul(w, s.denominator));
    }
    DagSums acc = partials[lane];
    acc.constraint = ef_add(acc.constraint, c);
    acc.numerator = ef_add(acc.numerator, num);
    acc.denominator = ef_add(acc.denominator, den);
    partials[lane] = acc;
}

// totals[lane] = the sum of the pieces' partials of (e, a).
GS_FN void round0_piece_sums_lane(u64 lane, GS_DEVICE const DagSums* partials, u32 l_skip, u32 pieces,
                                  GS_DEVICE DagSums* totals) {
    const u64 n = (u64)1 << l_skip, a = lane & (n - 1), e = lane >> l_skip;
    DagSums t;
    t.constraint = ef_zero();
    t.numerator = ef_zero();
    t.denominator = ef_zero();
    for (u32 p = 0; p < pieces; ++p) {
        const DagSums s = partials[(e * pieces + p) * n + a];
        t.constraint = ef_add(t.constraint, s.constraint);
        t.numerator = ef_add(t.numerator, s.numerator);
        t.denominator = ef_add(t.denominator, s.denominator);
    }
    totals[lane] = t;
}
