#include "cuda_ef_tables.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/whir_params.h"
#include "../../kernels/field/two_adic.h"
#include "../../kernels/hash/poseidon2.h"
#include "cuda_backend.h"
#include "cuda_dag.h"
#include "device_buffer.h"
#include "launch.h"
#include "whir_launch.h"

namespace gpustark {
namespace {

// Grid cap of the round reductions when the device does not say how many blocks are resident.
constexpr uint64_t kFallbackReduceGroups = 1024;

bool power_of_two(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

class CudaEfTables final : public EfTables {
public:
    // For cuda_ef_table: whether these tables live on `backend`, and table c's current values.
    bool on(const CudaBackend& backend) const { return &backend == &backend_; }
    Ef* table_data(size_t c) const { return current() + c * stride_; }

    CudaEfTables(CudaBackend& backend, const Ef* values, size_t count, size_t length)
        : EfTables(count, length), backend_(backend), stride_(length), reduce_groups_(wave_groups(backend)) {
        if (!power_of_two(length))
            throw std::invalid_argument("cuda ef_tables: length must be a power of two, got " + std::to_string(length));
        if (count > SIZE_MAX / sizeof(Ef) / length)
            throw std::invalid_argument("cuda ef_tables: count * length overflows");
        const size_t bytes = count * length * sizeof(Ef);
        if (bytes == 0) return;
        CudaBackend::Call call(backend_, "ef_tables");
        // Every allocation before the copy; the first fold allocates its output.
        buffers_[0] = cuda::DeviceBuffer(bytes);
        partials_ = cuda::DeviceBuffer(reduce_groups_ * kMaxSums * sizeof(Ef));
        if (!values) {  // zero tables, for a phase that fills them on the device
            cuda::check(cudaMemsetAsync(buffers_[0].data(), 0, bytes, call.stream()), "cudaMemsetAsync (ef_tables)");
            call.commit();
            return;
        }
        call.reserve_staging(CudaBackend::staged_size(bytes));
        call.upload(buffers_[0].data(), values, bytes);
        call.finish("ef_tables upload");  // the staging is free again for the next call
    }

    // Adopts `values` (count tables at stride `length`, filled by kernels already enqueued on the
    // backend's stream, which orders them before every operation on these tables).
    CudaEfTables(CudaBackend& backend, cuda::DeviceBuffer values, size_t count, size_t length)
        : EfTables(count, length), backend_(backend), stride_(length), reduce_groups_(wave_groups(backend)) {
        if (!power_of_two(length))
            throw std::invalid_argument("cuda ef_tables: length must be a power of two, got " + std::to_string(length));
        if (values.bytes() < count * length * sizeof(Ef))
            throw std::invalid_argument("cuda ef_tables: the device buffer is smaller than count x length values");
        buffers_[0] = std::move(values);
        partials_ = cuda::DeviceBuffer(reduce_groups_ * kMaxSums * sizeof(Ef));
    }

    // The last fold or add_eq_powers may still be running on the stream.
    ~CudaEfTables() override { backend_.drain(); }

    void fold(Ef r) override {
        require_foldable("fold");
        const uint64_t lanes = uint64_t(count()) * (length() / 2);
        if (lanes != 0) {
            CudaBackend::Call call(backend_, "ef_tables.fold");
            // The first fold's output (tables that never fold, such as WHIR's g, need none).
            if (!buffers_[current_ ^ 1].data()) buffers_[current_ ^ 1] = cuda::DeviceBuffer(buffers_[current_].bytes());
            const Ef* in = current();
            Ef* out = other();
            device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::SumcheckFold, lanes);
            call.dispatch(gpu::Kernel::SumcheckFold, plan, 3 * lanes * sizeof(Ef), [&] {
                return int(cuda::launch_sumcheck_fold(in, out, count(), length(), stride_, r, plan, call.stream()));
            });
            call.commit();  // no wait: the next read or round is ordered after it on the stream
        }
        current_ ^= 1;
        halve();
    }

    std::vector<Ef> read(size_t index) override {
        require_index(index);
        std::vector<Ef> out(count());
        if (out.empty()) return out;
        CudaBackend::Call call(backend_, "ef_tables.read");
        const size_t bytes = out.size() * sizeof(Ef);
        call.reserve_staging(CudaBackend::staged_size(bytes));
        const void* staged = call.download_rows(current() + index, stride_ * sizeof(Ef), sizeof(Ef), count());
        call.finish("ef_tables read");
        std::memcpy(out.data(), staged, bytes);
        return out;
    }

    std::vector<Ef> table(size_t c) override {
        require_table(c, "table");
        std::vector<Ef> out(length());
        CudaBackend::Call call(backend_, "ef_tables.table");
        const size_t bytes = out.size() * sizeof(Ef);
        call.reserve_staging(CudaBackend::staged_size(bytes));
        const void* staged = call.download(current() + c * stride_, bytes);
        call.finish("ef_tables table");
        std::memcpy(out.data(), staged, bytes);
        return out;
    }

    std::array<Ef, 2> pair_product_round() override {
        require_pairs();
        const uint64_t lanes = uint64_t(count() / 2) * (length() / 2);
        const Ef* tables = current();
        return reduce<2>("ef_tables.pair_product_round", gpu::Kernel::SumcheckPairProduct, lanes, 4 * lanes,
                         [&](const device::LaunchPlan& plan, CUstream_st* stream) {
                             return cuda::launch_sumcheck_pair_product(tables, count(), length(), stride_,
                                                                       partials_.as<Ef>(), reduce_groups_, plan,
                                                                       stream);
                         });
    }

    std::array<Ef, 3> fraction_round(Ef lambda) override {
        require_fraction();
        const Ef* tables = current();
        return reduce<3>("ef_tables.fraction_round", gpu::Kernel::SumcheckFraction, length() / 2, 5 * length(),
                         [&](const device::LaunchPlan& plan, CUstream_st* stream) {
                             return cuda::launch_sumcheck_fraction(tables, length(), stride_, lambda,
                                                                   partials_.as<Ef>(), reduce_groups_, plan, stream);
                         });
    }

    void add_eq_powers(size_t c, Ef z, Ef weight) override {
        require_table(c, "add_eq_powers");
        // z^(2^k) for each of the log2(length) <= 63 variables, as the CPU tables compute them.
        cuda::SumcheckEqPowers powers{};
        for (size_t len = length(); len > 1; len >>= 1, z = ef_square(z)) powers.z[powers.vars++] = z;
        CudaBackend::Call call(backend_, "ef_tables.add_eq_powers");
        Ef* t = current() + c * stride_;
        const uint64_t lanes = length();
        device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::SumcheckAddEqPowers, lanes);
        call.dispatch(gpu::Kernel::SumcheckAddEqPowers, plan, 2 * lanes * sizeof(Ef), [&] {
            return int(cuda::launch_sumcheck_add_eq_powers(t, lanes, powers, weight, plan, call.stream()));
        });
        call.commit();  // no wait, as for fold
    }

