#include "runner/weights.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "common/errors.h"

namespace tunelab {
namespace {

// Keys outside the module's own names (which never start with "scaling.").
void write_scaling(torch::serialize::OutputArchive& archive, const std::string& key,
                   const std::optional<Standardizer>& s) {
  if (!s) return;
  archive.write("scaling." + key + ".mean", s->mean.cpu());
  archive.write("scaling." + key + ".scale", s->scale.cpu());
}

std::optional<Standardizer> read_scaling(torch::serialize::InputArchive& archive,
                                         const std::string& key) {
  Standardizer s;
  if (!archive.try_read("scaling." + key + ".mean", s.mean)) return std::nullopt;
  archive.read("scaling." + key + ".scale", s.scale);
  return s;
}

}  // namespace

void save_weights(const std::filesystem::path& file, torch::nn::Sequential& model,
                  const Scaling& scaling) {
  std::filesystem::create_directories(file.parent_path());
  torch::serialize::OutputArchive archive;
  model->to(torch::kCPU);
  model->save(archive);
  write_scaling(archive, "x", scaling.x);
  write_scaling(archive, "y", scaling.y);
  const auto partial = std::filesystem::path(file.string() + ".partial");
  archive.save_to(partial.string());
  std::filesystem::rename(partial, file);
}

Scaling load_weights(const std::filesystem::path& file, torch::nn::Sequential& model) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw InputError(fmt::format("{}: the weights file is missing", file.string()));
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(file.string(), torch::kCPU);
    model->load(archive);
    Scaling scaling;
    scaling.x = read_scaling(archive, "x");
    scaling.y = read_scaling(archive, "y");
    return scaling;
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw InputError(fmt::format("{}: cannot read these weights: {}", file.string(),
                                 what.substr(0, what.find('\n'))));
  }
}

}  // namespace tunelab
