// The launch parameters of a batch-constraint DAG round on a device (kernels/dag/dag_lanes.h),
// shared by the CUDA and Metal backends: the fold of the tables at the round's points, then the
// program over the folded values, piece by piece of pairs.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "../kernels/dag/dag_lanes.h"
#include "dag_program.h"

namespace gpustark {

struct DagRoundLaunch {
    DagFoldPointsParams fold{};
    DagRoundParams round{};
    size_t points = 0;       // the round's points (1 when every variable is bound); 0: nothing to do
    size_t pairs = 0;        // pairs of the tables' entries
    size_t piece = 0;        // pairs per launch
    uint64_t table_count = 0;

    // The round over `length`-entry tables (table c at c * stride) at xs, in pieces of at most
    // max_pairs pairs (0: one piece). Throws std::invalid_argument for more than
    // GS_DAG_MAX_POINTS points, naming `who`.
    DagRoundLaunch(const DagProgram& program, const Ef combine[3], const std::vector<Ef>& xs, size_t stride,
                   size_t length, size_t max_pairs, const char* who) {
        const bool bound = length == 1;
        points = bound ? 1 : xs.size();
        if (points > GS_DAG_MAX_POINTS)
            throw std::invalid_argument(std::string(who) + ": at most " + std::to_string(GS_DAG_MAX_POINTS) +
                                        " points per round, asked for " + std::to_string(points));
        table_count = 2 * uint64_t(program.width) + 4;
        for (size_t k = 0; k < points; ++k) fold.xs[k] = bound ? ef_zero() : xs[k];
        fold.table_stride = stride;
        fold.points = uint32_t(points);
        fold.bound = bound ? 1 : 0;
        for (int i = 0; i < 3; ++i) round.combine[i] = combine[i];
        round.points = uint32_t(points);
        round.group_count = uint32_t(program.groups.size());
        round.width = program.width;
        pairs = bound ? 1 : length / 2;
        piece = max_pairs ? std::min(max_pairs, pairs) : pairs;
    }

    // Sets the lanes of the piece of `count` pairs from `first`: each group's units padded to
    // GS_DAG_LANE_ALIGN lanes (a SIMD group runs one program).
    void set_piece(size_t first, size_t count) {
        fold.units = uint64_t(count) * points;
        fold.first_pair = first;
        fold.lanes = table_count * fold.units;
        round.units = fold.units;
        round.lanes = (fold.units + GS_DAG_LANE_ALIGN - 1) / GS_DAG_LANE_ALIGN * GS_DAG_LANE_ALIGN * round.group_count;
    }
    // The bytes the fold reads from the tables in the current piece.
    uint64_t fold_reads() const {
        return (fold.bound ? table_count : table_count * 2 * (fold.units / points)) * sizeof(Ef);
    }
};

}  // namespace gpustark
