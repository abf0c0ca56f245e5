// A Metal device without Metal, for testing MetalBackend on any machine. It checks every launch
// the way Metal's API validation would (threads and threadgroup memory against the limits it
// reported, buffers of its own, offsets inside them), records the command stream, and at wait()
// runs the committed launches with the real metal/*.metal kernels compiled as C++ (the lane
// emulator's runtime, tests/msl/emulator): results appear only once the host waits, as on a GPU.
// New buffers hold a poison pattern, since Metal promises nothing about their contents.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "backends/metal/metal_device.h"

namespace test_metal {

// M1 and M3 Max as Metal reports them (maxThreadsPerThreadgroup, maxThreadgroupMemoryLength); no
// device-wide SIMD width, core count or grid limit, as device.mm leaves them.
inline gpustark::device::DeviceLimits apple_m1() { return {1024, 0, 32768, 0, 0, 0}; }
inline gpustark::device::DeviceLimits apple_m3_max() { return {1024, 0, 32768, 0, 0, 0}; }

struct FakeOptions {
    gpustark::device::DeviceLimits limits = apple_m1();
    // Every kernel's pipeline limits, unless `pipelines` names it.
    gpustark::device::PipelineLimits pipeline{1024, 0, 32};
    std::map<std::string, gpustark::device::PipelineLimits> pipelines;
    std::set<std::string> missing;  // kernels "not in the library"
    bool execute = true;            // run the kernels at wait(); false: record only
    // A command buffer holding this kernel completes with an error (after its launches ran).
    std::string fail_kernel;
};

class FakeDevice final : public gpustark::metal::Device {
public:
    explicit FakeDevice(FakeOptions options = {});

    const gpustark::metal::DeviceDescription& description() const override { return description_; }
    gpustark::device::PipelineLimits pipeline(const std::string& kernel) override;
    std::unique_ptr<gpustark::metal::Buffer> new_buffer(size_t bytes) override;
    void encode_launch(const gpustark::metal::Launch& launch) override;
    void begin() override;
    void encode(const gpustark::device::Dispatch& d, const gpustark::device::EncodeFn& fn) override;
    void commit() override;
    void wait() override;

    // "begin encode:k ... commit wait", as device::RecordingSink::trace writes it.
    std::string trace() const;
    void clear_trace() { trace_.clear(); }
    // Every launch encoded so far, in order (they keep their buffers alive).
    const std::vector<gpustark::metal::Launch>& launches() const { return launches_; }
    void clear_launches() { launches_.clear(); }
    size_t buffers_made() const { return buffers_made_; }
    // Whether `b` is one of this device's buffers.
    static bool owns(const gpustark::metal::Buffer* b);

private:
    FakeOptions options_;
    gpustark::metal::DeviceDescription description_;
    std::vector<std::string> trace_;
    std::vector<gpustark::metal::Launch> launches_;
    bool open_ = false;
    std::vector<gpustark::metal::Launch> open_launches_;
    std::vector<std::vector<gpustark::metal::Launch>> committed_;
    size_t buffers_made_ = 0;
};

// Runs one launch with the real kernel (test_metal_emulated_kernels.cpp): threadgroups in order,
// thread_position_in_grid = group * group size + lane. Returns false and says why for a kernel it
// does not know, or arguments that do not match the kernel's signature (count, value sizes,
// buffers too small for what the kernel touches).
bool run_emulated(const gpustark::metal::Launch& launch, std::string* why);

}  // namespace test_metal
