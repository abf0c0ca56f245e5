// gpustark._native.metal: Metal buffers in shared storage as Python buffers, which numpy views
// without a copy (python/gpustark/metal.py). A primitive on the `metal` backend handed such an
// array binds the buffer in place. Built without the Metal backend, the submodule only says so.
#include <pybind11/stl.h>

#include <string>

#include "../core/backend.h"
#include "bindings.h"
#ifdef GPUSTARK_WITH_METAL
#include "../backends/metal/metal_backend.h"
#endif

namespace py = pybind11;

namespace gpustark {

#ifdef GPUSTARK_WITH_METAL
namespace {

// A buffer as Python holds it: the numpy views keep this object, which keeps the buffer.
struct PyMetalBuffer {
    metal::BufferPtr buffer;
    size_t bytes;  // what the caller asked for (the buffer may be larger)
};

MetalBackend& metal_backend() {
    Backend& b = get_backend("metal");  // throws, saying why, when the backend could not start
    auto* metal = dynamic_cast<MetalBackend*>(&b);
    if (!metal) throw std::runtime_error("backend 'metal' is not the Metal backend");
    return *metal;
}

}  // namespace
#endif

void bind_metal(py::module_& m) {
    py::module_ mm = m.def_submodule("metal", "Metal buffers in shared storage (use gpustark.metal)");
#ifdef GPUSTARK_WITH_METAL
    mm.attr("built") = true;
    // A failed command buffer (GPU fault, timeout, ...) raises this, naming its kernels.
    py::register_exception<metal::MetalError>(mm, "MetalError", PyExc_RuntimeError);
    mm.def("status", []() -> py::tuple {
        try {
            metal_backend();
            return py::make_tuple(true, "");
        } catch (const std::exception& e) {
            return py::make_tuple(false, std::string(e.what()));
        }
    });
    py::class_<PyMetalBuffer>(mm, "Buffer", py::buffer_protocol())
        .def_buffer([](PyMetalBuffer& b) {
            return py::buffer_info(b.buffer->contents(), 1, py::format_descriptor<uint8_t>::format(), 1,
                                   {py::ssize_t(b.bytes)}, {py::ssize_t(1)});
        })
        .def_property_readonly("nbytes", [](const PyMetalBuffer& b) { return b.bytes; })
        .def_property_readonly("address", [](const PyMetalBuffer& b) {
            return reinterpret_cast<uintptr_t>(b.buffer->contents());
        });
    mm.def("buffer", [](size_t bytes) { return PyMetalBuffer{metal_backend().new_buffer(bytes), bytes}; },
           py::arg("nbytes"), "A zero-filled buffer of nbytes in shared storage.");
    mm.def("holds", [](uintptr_t address, size_t bytes) {
        return metal_backend().holds(reinterpret_cast<const void*>(address), bytes);
    }, py::arg("address"), py::arg("nbytes"), "Whether [address, address + nbytes) lies in one Metal buffer.");
#else
    mm.attr("built") = false;
    mm.def("status", [] {
        return py::make_tuple(false, std::string("this gpustark was built without the Metal backend (it builds on "
                                                 "macOS when Xcode's Metal compiler is found: GPUSTARK_METAL=AUTO|ON)"));
    });
#endif
}

}  // namespace gpustark
