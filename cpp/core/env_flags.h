// Switches read from the environment, for measuring a change side by side in one build.
#pragma once
#include <cstdlib>
#include <cstring>

namespace gpustark {

// Whether the environment variable `name` is set to "0" (a default-on behaviour switched off).
inline bool env_switched_off(const char* name) {
    const char* v = std::getenv(name);
    return v && std::strcmp(v, "0") == 0;
}

// Whether it is set to "1" (a default-off behaviour switched on).
inline bool env_switched_on(const char* name) {
    const char* v = std::getenv(name);
    return v && std::strcmp(v, "1") == 0;
}

}  // namespace gpustark
