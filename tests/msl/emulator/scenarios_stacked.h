// Scenarios of metal/stacked.metal: the stacked reduction's passes over a stacked matrix and its
// kernel tables, WHIR's batched message, and the commitment's scatter and message. Included by
// emulator.cpp.
#pragma once
#include "scenario_io.h"

namespace gs_emu {

// args: WIDTH LOG_ROWS L_SKIP SLOTS PIECES EQ_LEN. in: the 2^LOG_ROWS x WIDTH matrix, SLOTS slot
// descriptions of 8 words (column, rot, then x_begin, x_len and eq_offset as u64, low word
// first), then EQ_LEN eq values (Ef). stacked_slot_sums into the partials, then
// stacked_piece_sums; out: the partials (SLOTS x PIECES x 2^L_SKIP x 2 Ef), then s and t
// (SLOTS x 2^L_SKIP Ef each).
void scenario_stacked_sums(const Args& a, const Options& o) {
    uint32_t width = arg(a, 0), log_rows = arg(a, 1), l_skip = arg(a, 2), slot_count = arg(a, 3);
    uint32_t pieces = arg(a, 4), eq_len = arg(a, 5);
    if (width == 0 || pieces == 0 || log_rows > 16 || l_skip > log_rows) die("stacked_sums: bad shape");
    const size_t rows = size_t(1) << log_rows, n = size_t(1) << l_skip;
    Input in(rows * width + 8 * size_t(slot_count) + 4 * size_t(eq_len));
    Words matrix = in.words(rows * width), desc = in.words(8 * size_t(slot_count));
    std::vector<Ef> eq = in.efs(eq_len);
    std::vector<StackedSlotDesc> slots(slot_count);
    for (uint32_t j = 0; j < slot_count; ++j) {
        const uint32_t* d = desc.data() + 8 * j;
        StackedSlotDesc& s = slots[j];
        s = {d[0], d[1], d[2] | (uint64_t(d[3]) << 32), d[4] | (uint64_t(d[5]) << 32), d[6] | (uint64_t(d[7]) << 32)};
        if (s.column >= width || (s.x_begin + s.x_len) * n > rows || s.eq_offset + s.x_len > eq_len)
            die("stacked_sums: slot " + std::to_string(j) + " reaches past the matrix or eq");
    }
    StackedSlotSumsParams p{uint64_t(slot_count) * pieces * n, width, l_skip, pieces, 0};
    std::vector<Ef> partials = poisoned_partials(2 * p.lanes);
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        stacked_slot_sums(matrix.data(), slots.data(), eq.data(), partials.data(), p, pos, threads);
    });
    StackedPieceSumsParams q{uint64_t(slot_count) * n, l_skip, pieces};
    std::vector<Ef> s = poisoned_partials(q.lanes), t = poisoned_partials(q.lanes);
    run_lanes(q.lanes, o, [&](uint32_t pos, uint32_t threads) {
        stacked_piece_sums(partials.data(), s.data(), t.data(), q, pos, threads);
    });
    Words out;
    append(out, partials);
    append(out, s);
    append(out, t);
    write_output(out);
}

// args: WIDTH LOG_ROWS L_SKIP. in: the 2^LOG_ROWS x WIDTH matrix, the 2^L_SKIP Lagrange weights
// (Ef), then the WIDTH odd tables the host writes (Ef, chunks each); out: the 2 WIDTH tables of
// chunks = 2^(LOG_ROWS - L_SKIP) entries, column c's fold at table 2c.
void scenario_stacked_fold_columns(const Args& a, const Options& o) {
    uint32_t width = arg(a, 0), log_rows = arg(a, 1), l_skip = arg(a, 2);
    if (width == 0 || log_rows > 16 || l_skip > log_rows) die("stacked_fold_columns: bad shape");
    const size_t rows = size_t(1) << log_rows, n = size_t(1) << l_skip, chunks = rows / n;
    Input in(rows * width + 4 * n + 4 * width * chunks);
    Words matrix = in.words(rows * width);
    std::vector<Ef> lagrange = in.efs(n), odd = in.efs(width * chunks);
    std::vector<Ef> tables = poisoned_partials(2 * width * chunks);
    for (size_t c = 0; c < width; ++c)
        std::copy(odd.begin() + c * chunks, odd.begin() + (c + 1) * chunks, tables.begin() + (2 * c + 1) * chunks);
    StackedFoldColumnsParams p{uint64_t(chunks) * width, chunks, width, l_skip};
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        stacked_fold_columns(matrix.data(), lagrange.data(), tables.data(), p, pos, threads);
    });
    write_output(tables);
}

