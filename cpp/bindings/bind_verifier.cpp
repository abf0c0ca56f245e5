// Native fast paths of the Python verifier (gpustark.verifier): the loops that cost it seconds in
// Python (the constraint DAG at the opening point, the stacking kernels, WHIR's query openings
// and folds, EF dot products). Protocol logic and the transcript stay in Python; every function
// here has a Python reference that tests compare it against. Every array is shape- and
// range-checked here too, so a malformed input raises ValueError, never reads out of bounds.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "../prover/air_program.h"  // the AIR program type and its node evaluator, no prover phase
#include "../core/transcript.h"
#include "../verifier/merkle_batch.h"
#include "../verifier/verifier_math.h"
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

std::vector<Ef> powers(Ef x, size_t n) {
    std::vector<Ef> out(n);
    Ef p = ef_one();
    for (size_t i = 0; i < n; ++i) out[i] = p, p = ef_mul(p, x);
    return out;
}

// The AIR's DAG at one point: (sum_i lam^i C_i, per interaction its count and
// sum_j beta^j m_j + beta^len (bus + 1)) (batch_constraints._final_claim's per-trace part).
py::tuple air_claims(const AirProgram& air, const py::array& local, const py::array& next, const py::array& selectors,
                     const std::vector<uint32_t>& publics, const py::array& lam, const py::array& beta) {
    const long w = long(air.width);
    const std::vector<Ef> loc = load_efs(local, "local", w), nxt = load_efs(next, "next", w);
    const std::vector<Ef> sel = load_efs(selectors, "selectors", 3);
    if (publics.size() != air.num_public_values)
        throw py::value_error("publics: expected " + std::to_string(air.num_public_values) + " values, found " +
                              std::to_string(publics.size()));
    std::vector<Fp> pub;
    for (uint32_t v : publics) {
        if (v >= GS_P) throw py::value_error("publics: values must be canonical field elements");
        pub.push_back(fp_from_canonical(v));
    }
    const Ef lam_v = load_ef(lam, "lam"), beta_v = load_ef(beta, "beta");
    std::vector<Ef> nodes(air.nodes.size());
    RowPoint<Ef> point{loc.data(), nxt.data(), sel[0], sel[1], sel[2], pub.data()};
    evaluate_nodes(air, point, nodes.data());  // air was validated on construction: operands in range

    Ef expr = ef_zero(), lam_power = ef_one();
    for (uint32_t c : air.constraints) expr = ef_add(expr, ef_mul(lam_power, nodes[c])), lam_power = ef_mul(lam_power, lam_v);
    std::vector<Ef> counts, denominators;
    for (const InteractionProgram& it : air.interactions) {
        Ef h = ef_zero(), beta_power = ef_one();
        for (uint32_t m : it.message) h = ef_add(h, ef_mul(beta_power, nodes[m])), beta_power = ef_mul(beta_power, beta_v);
        const Fp bus_plus_one = fp_from_canonical(uint32_t((uint64_t(it.bus) + 1) % GS_P));
        counts.push_back(nodes[it.count]);
        denominators.push_back(ef_add(h, ef_mul_base(beta_power, bus_plus_one)));
    }
    return py::make_tuple(store_ef(expr), store_efs(counts), store_efs(denominators));
}

