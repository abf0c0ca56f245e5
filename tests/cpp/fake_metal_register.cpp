// `metal` in the registry over the fake device (test_metal_fake_device.h), for builds configured
// with GPUSTARK_METAL_FAKE_DEVICE on machines without Metal: the Python suite then runs with
// --backend metal and dual:cpu,metal, the real .metal kernels emulated on the CPU. It takes the
// place of cpp/backends/metal/metal_register.cpp, whose device is device.mm's.
#include <memory>

#include "backends/metal/metal_backend.h"
#include "test_metal_fake_device.h"

namespace gpustark {

void register_metal_backend() {
    register_backend("metal", []() -> std::unique_ptr<Backend> {
        return std::make_unique<MetalBackend>(std::make_unique<test_metal::FakeDevice>(),
                                              test_metal::fake_device_options());
    });
}

}  // namespace gpustark
