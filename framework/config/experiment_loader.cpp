#include "config/experiment_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "common/json_paths.h"
#include "common/utf8.h"
#include "config/experiment_keys.h"
#include "config/overrides.h"
#include "config/yaml_to_json.h"

namespace tunelab {
namespace {

// Experiment files are small; anything this large is a mistake (a data file
// passed by accident) and would only be slow to reject later.
constexpr std::uintmax_t kMaxFileBytes = 4u << 20;

ExperimentConfig read_experiment(const nlohmann::json& document) {
  if (!document.is_object())
    throw ConfigError("", "an experiment file is a mapping with name, data, model and trainer");
  ExperimentConfig c;
  experiment_keys().read_into(document, c, c);
  return c;
}

// YAML is Unicode text; invalid bytes would otherwise reach the store's JSON.
void check_utf8(const std::string& text, const std::string& origin) {
  const auto bad = first_invalid_utf8(text);
  if (!bad) return;
  const auto line_start = text.rfind('\n', *bad == 0 ? 0 : *bad - 1);
  const auto before = text.begin() + static_cast<std::ptrdiff_t>(*bad);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), before, '\n'));
  const std::size_t column = line_start == std::string::npos ? *bad + 1 : *bad - line_start;
  throw InputError(fmt::format("{}:{}:{}: not valid UTF-8 (byte 0x{:02x}); save the file as UTF-8",
                               origin, line, column, static_cast<unsigned char>(text[*bad])));
}

}  // namespace

ExperimentConfig interpret_experiment(const nlohmann::json& document) {
  return read_experiment(document);
}

namespace {

// A list searched element by element ends before its first element that
// the trial's params leave unsearched (`c_hidden[2]` when `groups` is 2):
// the file holds the longest list searched.
void cut_unsearched_elements(nlohmann::json& trial, const nlohmann::json& document,
                             const Params& params) {
  const nlohmann::json space_json = value_at_path(document, "search.space");
  if (!space_json.is_object()) return;
  const SearchSpace space = read_search_space(space_json);
  if (!space.conditional()) return;           // every dimension is searched
  std::map<std::string, std::size_t> cut_at;  // list path -> first unsearched index
  for (const Dimension& d : space.dimensions) {
    const auto open = d.path.find('[');
    if (open == std::string::npos || d.path.back() != ']' || space.active(d, params)) continue;
    const std::string list = d.path.substr(0, open);
    std::size_t index = 0;
    try {
      index = std::stoul(d.path.substr(open + 1));
    } catch (const std::logic_error&) {
      continue;  // not KEY[INDEX]: set_path says so where the dimension is set
    }
    const auto at = cut_at.find(list);
    cut_at[list] = at == cut_at.end() ? index : std::min(at->second, index);
  }
  for (const auto& [path, index] : cut_at) {
    nlohmann::json cut = value_at_path(trial, path);
    if (!cut.is_array() || cut.size() <= index) continue;
    cut.erase(cut.begin() + static_cast<std::ptrdiff_t>(index), cut.end());
    set_path(trial, path, std::move(cut));
  }
}

}  // namespace

ExperimentConfig config_with_params(const nlohmann::json& document, const Params& params) {
  nlohmann::json trial = document;
  for (const auto& [path, value] : params) set_path(trial, path, value);
  cut_unsearched_elements(trial, document, params);
  return read_experiment(trial);
}

Experiment load_experiment_text(const std::string& text, const std::string& origin,
                                const std::vector<std::string>& overrides) {
  Experiment experiment;
  experiment.places = SourceMap(origin);
  check_utf8(text, origin);
  try {
    nlohmann::json document = parse_yaml(text, origin, experiment.places);
    const std::vector<std::string> fixed = apply_overrides(document, overrides, experiment.places);
    if (!fixed.empty())
      experiment.notes.push_back(fmt::format("--set fixes {}: {} no longer searched",
                                             fmt::join(fixed, ", "),
                                             fixed.size() == 1 ? "it is" : "they are"));
    experiment.config = read_experiment(document);
    experiment.document = std::move(document);
  } catch (const ConfigError& e) {
    throw experiment.places.locate(e);
  }
  return experiment;
}

Experiment load_experiment(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides) {
  const std::string name = file.string();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    throw InputError(fmt::format("{}: no such experiment file", name));
  if (std::filesystem::is_directory(file, ec))
    throw InputError(fmt::format("{}: is a directory, not an experiment file", name));
  if (std::filesystem::file_size(file, ec) > kMaxFileBytes)
    throw InputError(fmt::format("{}: larger than {} MiB; is this an experiment file?", name,
                                 kMaxFileBytes >> 20));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();

  Experiment experiment = load_experiment_text(text.str(), name, overrides);
  experiment.file = file;
  experiment.base_dir = std::filesystem::absolute(file).parent_path();
  for (const auto& plugin : experiment.config.plugins)
    experiment.plugins.push_back(experiment.base_dir / plugin);
  return experiment;
}

}  // namespace tunelab