// args: WIDTH CHUNKS SLOTS EQ_LEN. in: SLOTS slot descriptions of 8 words (as stacked_sums reads
// them; rot is ignored), EQ_LEN eq values (Ef), 2 SLOTS coefficients (Ef: slot j's eq then wrap
// coefficient), then the 2 WIDTH tables of CHUNKS entries (Ef) before the pass. first_lane is the
// slots' x_len summed in order, as the CUDA host computes it; stacked_kernel_table over their
// total. out: the tables after it (entries no slot reaches keep their input value).
void scenario_stacked_kernel_table(const Args& a, const Options& o) {
    uint32_t width = arg(a, 0), chunks = arg(a, 1), slot_count = arg(a, 2), eq_len = arg(a, 3);
    if (width == 0 || chunks > (1u << 16)) die("stacked_kernel_table: bad shape");
    const size_t table_len = 2 * size_t(width) * chunks;
    Input in(8 * size_t(slot_count) + 4 * size_t(eq_len) + 8 * size_t(slot_count) + 4 * table_len);
    Words desc = in.words(8 * size_t(slot_count));
    std::vector<Ef> eq = in.efs(eq_len), coeffs = in.efs(2 * size_t(slot_count)), tables = in.efs(table_len);
    std::vector<StackedSlotDesc> slots(slot_count);
    std::vector<uint64_t> first_lane(slot_count);
    uint64_t lanes = 0;
    for (uint32_t j = 0; j < slot_count; ++j) {
        const uint32_t* d = desc.data() + 8 * j;
        StackedSlotDesc& s = slots[j];
        s = {d[0], d[1], d[2] | (uint64_t(d[3]) << 32), d[4] | (uint64_t(d[5]) << 32), d[6] | (uint64_t(d[7]) << 32)};
        if (s.column >= width || s.x_begin + s.x_len > chunks || s.eq_offset + s.x_len > eq_len)
            die("stacked_kernel_table: slot " + std::to_string(j) + " reaches past the tables or eq");
        first_lane[j] = lanes;
        lanes += s.x_len;
    }
    StackedKernelTableParams p{lanes, chunks, slot_count, 0};
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        stacked_kernel_table(slots.data(), first_lane.data(), eq.data(), coeffs.data(), tables.data(), p, pos,
                             threads);
    });
    write_output(tables);
}

// args: WIDTH ROWS ACCUMULATE. in: the ROWS x WIDTH message, WIDTH weights (Ef), then with
// ACCUMULATE the ROWS Ef that f holds first; out: f (ROWS Ef), f[i] = sum_c weights[c]
// message[i][c], plus what it held with ACCUMULATE.
void scenario_stacked_batch_message(const Args& a, const Options& o) {
    uint32_t width = arg(a, 0), rows = arg(a, 1), accumulate = arg(a, 2);
    if (rows > (1u << 16)) die("stacked_batch_message: bad shape");
    Input in(size_t(rows) * width + 4 * size_t(width) + (accumulate ? 4 * size_t(rows) : 0));
    Words message = in.words(size_t(rows) * width);
    std::vector<Ef> weights = in.efs(width), f = accumulate ? in.efs(rows) : poisoned_partials(rows);
    StackedBatchMessageParams p{rows, width, accumulate};
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        stacked_batch_message(message.data(), weights.data(), f.data(), p, pos, threads);
    });
    write_output(f);
}

