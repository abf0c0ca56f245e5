#include "stacked_matrix.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>

#include "../kernels/field/two_adic.h"
#include "backend.h"
#include "host_memory.h"
#include "lazy_sum.h"
#include "parallel.h"

namespace gpustark {

using EfVec = std::vector<Ef>;

void StackedMatrix::check_slots(const std::vector<StackedSlotSums>& slots, const std::vector<EfVec>& eq_tables) const {
    const size_t chunks = height_ >> l_skip_;
    for (size_t j = 0; j < slots.size(); ++j) {
        const StackedSlotSums& s = slots[j];
        if (s.column >= width_ || s.x_len == 0 || s.x_begin + s.x_len > chunks || s.eq_table >= eq_tables.size() ||
            eq_tables[s.eq_table].size() != s.x_len)
            throw std::invalid_argument("stacked matrix: slot " + std::to_string(j) + " (column " +
                                        std::to_string(s.column) + ", chunks " + std::to_string(s.x_begin) + " + " +
                                        std::to_string(s.x_len) + ", eq table " + std::to_string(s.eq_table) +
                                        ") does not fit the " + std::to_string(chunks) + " x " +
                                        std::to_string(width_) + " chunks or its eq table");
    }
}

void StackedMatrix::check_column_tables(const std::vector<Ef>& lagrange, const std::vector<StackedSlotSums>& slots,
                                        const std::vector<std::vector<Ef>>& eq_tables,
                                        const std::vector<StackedKernelCoeffs>& coeffs) const {
    if (lagrange.size() != (size_t(1) << l_skip_))
        throw std::invalid_argument("stacked matrix: expected " + std::to_string(size_t(1) << l_skip_) +
                                    " Lagrange weights, found " + std::to_string(lagrange.size()));
    if (coeffs.size() != slots.size())
        throw std::invalid_argument("stacked matrix: " + std::to_string(coeffs.size()) + " kernel coefficients for " +
                                    std::to_string(slots.size()) + " slots");
    check_slots(slots, eq_tables);
}

namespace {

// Round 0's sums over the chunks [x_begin, x_end), every column at once so that the matrix
// streams through row by row: four chunks at a time, each column adds them to its current slot's
// running sums (two products per value, reduced lazily), which go to the slot's output when the
// slot (or the range) ends.
class SlotSumsRange {
public:
    EfVec out_s, out_t;  // the range's sums, per slot, per position a in the chunk

    SlotSumsRange(const uint32_t* matrix, uint32_t width, size_t n, const std::vector<StackedSlotSums>& slots,
                  const std::vector<std::vector<size_t>>& by_column, const std::vector<EfVec>& eq_tables)
        : out_s(slots.size() * n, ef_zero()), out_t(slots.size() * n, ef_zero()),
          m_(matrix), width_(width), n_(n), slots_(slots), by_column_(by_column), eq_tables_(eq_tables),
          s_(size_t(width) * n), t_(size_t(width) * n), cur_(width) {}

    void run(size_t x_begin, size_t x_end) {
        for (uint32_t c = 0; c < width_; ++c) {
            const std::vector<size_t>& col = by_column_[c];
            cur_[c] = size_t(std::find_if(col.begin(), col.end(),
                                          [&](size_t j) { return slots_[j].x_begin + slots_[j].x_len > x_begin; }) -
                             col.begin());
        }
        for (size_t xg = x_begin; xg < x_end; xg += 4) {
            const size_t xg_end = std::min(x_end, xg + 4);
            for (uint32_t c = 0; c < width_; ++c) column_group(c, xg, xg_end);
        }
        for (uint32_t c = 0; c < width_; ++c)  // slots still open at the end of the range
            if (cur_[c] < by_column_[c].size()) flush(c);
    }

private:
    // Column c over chunks [x, x_end), at most four, which may cross slot ends.
    void column_group(uint32_t c, size_t x, size_t x_end) {
        while (x < x_end && cur_[c] < by_column_[c].size()) {  // past the column's last slot: nothing
            const StackedSlotSums& sl = slots_[by_column_[c][cur_[c]]];
            if (x < sl.x_begin) {  // a gap before the slot
                x = std::min(x_end, sl.x_begin);
                continue;
            }
            const size_t end = sl.x_begin + sl.x_len, run = std::min(x_end, end) - x;
            add(c, sl, x - sl.x_begin, run, m_ + x * n_ * width_ + c);
            x += run;
            if (x == end) {
                flush(c);
                ++cur_[c];
            }
        }
    }

    // `run` (<= 4) chunks of slot `sl` from its local chunk xl on; v at the first one's row.
    void add(uint32_t c, const StackedSlotSums& sl, size_t xl, size_t run, const uint32_t* v) {
        const EfVec& eq = eq_tables_[sl.eq_table];
        const size_t x_stride = n_ * width_;
        LazyEfSum* s = s_.data() + size_t(c) * n_;
        for (size_t a = 0; a < n_; ++a) s[a].add_group(eq.data() + xl, v + a * width_, x_stride, run);
        if (!sl.rot) return;
        Ef prev[4];  // eq[x - 1], wrapping inside the slot
        for (size_t k = 0; k < run; ++k) prev[k] = eq[(xl + k + sl.x_len - 1) % sl.x_len];
        LazyEfSum* t = t_.data() + size_t(c) * n_;
        for (size_t a = 0; a < n_; ++a) t[a].add_group(prev, v + a * width_, x_stride, run);
    }

