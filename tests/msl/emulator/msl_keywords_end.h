// Ends the region opened by msl_keywords.h, so the emulator's own code may use std::thread.
#undef device
#undef constant
#undef threadgroup
#undef thread
#undef kernel
