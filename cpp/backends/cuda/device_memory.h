// Every device allocation of the CUDA backend goes through these functions, so that the bench can
// report the device memory the prover held at its peak (Backend::device_memory). The counts are
// process-wide: one GPU backend per process is the common case.
//
// Allocations are stream-ordered (cudaMallocAsync / cudaFreeAsync on the backend's stream) from
// the device's memory pool, which keeps freed memory for the next allocation instead of returning
// it to the driver: a keccakf proof makes about 66 allocations of up to 700 MB, and plain
// cudaMalloc / cudaFree cost about 11 ms of host time per proof on an H100 (cudaFree also waits
// for the whole device). With a null stream (the pool unsupported, or no call open) they fall
// back to cudaMalloc. A buffer must not outlive its backend, whose stream its free is ordered on.
//
// Each backend instance (a stream of gpustark.many: "cuda", "cuda@1", ...) counts its own bytes in
// its MemoryAccount; a buffer made outside every call counts in the process's default account.
#pragma once
#include <cuda_runtime_api.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "../../core/spans.h"
#include "memory_account.h"

namespace gpustark {
namespace cuda {

inline MemoryAccount g_default_account;

// The stream that DeviceBuffers made on this thread are ordered on, and the account they count
// in: set by CudaBackend::Call for its lifetime (and restored after it); outside calls, no stream
// and the default account.
inline thread_local cudaStream_t t_allocation_stream = nullptr;
inline thread_local MemoryAccount* t_allocation_account = &g_default_account;

// Makes the current device's memory pool keep what is freed (a release threshold of "never"),
// so that later proofs reuse the memory. Returns false where the device has no memory pools
// (then the backend allocates with cudaMalloc).
inline bool keep_freed_memory_in_pool(int device) {
    int supported = 0;
    if (cudaDeviceGetAttribute(&supported, cudaDevAttrMemoryPoolsSupported, device) != cudaSuccess || !supported) {
        cudaGetLastError();
        return false;
    }
    cudaMemPool_t pool = nullptr;
    uint64_t never = UINT64_MAX;
    if (cudaDeviceGetDefaultMemPool(&pool, device) != cudaSuccess ||
        cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &never) != cudaSuccess) {
        cudaGetLastError();
        return false;
    }
    return true;
}

// Returns the pool's unused memory to the driver (after the stream's work, so nothing in flight
// still uses a freed block).
inline void trim_pool(cudaStream_t stream) {
    int device = 0;
    cudaMemPool_t pool = nullptr;
    if (stream) cudaStreamSynchronize(stream);
    if (cudaGetDevice(&device) == cudaSuccess && cudaDeviceGetDefaultMemPool(&pool, device) == cudaSuccess)
        cudaMemPoolTrimTo(pool, 0);
    cudaGetLastError();
}

// Bytes the current device's pool holds beyond what is allocated from it (0 without pools).
inline uint64_t pool_cached_bytes() {
    int device = 0;
    cudaMemPool_t pool = nullptr;
    uint64_t reserved = 0, used = 0;
    if (cudaGetDevice(&device) != cudaSuccess || cudaDeviceGetDefaultMemPool(&pool, device) != cudaSuccess ||
        cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved) != cudaSuccess ||
        cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return reserved > used ? reserved - used : 0;
}

// `bytes` on the current device, ordered on `stream` (null: cudaMalloc). A pool that cannot grow
// (its free blocks too fragmented) is trimmed and the allocation tried once more.
inline cudaError_t counted_malloc(void** ptr, size_t bytes, cudaStream_t stream, MemoryAccount& account) {
    cudaError_t err = stream ? cudaMallocAsync(ptr, bytes, stream) : cudaMalloc(ptr, bytes);
    if (err == cudaErrorMemoryAllocation && stream) {
        cudaGetLastError();
        trim_pool(stream);
        err = cudaMallocAsync(ptr, bytes, stream);
    }
    if (err != cudaSuccess) return err;
    uint64_t now = account.in_use.fetch_add(bytes) + bytes;
    uint64_t peak = account.peak.load();
    while (now > peak && !account.peak.compare_exchange_weak(peak, now)) {
    }
    spans::note_device_allocation(bytes, now);
    return err;
}

// `bytes`, `stream` and `account` must be what counted_malloc was given for `ptr`. With a stream,
// the block returns to the pool once the work queued on the stream so far has run.
inline cudaError_t counted_free(void* ptr, size_t bytes, cudaStream_t stream, MemoryAccount& account) {
    if (!ptr) return cudaSuccess;
    account.in_use.fetch_sub(bytes);
    return stream ? cudaFreeAsync(ptr, stream) : cudaFree(ptr);
}

}  // namespace cuda
}  // namespace gpustark