    void flush(uint32_t c) {
        const size_t j = by_column_[c][cur_[c]];
        LazyEfSum* s = s_.data() + size_t(c) * n_;
        LazyEfSum* t = t_.data() + size_t(c) * n_;
        for (size_t a = 0; a < n_; ++a) {
            out_s[j * n_ + a] = ef_add(out_s[j * n_ + a], s[a].value());
            out_t[j * n_ + a] = ef_add(out_t[j * n_ + a], t[a].value());
            s[a] = t[a] = LazyEfSum{};
        }
    }

    const uint32_t* m_;
    const uint32_t width_;
    const size_t n_;
    const std::vector<StackedSlotSums>& slots_;
    const std::vector<std::vector<size_t>>& by_column_;
    const std::vector<EfVec>& eq_tables_;
    std::vector<LazyEfSum> s_, t_;  // per column, per position a in the chunk
    std::vector<size_t> cur_;       // per column: its slot (index into by_column_[c]) at the current chunk
};

class HostStackedMatrix final : public StackedMatrix {
public:
    HostStackedMatrix(Backend& backend, HostVector<uint32_t> matrix, HostVector<uint32_t> message, size_t height,
                      uint32_t width, uint32_t l_skip)
        : StackedMatrix(height, width, l_skip), backend_(backend), matrix_(std::move(matrix)),
          message_(std::move(message)), m_(matrix_.data()) {}

    void slot_sums(const std::vector<StackedSlotSums>& slots, const std::vector<EfVec>& eq_tables, Ef* s,
                   Ef* t) override {
        check_slots(slots, eq_tables);
        const size_t n = size_t(1) << l_skip(), chunks = height() >> l_skip();
        std::fill(s, s + slots.size() * n, ef_zero());
        std::fill(t, t + slots.size() * n, ef_zero());
        std::vector<std::vector<size_t>> by_column(width());
        for (size_t j = 0; j < slots.size(); ++j) by_column[slots[j].column].push_back(j);
        for (std::vector<size_t>& col : by_column)
            std::sort(col.begin(), col.end(), [&](size_t a, size_t b) { return slots[a].x_begin < slots[b].x_begin; });
        // One range of chunks per thread: each range's per-slot sums are added at its end.
        const size_t pieces = std::max<size_t>(1, std::min(num_threads(), chunks));
        std::mutex mutex;
        parallel_for(pieces, 1, [&](size_t p0, size_t p1) {
            for (size_t p = p0; p < p1; ++p) {
                SlotSumsRange range(m_, width(), n, slots, by_column, eq_tables);
                range.run(chunks * p / pieces, chunks * (p + 1) / pieces);
                std::lock_guard<std::mutex> lock(mutex);  // field sums are exact: any order
                for (size_t i = 0; i < slots.size() * n; ++i) {
                    s[i] = ef_add(s[i], range.out_s[i]);
                    t[i] = ef_add(t[i], range.out_t[i]);
                }
            }
        });
    }

    std::unique_ptr<EfTables> column_tables(const EfVec& lagrange, const std::vector<StackedSlotSums>& slots,
                                            const std::vector<EfVec>& eq_tables,
                                            const std::vector<StackedKernelCoeffs>& coeffs) override {
        const size_t n = size_t(1) << l_skip(), chunks = height() >> l_skip();
        check_column_tables(lagrange, slots, eq_tables, coeffs);
        const uint32_t width = this->width();
        HostVector<Ef> tables = uninitialized_vector<Ef>(2 * size_t(width) * chunks);  // all written below
        parallel_for(chunks, 64, [&](size_t begin, size_t end) {
            for (size_t x = begin; x < end; ++x) {
                const uint32_t* rows = m_ + x * n * width;
                for (uint32_t c = 0; c < width; ++c) {
                    LazyEfSum q;
                    q.add_strided(lagrange.data(), rows + c, width, n);
                    tables[2 * c * chunks + x] = q.value();
                }
            }
        });
        parallel_for(width, 1, [&](size_t c0, size_t c1) {  // the kernels: zero off the slots
            for (size_t c = c0; c < c1; ++c) std::fill_n(tables.data() + (2 * c + 1) * chunks, chunks, ef_zero());
        });
        parallel_for(slots.size(), 1, [&](size_t j0, size_t j1) {
            for (size_t j = j0; j < j1; ++j) {
                const StackedSlotSums& sl = slots[j];
                const EfVec& eq = eq_tables[sl.eq_table];
                Ef* k = tables.data() + (2 * size_t(sl.column) + 1) * chunks + sl.x_begin;
                for (size_t x = 0; x < sl.x_len; ++x) {
                    const Ef wrap = ef_sub(eq[(x + sl.x_len - 1) % sl.x_len], eq[x]);
                    k[x] = ef_add(ef_mul(coeffs[j].eq, eq[x]), ef_mul(coeffs[j].wrap, wrap));
                }
            }
        });
        return backend_.ef_tables(tables.data(), 2 * size_t(width), chunks);
    }

