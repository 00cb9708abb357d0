# cmake -DROOT=<source tree> [-DSTAMP=<file>] -P cmake/check_layers.cmake
# Fails, naming each file and line, when an include goes against the layers
# of cmake/TunelabLayers.cmake; touches STAMP when none does.
cmake_minimum_required(VERSION 3.18)
include("${CMAKE_CURRENT_LIST_DIR}/TunelabLayers.cmake")
if(NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<source tree> -P check_layers.cmake")
endif()
tunelab_layer_violations("${ROOT}" violations)
if(violations)
  list(LENGTH violations count)
  string(REPLACE ";" "\n" listing "${violations}")
  message(FATAL_ERROR "${listing}\n${count} include(s) against the layers (cmake/TunelabLayers.cmake)")
endif()
if(STAMP)
  file(TOUCH "${STAMP}")
endif()
