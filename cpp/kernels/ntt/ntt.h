// Radix-2 decimation-in-time NTT bodies over many columns (natural-order in and out).
//
// Forward: out[i] = sum_j c_j w^(ij) with w = omega_{log_n} (Plonky3's generator); inverse uses
// w^-1 and a final scale by 1/n. A coset shift s multiplies c_j by s^j before the forward pass
// (or by s^-j after the inverse one); all such factors are one scale pass.
//
// The pass order is: bit_reverse, then stages 0..log_n-1, each a full pass over the data, or
// block passes that each run several stages in group scratch (ntt_block.h). Data stay canonical:
// twiddles and scale factors are stored in Montgomery form, and a Montgomery product of a
// canonical value with a Montgomery-form constant is canonical again.
#pragma once
#include "../field/babybear.h"
#include "ntt_params.h"

// The low `bits` bits of x in reverse order (bits <= 32): five swaps of ever smaller halves of the
// word, then the reversed bits shifted down. Branch-free, so that the block passes can address
// every row through it.
GS_FN u32 ntt_bit_reverse(u32 x, u32 bits) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
    x = (x >> 16) | (x << 16);
    return bits == 0u ? 0u : x >> (32u - bits);
}

GS_FN u32 ntt_index(NttParams p, u32 row, u32 col) { return row * p.row_stride + col * p.col_stride; }

// Lane `lane` in [0, n * batch): swap row `lane / batch` with its bit-reversed partner.
GS_FN void ntt_bit_reverse_lane(u32 lane, GS_DEVICE u32* data, NttParams p) {
    u32 row = lane / p.batch, col = lane % p.batch;
    u32 partner = ntt_bit_reverse(row, p.log_n);
    if (row < partner) {
        u32 a = ntt_index(p, row, col), b = ntt_index(p, partner, col);
        u32 t = data[a];
        data[a] = data[b];
        data[b] = t;
    }
}

// The butterfly on values: (a, b) -> (a + w b, a - w b). F is Fp on the devices and the CPU's
// lanes of several values (core/simd/ntt_lanes.cpp).
template <class F>
GS_FN void ntt_butterfly_values(GS_THREAD F* a, GS_THREAD F* b, F w) {
    const F x = *a;
    const F t = fp_mul(*b, w);
    *a = fp_add(x, t);
    *b = fp_sub(x, t);
}

// One butterfly on canonical values, w in Montgomery form.
GS_FN void ntt_butterfly(GS_DEVICE u32* x0, GS_DEVICE u32* x1, u32 twiddle_mont) {
    Fp a = fp_raw(*x0), b = fp_raw(*x1);
    ntt_butterfly_values(&a, &b, fp_raw(twiddle_mont));
    *x0 = a.m;
    *x1 = b.m;
}

// Butterfly `b` of stage `stage` pairs rows row0 and row0 + 2^stage with twiddle index `twiddle`.
struct NttButterfly {
    u32 row0;
    u32 row1;
    u32 twiddle;
};

GS_FN NttButterfly ntt_stage_butterfly(u32 b, u32 stage, u32 log_n) {
    u32 half = 1u << stage;
    u32 j = b & (half - 1u);
    NttButterfly r;
    r.row0 = ((b >> stage) << (stage + 1u)) + j;
    r.row1 = r.row0 + half;
    r.twiddle = j << (log_n - 1u - stage);
    return r;
}

// Lane in [0, n/2 * batch): butterfly `lane / batch` of stage p.stage on column `lane % batch`.
// twiddles[k] = w^k (Montgomery form) for k < n/2.
GS_FN void ntt_stage_lane(u32 lane, GS_DEVICE u32* data, GS_DEVICE const u32* twiddles, NttParams p) {
    u32 col = lane % p.batch;
    NttButterfly bf = ntt_stage_butterfly(lane / p.batch, p.stage, p.log_n);
    ntt_butterfly(data + ntt_index(p, bf.row0, col), data + ntt_index(p, bf.row1, col), twiddles[bf.twiddle]);
}

// Lane in [0, n * batch): data[row][col] *= factors[row] (Montgomery form).
GS_FN void ntt_scale_lane(u32 lane, GS_DEVICE u32* data, GS_DEVICE const u32* factors, NttParams p) {
    u32 row = lane / p.batch, col = lane % p.batch;
    u32 i = ntt_index(p, row, col);
    data[i] = fp_mul(fp_raw(data[i]), fp_raw(factors[row])).m;
}
