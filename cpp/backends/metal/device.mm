// The Metal device: the only Objective-C++ in gpustark (metal_device.h is the contract). It owns
// the MTLDevice, one command queue, the kernel library (the embedded metallib, or .metal sources
// compiled at run time for development: metal_library.h), a cache of compute pipelines, and the
// open command buffer and compute encoder that the shared Stager fills with dispatches.
//
// Compiled with ARC. Objective-C objects are kept only in members of the classes below; C++
// exceptions are thrown outside @autoreleasepool blocks, so every pool is drained.
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "metal_device.h"
#include "metal_library.h"

#if !__has_feature(objc_arc)
#error "device.mm is written for ARC: compile it with -fobjc-arc"
#endif

namespace gpustark {
namespace metal {

namespace {

std::string str(NSString* s) { return s ? std::string([s UTF8String]) : std::string(); }

std::string describe(NSError* error) {
    if (!error) return "no error description";
    return str(error.localizedDescription) + " (" + str(error.domain) + " code " + std::to_string(error.code) + ")";
}

const char* status_name(MTLCommandBufferStatus status) {
    switch (status) {
        case MTLCommandBufferStatusNotEnqueued: return "not enqueued";
        case MTLCommandBufferStatusEnqueued: return "enqueued";
        case MTLCommandBufferStatusCommitted: return "committed";
        case MTLCommandBufferStatusScheduled: return "scheduled";
        case MTLCommandBufferStatusCompleted: return "completed";
        case MTLCommandBufferStatusError: return "error";
    }
    return "unknown";
}

// An MTLBuffer in shared storage.
class SharedBuffer final : public Buffer {
public:
    explicit SharedBuffer(id<MTLBuffer> buffer) : buffer_(buffer) {}
    void* contents() const override { return [buffer_ contents]; }
    size_t bytes() const override { return static_cast<size_t>([buffer_ length]); }
    id<MTLBuffer> handle() const { return buffer_; }

private:
    id<MTLBuffer> buffer_;
};

struct Committed {
    id<MTLCommandBuffer> buffer;
    std::string kernels;  // its dispatches in order, for the error message
};

class SystemDevice final : public Device {
public:
    SystemDevice();
    ~SystemDevice() override;

    const DeviceDescription& description() const override { return description_; }
    device::PipelineLimits pipeline(const std::string& kernel) override;
    std::unique_ptr<Buffer> new_buffer(size_t bytes) override;
    void encode_launch(const Launch& launch) override;

    void begin() override;
    void encode(const device::Dispatch& d, const device::EncodeFn& fn) override;
    void commit() override;
    void wait() override;

private:
    void load_library();
    id<MTLComputePipelineState> state(const std::string& kernel);

