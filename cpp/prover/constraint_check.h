// Checks a witness before proving: every constraint on every row of one trace (rows cyclic,
// selectors of the trace as given), eight rows per pass of the lane-parallel DAG evaluator.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "../core/air_program.h"

namespace gpustark {

// The first failing (constraint position in sorted order, row) — smallest position, then row —
// or nothing when every constraint holds on every row.
std::optional<std::pair<size_t, size_t>> first_unsatisfied(const AirProgram& air, const uint32_t* trace, size_t height,
                                                           const std::vector<Fp>& publics);

}  // namespace gpustark
