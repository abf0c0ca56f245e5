// gpu::ef_tables (phases.h): the sumcheck tables of core/ef_tables.h in device memory, one
// operation (stage "ef_tables.<operation>") per step. fold, add_eq_powers and WHIR's in-place
// steps only commit (the next read or round is ordered after them and waits); a round waits once
// for its per-group sums. Kernel arguments follow metal/sumcheck.metal's and metal/whir.metal's
// order; params: kernels/sumcheck/table_lanes.h, kernels/whir/whir_tables.h.
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/whir_params.h"
#include "../../kernels/field/two_adic.h"
#include "../../kernels/sumcheck/table_lanes.h"
#include "../../kernels/whir/whir_tables.h"
#include "gpu_dag.h"
#include "gpu_ntt_tables.h"
#include "phases.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {
namespace {

bool power_of_two(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

uint32_t log2_exact(uint64_t x) {
    uint32_t log = 0;
    while ((uint64_t(1) << log) < x) ++log;
    return log;
}

void check_length(size_t length) {
    if (!power_of_two(length))
        throw std::invalid_argument("ef_tables: length must be a power of two, got " + std::to_string(length));
}

class DeviceEfTables final : public EfTables {
public:
    // Takes over `values` (count tables at stride `length`, written by work already enqueued,
    // which every operation on these tables is ordered after).
    DeviceEfTables(Device& device, Buffer values, size_t count, size_t length)
        : EfTables(count, length), device_(device), stride_(length), bytes_(count * length * sizeof(Ef)) {
        check_length(length);
        buffers_[0] = std::move(values);
    }

    // The last fold or add_eq_powers may still be running.
    ~DeviceEfTables() override { device_.drain(); }

    // For table_buffer: table c's current values when these tables live on `device`.
    Buffer table_on(const Device& device, size_t c) const {
        return &device == &device_ && c < count() ? table_at(c, buffers_[current_]) : Buffer{};
    }

    void fold(Ef r) override {
        require_foldable("fold");
        const uint64_t half = length() / 2, lanes = uint64_t(count()) * half;
        if (lanes != 0) {
            Call call(device_, "ef_tables.fold");
            // The folded tables go packed at half the stride: the first fold's output buffer is
            // half the size, and each later fold fits in whichever buffer it writes.
            if (!other()) buffers_[current_ ^ 1] = device_.allocate(bytes_ / 2);
            SumcheckFoldParams p{};
            p.lanes = lanes;
            p.stride = stride_;
            p.r = r;
            p.log_half = log2_exact(half);
            p.out_shift = 1;
            device_.dispatch(Kernel::SumcheckFold, device_.lane_plan(Kernel::SumcheckFold, lanes),
                             3 * lanes * sizeof(Ef), {current(), other()}, p);
            call.commit();  // no wait: the next read or round is ordered after it
            current_ ^= 1;  // no tables: nothing to swap (and no second buffer)
            stride_ /= 2;
        }
        halve();
    }

    std::vector<Ef> read(size_t index) override {
        require_index(index);
        std::vector<Ef> out(count());
        if (out.empty()) return out;
        const size_t bytes = out.size() * sizeof(Ef);
        Call call(device_, "ef_tables.read");
        device_.reserve_staging(staged_size(bytes));
        const void* values = device_.download_rows(current().at_element<Ef>(index), stride_ * sizeof(Ef), sizeof(Ef),
                                                   count());
        call.finish("ef_tables read");
        std::memcpy(out.data(), values, bytes);
        return out;
    }

    std::vector<Ef> table(size_t c) override {
        require_table(c, "table");
        std::vector<Ef> out(length());
        const size_t bytes = out.size() * sizeof(Ef);
        Call call(device_, "ef_tables.table");
        device_.reserve_staging(staged_size(bytes));
        const void* values = device_.download(table_at(c, current()), bytes);
        call.finish("ef_tables table");
        std::memcpy(out.data(), values, bytes);
        return out;
    }

    std::array<Ef, 2> pair_product_round() override {
        require_pairs();
        const uint64_t half = length() / 2;
        SumcheckPairProductParams p{};
        p.lanes = uint64_t(count() / 2) * half;
        p.stride = stride_;
        p.log_half = log2_exact(half);
        return reduce<GS_SUMCHECK_PAIR_PRODUCT_SUMS>("ef_tables.pair_product_round", Kernel::SumcheckPairProduct,
                                                     p.lanes, 4 * p.lanes, current(), p);
    }

    std::array<Ef, 3> fraction_round(Ef lambda) override {
        require_fraction();
        SumcheckFractionParams p{};
        p.lanes = length() / 2;
        p.stride = stride_;
        p.lambda = lambda;
        return reduce<GS_SUMCHECK_FRACTION_SUMS>("ef_tables.fraction_round", Kernel::SumcheckFraction, p.lanes,
                                                 5 * length(), current(), p);
    }

    void add_eq_powers(size_t c, const std::vector<Ef>& points, const std::vector<Ef>& weights) override {
        require_table(c, "add_eq_powers");
        require_points(points.size(), weights.size());
        if (points.empty()) return;
        SumcheckAddEqPowersParams p{};
        p.lanes = length();
        p.vars = log2_exact(length());
        p.count = uint32_t(points.size());
        // Per point (weight, z^(2^k) for k < vars), the powers as the CPU tables compute them.
        std::vector<Ef> records;
        records.reserve(points.size() * (p.vars + 1));
        for (size_t q = 0; q < points.size(); ++q) {
            records.push_back(weights[q]);
            Ef z = points[q];
            for (uint32_t k = 0; k < p.vars; ++k, z = ef_square(z)) records.push_back(z);
        }
        const size_t bytes = records.size() * sizeof(Ef);
        Call call(device_, "ef_tables.add_eq_powers");
        const Buffer d_records = device_.allocate(bytes);
        device_.reserve_staging(staged_size(bytes));
        device_.upload(d_records, records.data(), bytes);
        device_.dispatch(Kernel::SumcheckAddEqPowers, device_.lane_plan(Kernel::SumcheckAddEqPowers, p.lanes),
                         2 * p.lanes * sizeof(Ef), {table_at(c, current()), d_records}, p);
        call.commit();  // no wait here (a device that staged the upload waits for it as the call ends)
    }

    void write_table(size_t c, const Ef* values) override {
        require_table(c, "write_table");
        const size_t bytes = length() * sizeof(Ef);
        Call call(device_, "ef_tables.write_table");
        call.finish("ef_tables write_table");  // a kernel still queued may use the table
        device_.reserve_staging(staged_size(bytes));
        device_.upload(table_at(c, current()), values, bytes);
        call.finish("ef_tables write_table");  // the staging is free again for the next operation
    }

    std::unique_ptr<EfTables> copy_table(size_t c) override {
        require_table(c, "copy_table");
        const size_t bytes = length() * sizeof(Ef);
        Buffer copy;
        {
            Call call(device_, "ef_tables.copy_table");
            copy = device_.allocate(bytes);
            device_.copy(copy, table_at(c, current()), bytes);
            call.commit();  // no wait: the copy's next operation is ordered after it
        }
        return std::make_unique<DeviceEfTables>(device_, std::move(copy), 1, length());
    }

    void subset_transform(size_t c, bool inverse) override {
        require_table(c, "subset_transform");
        WhirSubsetStepParams p{};
        p.lanes = length() / 2;
        p.inverse = inverse ? 1 : 0;
        if (p.lanes == 0) return;
        Call call(device_, "ef_tables.subset_transform");
        const device::LaunchPlan plan = device_.lane_plan(Kernel::WhirSubsetStep, p.lanes);
        for (p.log_step = 0; (uint64_t(1) << p.log_step) < length(); ++p.log_step)  // one step per index bit
            device_.dispatch(Kernel::WhirSubsetStep, plan, 4 * p.lanes * sizeof(Ef), {table_at(c, current())}, p);
        call.commit();  // no wait, as for fold
    }

    void set_product_table(size_t c, const std::vector<std::array<Ef, 2>>& factors) override {
        require_table(c, "set_product_table");
        require_factors(factors.size());
        const WhirProductTableParams p = whir_product_table_params(factors, length());
        Call call(device_, "ef_tables.set_product_table");
        device_.dispatch(Kernel::WhirProductTable, device_.lane_plan(Kernel::WhirProductTable, p.lanes),
                         p.lanes * sizeof(Ef), {table_at(c, current())}, p);
        call.commit();  // no wait, as for fold
    }

    Ef power_sum(size_t c, Ef z) override {
        require_table(c, "power_sum");
        const WhirPowerSumParams p = whir_power_sum_params(z, length());
        return reduce<GS_WHIR_POWER_SUM_SUMS>("ef_tables.power_sum", Kernel::WhirPowerSum, p.lanes, p.lanes,
                                              table_at(c, current()), p)[0];
    }

    MerkleTree commit_table(size_t c, uint32_t log_rows, uint32_t log_group) override {
        require_table(c, "commit_table");
        require_codeword(log_rows);
        if (log_rows > GS_TWO_ADICITY)
            throw std::invalid_argument("ef_tables commit_table: log_rows must be <= " +
                                        std::to_string(GS_TWO_ADICITY) + ", got " + std::to_string(log_rows));
        Call call(device_, "ef_tables.commit_table");
        device_.ntt_tables().twiddles(device_, log_rows, false);  // before the staged copies
        // The message (one row of 4 limbs per entry) written straight into the codeword's memory.
        const Buffer code = device_.allocate((size_t(1) << log_rows) * 4 * sizeof(uint32_t));
        device_.reserve_staging(staged_size(GS_DIGEST_WIDTH * sizeof(uint32_t)));  // the root
        WhirEfWordsParams p{};
        p.lanes = length();
        device_.dispatch(Kernel::WhirEfWords, device_.lane_plan(Kernel::WhirEfWords, p.lanes),
                         2 * p.lanes * sizeof(Ef), {table_at(c, current()), code}, p);
        return commit_codeword(device_, code, length(), 4, log_rows, log_group, "ef_tables commit_table", {});
    }

    std::vector<Ef> dag_round(const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                              size_t max_pairs) override {
        require_dag(dag);
        return gpu::dag_round(device_, current(), stride_, length(), dag, combine, xs, max_pairs, dag_state_);
    }

private:
    static constexpr uint32_t kMaxSums = 3;  // per group: s(1), s(2)[, s(3)]

    // A round: one reduction kernel over `lanes` lanes reading `reads` values (arguments: the
    // tables, the partials, params) writes K sums per group, in group memory sized for the group
    // the planner picks; the one wait; then the host adds the groups' sums.
    template <uint32_t K, typename Params>
    std::array<Ef, K> reduce(const char* stage, Kernel kernel, uint64_t lanes, uint64_t reads, const Buffer& tables,
                             const Params& params) {
        static_assert(K <= kMaxSums, "the partials hold kMaxSums sums per group");
        std::array<Ef, K> sums;
        sums.fill(ef_zero());
        if (lanes == 0) return sums;
        Call call(device_, stage);
        const LaunchCaps caps = device_.launch_caps();
        device::Problem work;
        work.items = lanes;
        work.max_group_threads = caps.max_lane_group;
        work.max_groups = caps.reduce_groups;
        work.scratch_for_group = [](uint32_t group) { return uint64_t(K) * group * sizeof(Ef); };
        const device::LaunchPlan plan = device_.plan(kernel, work);
        // Kept between rounds: each round waits before it ends, so no kernel still writes it.
        if (!partials_) partials_ = device_.allocate(caps.reduce_groups * kMaxSums * sizeof(Ef));
        const size_t bytes = size_t(plan.grid) * K * sizeof(Ef);
        device_.reserve_staging(staged_size(bytes));
        device_.dispatch(kernel, plan, reads * sizeof(Ef) + bytes, {tables, partials_}, params);
        const Ef* partial = static_cast<const Ef*>(device_.download(partials_, bytes));
        call.finish(stage);
        for (size_t g = 0; g < plan.grid; ++g)
            for (size_t k = 0; k < K; ++k) sums[k] = ef_add(sums[k], partial[g * K + k]);
        return sums;
    }

    // Table c of `tables` at the current stride.
    Buffer table_at(size_t c, const Buffer& tables) const { return tables.at_element<Ef>(c * stride_); }
    const Buffer& current() const { return buffers_[current_]; }
    const Buffer& other() const { return buffers_[current_ ^ 1]; }

    Device& device_;
    size_t stride_;        // table c starts at c * stride_ in the current buffer (halved by each fold)
    const size_t bytes_;   // count x the first length's values: the first buffer's size
    Buffer buffers_[2];    // the current tables and the next fold's output
    int current_ = 0;
    Buffer partials_;      // launch_caps().reduce_groups x kMaxSums sums, from the first round
    DagRoundState dag_state_;
};

}  // namespace

std::unique_ptr<EfTables> ef_tables(Device& device, const Ef* values, size_t count, size_t length) {
    check_length(length);
    if (count > SIZE_MAX / sizeof(Ef) / length) throw std::invalid_argument("ef_tables: count * length overflows");
    const size_t bytes = count * length * sizeof(Ef);
    Buffer tables;
    if (bytes != 0) {
        // A copy: the tables are folded in place, and the caller's memory is the caller's.
        Call call(device, "ef_tables");
        tables = device.allocate(bytes);
        if (values) {
            device.reserve_staging(staged_size(bytes));
            device.upload(tables, values, bytes);
            call.finish("ef_tables upload");  // the staging is free again for the next operation
        } else {  // zero tables, for a phase that fills them on the device
            device.fill_zero(tables, bytes);
            call.commit();
        }
    }
    return std::make_unique<DeviceEfTables>(device, std::move(tables), count, length);
}

std::unique_ptr<EfTables> adopt_tables(Device& device, Buffer values, size_t count, size_t length) {
    if (!values && count * length != 0) throw std::invalid_argument("adopt_tables: no device memory");
    return std::make_unique<DeviceEfTables>(device, std::move(values), count, length);
}

Buffer table_buffer(Device& device, EfTables& tables, size_t c) {
    const auto* own = dynamic_cast<const DeviceEfTables*>(&tables);
    return own ? own->table_on(device, c) : Buffer{};
}

}  // namespace gpu
}  // namespace gpustark
