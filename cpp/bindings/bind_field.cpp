// Vectorised field arithmetic for Python (the verifier and tests): elementwise over arrays of
// canonical values; extension elements are the last axis of size 4.
#include <pybind11/numpy.h>

#include <stdexcept>

#include "../kernels/field/ext4.h"
#include "../kernels/field/two_adic.h"
#include "arrays.h"
#include "bindings.h"

namespace gpustark {
namespace {

template <class Op>
U32Array base_binary(const py::array& a, const py::array& b, Op op) {
    U32Array x = checked_field_array(a, "a", int(a.ndim()));
    U32Array y = checked_field_array(b, "b", int(b.ndim()));
    if (x.size() != y.size()) throw py::value_error("a and b must have the same shape");
    U32Array out(std::vector<py::ssize_t>(x.shape(), x.shape() + x.ndim()));
    const uint32_t *xv = x.data(), *yv = y.data();
    uint32_t* ov = out.mutable_data();
    for (py::ssize_t i = 0; i < x.size(); ++i)
        ov[i] = fp_to_canonical(op(fp_from_canonical(xv[i]), fp_from_canonical(yv[i])));
    return out;
}

template <class Op>
U32Array base_unary(const py::array& a, Op op) {
    U32Array x = checked_field_array(a, "a", int(a.ndim()));
    U32Array out(std::vector<py::ssize_t>(x.shape(), x.shape() + x.ndim()));
    for (py::ssize_t i = 0; i < x.size(); ++i) out.mutable_data()[i] = fp_to_canonical(op(fp_from_canonical(x.data()[i])));
    return out;
}

template <class Op>
U32Array ext_binary(const py::array& a, const py::array& b, Op op) {
    if (a.ndim() < 1 || b.ndim() < 1) throw py::value_error("extension elements need a last axis of size 4");
    U32Array x = checked_field_array(a, "a", int(a.ndim()), 4);
    U32Array y = checked_field_array(b, "b", int(b.ndim()), 4);
    if (x.size() != y.size()) throw py::value_error("a and b must have the same shape");
    U32Array out(std::vector<py::ssize_t>(x.shape(), x.shape() + x.ndim()));
    for (py::ssize_t i = 0; i < x.size(); i += 4)
        ef_store(out.mutable_data() + i, op(ef_load(x.data() + i), ef_load(y.data() + i)));
    return out;
}

template <class Op>
U32Array ext_unary(const py::array& a, Op op) {
    if (a.ndim() < 1) throw py::value_error("extension elements need a last axis of size 4");
    U32Array x = checked_field_array(a, "a", int(a.ndim()), 4);
    U32Array out(std::vector<py::ssize_t>(x.shape(), x.shape() + x.ndim()));
    for (py::ssize_t i = 0; i < x.size(); i += 4) ef_store(out.mutable_data() + i, op(ef_load(x.data() + i)));
    return out;
}

}  // namespace

void bind_field(py::module_& m) {
    m.def("fp_add", [](const py::array& a, const py::array& b) { return base_binary(a, b, fp_add); });
    m.def("fp_sub", [](const py::array& a, const py::array& b) { return base_binary(a, b, fp_sub); });
    m.def("fp_mul", [](const py::array& a, const py::array& b) { return base_binary(a, b, fp_mul); });
    m.def("fp_neg", [](const py::array& a) { return base_unary(a, fp_neg); });
    m.def("fp_inv", [](const py::array& a) { return base_unary(a, fp_inv); });
    m.def("fp_pow", [](const py::array& a, uint64_t e) { return base_unary(a, [e](Fp x) { return fp_pow(x, e); }); });
    m.def("ef_add", [](const py::array& a, const py::array& b) { return ext_binary(a, b, ef_add); });
    m.def("ef_sub", [](const py::array& a, const py::array& b) { return ext_binary(a, b, ef_sub); });
    m.def("ef_mul", [](const py::array& a, const py::array& b) { return ext_binary(a, b, ef_mul); });
    m.def("ef_neg", [](const py::array& a) { return ext_unary(a, ef_neg); });
    m.def("ef_inv", [](const py::array& a) { return ext_unary(a, ef_inv); });
    m.def("ef_pow", [](const py::array& a, uint64_t e) { return ext_unary(a, [e](Ef x) { return ef_pow(x, e); }); });
    m.def("two_adic_generator", [](uint32_t log_order) {
        if (log_order > GS_TWO_ADICITY)
            throw py::value_error("two_adic_generator: log_order must be <= 27, found " + std::to_string(log_order));
        return fp_to_canonical(fp_two_adic_generator(log_order));
    });
}

}  // namespace gpustark
