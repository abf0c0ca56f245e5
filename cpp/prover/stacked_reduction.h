// The stacked opening reduction (PROTOCOL 10; Fiat-Shamir steps 15-19 of PROTOCOL 7): a batched
// sumcheck turning the column-opening claims (t_j, t_rot_j) at r into claims q^_c(u) about every
// stacked column c of every commitment, at one fresh point u = (u_0, u_1..u_n_stack).
#pragma once
#include <cstdint>
#include <vector>

#include "../core/transcript.h"
#include "ple.h"
#include "stacked_pcs.h"

namespace gpustark {

struct StackingProof {
    EfVec univariate_round_coeffs;             // s_0, 2(2^l_skip - 1) + 1 coefficients, constant first
    std::vector<EfPair> sumcheck_round_polys;  // n_stack rounds of (s_i(1), s_i(2))
    std::vector<EfVec> stacking_openings;      // per commit, per stacked column: q^_c(u)
};

struct StackedReductionOutput {
    StackingProof proof;
    EfVec u;  // (u_0, u_1..u_n_stack)
};

// Runs steps 15-19 on `transcript` (the claims were observed by the previous phase).
// `commits` are in commit order; need_rot[c][mat] is the rotation flag of matrix `mat` of commit c
// (the owning AIR's flag). r = (r_0, r_1..) holds at least max(n_j, 0) + 1 entries for every slot.
// All commits must share l_skip and n_stack.
StackedReductionOutput prove_stacked_reduction(Transcript& transcript, const std::vector<const StackedPcsData*>& commits,
                                               const EfVec& r, const std::vector<std::vector<bool>>& need_rot,
                                               uint32_t l_skip, uint32_t n_stack, Backend& backend);

// u_cube = (u_0, u_0^2, u_0^4, .., u_0^(2^(l_skip-1)), u_1, .., u_n_stack): the WHIR point (PROTOCOL 10 step 7).
EfVec u_cube_from_u(const EfVec& u, uint32_t l_skip);

}  // namespace gpustark
