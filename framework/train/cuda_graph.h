#pragma once
// CUDA graphs: a training step's kernels recorded once and replayed as one
// launch. A small model's step on a GPU is hundreds of kernels of a few
// microseconds each; launched one by one from the host, the launches take
// longer than the kernels. Replayed from a graph, they run back to back.
//
// A recording keeps the addresses of every tensor it reads and writes:
// replaying it reads the inputs' buffers as they are then and writes the
// same outputs, so the work recorded must read its inputs from buffers that
// stay put (train/batch_step.h) and keep all its state on the device
// (train/capturable_adam.h).

#include <functional>
#include <memory>

#include <c10/core/Device.h>

namespace tunelab {

// Whether `device` is a CUDA device and this build's LibTorch records graphs.
bool can_record_cuda_graphs(const c10::Device& device);

// While it lives, this thread's device work on a CUDA `device` goes to a
// stream of its own (graphs cannot be recorded on the default stream); it
// first waits for the work already queued and, when it goes, for its own.
// Nothing on other devices or builds without CUDA.
class DeviceStreamScope {
 public:
  explicit DeviceStreamScope(const c10::Device& device);
  ~DeviceStreamScope();
  DeviceStreamScope(const DeviceStreamScope&) = delete;
  DeviceStreamScope& operator=(const DeviceStreamScope&) = delete;

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

class CudaGraph {
 public:
  // Records the kernels `work` launches on the current stream of a
  // DeviceStreamScope, without running them. Throws when the work cannot be
  // recorded (it waits for the device, say) or the build has no CUDA.
  static std::unique_ptr<CudaGraph> record(const std::function<void()>& work);
  ~CudaGraph();

  // Runs the recorded kernels once, on the current stream.
  void replay();

 private:
  struct Recording;
  explicit CudaGraph(std::unique_ptr<Recording> recording);
  std::unique_ptr<Recording> recording_;
};

}  // namespace tunelab
