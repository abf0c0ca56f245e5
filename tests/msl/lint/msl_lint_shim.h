// Force-included (-include) before every .metal file that the MSL lint checks with clang-19
// -fsyntax-only -x c++. It turns MSL's address-space keywords into clang address spaces, so
// that passing a pointer or reference of one space where another is expected is an error, as it
// is in MSL; the kernel headers then take their MSL branch (platform.h).
//
// The spaces are clang's SYCL-device ones (the lint adds -Xclang -fsycl-is-device), not numbered
// address_space(N): device, threadgroup and constant stay mutually incompatible, and any of them
// may still be read into an unqualified (thread) object. MSL allows that, e.g. copying a
// `constant NttParams&` into a by-value NttParams parameter, which numbered spaces reject.
// The price: converting a device/threadgroup/constant pointer to a thread pointer is not caught.
//
// `[[threadgroup(0)]]` would expand the macro below inside the attribute; the lint's runner
// (tests/msl/msl_sources.py) renames that attribute in its copy of the file first.
#pragma once

#define __METAL_VERSION__ 300

#define device __attribute__((opencl_global))
#define threadgroup __attribute__((opencl_local))
// sycl_private here only stands for "a third space, distinct from the other two"; const makes
// writes through constant memory errors, as in MSL (the lint adds -Wno-duplicate-decl-specifier
// for the `constant const T&` that the kernel headers write).
#define constant const __attribute__((opencl_private))
#define thread
#define kernel
