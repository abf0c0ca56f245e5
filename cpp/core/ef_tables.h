// Extension-field tables that stay on a backend's device through a sumcheck phase.
//
// A phase (a LogUp-GKR layer, the stacked reduction, WHIR, the batch-constraint MLE rounds)
// uploads its multilinear tables once; then, round by round, it asks for the round polynomial's
// values and folds every table with the verifier's challenge. Only the few values the transcript
// needs come back to the host. The protocol logic stays in cpp/prover, written once; a backend
// only supplies these data-parallel steps (CPU: host vectors; CUDA: device memory).
//
// Tables are little-endian multilinear: pair i of a table is (t[2i], t[2i+1]), and the table's
// value at pair i with its lowest variable set to X is t[2i] + X (t[2i+1] - t[2i]). Values are
// Ef as the kernels hold them (Montgomery form), so every backend stores the same words.
// Backend::ef_tables with values == nullptr starts every table at zero (nothing to upload): for
// tables a phase then fills on the device (write_table, set_product_table, ...).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../kernels/field/ext4.h"
#include "dag_program.h"
#include "merkle_tree.h"

namespace gpustark {

class Backend;
class Transcript;

// What a round of EfTables::transcript_rounds evaluates: pair_product_round (degree 2: s(1), s(2))
// or fraction_round(lambda) (degree 3: s(1), s(2), s(3)).
enum class SumcheckRoundKind { PairProduct, Fraction };

// Per round: its sums s(1), s(2)[, s(3)] (a degree-2 round's third is zero), its proof-of-work
// witness (with a grind) and its challenge.
struct SumcheckRounds {
    std::vector<std::array<Ef, 3>> sums;
    std::vector<uint32_t> witnesses;
    std::vector<Ef> challenges;
};

// A proof-of-work grind in every round of EfTables::transcript_rounds, between the observed sums
// and r (WHIR's folding rounds): `bits` bits, ground by `backend` where the host runs the rounds.
struct RoundGrind {
    uint32_t bits = 0;
    Backend* backend = nullptr;
};

class EfTables {
public:
    EfTables(size_t count, size_t length) : count_(count), length_(length) {}
    virtual ~EfTables() = default;
    EfTables(const EfTables&) = delete;
    EfTables& operator=(const EfTables&) = delete;

    size_t count() const { return count_; }
    // Every table's current length: a power of two, halved by each fold.
    size_t length() const { return length_; }

    // Binds every table's lowest variable to r: t'[i] = t[2i] + r (t[2i+1] - t[2i]).
    // Throws std::logic_error when the tables have length 1.
    virtual void fold(Ef r) = 0;
    // out[c] = table c at `index` (< length), for every table c.
    virtual std::vector<Ef> read(size_t index) = 0;
    // Table c in full (length() values).
    virtual std::vector<Ef> table(size_t c) = 0;

    // Degree 2 (the stacked reduction, WHIR): the tables in pairs (a_j, b_j) = (2j, 2j + 1);
    // s(1), s(2) of s(X) = sum_j sum_i a_j(X, i) b_j(X, i). Needs an even count.
    virtual std::array<Ef, 2> pair_product_round() = 0;
    // Degree 3 (a LogUp-GKR layer): exactly five tables p0, p1, q0, q1, eq;
    // s(1), s(2), s(3) of s(X) = sum_i eq(X, i) (p0 q1 + p1 q0 + lambda q0 q1)(X, i).
    virtual std::array<Ef, 3> fraction_round(Ef lambda) = 0;
    // `rounds` rounds of a sumcheck whose rounds are all alike: the round's sums (as above, by
    // kind), observed into `transcript` (s(1), s(2)[, s(3)] as 4 canonical limbs each), with
    // `grind` a proof-of-work grind (Transcript::grind), r sampled from it, every table folded by
    // r. This default runs them one by one against the host transcript; a GPU asked to
    // (GPUSTARK_DEVICE_TRANSCRIPT=1) keeps the transcript's sponge beside the tables instead, so
    // that no round waits for the host (kernels/sumcheck/round_sponge.h), and hands it back.
    virtual SumcheckRounds transcript_rounds(Transcript& transcript, SumcheckRoundKind kind, Ef lambda, size_t rounds,
                                             RoundGrind grind = {});
    // Table c += sum_q weights[q] * eq(., (z_q, z_q^2, z_q^4, ...)) over the table's log2(length)
    // variables, for the points z_q of `points` (as many as weights): WHIR's constraints of a round,
    // added at once (one launch on a device).
    virtual void add_eq_powers(size_t c, const std::vector<Ef>& points, const std::vector<Ef>& weights) = 0;

