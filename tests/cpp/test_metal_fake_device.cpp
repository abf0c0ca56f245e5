#include "test_metal_fake_device.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace test_metal {

using gpustark::device::DeviceLimits;
using gpustark::device::PipelineLimits;
using gpustark::metal::Launch;

namespace {

constexpr uint8_t kPoison = 0xA5;  // 0xA5A5A5A5 > p: a kernel reading unwritten words goes wrong

class FakeBuffer final : public gpustark::metal::Buffer {
public:
    explicit FakeBuffer(size_t bytes) : bytes_(bytes, kPoison) {}
    void* contents() const override { return const_cast<uint8_t*>(bytes_.data()); }
    size_t bytes() const override { return bytes_.size(); }

private:
    std::vector<uint8_t> bytes_;
};

[[noreturn]] void invalid(const Launch& l, const std::string& why) {
    throw std::logic_error("fake metal device: launch of " + l.kernel + " rejected: " + why);
}

}  // namespace

bool FakeDevice::owns(const gpustark::metal::Buffer* b) { return dynamic_cast<const FakeBuffer*>(b) != nullptr; }

FakeDevice::FakeDevice(FakeOptions options) : options_(std::move(options)) {
    description_.name = "fake Apple GPU (tests/cpp/test_metal_fake_device.h)";
    description_.limits = options_.limits;
    description_.details["unified_memory"] = "yes";
    description_.details["library"] = "metal/*.metal compiled as C++";
}

PipelineLimits FakeDevice::pipeline(const std::string& kernel) {
    if (options_.missing.count(kernel))
        throw std::runtime_error("metal: kernel '" + kernel + "' is not in the library (fake device)");
    auto found = options_.pipelines.find(kernel);
    return found != options_.pipelines.end() ? found->second : options_.pipeline;
}

std::unique_ptr<gpustark::metal::Buffer> FakeDevice::new_buffer(size_t bytes) {
    ++buffers_made_;
    return std::make_unique<FakeBuffer>(std::max<size_t>(bytes, 1));
}

void FakeDevice::begin() {
    if (open_) throw std::logic_error("fake metal device: begin with a command buffer open");
    open_ = true;
    trace_.push_back("begin");
}

void FakeDevice::encode(const gpustark::device::Dispatch& d, const gpustark::device::EncodeFn& fn) {
    if (!open_) throw std::logic_error("fake metal device: encode without begin");
    if (fn) fn();
    trace_.push_back("encode:" + d.kernel);
}

// What Metal's validation layer would refuse, and a few things the kernels would get wrong.
void FakeDevice::encode_launch(const Launch& l) {
    if (!open_) throw std::logic_error("fake metal device: encode_launch outside a command buffer");
    const PipelineLimits p = pipeline(l.kernel);
    const DeviceLimits& d = options_.limits;
    if (l.group == 0 || l.groups == 0) invalid(l, "an empty grid");
    if (l.group > std::min(d.max_threads_per_group, p.max_total_threads))
        invalid(l, std::to_string(l.group) + " threads per group");
    if (l.scratch_bytes % 16 != 0) invalid(l, "threadgroup memory not a multiple of 16");
    if (l.scratch_bytes + p.static_scratch_bytes > d.max_group_scratch_bytes) invalid(l, "too much threadgroup memory");
    if (l.groups * l.group > (uint64_t(1) << 32)) invalid(l, "more than 2^32 threads");
    for (size_t i = 0; i < l.args.size(); ++i) {
        const auto& a = l.args[i];
        if (a.buffer && !owns(a.buffer.get())) invalid(l, "argument " + std::to_string(i) + " is another device's buffer");
        if (a.buffer && (a.offset >= a.buffer->bytes() || a.offset % 4 != 0))
            invalid(l, "argument " + std::to_string(i) + " has a bad offset");
        if (!a.buffer && (a.bytes.empty() || a.bytes.size() > gpustark::metal::kMaxValueBytes))
            invalid(l, "argument " + std::to_string(i) + " is an empty or oversized value");
    }
    open_launches_.push_back(l);
    launches_.push_back(l);
}

void FakeDevice::commit() {
    if (!open_) throw std::logic_error("fake metal device: commit without begin");
    if (open_launches_.empty()) throw std::logic_error("fake metal device: an empty command buffer was committed");
    committed_.push_back(std::move(open_launches_));
    open_launches_.clear();
    open_ = false;
    trace_.push_back("commit");
}

void FakeDevice::wait() {
    if (committed_.empty()) throw std::logic_error("fake metal device: wait with nothing committed");
    trace_.push_back("wait");
    std::string failures;
    for (const auto& buffer : committed_) {
        std::string kernels;
        bool failed = false;
        for (const Launch& l : buffer) {
            kernels += (kernels.empty() ? "" : " ") + l.kernel;
            std::string why;
            if (options_.execute && !run_emulated(l, &why)) throw std::logic_error("fake metal device: " + why);
            failed = failed || l.kernel == options_.fail_kernel;
        }
        if (failed) failures += "a command buffer with kernels [" + kernels + "] ended with status error: injected";
    }
    committed_.clear();
    if (!failures.empty()) throw gpustark::metal::MetalError("metal: " + failures);
}

std::string FakeDevice::trace() const {
    std::string out;
    for (const std::string& t : trace_) out += (out.empty() ? "" : " ") + t;
    return out;
}

}  // namespace test_metal
