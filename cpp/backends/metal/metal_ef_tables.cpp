// MetalEfTables (metal_ef_tables.h). Kernel arguments follow metal/sumcheck.metal's [[buffer(i)]]
// order; params: kernels/sumcheck/table_lanes.h.
#include "metal_ef_tables.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/whir_params.h"
#include "../../kernels/sumcheck/table_lanes.h"
#include "../../kernels/whir/whir_tables.h"
#include "metal_backend.h"
#include "metal_dag.h"

namespace gpustark {

using metal::Arg;

namespace {

bool power_of_two(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

uint32_t log2_exact(uint64_t x) {
    uint32_t log = 0;
    while ((uint64_t(1) << log) < x) ++log;
    return log;
}

class MetalEfTables final : public EfTables {
public:
    MetalEfTables(MetalBackend& backend, metal::BufferPtr values, size_t count, size_t length)
        : EfTables(count, length), backend_(backend), stride_(length) {
        if (!power_of_two(length))
            throw std::invalid_argument("metal ef_tables: length must be a power of two, got " + std::to_string(length));
        if (values->bytes() < count * length * sizeof(Ef))
            throw std::invalid_argument("metal ef_tables: the buffer is smaller than count x length values");
        buffers_[0] = std::move(values);
    }

    void fold(Ef r) override {
        require_foldable("fold");
        const uint64_t half = length() / 2, lanes = uint64_t(count()) * half;
        if (lanes != 0) {
            MetalBackend::Call call(backend_, "ef_tables.fold");
            if (!buffers_[1]) buffers_[1] = backend_.allocate(buffers_[0]->bytes());  // the first fold's output
            SumcheckFoldParams p{};
            p.lanes = lanes;
            p.stride = stride_;
            p.r = r;
            p.log_half = log2_exact(half);
            // sumcheck_fold(in, out, params)
            backend_.dispatch(gpu::Kernel::SumcheckFold, {Arg::of(current()), Arg::of(other()), Arg::value(p)},
                              backend_.stride_plan(gpu::Kernel::SumcheckFold, lanes), 3 * lanes * sizeof(Ef));
            backend_.commit();  // no wait: the next read or round is ordered after it
            current_ ^= 1;      // no tables: nothing to swap (and no second buffer)
        }
        halve();
    }

    std::vector<Ef> read(size_t index) override {
        require_index(index);
        std::vector<Ef> out(count());
        MetalBackend::Call call(backend_, "ef_tables.read");
        backend_.finish("ef_tables read");  // a fold or add_eq_powers still running writes them
        const Ef* t = current()->as<const Ef>();
        for (size_t c = 0; c < out.size(); ++c) out[c] = t[c * stride_ + index];
        return out;
    }

    std::vector<Ef> table(size_t c) override {
        require_table(c, "table");
        MetalBackend::Call call(backend_, "ef_tables.table");
        backend_.finish("ef_tables table");
        const Ef* t = current()->as<const Ef>() + c * stride_;
        return std::vector<Ef>(t, t + length());
    }

    std::array<Ef, 2> pair_product_round() override {
        require_pairs();
        const uint64_t half = length() / 2, lanes = uint64_t(count() / 2) * half;
        SumcheckPairProductParams p{};
        p.lanes = lanes;
        p.stride = stride_;
        p.log_half = log2_exact(half);
        return reduce<GS_SUMCHECK_PAIR_PRODUCT_SUMS>("ef_tables.pair_product_round", gpu::Kernel::SumcheckPairProduct, lanes,
                                                     4 * lanes, Arg::of(current()), Arg::value(p));
    }

    std::array<Ef, 3> fraction_round(Ef lambda) override {
        require_fraction();
        SumcheckFractionParams p{};
        p.lanes = length() / 2;
        p.stride = stride_;
        p.lambda = lambda;
        return reduce<GS_SUMCHECK_FRACTION_SUMS>("ef_tables.fraction_round", gpu::Kernel::SumcheckFraction, p.lanes,
                                                 5 * length(), Arg::of(current()), Arg::value(p));
    }

    void add_eq_powers(size_t c, Ef z, Ef weight) override {
        require_table(c, "add_eq_powers");
        // z^(2^k) for each of the log2(length) <= 63 variables, as the CPU tables compute them.
        SumcheckAddEqPowersParams p{};
        p.lanes = length();
        p.weight = weight;
        for (size_t len = length(); len > 1; len >>= 1, z = ef_square(z)) p.z[p.vars++] = z;
        MetalBackend::Call call(backend_, "ef_tables.add_eq_powers");
        // sumcheck_add_eq_powers(table, params): table c of the current buffer, in place.
        backend_.dispatch(gpu::Kernel::SumcheckAddEqPowers, {Arg::of(current(), c * stride_ * sizeof(Ef)), Arg::value(p)},
                          backend_.stride_plan(gpu::Kernel::SumcheckAddEqPowers, p.lanes), 2 * p.lanes * sizeof(Ef));
        backend_.commit();  // no wait, as for fold
    }

    void write_table(size_t c, const Ef* values) override {
        require_table(c, "write_table");
        MetalBackend::Call call(backend_, "ef_tables.write_table");
        backend_.finish("ef_tables write_table");  // a kernel still running may use the table
        backend_.copy_in(current()->as<Ef>() + c * stride_, values, length() * sizeof(Ef));
    }

    std::unique_ptr<EfTables> copy_table(size_t c) override {
        require_table(c, "copy_table");
        const size_t bytes = length() * sizeof(Ef);
        metal::BufferPtr copy;
        {
            MetalBackend::Call call(backend_, "ef_tables.copy_table");
            backend_.finish("ef_tables copy_table");  // the copy reads what the GPU last wrote
            copy = backend_.allocate(bytes);
            std::memcpy(copy->contents(), current()->as<const Ef>() + c * stride_, bytes);
        }
        return adopt_metal_ef_tables(backend_, std::move(copy), 1, length());
    }

    void subset_transform(size_t c, bool inverse) override {
        require_table(c, "subset_transform");
        WhirSubsetStepParams p{};
        p.lanes = length() / 2;
        p.inverse = inverse ? 1 : 0;
        if (p.lanes == 0) return;
        MetalBackend::Call call(backend_, "ef_tables.subset_transform");
        const device::LaunchPlan plan = backend_.stride_plan(gpu::Kernel::WhirSubsetStep, p.lanes);
        for (p.log_step = 0; (uint64_t(1) << p.log_step) < length(); ++p.log_step)  // one step per index bit
            // whir_subset_step(table, params): table c, in place.
            backend_.dispatch(gpu::Kernel::WhirSubsetStep, {table_arg(c), Arg::value(p)}, plan, 4 * p.lanes * sizeof(Ef));
        backend_.commit();  // no wait, as for fold
    }

    void set_product_table(size_t c, const std::vector<std::array<Ef, 2>>& factors) override {
        require_table(c, "set_product_table");
        require_factors(factors.size());
        const WhirProductTableParams p = whir_product_table_params(factors, length());
        MetalBackend::Call call(backend_, "ef_tables.set_product_table");
        // whir_product_table(table, params): table c, overwritten.
        backend_.dispatch(gpu::Kernel::WhirProductTable, {table_arg(c), Arg::value(p)},
                          backend_.stride_plan(gpu::Kernel::WhirProductTable, p.lanes), p.lanes * sizeof(Ef));
        backend_.commit();  // no wait, as for fold
    }

    Ef power_sum(size_t c, Ef z) override {
        require_table(c, "power_sum");
        const WhirPowerSumParams p = whir_power_sum_params(z, length());
        return reduce<GS_WHIR_POWER_SUM_SUMS>("ef_tables.power_sum", gpu::Kernel::WhirPowerSum, p.lanes, p.lanes, table_arg(c),
                                              Arg::value(p))[0];
    }

    MerkleTree commit_table(size_t c, uint32_t log_rows, uint32_t log_group) override {
        require_table(c, "commit_table");
        require_codeword(log_rows);
        if (log_rows > MetalBackend::kMaxLogN)
            throw std::invalid_argument("metal ef_tables commit_table: log_rows must be <= " +
                                        std::to_string(MetalBackend::kMaxLogN));
        const size_t rows = size_t(1) << log_rows, message_bytes = length() * 4 * sizeof(uint32_t);
        MetalBackend::Call call(backend_, "ef_tables.commit_table");
        const metal::BufferPtr code = backend_.allocate(rows * 4 * sizeof(uint32_t));  // rows x 4 limbs
        // Rows beyond the message are zero (no kernel uses the new buffer yet); the GPU writes the rest.
        std::memset(code->as<uint8_t>() + message_bytes, 0, rows * 4 * sizeof(uint32_t) - message_bytes);
        WhirEfWordsParams p{};
        p.lanes = length();
        // whir_ef_words(table, words, params)
        backend_.dispatch(gpu::Kernel::WhirEfWords, {table_arg(c), Arg::of(code), Arg::value(p)},
                          backend_.stride_plan(gpu::Kernel::WhirEfWords, p.lanes), 2 * p.lanes * sizeof(Ef));
        return backend_.commit_code(code, 4, log_rows, log_group);
    }

    std::vector<Ef> dag_round(const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                              size_t max_pairs) override {
        require_dag(dag);
        return metal::metal_dag_round(backend_, current(), stride_, length(), dag, combine, xs, max_pairs, dag_state_);
    }

private:
    // One round: a reduction kernel over `lanes` lanes (reading `reads` values) writes K sums per
    // threadgroup, in threadgroup memory sized for the group the planner picks; the one wait;
    // then the host adds the groups' sums. Arguments: tables, partials, params.
    template <uint32_t K>
    std::array<Ef, K> reduce(const char* stage, gpu::Kernel kernel, uint64_t lanes, uint64_t reads, const Arg& tables,
                             const Arg& params) {
        std::array<Ef, K> sums;
        sums.fill(ef_zero());
        if (lanes == 0) return sums;
        MetalBackend::Call call(backend_, stage);
        device::Problem work;
        work.items = lanes;
        work.max_group_threads = backend_.options().max_lane_group;
        work.max_groups = backend_.options().reduce_groups;
        work.scratch_for_group = [](uint32_t group) { return uint64_t(K) * group * sizeof(Ef); };
        const device::LaunchPlan plan = backend_.plan(kernel, work);
        const size_t bytes = size_t(plan.grid) * K * sizeof(Ef);
        // Reused between rounds: each round waits before the host reads it, so none is in flight.
        if (!partials_ || partials_->bytes() < bytes) partials_ = backend_.allocate(bytes);
        backend_.dispatch(kernel, {tables, Arg::of(partials_), params}, plan, reads * sizeof(Ef) + bytes);
        backend_.finish(stage);
        const Ef* partial = partials_->as<const Ef>();
        for (size_t b = 0; b < plan.grid; ++b)
            for (size_t k = 0; k < K; ++k) sums[k] = ef_add(sums[k], partial[b * K + k]);
        return sums;
    }

    // Table c of the current buffer, as a kernel argument.
    Arg table_arg(size_t c) const { return Arg::of(current(), c * stride_ * sizeof(Ef)); }
    const metal::BufferPtr& current() const { return buffers_[current_]; }
    const metal::BufferPtr& other() const { return buffers_[current_ ^ 1]; }

    MetalBackend& backend_;
    const size_t stride_;              // table c starts at c * stride_ in either buffer
    metal::BufferPtr buffers_[2];      // the current tables and the next fold's output
    int current_ = 0;
    metal::BufferPtr partials_;        // K sums per threadgroup of the last round
    metal::MetalDagRoundState dag_state_;
};

}  // namespace

std::unique_ptr<EfTables> make_metal_ef_tables(MetalBackend& backend, const Ef* values, size_t count, size_t length) {
    if (!power_of_two(length))
        throw std::invalid_argument("metal ef_tables: length must be a power of two, got " + std::to_string(length));
    if (count > SIZE_MAX / sizeof(Ef) / length) throw std::invalid_argument("metal ef_tables: count * length overflows");
    const size_t bytes = count * length * sizeof(Ef);
    metal::BufferPtr buffer;
    {
        // A copy: the tables are folded in place, and the caller's memory is the caller's.
        MetalBackend::Call call(backend, "ef_tables");
        buffer = backend.allocate(bytes);
        if (values)
            backend.copy_in(buffer->contents(), values, bytes);
        else  // zero tables (a new buffer's contents are unspecified)
            std::memset(buffer->contents(), 0, bytes);
    }
    return adopt_metal_ef_tables(backend, std::move(buffer), count, length);
}

std::unique_ptr<EfTables> adopt_metal_ef_tables(MetalBackend& backend, metal::BufferPtr values, size_t count,
                                                size_t length) {
    return std::make_unique<MetalEfTables>(backend, std::move(values), count, length);
}

}  // namespace gpustark
