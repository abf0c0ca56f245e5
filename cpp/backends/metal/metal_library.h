// Where the Metal kernels come from. A normal build compiles metal/*.metal with `xcrun metal` and
// `metallib` and embeds the metallib's bytes in the extension (metal_library_data.cpp, generated
// by embed_file.cmake). For development, GPUSTARK_METAL_SOURCE may name a directory of .metal
// files: device.mm then compiles them at run time (newLibraryWithSource), with their #include
// "..." files expanded here, since that call has no include path.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace gpustark {
namespace metal {

struct LibraryBytes {
    const unsigned char* data = nullptr;
    size_t size = 0;
};

// The metallib embedded at build time. Defined in the generated metal_library_data.cpp.
LibraryBytes embedded_library();

constexpr const char* kSourceDirEnv = "GPUSTARK_METAL_SOURCE";

// The include path for the .metal files in `metal_dir`, as the build uses it: the directory itself
// and ../cpp/kernels beside it (the repository's layout).
std::vector<std::string> default_include_dirs(const std::string& metal_dir);

// One MSL source made of every *.metal file in `metal_dir` (in name order): each `#include "x"`
// is replaced by x's text (looked up beside the including file, then in include_dirs), each file
// at most once, as its `#pragma once` asks (those lines are dropped); `#line` directives keep
// compiler messages on the real files. `#include <...>` lines (metal_stdlib) stay. Throws
// std::runtime_error naming the file and line of an include that is not found, or when the
// directory has no .metal files.
std::string expand_metal_sources(const std::string& metal_dir, const std::vector<std::string>& include_dirs);

}  // namespace metal
}  // namespace gpustark
