// gpustark._native.verifier: the Python verifier's native fast paths (cpp/verifier/). Protocol
// logic stays in Python (gpustark.verifier), whose loops remain the reference that tests compare
// these against. This file only converts: every array is shape- and range-checked here, so a
// malformed input raises ValueError and never reads out of bounds.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "../verifier/constraint_point.h"
#include "../verifier/gkr_layers.h"
#include "../verifier/merkle_batch.h"
#include "../verifier/stacking_kernels.h"
#include "../verifier/sumcheck_rounds.h"
#include "../verifier/whir_queries.h"
#include "arrays.h"
#include "bindings.h"

namespace gpustark {
namespace {

namespace vm = verifier_math;

std::string dims(const py::array& a) {
    std::string s = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
    return s + ")";
}

// A canonical uint32 array of exactly `shape` (-1: any size on that axis).
U32Array shaped(const py::array& a, const char* name, std::vector<long> shape) {
    U32Array out = checked_field_array(a, name, int(shape.size()));
    for (size_t i = 0; i < shape.size(); ++i)
        if (shape[i] >= 0 && out.shape(py::ssize_t(i)) != shape[i])
            throw py::value_error(std::string(name) + ": unexpected shape " + dims(out));
    return out;
}

Ef load_ef(const py::array& a, const char* name) { return ef_load(shaped(a, name, {4}).data()); }

std::vector<Ef> load_efs(const py::array& a, const char* name, long count = -1) {
    U32Array arr = shaped(a, name, {count, 4});
    std::vector<Ef> out(size_t(arr.shape(0)));
    for (size_t i = 0; i < out.size(); ++i) out[i] = ef_load(arr.data() + 4 * i);
    return out;
}

U32Array store_ef(Ef v) {
    U32Array out(py::ssize_t(4));
    ef_store(out.mutable_data(), v);
    return out;
}

U32Array store_efs(const std::vector<Ef>& values) {
    U32Array out({py::ssize_t(values.size()), py::ssize_t(4)});
    for (size_t i = 0; i < values.size(); ++i) ef_store(out.mutable_data() + 4 * i, values[i]);
    return out;
}

py::tuple air_claims(const AirProgram& air, const py::array& local, const py::array& next, const py::array& selectors,
                     const std::vector<uint32_t>& publics, const py::array& lam, const py::array& beta) {
    const std::vector<Ef> loc = load_efs(local, "local", long(air.width)), nxt = load_efs(next, "next", long(air.width));
    const std::vector<Ef> sel = load_efs(selectors, "selectors", 3);
    if (publics.size() != air.num_public_values)
        throw py::value_error("publics: expected " + std::to_string(air.num_public_values) + " values, found " +
                              std::to_string(publics.size()));
    std::vector<Fp> pub;
    for (uint32_t v : publics) {
        if (v >= GS_P) throw py::value_error("publics: values must be canonical field elements");
        pub.push_back(fp_from_canonical(v));
    }
    // air was validated when it was made (operands, columns and publics in range).
    const vm::AirPointTerms t = vm::air_point_terms(air, loc, nxt, sel.data(), pub, load_ef(lam, "lam"), load_ef(beta, "beta"));
    return py::make_tuple(store_ef(t.constraints), store_efs(t.counts), store_efs(t.denominators));
}

U32Array stacking_kernels(uint32_t l_skip, uint32_t n_stack, const py::array& slots_in, const std::vector<bool>& need_rot,
                          const py::array& u, const py::array& r, const py::array& lam, const py::array& first_power,
                          size_t width) {
    const U32Array slots = U32Array::ensure(slots_in);
    if (!slots || slots.ndim() != 2 || slots.shape(1) != 5)
        throw py::value_error("slots: expected a uint32 array of shape (num_slots, 5)");
    return store_efs(stacking_column_kernels(l_skip, n_stack, slots.data(), size_t(slots.shape(0)), need_rot,
                                             load_efs(u, "u", long(n_stack) + 1), load_efs(r, "r"), load_ef(lam, "lam"),
                                             load_ef(first_power, "first_power"), width));
}

long merkle_first_failure_py(const py::array& root_in, size_t rows, uint32_t width, uint32_t log_group,
                             const std::vector<size_t>& queries, const py::array& opened_in, const py::array& paths_in) {
    if (log_group >= 32) return queries.empty() ? -1 : 0;
    const U32Array root = shaped(root_in, "root", {8});
    const long q = long(queries.size());
    const U32Array opened = shaped(opened_in, "opened", {q, long(1) << log_group, long(width)});
    const U32Array paths = shaped(paths_in, "paths", {q, -1, 8});
    py::gil_scoped_release release;
    return merkle_first_failure(root.data(), rows, width, log_group, queries.data(), queries.size(), opened.data(),
                                paths.data(), size_t(paths.shape(1)));
}

U32Array combine_rows(const py::array& rows_in, const py::array& mu_pows) {
    const U32Array rows = shaped(rows_in, "rows", {-1, -1, -1});
    const std::vector<Ef> combined = vm::combine_rows(rows.data(), size_t(rows.shape(0) * rows.shape(1)),
                                                      load_efs(mu_pows, "mu_pows", long(rows.shape(2))));
    return store_efs(combined).reshape({rows.shape(0), rows.shape(1), py::ssize_t(4)});
}

U32Array whir_fold(const py::array& values_in, const py::array& alphas_in, uint32_t log_rs,
                   const std::vector<uint32_t>& queries) {
    const std::vector<Ef> alphas = load_efs(alphas_in, "alphas");
    if (alphas.size() > 20 || log_rs > GS_TWO_ADICITY) throw py::value_error("whir_fold: k or log_rs out of range");
    const long q = long(queries.size()), group = long(1) << alphas.size();
    std::vector<Ef> values = load_efs(shaped(values_in, "values", {q, group, 4}).reshape({q * group, 4L}), "values");
    return store_efs(vm::fold_queries(values, alphas, log_rs, queries));
}

py::tuple sumcheck_rounds_py(Transcript& transcript, const py::array& claim_in, const py::array& values_in) {
    const U32Array values = shaped(values_in, "values", {-1, -1, 4});
    const size_t d = size_t(values.shape(1));
    if (d == 0 || d > 64) throw py::value_error("values: expected 1..64 values per round");
    std::vector<Ef> challenges;
    const Ef claim = vm::sumcheck_rounds(transcript, load_ef(claim_in, "claim"), values.data(), size_t(values.shape(0)), d,
                                         challenges);
    return py::make_tuple(store_ef(claim), store_efs(challenges));
}

py::tuple whir_folding_rounds_py(Transcript& transcript, const py::array& claim_in, const py::array& polys_in,
                                 uint32_t pow_bits, const std::vector<uint32_t>& witnesses) {
    const U32Array polys = shaped(polys_in, "polys", {long(witnesses.size()), 2, 4});
    if (pow_bits > 30) throw py::value_error("pow_bits: expected at most 30");
    Ef claim = load_ef(claim_in, "claim");
    std::vector<Ef> alphas;
    const long failed = vm::whir_folding_rounds(transcript, claim, polys.data(), pow_bits, witnesses, alphas);
    return py::make_tuple(store_ef(claim), store_efs(alphas), failed);
}

py::tuple gkr_layers_py(Transcript& transcript, const py::array& xi, const py::array& p_claim, const py::array& q_claim,
                        uint32_t num_layers, const py::array& claims_in, const py::array& polys_in) {
    if (num_layers < 1 || num_layers > 64) throw py::value_error("gkr_layers: num_layers out of range");
    const long layers = long(num_layers) - 1, rounds = layers * (layers + 1) / 2;  // sum of j - 1 for j = 2..
    const U32Array claims = shaped(claims_in, "claims", {layers, 4, 4});
    const U32Array polys = shaped(polys_in, "polys", {rounds, 3, 4});
    vm::GkrState s{load_efs(xi, "xi", 1), load_ef(p_claim, "p_claim"), load_ef(q_claim, "q_claim"), {}, {}};
    const long failed = vm::gkr_layers(transcript, s, num_layers, claims.data(), polys.data());
    return py::make_tuple(store_efs(s.xi), store_ef(s.p_claim), store_ef(s.q_claim), store_efs(s.lambdas),
                          store_efs(s.mus), failed);
}

}  // namespace

void bind_verifier(py::module_& m) {
    py::module_ v = m.def_submodule("verifier", "the Python verifier's native fast paths (use gpustark.verifier)");
    v.def("ef_powers", [](const py::array& x, size_t n) {
        std::vector<Ef> out(n);
        Ef p = ef_one(), base = load_ef(x, "x");
        for (size_t i = 0; i < n; ++i) out[i] = p, p = ef_mul(p, base);
        return store_efs(out);
    }, "(n, 4): 1, x, .., x^(n-1).");
    v.def("ef_dot", [](const py::array& a, const py::array& b) {
        const std::vector<Ef> av = load_efs(a, "a"), bv = load_efs(b, "b", long(av.size()));
        Ef acc = ef_zero();
        for (size_t i = 0; i < av.size(); ++i) acc = ef_add(acc, ef_mul(av[i], bv[i]));
        return store_ef(acc);
    }, "(4,): sum_i a_i b_i over (n, 4) arrays.");
    v.def("mle_eval", [](const py::array& table, const py::array& point_in) {
        std::vector<Ef> values = load_efs(table, "table");
        const std::vector<Ef> point = load_efs(point_in, "point");
        if (point.size() >= 63 || values.size() != (size_t(1) << point.size()))
            throw py::value_error("mle_eval: the table needs 2^len(point) entries");
        return store_ef(vm::mle_eval(values, point));
    }, "poly.mle_eval: the multilinear extension of a (2^n, 4) table at an (n, 4) point.");
    v.def("horner", [](const py::array& coefficients, const py::array& x) {
        const std::vector<Ef> c = load_efs(coefficients, "coefficients");
        return store_ef(vm::horner(c.data(), c.size(), load_ef(x, "x")));
    }, py::arg("coefficients"), py::arg("x"), "poly.horner: sum_j c_j x^j.");
    v.def("mobius_eq", [](const py::array& u_in, const py::array& x_in) {
        const std::vector<Ef> u = load_efs(u_in, "u"), x = load_efs(x_in, "x", long(u.size()));
        return store_ef(vm::mobius_eq(u.data(), x.data(), u.size()));
    }, py::arg("u"), py::arg("x"), "whir._mobius_eq.");
    v.def("eq_sharp", [](uint32_t l_skip, const py::array& r0, const py::array& xi) {
        if (l_skip > 20) throw py::value_error("eq_sharp: l_skip out of range");
        return store_ef(vm::eq_sharp(l_skip, load_ef(r0, "r0"), load_efs(xi, "xi", long(l_skip)).data()));
    }, py::arg("l_skip"), py::arg("r0"), py::arg("xi"), "eq^#(r0, xi) of the batch constraint check.");
    v.def("selectors", [](uint32_t l_skip, uint32_t log_height, const py::array& r_in) {
        const std::vector<Ef> r = load_efs(r_in, "r");
        const size_t vars = log_height > l_skip ? log_height - l_skip : 0;
        if (l_skip > 20 || log_height > 64 || r.size() < vars + 1)
            throw py::value_error("selectors: r or heights out of range");
        return store_efs(vm::selectors(l_skip, log_height, r));
    }, py::arg("l_skip"), py::arg("log_height"), py::arg("r"), "(3, 4): is_first, is_last, is_transition at r.");
    v.def("observe_array", [](Transcript& transcript, const py::array& values) {
        const U32Array a = checked_field_array(values, "values", int(values.ndim()));
        for (py::ssize_t i = 0; i < a.size(); ++i) transcript.observe(a.data()[i]);
    }, py::arg("transcript"), py::arg("values"), "observe() of every value of a canonical uint32 array, in C order.");
    v.def("sumcheck_rounds", &sumcheck_rounds_py, py::arg("transcript"), py::arg("claim"), py::arg("values"),
          "(final claim (4,), challenges (rounds, 4)) of rounds sent as values at 1..d, shape (rounds, d, 4).");
    v.def("whir_folding_rounds", &whir_folding_rounds_py, py::arg("transcript"), py::arg("claim"), py::arg("polys"),
          py::arg("pow_bits"), py::arg("witnesses"),
          "(claim, alphas, first fold whose witness fails or -1) of one WHIR round's folding rounds.");
    v.def("gkr_layers", &gkr_layers_py, py::arg("transcript"), py::arg("xi"), py::arg("p_claim"), py::arg("q_claim"),
          py::arg("num_layers"), py::arg("claims"), py::arg("polys"),
          "(xi, p_claim, q_claim, lambdas, mus, first failing layer or -1) of GKR layers 2..num_layers.");
    v.def("air_claims", &air_claims, py::arg("air"), py::arg("local"), py::arg("next"), py::arg("selectors"),
          py::arg("publics"), py::arg("lam"), py::arg("beta"),
          "(sum lam^i C_i, counts (I, 4), denominators (I, 4)) of an AirProgram at one point.");
    v.def("stacking_kernels", &stacking_kernels, py::arg("l_skip"), py::arg("n_stack"), py::arg("slots"),
          py::arg("need_rot"), py::arg("u"), py::arg("r"), py::arg("lam"), py::arg("first_power"), py::arg("width"),
          "(width, 4): per stacked column, the sum of its slots' kernels K_j(u).");
    v.def("merkle_first_failure", &merkle_first_failure_py, py::arg("root"), py::arg("rows"), py::arg("width"),
          py::arg("log_group"), py::arg("queries"), py::arg("opened"), py::arg("paths"),
          "The first query whose opening does not lead to root, or -1.");
    v.def("combine_rows", &combine_rows, py::arg("rows"), py::arg("mu_pows"),
          "(q, 2^k, 4): every opened row combined with mu's powers.");
    v.def("whir_fold", &whir_fold, py::arg("values"), py::arg("alphas"), py::arg("log_rs"), py::arg("queries"),
          "(q, 4): every query's k-fold.");
    v.def("whir_query_terms", [](const py::array& f, const py::array& alphas, const py::array& zs, const py::array& w) {
        const std::vector<Ef> points = load_efs(zs, "zs");
        return store_ef(vm::query_terms(load_efs(f, "final_poly"), load_efs(alphas, "alpha_slice"), points,
                                        load_efs(w, "weights", long(points.size()))));
    }, py::arg("final_poly"), py::arg("alpha_slice"), py::arg("zs"), py::arg("weights"),
          "(4,): the final constraint's terms of one round's points.");
}

}  // namespace gpustark
