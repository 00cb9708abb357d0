#include "common/blas.h"

#include <link.h>

#include <filesystem>

namespace tunelab {

std::string blas_library() {
  std::string found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        const std::string name = info->dlpi_name ? info->dlpi_name : "";
        const auto file = std::filesystem::path(name).filename().string();
        if (file.find("blas") == std::string::npos) return 0;
        std::error_code ec;
        // Debian picks the BLAS through alternatives: the link's target says which.
        const auto real = std::filesystem::canonical(name, ec);
        *static_cast<std::string*>(out) = ec ? name : real.string();
        return 1;
      },
      &found);
  return found.empty() ? "unknown" : found;
}

}  // namespace tunelab
