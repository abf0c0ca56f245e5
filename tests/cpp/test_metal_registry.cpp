// Registers `metal` as MetalBackend over the fake device (fake_metal_register.cpp), so that the
// suites that run on every registered backend (backend_cases.h: test_ef_tables, test_dag_program,
// test_fraction_tree, test_encode_commit, test_stacked_matrix, compiled into this executable too)
// also run on `metal` and `dual:cpu,metal`, with the real .metal kernels emulated on the CPU.
#include "backends/builtin.h"
#include "backends/metal/metal_backend.h"

namespace {

const bool kRegistered = [] {
    gpustark::register_builtin_backends();
    gpustark::register_metal_backend();
    return true;
}();

}  // namespace
