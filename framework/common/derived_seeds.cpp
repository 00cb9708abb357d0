#include "common/derived_seeds.h"

namespace tunelab {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::uint64_t derive_seed(std::uint64_t root, std::uint64_t stream) {
  // Kept below 2^63 so the seed survives a round trip through signed 64-bit
  // integers (SQLite, JSON readers).
  return splitmix64(splitmix64(root) ^ splitmix64(stream + 0x632be59bd9b4e019ULL)) >> 1;
}

std::uint64_t derive_seed(std::uint64_t root, std::string_view purpose) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a of the purpose
  for (const char c : purpose) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return derive_seed(root, h);
}

}  // namespace tunelab