// Per stacked column, sum_j K_j(u) over its slots (stacking._slot_kernel), slot j weighted by
// first_power * (lam^2)^j. The part of K_j that depends only on (log_h, need_rot) is shared.
U32Array stacking_kernels(uint32_t l_skip, uint32_t n_stack, const py::array& slots_in, const std::vector<bool>& need_rot,
                          const py::array& u_in, const py::array& r_in, const py::array& lam_in,
                          const py::array& first_power, size_t width) {
    if (l_skip > GS_TWO_ADICITY) throw py::value_error("l_skip: expected at most 27");
    U32Array slots = U32Array::ensure(slots_in);
    if (!slots || slots.ndim() != 2 || slots.shape(1) != 5)
        throw py::value_error("slots: expected a uint32 array of shape (num_slots, 5)");
    const std::vector<Ef> u = load_efs(u_in, "u", long(n_stack) + 1), r = load_efs(r_in, "r");
    const Ef lam = load_ef(lam_in, "lam"), lam_sq = ef_square(lam);
    Ef weight = load_ef(first_power, "first_power");

    struct Shared { bool ready = false; Ef value; };
    std::vector<Shared> shared(2 * (size_t(l_skip) + n_stack + 1));
    auto common = [&](uint32_t log_h, bool rot) -> Ef {
        Shared& s = shared[2 * log_h + rot];
        if (s.ready) return s.value;
        const int n = int(log_h) - int(l_skip);
        const size_t n_lift = size_t(n > 0 ? n : 0);
        if (r.size() < n_lift + 1) throw py::value_error("r: too few entries for the slots' heights");
        uint32_t l = l_skip;
        std::vector<Ef> r_n(r.begin(), r.begin() + long(n_lift) + 1);
        Ef ind = ef_one();
        if (n < 0) {
            l = uint32_t(int(l_skip) + n);
            r_n = {ef_pow(r[0], uint64_t(1) << -n)};
            ind = vm::l1_uni(uint32_t(-n), ef_pow(u[0], uint64_t(1) << l));
        }
        Ef value = ef_mul(vm::eq_uni(l, u[0], r_n[0]), vm::eq(u.data() + 1, r_n.data() + 1, n_lift));
        if (rot) {
            const Ef shifted = ef_mul_base(r_n[0], fp_two_adic_generator(l));
            const auto [e, rt] = vm::eq_rot_cube(u.data() + 1, r_n.data() + 1, n_lift);
            const Ef kappa = ef_add(ef_mul(vm::eq_uni(l, u[0], shifted), e),
                                    ef_mul(ef_mul(vm::l1_uni(l, u[0]), vm::l1_uni(l, shifted)), ef_sub(rt, e)));
            value = ef_add(value, ef_mul(lam, kappa));
        }
        s = {true, ef_mul(value, ind)};
        return s.value;
    };

    std::vector<Ef> out(width, ef_zero());
    for (py::ssize_t j = 0; j < slots.shape(0); ++j) {
        const uint32_t* s = slots.data() + 5 * j;  // matrix, column, stacked_col, row_idx, log_h
        const uint32_t matrix = s[0], col = s[2], row_idx = s[3], log_h = s[4];
        if (matrix >= need_rot.size() || col >= width || log_h > l_skip + n_stack)
            throw py::value_error("slots: slot " + std::to_string(j) + " is out of range");
        const uint32_t n_lift = log_h > l_skip ? log_h - l_skip : 0;
        Ef eq_b = ef_one();  // eq(u_{>n_lift}, bits of row_idx above the slot)
        for (uint32_t k = n_lift; k < n_stack; ++k) {
            const uint32_t shift = l_skip + k;
            const bool bit = shift < 32 && ((row_idx >> shift) & 1u);
            eq_b = ef_mul(eq_b, bit ? u[k + 1] : vm::one_minus(u[k + 1]));
        }
        out[col] = ef_add(out[col], ef_mul(ef_mul(eq_b, weight), common(log_h, need_rot[matrix])));
        weight = ef_mul(weight, lam_sq);
    }
    return store_efs(out);
}

// The first query whose opening fails its Merkle path, or -1 (whir: all paths of a round in one call).
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

// values[q][t] = sum_c mu_pows[c] rows[q][t][c] (whir._combine_rows, for every query at once).
U32Array combine_rows(const py::array& rows_in, const py::array& mu_pows_in) {
    const U32Array rows = shaped(rows_in, "rows", {-1, -1, -1});
    const std::vector<Ef> mu = load_efs(mu_pows_in, "mu_pows", long(rows.shape(2)));
    const size_t count = size_t(rows.shape(0) * rows.shape(1)), w = mu.size();
    U32Array out({rows.shape(0), rows.shape(1), py::ssize_t(4)});
    for (size_t i = 0; i < count; ++i) {
        Ef acc = ef_zero();
        for (size_t c = 0; c < w; ++c) acc = ef_add(acc, ef_mul_base(mu[c], fp_from_canonical(rows.data()[i * w + c])));
        ef_store(out.mutable_data() + 4 * i, acc);
    }
    return out;
}

// Every query's k-fold at x = omega_{log_rs}^index (whir._binary_k_fold).
U32Array whir_fold(const py::array& values_in, const py::array& alphas_in, uint32_t log_rs,
                   const std::vector<uint32_t>& queries) {
    const std::vector<Ef> alphas = load_efs(alphas_in, "alphas");
    const uint32_t k = uint32_t(alphas.size());
    if (k > 20 || log_rs > GS_TWO_ADICITY) throw py::value_error("whir_fold: k or log_rs out of range");
    const long group = long(1) << k;
    std::vector<Ef> values = load_efs(shaped(values_in, "values", {long(queries.size()), group, 4})
                                          .reshape({long(queries.size()) * group, 4L}), "values");
    const Fp omega = fp_two_adic_generator(log_rs);
    std::vector<Ef> out;
    for (size_t i = 0; i < queries.size(); ++i)
        out.push_back(vm::binary_k_fold(values.data() + i * size_t(group), alphas.data(), k, fp_pow(omega, queries[i])));
    return store_efs(out);
}

