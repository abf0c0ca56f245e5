// Round 0's sums over one trace (PROTOCOL 9.2 step 4), the data-parallel part of the univariate
// skip that a device backend fuses: gather the trace's rows into chunks of N = 2^l_skip, take each
// chunk column's PLE to the cosets g^c D by a batched size-N inverse NTT and shifted forward NTTs,
// evaluate the constraint DAG at every point, and add the points up per a < N weighted by
// eq over the chunks. Only the per-coset sums come back; the weights and the interpolation stay
// in the prover.
#pragma once
#include <cstdint>
#include <vector>

#include "dag_program.h"

namespace gpustark {

class Backend;

struct Round0Trace {
    const DagBinding* dag = nullptr;
    const uint32_t* values = nullptr;  // 2^log_height x width, row-major, canonical
    uint32_t log_height = 0;
    uint32_t l_skip = 0;
    std::vector<uint32_t> coset_shifts;  // canonical g^(c+1), one per coset
    const Ef* eq_cube = nullptr;         // eq(xi[l..], x) for the 2^max(log_height - l_skip, 0) chunks
    bool logup_on_d = false;             // the trace has interactions: LogUp sums on D too
};

// Per coset c and a < N (index c N + a): sum_x eq_x (C, N, D)(point), the DAG's three sums at the
// point (a, x) weighted by eq over the chunks; on_d the same at the rows themselves, without the
// zerocheck sum (constraint zero: it vanishes there), or empty unless logup_on_d. No challenge
// after lambda enters them: the prover draws the LogUp sums from on_d before mu, and weighs
// them all with mu after (prover/round0.cpp).
struct Round0Sums {
    std::vector<DagSums> on_cosets, on_d;
};

// Adds the DAG's sums at the N x count points (a, x) of block [first, first + count), point (a, x)
// at a * count + x (as the host gathers a block: a size-N NTT's rows), weighted by
// eq_cube[first + x], to the per-a totals[0..N): the constraint sum only when `constraints` (off D).
void add_round0_block(const Round0Trace& trace, const DagSums* sums, size_t first, size_t count, bool constraints,
                      DagSums* totals);

// Every sum of the trace at zero, in the shapes round0_sums returns.
Round0Sums round0_zero_sums(const Round0Trace& trace);

// The reference composition of Backend primitives (ntt, dag_base_sums) on host buffers, in
// blocks of chunks of at most max_block_elements gathered values (0: host_round0_block_chunks's
// choice for this machine's threads).
Round0Sums host_round0_sums(Backend& backend, const Round0Trace& trace, size_t max_block_elements = 0);

// Chunks of N = n points per block of `cols` gathered columns: max_block_elements / (n cols) (at
// least 1), or with max_block_elements = 0 enough for every thread to get several of the block's
// lane groups of points.
size_t host_round0_block_chunks(size_t n, size_t cols, size_t max_block_elements);

}  // namespace gpustark
