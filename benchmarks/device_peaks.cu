// Measured peaks of one NVIDIA GPU, for the lower bounds of benchmarks/lower_bounds.py:
//   device memory bandwidth (a copy kernel), pinned host<->device bandwidth, and the throughput of
//   BabyBear multiplications (fp_mul), extension multiplications (ef_mul) and Poseidon2
//   permutations, each with the kernel bodies the prover uses (cpp/kernels/).
//
//   nvcc -O3 -arch=native -I cpp benchmarks/device_peaks.cu -o device_peaks && ./device_peaks > peaks.json
//
// Prints one JSON object on stdout (progress and errors on stderr). Every figure is the median of
// kReps timed repetitions after kWarmup untimed ones, timed with CUDA events.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/field/ext4.h"
#include "kernels/hash/poseidon2.h"

namespace {

constexpr int kWarmup = 2;
constexpr int kReps = 7;
constexpr size_t kCopyBytes = size_t(1) << 30;      // per buffer: 1 GiB read + 1 GiB written per copy
constexpr size_t kTransferBytes = size_t(1) << 30;  // per host<->device transfer
constexpr int kBlock = 256;
constexpr float kMinKernelMs = 20.0f;  // compute kernels run at least this long (iterations double until then)

#define CHECK(call) check((call), #call, __FILE__, __LINE__)

void check(cudaError_t err, const char* call, const char* file, int line) {
    if (err != cudaSuccess) {
        fprintf(stderr, "%s:%d: %s failed: %s (%s)\n", file, line, call, cudaGetErrorString(err), cudaGetErrorName(err));
        exit(1);
    }
}

// Median of `reps` event-timed calls of launch() on the default stream, after `warmup` calls.
template <class Launch>
float median_ms(Launch launch, int warmup = kWarmup, int reps = kReps) {
    for (int i = 0; i < warmup; ++i) launch();
    CHECK(cudaDeviceSynchronize());
    cudaEvent_t start, stop;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    std::vector<float> times;
    for (int i = 0; i < reps; ++i) {
        CHECK(cudaEventRecord(start));
        launch();
        CHECK(cudaEventRecord(stop));
        CHECK(cudaEventSynchronize(stop));
        float ms = 0;
        CHECK(cudaEventElapsedTime(&ms, start, stop));
        times.push_back(ms);
    }
    CHECK(cudaEventDestroy(start));
    CHECK(cudaEventDestroy(stop));
    std::sort(times.begin(), times.end());
    const size_t n = times.size();
    return n % 2 ? times[n / 2] : 0.5f * (times[n / 2 - 1] + times[n / 2]);
}

// ---- device memory: a grid-stride copy, four 16-byte loads in flight per thread ----------------

constexpr int kCopyUnroll = 4;

__global__ void copy_kernel(const uint4* __restrict__ src, uint4* __restrict__ dst, size_t n) {
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    for (; i + (kCopyUnroll - 1) * stride < n; i += kCopyUnroll * stride) {
        uint4 v[kCopyUnroll];
#pragma unroll
        for (int k = 0; k < kCopyUnroll; ++k) v[k] = src[i + k * stride];
#pragma unroll
        for (int k = 0; k < kCopyUnroll; ++k) dst[i + k * stride] = v[k];
    }
    for (; i < n; i += stride) dst[i] = src[i];
}

// ---- arithmetic: independent chains per thread, so latency hides behind the other chains -------

constexpr int kFpChains = 8;
constexpr int kEfChains = 4;

__global__ void fp_mul_kernel(u32 seed, u32 iters, u32* out) {
    const u32 t = blockIdx.x * blockDim.x + threadIdx.x;
    Fp x[kFpChains], y[kFpChains];
#pragma unroll
    for (int j = 0; j < kFpChains; ++j) {
        x[j] = fp_from_canonical((t * 8u + u32(j)) % GS_P);
        y[j] = fp_from_canonical((seed + 977u * u32(j)) % GS_P);  // runtime values: nothing folds
    }
    for (u32 i = 0; i < iters; ++i) {
#pragma unroll
        for (int j = 0; j < kFpChains; ++j) x[j] = fp_mul(x[j], y[j]);
    }
    Fp acc = x[0];
#pragma unroll
    for (int j = 1; j < kFpChains; ++j) acc = fp_add(acc, x[j]);
    out[t] = acc.m;  // written out, so the compiler keeps every chain
}

__global__ void ef_mul_kernel(u32 seed, u32 iters, u32* out) {
    const u32 t = blockIdx.x * blockDim.x + threadIdx.x;
    Ef x[kEfChains], y[kEfChains];
#pragma unroll
    for (int j = 0; j < kEfChains; ++j) {
        const u32 b = t * 16u + 4u * u32(j);
        x[j] = ef_make(fp_from_canonical(b % GS_P), fp_from_canonical((b + 1u) % GS_P),
                       fp_from_canonical((b + 2u) % GS_P), fp_from_canonical((b + 3u) % GS_P));
        const u32 s = seed + 131u * u32(j);
        y[j] = ef_make(fp_from_canonical(s % GS_P), fp_from_canonical((s + 5u) % GS_P),
                       fp_from_canonical((s + 7u) % GS_P), fp_from_canonical((s + 11u) % GS_P));
    }
    for (u32 i = 0; i < iters; ++i) {
#pragma unroll
        for (int j = 0; j < kEfChains; ++j) x[j] = ef_mul(x[j], y[j]);
    }
    Ef acc = x[0];
#pragma unroll
    for (int j = 1; j < kEfChains; ++j) acc = ef_add(acc, x[j]);
    out[t] = fp_add(fp_add(acc.c0, acc.c1), fp_add(acc.c2, acc.c3)).m;
}

__global__ void poseidon2_kernel(u32 seed, u32 iters, u32* out) {
    const u32 t = blockIdx.x * blockDim.x + threadIdx.x;
    P2State st;
    for (u32 i = 0; i < 16u; ++i) st.s[i] = fp_from_canonical((seed + t * 16u + i) % GS_P);
    for (u32 i = 0; i < iters; ++i) p2_permute(st);
    Fp acc = st.s[0];
    for (u32 i = 1; i < 16u; ++i) acc = fp_add(acc, st.s[i]);
    out[t] = acc.m;
}

// ---- measurements -------------------------------------------------------------------------------

struct Device {
    std::string name;
    int sms = 0;
    int clock_khz = 0;
    int memory_clock_khz = 0;
    int bus_width_bits = 0;
};

Device device_info() {
    int dev = 0;
    CHECK(cudaGetDevice(&dev));
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, dev));
    Device d;
    d.name = prop.name;
    // Attributes rather than the prop fields: CUDA 13 dropped cudaDeviceProp::clockRate.
    CHECK(cudaDeviceGetAttribute(&d.sms, cudaDevAttrMultiProcessorCount, dev));
    CHECK(cudaDeviceGetAttribute(&d.clock_khz, cudaDevAttrClockRate, dev));
    CHECK(cudaDeviceGetAttribute(&d.memory_clock_khz, cudaDevAttrMemoryClockRate, dev));
    CHECK(cudaDeviceGetAttribute(&d.bus_width_bits, cudaDevAttrGlobalMemoryBusWidth, dev));
    return d;
}

