#include "bindings.h"

namespace gpustark {

void bind_pcs(pybind11::module_& m) { (void)m; }

}  // namespace gpustark
