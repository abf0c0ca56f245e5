// GpuBackend's slots, host binding and the phases of phases.h; the primitives are in
// gpu_hash.cpp, gpu_ntt.cpp, gpu_merkle.cpp and gpu_grind.cpp.
#include "gpu_backend.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "../../core/parallel.h"
#include "gpu_ntt_tables.h"
#include "phases.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {

namespace {
constexpr size_t kCopyPiece = size_t(4) << 20;
}  // namespace

void host_copy(void* dst, const void* src, size_t bytes) {
    if (bytes == 0 || dst == src) return;
    const size_t pieces = (bytes + kCopyPiece - 1) / kCopyPiece;
    if (pieces <= 1) {
        std::memcpy(dst, src, bytes);
        return;
    }
    parallel_for(pieces, 1, [&](size_t begin, size_t end) {
        const size_t lo = begin * kCopyPiece, hi = std::min(bytes, end * kCopyPiece);
        std::memcpy(static_cast<char*>(dst) + lo, static_cast<const char*>(src) + lo, hi - lo);
    });
}

void require_u32(uint64_t value, const char* name, const char* what) {
    if (value > 0xffffffffull)
        throw std::invalid_argument(std::string(what) + ": " + name + " = " + std::to_string(value) +
                                    " exceeds the 32-bit counts the kernels take");
}

Buffer GpuBackend::slot(Slot s, size_t bytes) {
    if (!slots_[s] || slot_bytes_[s] < bytes) {
        // Grow by at least a quarter, so that slowly growing calls do not allocate every time.
        const size_t want = std::max(bytes, slot_bytes_[s] + slot_bytes_[s] / 4);
        slots_[s] = {};  // freed after the work that used it (both devices keep it until then)
        slots_[s] = gpu_device().allocate(want);
        slot_bytes_[s] = want;
    }
    return slots_[s];
}

GpuBackend::Bound GpuBackend::bind(const void* host, size_t bytes, Slot s) {
    Device& device = gpu_device();
    if (device.shares_host_memory())
        if (Buffer held = device.held(host, bytes)) return {held, true};
    return {slot(s, bytes), false};
}

const void* GpuBackend::download(const Bound& b, size_t bytes) {
    return b.in_place ? nullptr : gpu_device().download(b.buffer, bytes);
}

void GpuBackend::release_slots() {
    for (int s = 0; s < kSlotCount; ++s) {
        slots_[s] = {};
        slot_bytes_[s] = 0;
    }
}

void GpuBackend::release_cached_memory() {
    Device& device = gpu_device();
    // The frees are ordered after the queued work (a launch keeps its buffers on every device).
    Call call(device, "release_cached_memory");
    release_slots();
    device.release_ntt_tables();
    release_device_memory();
}

std::unique_ptr<EfTables> GpuBackend::ef_tables(const Ef* values, size_t count, size_t length) {
    return gpu::ef_tables(gpu_device(), values, count, length);
}

void GpuBackend::dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) {
    gpu::dag_base_sums(gpu_device(), dag, points, out);
}

Round0Sums GpuBackend::round0_sums(const Round0Trace& trace) {
    // Chunks longer than a thread's registers hold take the host's composition of ntt and
    // dag_base_sums (each still on the device).
    if (!chunk_in_registers(trace.l_skip)) return host_round0_sums(*this, trace);
    return gpu::round0_sums(gpu_device(), trace);
}

std::unique_ptr<FractionTree> GpuBackend::fraction_tree(const Ef* p, const Ef* q, size_t leaves) {
    return gpu::fraction_tree(gpu_device(), p, q, leaves);
}

std::unique_ptr<FractionTree> GpuBackend::logup_fraction_tree(const LogUpLeaves& in) {
    return gpu::logup_fraction_tree(gpu_device(), in);
}

std::unique_ptr<EfTables> GpuBackend::trace_tables(const TraceTablesInput& in) {
    return gpu::trace_tables(gpu_device(), in);
}

StackedCommit GpuBackend::commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces,
                                         uint32_t log_blowup, uint32_t k) {
    if (!chunk_in_registers(layout.l_skip)) return host_commit_stacked(*this, layout, traces, log_blowup, k);
    return gpu::commit_stacked(gpu_device(), layout, traces, log_blowup, k);
}

std::unique_ptr<StackedMatrix> GpuBackend::stacked_matrix(HostVector<uint32_t> matrix, HostVector<uint32_t> message,
                                                          size_t height, uint32_t width, uint32_t l_skip) {
    // The device remakes the message in registers; longer chunks keep the host's matrix.
    if (!chunk_in_registers(l_skip))
        return host_stacked_matrix(*this, std::move(matrix), std::move(message), height, width, l_skip);
    return gpu::stacked_matrix(gpu_device(), matrix, message, height, width, l_skip);
}

}  // namespace gpu
}  // namespace gpustark
