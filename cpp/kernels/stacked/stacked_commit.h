// The stacked commitment on a device (core/stacked_matrix.h): trace columns scattered into the
// stacked matrix (PROTOCOL 6.2), and each chunk's eval-to-coeff message (6.3 steps 1-2).
#pragma once
#include "../field/babybear.h"
#include "../ntt/ntt_registers.h"

// The message lane keeps one chunk of one column in registers: N = 2^l_skip <= this.
#define GS_STACKED_MAX_CHUNK (1u << GS_REGISTER_DFT_MAX_LOG)

// One slot of one trace: its source column, the stacked column and first row it fills, and the
// row step (2^(l_skip - log_h) for a short column, else 1).
struct StackedScatterSlot {
    u32 column;
    u32 stacked_col;
    u64 row_idx;
    u64 step;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(StackedScatterSlot) == 24, "StackedScatterSlot layout is shared with MSL");
#endif

// Lane = (trace row i, slot s), lane = i slot_count + s: matrix[row_idx + i step][stacked_col] =
// trace[i][column]. Consecutive lanes read neighbouring trace entries (slots in column order).
GS_FN void stacked_scatter_lane(u64 lane, GS_DEVICE const u32* trace, u32 trace_width,
                                GS_DEVICE const StackedScatterSlot* slots, u32 slot_count, u32 width,
                                GS_DEVICE u32* matrix) {
    const u64 i = lane / slot_count, s = lane % slot_count;
    const StackedScatterSlot slot = slots[s];
    matrix[(slot.row_idx + i * slot.step) * width + slot.stacked_col] = trace[i * trace_width + slot.column];
}

// One chunk of N = 2^kLogN values of a column, read at in[a width], turned into coefficients (an
// inverse DFT of size N: coefficient j = N^-1 sum_a v_a omega^(-a j), with inv_powers[k] =
// omega_N^-k), then the subset-zeta transform over the bits of the index (coefficient j' adds
// into every superset of j'); written at out[j width]. The values stay in registers throughout.
template <u32 kLogN>
GS_FN void stacked_message_chunk(GS_DEVICE const u32* in, GS_DEVICE const Fp* inv_powers, Fp inv_n, u32 width,
                                 GS_DEVICE u32* out) {
    const u32 n = 1u << kLogN;
    Fp v[1u << kLogN];
    GS_UNROLL for (u32 a = 0; a < n; ++a) v[a] = fp_from_canonical(in[(u64)a * width]);
    dft_in_registers<kLogN>(v, inv_powers);
    GS_UNROLL for (u32 j = 0; j < n; ++j) v[j] = fp_mul(v[j], inv_n);
    GS_UNROLL for (u32 bit = 1; bit <= kLogN; ++bit)  // index bit `bit - 1` (no b < 0 loop at N = 1)
        GS_UNROLL for (u32 j = 0; j < n; ++j)
            if ((j >> (bit - 1u)) & 1u) v[j] = fp_add(v[j], v[j ^ (1u << (bit - 1u))]);
    GS_UNROLL for (u32 j = 0; j < n; ++j) out[(u64)j * width] = fp_to_canonical(v[j]);
}

// Lane = (chunk x, column c), lane = x width + c: stacked_message_chunk of the chunk's N values of
// column c, written to the same place in `message` (l_skip <= 5: GS_STACKED_MAX_CHUNK).
GS_FN void stacked_message_lane(u64 lane, GS_DEVICE const u32* matrix, GS_DEVICE const Fp* inv_powers, Fp inv_n,
                                u32 width, u32 l_skip, GS_DEVICE u32* message) {
    const u64 x = lane / width, c = lane % width, first = (x << l_skip) * width + c;
    GS_DEVICE const u32* in = matrix + first;
    GS_DEVICE u32* out = message + first;
    switch (l_skip) {
        case 0u: stacked_message_chunk<0u>(in, inv_powers, inv_n, width, out); break;
        case 1u: stacked_message_chunk<1u>(in, inv_powers, inv_n, width, out); break;
        case 2u: stacked_message_chunk<2u>(in, inv_powers, inv_n, width, out); break;
        case 3u: stacked_message_chunk<3u>(in, inv_powers, inv_n, width, out); break;
        case 4u: stacked_message_chunk<4u>(in, inv_powers, inv_n, width, out); break;
        default: stacked_message_chunk<5u>(in, inv_powers, inv_n, width, out); break;
    }
}
