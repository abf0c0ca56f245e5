// Lagrange bases on the subgroup D = <omega_l> and coefficient interpolation, for the univariate
// skip (PROTOCOL 5.3, 9.2).
#pragma once
#include "ef_poly.h"

namespace gpustark {

// L_a(z) for a < 2^log_n: the degree < 2^log_n polynomial that is 1 at omega^a and 0 on the rest
// of D. Closed form omega^a (z^n - 1) / (n (z - omega^a)) off D, a delta on D.
EfVec subgroup_lagrange(uint32_t log_n, Ef z);

// Coefficients (constant term first) of the polynomial of degree < |points| through
// (points[k], values[k]); points distinct.
EfVec interpolate_coefficients(const std::vector<Fp>& points, const EfVec& values);

}  // namespace gpustark
