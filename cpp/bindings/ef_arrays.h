// Extension-field values <-> numpy: an EF is 4 canonical limbs on the last axis.
#pragma once
#include <array>
#include <vector>

#include "../prover/ef_poly.h"
#include "arrays.h"

namespace gpustark {

U32Array ef_values_to_array(const Ef* values, size_t n);  // (n, 4)
U32Array ef_vector_to_array(const EfVec& values);          // (n, 4)
U32Array ef_to_array(Ef value);                     // (4,)
EfVec array_to_ef_vector(const py::array& values, const char* name);  // (n, 4) -> EfVec

template <size_t K>
U32Array ef_rows_to_array(const std::vector<std::array<Ef, K>>& rows) {  // (n, K, 4)
    U32Array out({py::ssize_t(rows.size()), py::ssize_t(K), py::ssize_t(4)});
    uint32_t* dst = out.mutable_data();
    for (const auto& row : rows)
        for (Ef v : row) ef_store(dst, v), dst += 4;
    return out;
}

}  // namespace gpustark