    void batched_message(const EfVec& weights, Ef* f) override {
        const uint32_t width = this->width();
        if (weights.size() != width)
            throw std::invalid_argument("stacked matrix: expected " + std::to_string(width) + " batching weights, found " +
                                        std::to_string(weights.size()));
        parallel_for(height(), 1024, [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) {
                LazyEfSum acc;
                acc.add_strided(weights.data(), message_.data() + i * width, 1, width);
                f[i] = acc.value();
            }
        });
    }

    std::vector<uint32_t> matrix_words() override { return {matrix_.begin(), matrix_.end()}; }
    std::vector<uint32_t> message_words() override { return {message_.begin(), message_.end()}; }

private:
    Backend& backend_;
    HostVector<uint32_t> matrix_, message_;
    const uint32_t* m_;  // matrix_.data()
};

}  // namespace

std::vector<StackedSlotDesc> device_slot_descs(const std::vector<StackedSlotSums>& slots,
                                               const std::vector<std::vector<Ef>>& eq_tables, std::vector<Ef>* eq) {
    std::vector<uint64_t> eq_offsets(eq_tables.size());
    for (size_t i = 0; i < eq_tables.size(); ++i) {
        eq_offsets[i] = eq->size();
        eq->insert(eq->end(), eq_tables[i].begin(), eq_tables[i].end());
    }
    std::vector<StackedSlotDesc> desc(slots.size());
    for (size_t j = 0; j < slots.size(); ++j)
        desc[j] = {slots[j].column, slots[j].rot ? 1u : 0u, slots[j].x_begin, slots[j].x_len,
                   eq_offsets[slots[j].eq_table]};
    return desc;
}

uint64_t stacked_kernel_table_lanes(const std::vector<StackedSlotSums>& slots, std::vector<uint64_t>* first_lane) {
    uint64_t lanes = 0;
    first_lane->resize(slots.size());
    for (size_t j = 0; j < slots.size(); ++j) (*first_lane)[j] = lanes, lanes += slots[j].x_len;
    return lanes;
}

std::vector<TraceScatter> stacked_scatter_plan(const StackedLayout& layout) {
    std::vector<TraceScatter> plan;
    // Slots are listed matrix by matrix: each trace takes one contiguous run.
    for (const StackedSlot& s : layout.slots) {
        if (plan.empty() || plan.back().trace != s.matrix) plan.push_back({s.matrix, {}});
        // Short columns are spread with stride 2^(l_skip - log_h) over a 2^l_skip slice (5.2).
        const uint64_t step = s.log_h < layout.l_skip ? uint64_t(1) << (layout.l_skip - s.log_h) : 1;
        plan.back().slots.push_back({s.column, s.stacked_col, s.row_idx, step});
    }
    // Each trace's slots by first row, then stacked column: the kernel's neighbouring lanes (one
    // trace row, neighbouring slots) then write neighbouring words of one row of the row-major
    // matrix, instead of one word in each of 32 rows (keccakf's 64 columns per stacked column
    // start 2^15 rows apart); they read words of one trace row, which the cache holds.
    for (TraceScatter& t : plan)
        std::stable_sort(t.slots.begin(), t.slots.end(), [](const StackedScatterSlot& a, const StackedScatterSlot& b) {
            return a.row_idx != b.row_idx ? a.row_idx < b.row_idx : a.stacked_col < b.stacked_col;
        });
    return plan;
}

StackedMessageTwiddles stacked_message_twiddles(uint32_t l_skip) {
    const size_t n = size_t(1) << l_skip;
    const Fp omega_inv = fp_inv(fp_two_adic_generator(l_skip));
    StackedMessageTwiddles t{std::vector<Fp>(n), fp_inv(fp_from_canonical(uint32_t(n)))};
    t.inv_powers[0] = fp_one();
    for (size_t i = 1; i < n; ++i) t.inv_powers[i] = fp_mul(t.inv_powers[i - 1], omega_inv);
    return t;
}

void check_stacked_shape(size_t matrix_words, size_t message_words, size_t height, uint32_t width, uint32_t l_skip) {
    if ((height >> l_skip) == 0 || (height & (height - 1)) != 0)
        throw std::invalid_argument("stacked matrix: the height must be a power of two >= 2^l_skip");
    if (matrix_words != height * width || message_words != height * width)
        throw std::invalid_argument("stacked matrix: the matrix and the message must both hold height x width values");
}

std::unique_ptr<StackedMatrix> host_stacked_matrix(Backend& backend, HostVector<uint32_t> matrix,
                                                   HostVector<uint32_t> message, size_t height, uint32_t width,
                                                   uint32_t l_skip) {
    check_stacked_shape(matrix.size(), message.size(), height, width, l_skip);
    return std::make_unique<HostStackedMatrix>(backend, std::move(matrix), std::move(message), height, width, l_skip);
}

}  // namespace gpustark
