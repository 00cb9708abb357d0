#include "common/fingerprint.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

namespace tunelab {

std::string fingerprint(const void* data, std::size_t size, std::uint64_t seed) {
  std::uint64_t h = seed;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) h = (h ^ bytes[i]) * 0x100000001b3ULL;
  return fmt::format("{:016x}", h);
}

std::string fingerprint(const std::string& text) { return fingerprint(text.data(), text.size()); }

std::string file_fingerprint(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return fingerprint(bytes);
}

}  // namespace tunelab