// args: TRACE_ROWS TRACE_WIDTH SLOTS WIDTH ROWS. in: the TRACE_ROWS x TRACE_WIDTH trace, SLOTS slot
// descriptions of 6 words (column, stacked_col, then row_idx and step as u64, low word first), then
// the ROWS x WIDTH stacked matrix before the scatter; out: the matrix after it (entries no slot
// reaches keep their input value).
void scenario_stacked_scatter(const Args& a, const Options& o) {
    uint32_t trace_rows = arg(a, 0), trace_width = arg(a, 1), slot_count = arg(a, 2), width = arg(a, 3);
    uint32_t rows = arg(a, 4);
    if (trace_rows > (1u << 16) || rows > (1u << 16) || width == 0) die("stacked_scatter: bad shape");
    Input in(size_t(trace_rows) * trace_width + 6 * size_t(slot_count) + size_t(rows) * width);
    Words trace = in.words(size_t(trace_rows) * trace_width), desc = in.words(6 * size_t(slot_count));
    Words matrix = in.words(size_t(rows) * width);
    std::vector<StackedScatterSlot> slots(slot_count);
    for (uint32_t j = 0; j < slot_count; ++j) {
        const uint32_t* d = desc.data() + 6 * j;
        StackedScatterSlot& s = slots[j];
        s = {d[0], d[1], d[2] | (uint64_t(d[3]) << 32), d[4] | (uint64_t(d[5]) << 32)};
        if (s.column >= trace_width || s.stacked_col >= width ||
            (trace_rows && s.row_idx + uint64_t(trace_rows - 1) * s.step >= rows))
            die("stacked_scatter: slot " + std::to_string(j) + " reaches past the trace or the matrix");
    }
    StackedScatterParams p{uint64_t(trace_rows) * slot_count, trace_width, slot_count, width, 0};
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        stacked_scatter(trace.data(), slots.data(), matrix.data(), p, pos, threads);
    });
    write_output(matrix);
}

// args: WIDTH LOG_ROWS L_SKIP. in: the 2^LOG_ROWS x WIDTH stacked matrix; out: its message (same
// shape; words no lane writes read as poison). inv_powers and inv_n come from the two-adic
// generator as the CUDA host computes them (cuda_stacked_matrix.cpp).
void scenario_stacked_message(const Args& a, const Options& o) {
    uint32_t width = arg(a, 0), log_rows = arg(a, 1), l_skip = arg(a, 2);
    if (width == 0 || log_rows > 16 || l_skip > log_rows) die("stacked_message: bad shape");
    if ((1u << l_skip) > GS_STACKED_MAX_CHUNK) die("stacked_message: 2^L_SKIP exceeds GS_STACKED_MAX_CHUNK");
    const size_t rows = size_t(1) << log_rows, n = size_t(1) << l_skip, chunks = rows / n;
    Input in(rows * width);
    Words matrix = in.words(rows * width), message(rows * width, kScratchPoison);
    const Fp omega_inv = fp_inv(fp_two_adic_generator(l_skip));
    std::vector<Fp> inv_powers(n);
    inv_powers[0] = fp_one();
    for (size_t k = 1; k < n; ++k) inv_powers[k] = fp_mul(inv_powers[k - 1], omega_inv);
    StackedMessageParams p{uint64_t(chunks) * width, fp_inv(fp_from_canonical(uint32_t(n))), width, l_skip, 0};
    run_lanes(p.lanes, o, [&](uint32_t pos, uint32_t threads) {
        stacked_message(matrix.data(), inv_powers.data(), message.data(), p, pos, threads);
    });
    write_output(message);
}

}  // namespace gs_emu
