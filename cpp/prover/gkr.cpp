// The LogUp-GKR fractional sumcheck (PROTOCOL 8.2-8.3). Layer J holds the leaves; node x of layer
// j-1 is child(2x) + child(2x+1) with (p1, q1) + (p2, q2) = (p1 q2 + p2 q1, q1 q2). Round j proves
// the layer-(j-1) claim from layer j with a degree-3 sumcheck over y, binding y's lowest bit first.
#include "rap.h"

namespace gpustark {
namespace {

Ef interpolate_linear(Ef v0, Ef v1, Ef x) { return ef_add(v0, ef_mul(x, ef_sub(v1, v0))); }

}  // namespace

GkrOutput prove_fraction_tree(Transcript& transcript, FractionTree& tree, GkrProofData& proof) {
    // Every layer where the backend built the tree (core/fraction_tree.h); single nodes come back.
    const size_t depth = tree.depth();  // J = l_skip + n_logup >= 1

    // Round 1: the root's two children.
    proof.q0_claim = tree.node(0, 0)[1];
    observe_ef(transcript, proof.q0_claim);
    const std::array<Ef, 2> left = tree.node(1, 0), right = tree.node(1, 1);
    for (Ef v : {left[0], left[1], right[0], right[1]}) observe_ef(transcript, v);
    proof.claims_per_layer.push_back({left[0], right[0], left[1], right[1]});
    Ef mu = sample_ef(transcript);
    EfVec xi = {mu};
    Ef claim_p = interpolate_linear(left[0], right[0], mu);
    Ef claim_q = interpolate_linear(left[1], right[1], mu);

    for (size_t j = 2; j <= depth; ++j) {
        // Five tables on the backend's device: p0, p1, q0, q1 (layer j's even and odd children)
        // and eq(xi, .); each round observes s(1..3) and folds them all with its challenge
        // (EfTables::transcript_rounds: on a GPU asked to, with the transcript's sponge there).
        std::unique_ptr<EfTables> tables = tree.layer_tables(j, xi);
        Ef lambda = sample_ef(transcript);
        SumcheckRounds rounds = tables->transcript_rounds(transcript, SumcheckRoundKind::Fraction, lambda, j - 1);
        std::vector<std::array<Ef, 3>> polys = std::move(rounds.sums);
        EfVec rho = std::move(rounds.challenges);
        EfVec last = tables->read(0);
        Ef p0 = last[0], p1 = last[1], q0 = last[2], q1 = last[3];
        for (Ef v : {p0, q0, p1, q1}) observe_ef(transcript, v);
        proof.claims_per_layer.push_back({p0, p1, q0, q1});
        proof.sumcheck_polys.push_back(polys);
        mu = sample_ef(transcript);
        xi.assign(1, mu);
        xi.insert(xi.end(), rho.begin(), rho.end());
        claim_p = interpolate_linear(p0, p1, mu);
        claim_q = interpolate_linear(q0, q1, mu);
    }
    return {xi, claim_p, claim_q};
}

}  // namespace gpustark
