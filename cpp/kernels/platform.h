// The few things that differ between MSL, CUDA and plain C++.
//
// Every kernel header under cpp/kernels/ includes only this file for platform needs, so the
// same source compiles as Metal Shading Language (metal/*.metal), CUDA (cpp/backends/cuda/*.cu)
// and C++ (the CPU backend, the lane emulator and the native tests).
#pragma once

#if defined(__METAL_VERSION__)
#include <metal_stdlib>
using namespace metal;
typedef uint u32;
typedef ulong u64;
#define GS_FN inline
#define GS_DEVICE device
#define GS_THREAD thread
#define GS_CONSTANT constant
#define GS_THREADGROUP threadgroup
#define GS_TABLE constant
#define GS_GROUP_BARRIER() threadgroup_barrier(mem_flags::mem_threadgroup)
#define GS_ATOMIC_MIN(ptr, value) \
    atomic_fetch_min_explicit((device atomic_uint*)(ptr), (value), memory_order_relaxed)
#define GS_UNROLL
// Four words to a 16-byte aligned address in one store: a warp or SIMD group whose lanes write
// runs of words far apart makes a quarter of the memory transactions. The lane emulator and the
// fake device (C++) define it as four plain stores first.
#ifndef GS_STORE4
#define GS_STORE4(ptr, a, b, c, d) (*(GS_DEVICE uint4*)(ptr) = uint4((a), (b), (c), (d)))
#endif
#define GS_WIDE_ALU 0

#elif defined(__CUDACC__)
#if defined(__CUDACC_RTC__)
// NVRTC (a constraint DAG compiled at run time, backends/cuda/compiled_dag.cpp) has no <cstdint>.
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
#else
#include <cstdint>
#endif
typedef uint32_t u32;
typedef uint64_t u64;
// Device-only: nvcc rejects barriers inside __host__ __device__ code, and the CPU backend
// compiles these headers as plain C++ in its own translation units.
#define GS_FN __device__ __forceinline__
#define GS_DEVICE
#define GS_THREAD
#define GS_CONSTANT
#define GS_THREADGROUP
#define GS_TABLE static __device__ const
#define GS_GROUP_BARRIER() __syncthreads()
#define GS_ATOMIC_MIN(ptr, value) atomicMin((ptr), (value))
// Before a short constant-trip loop that indexes a thread's array (s[k]): unrolled, the array
// stays in registers instead of on the thread's stack.
#define GS_UNROLL _Pragma("unroll")
#define GS_STORE4(ptr, a, b, c, d) (*reinterpret_cast<uint4*>(ptr) = make_uint4((a), (b), (c), (d)))
#define GS_WIDE_ALU 0

#else
#include <cstdint>
typedef uint32_t u32;
typedef uint64_t u64;
#define GS_FN inline
#define GS_DEVICE
#define GS_THREAD
#define GS_CONSTANT
#define GS_THREADGROUP
#define GS_TABLE static const
#define GS_UNROLL
#define GS_STORE4(ptr, a, b, c, d) ((ptr)[0] = (a), (ptr)[1] = (b), (ptr)[2] = (c), (ptr)[3] = (d))
// 64-bit compares and selects are single instructions here (GPUs have 32-bit registers): the
// field picks its reductions by it (babybear.h).
#define GS_WIDE_ALU 1
// Plain C++ runs one lane at a time, so GS_GROUP_BARRIER is left undefined here: a body that
// needs a barrier is run only on devices and by the lane emulator, which compiles the MSL branch
// above against its own <metal_stdlib>.
#endif
