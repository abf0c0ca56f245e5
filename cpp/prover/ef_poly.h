// Host-side helpers over extension-field scalars shared by the prover phases: eq tables,
// univariate kernels and interpolation (PROTOCOL 5.3), and transcript I/O of EF values.
// Multilinear variables are little-endian: point[0] pairs with bit 0.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/transcript.h"
#include "../kernels/field/ext4.h"
#include "../kernels/field/two_adic.h"

namespace gpustark {

using EfVec = std::vector<Ef>;

Ef ef_from_canonical(uint32_t x);
Ef ef_from_limbs(const ExtElement& limbs);
ExtElement ef_to_limbs(Ef a);

void observe_ef(Transcript& t, Ef a);
Ef sample_ef(Transcript& t);

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

}  // namespace gpustark
