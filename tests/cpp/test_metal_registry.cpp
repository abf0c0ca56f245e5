// Registers `metal` as MetalBackend over the fake device (test_metal_fake_device.h), so that the
// suites that run on every registered backend (backend_cases.h: test_ef_tables, test_dag_program,
// test_fraction_tree, test_encode_commit, test_stacked_matrix, compiled into this executable too)
// also run on `metal` and `dual:cpu,metal`, with the real .metal kernels emulated on the CPU.
#include <memory>

#include "backends/builtin.h"
#include "backends/metal/metal_backend.h"
#include "core/backend.h"
#include "test_metal_fake_device.h"

namespace {

const bool kRegistered = [] {
    gpustark::register_builtin_backends();
    gpustark::register_backend("metal", []() -> std::unique_ptr<gpustark::Backend> {
        return std::make_unique<gpustark::MetalBackend>(std::make_unique<test_metal::FakeDevice>(),
                                                        test_metal::fake_device_options());
    });
    return true;
}();

}  // namespace
