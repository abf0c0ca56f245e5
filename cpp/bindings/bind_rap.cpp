#include "bindings.h"

namespace gpustark {

void bind_rap(pybind11::module_& m) { (void)m; }

}  // namespace gpustark
