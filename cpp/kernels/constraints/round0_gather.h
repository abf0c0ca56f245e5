// One lane of round 0's gather (core/round0_sums.h): one chunk of N = 2^l_skip rows of one column
// of a trace, and of the next rows, taken to the points round 0 evaluates the DAG at, and written
// into a block laid out column by column, each (column, chunk) pair's N points one after another:
// the layout the DAG reads (neighbouring threads, neighbouring points, read neighbouring words).
// On D (the rows themselves) the values are copied; on a coset g D the chunk's N values are
// interpolated and evaluated there in the thread's registers (an inverse DFT, the coset's powers,
// a forward DFT), so a coset costs one read of the trace and one write of its points rather than a
// gather, NTT passes and a copy. The CUDA kernel (backends/cuda/round0.cu) and the Metal kernel
// (metal/round0.metal) are grid-stride loops over round0_gather_lane.
#pragma once
#include "../field/babybear.h"
#include "../ntt/ntt_registers.h"

// Chunks [first, first + count) of N = 2^l_skip <= 2^GS_REGISTER_DFT_MAX_LOG rows; lanes = count *
// (width + 3), one per (chunk, column or selector). coset != 0: the values go to the coset whose
// table the launch binds (round0_to_coset); 0: they stay on D.
struct Round0GatherParams {
    u64 first;
    u64 count;
    u64 lanes;
    u32 width;
    u32 log_height;
    u32 l_skip;
    u32 coset;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(Round0GatherParams) == 40 && __builtin_offsetof(Round0GatherParams, width) == 24,
              "Round0GatherParams layout is shared with MSL");
#endif

// The N values of one chunk, interpolated over D and evaluated at the coset's points s w^a. The
// tables, in Montgomery form: `powers` holds w^-k, then w^k, for k < N/2 (w = omega_N: the NTT's
// twiddles, N/2 and N/2), then the coset's scale s^j / N for j < N (coefficient j of the
// interpolant times s^j: evaluating it at s w^a is evaluating the scaled one at w^a).
template <u32 kLogN>
GS_FN void round0_to_coset(GS_THREAD Fp* v, GS_DEVICE const Fp* powers) {
    const u32 half = (1u << kLogN) / 2u;
    dft_in_registers<kLogN>(v, powers);
    GS_UNROLL for (u32 j = 0; j < (1u << kLogN); ++j) v[j] = fp_mul(v[j], powers[2u * half + j]);
    dft_in_registers<kLogN>(v, powers + half);
}

// A chunk's N words to `out`, which is 16-byte aligned for N >= 4 (the block's buffers are, and
// every chunk starts at a multiple of N words): neighbouring lanes write chunks N count words apart,
// so four words a store make a quarter of the memory transactions of one word a store.
template <u32 kLogN>
GS_FN void round0_store_chunk(GS_DEVICE u32* out, GS_THREAD const Fp* v) {
    if (kLogN >= 2u) {
        GS_UNROLL for (u32 a = 0; a + 3u < (1u << kLogN); a += 4u)
            GS_STORE4(out + a, v[a].m, v[a + 1u].m, v[a + 2u].m, v[a + 3u].m);
    } else {
        GS_UNROLL for (u32 a = 0; a < (1u << kLogN); ++a) out[a] = v[a].m;
    }
}

// Chunk x of the block, column c: point a is row N (first + x) + a (mod h) for local, one row on
// for next, or the selector c - width (is_first, is_last, is_transition) of the local row. Local
// point (c, x, a) goes to local[c N count + x N + a], next's to the same place in `next` (which
// has no selector columns). Written in Montgomery form: the DAG reads each value with one load
// instead of a load and a multiply (it reads each column many times). Neighbouring lanes take
// neighbouring columns of one chunk, so a SIMD group reads neighbouring words of each row.
template <u32 kLogN>
GS_FN void round0_gather_chunk(u64 x, u32 c, GS_DEVICE const u32* trace, Round0GatherParams p, GS_DEVICE const Fp* powers,
                               GS_DEVICE u32* local, GS_DEVICE u32* next) {
    const u32 n = 1u << kLogN;
    const u64 height_mask = ((u64)1 << p.log_height) - 1, row0 = (p.first + x) << kLogN;
    const u64 at = (u64)c * (n * p.count) + x * n;
    Fp v[1u << kLogN];
    if (c < p.width) {
        Fp w[1u << kLogN];
        GS_UNROLL for (u32 a = 0; a < n; ++a) v[a] = fp_from_canonical(trace[((row0 + a) & height_mask) * p.width + c]);
        GS_UNROLL for (u32 a = 0; a + 1u < n; ++a) w[a] = v[a + 1u];
        w[n - 1u] = fp_from_canonical(trace[((row0 + n) & height_mask) * p.width + c]);
        if (p.coset != 0u) round0_to_coset<kLogN>(w, powers);
        round0_store_chunk<kLogN>(next + at, w);
    } else {
        GS_UNROLL for (u32 a = 0; a < n; ++a) {
            const u64 row = (row0 + a) & height_mask;
            const bool flag = c == p.width ? row == 0 : c == p.width + 1u ? row == height_mask : row != height_mask;
            v[a] = flag ? fp_one() : fp_zero();
        }
    }
    if (p.coset != 0u) round0_to_coset<kLogN>(v, powers);
    round0_store_chunk<kLogN>(local + at, v);
}

// Lane = (chunk x, column c), lane = x (width + 3) + c, for l_skip <= GS_REGISTER_DFT_MAX_LOG
// (the host checks).
GS_FN void round0_gather_lane(u64 lane, GS_DEVICE const u32* trace, Round0GatherParams p, GS_DEVICE const Fp* powers,
                              GS_DEVICE u32* local, GS_DEVICE u32* next) {
    const u32 cols = p.width + 3u;
    const u64 x = lane / cols;
    const u32 c = (u32)(lane % cols);
    switch (p.l_skip) {
        case 0u: round0_gather_chunk<0u>(x, c, trace, p, powers, local, next); break;
        case 1u: round0_gather_chunk<1u>(x, c, trace, p, powers, local, next); break;
        case 2u: round0_gather_chunk<2u>(x, c, trace, p, powers, local, next); break;
        case 3u: round0_gather_chunk<3u>(x, c, trace, p, powers, local, next); break;
        case 4u: round0_gather_chunk<4u>(x, c, trace, p, powers, local, next); break;
        default: round0_gather_chunk<5u>(x, c, trace, p, powers, local, next); break;
    }
}
