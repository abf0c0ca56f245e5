#include "cpu_count.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#ifdef __linux__
#include <sched.h>
#endif

namespace gpustark {
namespace {

size_t quota_cpus(long long quota_us, long long period_us) {
    if (quota_us <= 0 || period_us <= 0) return 0;
    return size_t(std::max<long long>(1, (quota_us + period_us - 1) / period_us));
}

#ifdef __linux__
// A small text file's contents, or "" when it cannot be read. C stdio, not iostreams: with
// iostreams here the extension segfaulted on a lent CUDA host in every process, at the pool's
// first parallel step (as an ostream had in core/dag_source.cpp); tests/test_source_layout.py keeps
// them out.
std::string read_file(const std::string& path) {
    std::string text;
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return text;
    char buffer[4096];
    for (size_t n; text.size() < (size_t(1) << 20) && (n = std::fread(buffer, 1, sizeof(buffer), f)) > 0;)
        text.append(buffer, n);
    std::fclose(f);
    return text;
}

// The lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    for (size_t begin = 0; begin < text.size();) {
        size_t end = text.find('\n', begin);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return lines;
}

// The smallest limit of the process's cgroup and its ancestors (0: none). A container sees its
// own cgroup as /sys/fs/cgroup; on a host the process's group is a path under it.
size_t cgroup_cpu_limit() {
    size_t limit = 0;
    auto take = [&](size_t cpus) {
        if (cpus != 0) limit = limit == 0 ? cpus : std::min(limit, cpus);
    };
    for (const std::string& line : lines_of(read_file("/proc/self/cgroup"))) {
        // v2: "0::/path"; v1: "N:cpu,cpuacct:/path" (the controller list names cpu).
        const size_t first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        const bool v2 = line.compare(0, first, "0") == 0 && controllers.empty();
        const bool v1_cpu = ("," + controllers + ",").find(",cpu,") != std::string::npos;
        if (!v2 && !v1_cpu) continue;
        for (;;) {
            if (v2) {
                take(cgroup_v2_cpu_limit(read_file("/sys/fs/cgroup" + path + "/cpu.max")));
            } else {
                for (const char* mount : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
                    const std::string dir = std::string(mount) + path;
                    const std::string quota = read_file(dir + "/cpu.cfs_quota_us"), period = read_file(dir + "/cpu.cfs_period_us");
                    if (!quota.empty() && !period.empty()) take(cgroup_v1_cpu_limit(std::atoll(quota.c_str()), std::atoll(period.c_str())));
                }
            }
            if (path.empty() || path == "/") break;
            const size_t slash = path.find_last_of('/');
            path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
        }
    }
    return limit;
}
#endif

}  // namespace

size_t cgroup_v2_cpu_limit(const std::string& cpu_max) {
    // "QUOTA PERIOD": QUOTA a whole number or "max", PERIOD a whole number, blanks around them.
    const char* text = cpu_max.c_str();
    while (*text == ' ' || *text == '\t') ++text;
    if (std::strncmp(text, "max", 3) == 0) return 0;
    char* end = nullptr;
    const long long quota = std::strtoll(text, &end, 10);
    if (end == text || (*end != ' ' && *end != '\t')) return 0;
    const char* period_text = end;
    const long long period = std::strtoll(period_text, &end, 10);
    if (end == period_text) return 0;
    while (*end == ' ' || *end == '\t' || *end == '\n') ++end;
    return *end == '\0' ? quota_cpus(quota, period) : 0;
}

size_t cgroup_v1_cpu_limit(long long quota_us, long long period_us) { return quota_cpus(quota_us, period_us); }

size_t available_cpus() {
    size_t cpus = std::max(1u, std::thread::hardware_concurrency());
#ifdef __linux__
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof(mask), &mask) == 0) cpus = std::min<size_t>(cpus, std::max(1, CPU_COUNT(&mask)));
    if (const size_t limit = cgroup_cpu_limit()) cpus = std::min(cpus, limit);
#endif
    return cpus;
}

}  // namespace gpustark
