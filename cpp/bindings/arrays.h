// numpy <-> native buffers. The Python layer validates user input with friendly messages; these
// checks are the native module's own guard, so a direct call can never crash or read out of
// bounds: each raises ValueError naming what was expected and what was found.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gpustark {

namespace py = pybind11;
using U32Array = py::array_t<uint32_t, py::array::c_style>;

// A C-contiguous uint32 array with `ndim` dimensions whose values are all < p.
// `last_dim` (if >= 0) is the required size of the last axis. Without `scan_values` the values
// are not read: for a caller that has checked them already (the prover's traces, hundreds of MB).
U32Array checked_field_array(const py::array& a, const char* name, int ndim, long last_dim = -1,
                             bool scan_values = true);

// A fresh (rows, cols) uint32 array.
U32Array new_matrix(size_t rows, size_t cols);
U32Array vector_to_array(const std::vector<uint32_t>& values, size_t rows, size_t cols);

}  // namespace gpustark
