// MSL's keywords defined away, so that the .metal files compile as C++ with the kernel headers'
// MSL branch (platform.h). Include after every standard header and runtime.h, and end the
// region with msl_keywords_end.h. Attributes like [[buffer(0)]] are left to -Wno-attributes.
#define __METAL_VERSION__ 300
#define device
#define constant
#define threadgroup
#define thread
#define kernel
