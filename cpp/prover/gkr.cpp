// The LogUp-GKR fractional sumcheck (PROTOCOL 8.2-8.3). Layer J holds the leaves; node x of layer
// j-1 is child(2x) + child(2x+1) with (p1, q1) + (p2, q2) = (p1 q2 + p2 q1, q1 q2). Round j proves
// the layer-(j-1) claim from layer j with a degree-3 sumcheck over y, binding y's lowest bit first.
#include "rap.h"

namespace gpustark {
namespace {

struct FractionLayer {
    EfVec p, q;
};

std::vector<FractionLayer> build_layers(const EfVec& p, const EfVec& q) {
    size_t depth = 0;
    while ((size_t(1) << depth) < p.size()) ++depth;
    std::vector<FractionLayer> layers(depth + 1);
    layers[depth] = {p, q};
    for (size_t j = depth; j > 0; --j) {
        const FractionLayer& child = layers[j];
        FractionLayer& parent = layers[j - 1];
        size_t n = child.p.size() / 2;
        parent.p.resize(n);
        parent.q.resize(n);
        for (size_t x = 0; x < n; ++x) {
            Ef p0 = child.p[2 * x], p1 = child.p[2 * x + 1], q0 = child.q[2 * x], q1 = child.q[2 * x + 1];
            parent.p[x] = ef_add(ef_mul(p0, q1), ef_mul(p1, q0));
            parent.q[x] = ef_mul(q0, q1);
        }
    }
    return layers;
}

Ef interpolate_linear(Ef v0, Ef v1, Ef x) { return ef_add(v0, ef_mul(x, ef_sub(v1, v0))); }

}  // namespace

GkrOutput prove_fraction_tree(Transcript& transcript, const EfVec& p, const EfVec& q, GkrProofData& proof,
                              Backend& backend) {
    std::vector<FractionLayer> layers = build_layers(p, q);
    const size_t depth = layers.size() - 1;  // J = l_skip + n_logup >= 1

    // Round 1: the root's two children.
    proof.q0_claim = layers[0].q[0];
    observe_ef(transcript, proof.q0_claim);
    const FractionLayer& first = layers[1];
    for (Ef v : {first.p[0], first.q[0], first.p[1], first.q[1]}) observe_ef(transcript, v);
    proof.claims_per_layer.push_back({first.p[0], first.p[1], first.q[0], first.q[1]});
    Ef mu = sample_ef(transcript);
    EfVec xi = {mu};
    Ef claim_p = interpolate_linear(first.p[0], first.p[1], mu);
    Ef claim_q = interpolate_linear(first.q[0], first.q[1], mu);

    for (size_t j = 2; j <= depth; ++j) {
        // Five tables on the backend's device: p0, p1, q0, q1 (layer j's even and odd children)
        // and eq(xi, .); each round reads s(1..3) back and folds them all with its challenge.
        const FractionLayer& layer = layers[j];
        size_t half = layer.p.size() / 2;
        EfVec eq = eq_table(xi), values(5 * half);
        for (size_t y = 0; y < half; ++y) {
            values[y] = layer.p[2 * y], values[half + y] = layer.p[2 * y + 1];
            values[2 * half + y] = layer.q[2 * y], values[3 * half + y] = layer.q[2 * y + 1];
            values[4 * half + y] = eq[y];
        }
        std::unique_ptr<EfTables> tables = backend.ef_tables(values.data(), 5, half);
        Ef lambda = sample_ef(transcript);
        std::vector<std::array<Ef, 3>> polys;
        EfVec rho;
        for (size_t round = 0; round + 1 < j; ++round) {
            std::array<Ef, 3> s = tables->fraction_round(lambda);
            for (Ef v : s) observe_ef(transcript, v);
            polys.push_back(s);
            Ef r = sample_ef(transcript);
            rho.push_back(r);
            tables->fold(r);
        }
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
