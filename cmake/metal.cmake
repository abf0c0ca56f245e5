# The Metal backend: Apple platforms only. Elsewhere the .metal files are still checked by the
# MSL lint and the lane emulator (tests/msl).
if(APPLE)
  message(STATUS "gpustark: Metal backend sources are present; the device layer arrives with the Metal issue")
endif()
