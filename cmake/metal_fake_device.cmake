# gpustark_metal_fake_device: the fake Metal device of tests/cpp/test_metal_fake_device.h with the
# real metal/*.metal kernels compiled as C++ (the lane emulator's runtime), for machines without
# Metal. The native tests check MetalBackend over it (GPUSTARK_METAL_HOST_CHECK), and
# GPUSTARK_METAL_FAKE_DEVICE registers `metal` over it so the Python suite can run on `metal`.
# Included from the top-level directory: the source properties below belong to its targets.

# Prepared copies of the .metal files: only the [[threadgroup(n)]] attribute renamed, which the
# emulator's keyword macros would otherwise break (tests/msl/msl_sources.py says why).
set(_metal_prepared ${CMAKE_BINARY_DIR}/metal_prepared)
file(GLOB _metal_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/metal/*.metal)
foreach(_metal_file ${_metal_files})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_metal_file})
  get_filename_component(_metal_name ${_metal_file} NAME)
  file(READ ${_metal_file} _metal_text)
  string(REGEX REPLACE "\\[\\[[ \t]*threadgroup[ \t]*\\(" "[[gs_threadgroup_index(" _metal_text "${_metal_text}")
  file(CONFIGURE OUTPUT ${_metal_prepared}/${_metal_name} CONTENT "#line 1 \"${_metal_file}\"\n${_metal_text}" @ONLY)
endforeach()

set(_fake_dir ${PROJECT_SOURCE_DIR}/tests/cpp)
add_library(gpustark_metal_fake_device STATIC
  ${_fake_dir}/test_metal_fake_device.cpp
  ${_fake_dir}/test_metal_emulated_kernels.cpp
)
target_include_directories(gpustark_metal_fake_device PUBLIC ${_fake_dir})
target_link_libraries(gpustark_metal_fake_device PUBLIC gpustark_metal_host Threads::Threads)
# The emulated kernels need C++20 (the emulator's std::barrier) and the emulator's <metal_stdlib>.
set_target_properties(gpustark_metal_fake_device PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
set_source_files_properties(${_fake_dir}/test_metal_emulated_kernels.cpp PROPERTIES
  INCLUDE_DIRECTORIES "${PROJECT_SOURCE_DIR}/tests/msl/emulator/include;${PROJECT_SOURCE_DIR}/tests/msl/emulator;${_metal_prepared};${PROJECT_SOURCE_DIR}/cpp/kernels"
  COMPILE_OPTIONS "-Wno-attributes;-Wno-unknown-attributes;-Wno-unused-parameter")

if(GPUSTARK_METAL_FAKE_DEVICE)
  # `metal` registered over the fake device, for the Python suite without a Mac
  # (scripts/test_metal_fake.sh): linked into the extension as the real gpustark_metal would be.
  add_library(gpustark_metal STATIC ${_fake_dir}/fake_metal_register.cpp)
  target_link_libraries(gpustark_metal PUBLIC gpustark_metal_host gpustark_metal_fake_device)
  target_compile_definitions(gpustark_metal INTERFACE GPUSTARK_WITH_METAL=1)
  set(GPUSTARK_BACKEND_LIBS ${GPUSTARK_BACKEND_LIBS} gpustark_metal)
endif()
