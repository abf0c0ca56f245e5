// Round 0 of the batch constraint sumcheck (PROTOCOL 9.2 step 4): the univariate-skip polynomial
//   s_0(Z) = eq#(xi_<l; Z) A(Z) + eq_D(xi_0, Z) B(Z)
// with A the mu-batched LogUp sums (degree <= d(N-1)) and B the mu-batched zerocheck sums, which
// vanish on D for a satisfied trace. So B = (Z^N - 1) B' with deg B' < (d-1)N: B' comes from d-1
// cosets g^c D of D, A from D (the trace rows themselves) and the same cosets. The per-trace sums
// on D and the cosets come from the backend (core/round0_sums.h) before mu; here they are
// weighted by mu, batched over the traces and interpolated.
#include <algorithm>

#include "batch_terms.h"
#include "subgroup.h"

namespace gpustark {
namespace {

constexpr uint32_t kCosetGenerator = 31;  // BabyBear's multiplicative generator g

// g^1 .. g^(d-1): the d - 1 cosets g^c D round 0 evaluates on.
std::vector<Fp> coset_shifts(uint32_t degree) {
    std::vector<Fp> shifts(degree - 1);
    for (size_t c = 0; c < shifts.size(); ++c) shifts[c] = fp_pow(fp_from_canonical(kCosetGenerator), c + 1);
    return shifts;
}

// Coefficients of eq#(xi_<l; Z): the inverse DFT of its values eq(xi_<l, bits(a)) on D.
EfVec eq_sharp_coefficients(const EfVec& xi, uint32_t l_skip) {
    size_t n = size_t(1) << l_skip;
    EfVec values = eq_table(EfVec(xi.begin(), xi.begin() + l_skip)), out(n, ef_zero());
    Fp omega_inv = fp_inv(fp_two_adic_generator(l_skip)), inv_n = fp_inv(fp_from_canonical(uint32_t(n)));
    for (size_t j = 0; j < n; ++j) {
        Fp step = fp_pow(omega_inv, j), w = fp_one();
        for (size_t a = 0; a < n; ++a, w = fp_mul(w, step)) out[j] = ef_add(out[j], ef_mul_base(values[a], w));
        out[j] = ef_mul_base(out[j], inv_n);
    }
    return out;
}

// Coefficients of eq_D(x, Z) = (1/N) sum_j x^j Z^((N - j) mod N).
EfVec eq_d_coefficients(Ef x, uint32_t l_skip) {
    size_t n = size_t(1) << l_skip;
    EfVec out(n);
    Fp inv_n = fp_inv(fp_from_canonical(uint32_t(n)));
    for (size_t k = 0; k < n; ++k) out[k] = ef_mul_base(ef_pow(x, (n - k) % n), inv_n);
    return out;
}

}  // namespace

std::vector<Round0Sums> round0_trace_sums(const Round0Input& in, Backend& backend) {
    const BatchInput& batch = *in.batch;
    const std::vector<RapTrace>& traces = *batch.traces;
    std::vector<uint32_t> shifts;  // the same cosets for every trace
    for (Fp shift : coset_shifts(batch.degree)) shifts.push_back(fp_to_canonical(shift));
    std::vector<Round0Sums> out;
    for (size_t t = 0; t < traces.size(); ++t) {
        Round0Trace job;
        job.dag = &(*in.dags)[t];
        job.values = traces[t].values;
        job.log_height = traces[t].log_height;
        job.l_skip = batch.l_skip;
        job.coset_shifts = shifts;
        job.eq_cube = (*in.eq_cube)[t].data();
        job.logup_on_d = !traces[t].air->interactions.empty();
        out.push_back(backend.round0_sums(job));
    }
    return out;
}

EfVec round0_coefficients(const BatchInput& batch, const std::vector<Round0Sums>& sums,
                          const std::vector<TraceWeights>& weights, const EfVec& mu) {
    const uint32_t l = batch.l_skip, d = batch.degree;
    const size_t n = size_t(1) << l, cosets = d - 1, num_traces = sums.size();
    const std::vector<Fp> shifts = coset_shifts(d);

    // Each trace's sums weighted by mu: the zerocheck by mu^(2T + t), the LogUp numerator by
    // mu^(2t) norm_t and its denominator by mu^(2t + 1).
    EfVec zerocheck(cosets * n, ef_zero()), logup_on_cosets(cosets * n, ef_zero()), logup_on_d(n, ef_zero());
    bool any_interactions = false;
    for (size_t t = 0; t < num_traces; ++t) {
        const Ef zerocheck_weight = mu[2 * num_traces + t];
        const Ef numerator_weight = ef_mul_base(mu[2 * t], weights[t].norm), denominator_weight = mu[2 * t + 1];
        auto logup = [&](const DagSums& s) {
            return ef_add(ef_mul(numerator_weight, s.numerator), ef_mul(denominator_weight, s.denominator));
        };
        for (size_t i = 0; i < cosets * n; ++i) {
            zerocheck[i] = ef_add(zerocheck[i], ef_mul(zerocheck_weight, sums[t].on_cosets[i].constraint));
            logup_on_cosets[i] = ef_add(logup_on_cosets[i], logup(sums[t].on_cosets[i]));
        }
        for (size_t a = 0; a < sums[t].on_d.size(); ++a) logup_on_d[a] = ef_add(logup_on_d[a], logup(sums[t].on_d[a]));
        any_interactions |= !sums[t].on_d.empty();
    }

    // B' = B / (Z^N - 1) from the cosets (where Z^N = g^(cN)), then B = (Z^N - 1) B'.
    Fp omega = fp_two_adic_generator(l);
    std::vector<Fp> coset_points;
    EfVec quotient_values;
    for (size_t c = 0; c < cosets; ++c) {
        Fp z = shifts[c];
        Fp vanishing_inv = fp_inv(fp_sub(fp_pow(z, n), fp_one()));
        for (size_t a = 0; a < n; ++a, z = fp_mul(z, omega)) {
            coset_points.push_back(z);
            quotient_values.push_back(ef_mul_base(zerocheck[c * n + a], vanishing_inv));
        }
    }
    EfVec b(cosets * n + n, ef_zero());
    if (cosets) {
        EfVec quotient = interpolate_coefficients(coset_points, quotient_values);
        for (size_t k = 0; k < quotient.size(); ++k) {
            b[k + n] = ef_add(b[k + n], quotient[k]);
            b[k] = ef_sub(b[k], quotient[k]);
        }
    }
    EfVec a(1, ef_zero());
    if (any_interactions) {
        std::vector<Fp> points;
        EfVec values;
        Fp z = fp_one();
        for (size_t i = 0; i < n; ++i, z = fp_mul(z, omega)) points.push_back(z), values.push_back(logup_on_d[i]);
        points.insert(points.end(), coset_points.begin(), coset_points.end());
        values.insert(values.end(), logup_on_cosets.begin(), logup_on_cosets.end());
        a = interpolate_coefficients(points, values);
    }
    EfVec s0 = poly_mul(eq_sharp_coefficients(batch.xi, l), a), zerocheck_part = poly_mul(eq_d_coefficients(batch.xi[0], l), b);
    size_t num_coeffs = (d + 1) * (n - 1) + 1;
    s0.resize(std::max(s0.size(), zerocheck_part.size()), ef_zero());
    for (size_t k = 0; k < zerocheck_part.size(); ++k) s0[k] = ef_add(s0[k], zerocheck_part[k]);
    s0.resize(num_coeffs, ef_zero());
    return s0;
}

}  // namespace gpustark
