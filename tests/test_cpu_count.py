"""The CPU pool's size follows the CPUs the process may run on, not the machine's count: a process
pinned to one CPU (taskset, as container runtimes narrow the affinity mask) gets one thread, and
GPUSTARK_NUM_THREADS still overrides it. Each case runs in a fresh process: the pool is made once."""
import json
import os
import shutil
import subprocess
import sys

import pytest

PROBE = "import json, gpustark._backend as b; print(json.dumps(b.device_info('cpu')['limits']))"


def cpu_limits(prefix=(), **env):
    environ = {k: v for k, v in os.environ.items() if k != "GPUSTARK_NUM_THREADS"}
    environ.update(env)
    done = subprocess.run([*prefix, sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, env=environ)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_pool_uses_the_cpus_the_process_may_run_on():
    limits = cpu_limits()
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert 1 <= int(limits["threads"]) == int(limits["available_cpus"]) <= allowed


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs an affinity mask of two or more CPUs (Linux): pinning one changes nothing here")
@pytest.mark.skipif(shutil.which("taskset") is None, reason="taskset (util-linux) is not installed")
def test_a_process_pinned_to_one_cpu_gets_one_thread():
    cpu = str(min(os.sched_getaffinity(0)))
    limits = cpu_limits(prefix=("taskset", "-c", cpu))
    assert limits["threads"] == "1" and limits["available_cpus"] == "1", limits
    assert int(limits["hardware_concurrency"]) >= 2  # the machine's count did not change, the pool did


def test_gpustark_num_threads_overrides_the_count():
    assert cpu_limits(GPUSTARK_NUM_THREADS="3")["threads"] == "3"