    void write_table(size_t c, const Ef* values) override {
        require_table(c, "write_table");
        const size_t bytes = length() * sizeof(Ef);
        CudaBackend::Call call(backend_, "ef_tables.write_table");
        call.reserve_staging(CudaBackend::staged_size(bytes));
        call.upload(current() + c * stride_, values, bytes);
        call.finish("ef_tables write_table");  // the staging is free again for the next call
    }

    std::unique_ptr<EfTables> copy_table(size_t c) override {
        require_table(c, "copy_table");
        const size_t bytes = length() * sizeof(Ef);
        cuda::DeviceBuffer copy;
        {
            CudaBackend::Call call(backend_, "ef_tables.copy_table");
            copy = cuda::DeviceBuffer(bytes);
            cuda::check(cudaMemcpyAsync(copy.data(), current() + c * stride_, bytes, cudaMemcpyDeviceToDevice,
                                        call.stream()),
                        "cudaMemcpyAsync (ef_tables copy_table)");
            call.commit();  // no wait: the copy's next operation is ordered after it on the stream
        }
        return adopt_cuda_ef_tables(backend_, std::move(copy), 1, length());
    }

    void subset_transform(size_t c, bool inverse) override {
        require_table(c, "subset_transform");
        const uint64_t lanes = length() / 2;
        if (lanes == 0) return;
        CudaBackend::Call call(backend_, "ef_tables.subset_transform");
        Ef* t = current() + c * stride_;
        const device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::WhirSubsetStep, lanes);
        for (uint32_t bit = 0; (uint64_t(1) << bit) < length(); ++bit)  // one step per index bit
            call.dispatch(gpu::Kernel::WhirSubsetStep, plan, 4 * lanes * sizeof(Ef), [&] {
                return int(cuda::launch_whir_subset_step(t, length(), bit, inverse, plan, call.stream()));
            });
        call.commit();  // no wait, as for fold
    }

