#pragma once
// Listings as an aligned text table, CSV or JSON (an array of objects).
// Hand-written: no Debian package prints tables, and this is a few lines.

#include <ostream>
#include <string>
#include <vector>

#include "cli/options.h"

namespace tunelab::cli {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

void print_table(std::ostream& out, const Table& table, Format format);

}  // namespace tunelab::cli
