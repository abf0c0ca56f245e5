// The RAP-constraints phase and the AIR program it evaluates.
#include <pybind11/stl.h>

#include "../core/backend.h"
#include "../prover/constraint_check.h"
#include "../prover/rap.h"
#include "../core/dag_program.h"
#include "../core/dag_source.h"
#include "arrays.h"
#include "bindings.h"
#include "ef_arrays.h"

namespace gpustark {
namespace {

AirProgram make_air_program(const std::string& name, uint32_t width, bool need_rot, const py::array& nodes,
                            const std::vector<uint32_t>& constraints,
                            const std::vector<std::tuple<uint32_t, uint32_t, std::vector<uint32_t>>>& interactions,
                            size_t num_public_values) {
    AirProgram air;
    air.name = name;
    air.width = width;
    air.need_rot = need_rot;
    U32Array table = U32Array::ensure(nodes);
    if (!table || table.ndim() != 2 || table.shape(1) != 4)
        throw py::value_error("AIR '" + name + "': nodes must be a uint32 array of shape (num_nodes, 4)");
    for (py::ssize_t i = 0; i < table.shape(0); ++i) {
        const uint32_t* row = table.data() + 4 * i;
        air.nodes.push_back({row[0], row[1], row[2], row[3]});
    }
    air.constraints = constraints;
    for (const auto& [bus, count, message] : interactions) air.interactions.push_back({bus, count, message});
    air.num_public_values = num_public_values;
    air.validate();
    return air;
}

py::dict gkr_proof_to_dict(const GkrProofData& data) {
    py::dict gkr;
    gkr["logup_pow_witness"] = data.logup_pow_witness;
    gkr["q0_claim"] = ef_to_array(data.q0_claim);
    gkr["claims_per_layer"] = ef_rows_to_array(data.claims_per_layer);
    py::list polys;
    for (const auto& layer : data.sumcheck_polys) polys.append(ef_rows_to_array(layer));
    gkr["sumcheck_polys"] = polys;
    return gkr;
}

py::dict batch_proof_to_dict(const BatchProofData& data) {
    py::dict batch;
    batch["numerator_term_per_air"] = ef_vector_to_array(data.numerator_term_per_air);
    batch["denominator_term_per_air"] = ef_vector_to_array(data.denominator_term_per_air);
    batch["univariate_round_coeffs"] = ef_vector_to_array(data.univariate_round_coeffs);
    size_t rounds = data.sumcheck_round_polys.size();
    size_t per_round = rounds ? data.sumcheck_round_polys[0].size() : 0;
    U32Array round_polys({py::ssize_t(rounds), py::ssize_t(per_round), py::ssize_t(4)});
    for (size_t i = 0; i < rounds; ++i)
        for (size_t k = 0; k < per_round; ++k) ef_store(round_polys.mutable_data() + 4 * (i * per_round + k), data.sumcheck_round_polys[i][k]);
    batch["sumcheck_round_polys"] = round_polys;
    py::list openings;
    for (const EfVec& per_trace : data.column_openings) {
        py::list parts;
        parts.append(ef_vector_to_array(per_trace));  // the common main part
        openings.append(parts);
    }
    batch["column_openings"] = openings;
    return batch;
}

// The present traces of one RAP call, checked; keep_alive holds the numpy arrays they point into.
struct RapInputs {
    std::vector<U32Array> keep_alive;
    std::vector<RapTrace> traces;
};
using TraceTuples = std::vector<std::tuple<const AirProgram*, py::array, std::vector<uint32_t>>>;

RapInputs parse_traces(const TraceTuples& inputs, bool range_checked) {
    if (inputs.empty()) throw py::value_error("traces: expected at least one trace, found none");
    RapInputs out;
    uint32_t previous_log_height = 64;
    for (const auto& [air, values, publics] : inputs) {
        if (air == nullptr) throw py::value_error("traces: an AIR program is None");
        U32Array trace = checked_field_array(values, "trace", 2, -1, !range_checked);
        size_t height = trace.shape(0);
        if (height == 0 || (height & (height - 1)))
            throw py::value_error("trace of AIR '" + air->name + "': height must be a power of two, found " + std::to_string(height));
        if (size_t(trace.shape(1)) != air->width)
            throw py::value_error("trace of AIR '" + air->name + "' has width " + std::to_string(trace.shape(1)) +
                                  ", expected " + std::to_string(air->width));
        RapTrace t;
        t.air = air;
        t.values = trace.data();
        while ((size_t(1) << t.log_height) < height) ++t.log_height;
        if (t.log_height > previous_log_height) throw py::value_error("traces must be sorted by descending height");
        previous_log_height = t.log_height;
        if (publics.size() != air->num_public_values)
            throw py::value_error("AIR '" + air->name + "' expects " + std::to_string(air->num_public_values) +
                                  " public values, found " + std::to_string(publics.size()));
        for (uint32_t v : publics) {
            if (v >= GS_P) throw py::value_error("AIR '" + air->name + "': public values must be < p");
            t.publics.push_back(fp_from_canonical(v));
        }
        out.keep_alive.push_back(trace);
        out.traces.push_back(std::move(t));
    }
    return out;
}

RapParams rap_params(uint32_t l_skip, uint32_t logup_pow_bits, uint32_t max_constraint_degree, uint64_t mle_memory_limit,
                     uint64_t mle_memory_cap) {
    if (mle_memory_limit == 0 || mle_memory_limit > mle_memory_cap)
        throw py::value_error("mle_memory_limit must be in (0, mle_memory_cap]");
    if (l_skip < 1) throw py::value_error("l_skip must be at least 1");
    if (max_constraint_degree < 1) throw py::value_error("max_constraint_degree must be at least 1");
    return {l_skip, logup_pow_bits, max_constraint_degree, mle_memory_limit, mle_memory_cap};
}

Ef ef_scalar(const py::array& value, const char* name) {
    EfVec v = array_to_ef_vector(value, name);
    if (v.size() != 1) throw py::value_error(std::string(name) + ": expected one extension element (4 limbs)");
    return v[0];
}

}  // namespace

void bind_rap(py::module_& m) {
    py::class_<AirProgram>(m, "AirProgram")
        .def(py::init(&make_air_program), py::arg("name"), py::arg("width"), py::arg("need_rot"), py::arg("nodes"),
             py::arg("constraints"), py::arg("interactions"), py::arg("num_public_values"))
        .def_readonly("name", &AirProgram::name)
        .def_readonly("width", &AirProgram::width)
        .def_readonly("need_rot", &AirProgram::need_rot)
        // The device program's size (core/dag_program.h), for kernel tuning: what a thread evaluates.
        .def("dag_stats", [](const AirProgram& air, bool short_groups) {
            const std::shared_ptr<const DagProgram> p =
                compiled_dag(air, short_groups ? DagGrouping::Short : DagGrouping::Long);
            py::dict out;
            out["nodes"] = air.nodes.size();
            out["instructions"] = p->instructions();
            out["groups"] = p->groups.size();
            out["slots"] = p->slots;
            // A lane runs one group: the longest group bounds a round's latency.
            py::list counts;
            for (const DagGroup& g : p->groups) counts.append(g.count);
            out["group_instructions"] = counts;
            return out;
        }, py::arg("short_groups") = false)
        // The device program as source code (core/dag_source.h): what a GPU compiles for this AIR.
        .def_property_readonly("dag_source", [](const AirProgram& air) {
            const std::shared_ptr<const DagProgram> p = compiled_dag(air);
            return dag_program_source(*p, 0, p->groups.size());
        });

    // The first (constraint position, row) where the trace fails, or None.
    m.def("first_unsatisfied", [](const AirProgram& air, const py::array& values, const std::vector<uint32_t>& publics) {
        U32Array trace = checked_field_array(values, "trace", 2);
        if (size_t(trace.shape(1)) != air.width || trace.shape(0) == 0)
            throw py::value_error("trace of AIR '" + air.name + "' has shape " + std::to_string(trace.shape(0)) + "x" +
                                  std::to_string(trace.shape(1)) + ", expected width " + std::to_string(air.width));
        if (publics.size() != air.num_public_values) throw py::value_error("AIR '" + air.name + "': wrong number of public values");
        std::vector<Fp> pvs;
        for (uint32_t v : publics) {
            if (v >= GS_P) throw py::value_error("public values must be < p");
            pvs.push_back(fp_from_canonical(v));
        }
        std::optional<std::pair<size_t, size_t>> bad;
        {
            py::gil_scoped_release release;
            bad = first_unsatisfied(air, trace.data(), trace.shape(0), pvs);
        }
        return bad ? py::object(py::make_tuple(bad->first, bad->second)) : py::object(py::none());
    });

    // The LogUp-GKR input layer a phase built: leaves p, q as (n, 4) arrays (read back from where
    // the backend made them).
    py::class_<LogUpInput>(m, "LogUpInput")
        .def_property_readonly("p", [](const LogUpInput& in) { return ef_values_to_array(in.p.data(), in.p.size()); })
        .def_property_readonly("q", [](const LogUpInput& in) { return ef_values_to_array(in.q.data(), in.q.size()); })
        .def_property_readonly("n_logup", [](const LogUpInput& in) { return in.n_logup; })
        .def_property_readonly("slot_offsets", [](const LogUpInput& in) { return in.slot_offsets; })
        .def_property_readonly("alpha", [](const LogUpInput& in) { return ef_to_array(in.alpha); })
        .def_property_readonly("beta", [](const LogUpInput& in) { return ef_to_array(in.beta); });

    // traces: [(AirProgram, trace (h, w) uint32, public values)], already in sorted order.
    // Steps 4-7: {"gkr": GkrProof fields, "alpha", "beta", "xi", "input": LogUpInput}.
    m.def("prove_logup_gkr",
          [](Transcript& transcript, const TraceTuples& inputs, uint32_t l_skip, uint32_t logup_pow_bits,
             const std::string& backend, bool range_checked) {
              RapParams params = rap_params(l_skip, logup_pow_bits, 1, 1, 1);
              RapInputs parsed = parse_traces(inputs, range_checked);
              Backend& b = get_backend(backend);
              LogUpGkrData data;
              {
                  py::gil_scoped_release release;
                  data = prove_logup_gkr(transcript, parsed.traces, params, b, /*read_leaves=*/true);
              }
              py::dict out;
              out["gkr"] = gkr_proof_to_dict(data.proof);
              out["alpha"] = ef_to_array(data.input.alpha);
              out["beta"] = ef_to_array(data.input.beta);
              out["xi"] = ef_vector_to_array(data.xi);
              out["input"] = py::cast(std::move(data.input));
              return out;
          },
          py::arg("transcript"), py::arg("traces"), py::arg("l_skip"), py::arg("logup_pow_bits"), py::arg("backend"),
          py::arg("range_checked") = false);

    // Steps 8-14 from xi (n, 4), alpha and beta (4,): {"batch": BatchConstraintProof fields, "lambda",
    // "mu", "r"}. logup_input: the layer prove_logup_gkr built from alpha and beta, or None: its
    // layout is made from the traces.
    m.def("prove_batch_constraints",
          [](Transcript& transcript, const TraceTuples& inputs, const py::array& xi_array, const py::array& alpha_array,
             const py::array& beta_array, uint32_t l_skip, uint32_t max_constraint_degree, const std::string& backend,
             uint64_t mle_memory_limit, uint64_t mle_memory_cap, const LogUpInput* logup_input, bool range_checked) {
              RapParams params = rap_params(l_skip, 0, max_constraint_degree, mle_memory_limit, mle_memory_cap);
              RapInputs parsed = parse_traces(inputs, range_checked);
              EfVec xi = array_to_ef_vector(xi_array, "xi");
              Ef alpha = ef_scalar(alpha_array, "alpha"), beta = ef_scalar(beta_array, "beta");
              if (logup_input && !(ef_eq(logup_input->alpha, alpha) && ef_eq(logup_input->beta, beta)))
                  throw py::value_error("logup_input: built from another alpha or beta than the ones given");
              Backend& b = get_backend(backend);
              BatchProofData proof;
              BatchChallenges challenges;
              {
                  py::gil_scoped_release release;
                  // The batch phase reads only the layer's layout (its slot offsets): no leaves.
                  LogUpInput rebuilt;
                  if (!logup_input) {
                      rebuilt = logup_layout(parsed.traces, l_skip);
                      rebuilt.alpha = alpha;
                      rebuilt.beta = beta;
                  }
                  challenges = prove_batch_phase(transcript, parsed.traces, logup_input ? *logup_input : rebuilt, xi,
                                                 params, b, proof);
              }
              py::dict out;
              out["batch"] = batch_proof_to_dict(proof);
              out["lambda"] = ef_to_array(challenges.lambda);
              out["mu"] = ef_to_array(challenges.mu);
              out["r"] = ef_vector_to_array(challenges.r);
              return out;
          },
          py::arg("transcript"), py::arg("traces"), py::arg("xi"), py::arg("alpha"), py::arg("beta"), py::arg("l_skip"),
          py::arg("max_constraint_degree"), py::arg("backend"), py::arg("mle_memory_limit") = uint64_t(1) << 30,
          py::arg("mle_memory_cap") = uint64_t(5) << 30, py::arg("logup_input") = nullptr,
          py::arg("range_checked") = false);

    // Both phases in one call (steps 4-14): {"gkr", "batch", "r"}.
    m.def("prove_rap_constraints",
          [](Transcript& transcript, const TraceTuples& inputs, uint32_t l_skip, uint32_t logup_pow_bits,
             uint32_t max_constraint_degree, const std::string& backend, uint64_t mle_memory_limit, uint64_t mle_memory_cap,
             bool range_checked) {
              RapParams params = rap_params(l_skip, logup_pow_bits, max_constraint_degree, mle_memory_limit, mle_memory_cap);
              RapInputs parsed = parse_traces(inputs, range_checked);
              Backend& b = get_backend(backend);
              RapProofData data;
              {
                  py::gil_scoped_release release;
                  data = prove_rap_constraints(transcript, parsed.traces, params, b);
              }
              py::dict out;
              out["gkr"] = gkr_proof_to_dict(data.gkr);
              out["batch"] = batch_proof_to_dict(data.batch);
              out["r"] = ef_vector_to_array(data.r);
              return out;
          },
          py::arg("transcript"), py::arg("traces"), py::arg("l_skip"), py::arg("logup_pow_bits"),
          py::arg("max_constraint_degree"), py::arg("backend"), py::arg("mle_memory_limit") = uint64_t(1) << 30,
          py::arg("mle_memory_cap") = uint64_t(5) << 30, py::arg("range_checked") = false);
}

}  // namespace gpustark