    // The batch-constraint round (PROTOCOL 9.2 step 5) of one trace whose tables are, in order, the
    // width local columns, the width next columns, the three selectors and eq: for each x in xs,
    //   sum_i eq(x, i) (combine[0] C + combine[1] N + combine[2] D)(x, i)
    // with C, N, D the DAG's sums (dag_program.h) at the columns' values at (x, i). At length 1
    // (every variable bound) the one value at the bound point instead, whatever xs holds.
    // Pairs are evaluated in pieces of at most max_pairs (0: no limit): a device's scratch
    // memory grows with the pairs it evaluates at once.
    virtual std::vector<Ef> dag_round(const DagBinding& dag, const Ef combine[3], const std::vector<Ef>& xs,
                                      size_t max_pairs) = 0;

    // ---- WHIR (prover/whir.cpp): its tables stay here from the batching to the last round ----
    // Table c := values[0, length()), from the host.
    virtual void write_table(size_t c, const Ef* values) = 0;
    // A new object on the same device holding one table: a copy of table c as it is now.
    virtual std::unique_ptr<EfTables> copy_table(size_t c) = 0;
    // Table c's multilinear basis change in place, variable k <-> index bit k: coefficients ->
    // hypercube evaluations (the subset zeta transform, t[i] = sum over subsets j of i of t[j]),
    // or with `inverse` evaluations -> coefficients (Moebius).
    virtual void subset_transform(size_t c, bool inverse) = 0;
    // Table c := prod_k (bit k of i ? factors[k][1] : factors[k][0]) at each index i, for exactly
    // log2(length()) factors (an eq table, WHIR's Moebius-eq table).
    virtual void set_product_table(size_t c, const std::vector<std::array<Ef, 2>>& factors) = 0;
    // sum_i table c[i] z^i: the table read as the coefficients of one univariate polynomial, at z.
    virtual Ef power_sum(size_t c, Ef z) = 0;
    // Backend::encode_and_commit of table c read as a message of length() rows of 4 canonical
    // limbs (one Ef per row): its RS codeword on 2^log_rows rows and the Merkle tree over it, with
    // 2^log_group rows per query. The table stays where it is; the tree keeps the codeword.
    virtual MerkleTree commit_table(size_t c, uint32_t log_rows, uint32_t log_group) = 0;

protected:
    void halve() { length_ /= 2; }
    // The preconditions every implementation checks before it launches anything.
    void require_foldable(const char* op) const { require(length_ >= 2, op, "tables of length >= 2"); }
    void require_pairs() const {
        require(count_ % 2 == 0 && length_ >= 2, "pair_product_round", "an even count of tables of length >= 2");
    }
    // Before transcript_rounds: every round needs tables of length >= 2.
    void require_rounds(SumcheckRoundKind kind, size_t rounds, const RoundGrind& grind) const {
        if (kind == SumcheckRoundKind::Fraction) require_fraction();
        else require_pairs();
        require(rounds < 64 && (size_t(1) << rounds) <= length_, "transcript_rounds", "length >= 2^rounds");
        require(grind.bits < 31 && (grind.bits == 0 || grind.backend), "transcript_rounds",
                "grind bits < 31 and, to grind, a backend");
    }
    void require_fraction() const {
        require(count_ == 5 && length_ >= 2, "fraction_round", "five tables (p0, p1, q0, q1, eq) of length >= 2");
    }
    void require_table(size_t c, const char* op) const { require(c < count_, op, "a table index < count"); }
    void require_index(size_t index) const { require(index < length_, "read", "an index < length"); }
    void require_points(size_t points, size_t weights) const {
        require(points == weights, "add_eq_powers", "one weight per point");
    }
    void require_factors(size_t factors) const {
        require(factors < 64 && (uint64_t(1) << factors) == length_, "set_product_table", "log2(length) factors");
    }
    void require_codeword(uint32_t log_rows) const {
        require(log_rows < 64 && length_ <= (uint64_t(1) << log_rows), "commit_table", "length <= 2^log_rows");
    }
    void require_dag(const DagBinding& dag) const {
        require(dag.program && count_ == 2 * size_t(dag.program->width) + 4, "dag_round",
                "2 width + 4 tables (local, next, selectors, eq)");
    }

private:
    static void require(bool ok, const char* op, const char* what) {
        if (!ok) throw std::logic_error(std::string("EfTables::") + op + " needs " + what);
    }

    size_t count_;
    size_t length_;
};

}  // namespace gpustark
