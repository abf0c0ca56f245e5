// The Metal device as plain C++: what MetalBackend needs from Metal, and nothing else. device.mm
// (the only Objective-C++ file) implements it over MTLDevice; the native tests implement it with a
// recording fake that runs the real .metal kernels on the CPU (tests/cpp/test_metal_fake_device.h),
// so everything above this interface is compiled and tested on Linux.
//
//     std::unique_ptr<Device> dev = open_system_device();
//     BufferPtr buf = dev->new_buffer(bytes);            // shared storage: buf->contents() is the
//     ...                                               // memory the GPU reads, no copies
//     device::Stager stager(*dev);                       // Device is the stager's CommandSink
//     stager.dispatch({"poseidon2_permute", plan, bytes}, [&] { dev->encode_launch(launch); });
//     stager.sync("read states");                       // commit, wait, check every command buffer
//
// Not thread-safe: MetalBackend calls it under its own lock.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "../../core/device/launch_plan.h"
#include "../../core/device/stager.h"

namespace gpustark {
namespace metal {

// A command buffer that completed with an error (or any other failure the GPU reported). The
// message names the command buffer's stage, its kernels and Metal's own description; the Python
// binding raises it as gpustark.metal.MetalError (a RuntimeError).
class MetalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One buffer in shared storage (MTLStorageModeShared): on Apple silicon the host and the GPU see
// the same memory, so contents() is both the upload and the download. Zero-filled when new.
class Buffer {
public:
    virtual ~Buffer() = default;
    virtual void* contents() const = 0;
    virtual size_t bytes() const = 0;
    template <typename T>
    T* as() const { return static_cast<T*>(contents()); }
};
// Shared ownership: a launch keeps the buffers it binds until its command buffer has completed.
using BufferPtr = std::shared_ptr<Buffer>;

// Kernel argument i is bound at [[buffer(i)]]: a buffer at a byte offset, or a small value copied
// into the command (setBytes; MSL `constant T&`).
struct Arg {
    BufferPtr buffer;           // set for a buffer argument ...
    size_t offset = 0;
    std::vector<uint8_t> bytes; // ... else the value's bytes

    static Arg of(BufferPtr b, size_t offset = 0) {
        Arg a;
        a.buffer = std::move(b);
        a.offset = offset;
        return a;
    }
    template <typename T>
    static Arg value(const T& v) {
        static_assert(std::is_trivially_copyable<T>::value, "kernel values are copied byte for byte");
        Arg a;
        a.bytes.resize(sizeof(T));
        std::memcpy(a.bytes.data(), &v, sizeof(T));
        return a;
    }
};

// setBytes takes at most 4 KiB per argument; larger data goes in a buffer.
constexpr size_t kMaxValueBytes = 4096;
// Threadgroup memory lengths must be multiples of 16 bytes (device::kScratchGranularity).

// One dispatch in Metal's terms: `groups` threadgroups of `group` threads in a 1-D grid
// (dispatchThreadgroups), `scratch_bytes` of threadgroup memory at [[threadgroup(0)]] (0: none).
struct Launch {
    std::string kernel;
    std::vector<Arg> args;
    uint64_t groups = 0;
    uint32_t group = 0;
    uint64_t scratch_bytes = 0;
};

struct DeviceDescription {
    std::string name;                           // MTLDevice.name
    device::DeviceLimits limits;                // what the launch planner reads
    std::map<std::string, std::string> details; // more for `gpustark devices` (memory, families, library)
};

// The device side of a Metal backend. As a CommandSink it opens a command buffer and a compute
// encoder (begin), runs the stager's encode function, which calls encode_launch (encode), commits
// without waiting (commit), and waits for every committed command buffer, then throws MetalError
// if any of them failed (wait).
class Device : public device::CommandSink {
public:
    virtual const DeviceDescription& description() const = 0;
    // The limits of `kernel`'s compute pipeline, compiled on first use and cached. Throws
    // std::runtime_error naming the kernel when the library does not have it or it fails to compile.
    virtual device::PipelineLimits pipeline(const std::string& kernel) = 0;
    // A buffer of at least `bytes` (>= 1) in shared storage, contents unspecified (callers write
    // what kernels read); std::runtime_error when the device refuses (beyond maxBufferLength, out
    // of memory).
    virtual std::unique_ptr<Buffer> new_buffer(size_t bytes) = 0;
    // Encodes `launch` into the open command buffer (only between begin and commit). The launch has
    // passed check_launch (metal_launch.h); its buffers are this device's.
    virtual void encode_launch(const Launch& launch) = 0;
};

// The system's default Metal device with gpustark's kernel library: the metallib embedded at build
// time, or, when GPUSTARK_METAL_SOURCE names a directory of .metal files, that source compiled at
// run time (development). Throws std::runtime_error("no Metal device: ...") without a GPU, and
// std::runtime_error naming the library when it cannot be loaded. Defined in device.mm.
std::unique_ptr<Device> open_system_device();

}  // namespace metal
}  // namespace gpustark
