# The primitives and phases written once for every GPU (cpp/backends/gpu/): each GPU backend's
# library compiles them beside its own device (cuda/CMakeLists.txt, metal/CMakeLists.txt).
set(GPUSTARK_GPU_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/gpu_backend.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_compiled_default.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_dag.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_device_hooks.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_ef_tables.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_fraction_tree.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_grind.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_hash.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_merkle.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_merkle_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_ntt.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_ntt_tables.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_round0.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_stacked_matrix.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gpu_trace_tables.cpp
)
