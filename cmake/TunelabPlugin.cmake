# tunelab_add_plugin(NAME SOURCES...): a plugin library NAME.so built against
# tunelab (the installed package, or the tree being built), loadable with
# `tunelab run --plugin NAME.so` or an experiment file's `plugins:` list.
function(tunelab_add_plugin name)
  if(NOT ARGN)
    message(FATAL_ERROR "tunelab_add_plugin(${name}): no source files given")
  endif()
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE tunelab::tunelab)
  target_compile_features(${name} PRIVATE cxx_std_17)
  # NAME.so, not libNAME.so: it is loaded by path, never linked.
  set_target_properties(${name} PROPERTIES PREFIX "")
endfunction()