// sum_j weights[j] eq(alpha_slice, (z_j, z_j^2, ..)) f(z_j^(2^len)) over points z_j (whir's final
// constraint, one round's points at once).
U32Array whir_query_terms(const py::array& final_poly_in, const py::array& alpha_slice_in, const py::array& zs_in,
                          const py::array& weights_in) {
    const std::vector<Ef> f = load_efs(final_poly_in, "final_poly"), alphas = load_efs(alpha_slice_in, "alpha_slice");
    const std::vector<Ef> zs = load_efs(zs_in, "zs"), weights = load_efs(weights_in, "weights", long(zs.size()));
    Ef total = ef_zero();
    std::vector<Ef> z_pows(alphas.size());
    for (size_t j = 0; j < zs.size(); ++j) {
        Ef z = zs[j];
        for (Ef& zp : z_pows) zp = z, z = ef_square(z);
        const bool base = fp_is_zero(z.c1) && fp_is_zero(z.c2) && fp_is_zero(z.c3);  // a query point: 4x cheaper
        const Ef value = base ? vm::horner_base(f.data(), f.size(), z.c0) : vm::horner(f.data(), f.size(), z);
        const Ef term = ef_mul(vm::eq(alphas.data(), z_pows.data(), alphas.size()), value);
        total = ef_add(total, ef_mul(weights[j], term));
    }
    return store_ef(total);
}

// Lagrange weights on the integers 0..d: 1 / prod_{j != i} (i - j).
std::vector<Fp> lagrange_inverse_denominators(size_t d) {
    std::vector<Fp> out(d + 1);
    for (size_t i = 0; i <= d; ++i) {
        Fp den = fp_one();
        for (size_t j = 0; j <= d; ++j)
            if (j != i) den = fp_mul(den, i > j ? fp_from_canonical(uint32_t(i - j)) : fp_neg(fp_from_canonical(uint32_t(j - i))));
        out[i] = fp_inv(den);
    }
    return out;
}

// The round polynomial through (0, claim - v_1), (1, v_1) .. (d, v_d) at r; v: d canonical EF values.
Ef next_claim(Ef claim, const uint32_t* v, size_t d, Ef r, const std::vector<Fp>& inv_denominators) {
    Ef total = ef_zero();
    for (size_t i = 0; i <= d; ++i) {
        Ef numerator = ef_one();
        for (size_t j = 0; j <= d; ++j)
            if (j != i) numerator = ef_mul(numerator, ef_sub(r, ef_from_base(fp_from_canonical(uint32_t(j)))));
        const Ef point = i == 0 ? ef_sub(claim, ef_load(v)) : ef_load(v + 4 * (i - 1));
        total = ef_add(total, ef_mul_base(ef_mul(point, numerator), inv_denominators[i]));
    }
    return total;
}

Ef sample_ef(Transcript& transcript) {
    const ExtElement s = transcript.sample_ext();
    return ef_make(fp_from_canonical(s[0]), fp_from_canonical(s[1]), fp_from_canonical(s[2]), fp_from_canonical(s[3]));
}

// Sumcheck rounds whose polynomial of degree d is sent as its values at 1..d (the value at 0 is
// the claim minus the value at 1): per round, observe the values, sample r, move the claim to the
// polynomial at r (the GKR layers, the batch constraint and stacking sumchecks).
py::tuple sumcheck_rounds(Transcript& transcript, const py::array& claim_in, const py::array& values_in) {
    const U32Array values = shaped(values_in, "values", {-1, -1, 4});
    const size_t rounds = size_t(values.shape(0)), d = size_t(values.shape(1));
    if (d == 0 || d > 64) throw py::value_error("values: expected 1..64 values per round");
    const std::vector<Fp> inv_denominators = lagrange_inverse_denominators(d);
    Ef claim = load_ef(claim_in, "claim");
    std::vector<Ef> challenges;
    for (size_t round = 0; round < rounds; ++round) {
        const uint32_t* v = values.data() + round * d * 4;
        for (size_t i = 0; i < 4 * d; ++i) transcript.observe(v[i]);
        const Ef r = sample_ef(transcript);
        claim = next_claim(claim, v, d, r, inv_denominators);
        challenges.push_back(r);
    }
    return py::make_tuple(store_ef(claim), store_efs(challenges));
}

