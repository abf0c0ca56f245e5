#pragma once

namespace gpustark {

// Registers the `cpu` backend: the reference every device backend is compared against.
void register_cpu_backend();

}  // namespace gpustark
