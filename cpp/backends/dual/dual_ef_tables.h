// The dual backend's sumcheck tables: one EfTables on each side, every step run on both and its
// outputs compared (round values, reads, and after each fold every table in full), so the first
// divergence names the step, the table, the index and both values.
#pragma once
#include <memory>
#include <string>

#include "../../core/ef_tables.h"

namespace gpustark {

std::unique_ptr<EfTables> make_dual_ef_tables(std::unique_ptr<EfTables> a, std::unique_ptr<EfTables> b,
                                              const std::string& name_a, const std::string& name_b);

}  // namespace gpustark
