# The Metal backend (cpp/backends/metal): GPUSTARK_METAL=AUTO builds it on Apple platforms when the
# Metal compiler (`xcrun -sdk macosx metal`) is found, ON requires it, OFF skips it. Elsewhere the
# .metal files are checked by the MSL lint and the lane emulator (tests/msl), and the backend's
# plain C++ by the native tests over a fake device (GPUSTARK_METAL_HOST_CHECK, tests/cpp).
set(GPUSTARK_METAL "AUTO" CACHE STRING "Build the Metal backend: AUTO (Apple with xcrun metal), ON or OFF")
set_property(CACHE GPUSTARK_METAL PROPERTY STRINGS AUTO ON OFF)
set(GPUSTARK_HAVE_METAL OFF)
if(NOT GPUSTARK_METAL STREQUAL "OFF")
  if(APPLE)
    # Run the compiler, not just find it: since Xcode 26 `metal` is a stub until the Metal
    # toolchain component is downloaded.
    execute_process(COMMAND xcrun -sdk macosx metal --version RESULT_VARIABLE _gpustark_metal_rc
                    OUTPUT_QUIET ERROR_VARIABLE _gpustark_metal_err)
    if(_gpustark_metal_rc EQUAL 0)
      set(GPUSTARK_HAVE_METAL ON)
    elseif(GPUSTARK_METAL STREQUAL "ON")
      message(FATAL_ERROR "GPUSTARK_METAL=ON but `xcrun -sdk macosx metal` does not run (${_gpustark_metal_err}): "
                          "install Xcode, and on Xcode 26 or later `xcodebuild -downloadComponent MetalToolchain`")
    else()
      message(STATUS "gpustark: no Metal compiler (xcrun -sdk macosx metal), building without the Metal backend")
    endif()
  elseif(GPUSTARK_METAL STREQUAL "ON")
    message(FATAL_ERROR "GPUSTARK_METAL=ON needs an Apple platform")
  endif()
endif()

# Without Metal, `metal` can be registered over the fake device (tests/cpp/test_metal_fake_device.h),
# which runs the real .metal kernels on the CPU, so that the Python suite runs with --backend metal:
# a test build, never a wheel to ship (scripts/test_metal_fake.sh).
option(GPUSTARK_METAL_FAKE_DEVICE "Register `metal` over the fake device (tests only; needs no Metal)" OFF)
if(GPUSTARK_METAL_FAKE_DEVICE AND GPUSTARK_HAVE_METAL)
  message(FATAL_ERROR "GPUSTARK_METAL_FAKE_DEVICE is for machines without Metal; this one has it")
endif()

# The native tests check the backend's C++ over the fake device where there is no Metal to run it
# on. With GPUSTARK_METAL_FAKE_DEVICE the main test executable does so already (`metal` is built in).
if(GPUSTARK_NATIVE_TESTS AND NOT GPUSTARK_HAVE_METAL AND NOT GPUSTARK_METAL_FAKE_DEVICE)
  set(_gpustark_host_check_default ON)
else()
  set(_gpustark_host_check_default OFF)
endif()
option(GPUSTARK_METAL_HOST_CHECK "Build the Metal backend's C++ against a fake device in the native tests"
       ${_gpustark_host_check_default})
if(GPUSTARK_METAL_HOST_CHECK AND GPUSTARK_METAL_FAKE_DEVICE)
  message(FATAL_ERROR "GPUSTARK_METAL_HOST_CHECK registers its own fake `metal`: turn off GPUSTARK_METAL_FAKE_DEVICE")
endif()

if(GPUSTARK_HAVE_METAL)
  # Here, not in cpp/backends/metal: every target that links device.mm's objects (the extension,
  # the native tests) needs the language enabled in a directory above it.
  enable_language(OBJCXX)
endif()
if(GPUSTARK_HAVE_METAL OR GPUSTARK_METAL_HOST_CHECK OR GPUSTARK_METAL_FAKE_DEVICE)
  add_subdirectory(cpp/backends/metal)
endif()
if(GPUSTARK_METAL_HOST_CHECK OR GPUSTARK_METAL_FAKE_DEVICE)
  include(${CMAKE_CURRENT_LIST_DIR}/metal_fake_device.cmake)
endif()
