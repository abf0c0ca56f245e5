#include "whir.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "../core/parallel.h"
#include "../core/spans.h"
#include "../core/host_memory.h"
#include "../core/lazy_sum.h"

namespace gpustark {

namespace {

// Applies a[i] = op(a[i], a[i ^ step]) to every i with the step bit set, step = 1, 2, 4, ..: the
// subset zeta (op = add) or Moebius (op = sub) transform over the index bits. The low steps run
// inside cache-sized blocks; the high steps see the table as rows of one block and combine whole
// rows, each task on its own strip of columns. The steps commute, so any split gives equal values.
template <class Op>
void subset_transform(Ef* a, size_t size, Op op) {
    if (size < 2) return;
    const size_t block = std::min<size_t>(size, size_t(1) << 12), rows = size / block;
    parallel_for(rows, 1, [&](size_t b0, size_t b1) {
        for (size_t b = b0; b < b1; ++b) {
            Ef* p = a + b * block;
            for (size_t step = 1; step < block; step <<= 1)
                for (size_t i0 = 0; i0 < block; i0 += 2 * step)
                    for (size_t i = i0 + step; i < i0 + 2 * step; ++i) p[i] = op(p[i], p[i - step]);
        }
    });
    if (rows == 1) return;
    const size_t strip = 64;  // columns per task: rows x strip values stay in cache across steps
    parallel_for(block / strip, 1, [&](size_t s0, size_t s1) {
        for (size_t s = s0; s < s1; ++s)
            for (size_t step = 1; step < rows; step <<= 1)
                for (size_t r0 = 0; r0 < rows; r0 += 2 * step)
                    for (size_t r = r0 + step; r < r0 + 2 * step; ++r) {
                        Ef* dst = a + r * block + s * strip;
                        const Ef* src = dst - step * block;
                        for (size_t j = 0; j < strip; ++j) dst[j] = op(dst[j], src[j]);
                    }
    });
}

void subset_zeta(Ef* a, size_t size) { subset_transform(a, size, [](Ef x, Ef y) { return ef_add(x, y); }); }

// K_u(b) = prod_i ((1 - 2 u_i)(1 - b_i) + u_i b_i), written to out (2^|u| values).
void mobius_eq_table_into(const EfVec& u, Ef* out) {
    std::vector<EfPair> factors;
    for (const Ef& ui : u) factors.push_back({ef_sub(ef_one(), ef_add(ui, ui)), ui});
    product_table_into(factors, out);
}

}  // namespace

void coeffs_to_evals(EfVec& a) { subset_zeta(a.data(), a.size()); }

void evals_to_coeffs(EfVec& a) { subset_transform(a.data(), a.size(), [](Ef x, Ef y) { return ef_sub(x, y); }); }

EfVec mobius_eq_table(const EfVec& u) {
    EfVec table(size_t(1) << u.size());
    mobius_eq_table_into(u, table.data());
    return table;
}

namespace {

// f = sum_J mu^J f~_J in evaluation form on H_m, written to f: batch the RS messages
// (coefficient tables, commit order then column order; each commit where its backend keeps it),
// then one zeta transform (it is linear).
void batched_evals(const std::vector<const StackedPcsData*>& commits, Ef mu, Backend& backend, Ef* f) {
    const size_t height = commits[0]->height();
    EfVec part;  // a later commit's share, added into f
    Ef p = ef_one();
    for (size_t ci = 0; ci < commits.size(); ++ci) {
        const StackedPcsData& d = *commits[ci];
        EfVec mu_pows;  // mu^J for this commit's columns
        for (uint32_t c = 0; c < d.width(); ++c) {
            mu_pows.push_back(p);
            p = ef_mul(p, mu);
        }
        if (ci == 0) {
            stacked_on(d, backend)->batched_message(mu_pows, f);
            continue;
        }
        part.resize(height);
        stacked_on(d, backend)->batched_message(mu_pows, part.data());
        parallel_for(height, 4096, [&](size_t b, size_t e) {
            for (size_t i = b; i < e; ++i) f[i] = ef_add(f[i], part[i]);
        });
    }
    subset_zeta(f, height);
}

// The coefficients as a rows x 4 canonical matrix (one EF per row): the message whose RS
// codeword (zero-padded to 2^log_rows rows) the next round commits. EF twiddles are base-field
// elements, so the transform acts limb by limb: a batch of 4 columns.
std::vector<uint32_t> ef_message(const EfVec& coeffs) {
    std::vector<uint32_t> message(coeffs.size() * 4);
    parallel_for(coeffs.size(), 4096, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) ef_store(message.data() + 4 * i, coeffs[i]);
    });
    return message;
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
        const size_t n = commits[0]->height();
        const std::unique_ptr<Ef[]> fw = uninitialized_buffer<Ef>(2 * n);  // f, then w: both written in full
        batched_evals(commits, mu, backend, fw.get());
        mobius_eq_table_into(u_cube, fw.get() + n);
        tables = backend.ef_tables(fw.get(), 2, n);
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
            const std::vector<uint32_t> message = ef_message(g);
            tree = backend.encode_and_commit(message.data(), g.size(), 4, log_rs - 1, k);
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
