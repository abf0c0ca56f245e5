#include "metal_library.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace gpustark {
namespace metal {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("metal sources: cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string line_directive(size_t line, const fs::path& file) {
    return "#line " + std::to_string(line) + " \"" + file.generic_string() + "\"\n";
}

class Expander {
public:
    explicit Expander(std::vector<fs::path> include_dirs) : include_dirs_(std::move(include_dirs)) {}

    // Appends `file` to out with its quoted includes expanded (each file once).
    void expand(const fs::path& file, std::string& out) {
        const fs::path canonical = fs::weakly_canonical(file);
        if (!seen_.insert(canonical.string()).second) return;
        static const std::regex quoted_include(R"(^\s*#\s*include\s*"([^"]+)\"\s*(//.*)?$)");
        static const std::regex pragma_once(R"(^\s*#\s*pragma\s+once\s*(//.*)?$)");
        std::istringstream lines(read_text(file));
        std::string line;
        size_t number = 0;
        out += line_directive(1, file);
        while (std::getline(lines, line)) {
            ++number;
            std::smatch match;
            if (std::regex_match(line, match, quoted_include)) {
                expand(resolve(match[1].str(), file, number), out);
                out += line_directive(number + 1, file);
            } else if (std::regex_match(line, pragma_once)) {
                out += '\n';  // keeps the line count
            } else {
                out += line;
                out += '\n';
            }
        }
    }

private:
    fs::path resolve(const std::string& name, const fs::path& from, size_t line) const {
        const fs::path beside = from.parent_path() / name;
        if (fs::is_regular_file(beside)) return beside;
        for (const fs::path& dir : include_dirs_)
            if (fs::is_regular_file(dir / name)) return dir / name;
        std::string searched = from.parent_path().string();
        for (const fs::path& dir : include_dirs_) searched += ", " + dir.string();
        throw std::runtime_error("metal sources: " + from.string() + ":" + std::to_string(line) + ": #include \"" +
                                 name + "\" not found (searched " + searched + ")");
    }

    std::vector<fs::path> include_dirs_;
    std::set<std::string> seen_;
};

}  // namespace

std::vector<std::string> default_include_dirs(const std::string& metal_dir) {
    const fs::path dir(metal_dir);
    return {dir.string(), (dir / ".." / "cpp" / "kernels").lexically_normal().string()};
}

std::string expand_metal_sources(const std::string& metal_dir, const std::vector<std::string>& include_dirs) {
    std::vector<fs::path> files;
    std::error_code error;
    for (fs::directory_iterator it(metal_dir, error), end; !error && it != end; it.increment(error))
        if (it->is_regular_file() && it->path().extension() == ".metal") files.push_back(it->path());
    if (error) throw std::runtime_error("metal sources: cannot list " + metal_dir + ": " + error.message());
    if (files.empty()) throw std::runtime_error("metal sources: no .metal files in " + metal_dir);
    std::sort(files.begin(), files.end());
    Expander expander(std::vector<fs::path>(include_dirs.begin(), include_dirs.end()));
    std::string out;
    for (const fs::path& file : files) expander.expand(file, out);
    return out;
}

}  // namespace metal
}  // namespace gpustark
