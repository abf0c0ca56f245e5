// The CPU backend's NTT over a row-major (2^log_n, batch) matrix, along its columns.
#pragma once
#include <cstdint>

#include "../../core/backend.h"

namespace gpustark {

// The transform of kernels/ntt/ntt.h (forward with a coset shift, or inverse with its scale).
void cpu_ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift);

}  // namespace gpustark
