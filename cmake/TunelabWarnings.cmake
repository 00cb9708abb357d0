# Warnings for tunelab's own targets (not for LibTorch's headers, which are
# included as system headers).
function(tunelab_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                           -Wnon-virtual-dtor -Wno-unused-parameter)
endfunction()
