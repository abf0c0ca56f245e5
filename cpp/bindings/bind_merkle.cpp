#include <pybind11/stl.h>

#include "../core/backend.h"
#include "arrays.h"
#include "bindings.h"

namespace gpustark {

void bind_merkle(py::module_& m) {
    py::class_<MerkleTree>(m, "MerkleTree")
        .def(py::init([](const py::array& matrix, uint32_t log_group, const std::string& backend) {
                 U32Array in = checked_field_array(matrix, "matrix", 2);
                 size_t rows = in.shape(0);
                 if (rows == 0 || (rows & (rows - 1)) != 0)
                     throw py::value_error("matrix: expected a power-of-two number of rows, found " + std::to_string(rows));
                 if ((size_t(1) << log_group) > rows)
                     throw py::value_error("log_group: 2^" + std::to_string(log_group) + " rows per query exceeds the " +
                                           std::to_string(rows) + " rows of the matrix");
                 Backend& b = get_backend(backend);
                 py::gil_scoped_release release;
                 return b.merkle_tree(in.data(), rows, uint32_t(in.shape(1)), log_group);
             }),
             py::arg("matrix"), py::arg("log_group"), py::arg("backend"))
        .def_property_readonly("root", [](const MerkleTree& t) { return vector_to_array(t.root(), 1, 8).attr("reshape")(8); })
        .def_property_readonly("rows", [](const MerkleTree& t) { return t.rows; })
        .def_property_readonly("width", [](const MerkleTree& t) { return t.width; })
        .def_property_readonly("log_group", [](const MerkleTree& t) { return t.log_group; })
        .def_property_readonly("num_queries", &MerkleTree::num_queries)
        .def_property_readonly("levels", [](const MerkleTree& t) {
            py::list out;
            for (uint32_t k = 0; k < t.num_levels(); ++k) {
                const std::vector<uint32_t> level = t.level(k);
                out.append(vector_to_array(level, level.size() / 8, 8));
            }
            return out;
        })
        .def("open", [](const MerkleTree& t, size_t query) {
            if (query >= t.num_queries())
                throw py::value_error("query: expected an index < " + std::to_string(t.num_queries()) + ", found " +
                                      std::to_string(query));
            MerkleOpening o = t.open(query);
            return py::make_tuple(vector_to_array(o.rows, size_t(1) << t.log_group, t.width),
                                  vector_to_array(o.path, o.path.size() / 8, 8));
        });

    m.def("merkle_verify", [](const py::array& root, size_t rows, uint32_t width, uint32_t log_group, size_t query,
                              const py::array& opened_rows, const py::array& path) {
        U32Array r = checked_field_array(root, "root", 1, 8);
        U32Array o = checked_field_array(opened_rows, "opened_rows", 2);
        U32Array pa = checked_field_array(path, "path", 2, 8);
        MerkleOpening opening{std::vector<uint32_t>(o.data(), o.data() + o.size()),
                              std::vector<uint32_t>(pa.data(), pa.data() + pa.size())};
        if (log_group >= 64) return false;
        return merkle_verify(Digest(r.data(), r.data() + 8), rows, width, log_group, query, opening);
    });
}

}  // namespace gpustark
