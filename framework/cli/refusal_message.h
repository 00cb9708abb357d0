#pragma once
// What the layers below refuse (runner/refusal.h, an unusable store or
// Optuna file) in the CLI's words: what went wrong, with the option it came
// from and the option that puts it right.

#include <string>

#include "runner/stored/refusal.h"
#include "store/optuna_export.h"
#include "store/store.h"

namespace tunelab::cli {

std::string refusal_message(const RefusedError& error);
std::string refusal_message(const StoreLocationError& error);
std::string refusal_message(const OptunaFileError& error);

}  // namespace tunelab::cli
