// Scenarios of metal/fraction_tree.metal: LogUp-GKR layers and their split into sumcheck tables.
// Included by emulator.cpp.
#pragma once
#include "scenario_io.h"

namespace gs_emu {

// One gkr_layer dispatch: parents (p, q) of `nodes` nodes from 2 nodes children.
inline void gkr_layer_pass(const std::vector<Ef>& child_p, const std::vector<Ef>& child_q, uint64_t nodes,
                           std::vector<Ef>& parent_p, std::vector<Ef>& parent_q, const Options& o) {
    GkrLayerParams p{nodes};
    run_lanes(nodes, o, [&](uint32_t pos, uint32_t threads) {
        gkr_layer(child_p.data(), child_q.data(), parent_p.data(), parent_q.data(), p, pos, threads);
    });
}

// args: NODES. in: 2 NODES child p values, then 2 NODES child q values; out: NODES parent p values,
// then NODES parent q values.
void scenario_gkr_layer(const Args& a, const Options& o) {
    uint32_t nodes = arg(a, 0);
    Input in(size_t(nodes) * 16);
    std::vector<Ef> child_p = in.efs(2 * size_t(nodes)), child_q = in.efs(2 * size_t(nodes));
    std::vector<Ef> parent_p(nodes, ef_zero()), parent_q(nodes, ef_zero());
    gkr_layer_pass(child_p, child_q, nodes, parent_p, parent_q, o);
    Words out;
    append(out, parent_p);
    append(out, parent_q);
    write_output(out);
}

// args: LOG_LEAVES. in: 2^LOG_LEAVES leaf p values, then as many q values; out: every layer above
// the leaves, root first, each as its p values then its q values. One dispatch per layer, from
// the leaves up, as the host builds the tree.
void scenario_gkr_tree(const Args& a, const Options& o) {
    uint32_t log_leaves = arg(a, 0);
    if (log_leaves < 1 || log_leaves > 20) die("gkr_tree: need 1 <= LOG_LEAVES <= 20");
    const size_t leaves = size_t(1) << log_leaves;
    Input in(leaves * 8);
    std::vector<std::vector<Ef>> p(log_leaves + 1), q(log_leaves + 1);
    p[log_leaves] = in.efs(leaves);
    q[log_leaves] = in.efs(leaves);
    for (uint32_t j = log_leaves; j > 0; --j) {
        const size_t nodes = size_t(1) << (j - 1);
        p[j - 1].assign(nodes, ef_zero());
        q[j - 1].assign(nodes, ef_zero());
        gkr_layer_pass(p[j], q[j], nodes, p[j - 1], q[j - 1], o);
    }
    Words out;
    for (uint32_t j = 0; j < log_leaves; ++j) {
        append(out, p[j]);
        append(out, q[j]);
    }
    write_output(out);
}

// args: HALF. in: a layer's 2 HALF p values, its 2 HALF q values, then HALF eq values; out: the
// five tables p0, p1, q0, q1, eq at stride HALF, where the host put eq before the split.
void scenario_gkr_split(const Args& a, const Options& o) {
    uint32_t half = arg(a, 0);
    Input in(size_t(half) * 20);
    std::vector<Ef> p = in.efs(2 * size_t(half)), q = in.efs(2 * size_t(half)), eq = in.efs(half);
    std::vector<Ef> tables(5 * size_t(half), ef_zero());
    std::copy(eq.begin(), eq.end(), tables.begin() + 4 * size_t(half));
    GkrSplitParams params{half};
    run_lanes(half, o, [&](uint32_t pos, uint32_t threads) {
        gkr_split(p.data(), q.data(), tables.data(), params, pos, threads);
    });
    write_output(tables);
}

}  // namespace gs_emu
