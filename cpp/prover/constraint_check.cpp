#include "constraint_check.h"

#include <mutex>

#include "../core/parallel.h"
#include "../core/simd/cpu_dag_lanes.h"

namespace gpustark {

std::optional<std::pair<size_t, size_t>> first_unsatisfied(const AirProgram& air, const uint32_t* trace, size_t height,
                                                           const std::vector<Fp>& publics) {
    const size_t lanes = kDagLanes, width = air.width;
    std::pair<size_t, size_t> best{SIZE_MAX, SIZE_MAX};
    std::mutex merge;
    parallel_for((height + lanes - 1) / lanes, 16, [&](size_t begin, size_t end) {
        std::vector<uint32_t> here(width * lanes), after(width * lanes), selectors(3 * lanes), nodes(air.nodes.size() * lanes);
        std::pair<size_t, size_t> local_best{SIZE_MAX, SIZE_MAX};
        for (size_t group = begin; group < end; ++group) {
            size_t first = group * lanes;
            for (size_t j = 0; j < lanes; ++j) {
                size_t row = std::min(first + j, height - 1);  // idle lanes repeat the last row
                const uint32_t* r = trace + row * width;
                const uint32_t* nx = trace + ((row + 1) % height) * width;
                for (size_t c = 0; c < width; ++c) {
                    here[c * lanes + j] = fp_from_canonical(r[c]).m;
                    after[c * lanes + j] = fp_from_canonical(nx[c]).m;
                }
                bool last = row == height - 1;
                selectors[j] = (row == 0 ? fp_one() : fp_zero()).m;
                selectors[lanes + j] = (last ? fp_one() : fp_zero()).m;
                selectors[2 * lanes + j] = (last ? fp_zero() : fp_one()).m;
            }
            evaluate_dag_lanes(air, {here.data(), after.data(), selectors.data(), publics.data()}, nodes.data());
            for (size_t pos = 0; pos < air.constraints.size() && pos <= local_best.first; ++pos)
                for (size_t j = 0; j < lanes && first + j < height; ++j)
                    if (nodes[size_t(air.constraints[pos]) * lanes + j] != 0) {
                        local_best = std::min(local_best, std::make_pair(pos, first + j));
                        break;
                    }
        }
        std::lock_guard<std::mutex> lock(merge);
        best = std::min(best, local_best);
    });
    if (best.first == SIZE_MAX) return std::nullopt;
    return best;
}

}  // namespace gpustark
