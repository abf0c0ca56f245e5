// Host-side helpers over extension-field scalars shared by the prover phases: eq tables,
// univariate kernels and interpolation (PROTOCOL 5.3), and transcript I/O of EF values.
// Multilinear variables are little-endian: point[0] pairs with bit 0.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/transcript.h"
#include "../kernels/field/ext4.h"
#include "../kernels/field/two_adic.h"

namespace gpustark {

using EfVec = std::vector<Ef>;
using EfPair = std::array<Ef, 2>;

Ef ef_from_canonical(uint32_t x);
// ef_from_limbs, ef_to_limbs, observe_ef and sample_ef: core/transcript.h.

// table[b] = prod_k factors[k][b_k] for b < 2^|factors| (bit k of b picks factor k's entry).
// Writes 2^|factors| values to `out`; large tables are built in parallel.
void product_table_into(const std::vector<EfPair>& factors, Ef* out);
EfVec product_table(const std::vector<EfPair>& factors);
// table[i] = eq(point, bits(i)) for i < 2^|point|.
EfVec eq_table(const EfVec& point);
// prod_k (x_k y_k + (1 - x_k)(1 - y_k)); x and y of equal length.
Ef eq_eval(const EfVec& x, const EfVec& y);
// eq_D(x, y) on the subgroup of order 2^log_order (PROTOCOL 5.3).
Ef eq_uni(uint32_t log_order, Ef x, Ef y);
// sum_j coeffs[j] x^j.
Ef horner(const EfVec& coeffs, Ef x);
// The polynomial of degree < |values| through (i, values[i]) evaluated at x.
Ef interpolate_on_integers(const EfVec& values, Ef x);
// Product of two coefficient vectors.
EfVec poly_mul(const EfVec& a, const EfVec& b);

// Multilinear tables, lowest variable first: pair i is (v[2i], v[2i+1]).
// The table's value at pair i with its lowest variable set to x.
inline Ef mle_pair_at(const EfVec& v, size_t i, Ef x) { return ef_add(v[2 * i], ef_mul(x, ef_sub(v[2 * i + 1], v[2 * i]))); }
// Binds the lowest variable to r: the table halves.
void fold_lowest(EfVec& v, Ef r);
// (s(1), s(2)) of s(X) = sum over pairs i in [begin, end) of a(X, i) b(X, i): one degree-2
// sumcheck round (the stacked reduction's and WHIR's).
EfPair product_round_values(const EfVec& a, const EfVec& b, size_t begin, size_t end);

}  // namespace gpustark
