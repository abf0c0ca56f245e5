// Plonky3's two-adic generators of BabyBear: omega_k generates the subgroup of order 2^k,
// omega_27 = 0x1a427a41 = 31^15 and omega_k = omega_{k+1}^2. Evaluation domains and query
// points are defined through exactly these values (PROTOCOL 2.1).
#pragma once
#include "babybear.h"

#define GS_TWO_ADICITY 27u

// Canonical values, index k = log2 of the subgroup order.
GS_TABLE u32 GS_TWO_ADIC_GENERATORS[28] = {
    1u,          2013265920u, 1728404513u, 1592366214u, 196396260u,  760005850u,  1721589904u,
    397765732u,  1732600167u, 1753498361u, 341742893u,  1340477990u, 1282623253u, 298008106u,
    1657000625u, 2009781145u, 1421947380u, 1286330022u, 1559589183u, 1049899240u, 195061667u,
    414040701u,  570250684u,  1267047229u, 1003846038u, 1149491290u, 975630072u,  440564289u,
};

// Caller guarantees log_order <= 27.
GS_FN Fp fp_two_adic_generator(u32 log_order) {
    return fp_from_canonical(GS_TWO_ADIC_GENERATORS[log_order]);
}
