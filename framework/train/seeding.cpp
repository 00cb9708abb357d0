#include "train/seeding.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <cstdlib>

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

void seed_everything(std::uint64_t seed) {
  // cuBLAS is deterministic only with a fixed workspace; this must be set
  // before the first cuBLAS call.
  setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", /*overwrite=*/0);
  torch::manual_seed(seed);
  if (torch::cuda::is_available()) torch::cuda::manual_seed_all(seed);
  at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/false);
  at::globalContext().setDeterministicCuDNN(true);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 2)
  // Newer LibTorch also fills every new tensor with NaN in deterministic
  // mode, a check for kernels that read memory they did not write. Ours
  // write all they read, and on a GPU the fills would add a kernel for every
  // tensor a recorded training step allocates.
  at::globalContext().setDeterministicFillUninitializedMemory(false);
#endif
}

}  // namespace tunelab
