// `metal` in the registry over the fake device (test_metal_fake_device.h), for machines without
// Metal: in builds configured with GPUSTARK_METAL_FAKE_DEVICE (the Python suite then runs with
// --backend metal and dual:cpu,metal) and in the native Metal host tests (test_metal_registry.cpp).
// It takes the place of cpp/backends/metal/metal_register.cpp, whose device is device.mm's.
#include <memory>

#include "backends/metal/metal_backend.h"
#include "test_metal_fake_device.h"

namespace gpustark {

void register_metal_backend() {
    register_backend("metal", []() -> std::unique_ptr<Backend> {
        MetalOptions options;
        // Few threadgroups per reduction: the emulator pays per barrier, and threads that loop
        // over many lanes are the case worth testing.
        options.reduce_groups = 16;
        // Blocks of one or two chunks, so that round 0 runs several blocks on small traces.
        options.round0_block_elements = 256;
        // Copies of held traces, as CUDA keeps them: the commitment then drops the stacked matrix
        // and scatters it again from them (gpu_stacked_matrix.cpp), a path Linux would not run.
        options.hold_trace_copies = true;
        return std::make_unique<MetalBackend>(std::make_unique<test_metal::FakeDevice>(), options);
    });
}

}  // namespace gpustark
