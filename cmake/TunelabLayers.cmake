# The layers of libtunelab, lowest first, and what each may use. A layer is a
# folder of framework/; a file may include headers of its own layer and of
# the layers listed for it, nothing else. plugins/ (the built-in plugins) is
# written against the plugin API, as a plugin library is; the cli registers
# them.
#
# The build checks every include against this table (cmake/check_layers.cmake)
# and links each layer's library only to the libraries of its list, so that a
# dependency against the direction fails to build.
set(TUNELAB_LAYERS common registry search data model train plugin config store analysis runner
                   report serve cli)
set(TUNELAB_USES_common "")
set(TUNELAB_USES_registry common)
set(TUNELAB_USES_search common registry)
set(TUNELAB_USES_data common registry)
set(TUNELAB_USES_model common registry)
set(TUNELAB_USES_train common registry data model)
set(TUNELAB_USES_plugin common registry search data model train)
set(TUNELAB_USES_config common registry search data model train plugin)
set(TUNELAB_USES_store common registry search)
set(TUNELAB_USES_analysis common registry search)
set(TUNELAB_USES_runner common registry search data model train plugin config store analysis)
set(TUNELAB_USES_report common registry search data model train plugin config store runner
                        analysis)
set(TUNELAB_USES_serve common registry search data model train plugin config store runner
                       analysis report)
set(TUNELAB_USES_cli common registry search data model train plugin config store runner analysis
                     report serve plugins)
set(TUNELAB_USES_plugins common registry search data model train plugin)

# Every include of a layer's header that `root`'s framework/ and plugins/
# make against the table, as "file:line: message" in `out`.
function(tunelab_layer_violations root out)
  set(found "")
  foreach(layer ${TUNELAB_LAYERS} plugins)
    if(layer STREQUAL "plugins")
      set(folder "${root}/plugins")
    else()
      set(folder "${root}/framework/${layer}")
    endif()
    file(GLOB_RECURSE sources "${folder}/*.h" "${folder}/*.cpp")
    set(allowed ${layer} ${TUNELAB_USES_${layer}})
    foreach(source ${sources})
      file(READ "${source}" text)
      string(REGEX MATCHALL "\n[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/[^\"]*\"" includes "\n${text}")
      foreach(include ${includes})
        string(REGEX REPLACE ".*\"([a-z_]+)/[^\"]*\".*" "\\1" used "${include}")
        if(NOT used IN_LIST TUNELAB_LAYERS AND NOT used STREQUAL "plugins")
          continue()  # a folder of the file's own, such as store/sql/
        endif()
        if(used IN_LIST allowed)
          continue()
        endif()
        string(FIND "\n${text}" "${include}" at)
        string(SUBSTRING "\n${text}" 0 ${at} before)
        string(REGEX MATCHALL "\n" newlines "${before}\n")
        list(LENGTH newlines line)
        string(REGEX REPLACE "^\n[ \t]*" "" include "${include}")
        file(RELATIVE_PATH name "${root}" "${source}")
        string(REPLACE ";" ", " uses "${TUNELAB_USES_${layer}}")
        if(NOT uses)
          set(uses "nothing")
        endif()
        list(APPEND found "${name}:${line}: ${layer} may not use ${used} (${include}), ${layer} uses only: ${uses}")
      endforeach()
    endforeach()
  endforeach()
  # A new folder of framework/ must say where it stands.
  file(GLOB folders LIST_DIRECTORIES true "${root}/framework/*")
  foreach(folder ${folders})
    get_filename_component(name "${folder}" NAME)
    if(IS_DIRECTORY "${folder}" AND NOT name IN_LIST TUNELAB_LAYERS)
      list(APPEND found "framework/${name}: a folder that is no layer; add it to cmake/TunelabLayers.cmake")
    endif()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()
