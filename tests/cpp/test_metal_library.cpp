// The development path of the Metal library (metal_library.h): the repository's metal/*.metal
// files as one MSL source for newLibraryWithSource, with their includes expanded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>

#include "backends/metal/metal_library.h"

namespace {

namespace fs = std::filesystem;
using gpustark::metal::default_include_dirs;
using gpustark::metal::expand_metal_sources;

const std::string kMetalDir = std::string(GPUSTARK_SOURCE_DIR) + "/metal";

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::set<std::string> kernels_in(const std::string& text) {
    static const std::regex kernel(R"(\bkernel\s+void\s+([A-Za-z_]\w*)\s*\()");
    std::set<std::string> names;
    for (std::sregex_iterator it(text.begin(), text.end(), kernel), end; it != end; ++it) names.insert((*it)[1]);
    return names;
}

TEST(MetalLibrarySource, HoldsEveryKernelOfEveryMetalFile) {
    const std::string source = expand_metal_sources(kMetalDir, default_include_dirs(kMetalDir));
    std::set<std::string> expected;
    for (const auto& entry : fs::directory_iterator(kMetalDir)) {
        if (entry.path().extension() != ".metal") continue;
        std::ifstream in(entry.path());
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (const std::string& k : kernels_in(text)) expected.insert(k);
    }
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(kernels_in(source), expected);
}

TEST(MetalLibrarySource, ExpandsEachHeaderOnceAndKeepsOnlyAngleIncludes) {
    const std::string source = expand_metal_sources(kMetalDir, default_include_dirs(kMetalDir));
    EXPECT_EQ(count(source, "#include \""), 0u);
    EXPECT_EQ(count(source, "#pragma once"), 0u);
    EXPECT_EQ(count(source, "#include <metal_stdlib>"), 1u);  // platform.h, once
    EXPECT_EQ(count(source, "struct NttParams {"), 1u);
    EXPECT_EQ(count(source, "struct MerkleParams {"), 1u);
    EXPECT_NE(source.find("#line 1 \""), std::string::npos);  // messages point at the real files
}

TEST(MetalLibrarySource, NamesAMissingIncludeAndAnEmptyDirectory) {
    const fs::path dir = fs::temp_directory_path() / "gpustark_metal_library_test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    EXPECT_THROW(expand_metal_sources(dir.string(), {}), std::runtime_error);
    std::ofstream(dir / "a.metal") << "#include \"nowhere/missing.h\"\nkernel void a() {}\n";
    try {
        expand_metal_sources(dir.string(), {dir.string()});
        FAIL() << "expected a missing include to throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("a.metal:1: #include \"nowhere/missing.h\" not found"), std::string::npos)
            << e.what();
    }
    fs::remove_all(dir);
}

}  // namespace
