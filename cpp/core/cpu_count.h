// How many CPUs this process may use: the hardware's count, capped by the CPU affinity mask and
// by a cgroup CPU quota, as container runtimes set them (docker --cpus, a Kubernetes CPU limit,
// taskset). The hardware count alone can be the host's hundreds of cores inside a 16-CPU
// container, and a pool of that many threads is throttled by the quota at every parallel step.
#pragma once
#include <cstddef>
#include <string>

namespace gpustark {

// min(hardware concurrency, CPUs in the affinity mask, the cgroup quota rounded up), at least 1.
size_t available_cpus();

// ---- pieces, exposed for tests ----

// CPUs a cgroup v2 `cpu.max` file allows ("QUOTA PERIOD" in microseconds, or "max PERIOD"):
// QUOTA / PERIOD rounded up, at least 1; 0 for no limit or text it cannot read.
size_t cgroup_v2_cpu_limit(const std::string& cpu_max);
// The same for cgroup v1's cpu.cfs_quota_us and cpu.cfs_period_us (quota -1: no limit).
size_t cgroup_v1_cpu_limit(long long quota_us, long long period_us);

}  // namespace gpustark
