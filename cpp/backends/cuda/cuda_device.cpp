#include "cuda_device.h"

#include <stdexcept>
#include <utility>

#include "cuda_backend.h"
#include "cuda_ef_tables.h"
#include "device_buffer.h"
#include "launch.h"

namespace gpustark {
namespace cuda {

namespace {
constexpr size_t kMaxBufferArgs = 8;
}

struct Device::CallScope final : gpu::Device::Scope {
    CallScope(Device& device, const char* stage) : device(device), call(device.backend_, stage) {}
    ~CallScope() override { device.call_ = nullptr; }
    Device& device;
    CudaBackend::Call call;
};

std::unique_ptr<gpu::Device::Scope> Device::open(const char* stage) {
    auto scope = std::make_unique<CallScope>(*this, stage);
    call_ = scope.get();
    return scope;
}

void Device::commit() {
    if (!call_) throw std::logic_error("cuda device: commit outside an operation");
    call_->call.commit();
}

void Device::finish(const char* reason) {
    if (!call_) throw std::logic_error("cuda device: finish outside an operation");
    call_->call.finish(reason);
}

void Device::drain() noexcept { backend_.drain(); }

gpu::Buffer Device::adopt(DeviceBuffer buffer) {
    auto owner = std::make_shared<DeviceBuffer>(std::move(buffer));
    void* base = owner->data();
    return {std::move(owner), base, 0};
}

gpu::Buffer Device::allocate(size_t bytes) { return adopt(DeviceBuffer(bytes)); }

gpu::Buffer Device::held(const void* host, size_t bytes) {
    return {nullptr, const_cast<uint32_t*>(backend_.held_trace(static_cast<const uint32_t*>(host), bytes)), 0};
}

void Device::reserve_staging(size_t bytes) { call_->call.reserve_staging(bytes); }

void Device::upload(const gpu::Buffer& dst, const void* host, size_t bytes) {
    if (bytes != 0) call_->call.upload(dst.as<void>(), host, bytes);
}

const void* Device::download(const gpu::Buffer& src, size_t bytes) { return call_->call.download(src.as<void>(), bytes); }

device::LaunchPlan Device::lane_plan(gpu::Kernel k, uint64_t lanes) { return backend_.lane_plan(k, lanes); }

void Device::dispatch_raw(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const gpu::Buffer* buffers,
                          size_t count, const void* params, size_t params_bytes) {
    if (count > kMaxBufferArgs) throw std::invalid_argument("cuda device: too many buffer arguments");
    void* pointers[kMaxBufferArgs] = {};
    for (size_t i = 0; i < count; ++i) pointers[i] = buffers[i].as<void>();
    const KernelArgs args{pointers, count, params, params_bytes};
    CudaBackend::Call& call = call_->call;
    call.dispatch(k, plan, bytes, [&] { return int(launch_entry(k, plan, args, call.stream())); });
}

std::unique_ptr<EfTables> Device::adopt_tables(gpu::Buffer values, size_t count, size_t length) {
    auto owner = std::static_pointer_cast<DeviceBuffer>(values.owner);
    if (!owner || values.offset != 0) throw std::invalid_argument("cuda device: tables must be a whole allocation");
    return adopt_cuda_ef_tables(backend_, std::move(*owner), count, length);
}

cudaError_t launch_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                         cudaStream_t stream) {
    for (auto entry : {launch_trace_tables_entry, launch_fraction_tree_entry, launch_merkle_entry}) {
        const cudaError_t err = entry(kernel, plan, args, stream);
        if (err != cudaErrorInvalidDeviceFunction) return err;
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
