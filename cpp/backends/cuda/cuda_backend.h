// The CUDA backend: every Backend primitive on one NVIDIA GPU, through the shared kernel bodies
// of cpp/kernels/ compiled as CUDA (the thin __global__ entry points live in *.cu beside this).
// The device itself (stream, pool, staging, slots, caches, counters) is cuda::Device
// (cuda_device.h); the phases shared with Metal run on it from cpp/backends/gpu/.
//
// This header stays free of CUDA headers so that plain C++ translation units (builtin.cpp) can
// include it; cuda_backend.cpp and cuda_device.cpp hold what talks to the CUDA runtime.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../../core/backend.h"
#include "cuda_device.h"

namespace gpustark {

// Registers the backend `cuda`. Its factory throws std::runtime_error("no CUDA device: ...") when
// the runtime finds no usable device, which marks the backend unavailable with that reason.
void register_cuda_backend();

class CudaBackend : public Backend {
public:
    explicit CudaBackend(int device);
    ~CudaBackend() override;
    CudaBackend(const CudaBackend&) = delete;
    CudaBackend& operator=(const CudaBackend&) = delete;

    DeviceInfo info() const override;
    void poseidon2_permute(uint32_t* states, size_t count) override;
    void hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) override;
    void compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) override;
    void ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) override;
    MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) override;
    uint32_t grind(const PowParams& params) override;
    // The codeword computed and hashed in one call; it stays on the device with its tree, and
    // openings read only their rows (gpu/gpu_merkle_store.cpp).
    MerkleTree encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                 uint32_t log_group) override;
    // Tables in device memory until the object is destroyed (gpu/gpu_ef_tables.cpp); it must
    // not outlive this backend.
    std::unique_ptr<EfTables> ef_tables(const Ef* values, size_t count, size_t length) override;
    // The proof's traces copied up once and kept until release_traces (cuda::Device).
    void hold_traces(const std::vector<TraceView>& traces) override { device_->hold_traces(traces); }
    void release_traces() override { device_->release_traces(); }
    // The device copy of a held trace (host pointer and size as held), or nullptr: then the
    // caller copies the trace itself. For use inside a Call.
    const uint32_t* held_trace(const uint32_t* host, size_t bytes) const { return device_->held_trace(host, bytes); }
    // Every cudaMalloc of the backend is counted (device_memory.h).
    DeviceMemory device_memory() const override { return device_->memory(); }
    void reset_device_memory_peak() override { device_->reset_memory_peak(); }
    // Frees the scratch slots, twiddle and scale tables, then trims the pool (device_memory.h).
    void release_cached_memory() override;
    // The DAG's sums at host points, evaluated on the device (gpu/gpu_dag.cpp).
    void dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) override;
    // The fraction tree built and kept on the device (gpu/gpu_fraction_tree.cpp).
    std::unique_ptr<FractionTree> fraction_tree(const Ef* p, const Ef* q, size_t leaves) override;
    // One trace's tables at r_0 built on the device (gpu/gpu_trace_tables.cpp).
    std::unique_ptr<EfTables> trace_tables(const TraceTablesInput& in) override;
    // Round 0's sums over one trace on the device (cuda_round0.cpp).
    Round0Sums round0_sums(const Round0Trace& trace) override;
    // The stacked commitment on the device: the traces go up once, and the matrix, message,
    // codeword and tree stay there for the openings (gpu/gpu_stacked_matrix.cpp).
    StackedCommit commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces, uint32_t log_blowup,
                                 uint32_t k) override;
    // A stacked matrix and message from the host, uploaded once (gpu/gpu_stacked_matrix.cpp).
    std::unique_ptr<StackedMatrix> stacked_matrix(std::vector<uint32_t> matrix, std::vector<uint32_t> message,
                                                  size_t height, uint32_t width, uint32_t l_skip) override;

    // ---- for the CUDA phase objects still written here (cuda_round0.cpp) ----
    cuda::Device& device() { return *device_; }
    const device::DeviceLimits& device_limits() const { return device_->limits(); }
    const device::PipelineLimits& pipeline_limits(gpu::Kernel k) const { return device_->pipeline_limits(k); }
    device::LaunchPlan lane_plan(gpu::Kernel k, uint64_t lanes) const { return device_->lane_plan(k, lanes); }
    device::LaunchPlan plan(gpu::Kernel k, const device::Problem& work) const { return device_->plan(k, work); }
    const device::Stager& stager() const { return device_->stager(); }
    // One operation on the backend's device (cuda::Device::Call).
    class Call : public cuda::Device::Call {
    public:
        Call(CudaBackend& backend, const char* stage) : cuda::Device::Call(*backend.device_, stage) {}
    };
    static size_t staged_size(size_t bytes) { return gpu::staged_size(bytes); }
    // Outside any Call: waits until the device is idle (a phase object's destructor).
    void drain() noexcept { device_->drain(); }
    // Device-resident NTTs inside a Call: the cached twiddles of a size-2^log_n transform (call it
    // before the Call's staged copies), and the transform of `shape` at `data` (device memory) in
    // place; `factors` is the ntt_scale_factors table in device memory, or nullptr when it would
    // be empty (forward, shift 1).
    const uint32_t* device_twiddles(uint32_t log_n, bool inverse) { return device_->twiddles(log_n, inverse); }
    void ntt_on_device(uint32_t* data, NttShape shape, bool inverse, const uint32_t* twiddles, const uint32_t* factors);

private:
    // The Merkle kernels over a device matrix into d_levels (level k at offsets[k]).
    void merkle_on_device(const uint32_t* d_matrix, size_t rows, uint32_t width, uint32_t log_group, uint32_t* d_levels,
                          const std::vector<size_t>& offsets);
    // Inside a Call: the codeword of message_rows x width words at `message` (device memory,
    // written by work already enqueued) in new memory, and its tree (cuda::Device::commit_message).
    MerkleTree commit_message(const void* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                              uint32_t log_group);
    // Inside a Call: the codeword whose first message_rows rows `code` already holds (enqueued),
    // zero below, transformed and committed (twiddles: device_twiddles(log_rows, false)).
    MerkleTree commit_codeword(cuda::DeviceBuffer code, size_t message_rows, uint32_t width, uint32_t log_rows,
                               uint32_t log_group, const uint32_t* twiddles);
    // Ends a tree call: waits for the root and keeps the matrix and levels on the device.
    MerkleTree keep_tree(cuda::DeviceBuffer matrix, cuda::DeviceBuffer levels, size_t rows, uint32_t width,
                         uint32_t log_group, const std::vector<size_t>& offsets);
    // Frees the device's slots and twiddles and this backend's scale table; the first error.
    int free_kept_memory();

    std::unique_ptr<cuda::Device> device_;
    DeviceInfo info_;
    uint32_t grind_group_ = 0;  // threads per grind block
    uint64_t grind_wave_ = 0;   // grind threads resident at once on the device (whole blocks)
    // One cached scale table of ntt(): (log_n, inverse, shift) -> factors.
    uint32_t* scale_ptr_ = nullptr;
    size_t scale_words_ = 0;
    bool scale_valid_ = false;
    bool scale_any_ = false;
    uint32_t scale_key_[3] = {};
};

}  // namespace gpustark
