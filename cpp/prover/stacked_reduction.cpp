#include "stacked_reduction.h"
#include "subgroup.h"

#include <stdexcept>
#include <string>

#include "../core/parallel.h"
#include "../core/spans.h"

namespace gpustark {
namespace {

// ---- univariate helpers over D = <omega_l_skip> (PROTOCOL 5.3) --------------------------------

Ef ef_pow2k(Ef x, uint32_t k) {
    for (uint32_t s = 0; s < k; ++s) x = ef_square(x);
    return x;
}

Ef l1_uni(uint32_t log_order, Ef x) { return eq_uni(log_order, x, ef_one()); }

// Coefficients (length 2^l_skip) of In_i(Z) * eq_D'(Z, y) with D' of order 2^(l_skip - i):
// In_i(Z) = 2^-i sum_t Z^(N' t) and eq_D'(Z, y) = (1/N') sum_{j<N'} Z^j y^((N' - j) mod N'), so
// the coefficient of Z^(j + N' t) is y^((N' - j) mod N') / 2^l_skip. With i = 0 this is eq_D(Z, y).
EfVec in_eq_uni_coeffs(uint32_t l_skip, uint32_t i, Ef y) {
    const size_t n = size_t(1) << l_skip, n_sub = n >> i;
    const Fp inv_n = fp_inv(fp_from_canonical(uint32_t(n)));
    EfVec y_pows(n_sub);
    y_pows[0] = ef_one();
    for (size_t j = 1; j < n_sub; ++j) y_pows[j] = ef_mul(y_pows[j - 1], y);
    EfVec out(n);
    for (size_t e = 0; e < n; ++e) {
        size_t j = e % n_sub;
        out[e] = ef_mul_base(y_pows[(n_sub - j) % n_sub], inv_n);
    }
    return out;
}

// Coefficients of the degree < 2^l polynomial with values evals[a] at omega_l^a.
EfVec idft_small(const EfVec& evals, uint32_t l) {
    const size_t n = evals.size();
    const Fp omega_inv = fp_inv(fp_two_adic_generator(l));
    const Fp inv_n = fp_inv(fp_from_canonical(uint32_t(n)));
    EfVec out(n, ef_zero());
    for (size_t j = 0; j < n; ++j) {
        const Fp step = fp_pow(omega_inv, j);
        Fp x = fp_one();
        Ef acc = ef_zero();
        for (size_t a = 0; a < n; ++a) {
            acc = ef_add(acc, ef_mul_base(evals[a], x));
            x = fp_mul(x, step);
        }
        out[j] = ef_mul_base(acc, inv_n);
    }
    return out;
}

void add_into(EfVec& acc, const EfVec& v) {
    for (size_t i = 0; i < v.size(); ++i) acc[i] = ef_add(acc[i], v[i]);
}

// ---- the batched claim -----------------------------------------------------------------------

// One slot j of one commit, with its lambda powers lambda^(2j) and lambda^(2j+1)·[need_rot].
struct SlotTerm {
    size_t commit;
    const StackedPcsData* data;
    StackedSlot slot;
    Ef lambda_eq;
    Ef lambda_rot;  // zero when the matrix does not need rotation
    int n;          // log_h - l_skip, may be negative
};

// Round 0 (10.3): s_0(Z) = sum_terms A(Z) * V(Z), where each A is a univariate kernel factor
// shared by many slots and V is the interpolant over D of the slots' column chunks weighted by
// their cube kernels. Slots with n >= 0 share three factors: eq_D(Z, r_0) (eq part),
// eq_D(Z, omega r_0) and L1_D(omega r_0) L1_D(Z) (the two parts of kappa_rot). A short slot
// with n = -i has In_i(Z) eq_D'(Z, r_0^(2^i)) and In_i(Z) eq_D'(Z, r_0^(2^i) omega_{l-i}).
// Accumulators are kept in evaluation form on D: index 0..2 for n >= 0, 3 + 2(i-1) + {0,1} for i.
EfVec round0_poly(const std::vector<SlotTerm>& terms, const EfVec& r, uint32_t l_skip, const std::vector<EfVec>& eq_r) {
    const size_t n = size_t(1) << l_skip;
    const size_t num_acc = 3 + 2 * size_t(l_skip);
    std::vector<std::vector<EfVec>> partial(terms.size());
    parallel_for(terms.size(), 1, [&](size_t begin, size_t end) {
        for (size_t ti = begin; ti < end; ++ti) {
            const SlotTerm& tm = terms[ti];
            const uint32_t width = tm.data->width();
            const uint32_t col = tm.slot.stacked_col;
            const uint32_t* q = tm.data->matrix.data();
            std::vector<EfVec> acc(num_acc);
            if (tm.n >= 0) {
                const EfVec& eq = eq_r[size_t(tm.n)];
                const size_t cube = eq.size();
                for (int s = 0; s < 3; ++s) acc[s].assign(n, ef_zero());
                for (size_t x = 0; x < cube; ++x) {
                    const Ef e = ef_mul(tm.lambda_eq, eq[x]);
                    const Ef r1 = ef_mul(tm.lambda_rot, eq[x]);
                    // kappa_rot's cube part: rot(x, r') - eq(x, r') with rot(x, r') = eq(x - 1, r').
                    const Ef r2 = ef_mul(tm.lambda_rot, ef_sub(eq[(x + cube - 1) & (cube - 1)], eq[x]));
                    const uint32_t* chunk = q + (tm.slot.row_idx + x * n) * width + col;
                    for (size_t a = 0; a < n; ++a) {
                        const Fp v = fp_from_canonical(chunk[a * width]);
                        acc[0][a] = ef_add(acc[0][a], ef_mul_base(e, v));
                        acc[1][a] = ef_add(acc[1][a], ef_mul_base(r1, v));
                        acc[2][a] = ef_add(acc[2][a], ef_mul_base(r2, v));
                    }
                }
            } else {
                // The whole 2^l_skip slice, zeros between the strided values included: In_i
                // vanishes off the stride on D.
                const size_t base = 3 + 2 * size_t(-tm.n - 1);
                acc[base].assign(n, ef_zero());
                acc[base + 1].assign(n, ef_zero());
                const uint32_t* chunk = q + tm.slot.row_idx * width + col;
                for (size_t a = 0; a < n; ++a) {
                    const Fp v = fp_from_canonical(chunk[a * width]);
                    acc[base][a] = ef_mul_base(tm.lambda_eq, v);
                    acc[base + 1][a] = ef_mul_base(tm.lambda_rot, v);
                }
            }
            partial[ti] = std::move(acc);
        }
    });
    std::vector<EfVec> acc(num_acc, EfVec(n, ef_zero()));
    for (const auto& p : partial)
        for (size_t s = 0; s < num_acc; ++s)
            if (!p[s].empty()) add_into(acc[s], p[s]);

    const Ef r0 = r[0];
    const Ef omega = ef_from_base(fp_two_adic_generator(l_skip));
    std::vector<EfVec> factors(num_acc);
    factors[0] = in_eq_uni_coeffs(l_skip, 0, r0);
    factors[1] = in_eq_uni_coeffs(l_skip, 0, ef_mul(r0, omega));
    factors[2] = in_eq_uni_coeffs(l_skip, 0, ef_one());  // L1_D(Z)
    const Ef eq_const = l1_uni(l_skip, ef_mul(r0, omega));
    for (Ef& c : factors[2]) c = ef_mul(c, eq_const);
    for (uint32_t i = 1; i <= l_skip; ++i) {
        const Ef y = ef_pow2k(r0, i);
        const Ef omega_sub = ef_from_base(fp_two_adic_generator(l_skip - i));
        factors[3 + 2 * (i - 1)] = in_eq_uni_coeffs(l_skip, i, y);
        factors[4 + 2 * (i - 1)] = in_eq_uni_coeffs(l_skip, i, ef_mul(y, omega_sub));
    }
    EfVec s0(2 * n - 1, ef_zero());
    for (size_t s = 0; s < num_acc; ++s) add_into(s0, poly_mul(factors[s], idft_small(acc[s], l_skip)));
    return s0;
}

// After u_0: a stacked column's MLE in the cube variables, q^_c(u_0, x), and its total kernel
// K_c(u_0, x) (10.2), both as tables over H_n_stack. Slots occupy disjoint cube ranges of a column.
struct FoldedColumn {
    EfVec q;
    EfVec k;
};

std::vector<FoldedColumn> fold_round0(const std::vector<const StackedPcsData*>& commits, const std::vector<SlotTerm>& terms,
                                      const EfVec& r, uint32_t l_skip, uint32_t n_stack, const std::vector<EfVec>& eq_r,
                                      Ef u0) {
    const size_t n = size_t(1) << l_skip, cube = size_t(1) << n_stack;
    const EfVec lagrange = subgroup_lagrange(l_skip, u0);
    std::vector<FoldedColumn> cols;
    for (const StackedPcsData* d : commits)
        for (uint32_t c = 0; c < d->width(); ++c) cols.push_back({EfVec(cube, ef_zero()), EfVec(cube, ef_zero())});

    size_t offset = 0;
    for (const StackedPcsData* d : commits) {
        const uint32_t width = d->width();
        parallel_for(size_t(width) * cube, 256, [&](size_t begin, size_t end) {
            for (size_t idx = begin; idx < end; ++idx) {
                const size_t c = idx / cube, x = idx % cube;
                const uint32_t* chunk = d->matrix.data() + x * n * width + c;
                Ef acc = ef_zero();
                for (size_t a = 0; a < n; ++a)
                    acc = ef_add(acc, ef_mul_base(lagrange[a], fp_from_canonical(chunk[a * width])));
                cols[offset + c].q[x] = acc;
            }
        });
        offset += width;
    }

    const Ef r0 = r[0];
    const Ef omega = ef_from_base(fp_two_adic_generator(l_skip));
    const Ef c_eq = eq_uni(l_skip, u0, r0);
    const Ef c_rot = eq_uni(l_skip, u0, ef_mul(r0, omega));
    const Ef c_wrap = ef_mul(l1_uni(l_skip, ef_mul(r0, omega)), l1_uni(l_skip, u0));
    std::vector<size_t> commit_offset;
    offset = 0;
    for (const StackedPcsData* d : commits) {
        commit_offset.push_back(offset);
        offset += d->width();
    }
    for (const SlotTerm& tm : terms) {
        EfVec& k = cols[commit_offset[tm.commit] + tm.slot.stacked_col].k;
        const size_t x0 = tm.slot.row_idx >> l_skip;
        if (tm.n >= 0) {
            const EfVec& eq = eq_r[size_t(tm.n)];
            const size_t sub = eq.size();
            for (size_t x = 0; x < sub; ++x) {
                const Ef wrap = ef_sub(eq[(x + sub - 1) & (sub - 1)], eq[x]);
                const Ef rot = ef_add(ef_mul(c_rot, eq[x]), ef_mul(c_wrap, wrap));
                k[x0 + x] = ef_add(ef_mul(tm.lambda_eq, ef_mul(c_eq, eq[x])), ef_mul(tm.lambda_rot, rot));
            }
        } else {
            const uint32_t i = uint32_t(-tm.n), l = l_skip - i;
            const Ef y = ef_pow2k(r0, i);
            const Ef omega_sub = ef_from_base(fp_two_adic_generator(l));
            const Ef ind = l1_uni(i, ef_pow2k(u0, l));  // In_i(u_0)
            const Ef e = ef_mul(tm.lambda_eq, eq_uni(l, u0, y));
            const Ef rot = ef_mul(tm.lambda_rot, eq_uni(l, u0, ef_mul(y, omega_sub)));
            k[x0] = ef_mul(ind, ef_add(e, rot));
        }
    }
    return cols;
}

}  // namespace

EfVec u_cube_from_u(const EfVec& u, uint32_t l_skip) {
    EfVec out;
    Ef p = u.at(0);
    for (uint32_t i = 0; i < l_skip; ++i) {
        out.push_back(p);
        p = ef_square(p);
    }
    out.insert(out.end(), u.begin() + 1, u.end());
    return out;
}

StackedReductionOutput prove_stacked_reduction(Transcript& transcript, const std::vector<const StackedPcsData*>& commits,
                                               const EfVec& r, const std::vector<std::vector<bool>>& need_rot,
                                               uint32_t l_skip, uint32_t n_stack, Backend& backend) {
    ScopedSpan span("stacked_reduction");
    if (commits.empty()) throw std::invalid_argument("prove_stacked_reduction: no commitments");
    if (need_rot.size() != commits.size())
        throw std::invalid_argument("prove_stacked_reduction: need_rot has " + std::to_string(need_rot.size()) +
                                    " entries for " + std::to_string(commits.size()) + " commitments");
    int n_max = 0;
    for (size_t ci = 0; ci < commits.size(); ++ci) {
        const StackedPcsData& d = *commits[ci];
        if (d.l_skip != l_skip || d.n_stack != n_stack)
            throw std::invalid_argument("prove_stacked_reduction: commitment " + std::to_string(ci) +
                                        " was made with other l_skip/n_stack");
        if (need_rot[ci].size() != d.layout.num_matrices)
            throw std::invalid_argument("prove_stacked_reduction: need_rot[" + std::to_string(ci) + "] has " +
                                        std::to_string(need_rot[ci].size()) + " flags for " +
                                        std::to_string(d.layout.num_matrices) + " matrices");
        for (const StackedSlot& s : d.layout.slots) n_max = std::max(n_max, int(s.log_h) - int(l_skip));
    }
    if (r.size() < size_t(n_max) + 1)
        throw std::invalid_argument("prove_stacked_reduction: r needs " + std::to_string(n_max + 1) + " entries, found " +
                                    std::to_string(r.size()));

    StackedReductionOutput out;
    const Ef lambda = sample_ef(transcript);  // step 15

    // Global slot numbering: commit order, then layout order; slot j gets lambda^(2j) and,
    // when its matrix needs rotation, lambda^(2j+1) (the odd power stays reserved otherwise).
    std::vector<SlotTerm> terms;
    Ef lambda_pow = ef_one();
    for (size_t ci = 0; ci < commits.size(); ++ci)
        for (const StackedSlot& s : commits[ci]->layout.slots) {
            const Ef odd = ef_mul(lambda_pow, lambda);
            terms.push_back({ci, commits[ci], s, lambda_pow, need_rot[ci][s.matrix] ? odd : ef_zero(),
                             int(s.log_h) - int(l_skip)});
            lambda_pow = ef_mul(odd, lambda);
        }
    // eq(x, r_1..r_n) tables for every cube dimension n a slot can have.
    std::vector<EfVec> eq_r;
    for (int nn = 0; nn <= n_max; ++nn) eq_r.push_back(eq_table(EfVec(r.begin() + 1, r.begin() + 1 + nn)));

    out.proof.univariate_round_coeffs = round0_poly(terms, r, l_skip, eq_r);
    for (const Ef& c : out.proof.univariate_round_coeffs) observe_ef(transcript, c);  // step 16
    out.u.push_back(sample_ef(transcript));                                           // step 17

    // The multilinear rounds run on the backend's tables: (q_c, k_c) in pairs, column after column.
    std::unique_ptr<EfTables> tables;
    {
        std::vector<FoldedColumn> cols = fold_round0(commits, terms, r, l_skip, n_stack, eq_r, out.u[0]);
        const size_t cube = size_t(1) << n_stack;
        EfVec values(2 * cols.size() * cube);
        parallel_for(cols.size(), 1, [&](size_t begin, size_t end) {
            for (size_t c = begin; c < end; ++c) {
                std::copy(cols[c].q.begin(), cols[c].q.end(), values.begin() + 2 * c * cube);
                std::copy(cols[c].k.begin(), cols[c].k.end(), values.begin() + (2 * c + 1) * cube);
            }
        });
        tables = backend.ef_tables(values.data(), 2 * cols.size(), cube);
    }
    for (uint32_t round = 1; round <= n_stack; ++round) {  // step 18
        const std::array<Ef, 2> s = tables->pair_product_round();
        observe_ef(transcript, s[0]);
        observe_ef(transcript, s[1]);
        out.proof.sumcheck_round_polys.push_back({s[0], s[1]});
        const Ef u = sample_ef(transcript);
        out.u.push_back(u);
        tables->fold(u);
    }
    const EfVec bound = tables->read(0);  // q_c(u) at 2c, k_c(u) at 2c + 1
    size_t offset = 0;
    for (const StackedPcsData* d : commits) {  // step 19
        EfVec openings;
        for (uint32_t c = 0; c < d->width(); ++c) openings.push_back(bound[2 * (offset + c)]);
        for (const Ef& v : openings) observe_ef(transcript, v);
        out.proof.stacking_openings.push_back(std::move(openings));
        offset += d->width();
    }
    return out;
}

}  // namespace gpustark
