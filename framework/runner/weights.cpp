#include "runner/weights.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "common/errors.h"
#include "common/file_writing.h"

namespace tunelab {
namespace {

// The seed of the trial that wrote the file, beside the modules' own keys.
const char* const kTrialSeedKey = "trial.seed";

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

void write_model(torch::serialize::OutputArchive& archive, TrainedModel& member) {
  member.model->to(torch::kCPU);
  member.model->save(archive);
  write_scaling(archive, "x", member.scaling.x);
  write_scaling(archive, "y", member.scaling.y);
}

Scaling read_scaling(torch::serialize::InputArchive& archive) {
  Scaling scaling;
  scaling.x = read_scaling(archive, "x");
  scaling.y = read_scaling(archive, "y");
  return scaling;
}

std::string fold_key(std::size_t f) { return fmt::format("fold{}", f); }

}  // namespace

void save_weights(const std::filesystem::path& file, TrainedModels& models,
                  std::uint64_t trial_seed) {
  std::filesystem::create_directories(file.parent_path());
  torch::serialize::OutputArchive archive;
  archive.write(kTrialSeedKey, torch::tensor(static_cast<std::int64_t>(trial_seed)));
  if (models.members.size() == 1) {
    write_model(archive, models.members.front());
  } else {
    for (std::size_t f = 0; f < models.members.size(); ++f) {
      torch::serialize::OutputArchive fold;
      write_model(fold, models.members[f]);
      archive.write(fold_key(f), fold);
    }
    write_scaling(archive, "x", models.units.x);
    write_scaling(archive, "y", models.units.y);
  }
  // Serialised in memory first: LibTorch's file writer reports a full disk
  // by throwing from a destructor, which ends the process.
  std::string bytes;
  archive.save_to([&](const void* data, std::size_t size) {
    bytes.append(static_cast<const char*>(data), size);
    return size;
  });
  write_file_whole(file, bytes);
}

TrainedModels load_weights(const std::filesystem::path& file,
                           const std::function<torch::nn::Sequential()>& build,
                           std::uint64_t trial_seed) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw InputError(fmt::format("{}: the weights file is missing", file.string()));
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(file.string(), torch::kCPU);
    // Files from before the seed was written have none: they load as they did.
    torch::Tensor written_for;
    if (archive.try_read(kTrialSeedKey, written_for) &&
        static_cast<std::uint64_t>(written_for.item<std::int64_t>()) != trial_seed)
      throw InputError(fmt::format(
          "{}: another trial's weights (trial seed {} in the file, {} in the store); the file was "
          "replaced after the study wrote it",
          file.string(), static_cast<std::uint64_t>(written_for.item<std::int64_t>()),
          trial_seed));
    TrainedModels models;
    for (std::size_t f = 0;; ++f) {
      torch::serialize::InputArchive fold;
      if (!archive.try_read(fold_key(f), fold)) break;
      TrainedModel member{build(), {}};
      member.model->load(fold);
      member.scaling = read_scaling(fold);
      models.members.push_back(std::move(member));
    }
    if (models.members.empty()) {
      TrainedModel member{build(), {}};
      member.model->load(archive);
      member.scaling = read_scaling(archive);
      models.members.push_back(std::move(member));
    }
    models.units = read_scaling(archive);
    return models;
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw InputError(fmt::format("{}: cannot read these weights: {}", file.string(),
                                 what.substr(0, what.find('\n'))));
  }
}

}  // namespace tunelab