    void set_product_table(size_t c, const std::vector<std::array<Ef, 2>>& factors) override {
        require_table(c, "set_product_table");
        require_factors(factors.size());
        const WhirProductTableParams p = whir_product_table_params(factors, length());
        CudaBackend::Call call(backend_, "ef_tables.set_product_table");
        Ef* t = current() + c * stride_;
        const device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::WhirProductTable, p.lanes);
        call.dispatch(gpu::Kernel::WhirProductTable, plan, p.lanes * sizeof(Ef),
                      [&] { return int(cuda::launch_whir_product_table(t, p, plan, call.stream())); });
        call.commit();  // no wait, as for fold
    }

    Ef power_sum(size_t c, Ef z) override {
        require_table(c, "power_sum");
        const WhirPowerSumParams p = whir_power_sum_params(z, length());
        const Ef* t = current() + c * stride_;
        return reduce<GS_WHIR_POWER_SUM_SUMS>("ef_tables.power_sum", gpu::Kernel::WhirPowerSum, p.lanes, p.lanes,
                                              [&](const device::LaunchPlan& plan, CUstream_st* stream) {
                                                  return cuda::launch_whir_power_sum(t, p, partials_.as<Ef>(),
                                                                                     reduce_groups_, plan, stream);
                                              })[0];
    }

    MerkleTree commit_table(size_t c, uint32_t log_rows, uint32_t log_group) override {
        require_table(c, "commit_table");
        require_codeword(log_rows);
        if (log_rows > GS_TWO_ADICITY)
            throw std::invalid_argument("cuda ef_tables commit_table: log_rows must be <= 27, got " +
                                        std::to_string(log_rows));
        const uint64_t lanes = length();
        CudaBackend::Call call(backend_, "ef_tables.commit_table");
        cuda::DeviceBuffer code((size_t(1) << log_rows) * 4 * sizeof(uint32_t));  // rows x 4 limbs
        call.reserve_staging(CudaBackend::staged_size(GS_DIGEST_WIDTH * sizeof(uint32_t)));  // the root
        const Ef* t = current() + c * stride_;
        const device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::WhirEfWords, lanes);
        call.dispatch(gpu::Kernel::WhirEfWords, plan, 2 * lanes * sizeof(Ef), [&] {
            return int(cuda::launch_whir_ef_words(t, lanes, code.as<uint32_t>(), plan, call.stream()));
        });
        return backend_.commit_device_message(std::move(code), lanes, 4, log_rows, log_group);
    }

    std::vector<Ef> dag_round(const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                              size_t max_pairs) override {
        require_dag(dag);
        return cuda_dag_round(backend_, current(), stride_, length(), dag, combine, xs, max_pairs, dag_state_);
    }

