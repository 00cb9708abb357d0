#pragma once
// How numbers, params and durations read in the command line's output.

#include <string>

#include "search/space.h"

namespace tunelab::cli {

// 6 significant digits; "-" for no value (NaN).
std::string shown(double value);

// "trainer.lr=0.003 model.block=ResNetBlock"
std::string params_text(const Params& params);

// "1:05" or "2:01:05"
std::string clock_text(double seconds);

}  // namespace tunelab::cli
