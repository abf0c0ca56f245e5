#include "stacked_reduction.h"
#include "subgroup.h"

#include <algorithm>
#include <memory>
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
    StackedSlot slot;
    Ef lambda_eq;
    Ef lambda_rot;  // zero when the matrix does not need rotation
    bool rot;       // whether the matrix needs rotation
    int n;          // log_h - l_skip, may be negative

    // The cube indices it occupies in its stacked column: a short slot (n < 0) holds one.
    size_t x_begin(uint32_t l_skip) const { return slot.row_idx >> l_skip; }
    size_t x_len() const { return n >= 0 ? size_t(1) << n : 1; }
};

// The slots of commit `commit` as the backend's passes over its matrix take them (one per term,
// in term order): a slot with n >= 0 spans 2^n chunks weighted by eq_r[n]; a short one (n < 0)
// holds one chunk, weighted by eq_r[0] = (1). term_index gets each slot's index into `terms`.
std::vector<StackedSlotSums> commit_slots(const std::vector<SlotTerm>& terms, size_t commit, uint32_t l_skip,
                                          std::vector<size_t>& term_index) {
    std::vector<StackedSlotSums> slots;
    for (size_t ti = 0; ti < terms.size(); ++ti) {
        const SlotTerm& tm = terms[ti];
        if (tm.commit != commit) continue;
        if (tm.n >= 0) slots.push_back({tm.slot.stacked_col, tm.x_begin(l_skip), tm.x_len(), uint32_t(tm.n), tm.rot});
        else slots.push_back({tm.slot.stacked_col, tm.x_begin(l_skip), 1, 0, false});
        term_index.push_back(ti);
    }
    return slots;
}

using Matrices = std::vector<std::shared_ptr<StackedMatrix>>;  // one per commit

// Every slot's term in the global slot numbering (commit order, then layout order), without its
// lambda powers (set_lambda_powers, once lambda is sampled).
std::vector<SlotTerm> slot_terms(const std::vector<const StackedPcsData*>& commits,
                                 const std::vector<std::vector<bool>>& need_rot, uint32_t l_skip) {
    std::vector<SlotTerm> terms;
    for (size_t ci = 0; ci < commits.size(); ++ci)
        for (const StackedSlot& s : commits[ci]->layout.slots) {
            const bool rot = need_rot[ci][s.matrix];
            terms.push_back({ci, s, ef_zero(), ef_zero(), rot, int(s.log_h) - int(l_skip)});
        }
    return terms;
}

// Slot j gets lambda^(2j) and, when its matrix needs rotation, lambda^(2j+1) (the odd power stays
// reserved otherwise).
void set_lambda_powers(std::vector<SlotTerm>& terms, Ef lambda) {
    Ef lambda_pow = ef_one();
    for (SlotTerm& tm : terms) {
        const Ef odd = ef_mul(lambda_pow, lambda);
        tm.lambda_eq = lambda_pow;
        tm.lambda_rot = tm.rot ? odd : ef_zero();
        lambda_pow = ef_mul(odd, lambda);
    }
}

// One commit's slot sums over D: S[a] = sum_x eq[x] v(x, a) and, with rotation,
// T[a] = sum_x eq[x - 1] v(x, a) (kappa_rot's cube part is rot - eq), from the backend's copy of
// the matrix; slot j of the commit is term term_index[j].
struct CommitSlotSums {
    std::vector<size_t> term_index;
    EfVec s, t;  // 2^l_skip values per slot
};

// They need only r, not lambda: the device computes them before lambda is sampled, while the
// transcript may still be absorbing the column openings (Transcript::observe_in_background).
std::vector<CommitSlotSums> slot_sums(const Matrices& matrices, const std::vector<SlotTerm>& terms, uint32_t l_skip,
                                      const std::vector<EfVec>& eq_r) {
    const size_t n = size_t(1) << l_skip;
    std::vector<CommitSlotSums> out(matrices.size());
    for (size_t ci = 0; ci < matrices.size(); ++ci) {
        const std::vector<StackedSlotSums> slots = commit_slots(terms, ci, l_skip, out[ci].term_index);
        out[ci].s.resize(slots.size() * n);
        out[ci].t.resize(slots.size() * n);
        matrices[ci]->slot_sums(slots, eq_r, out[ci].s.data(), out[ci].t.data());
    }
    return out;
}

