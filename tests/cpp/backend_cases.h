// What the native tests that run on every backend share: the backends to run (each available
// one, and the dual backend over cpu and each of them) and random field values.
#pragma once
#include <random>
#include <string>
#include <vector>

#include "backends/builtin.h"
#include "core/backend.h"

namespace test_support {

inline std::vector<std::string> backend_names() {
    gpustark::register_builtin_backends();
    std::vector<std::string> names = gpustark::available_backends();
    const std::vector<std::string> plain = names;
    for (const std::string& name : plain) names.push_back("dual:cpu," + name);
    return names;
}

inline Fp random_fp(std::mt19937& rng) { return fp_from_canonical(uint32_t(rng() % GS_P)); }
inline Ef random_ef(std::mt19937& rng) { return ef_make(random_fp(rng), random_fp(rng), random_fp(rng), random_fp(rng)); }

}  // namespace test_support
