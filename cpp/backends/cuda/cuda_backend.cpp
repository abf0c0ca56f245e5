// CudaBackend: its device, the report of its limits and what is still CUDA's own (the sumcheck
// tables, the DAG and round 0 beside this file); the primitives and the shared phases are
// gpu::GpuBackend's. Compiled by the host compiler; the device is cuda_device.cpp, the kernels and
// their entries the *.cu files beside this one (launch.h).
#include "cuda_backend.h"

#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "../gpu/gpu_ntt_tables.h"
#include "../gpu/phases.h"
#include "../gpu/primitives.h"
#include "device_buffer.h"
#include "device_memory.h"
#include "launch.h"

namespace gpustark {

namespace {

// The largest lane count a lane kernel is planned for in info(): a typical big launch.
constexpr uint64_t kInfoLanes = uint64_t(1) << 24;

}  // namespace

// ---- construction ----

CudaBackend::CudaBackend(int device) : gpu::GpuBackend("cuda"), device_(std::make_unique<cuda::Device>(device)) {
    cudaDeviceProp prop{};
    GS_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    const std::string sm = std::to_string(prop.major) + "." + std::to_string(prop.minor);

    // Plan once here so that limits the planner rejects make the backend unavailable with a
    // reason instead of failing on the first call; info() reports these plans.
    device::LaunchPlan info_plans[gpu::kKernelCount];
    device::NttBlockPlan ntt_block{};
    std::string ntt_block_note;
    try {
        for (int k = 0; k < gpu::kKernelCount; ++k)
            if (static_cast<gpu::Kernel>(k) != gpu::Kernel::NttBlock)
                info_plans[k] = device_->lane_plan(static_cast<gpu::Kernel>(k), kInfoLanes);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("cuda launch plan on ") + prop.name + ": " + e.what());
    }
    try {
        ntt_block = device::plan_ntt_block(device_->limits(), device_->pipeline_limits(gpu::Kernel::NttBlock), gpu::kMaxLogN, 1);
    } catch (const std::invalid_argument& e) {
        ntt_block_note = e.what();  // every NTT then runs per-stage kernels only
    }

    int runtime_version = 0, driver_version = 0;
    cudaRuntimeGetVersion(&runtime_version);
    cudaDriverGetVersion(&driver_version);
    auto version = [](int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); };

    info_.backend = "cuda";
    info_.name = prop.name;
    auto& m = info_.limits;
    m["device_index"] = std::to_string(device);
    m["compute_capability"] = sm;
    m["global_memory_bytes"] = std::to_string(prop.totalGlobalMem);
    m["multiprocessors"] = std::to_string(prop.multiProcessorCount);
    m["max_threads_per_multiprocessor"] = std::to_string(prop.maxThreadsPerMultiProcessor);
    m["max_threads_per_block"] = std::to_string(prop.maxThreadsPerBlock);
    m["max_grid_x"] = std::to_string(prop.maxGridSize[0]);
    m["shared_mem_per_block"] = std::to_string(prop.sharedMemPerBlock);
    m["warp_size"] = std::to_string(prop.warpSize);
    m["cuda_runtime"] = version(runtime_version);
    m["cuda_driver"] = version(driver_version);
    m["built_architectures"] = GPUSTARK_CUDA_ARCHS;
    m["lane_group_cap"] = std::to_string(kCudaMaxLaneGroup);
    m["ntt_log_block"] = std::to_string(ntt_block.log_block);
    m["ntt_block_threads"] = std::to_string(ntt_block.lanes);
    m["ntt_scratch_bytes"] = std::to_string(ntt_block.scratch_bytes);
    if (!ntt_block_note.empty()) m["ntt_block_unavailable"] = ntt_block_note;
    m["grind_block_threads"] = std::to_string(device_->grind_group());
    m["grind_wave_threads"] = std::to_string(device_->grind_wave());
    for (int k = 0; k < gpu::kKernelCount; ++k) {
        std::string name = gpu::kernel_name(static_cast<gpu::Kernel>(k));
        m["kernel." + name + ".max_threads_per_block"] = std::to_string(device_->pipeline_limits(gpu::Kernel(k)).max_total_threads);
        m["kernel." + name + ".static_shared_bytes"] = std::to_string(device_->pipeline_limits(gpu::Kernel(k)).static_scratch_bytes);
        m["kernel." + name + ".registers"] = std::to_string(device_->registers(gpu::Kernel(k)));
        // The block of a large launch (2^24 lanes; the block NTT's own plan for 2^27 rows).
        m["kernel." + name + ".block_threads"] = std::to_string(
            static_cast<gpu::Kernel>(k) == gpu::Kernel::NttBlock ? ntt_block.lanes : info_plans[k].group);
    }
}

CudaBackend::~CudaBackend() {
    // The device waits for its stream before it frees; the slots go while it still runs.
    device_->drain();
    release_slots();
}

DeviceInfo CudaBackend::info() const { return info_; }

void CudaBackend::release_device_memory() {
    // trim_pool waits for the stream before it trims.
    if (device_->allocation_stream()) cuda::trim_pool(device_->allocation_stream());
}

namespace {

std::string cuda_version(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

// Why no CUDA device can be used, in words a user acts on. The runtime is linked statically and
// loads the driver (libcuda.so.1) itself; without one it reports an "insufficient driver", which
// on a machine with no NVIDIA GPU at all says the wrong thing.
std::string no_device_reason(cudaError_t err) {
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);  // 0 when no driver is installed
    cudaRuntimeGetVersion(&runtime);
    if (driver == 0) return "no CUDA device is present (no NVIDIA driver, libcuda.so.1, was found)";
    if (err == cudaErrorInsufficientDriver)
        return "no CUDA device can be used: the NVIDIA driver supports CUDA " + cuda_version(driver) +
               ", older than this build's CUDA runtime " + cuda_version(runtime) + " (update the driver)";
    if (err == cudaErrorNoDevice) return "no CUDA device is present (the NVIDIA driver found no GPU)";
    return std::string("no CUDA device can be used: cudaGetDeviceCount failed: ") + cudaGetErrorString(err) +
           " (" + cudaGetErrorName(err) + ")";
}

}  // namespace

void register_cuda_backend() {
    register_backend("cuda", []() -> std::unique_ptr<Backend> {
        int count = 0;
        cudaError_t err = cudaGetDeviceCount(&count);
        if (err != cudaSuccess) {
            cudaGetLastError();
            throw std::runtime_error(no_device_reason(err));
        }
        if (count <= 0) throw std::runtime_error(no_device_reason(cudaErrorNoDevice));
        return std::make_unique<CudaBackend>(0);
    });
}

}  // namespace gpustark
