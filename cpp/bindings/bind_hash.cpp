#include <pybind11/stl.h>

#include "../core/backend.h"
#include "../kernels/hash/poseidon2_constants.h"
#include "../kernels/field/babybear.h"
#include "arrays.h"
#include "bindings.h"

namespace gpustark {

static std::vector<uint32_t> canonical_table(const uint32_t* table, size_t n) {
    std::vector<uint32_t> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = fp_to_canonical(fp_raw(table[i]));
    return out;
}

void bind_hash(py::module_& m) {
    m.def("poseidon2_permute", [](const py::array& states, const std::string& backend) {
        U32Array in = checked_field_array(states, "states", 2, 16);
        Backend& b = get_backend(backend);
        U32Array out = new_matrix(in.shape(0), 16);
        std::copy(in.data(), in.data() + in.size(), out.mutable_data());
        py::gil_scoped_release release;
        b.poseidon2_permute(out.mutable_data(), in.shape(0));
        return out;
    });
    m.def("hash_rows", [](const py::array& matrix, const std::string& backend) {
        U32Array in = checked_field_array(matrix, "matrix", 2);
        Backend& b = get_backend(backend);
        U32Array out = new_matrix(in.shape(0), 8);
        {
            py::gil_scoped_release release;
            b.hash_rows(in.data(), in.shape(0), uint32_t(in.shape(1)), out.mutable_data());
        }
        return out;
    });
    m.def("compress", [](const py::array& left, const py::array& right, const std::string& backend) {
        U32Array l = checked_field_array(left, "left", 2, 8);
        U32Array r = checked_field_array(right, "right", 2, 8);
        if (l.shape(0) != r.shape(0)) throw py::value_error("left and right must have the same number of digests");
        Backend& b = get_backend(backend);
        U32Array out = new_matrix(l.shape(0), 8);
        {
            py::gil_scoped_release release;
            b.compress(l.data(), r.data(), l.shape(0), out.mutable_data());
        }
        return out;
    });
    m.def("poseidon2_constants", [] {
        py::dict d;
        d["ei"] = canonical_table(GS_P2_EXTERNAL_INITIAL, 64);
        d["ef"] = canonical_table(GS_P2_EXTERNAL_FINAL, 64);
        d["ii"] = canonical_table(GS_P2_INTERNAL, 13);
        d["internal_diag"] = canonical_table(GS_P2_INTERNAL_DIAG, 16);
        return d;
    });
}

}  // namespace gpustark