private:
    static constexpr uint32_t kMaxSums = 3;  // per block: s(1), s(2)[, s(3)]

    // One wave of resident blocks of the largest lane group: enough blocks to fill the device,
    // few enough that the host adds only a few thousand partial sums.
    static uint64_t wave_groups(const CudaBackend& backend) {
        uint64_t threads = device::resident_threads(backend.device_limits(), kCudaMaxLaneGroup);
        return threads == 0 ? kFallbackReduceGroups : std::max<uint64_t>(threads / kCudaMaxLaneGroup, 1);
    }

    // A round: one reduction kernel over `lanes` lanes reading `reads` values, writing K sums per
    // block; the one wait; then the host adds the blocks' sums. Shared memory per block comes
    // from the block size the planner picks.
    template <size_t K, typename Launch>
    std::array<Ef, K> reduce(const char* stage, gpu::Kernel kernel, uint64_t lanes, uint64_t reads,
                             const Launch& launch) {
        static_assert(K <= kMaxSums, "the partials buffer holds kMaxSums sums per block");
        if (cuda::sumcheck_sums(kernel) != K) throw std::logic_error("cuda ef_tables: a round kernel's sum count");
        std::array<Ef, K> sums;
        sums.fill(ef_zero());
        if (lanes == 0) return sums;

        CudaBackend::Call call(backend_, stage);
        device::Problem work;
        work.items = lanes;
        work.max_group_threads = kCudaMaxLaneGroup;
        work.max_groups = reduce_groups_;
        work.scratch_for_group = [kernel](uint32_t group) { return cuda::sumcheck_scratch(kernel, group); };
        const device::LaunchPlan plan = backend_.plan(kernel, work);
        const size_t bytes = size_t(plan.grid) * K * sizeof(Ef);
        call.reserve_staging(CudaBackend::staged_size(bytes));
        call.dispatch(kernel, plan, reads * sizeof(Ef) + bytes,
                      [&] { return int(launch(plan, call.stream())); });
        const void* staged = call.download(partials_.data(), bytes);
        call.finish(stage);
        std::vector<Ef> partial(size_t(plan.grid) * K);
        std::memcpy(partial.data(), staged, bytes);
        for (size_t b = 0; b < plan.grid; ++b)
            for (size_t k = 0; k < K; ++k) sums[k] = ef_add(sums[k], partial[b * K + k]);
        return sums;
    }

    Ef* current() const { return buffers_[current_].as<Ef>(); }

    Ef* other() const { return buffers_[current_ ^ 1].as<Ef>(); }

    CudaBackend& backend_;
    const size_t stride_;            // table c starts at c * stride_ in either buffer
    const uint64_t reduce_groups_;   // the rounds' grid cap, and the partials buffer's blocks
    cuda::DeviceBuffer buffers_[2];  // the current tables and the next fold's output
    int current_ = 0;
    cuda::DeviceBuffer partials_;    // reduce_groups_ x kMaxSums
    cuda::DagRoundState dag_state_;  // dag_round's program and scratch, kept across rounds
};

}  // namespace

// Defined here, beside its one user (commit_table): the backend's fused codeword path for a
// message that is already on the device.
MerkleTree CudaBackend::commit_device_message(cuda::DeviceBuffer code, size_t message_rows, uint32_t width,
                                              uint32_t log_rows, uint32_t log_group) {
    return gpu::commit_codeword(*device_, cuda::Device::adopt(std::move(code)), message_rows, width, log_rows, log_group,
                                "cuda encode_and_commit");
}

std::unique_ptr<EfTables> make_cuda_ef_tables(CudaBackend& backend, const Ef* values, size_t count, size_t length) {
    return std::make_unique<CudaEfTables>(backend, values, count, length);
}

Ef* cuda_ef_table(EfTables& tables, const CudaBackend& backend, size_t c) {
    auto* cuda = dynamic_cast<CudaEfTables*>(&tables);
    if (!cuda || !cuda->on(backend) || c >= tables.count()) return nullptr;
    return cuda->table_data(c);
}

std::unique_ptr<EfTables> adopt_cuda_ef_tables(CudaBackend& backend, cuda::DeviceBuffer values, size_t count,
                                               size_t length) {
    return std::make_unique<CudaEfTables>(backend, std::move(values), count, length);
}

}  // namespace gpustark