// One wave of resident blocks of `kernel` (the grid-stride copy covers any size with it).
template <class Kernel>
int resident_blocks(Kernel kernel, int sms) {
    int per_sm = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, kBlock, 0));
    return std::max(1, per_sm) * sms;
}

// Bytes per second through device memory: bytes read plus bytes written per copy.
double copy_bandwidth(const Device& dev) {
    uint4 *src = nullptr, *dst = nullptr;
    CHECK(cudaMalloc(&src, kCopyBytes));
    CHECK(cudaMalloc(&dst, kCopyBytes));
    CHECK(cudaMemset(src, 0x5a, kCopyBytes));
    const size_t n = kCopyBytes / sizeof(uint4);
    const int grid = resident_blocks(copy_kernel, dev.sms);
    const float ms = median_ms([&] {
        copy_kernel<<<grid, kBlock>>>(src, dst, n);
        CHECK(cudaGetLastError());
    });
    CHECK(cudaFree(src));
    CHECK(cudaFree(dst));
    return 2.0 * double(kCopyBytes) / (ms * 1e-3);
}

// Pinned host <-> device bytes per second, one direction at a time.
void transfer_bandwidth(double* h2d, double* d2h) {
    void *host = nullptr, *device = nullptr;
    CHECK(cudaMallocHost(&host, kTransferBytes));
    CHECK(cudaMalloc(&device, kTransferBytes));
    memset(host, 0x3c, kTransferBytes);
    CHECK(cudaMemset(device, 0x3c, kTransferBytes));
    const float up = median_ms([&] { CHECK(cudaMemcpyAsync(device, host, kTransferBytes, cudaMemcpyHostToDevice, 0)); });
    const float down = median_ms([&] { CHECK(cudaMemcpyAsync(host, device, kTransferBytes, cudaMemcpyDeviceToHost, 0)); });
    CHECK(cudaFreeHost(host));
    CHECK(cudaFree(device));
    *h2d = double(kTransferBytes) / (up * 1e-3);
    *d2h = double(kTransferBytes) / (down * 1e-3);
}

