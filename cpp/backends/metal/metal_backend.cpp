// MetalBackend: construction and limits, calls, buffers and dispatch. The primitives and every
// phase are gpu::GpuBackend's, written once for CUDA and Metal (cpp/backends/gpu/).
#include "metal_backend.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include "../gpu/call_counters.h"
#include "../gpu/gpu_ntt_tables.h"
#include "../gpu/phases.h"
#include "metal_launch.h"
#include "metal_phase_device.h"

namespace gpustark {

namespace {

constexpr uint64_t kInfoLanes = uint64_t(1) << 24;    // the lane count info() plans for: a big launch

// Every kernel the backend dispatches (metal/*.metal): it does not start without all of them.
std::vector<gpu::Kernel> backend_kernels() {
    std::vector<gpu::Kernel> ids;
    for (int k = 0; k < gpu::kKernelCount; ++k) ids.push_back(gpu::Kernel(k));
    return ids;
}

void log_line(const std::string& line) { std::fprintf(stderr, "gpustark debug: %s\n", line.c_str()); }

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
}

}  // namespace

const std::vector<std::string>& MetalBackend::host_phases() {
    static const std::vector<std::string> names{};
    return names;
}

// ---- construction and limits ----

MetalBackend::MetalBackend(std::unique_ptr<metal::Device> device, MetalOptions options)
    : gpu::GpuBackend("metal"), device_(std::move(device)), phase_device_(std::make_unique<metal::PhaseDevice>(*this)),
      options_(std::move(options)) {
    if (!device_) throw std::invalid_argument("metal backend: no device");
    const metal::DeviceDescription& d = device_->description();
    limits_ = d.limits;

    // Plan once per kernel here: a missing kernel (device::pipeline throws) or limits the planner
    // rejects make the backend unavailable with the reason, not the first call fail.
    std::map<gpu::Kernel, device::LaunchPlan> plans;
    try {
        for (gpu::Kernel k : backend_kernels())
            if (k != gpu::Kernel::NttBlock) plans[k] = lane_plan(k, kInfoLanes);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error("metal launch plan on " + d.name + ": " + e.what());
    }
    device::NttBlockPlan ntt_block{};
    std::string ntt_block_note;
    try {
        ntt_block = device::plan_ntt_block(limits_, pipeline_limits(gpu::Kernel::NttBlock), kMaxLogN, 1);
    } catch (const std::invalid_argument& e) {
        ntt_block_note = e.what();  // every NTT then runs per-stage kernels only
    }

    device::StagerOptions stager_options = options_.stager;
    if (!stager_options.log) stager_options.log = log_line;
    stager_ = std::make_unique<device::Stager>(*device_, stager_options);

    info_.backend = "metal";
    info_.name = d.name;
    auto& m = info_.limits;
    for (const auto& entry : d.details) m[entry.first] = entry.second;
    m["max_threads_per_threadgroup"] = std::to_string(limits_.max_threads_per_group);
    m["max_threadgroup_memory_bytes"] = std::to_string(limits_.max_group_scratch_bytes);
    m["lane_group_cap"] = std::to_string(options_.max_lane_group);
    m["commit_max_dispatches"] = std::to_string(stager_options.max_dispatches);
    m["commit_max_bytes"] = std::to_string(stager_options.max_bytes);
    m["ntt_log_block"] = std::to_string(ntt_block.log_block);
    m["ntt_block_threads"] = std::to_string(ntt_block.lanes);
    m["ntt_threadgroup_bytes"] = std::to_string(ntt_block.scratch_bytes);
    if (!ntt_block_note.empty()) m["ntt_block_unavailable"] = ntt_block_note;
    m["host_phases"] = join(host_phases());
    for (gpu::Kernel id : backend_kernels()) {
        const std::string k = gpu::kernel_name(id);
        const device::PipelineLimits& p = pipelines_.at(k);
        m["kernel." + k + ".max_total_threads"] = std::to_string(p.max_total_threads);
        m["kernel." + k + ".thread_execution_width"] = std::to_string(p.thread_execution_width);
        m["kernel." + k + ".static_threadgroup_bytes"] = std::to_string(p.static_scratch_bytes);
        // The group of a large launch (2^24 lanes; the block NTT's own plan for 2^27 rows).
        m["kernel." + k + ".group_threads"] = std::to_string(id == gpu::Kernel::NttBlock ? ntt_block.lanes : plans.at(id).group);
    }
}

MetalBackend::~MetalBackend() {
    // Nothing may still run on buffers that go with the backend; errors no longer matter here.
    try {
        std::lock_guard<std::mutex> lock(mutex_);
        stager_->sync("backend shutdown");
    } catch (...) {
    }
    // Buffers the base class and the phase device keep go back to buffers_ while it still lives.
    release_slots();
    phase_device_->release_ntt_tables();
}

DeviceInfo MetalBackend::info() const { return info_; }

