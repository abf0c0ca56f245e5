// The Metal launch checks (metal_launch.h) and the backend's buffer list (shared_buffers.h): plain
// C++, so they are tested here on any platform.
#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <string>

#include "backends/metal/metal_launch.h"
#include "backends/metal/shared_buffers.h"
#include "test_metal_fake_device.h"

namespace {

using gpustark::device::DeviceLimits;
using gpustark::device::LaunchPlan;
using gpustark::device::PipelineLimits;
using gpustark::metal::Arg;
using gpustark::metal::check_covers;
using gpustark::metal::check_launch;
using gpustark::metal::Launch;
using gpustark::metal::make_launch;
using gpustark::metal::SharedBuffers;

const DeviceLimits kM1 = test_metal::apple_m1();

gpustark::metal::BufferPtr fake_buffer(test_metal::FakeDevice& device, size_t bytes) {
    return gpustark::metal::BufferPtr(device.new_buffer(bytes));
}

// The message of the std::invalid_argument that check_launch throws ("" when it does not).
std::string rejection(const Launch& l, const PipelineLimits& p, const DeviceLimits& d = kM1) {
    try {
        check_launch(l, d, p);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

Launch launch(uint64_t groups, uint32_t group, uint64_t scratch = 0) {
    LaunchPlan p;
    p.grid = groups;
    p.group = group;
    p.scratch_bytes = scratch;
    p.items_per_thread = 1;
    return make_launch("k", {Arg::value(uint32_t(7))}, p);
}

TEST(MetalLaunch, AcceptsWhatTheLimitsAllow) {
    EXPECT_EQ(rejection(launch(10, 1024, 32768), {1024, 0, 32}), "");
    EXPECT_EQ(rejection(launch(uint64_t(1) << 22, 1024), {1024, 0, 32}), "");  // exactly 2^32 threads
}

TEST(MetalLaunch, GroupAboveThePipelinesOwnLimitIsRejected) {
    // A register-heavy pipeline allows fewer threads than the device: its own limit wins.
    EXPECT_NE(rejection(launch(1, 640), {576, 0, 32}).find("640 threads per group exceed the limit of 576"),
              std::string::npos);
    EXPECT_NE(rejection(launch(1, 2048), {4096, 0, 32}).find("limit of 1024"), std::string::npos);
}

TEST(MetalLaunch, ThreadgroupMemoryIsCheckedAgainstStaticAndDeviceMemory) {
    EXPECT_NE(rejection(launch(1, 32, 24), {1024, 0, 32}).find("not a multiple of 16"), std::string::npos);
    EXPECT_NE(rejection(launch(1, 32, 32768), {1024, 16, 32}).find("static 16"), std::string::npos);
    DeviceLimits small = kM1;
    small.max_group_scratch_bytes = 16384;  // never assume 32 KiB
    EXPECT_NE(rejection(launch(1, 32, 32768), {1024, 0, 32}, small).find("16384"), std::string::npos);
}

TEST(MetalLaunch, GridBeyondA32BitPositionIsRejected) {
    EXPECT_NE(rejection(launch((uint64_t(1) << 22) + 1, 1024), {1024, 0, 32}).find("2^32"), std::string::npos);
    EXPECT_NE(rejection(launch(0, 32), {1024, 0, 32}).find("empty grid"), std::string::npos);
}

TEST(MetalLaunch, ArgumentsMustBeBuffersOrSmallValues) {
    test_metal::FakeDevice device;
    Launch l = launch(1, 32);
    l.args.push_back(Arg());  // neither
    EXPECT_NE(rejection(l, {1024, 0, 32}).find("argument 1: a value of 0 bytes"), std::string::npos);
    l.args[1] = Arg::value(std::array<uint8_t, 4097>{});
    EXPECT_NE(rejection(l, {1024, 0, 32}).find("4097 bytes"), std::string::npos);
    l.args[1] = Arg::of(fake_buffer(device, 64), 64);
    EXPECT_NE(rejection(l, {1024, 0, 32}).find("outside its buffer"), std::string::npos);
    l.args[1] = Arg::of(fake_buffer(device, 64), 6);
    EXPECT_NE(rejection(l, {1024, 0, 32}).find("not 4-byte aligned"), std::string::npos);
    l.args[1] = Arg::of(fake_buffer(device, 64), 60);
    EXPECT_EQ(rejection(l, {1024, 0, 32}), "");
}

TEST(MetalLaunch, LaneKernelsNeedAThreadPerItem) {
    LaunchPlan p{4, 32, 0, 1};
    EXPECT_NO_THROW(check_covers("k", p, 128));
    EXPECT_THROW(check_covers("k", p, 129), std::logic_error);
    p.items_per_thread = 2;  // a grid-stride plan: the lane kernels do not loop
    EXPECT_THROW(check_covers("k", p, 128), std::logic_error);
}

TEST(MetalSharedBuffers, FindsThePointersInsideLiveBuffersOnly) {
    test_metal::FakeDevice device;
    SharedBuffers buffers;
    gpustark::metal::BufferPtr a = buffers.adopt(device.new_buffer(256));
    const uint8_t* base = a->as<uint8_t>();
    auto found = buffers.find(base + 16, 240);
    EXPECT_EQ(found.first, a);
    EXPECT_EQ(found.second, 16u);
    EXPECT_EQ(buffers.find(base + 16, 241).first, nullptr);  // runs past the end
    EXPECT_EQ(buffers.find(base - 4, 8).first, nullptr);
    EXPECT_EQ(buffers.find(base, 0).first, nullptr);
    int elsewhere = 0;
    EXPECT_EQ(buffers.find(&elsewhere, sizeof(elsewhere)).first, nullptr);
    EXPECT_EQ(buffers.in_use_bytes(), 256u);
    found.first.reset();  // find's result shares the buffer too
    a.reset();
    EXPECT_EQ(buffers.find(base + 16, 8).first, nullptr);  // freed: no longer listed
    EXPECT_EQ(buffers.in_use_bytes(), 0u);
    EXPECT_EQ(buffers.peak_bytes(), 256u);
    buffers.reset_peak();
    EXPECT_EQ(buffers.peak_bytes(), 0u);
}

TEST(MetalSharedBuffers, ABufferMayOutliveTheList) {
    test_metal::FakeDevice device;
    gpustark::metal::BufferPtr kept;
    {
        SharedBuffers buffers;
        kept = buffers.adopt(device.new_buffer(64));
    }
    kept.reset();  // unlists itself from the state the list left behind; must not crash
    SUCCEED();
}

}  // namespace
