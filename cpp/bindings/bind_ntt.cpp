#include "../core/backend.h"
#include "arrays.h"
#include "bindings.h"

namespace gpustark {

void bind_ntt(py::module_& m) {
    m.def("ntt", [](const py::array& columns, bool inverse, uint32_t shift, const std::string& backend) {
        U32Array in = checked_field_array(columns, "columns", 2);
        size_t n = in.shape(0);
        if (n == 0 || (n & (n - 1)) != 0 || n > (size_t(1) << 27))
            throw py::value_error("columns: expected a power-of-two number of rows <= 2^27, found " + std::to_string(n));
        if (shift == 0 || shift >= GS_P) throw py::value_error("shift must be a nonzero field element");
        NttShape shape;
        while ((size_t(1) << shape.log_n) < n) ++shape.log_n;
        shape.batch = uint32_t(in.shape(1));
        Backend& b = get_backend(backend);
        U32Array out = new_matrix(n, shape.batch);
        std::copy(in.data(), in.data() + in.size(), out.mutable_data());
        if (shape.batch > 0) {
            py::gil_scoped_release release;
            b.ntt(out.mutable_data(), shape, inverse, shift);
        }
        return out;
    });
}

}  // namespace gpustark