// Operations per second of a chain kernel(seed, iters, out) doing ops_per_iter operations per
// thread per iteration, over 4 waves of resident blocks. Iterations double until one launch takes
// kMinKernelMs, so launch overhead and the tail wave stay small on any GPU.
template <class Kernel>
double chain_rate(Kernel kernel, const Device& dev, double ops_per_iter) {
    const int grid = 4 * resident_blocks(kernel, dev.sms);
    const size_t threads = size_t(grid) * kBlock;
    u32* out = nullptr;
    CHECK(cudaMalloc(&out, threads * sizeof(u32)));
    u32 iters = 16;
    float ms = 0;
    for (;;) {
        ms = median_ms([&] {
            kernel<<<grid, kBlock>>>(12345u, iters, out);
            CHECK(cudaGetLastError());
        }, 1, 3);
        if (ms >= kMinKernelMs || iters >= (1u << 24)) break;
        iters *= 2;
    }
    ms = median_ms([&] {
        kernel<<<grid, kBlock>>>(12345u, iters, out);
        CHECK(cudaGetLastError());
    });
    CHECK(cudaFree(out));
    return double(threads) * double(iters) * ops_per_iter / (ms * 1e-3);
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out + "\"";
}

}  // namespace

int main() {
    const Device dev = device_info();
    fprintf(stderr, "device_peaks: %s, %d SMs, %d MHz\n", dev.name.c_str(), dev.sms, dev.clock_khz / 1000);
    fprintf(stderr, "device_peaks: device memory copy\n");
    const double hbm = copy_bandwidth(dev);
    fprintf(stderr, "device_peaks: pinned host<->device copies\n");
    double h2d = 0, d2h = 0;
    transfer_bandwidth(&h2d, &d2h);
    fprintf(stderr, "device_peaks: fp_mul, ef_mul, poseidon2 chains\n");
    const double fp = chain_rate(fp_mul_kernel, dev, kFpChains);
    const double ef = chain_rate(ef_mul_kernel, dev, kEfChains);
    const double p2 = chain_rate(poseidon2_kernel, dev, 1);

    printf("{\n");
    printf("  \"format\": \"gpustark-device-peaks/1\",\n");
    printf("  \"device\": %s,\n", json_string(dev.name).c_str());
    printf("  \"sm_count\": %d,\n", dev.sms);
    printf("  \"clock_khz\": %d,\n", dev.clock_khz);
    printf("  \"memory_clock_khz\": %d,\n", dev.memory_clock_khz);
    printf("  \"memory_bus_width_bits\": %d,\n", dev.bus_width_bits);
    printf("  \"hbm_bytes_per_s\": %.6e,\n", hbm);
    printf("  \"h2d_bytes_per_s\": %.6e,\n", h2d);
    printf("  \"d2h_bytes_per_s\": %.6e,\n", d2h);
    printf("  \"fp_muls_per_s\": %.6e,\n", fp);
    printf("  \"ef_muls_per_s\": %.6e,\n", ef);
    printf("  \"poseidon2_perms_per_s\": %.6e,\n", p2);
    printf("  \"method\": {\"reps\": %d, \"warmup\": %d, \"statistic\": \"median\", \"copy_bytes_per_buffer\": %zu, "
           "\"transfer_bytes\": %zu, \"fp_chains\": %d, \"ef_chains\": %d, \"block\": %d}\n",
           kReps, kWarmup, kCopyBytes, kTransferBytes, kFpChains, kEfChains, kBlock);
    printf("}\n");
    return 0;
}
