// Round 0 of the batch constraint sumcheck (PROTOCOL 9.2 step 4): the univariate-skip polynomial
//   s_0(Z) = eq#(xi_<l; Z) A(Z) + eq_D(xi_0, Z) B(Z)
// with A the mu-batched LogUp sums (degree <= d(N-1)) and B the mu-batched zerocheck sums, which
// vanish on D for a satisfied trace. So B = (Z^N - 1) B' with deg B' < (d-1)N: B' comes from d-1
// cosets g^c D of D, A from D (the trace rows themselves) and the same cosets. On a coset the
// columns' PLEs are a batched size-N inverse NTT of each chunk followed by a shifted forward NTT.
#include <algorithm>

#include "../core/parallel.h"
#include "batch_terms.h"
#include "subgroup.h"

namespace gpustark {
namespace {

constexpr uint32_t kCosetGenerator = 31;  // BabyBear's multiplicative generator g

// Rows of chunks [first, first + count) of a trace, laid out (N, count * cols) row-major for a
// batched NTT over each (chunk, column): element (a, x, c) is row (N x + a + shift) mod h, column c;
// with selectors, three more columns (is_first, is_last, is_transition) of that row.
std::vector<uint32_t> gather_chunks(const RapTrace& trace, uint32_t l_skip, size_t first, size_t count, size_t shift,
                                    bool selectors) {
    uint32_t width = trace.air->width;
    size_t n = size_t(1) << l_skip, height = size_t(1) << trace.log_height, cols = width + (selectors ? 3 : 0);
    std::vector<uint32_t> out(n * count * cols);
    for (size_t a = 0; a < n; ++a)
        for (size_t x = 0; x < count; ++x) {
            size_t row = (n * (first + x) + a + shift) % height;
            uint32_t* dst = out.data() + (a * count + x) * cols;
            std::copy(trace.values + row * width, trace.values + (row + 1) * width, dst);
            if (selectors) {
                dst[width] = row == 0;
                dst[width + 1] = row == height - 1;
                dst[width + 2] = row != height - 1;
            }
        }
    return out;
}

// Accumulates, at each point of a (N, count * cols) block, the trace's weighted sums:
// zerocheck into constraint_acc[point], LogUp into logup_acc[point]. The DAG's sums at every
// point come from the backend; here they are weighted by eq over the chunks and summed per a.
struct BlockSums {
    const RapTrace& trace;
    const DagBinding& dag;
    Ef zerocheck_weight, numerator_weight, denominator_weight;
    const EfVec& eq_cube;  // eq(xi[l..l+n~], x)
    bool constraints;      // false on D, where the zerocheck sum vanishes

    void run(Backend& backend, const std::vector<uint32_t>& local, const std::vector<uint32_t>& next, size_t first,
             size_t count, size_t n, EfVec& constraint_acc, EfVec& logup_acc) const {
        const size_t width = trace.air->width, points = n * count;
        std::vector<DagSums> sums(points);
        backend.dag_base_sums(dag, {local.data(), width + 3, next.data(), width, points}, sums.data());
        parallel_for(n, 1, [&](size_t begin, size_t end) {
            for (size_t a = begin; a < end; ++a) {
                Ef constraint = ef_zero(), logup = ef_zero();
                for (size_t x = 0; x < count; ++x) {
                    const DagSums& s = sums[a * count + x];
                    const Ef eq = eq_cube[first + x];
                    if (constraints) constraint = ef_add(constraint, ef_mul(eq, s.constraint));
                    logup = ef_add(logup, ef_mul(eq, ef_add(ef_mul(numerator_weight, s.numerator),
                                                            ef_mul(denominator_weight, s.denominator))));
                }
                constraint_acc[a] = ef_add(constraint_acc[a], ef_mul(zerocheck_weight, constraint));
                logup_acc[a] = ef_add(logup_acc[a], logup);
            }
        });
    }
};

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

EfVec round0_coefficients(const Round0Input& in, Backend& backend) {
    const BatchInput& batch = *in.batch;
    const std::vector<RapTrace>& traces = *batch.traces;
    const uint32_t l = batch.l_skip, d = batch.degree;
    const size_t n = size_t(1) << l, cosets = d - 1, num_traces = traces.size();
    std::vector<Fp> shifts(cosets);
    for (size_t c = 0; c < cosets; ++c) shifts[c] = fp_pow(fp_from_canonical(kCosetGenerator), c + 1);

    EfVec zerocheck(cosets * n, ef_zero()), logup_on_cosets(cosets * n, ef_zero()), logup_on_d(n, ef_zero());
    bool any_interactions = false;
    for (size_t t = 0; t < num_traces; ++t) {
        const RapTrace& trace = traces[t];
        bool has_interactions = !trace.air->interactions.empty();
        any_interactions |= has_interactions;
        uint32_t vars = cube_vars(trace, l);
        EfVec eq_cube = eq_table(EfVec(batch.xi.begin() + l, batch.xi.begin() + l + vars));
        const EfVec& mu = *in.mu_powers;
        BlockSums sums{trace, (*in.dags)[t], mu[2 * num_traces + t], ef_mul_base(mu[2 * t], (*in.weights)[t].norm),
                       mu[2 * t + 1], eq_cube, true};
        size_t chunks = size_t(1) << vars, cols = trace.air->width + 3;
        size_t block = std::max<size_t>(1, std::min(chunks, (size_t(1) << 20) / (n * cols)));
        for (size_t first = 0; first < chunks; first += block) {
            size_t count = std::min(block, chunks - first);
            std::vector<uint32_t> local = gather_chunks(trace, l, first, count, 0, true);
            std::vector<uint32_t> next = gather_chunks(trace, l, first, count, 1, false);
            if (has_interactions) {  // on D the values are the rows themselves
                BlockSums on_d = sums;
                on_d.constraints = false;
                EfVec unused(n, ef_zero());
                on_d.run(backend, local, next, first, count, n, unused, logup_on_d);
            }
            if (cosets == 0) continue;
            backend.ntt(local.data(), {l, uint32_t(count * cols)}, true, 1);
            backend.ntt(next.data(), {l, uint32_t(count * trace.air->width)}, true, 1);
            for (size_t c = 0; c < cosets; ++c) {
                std::vector<uint32_t> local_c = local, next_c = next;
                uint32_t shift = fp_to_canonical(shifts[c]);
                backend.ntt(local_c.data(), {l, uint32_t(count * cols)}, false, shift);
                backend.ntt(next_c.data(), {l, uint32_t(count * trace.air->width)}, false, shift);
                EfVec zc(n, ef_zero()), lg(n, ef_zero());
                sums.run(backend, local_c, next_c, first, count, n, zc, lg);
                for (size_t a = 0; a < n; ++a) {
                    zerocheck[c * n + a] = ef_add(zerocheck[c * n + a], zc[a]);
                    logup_on_cosets[c * n + a] = ef_add(logup_on_cosets[c * n + a], lg[a]);
                }
            }
        }
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
