#include "cli/output_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "common/errors.h"

namespace tunelab::cli {

void write_output(const std::string& path, const std::string& text) {
  if (path.empty()) {
    std::cout << text;
    return;
  }
  const std::filesystem::path target(path), partial(path + ".partial");
  std::error_code ec;
  if (std::filesystem::is_directory(target, ec))
    throw InputError(fmt::format("--output {}: is a directory", path));
  {
    std::ofstream out(partial, std::ios::binary);
    if (!out)
      throw InputError(fmt::format("--output {}: cannot write: {}", path, std::strerror(errno)));
    out << text;
    out.flush();
    if (!out) {
      std::filesystem::remove(partial, ec);
      throw InputError(fmt::format("--output {}: cannot write: {}", path, std::strerror(errno)));
    }
  }
  std::filesystem::rename(partial, target, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    throw InputError(fmt::format("--output {}: cannot write: {}", path, ec.message()));
  }
}

}  // namespace tunelab::cli
