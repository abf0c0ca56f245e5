// The stacked matrix (PROTOCOL 6.2) and its RS message (6.3), kept where the committing backend
// built them: a device backend holds both on the device from the commitment to the openings, so
// the passes of the stacked reduction (PROTOCOL 10: round 0's sums, the tables after u_0) and of
// WHIR (the batched message) run there, and only their results come back.
//
// Both are 2^m x width, row-major; chunk x holds rows [x N, (x + 1) N), N = 2^l_skip, and
// v(x, a, c) is entry (x N + a, c) of the matrix.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../kernels/stacked/stacked_commit.h"
#include "../kernels/stacked/stacked_reduction_lanes.h"
#include "ef_tables.h"
#include "host_memory.h"
#include "merkle_tree.h"
#include "stacked_layout.h"

namespace gpustark {

class Backend;

// One slot of the matrix as round 0 weighs it: the chunks [x_begin, x_begin + x_len) of one
// column, weighted by eq_tables[eq_table] (x_len entries).
struct StackedSlotSums {
    uint32_t column = 0;
    size_t x_begin = 0;
    size_t x_len = 1;
    uint32_t eq_table = 0;
    bool rot = false;  // also the sums against the table rotated by one (T below)
};

// A slot's kernel after u_0 (see column_tables): the weights of its eq part and its wrap part.
struct StackedKernelCoeffs {
    Ef eq, wrap;
};

class StackedMatrix {
public:
    StackedMatrix(size_t height, uint32_t width, uint32_t l_skip) : height_(height), width_(width), l_skip_(l_skip) {}
    virtual ~StackedMatrix() = default;

    size_t height() const { return height_; }
    uint32_t width() const { return width_; }
    uint32_t l_skip() const { return l_skip_; }

    // Round 0's sums, N per slot: for slot j with eq = eq_tables[j.eq_table] and a < N,
    //   s[j N + a] = sum_{x < x_len} eq[x] v(x_begin + x, a, column),
    //   t[j N + a] = sum_{x < x_len} eq[(x - 1) mod x_len] v(x_begin + x, a, column)   (rot slots;
    //   zero otherwise).
    virtual void slot_sums(const std::vector<StackedSlotSums>& slots, const std::vector<std::vector<Ef>>& eq_tables, Ef* s,
                           Ef* t) = 0;
    // The tables after u_0, 2 per column over the 2^m / N chunks: table 2c is
    // sum_a lagrange[a] v(x, a, c); table 2c + 1 is the column's kernel, zero but at its slots:
    // at chunk x_begin + x of slot j (eq = eq_tables[j.eq_table], len = j.x_len),
    //   coeffs[j].eq eq[x] + coeffs[j].wrap (eq[(x - 1) mod len] - eq[x]).
    virtual std::unique_ptr<EfTables> column_tables(const std::vector<Ef>& lagrange,
                                                    const std::vector<StackedSlotSums>& slots,
                                                    const std::vector<std::vector<Ef>>& eq_tables,
                                                    const std::vector<StackedKernelCoeffs>& coeffs) = 0;
    // WHIR's batching: f[i] = sum_c weights[c] message[i][c] for every row i (height() values).
    virtual void batched_message(const std::vector<Ef>& weights, Ef* f) = 0;
    // The same batching written into (or, with `accumulate`, added to) table c of `tables`, where
    // the matrix and the tables share a device; false, with nothing done, where they do not (the
    // caller then batches through host memory). Tables of length height().
    virtual bool batched_message_into(const std::vector<Ef>& weights, EfTables& tables, size_t c, bool accumulate) {
        (void)weights, (void)tables, (void)c, (void)accumulate;
        return false;
    }
    // Copies, for checks and the Python API.
    virtual std::vector<uint32_t> matrix_words() = 0;
    virtual std::vector<uint32_t> message_words() = 0;

protected:
    // Throw std::invalid_argument naming what does not fit.
    void check_slots(const std::vector<StackedSlotSums>& slots, const std::vector<std::vector<Ef>>& eq_tables) const;
    void check_column_tables(const std::vector<Ef>& lagrange, const std::vector<StackedSlotSums>& slots,
                             const std::vector<std::vector<Ef>>& eq_tables,
                             const std::vector<StackedKernelCoeffs>& coeffs) const;

private:
    size_t height_;
    uint32_t width_;
    uint32_t l_skip_;
};

// The host implementation, owning the matrix and the message; its tables go to backend.ef_tables.
std::unique_ptr<StackedMatrix> host_stacked_matrix(Backend& backend, HostVector<uint32_t> matrix,
                                                   HostVector<uint32_t> message, size_t height, uint32_t width,
                                                   uint32_t l_skip);

// For device backends: the slots as the kernels read them (kernels/stacked/stacked_reduction_lanes.h),
// with the eq tables appended to *eq back to back (each slot's at its eq_offset); and how many
// lanes share one (slot, position)'s chunks in stacked_slot_sums, so that a few long slots still
// give the device work.
std::vector<StackedSlotDesc> device_slot_descs(const std::vector<StackedSlotSums>& slots,
                                               const std::vector<std::vector<Ef>>& eq_tables, std::vector<Ef>* eq);
constexpr uint32_t kStackedSlotPieces = 64;
// The lanes of stacked_kernel_table: slot j's x_len lanes start at (*first_lane)[j]; returns the total.
uint64_t stacked_kernel_table_lanes(const std::vector<StackedSlotSums>& slots, std::vector<uint64_t>* first_lane);
// The commitment's scatter, trace by trace: each trace of the layout with slots (its index into
// the traces, and its slots as stacked_scatter reads them, kernels/stacked/stacked_commit.h, by
// first row and then stacked column).
struct TraceScatter {
    uint32_t trace;
    std::vector<StackedScatterSlot> slots;
};
std::vector<TraceScatter> stacked_scatter_plan(const StackedLayout& layout);
// The stacked_message kernel's constants for chunks of N = 2^l_skip rows, in Montgomery form:
// omega_N^-k for k < N, and N^-1.
struct StackedMessageTwiddles {
    std::vector<Fp> inv_powers;
    Fp inv_n;
};
StackedMessageTwiddles stacked_message_twiddles(uint32_t l_skip);

// Throws std::invalid_argument unless height is a power of two >= 2^l_skip and both buffers hold
// height x width values.
void check_stacked_shape(size_t matrix_words, size_t message_words, size_t height, uint32_t width, uint32_t l_skip);

// A stacked commitment's data: the matrix and message, and the tree over the codeword.
struct StackedCommit {
    std::unique_ptr<StackedMatrix> stacked;
    MerkleTree tree;
};

// PROTOCOL 6.2-6.4 on the host: the traces stacked by `layout` (sorted by descending height, as
// laid out), the message, and its codeword (2^(m + log_blowup) rows) committed with 2^k rows per
// query through backend.ntt and backend.encode_and_commit. Spans rs_code_matrix and merkle_tree.
StackedCommit host_commit_stacked(Backend& backend, const StackedLayout& layout, const std::vector<TraceView>& traces,
                                  uint32_t log_blowup, uint32_t k);

}  // namespace gpustark
