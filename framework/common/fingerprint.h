#pragma once
// FNV-1a 64-bit, as 16 hex digits: a fingerprint to tell "same or not"
// (configurations, data sets, plugin files), not a security hash.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace tunelab {

std::string fingerprint(const void* data, std::size_t size,
                        std::uint64_t seed = 0xcbf29ce484222325ULL);
std::string fingerprint(const std::string& text);
// Of a file's bytes; empty when it cannot be read.
std::string file_fingerprint(const std::filesystem::path& file);

}  // namespace tunelab