gpu::Device& MetalBackend::gpu_device() { return *phase_device_; }

device::PipelineLimits MetalBackend::pipeline_limits(const std::string& kernel) {
    auto found = pipelines_.find(kernel);
    if (found != pipelines_.end()) return found->second;
    device::PipelineLimits p = device_->pipeline(kernel);
    pipelines_[kernel] = p;
    return p;
}

device::PipelineLimits MetalBackend::pipeline_limits(gpu::Kernel kernel) { return pipeline_limits(gpu::kernel_name(kernel)); }

device::LaunchPlan MetalBackend::plan(gpu::Kernel kernel, const device::Problem& work) {
    return device::plan(limits_, pipeline_limits(kernel), work);
}

device::LaunchPlan MetalBackend::lane_plan(gpu::Kernel kernel, uint64_t lanes) {
    device::Problem work;
    work.items = lanes;
    work.max_group_threads = options_.max_lane_group;
    return plan(kernel, work);
}

device::LaunchPlan MetalBackend::stride_plan(gpu::Kernel kernel, uint64_t lanes, uint64_t max_groups) {
    device::Problem work;
    work.items = lanes;
    work.max_group_threads = options_.max_lane_group;
    work.max_groups = max_groups != 0 ? max_groups : kMaxStrideGroups;
    return plan(kernel, work);
}

// ---- one call ----

MetalBackend::Call::Call(MetalBackend& backend, const char* stage)
    : b_(backend), lock_(backend.mutex_), before_(backend.stager_->totals()),
      exceptions_(std::uncaught_exceptions()) {
    b_.h2d_bytes_ = 0;
    b_.d2h_bytes_ = 0;
    b_.stager_->begin_stage(stage);
}

MetalBackend::Call::~Call() {
    if (std::uncaught_exceptions() > exceptions_) {
        // Let what was committed finish before the next call refills the slots; its error (if
        // any) is the one already on its way out, or a consequence of it.
        try {
            b_.stager_->sync("recover after error");
        } catch (...) {
        }
    }
    try {
        b_.stager_->end_stage();
        gpu::count_call(before_, b_.stager_->totals(), b_.h2d_bytes_, b_.d2h_bytes_);
    } catch (...) {
        // Reporting must not turn a finished call (or an exception in flight) into a crash.
    }
}

// ---- buffers ----

// At least 16 bytes: a kernel argument of any element type (an Ef is 16 bytes) fits, even for
// empty data a kernel never reads.
metal::BufferPtr MetalBackend::allocate(size_t bytes) { return buffers_.adopt(device_->new_buffer(std::max<size_t>(bytes, 16))); }

metal::BufferPtr MetalBackend::new_buffer(size_t bytes) {
    metal::BufferPtr b;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        b = allocate(bytes);
    }
    std::memset(b->contents(), 0, b->bytes());
    return b;
}

bool MetalBackend::holds(const void* p, size_t bytes) const { return buffers_.find(p, bytes).first != nullptr; }

DeviceMemory MetalBackend::device_memory() const {
    DeviceMemory m;
    m.tracked = true;
    m.in_use_bytes = buffers_.in_use_bytes();
    m.peak_bytes = buffers_.peak_bytes();
    return m;
}

void MetalBackend::reset_device_memory_peak() { buffers_.reset_peak(); }

void MetalBackend::hold_traces(const std::vector<TraceView>& traces) {
    release_traces();
    if (!options_.hold_trace_copies) return;
    for (const TraceView& t : traces) {
        const size_t bytes = t.height * t.width * sizeof(uint32_t);
        if (bytes == 0 || held_copies_.count(t.data)) continue;
        metal::BufferPtr copy = allocate(bytes);
        copy_in(copy->contents(), t.data, bytes);
        held_copies_.emplace(t.data, std::make_pair(bytes, std::move(copy)));
    }
}

void MetalBackend::release_traces() {
    if (held_copies_.empty()) return;
    phase_device_->before_traces_released();  // what was made from them and dropped, again
    held_copies_.clear();  // a command buffer keeps the buffers it binds until it has completed
}

void MetalBackend::copy_in(void* dst, const void* src, size_t bytes) {
    gpu::host_copy(dst, src, bytes);
    h2d_bytes_ += bytes;
}

// ---- dispatch ----

void MetalBackend::dispatch(gpu::Kernel kernel, std::vector<metal::Arg> args, const device::LaunchPlan& plan,
                            uint64_t bytes) {
    const char* name = gpu::kernel_name(kernel);
    const metal::Launch launch = metal::make_launch(name, std::move(args), plan);
    metal::check_launch(launch, limits_, pipeline_limits(name));
    stager_->dispatch({name, plan, bytes}, [&] { device_->encode_launch(launch); });
}

void MetalBackend::commit() { stager_->commit(); }

void MetalBackend::finish(const char* reason) { stager_->sync(reason); }

}  // namespace gpustark
