#include "parallel.h"

#include "cpu_count.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace gpustark {
namespace {

thread_local bool inside_parallel_for = false;

// One parallel_for call: workers claim task indices from `next` until none are left.
struct Job {
    const std::function<void(size_t)>* task;
    size_t count;
    std::atomic<size_t> next{0};
    std::atomic<size_t> pending;
    std::mutex error_mutex;
    std::exception_ptr error;
    Job(const std::function<void(size_t)>* t, size_t n) : task(t), count(n), pending(n) {}
};

class Pool {
public:
    explicit Pool(size_t workers) {
        for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
    }
    ~Pool() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (auto& t : threads_) t.join();
    }

    // Runs task(i) for i in [0, count) across the pool and the caller.
    void run(size_t count, const std::function<void(size_t)>& task) {
        std::lock_guard<std::mutex> one_job_at_a_time(run_mutex_);
        auto job = std::make_shared<Job>(&task, count);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            job_ = job;
        }
        wake_.notify_all();
        drain(*job);
        {
            std::unique_lock<std::mutex> lock(mutex_);
            done_.wait(lock, [&] { return job->pending.load() == 0; });
            job_.reset();
        }
        if (job->error) std::rethrow_exception(job->error);
    }

private:
    void drain(Job& job) {
        inside_parallel_for = true;
        for (size_t i; (i = job.next.fetch_add(1)) < job.count;) {
            try {
                (*job.task)(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(job.error_mutex);
                if (!job.error) job.error = std::current_exception();
            }
            if (job.pending.fetch_sub(1) == 1) {
                std::lock_guard<std::mutex> lock(mutex_);
                done_.notify_all();
            }
        }
        inside_parallel_for = false;
    }

    void work() {
        std::shared_ptr<Job> last;
        for (;;) {
            std::shared_ptr<Job> job;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return stopping_ || (job_ && job_ != last); });
                if (stopping_) return;
                job = last = job_;
            }
            drain(*job);
        }
    }

    std::vector<std::thread> threads_;
    std::mutex mutex_, run_mutex_;
    std::condition_variable wake_, done_;
    std::shared_ptr<Job> job_;
    bool stopping_ = false;
};

Pool& pool() {
    static Pool p(num_threads() - 1);
    return p;
}

}  // namespace

size_t num_threads() {
    static const size_t n = [] {
        if (const char* env = std::getenv("GPUSTARK_NUM_THREADS")) {
            long v = std::strtol(env, nullptr, 10);
            if (v > 0) return size_t(v);
        }
        return available_cpus();
    }();
    return n;
}

void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) {
    if (n == 0) return;
    grain = std::max<size_t>(grain, 1);
    size_t chunks = std::min(num_threads() * 4, (n + grain - 1) / grain);
    if (chunks <= 1 || num_threads() == 1 || inside_parallel_for) {
        fn(0, n);
        return;
    }
    size_t per_chunk = (n + chunks - 1) / chunks;
    pool().run(chunks, [&](size_t c) {
        size_t begin = c * per_chunk, end = std::min(n, begin + per_chunk);
        if (begin < end) fn(begin, end);
    });
}

}  // namespace gpustark