// One WHIR round's k folding sumcheck rounds (whir.verify_whir): observe (e1, e2), check the
// folding proof-of-work witness, sample alpha, move the claim to the quadratic at alpha.
// Returns (claim, alphas, the first fold whose witness fails or -1); it stops at a failure.
py::tuple whir_folding_rounds(Transcript& transcript, const py::array& claim_in, const py::array& polys_in,
                              uint32_t pow_bits, const std::vector<uint32_t>& witnesses) {
    const U32Array polys = shaped(polys_in, "polys", {long(witnesses.size()), 2, 4});
    if (pow_bits > 30) throw py::value_error("pow_bits: expected at most 30");
    const std::vector<Fp> inv_denominators = lagrange_inverse_denominators(2);
    Ef claim = load_ef(claim_in, "claim");
    std::vector<Ef> alphas;
    for (size_t j = 0; j < witnesses.size(); ++j) {
        const uint32_t* v = polys.data() + 8 * j;
        for (size_t i = 0; i < 8; ++i) transcript.observe(v[i]);
        if (witnesses[j] >= GS_P || !transcript.check_witness(pow_bits, witnesses[j]))
            return py::make_tuple(store_ef(claim), store_efs(alphas), long(j));
        const Ef alpha = sample_ef(transcript);
        claim = next_claim(claim, v, 2, alpha, inv_denominators);
        alphas.push_back(alpha);
    }
    return py::make_tuple(store_ef(claim), store_efs(alphas), -1L);
}

// eq^#(r0, xi) = sum_{a < 2^l} eq_D(r0, omega_l^a) eq(xi, bits(a)) (batch_constraints._final_claim).
U32Array eq_sharp(uint32_t l_skip, const py::array& r0_in, const py::array& xi_in) {
    if (l_skip > 20) throw py::value_error("eq_sharp: l_skip out of range");
    const Ef r0 = load_ef(r0_in, "r0");
    const std::vector<Ef> xi = load_efs(xi_in, "xi", long(l_skip));
    const Fp omega = fp_two_adic_generator(l_skip);
    Fp point = fp_one();
    Ef total = ef_zero();
    for (uint32_t a = 0; a < (1u << l_skip); ++a, point = fp_mul(point, omega)) {
        Ef e = ef_one();
        for (uint32_t b = 0; b < l_skip; ++b) e = ef_mul(e, ((a >> b) & 1u) ? xi[b] : vm::one_minus(xi[b]));
        total = ef_add(total, ef_mul(vm::eq_uni(l_skip, r0, ef_from_base(point)), e));
    }
    return store_ef(total);
}

// (is_first, is_last, is_transition) of a trace of height 2^log_height at r
// (batch_constraints.selectors_at): geometric sums over the trace's subgroup, times the cube part.
U32Array selectors(uint32_t l_skip, uint32_t log_height, const py::array& r_in) {
    const std::vector<Ef> r = load_efs(r_in, "r");
    const int n = int(log_height) - int(l_skip);
    const size_t vars = size_t(n > 0 ? n : 0);
    if (l_skip > 20 || log_height > 64 || r.size() < vars + 1) throw py::value_error("selectors: r or heights out of range");
    const uint32_t log_order = n >= 0 ? l_skip : log_height;
    const Ef rho0 = n >= 0 ? r[0] : ef_pow(r[0], uint64_t(1) << -n);
    auto geometric = [&](Ef y) {
        Ef acc = ef_zero(), power = ef_one();
        for (uint64_t i = 0; i < (uint64_t(1) << log_order); ++i) acc = ef_add(acc, power), power = ef_mul(power, y);
        return acc;
    };
    const Fp scale = fp_inv(fp_pow(fp_from_canonical(2), log_order));
    Ef first = ef_mul_base(geometric(rho0), scale);
    Ef last = ef_mul_base(geometric(ef_mul_base(rho0, fp_two_adic_generator(log_order))), scale);
    for (size_t i = 1; i <= vars; ++i) first = ef_mul(first, vm::one_minus(r[i])), last = ef_mul(last, r[i]);
    return store_efs({first, last, vm::one_minus(last)});
}

}  // namespace

