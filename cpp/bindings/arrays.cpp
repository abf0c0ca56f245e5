#include "arrays.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "../core/parallel.h"
#include "../kernels/field/babybear.h"

namespace gpustark {

static std::string shape_string(const py::array& a) {
    std::string s = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
    return s + (a.ndim() == 1 ? ",)" : ")");
}

U32Array checked_field_array(const py::array& a, const char* name, int ndim, long last_dim, bool scan_values) {
    if (!py::isinstance<U32Array>(a) && !a.dtype().is(py::dtype::of<uint32_t>()))
        throw py::value_error(std::string(name) + ": expected dtype uint32, found " + std::string(py::str(a.dtype())));
    if (a.ndim() != ndim)
        throw py::value_error(std::string(name) + ": expected a " + std::to_string(ndim) + "-d array, found shape " +
                              shape_string(a));
    if (last_dim >= 0 && a.shape(ndim - 1) != last_dim)
        throw py::value_error(std::string(name) + ": expected last axis of size " + std::to_string(last_dim) +
                              ", found shape " + shape_string(a));
    U32Array out = U32Array::ensure(a);  // a contiguous copy only if `a` was strided
    if (!scan_values) return out;
    const uint32_t* v = out.data();
    const size_t n = size_t(out.size());
    // A trace is often hundreds of MB: scan it in parallel (a branch-free max per piece), then
    // find the first bad value only when there is one.
    std::atomic<bool> bad{false};
    parallel_for(n, size_t(1) << 20, [&](size_t begin, size_t end) {
        uint32_t most = 0;
        for (size_t i = begin; i < end; ++i) most = std::max(most, v[i]);
        if (most >= GS_P) bad = true;
    });
    if (bad)
        for (size_t i = 0; i < n; ++i)
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
