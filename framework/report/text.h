#pragma once
// How numbers, params and durations read in the command line's output.

#include <string>

#include "search/space.h"

namespace tunelab {

// 6 significant digits; "-" for no value (NaN).
std::string shown(double value);

// "trainer.lr=0.003 model.block=ResNetBlock"
std::string params_text(const Params& params);

// "1:05" or "2:01:05"
std::string clock_text(double seconds);

// `text` as one word of a POSIX shell command line, quoted only when needed.
std::string shell_word(const std::string& text);

// A file name made from a study name: characters a shell or file system
// might trip on become '-'.
std::string file_name_for(const std::string& name);

}  // namespace tunelab