void bind_verifier(py::module_& m) {
    py::module_ v = m.def_submodule("verifier", "the Python verifier's native fast paths (use gpustark.verifier)");
    v.def("ef_powers", [](const py::array& x, size_t n) { return store_efs(powers(load_ef(x, "x"), n)); },
          "(n, 4): 1, x, .., x^(n-1).");
    v.def("ef_dot", [](const py::array& a, const py::array& b) {
        const std::vector<Ef> av = load_efs(a, "a"), bv = load_efs(b, "b", long(av.size()));
        Ef acc = ef_zero();
        for (size_t i = 0; i < av.size(); ++i) acc = ef_add(acc, ef_mul(av[i], bv[i]));
        return store_ef(acc);
    }, "(4,): sum_i a_i b_i over (n, 4) arrays.");
    v.def("mle_eval", [](const py::array& table_in, const py::array& point_in) {
        std::vector<Ef> values = load_efs(table_in, "table");
        const std::vector<Ef> point = load_efs(point_in, "point");
        if (point.size() >= 63 || values.size() != (size_t(1) << point.size()))
            throw py::value_error("mle_eval: the table needs 2^len(point) entries");
        for (size_t k = 0, n = values.size(); k < point.size(); ++k, n >>= 1)  // lowest variable first
            for (size_t i = 0; i < n / 2; ++i)
                values[i] = ef_add(values[2 * i], ef_mul(point[k], ef_sub(values[2 * i + 1], values[2 * i])));
        return store_ef(values[0]);
    }, "poly.mle_eval: the multilinear extension of an (2^n, 4) table at an (n, 4) point.");
    v.def("sumcheck_rounds", &sumcheck_rounds, py::arg("transcript"), py::arg("claim"), py::arg("values"),
          "(final claim (4,), challenges (rounds, 4)) of rounds sent as values at 1..d, shape (rounds, d, 4).");
    v.def("whir_folding_rounds", &whir_folding_rounds, py::arg("transcript"), py::arg("claim"), py::arg("polys"),
          py::arg("pow_bits"), py::arg("witnesses"));
    v.def("selectors", &selectors, py::arg("l_skip"), py::arg("log_height"), py::arg("r"));
    v.def("horner", [](const py::array& coefficients, const py::array& x) {
        const std::vector<Ef> c = load_efs(coefficients, "coefficients");
        return store_ef(vm::horner(c.data(), c.size(), load_ef(x, "x")));
    }, py::arg("coefficients"), py::arg("x"), "poly.horner: sum_j c_j x^j.");
    v.def("mobius_eq", [](const py::array& u_in, const py::array& x_in) {
        const std::vector<Ef> u = load_efs(u_in, "u"), x = load_efs(x_in, "x", long(u.size()));
        Ef acc = ef_one();  // prod_i ((1 - 2 u_i)(1 - x_i) + u_i x_i)
        for (size_t i = 0; i < u.size(); ++i)
            acc = ef_mul(acc, ef_add(ef_mul(ef_sub(vm::one_minus(u[i]), u[i]), vm::one_minus(x[i])), ef_mul(u[i], x[i])));
        return store_ef(acc);
    }, py::arg("u"), py::arg("x"), "whir._mobius_eq.");
    v.def("eq_sharp", &eq_sharp, py::arg("l_skip"), py::arg("r0"), py::arg("xi"));
    v.def("observe_array", [](Transcript& transcript, const py::array& values) {
        const U32Array a = checked_field_array(values, "values", int(values.ndim()));
        for (py::ssize_t i = 0; i < a.size(); ++i) transcript.observe(a.data()[i]);
    }, py::arg("transcript"), py::arg("values"), "observe() of every value of a canonical uint32 array, in C order.");
    v.def("air_claims", &air_claims, py::arg("air"), py::arg("local"), py::arg("next"), py::arg("selectors"),
          py::arg("publics"), py::arg("lam"), py::arg("beta"));
    v.def("stacking_kernels", &stacking_kernels, py::arg("l_skip"), py::arg("n_stack"), py::arg("slots"),
          py::arg("need_rot"), py::arg("u"), py::arg("r"), py::arg("lam"), py::arg("first_power"), py::arg("width"));
    v.def("merkle_first_failure", &merkle_first_failure_py, py::arg("root"), py::arg("rows"), py::arg("width"),
          py::arg("log_group"), py::arg("queries"), py::arg("opened"), py::arg("paths"));
    v.def("combine_rows", &combine_rows, py::arg("rows"), py::arg("mu_pows"));
    v.def("whir_fold", &whir_fold, py::arg("values"), py::arg("alphas"), py::arg("log_rs"), py::arg("queries"));
    v.def("whir_query_terms", &whir_query_terms, py::arg("final_poly"), py::arg("alpha_slice"), py::arg("zs"),
          py::arg("weights"));
}

}  // namespace gpustark
