// The stacked PCS phases: commitment, column openings, the stacked reduction and WHIR.
// std::invalid_argument from the prover surfaces as ValueError (pybind11's translation).
// Representation (shared with the proof codec): an EF scalar is a (4,) uint32 array, Vec<EF> is
// (n, 4), Vec<[EF; 2]> is (n, 2, 4), a digest is (8,), a base-field scalar is a Python int.
#include <pybind11/stl.h>

#include <cstring>

#include "../core/backend.h"
#include "../core/transcript.h"
#include "../prover/ple.h"
#include "../prover/stacked_pcs.h"
#include "../prover/stacked_reduction.h"
#include "../prover/whir.h"
#include "arrays.h"
#include "bindings.h"
#include "ef_arrays.h"

namespace gpustark {
namespace {

U32Array new_array(std::vector<py::ssize_t> shape) { return U32Array(shape); }

U32Array ef_vec_array(const EfVec& v) {
    U32Array out = new_array({py::ssize_t(v.size()), 4});
    for (size_t i = 0; i < v.size(); ++i) ef_store(out.mutable_data() + 4 * i, v[i]);
    return out;
}

U32Array ef_pairs_array(const std::vector<EfPair>& v) {
    U32Array out = new_array({py::ssize_t(v.size()), 2, 4});
    for (size_t i = 0; i < v.size(); ++i) {
        ef_store(out.mutable_data() + 8 * i, v[i][0]);
        ef_store(out.mutable_data() + 8 * i + 4, v[i][1]);
    }
    return out;
}

U32Array flat_array(const std::vector<uint32_t>& v, std::vector<py::ssize_t> shape) {
    U32Array out = new_array(shape);
    if (size_t(out.size()) != v.size()) throw std::logic_error("flat_array: size mismatch");
    if (!v.empty()) std::memcpy(out.mutable_data(), v.data(), v.size() * sizeof(uint32_t));
    return out;
}

py::list layout_slots(const StackedLayout& layout) {
    py::list slots;
    for (const StackedSlot& s : layout.slots)
        slots.append(py::make_tuple(s.matrix, s.column, s.stacked_col, s.row_idx, s.log_h));
    return slots;
}

std::vector<const StackedPcsData*> commit_list(const py::list& commits) {
    std::vector<const StackedPcsData*> out;
    for (const py::handle& h : commits) out.push_back(&h.cast<const StackedPcsData&>());
    return out;
}

}  // namespace

void bind_pcs(py::module_& m) {
    m.def("stacked_layout", [](uint32_t l_skip, uint32_t log_stacked_height,
                               const std::vector<std::pair<uint32_t, uint32_t>>& matrices) {
        StackedLayout layout = stacked_layout(l_skip, log_stacked_height, matrices);
        return py::make_tuple(layout_slots(layout), layout.width);
    });

    py::class_<StackedPcsData>(m, "StackedPcsData")
        .def_property_readonly("root", [](const StackedPcsData& d) { return flat_array(d.root(), {8}); })
        .def_property_readonly("layout", [](const StackedPcsData& d) { return layout_slots(d.layout); })
        .def_property_readonly("width", &StackedPcsData::width)
        .def_property_readonly("num_matrices", [](const StackedPcsData& d) { return d.layout.num_matrices; })
        .def_property_readonly("l_skip", [](const StackedPcsData& d) { return d.l_skip; })
        .def_property_readonly("n_stack", [](const StackedPcsData& d) { return d.n_stack; })
        .def_property_readonly("log_blowup", [](const StackedPcsData& d) { return d.log_blowup; })
        .def_property_readonly("k", [](const StackedPcsData& d) { return d.k; })
        .def_property_readonly("log_stacked_height", &StackedPcsData::log_stacked_height)
        .def_property_readonly("matrix", [](const StackedPcsData& d) {
            return flat_array(d.matrix(), {py::ssize_t(d.height()), py::ssize_t(d.width())});
        })
        .def_property_readonly("message", [](const StackedPcsData& d) {
            return flat_array(d.message(), {py::ssize_t(d.height()), py::ssize_t(d.width())});
        })
        .def_property_readonly("codeword", [](const StackedPcsData& d) {
            return flat_array(d.codeword(), {py::ssize_t(d.tree.rows), py::ssize_t(d.width())});
        })
        .def("open", [](const StackedPcsData& d, size_t query) {
            if (query >= d.tree.num_queries()) throw py::value_error("query index out of range");
            MerkleOpening o = d.tree.open(query);
            return py::make_tuple(flat_array(o.rows, {py::ssize_t(1) << d.k, py::ssize_t(d.width())}),
                                  flat_array(o.path, {py::ssize_t(o.path.size() / 8), 8}));
        });

    // range_checked: the caller has checked every value is < p (the prover, before its timed span).
    m.def("stacked_commit", [](const py::list& matrices, uint32_t l_skip, uint32_t n_stack, uint32_t log_blowup,
                               uint32_t k, const std::string& backend, bool range_checked) {
        std::vector<U32Array> arrays;
        std::vector<TraceView> views;
        for (const py::handle& h : matrices) {
            arrays.push_back(checked_field_array(h.cast<py::array>(), "matrix", 2, -1, !range_checked));
            const U32Array& a = arrays.back();
            views.push_back(TraceView{a.data(), size_t(a.shape(0)), uint32_t(a.shape(1))});
        }
        Backend& b = get_backend(backend);
        py::gil_scoped_release release;
        return stacked_commit(views, l_skip, n_stack, log_blowup, k, b);
    }, py::arg("matrices"), py::arg("l_skip"), py::arg("n_stack"), py::arg("log_blowup"), py::arg("k"),
       py::arg("backend"), py::arg("range_checked") = false);

    // The proof's traces kept on the backend's device until release_traces (Backend::hold_traces).
    // The arrays must be used in place (uint32, C-contiguous) and stay alive and unchanged.
    m.def("hold_traces", [](const py::list& matrices, const std::string& backend) {
        std::vector<TraceView> views;
        for (const py::handle& h : matrices) {
            const py::array a = h.cast<py::array>();
            // equal, not is: an unpickled array (Ray, multiprocessing) has its own dtype object.
            if (!a.dtype().equal(py::dtype::of<uint32_t>()) || a.ndim() != 2 ||
                !(a.flags() & py::array::c_style))
                throw py::value_error("hold_traces: expected C-contiguous 2-d uint32 arrays, found dtype " +
                                      std::string(py::str(a.dtype())) + " with " + std::to_string(a.ndim()) + " axes");
            views.push_back(TraceView{static_cast<const uint32_t*>(a.data()), size_t(a.shape(0)), uint32_t(a.shape(1))});
        }
        Backend& b = get_backend(backend);
        py::gil_scoped_release release;
        b.hold_traces(views);
    });
    // An empty (height, width) uint32 trace in the backend's trace memory (Backend::trace_host_memory),
    // or None where the backend has none; the array keeps the memory alive.
    m.def("trace_host_array", [](size_t height, size_t width, const std::string& backend) -> py::object {
        if (width != 0 && height > (size_t(1) << 62) / sizeof(uint32_t) / width)
            throw py::value_error("trace_host_array: " + std::to_string(height) + " x " + std::to_string(width) +
                                  " words is too large");
        std::shared_ptr<void> memory;
        {
            Backend& b = get_backend(backend);
            py::gil_scoped_release release;
            memory = b.trace_host_memory(height * width * sizeof(uint32_t));
        }
        if (!memory) return py::none();
        void* data = memory.get();
        py::capsule owner(new std::shared_ptr<void>(std::move(memory)),
                          [](void* p) { delete static_cast<std::shared_ptr<void>*>(p); });
        return py::array_t<uint32_t>({height, width}, static_cast<uint32_t*>(data), owner);
    });
    m.def("release_traces", [](const std::string& backend) {
        Backend& b = get_backend(backend);
        py::gil_scoped_release release;
        b.release_traces();
    });

    m.def("column_openings", [](const py::array& matrix, const py::array& r, uint32_t l_skip, bool need_rot) {
        U32Array t = checked_field_array(matrix, "matrix", 2);
        EfVec point = array_to_ef_vector(r, "r");
        std::vector<EfPair> out;
        {
            py::gil_scoped_release release;
            out = column_openings(t.data(), t.shape(0), uint32_t(t.shape(1)), point, l_skip, need_rot);
        }
        return ef_pairs_array(out);
    });

    m.def("u_cube", [](const py::array& u, uint32_t l_skip) {
        return ef_vec_array(u_cube_from_u(array_to_ef_vector(u, "u"), l_skip));
    });

    m.def("prove_stacked_reduction", [](Transcript& transcript, const py::list& commits, const py::array& r,
                                        const std::vector<std::vector<bool>>& need_rot, uint32_t l_skip, uint32_t n_stack,
                                        const std::string& backend) {
        std::vector<const StackedPcsData*> data = commit_list(commits);
        EfVec point = array_to_ef_vector(r, "r");
        Backend& b = get_backend(backend);
        StackedReductionOutput out;
        {
            py::gil_scoped_release release;
            out = prove_stacked_reduction(transcript, data, point, need_rot, l_skip, n_stack, b);
        }
        py::dict proof;
        proof["univariate_round_coeffs"] = ef_vec_array(out.proof.univariate_round_coeffs);
        proof["sumcheck_round_polys"] = ef_pairs_array(out.proof.sumcheck_round_polys);
        py::list openings;
        for (const EfVec& v : out.proof.stacking_openings) openings.append(ef_vec_array(v));
        proof["stacking_openings"] = openings;
        return py::make_tuple(proof, ef_vec_array(out.u));
    });

    m.def("prove_whir", [](Transcript& transcript, const py::list& commits, const py::array& u_cube, uint32_t k,
                           const std::vector<uint32_t>& num_queries, uint32_t mu_pow_bits, uint32_t folding_pow_bits,
                           uint32_t query_phase_pow_bits, const std::string& backend) {
        std::vector<const StackedPcsData*> data = commit_list(commits);
        EfVec point = array_to_ef_vector(u_cube, "u_cube");
        WhirParams params{k, num_queries, mu_pow_bits, folding_pow_bits, query_phase_pow_bits};
        Backend& b = get_backend(backend);
        WhirProof p;
        {
            py::gil_scoped_release release;
            p = prove_whir(transcript, data, point, params, b);
        }
        const py::ssize_t group = py::ssize_t(1) << k;
        const uint32_t log_rows = data[0]->log_stacked_height() + data[0]->log_blowup;
        py::dict out;
        out["mu_pow_witness"] = p.mu_pow_witness;
        out["whir_sumcheck_polys"] = ef_pairs_array(p.whir_sumcheck_polys);
        py::list commits_out, rows_out, proofs_out, values_out, cw_proofs_out;
        for (const Digest& d : p.codeword_commits) commits_out.append(flat_array(d, {8}));
        out["codeword_commits"] = commits_out;
        out["ood_values"] = ef_vec_array(p.ood_values);
        out["folding_pow_witnesses"] = py::cast(p.folding_pow_witnesses);
        out["query_phase_pow_witnesses"] = py::cast(p.query_phase_pow_witnesses);
        const py::ssize_t q0 = num_queries[0];
        for (size_t ci = 0; ci < data.size(); ++ci) {
            rows_out.append(flat_array(p.initial_round_opened_rows[ci], {q0, group, py::ssize_t(data[ci]->width())}));
            proofs_out.append(flat_array(p.initial_round_merkle_proofs[ci], {q0, py::ssize_t(log_rows - k), 8}));
        }
        out["initial_round_opened_rows"] = rows_out;
        out["initial_round_merkle_proofs"] = proofs_out;
        for (size_t i = 0; i < p.codeword_opened_values.size(); ++i) {
            const py::ssize_t q = num_queries[i + 1];
            values_out.append(flat_array(p.codeword_opened_values[i], {q, group, 4}));
            cw_proofs_out.append(flat_array(p.codeword_merkle_proofs[i], {q, py::ssize_t(log_rows - k - (i + 1)), 8}));
        }
        out["codeword_opened_values"] = values_out;
        out["codeword_merkle_proofs"] = cw_proofs_out;
        out["final_poly"] = ef_vec_array(p.final_poly);
        return out;
    });
}

}  // namespace gpustark
