#include "train/cuda_graph.h"

#include <stdexcept>

#include "common/version.h"

#if TUNELAB_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <torch/version.h>
#endif

namespace tunelab {

#if TUNELAB_WITH_CUDA

bool can_record_cuda_graphs(const c10::Device& device) { return device.is_cuda(); }

struct DeviceStreamScope::Stream {
  explicit Stream(const c10::Device& device)
      : own(c10::cuda::getStreamFromPool(false, device.index())), guard(own) {}
  c10::cuda::CUDAStream own;
  c10::cuda::CUDAStreamGuard guard;
};

DeviceStreamScope::DeviceStreamScope(const c10::Device& device) {
  if (!device.is_cuda()) return;
  c10::cuda::getCurrentCUDAStream(device.index()).synchronize();
  stream_ = std::make_unique<Stream>(device);
}

DeviceStreamScope::~DeviceStreamScope() {
  if (stream_) stream_->own.synchronize();
}

struct CudaGraph::Recording {
  at::cuda::CUDAGraph graph;
};

std::unique_ptr<CudaGraph> CudaGraph::record(const std::function<void()>& work) {
  auto recording = std::make_unique<Recording>();
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
  // Thread-local: other threads' CUDA calls (cross-validation folds
  // training side by side, each on its own stream) do not spoil this
  // recording. Older LibTorch records in the global mode only.
  recording->graph.capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
#else
  recording->graph.capture_begin();
#endif
  try {
    work();
  } catch (...) {
    // Ends the capture the failed work left open; its own error, if any,
    // says less than the work's. CUDA keeps that error as its "last error",
    // which the next kernel launch's check would report: cleared.
    try {
      recording->graph.capture_end();
    } catch (...) {
    }
    (void)cudaGetLastError();
    throw;
  }
  recording->graph.capture_end();
  return std::unique_ptr<CudaGraph>(new CudaGraph(std::move(recording)));
}

void CudaGraph::replay() { recording_->graph.replay(); }

#else

bool can_record_cuda_graphs(const c10::Device&) { return false; }

struct DeviceStreamScope::Stream {};

DeviceStreamScope::DeviceStreamScope(const c10::Device&) {}

DeviceStreamScope::~DeviceStreamScope() = default;

struct CudaGraph::Recording {};

std::unique_ptr<CudaGraph> CudaGraph::record(const std::function<void()>&) {
  throw std::logic_error("this tunelab was built with a LibTorch without CUDA");
}

void CudaGraph::replay() {}

#endif

CudaGraph::CudaGraph(std::unique_ptr<Recording> recording) : recording_(std::move(recording)) {}

CudaGraph::~CudaGraph() = default;

}  // namespace tunelab
