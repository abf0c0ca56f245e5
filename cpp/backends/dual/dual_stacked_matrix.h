// The dual backend's stacked matrix: both sides' copies, every slot sum compared and the column
// tables checked as dual EfTables (dual_ef_tables.h).
#pragma once
#include <memory>
#include <string>

#include "../../core/stacked_matrix.h"

namespace gpustark {

std::unique_ptr<StackedMatrix> make_dual_stacked_matrix(std::unique_ptr<StackedMatrix> a,
                                                        std::unique_ptr<StackedMatrix> b, const std::string& name_a,
                                                        const std::string& name_b);

}  // namespace gpustark
