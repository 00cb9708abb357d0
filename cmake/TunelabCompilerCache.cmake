# ccache, when present, with the sloppiness that lets it cache translation units
# built against a precompiled header.
find_program(TUNELAB_CCACHE ccache)
if(TUNELAB_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${TUNELAB_CCACHE})
endif()
