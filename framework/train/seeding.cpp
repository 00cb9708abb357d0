#include "train/seeding.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <cstdlib>

namespace tunelab {

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
