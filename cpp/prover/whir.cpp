#include "whir.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "../core/parallel.h"
#include "../core/spans.h"

namespace gpustark {

void coeffs_to_evals(EfVec& a) {
    for (size_t step = 1; step < a.size(); step <<= 1)
        for (size_t i = 0; i < a.size(); ++i)
            if (i & step) a[i] = ef_add(a[i], a[i ^ step]);
}

void evals_to_coeffs(EfVec& a) {
    for (size_t step = 1; step < a.size(); step <<= 1)
        for (size_t i = 0; i < a.size(); ++i)
            if (i & step) a[i] = ef_sub(a[i], a[i ^ step]);
}

EfVec mobius_eq_table(const EfVec& u) {
    EfVec table(size_t(1) << u.size());
    table[0] = ef_one();
    for (size_t i = 0; i < u.size(); ++i) {
        const size_t half = size_t(1) << i;
        const Ef w1 = u[i], w0 = ef_sub(ef_one(), ef_add(u[i], u[i]));
        for (size_t j = 0; j < half; ++j) {
            table[j + half] = ef_mul(table[j], w1);
            table[j] = ef_mul(table[j], w0);
        }
    }
    return table;
}

namespace {

// f = sum_J mu^J f~_J in evaluation form on H_m: batch the RS messages (coefficient tables,
// commit order then column order), then one zeta transform (it is linear).
EfVec batched_evals(const std::vector<const StackedPcsData*>& commits, Ef mu) {
    std::vector<const StackedPcsData*> owner;
    std::vector<uint32_t> column;
    EfVec mu_pows;
    Ef p = ef_one();
    for (const StackedPcsData* d : commits)
        for (uint32_t c = 0; c < d->width(); ++c) {
            owner.push_back(d);
            column.push_back(c);
            mu_pows.push_back(p);
            p = ef_mul(p, mu);
        }
    EfVec f(commits[0]->height());
    parallel_for(f.size(), 1024, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
            Ef acc = ef_zero();
            for (size_t j = 0; j < owner.size(); ++j) {
                const StackedPcsData& d = *owner[j];
                acc = ef_add(acc, ef_mul_base(mu_pows[j], fp_from_canonical(d.message[i * d.width() + column[j]])));
            }
            f[i] = acc;
        }
    });
    coeffs_to_evals(f);
    return f;
}

// Evaluations of the univariate polynomial with coefficients `coeffs` (zero-padded) on
// <omega_log_rows>, natural order, as a rows x 4 canonical matrix (one EF per row).
std::vector<uint32_t> encode_ef(const EfVec& coeffs, uint32_t log_rows, Backend& backend) {
    std::vector<uint32_t> cw((size_t(1) << log_rows) * 4, 0);
    for (size_t i = 0; i < coeffs.size(); ++i) ef_store(cw.data() + 4 * i, coeffs[i]);
    // EF twiddles are base-field elements, so the transform acts limb by limb: batch of 4.
    backend.ntt(cw.data(), NttShape{log_rows, 4}, /*inverse=*/false, /*shift=*/1);
    return cw;
}

void append(std::vector<uint32_t>& out, const std::vector<uint32_t>& v) { out.insert(out.end(), v.begin(), v.end()); }

}  // namespace

