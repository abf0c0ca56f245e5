#include "whir.h"

#include <memory>
#include <stdexcept>
#include <string>

#include "../core/host_memory.h"
#include "../core/parallel.h"
#include "../core/spans.h"
#include "../core/subset_transform.h"

namespace gpustark {

namespace {

// The factors of K_u: (1 - 2 u_i, u_i) for variable i.
std::vector<EfPair> mobius_eq_factors(const EfVec& u) {
    std::vector<EfPair> factors;
    for (const Ef& ui : u) factors.push_back({ef_sub(ef_one(), ef_add(ui, ui)), ui});
    return factors;
}

}  // namespace

void coeffs_to_evals(EfVec& a) { host_subset_transform(a.data(), a.size(), false); }

void evals_to_coeffs(EfVec& a) { host_subset_transform(a.data(), a.size(), true); }

EfVec mobius_eq_table(const EfVec& u) { return product_table(mobius_eq_factors(u)); }

namespace {

// mu^J for every commit's columns: commit order, then column order.
std::vector<EfVec> batching_weights(const std::vector<const StackedPcsData*>& commits, Ef mu) {
    std::vector<EfVec> weights;
    Ef p = ef_one();
    for (const StackedPcsData* d : commits) {
        weights.emplace_back();
        for (uint32_t c = 0; c < d->width(); ++c) {
            weights.back().push_back(p);
            p = ef_mul(p, mu);
        }
    }
    return weights;
}

// Table 0 of `tables` = sum_J mu^J f~_J in coefficient form, the RS messages of every commit
// batched: on the device when every commit's matrix shares it with the tables, else through host
// memory (each commit batched where its backend keeps it, the later ones added on the host).
void write_batched_coefficients(const std::vector<const StackedPcsData*>& commits, Ef mu, Backend& backend,
                                EfTables& tables) {
    const std::vector<EfVec> weights = batching_weights(commits, mu);
    std::vector<std::shared_ptr<StackedMatrix>> matrices;
    for (const StackedPcsData* d : commits) matrices.push_back(stacked_on(*d, backend));
    bool on_device = true;
    for (size_t ci = 0; ci < commits.size() && on_device; ++ci)
        on_device = matrices[ci]->batched_message_into(weights[ci], tables, 0, ci > 0);
    if (on_device) return;
    const size_t height = commits[0]->height();
    HostVector<Ef> f = uninitialized_vector<Ef>(height);
    EfVec part;
    for (size_t ci = 0; ci < commits.size(); ++ci) {
        if (ci == 0) {
            matrices[ci]->batched_message(weights[ci], f.data());
            continue;
        }
        part.resize(height);
        matrices[ci]->batched_message(weights[ci], part.data());
        parallel_for(height, 4096, [&](size_t b, size_t e) {
            for (size_t i = b; i < e; ++i) f[i] = ef_add(f[i], part[i]);
        });
    }
    tables.write_table(0, f.data());
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
    // f and w as one pair of tables on the backend's device, folded together round by round:
    // f = sum_J mu^J f~_J in evaluation form on H_m (the zeta transform is linear, so it follows
    // the batching), w the Moebius-eq table K_{u_cube}.
    std::unique_ptr<EfTables> tables = backend.ef_tables(nullptr, 2, commits[0]->height());
    write_batched_coefficients(commits, mu, backend, *tables);
    tables->subset_transform(0, false);
    tables->set_product_table(1, mobius_eq_factors(u_cube));
    proof.initial_round_opened_rows.resize(commits.size());
    proof.initial_round_merkle_proofs.resize(commits.size());

    MerkleTree prev_tree;  // the previous round's g codeword tree (rounds >= 1)
    uint32_t log_rs = m + log_blowup;
    for (size_t round = 0; round < rounds; ++round) {  // step 21
        const bool last = round + 1 == rounds;
        // k sumcheck rounds, each: s(1), s(2) observed, a folding grind, alpha sampled, f and w
        // folded by it (EfTables::transcript_rounds).
        const SumcheckRounds folds = tables->transcript_rounds(transcript, SumcheckRoundKind::PairProduct, ef_zero(), k,
                                                               {params.folding_pow_bits, &backend});
        for (uint32_t sub = 0; sub < k; ++sub) {
            proof.whir_sumcheck_polys.push_back({folds.sums[sub][0], folds.sums[sub][1]});
            proof.folding_pow_witnesses.push_back(params.folding_pow_bits ? folds.witnesses[sub] : 0);
        }
        // g = f(alpha, .) in coefficient form, beside f on the device: the next codeword's
        // message (one Ef per row) / the final polynomial.
        const std::unique_ptr<EfTables> g = tables->copy_table(0);
        g->subset_transform(0, true);
        MerkleTree tree;
        Ef z0 = ef_zero();
        if (!last) {
            tree = g->commit_table(0, log_rs - 1, k);
            const Digest root = tree.root();
            transcript.observe_many(root);
            proof.codeword_commits.push_back(root);
            z0 = sample_ef(transcript);
            const Ef y0 = g->power_sum(0, z0);  // sum_S g_S z0^S: the univariate reading of g
            observe_ef(transcript, y0);
            proof.ood_values.push_back(y0);
        } else {
            proof.final_poly = g->table(0);
            for (const Ef& c : proof.final_poly) observe_ef(transcript, c);
        }
        proof.query_phase_pow_witnesses.push_back(transcript.grind(params.query_phase_pow_bits, backend));
        const uint32_t query_bits = log_rs - k;
        std::vector<uint32_t> indices;
        for (uint32_t q = 0; q < params.num_queries[round]; ++q) indices.push_back(transcript.sample_bits(query_bits));

        // Openings are hints (not observed): round 0 opens every commitment's codeword rows.
        // Each tree reads all of a round's openings at once (one device read on a GPU).
        const std::vector<size_t> queries(indices.begin(), indices.end());
        if (round == 0) {
            for (size_t ci = 0; ci < commits.size(); ++ci)
                for (const MerkleOpening& o : commits[ci]->tree.open_many(queries)) {
                    append(proof.initial_round_opened_rows[ci], o.rows);
                    append(proof.initial_round_merkle_proofs[ci], o.path);
                }
        } else {
            std::vector<uint32_t> values, paths;
            for (const MerkleOpening& o : prev_tree.open_many(queries)) {
                append(values, o.rows);
                append(paths, o.path);
            }
            proof.codeword_opened_values.push_back(std::move(values));
            proof.codeword_merkle_proofs.push_back(std::move(paths));
        }

        const Ef gamma = sample_ef(transcript);  // sampled in the last round too
        if (!last) {
            // New constraints: g(z0) = y0 with weight gamma, g(z_q) with gamma^(q+2), where
            // z_q = omega_{log|L| - k}^idx_q is the folded query point; added to w at once.
            std::vector<Ef> points = {z0}, weights = {gamma};
            const Fp omega = fp_two_adic_generator(query_bits);
            for (uint32_t idx : indices) {
                points.push_back(ef_from_base(fp_pow(omega, idx)));
                weights.push_back(ef_mul(weights.back(), gamma));
            }
            tables->add_eq_powers(1, points, weights);
            prev_tree = std::move(tree);
        }
        log_rs -= 1;
    }
    return proof;
}

}  // namespace gpustark