    id<MTLDevice> device_ = nil;
    id<MTLCommandQueue> queue_ = nil;
    id<MTLLibrary> library_ = nil;
    std::string library_origin_;
    std::map<std::string, id<MTLComputePipelineState>> states_;
    id<MTLCommandBuffer> open_ = nil;
    id<MTLComputeCommandEncoder> encoder_ = nil;
    std::string open_kernels_;
    std::vector<Committed> committed_;
    DeviceDescription description_;
};

SystemDevice::SystemDevice() {
    device_ = MTLCreateSystemDefaultDevice();
    if (!device_)
        throw std::runtime_error("no Metal device: MTLCreateSystemDefaultDevice returned nil (no GPU, or a virtual "
                                 "machine without Metal)");
    queue_ = [device_ newCommandQueue];
    if (!queue_) throw std::runtime_error("metal: newCommandQueue failed on " + str(device_.name));
    load_library();

    description_.name = str(device_.name);
    // Threads per threadgroup and threadgroup memory as the device reports them. Metal has no
    // device-wide SIMD width (each pipeline reports its threadExecutionWidth), no core count and
    // no grid limit below the 2^32 positions the kernels index, so those stay 0 (unknown).
    description_.limits.max_threads_per_group = static_cast<uint32_t>(device_.maxThreadsPerThreadgroup.width);
    description_.limits.max_group_scratch_bytes = static_cast<uint64_t>(device_.maxThreadgroupMemoryLength);
    auto& d = description_.details;
    d["registry_id"] = std::to_string(device_.registryID);
    d["unified_memory"] = device_.hasUnifiedMemory ? "yes" : "no";
    d["recommended_max_working_set_bytes"] = std::to_string(device_.recommendedMaxWorkingSetSize);
    d["max_buffer_bytes"] = std::to_string(device_.maxBufferLength);
    if (@available(macOS 11.0, *)) d["gpu_family_apple7"] = [device_ supportsFamily:MTLGPUFamilyApple7] ? "yes" : "no";
    if (@available(macOS 13.0, *)) d["gpu_family_metal3"] = [device_ supportsFamily:MTLGPUFamilyMetal3] ? "yes" : "no";
    d["library"] = library_origin_;
    @autoreleasepool {
        d["os"] = str([[NSProcessInfo processInfo] operatingSystemVersionString]);
    }
}

SystemDevice::~SystemDevice() {
    // An encoder must end before it is released, even one left open by an error.
    if (encoder_) [encoder_ endEncoding];
    for (const Committed& c : committed_) [c.buffer waitUntilCompleted];
}

void SystemDevice::load_library() {
    std::string failure;
    const char* source_dir = std::getenv(kSourceDirEnv);
    if (source_dir && *source_dir) {
        const std::string dir(source_dir);
        const std::string source = expand_metal_sources(dir, default_include_dirs(dir));  // throws naming a file
        @autoreleasepool {
            MTLCompileOptions* options = [MTLCompileOptions new];
            if (@available(macOS 12.0, *)) options.languageVersion = MTLLanguageVersion2_4;  // the build's -std
            NSError* error = nil;
            library_ = [device_ newLibraryWithSource:[NSString stringWithUTF8String:source.c_str()]
                                             options:options
                                               error:&error];
            if (!library_)
                failure = "metal: compiling the .metal sources in " + dir + " (" + kSourceDirEnv +
                          ") failed: " + describe(error);
        }
        if (!failure.empty()) throw std::runtime_error(failure);
        library_origin_ = "source " + dir;
        return;
    }
    const LibraryBytes bytes = embedded_library();
    if (bytes.size == 0)
        throw std::runtime_error(std::string("metal: this build embeds no metallib; set ") + kSourceDirEnv +
                                 " to the repository's metal/ directory");
    @autoreleasepool {
        // DISPATCH_DATA_DESTRUCTOR_DEFAULT copies the bytes, so the data owns its memory.
        dispatch_data_t data = dispatch_data_create(bytes.data, bytes.size,
                                                    dispatch_get_global_queue(QOS_CLASS_DEFAULT, 0),
                                                    DISPATCH_DATA_DESTRUCTOR_DEFAULT);
        NSError* error = nil;
        library_ = [device_ newLibraryWithData:data error:&error];
        if (!library_)
            failure = "metal: loading the embedded metallib (" + std::to_string(bytes.size) +
                      " bytes) failed: " + describe(error);
    }
    if (!failure.empty()) throw std::runtime_error(failure);
    library_origin_ = "embedded metallib, " + std::to_string(bytes.size) + " bytes";
}

id<MTLComputePipelineState> SystemDevice::state(const std::string& kernel) {
    auto found = states_.find(kernel);
    if (found != states_.end()) return found->second;
    std::string failure;
    id<MTLComputePipelineState> pipeline = nil;
    @autoreleasepool {
        id<MTLFunction> function = [library_ newFunctionWithName:[NSString stringWithUTF8String:kernel.c_str()]];
        if (!function) {
            std::string names;
            for (NSString* name in library_.functionNames) names += (names.empty() ? "" : ", ") + str(name);
            failure = "metal: kernel '" + kernel + "' is not in the library (" + library_origin_ + "; it has " +
                      names + ")";
        } else {
            NSError* error = nil;
            pipeline = [device_ newComputePipelineStateWithFunction:function error:&error];
            if (!pipeline) failure = "metal: the pipeline of kernel '" + kernel + "' failed: " + describe(error);
        }
    }
    if (!failure.empty()) throw std::runtime_error(failure);
    states_[kernel] = pipeline;
    return pipeline;
}

device::PipelineLimits SystemDevice::pipeline(const std::string& kernel) {
    id<MTLComputePipelineState> p = state(kernel);
    device::PipelineLimits limits;
    limits.max_total_threads = static_cast<uint32_t>(p.maxTotalThreadsPerThreadgroup);
    limits.thread_execution_width = static_cast<uint32_t>(p.threadExecutionWidth);
    limits.static_scratch_bytes = static_cast<uint64_t>(p.staticThreadgroupMemoryLength);
    return limits;
}

std::unique_ptr<Buffer> SystemDevice::new_buffer(size_t bytes) {
    bytes = std::max<size_t>(bytes, 1);
    if (bytes > device_.maxBufferLength)
        throw std::runtime_error("metal: a buffer of " + std::to_string(bytes) + " bytes exceeds the device's " +
                                 "maxBufferLength of " + std::to_string(device_.maxBufferLength));
    id<MTLBuffer> buffer = [device_ newBufferWithLength:bytes options:MTLResourceStorageModeShared];
    if (!buffer)
        throw std::runtime_error("metal: newBufferWithLength(" + std::to_string(bytes) +
                                 " bytes, shared storage) failed (out of memory?)");
    return std::make_unique<SharedBuffer>(buffer);
}

void SystemDevice::begin() {
    if (open_) throw std::logic_error("metal: begin with a command buffer already open");
    @autoreleasepool {
        if (@available(macOS 11.0, *)) {
            // Per-encoder status in the error of a failed command buffer.
            MTLCommandBufferDescriptor* descriptor = [MTLCommandBufferDescriptor new];
            descriptor.errorOptions = MTLCommandBufferErrorOptionEncoderExecutionStatus;
            open_ = [queue_ commandBufferWithDescriptor:descriptor];
        } else {
            open_ = [queue_ commandBuffer];
        }
        // The default (serial) dispatch type: each dispatch sees the writes of the ones before it.
        if (open_) encoder_ = [open_ computeCommandEncoder];
    }
    if (!open_ || !encoder_) {
        open_ = nil;
        encoder_ = nil;
        throw MetalError("metal: could not open a command buffer and compute encoder on " + description_.name);
    }
    open_kernels_.clear();
}

void SystemDevice::encode(const device::Dispatch& d, const device::EncodeFn& fn) {
    if (!encoder_) throw std::logic_error("metal: encode without an open command buffer");
    if (fn) fn();
    open_kernels_ += (open_kernels_.empty() ? "" : " ") + d.kernel;
}

void SystemDevice::encode_launch(const Launch& l) {
    if (!encoder_) throw std::logic_error("metal: encode_launch outside an open command buffer");
    // Every check before the first encoder call, so that a refused launch leaves no partial state.
    std::vector<id<MTLBuffer>> handles(l.args.size(), nil);
    for (size_t i = 0; i < l.args.size(); ++i) {
        if (!l.args[i].buffer) continue;
        const auto* shared = dynamic_cast<const SharedBuffer*>(l.args[i].buffer.get());
        if (!shared)
            throw std::logic_error("metal: argument " + std::to_string(i) + " of " + l.kernel +
                                   " is not a buffer of this device");
        handles[i] = shared->handle();
    }
    id<MTLComputePipelineState> pipeline = state(l.kernel);
    [encoder_ setComputePipelineState:pipeline];
    for (size_t i = 0; i < l.args.size(); ++i) {
        const Arg& a = l.args[i];
        if (a.buffer)
            [encoder_ setBuffer:handles[i] offset:a.offset atIndex:i];
        else
            [encoder_ setBytes:a.bytes.data() length:a.bytes.size() atIndex:i];
    }
    if (l.scratch_bytes != 0) [encoder_ setThreadgroupMemoryLength:l.scratch_bytes atIndex:0];
    [encoder_ dispatchThreadgroups:MTLSizeMake(l.groups, 1, 1) threadsPerThreadgroup:MTLSizeMake(l.group, 1, 1)];
}

void SystemDevice::commit() {
    if (!open_) throw std::logic_error("metal: commit without an open command buffer");
    [encoder_ endEncoding];
    [open_ commit];
    committed_.push_back({open_, open_kernels_});
    open_ = nil;
    encoder_ = nil;
    open_kernels_.clear();
}

void SystemDevice::wait() {
    std::string failures;
    @autoreleasepool {
        // One queue runs its command buffers in order, but each has its own status to check.
        for (const Committed& c : committed_) {
            [c.buffer waitUntilCompleted];
            const MTLCommandBufferStatus status = c.buffer.status;
            if (status != MTLCommandBufferStatusCompleted)
                failures += std::string(failures.empty() ? "" : "; ") + "a command buffer with kernels [" + c.kernels +
                            "] ended with status " + status_name(status) + ": " + describe(c.buffer.error);
        }
    }
    committed_.clear();
    if (!failures.empty()) throw MetalError("metal: " + failures);
}

}  // namespace

std::unique_ptr<Device> open_system_device() { return std::make_unique<SystemDevice>(); }

}  // namespace metal
}  // namespace gpustark