WhirProof prove_whir(Transcript& transcript, const std::vector<const StackedPcsData*>& commits, const EfVec& u_cube,
                     const WhirParams& params, Backend& backend) {
    ScopedSpan span("whir");
    if (commits.empty()) throw std::invalid_argument("prove_whir: no commitments");
    const uint32_t m = commits[0]->log_stacked_height(), log_blowup = commits[0]->log_blowup, k = params.k;
    const size_t rounds = params.num_queries.size();
    for (const StackedPcsData* d : commits)
        if (d->log_stacked_height() != m || d->log_blowup != log_blowup || d->k != k)
            throw std::invalid_argument("prove_whir: commitments must share m, log_blowup and k = params.k");
    if (u_cube.size() != m)
        throw std::invalid_argument("prove_whir: u_cube has " + std::to_string(u_cube.size()) + " entries, expected m = " +
                                    std::to_string(m));
    if (rounds == 0 || k == 0 || size_t(k) * rounds > m)
        throw std::invalid_argument("prove_whir: need 1 <= R rounds of k >= 1 with k R <= m");

    WhirProof proof;
    proof.mu_pow_witness = transcript.grind(params.mu_pow_bits, backend);  // step 20
    const Ef mu = sample_ef(transcript);
    // f and w as one pair of tables on the backend's device, folded together round by round.
    std::unique_ptr<EfTables> tables;
    {
        EfVec f = batched_evals(commits, mu), w = mobius_eq_table(u_cube);
        const size_t n = f.size();
        f.insert(f.end(), w.begin(), w.end());
        tables = backend.ef_tables(f.data(), 2, n);
    }
    proof.initial_round_opened_rows.resize(commits.size());
    proof.initial_round_merkle_proofs.resize(commits.size());

    MerkleTree prev_tree;  // the previous round's g codeword tree (rounds >= 1)
    uint32_t log_rs = m + log_blowup;
    for (size_t round = 0; round < rounds; ++round) {  // step 21
        const bool last = round + 1 == rounds;
        for (uint32_t sub = 0; sub < k; ++sub) {
            const std::array<Ef, 2> s = tables->pair_product_round();
            observe_ef(transcript, s[0]);
            observe_ef(transcript, s[1]);
            proof.whir_sumcheck_polys.push_back({s[0], s[1]});
            proof.folding_pow_witnesses.push_back(transcript.grind(params.folding_pow_bits, backend));
            const Ef alpha = sample_ef(transcript);
            tables->fold(alpha);
        }
        // g = f(alpha, .) in coefficient form: the next codeword's message / the final polynomial.
        EfVec g = tables->table(0);
        evals_to_coeffs(g);
        MerkleTree tree;
        Ef z0 = ef_zero();
        if (!last) {
            const std::vector<uint32_t> cw = encode_ef(g, log_rs - 1, backend);
            tree = backend.merkle_tree(cw.data(), size_t(1) << (log_rs - 1), 4, k);
            const Digest root = tree.root();
            transcript.observe_many(root);
            proof.codeword_commits.push_back(root);
            z0 = sample_ef(transcript);
            const Ef y0 = horner(g, z0);  // sum_S g_S z0^S: the univariate reading of g
            observe_ef(transcript, y0);
            proof.ood_values.push_back(y0);
        } else {
            for (const Ef& c : g) observe_ef(transcript, c);
            proof.final_poly = g;
        }
        proof.query_phase_pow_witnesses.push_back(transcript.grind(params.query_phase_pow_bits, backend));
        const uint32_t query_bits = log_rs - k;
        std::vector<uint32_t> indices;
        for (uint32_t q = 0; q < params.num_queries[round]; ++q) indices.push_back(transcript.sample_bits(query_bits));

        // Openings are hints (not observed): round 0 opens every commitment's codeword rows.
        if (round == 0) {
            for (size_t ci = 0; ci < commits.size(); ++ci)
                for (uint32_t idx : indices) {
                    const MerkleOpening o = commits[ci]->tree.open(idx);
                    append(proof.initial_round_opened_rows[ci], o.rows);
                    append(proof.initial_round_merkle_proofs[ci], o.path);
                }
        } else {
            std::vector<uint32_t> values, paths;
            for (uint32_t idx : indices) {
                const MerkleOpening o = prev_tree.open(idx);
                append(values, o.rows);
                append(paths, o.path);
            }
            proof.codeword_opened_values.push_back(std::move(values));
            proof.codeword_merkle_proofs.push_back(std::move(paths));
        }

        const Ef gamma = sample_ef(transcript);  // sampled in the last round too
        if (!last) {
            // New constraints: g(z0) = y0 with weight gamma, g(z_q) with gamma^(q+2), where
            // z_q = omega_{log|L| - k}^idx_q is the folded query point.
            tables->add_eq_powers(1, z0, gamma);
            const Fp omega = fp_two_adic_generator(query_bits);
            Ef weight = ef_mul(gamma, gamma);
            for (uint32_t idx : indices) {
                tables->add_eq_powers(1, ef_from_base(fp_pow(omega, idx)), weight);
                weight = ef_mul(weight, gamma);
            }
            prev_tree = std::move(tree);
        }
        log_rs -= 1;
    }
    return proof;
}

}  // namespace gpustark
