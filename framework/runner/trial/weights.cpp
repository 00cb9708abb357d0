#include "runner/trial/weights.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "common/errors.h"
#include "common/file_writing.h"
#include "data/task.h"

namespace tunelab {
namespace {

// The seed of the trial that wrote the file, beside the modules' own keys.
const char* const kTrialSeedKey = "trial.seed";
const char* const kClassesKey = "trial.classes";
const char* const kEncodingKey = "scaling.encoding";

// Keys outside the module's own names (which never start with "scaling.").
void write_scaling(torch::serialize::OutputArchive& archive, const std::string& key,
                   const std::optional<Standardizer>& s) {
  if (!s) return;
  archive.write("scaling." + key + ".mean", s->mean.cpu());
  archive.write("scaling." + key + ".scale", s->scale.cpu());
  if (s->log) archive.write("scaling." + key + ".log", torch::ones({1}));
  if (s->clip.defined()) archive.write("scaling." + key + ".clip", s->clip.cpu());
  if (s->quantiles.defined()) {
    archive.write("scaling." + key + ".quantiles", s->quantiles.cpu());
    archive.write("scaling." + key + ".quantile_columns", s->quantile_columns.cpu());
  }
}

std::optional<Standardizer> read_scaling(torch::serialize::InputArchive& archive,
                                         const std::string& key) {
  Standardizer s;
  if (!archive.try_read("scaling." + key + ".mean", s.mean)) return std::nullopt;
  archive.read("scaling." + key + ".scale", s.scale);
  at::Tensor log;
  s.log = archive.try_read("scaling." + key + ".log", log);
  if (!archive.try_read("scaling." + key + ".clip", s.clip)) s.clip = at::Tensor();
  if (archive.try_read("scaling." + key + ".quantiles", s.quantiles))
    archive.read("scaling." + key + ".quantile_columns", s.quantile_columns);
  else
    s.quantiles = at::Tensor();
  return s;
}

void write_model(torch::serialize::OutputArchive& archive, TrainedModel& member) {
  member.model->to(torch::kCPU);
  member.model->save(archive);
  write_scaling(archive, "x", member.scaling.x);
  write_scaling(archive, "y", member.scaling.y);
  if (member.scaling.encoding)
    archive.write(kEncodingKey, c10::IValue(member.scaling.encoding->to_json().dump()));
}

Scaling read_scaling(torch::serialize::InputArchive& archive) {
  Scaling scaling;
  scaling.x = read_scaling(archive, "x");
  scaling.y = read_scaling(archive, "y");
  c10::IValue encoding;
  if (archive.try_read(kEncodingKey, encoding))
    scaling.encoding = FeatureEncoding::from_json(nlohmann::json::parse(encoding.toStringRef()));
  return scaling;
}

// A module for the archive's model, sized by its encoding where it has one.
TrainedModel read_model(torch::serialize::InputArchive& archive, const ModelBuilder& build,
                        std::int64_t inputs, std::int64_t outputs) {
  TrainedModel member;
  member.scaling = read_scaling(archive);
  member.model =
      build(member.scaling.encoding,
            member.scaling.encoding ? member.scaling.encoding->width() : inputs, outputs);
  member.model->load(archive);
  return member;
}

std::string fold_key(std::size_t f) { return fmt::format("fold{}", f); }

}  // namespace

void save_weights(const std::filesystem::path& file, TrainedModels& models,
                  std::uint64_t trial_seed) {
  std::filesystem::create_directories(file.parent_path());
  torch::serialize::OutputArchive archive;
  archive.write(kTrialSeedKey, torch::tensor(static_cast<std::int64_t>(trial_seed)));
  if (!models.classes.empty()) {
    c10::List<std::string> classes;
    for (const auto& c : models.classes) classes.push_back(c);
    archive.write(kClassesKey, c10::IValue(classes));
  }
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
    if (models.units.encoding)
      archive.write(kEncodingKey, c10::IValue(models.units.encoding->to_json().dump()));
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

TrainedModels load_weights(const std::filesystem::path& file, const ModelBuilder& build,
                           std::int64_t inputs, std::int64_t outputs, std::uint64_t trial_seed) {
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
          file.string(), static_cast<std::uint64_t>(written_for.item<std::int64_t>()), trial_seed));
    TrainedModels models;
    c10::IValue classes;
    if (archive.try_read(kClassesKey, classes)) {
      const c10::List<c10::IValue> list = classes.toList();
      for (std::size_t i = 0; i < list.size(); ++i)
        models.classes.push_back(list.get(i).toStringRef());
      outputs = model_outputs(models.classes.size(), outputs);
    }
    for (std::size_t f = 0;; ++f) {
      torch::serialize::InputArchive fold;
      if (!archive.try_read(fold_key(f), fold)) break;
      models.members.push_back(read_model(fold, build, inputs, outputs));
    }
    if (models.members.empty())
      models.members.push_back(read_model(archive, build, inputs, outputs));
    models.units = read_scaling(archive);
    return models;
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw InputError(fmt::format("{}: cannot read these weights: {}", file.string(),
                                 what.substr(0, what.find('\n'))));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: cannot read these weights: {}", file.string(), e.what()));
  } catch (const DataError& e) {
    throw InputError(fmt::format("{}: {}", file.string(), e.what()));
  }
}

}  // namespace tunelab
