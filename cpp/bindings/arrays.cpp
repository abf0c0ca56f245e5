#include "arrays.h"

#include <cstring>

#include "../kernels/field/babybear.h"

namespace gpustark {

static std::string shape_string(const py::array& a) {
    std::string s = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
    return s + (a.ndim() == 1 ? ",)" : ")");
}

U32Array checked_field_array(const py::array& a, const char* name, int ndim, long last_dim) {
    if (!py::isinstance<U32Array>(a) && !a.dtype().is(py::dtype::of<uint32_t>()))
        throw py::value_error(std::string(name) + ": expected dtype uint32, found " + std::string(py::str(a.dtype())));
    if (a.ndim() != ndim)
        throw py::value_error(std::string(name) + ": expected a " + std::to_string(ndim) + "-d array, found shape " +
                              shape_string(a));
    if (last_dim >= 0 && a.shape(ndim - 1) != last_dim)
        throw py::value_error(std::string(name) + ": expected last axis of size " + std::to_string(last_dim) +
                              ", found shape " + shape_string(a));
    U32Array out = U32Array::ensure(a);  // a contiguous copy only if `a` was strided
    const uint32_t* v = out.data();
    for (py::ssize_t i = 0; i < out.size(); ++i)
        if (v[i] >= GS_P)
            throw py::value_error(std::string(name) + ": values must be canonical field elements < p = 2013265921, found " +
                                  std::to_string(v[i]) + " at flat index " + std::to_string(i));
    return out;
}

U32Array new_matrix(size_t rows, size_t cols) {
    return U32Array({py::ssize_t(rows), py::ssize_t(cols)});
}

U32Array vector_to_array(const std::vector<uint32_t>& values, size_t rows, size_t cols) {
    U32Array out = new_matrix(rows, cols);
    if (!values.empty()) std::memcpy(out.mutable_data(), values.data(), values.size() * sizeof(uint32_t));
    return out;
}

}  // namespace gpustark
