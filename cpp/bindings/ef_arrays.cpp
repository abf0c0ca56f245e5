#include "ef_arrays.h"

namespace gpustark {

U32Array ef_values_to_array(const Ef* values, size_t n) {
    U32Array out({py::ssize_t(n), py::ssize_t(4)});
    for (size_t i = 0; i < n; ++i) ef_store(out.mutable_data() + 4 * i, values[i]);
    return out;
}

U32Array ef_vector_to_array(const EfVec& values) { return ef_values_to_array(values.data(), values.size()); }

U32Array ef_to_array(Ef value) {
    U32Array out(py::ssize_t(4));
    ef_store(out.mutable_data(), value);
    return out;
}

EfVec array_to_ef_vector(const py::array& values, const char* name) {
    U32Array a = checked_field_array(values, name, 2, 4);
    EfVec out(a.shape(0));
    for (size_t i = 0; i < out.size(); ++i) out[i] = ef_load(a.data() + 4 * i);
    return out;
}

}  // namespace gpustark
