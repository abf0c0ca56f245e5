#pragma once

namespace gpustark {

// Registers `cpu`, `dual:A,B` and every device backend this build includes. Idempotent.
void register_builtin_backends();

}  // namespace gpustark