EfVec round0_poly(const std::vector<CommitSlotSums>& sums, const std::vector<SlotTerm>& terms, const EfVec& r,
                  uint32_t l_skip) {
    const size_t n = size_t(1) << l_skip;
    // Accumulators in evaluation form on D: 0..2 for slots with n >= 0 (the eq part and the two
    // parts of kappa_rot), 3 + 2(i - 1) + {0, 1} for short slots with n = -i.
    const size_t num_acc = 3 + 2 * size_t(l_skip);
    std::vector<EfVec> acc(num_acc, EfVec(n, ef_zero()));
    // Each point a of D on its own thread: thousands of slots (one per trace column) each add
    // a few extension products to every point's accumulators.
    parallel_for(n, 1, [&](size_t a_begin, size_t a_end) {
        for (const CommitSlotSums& commit : sums) {
            for (size_t j = 0; j < commit.term_index.size(); ++j) {
                const SlotTerm& tm = terms[commit.term_index[j]];
                const Ef* sv = commit.s.data() + j * n;
                const Ef* tv = commit.t.data() + j * n;
                for (size_t a = a_begin; a < a_end; ++a) {
                    if (tm.n < 0) {
                        const size_t base = 3 + 2 * size_t(-tm.n - 1);
                        acc[base][a] = ef_add(acc[base][a], ef_mul(tm.lambda_eq, sv[a]));
                        acc[base + 1][a] = ef_add(acc[base + 1][a], ef_mul(tm.lambda_rot, sv[a]));
                        continue;
                    }
                    acc[0][a] = ef_add(acc[0][a], ef_mul(tm.lambda_eq, sv[a]));
                    if (tm.rot) {
                        acc[1][a] = ef_add(acc[1][a], ef_mul(tm.lambda_rot, sv[a]));
                        acc[2][a] = ef_add(acc[2][a], ef_mul(tm.lambda_rot, ef_sub(tv[a], sv[a])));
                    }
                }
            }
        }
    });

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

// After u_0 the multilinear rounds work on two tables per stacked column c (commit order, then
// column order): table 2c is the column's MLE in the cube variables, q^_c(u_0, x), and table
// 2c + 1 its total kernel K_c(u_0, x) (PROTOCOL 10 step 2), both over H_n_stack.

// A term's kernel in the cube variables after u_0. n >= 0: K(x) = eq eq[x] + wrap (eq[x - 1] -
// eq[x]), the eq and rotation parts gathered into two coefficients; short: K(x_begin) = eq.
std::vector<StackedKernelCoeffs> kernel_coeffs(const std::vector<SlotTerm>& terms, const EfVec& r, uint32_t l_skip, Ef u0) {
    const Ef r0 = r[0];
    const Ef omega = ef_from_base(fp_two_adic_generator(l_skip));
    const Ef c_eq = eq_uni(l_skip, u0, r0);
    const Ef c_rot = eq_uni(l_skip, u0, ef_mul(r0, omega));
    const Ef c_wrap = ef_mul(l1_uni(l_skip, ef_mul(r0, omega)), l1_uni(l_skip, u0));
    std::vector<StackedKernelCoeffs> out;
    for (const SlotTerm& tm : terms) {
        if (tm.n >= 0) {
            // lambda_eq c_eq eq[x] + lambda_rot (c_rot eq[x] + c_wrap (eq[x-1] - eq[x]))
            out.push_back({ef_add(ef_mul(tm.lambda_eq, c_eq), ef_mul(tm.lambda_rot, c_rot)), ef_mul(tm.lambda_rot, c_wrap)});
        } else {
            const uint32_t i = uint32_t(-tm.n), l = l_skip - i;
            const Ef y = ef_pow2k(r0, i);
            const Ef omega_sub = ef_from_base(fp_two_adic_generator(l));
            const Ef ind = l1_uni(i, ef_pow2k(u0, l));  // In_i(u_0)
            const Ef e = ef_mul(tm.lambda_eq, eq_uni(l, u0, y));
            const Ef rot = ef_mul(tm.lambda_rot, eq_uni(l, u0, ef_mul(y, omega_sub)));
            out.push_back({ef_mul(ind, ef_add(e, rot)), ef_zero()});
        }
    }
    return out;
}

// Per commit, its 2 x (stacked columns) tables of length 2^n_stack on the backend: the columns'
// MLEs and their kernels, from the backend's copy of the matrix and the kernels' coefficients.
std::vector<std::unique_ptr<EfTables>> round1_tables(const Matrices& matrices, const std::vector<SlotTerm>& terms,
                                                     const EfVec& r, uint32_t l_skip, const std::vector<EfVec>& eq_r,
                                                     Ef u0) {
    const EfVec lagrange = subgroup_lagrange(l_skip, u0);
    const std::vector<StackedKernelCoeffs> coeffs = kernel_coeffs(terms, r, l_skip, u0);
    std::vector<std::unique_ptr<EfTables>> out;
    for (size_t ci = 0; ci < matrices.size(); ++ci) {
        std::vector<size_t> slot_terms;
        const std::vector<StackedSlotSums> slots = commit_slots(terms, ci, l_skip, slot_terms);
        std::vector<StackedKernelCoeffs> slot_coeffs;
        for (size_t ti : slot_terms) slot_coeffs.push_back(coeffs[ti]);
        out.push_back(matrices[ci]->column_tables(lagrange, slots, eq_r, slot_coeffs));
    }
    return out;
}

// Step 18 over several commits' tables: each round's sums add over them before the transcript
// sees them, so the rounds go one by one through the host transcript.
void rounds_over_commits(Transcript& transcript, const std::vector<std::unique_ptr<EfTables>>& tables,
                         uint32_t n_stack, StackedReductionOutput& out) {
    for (uint32_t round = 1; round <= n_stack; ++round) {
        std::array<Ef, 2> s = {ef_zero(), ef_zero()};
        for (const auto& t : tables) {
            const std::array<Ef, 2> part = t->pair_product_round();
            s[0] = ef_add(s[0], part[0]);
            s[1] = ef_add(s[1], part[1]);
        }
        observe_ef(transcript, s[0]);
        observe_ef(transcript, s[1]);
        out.proof.sumcheck_round_polys.push_back({s[0], s[1]});
        const Ef u = sample_ef(transcript);
        out.u.push_back(u);
        for (const auto& t : tables) t->fold(u);
    }
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

    // WHIR opens every commitment's codeword rows after this reduction: a device that dropped a
    // codeword once it was hashed starts making it again now, beside the reduction's rounds.
    for (const StackedPcsData* d : commits) d->tree.prepare_rows();

    StackedReductionOutput out;
    std::vector<SlotTerm> terms = slot_terms(commits, need_rot, l_skip);
    // eq(x, r_1..r_n) tables for every cube dimension n a slot can have.
    std::vector<EfVec> eq_r;
    for (int nn = 0; nn <= n_max; ++nn) eq_r.push_back(eq_table(EfVec(r.begin() + 1, r.begin() + 1 + nn)));

    // Each commit's matrix on this backend: the copy its commitment left there, else a new one.
    Matrices matrices;
    for (const StackedPcsData* d : commits) matrices.push_back(stacked_on(*d, backend));
    const std::vector<CommitSlotSums> sums = slot_sums(matrices, terms, l_skip, eq_r);
    set_lambda_powers(terms, sample_ef(transcript));  // step 15
    out.proof.univariate_round_coeffs = round0_poly(sums, terms, r, l_skip);
    for (const Ef& c : out.proof.univariate_round_coeffs) observe_ef(transcript, c);  // step 16
    out.u.push_back(sample_ef(transcript));                                           // step 17

    // The multilinear rounds run on the backend's tables: per commit, (q_c, k_c) in pairs, column
    // after column; a round's sums add over the commits. One commit's tables run all the rounds in
    // one call (EfTables::transcript_rounds: on a GPU asked to, with the transcript's sponge there).
    std::vector<std::unique_ptr<EfTables>> tables = round1_tables(matrices, terms, r, l_skip, eq_r, out.u[0]);
    if (tables.size() == 1) {  // step 18
        const SumcheckRounds rounds =
            tables[0]->transcript_rounds(transcript, SumcheckRoundKind::PairProduct, ef_zero(), n_stack);
        for (const auto& s : rounds.sums) out.proof.sumcheck_round_polys.push_back({s[0], s[1]});
        out.u.insert(out.u.end(), rounds.challenges.begin(), rounds.challenges.end());
    } else {
        rounds_over_commits(transcript, tables, n_stack, out);
    }
    EfVec bound;  // q_c(u) at 2c, k_c(u) at 2c + 1, commit after commit
    for (const auto& t : tables) {
        const EfVec part = t->read(0);
        bound.insert(bound.end(), part.begin(), part.end());
    }
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
