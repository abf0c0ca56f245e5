// The stacked reduction's passes over the stacked matrix (core/stacked_matrix.h), one lane each.
// The matrix is 2^m x width, row-major, canonical; chunk x holds rows [x N, (x + 1) N), N = 2^l_skip.
#pragma once
#include "../field/ext4.h"

// One slot as round 0 weighs it: chunks [x_begin, x_begin + x_len) of one column against the eq
// table at eq[eq_offset, eq_offset + x_len).
struct StackedSlotDesc {
    u32 column;
    u32 rot;  // 1: also the sums against eq rotated by one
    u64 x_begin;
    u64 x_len;
    u64 eq_offset;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(StackedSlotDesc) == 32, "StackedSlotDesc layout is shared with MSL");
#endif

// Lane = (slot j, piece p, position a), lane = (j pieces + p) N + a: the piece's share (chunks
// x = p, p + pieces, ...) of S[a] = sum_x eq[x] v(x_begin + x, a) and T[a] = sum_x eq[x - 1] v(..),
// written to partials[2 lane] and partials[2 lane + 1].
GS_FN void stacked_slot_sums_lane(u64 lane, GS_DEVICE const u32* matrix, GS_DEVICE const StackedSlotDesc* slots,
                                  GS_DEVICE const Ef* eq, u32 width, u32 l_skip, u32 pieces, GS_DEVICE Ef* partials) {
    const u64 a = lane & (((u64)1 << l_skip) - 1), rest = lane >> l_skip;
    const u64 p = rest % pieces, j = rest / pieces;
    const StackedSlotDesc slot = slots[j];
    GS_DEVICE const Ef* e = eq + slot.eq_offset;
    Ef s = ef_zero(), t = ef_zero();
    for (u64 x = p; x < slot.x_len; x += pieces) {
        const Fp v = fp_from_canonical(matrix[(((slot.x_begin + x) << l_skip) + a) * width + slot.column]);
        s = ef_add(s, ef_mul_base(e[x], v));
        if (slot.rot != 0) t = ef_add(t, ef_mul_base(e[(x + slot.x_len - 1) % slot.x_len], v));
    }
    partials[2 * lane] = s;
    partials[2 * lane + 1] = t;
}

// Lane = (slot j, position a), lane = j N + a: the pieces' partials added into s[lane], t[lane].
GS_FN void stacked_piece_sums_lane(u64 lane, GS_DEVICE const Ef* partials, u32 l_skip, u32 pieces, GS_DEVICE Ef* s,
                                   GS_DEVICE Ef* t) {
    const u64 a = lane & (((u64)1 << l_skip) - 1), j = lane >> l_skip;
    Ef sum_s = ef_zero(), sum_t = ef_zero();
    for (u32 p = 0; p < pieces; ++p) {
        const u64 i = ((j * pieces + p) << l_skip) + a;
        sum_s = ef_add(sum_s, partials[2 * i]);
        sum_t = ef_add(sum_t, partials[2 * i + 1]);
    }
    s[lane] = sum_s;
    t[lane] = sum_t;
}

// Lane = (chunk x, column c), lane = x width + c: tables[2 c chunks + x] = sum_a lagrange[a] v(x, a, c),
// the column's MLE after u_0 (the odd tables, the kernels, are written by the host).
GS_FN void stacked_fold_columns_lane(u64 lane, GS_DEVICE const u32* matrix, GS_DEVICE const Ef* lagrange, u32 width,
                                     u32 l_skip, u64 chunks, GS_DEVICE Ef* tables) {
    const u64 x = lane / width, c = lane % width, n = (u64)1 << l_skip;
    GS_DEVICE const u32* rows = matrix + x * n * width + c;
    Ef q = ef_zero();
    for (u64 a = 0; a < n; ++a) q = ef_add(q, ef_mul_base(lagrange[a], fp_from_canonical(rows[a * width])));
    tables[2 * c * chunks + x] = q;
}

// Lane = row i: f[i] = sum_c weights[c] message[i][c], WHIR's batched message (before its zeta
// transform); with `accumulate`, added to f[i] (a later commitment's share).
GS_FN void stacked_batch_message_lane(u64 i, GS_DEVICE const u32* message, GS_DEVICE const Ef* weights, u32 width,
                                      u32 accumulate, GS_DEVICE Ef* f) {
    GS_DEVICE const u32* row = message + i * width;
    Ef acc = ef_zero();
    for (u32 c = 0; c < width; ++c) acc = ef_add(acc, ef_mul_base(weights[c], fp_from_canonical(row[c])));
    if (accumulate != 0) acc = ef_add(f[i], acc);
    f[i] = acc;
}

// Lane = (slot j, chunk xl < x_len of slot j), lanes = sum of the slots' x_len, slot j's lanes
// starting at first_lane[j] (ascending, first_lane[0] = 0): the stacked reduction's kernel table
// after u_0 at the slot's chunk, tables[(2 column + 1) chunks + x_begin + xl] =
// coeffs[2j] eq[xl] + coeffs[2j + 1] (eq[xl - 1 mod x_len] - eq[xl]) (the eq and wrap parts).
GS_FN void stacked_kernel_table_lane(u64 lane, GS_DEVICE const StackedSlotDesc* slots,
                                     GS_DEVICE const u64* first_lane, u32 slot_count, GS_DEVICE const Ef* eq,
                                     GS_DEVICE const Ef* coeffs, u64 chunks, GS_DEVICE Ef* tables) {
    u32 lo = 0, hi = slot_count;  // the last slot whose first lane is <= lane
    while (hi - lo > 1) {
        const u32 mid = (lo + hi) / 2;
        if (first_lane[mid] <= lane) lo = mid;
        else hi = mid;
    }
    const StackedSlotDesc slot = slots[lo];
    const u64 xl = lane - first_lane[lo];
    GS_DEVICE const Ef* e = eq + slot.eq_offset;
    const Ef cur = e[xl], prev = e[(xl + slot.x_len - 1) % slot.x_len];
    tables[(2 * (u64)slot.column + 1) * chunks + slot.x_begin + xl] =
        ef_add(ef_mul(coeffs[2 * lo], cur), ef_mul(coeffs[2 * lo + 1], ef_sub(prev, cur)));
}
