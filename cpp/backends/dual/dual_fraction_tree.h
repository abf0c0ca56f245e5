// The dual backend's fraction tree: both sides' trees, every node read compared, and each
// layer's tables as dual tables (compared in full as they start, then step by step).
#pragma once
#include <memory>
#include <string>

#include "../../core/fraction_tree.h"

namespace gpustark {

std::unique_ptr<FractionTree> make_dual_fraction_tree(std::unique_ptr<FractionTree> a, std::unique_ptr<FractionTree> b,
                                                      const std::string& name_a, const std::string& name_b);

}  // namespace gpustark
