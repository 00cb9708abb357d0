#include "support.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/derived_seeds.h"
#include "config/experiment_loader.h"
#include "plugins/builtins.h"
#include "runner/prepare/prepared_data.h"
#include "test_paths.h"

namespace tunelab::test {

const Registrar& builtins() {
  static const Registrar registrar = [] {
    Registrar r;
    register_builtins(r);
    return r;
  }();
  return registrar;
}

ScratchDir::ScratchDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("tunelab-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path ScratchDir::write(const std::string& name, const std::string& text) const {
  const auto file = path_ / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

CommandResult run_tunelab(const std::string& arguments) {
  return run_shell("\"$TUNELAB\" " + arguments + " 2>&1");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

CommandResult run_shell(const std::string& script) {
  const std::string command = std::string("cd '") + kSourceDir + "' && TUNELAB='" + kTunelabBinary +
                              "' && export TUNELAB && " + script;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  CommandResult result;
  std::array<char, 4096> buffer;
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::unique_ptr<StoredStudies> quickstart_studies(const std::vector<std::string>& names,
                                                  const std::string& extra) {
  auto s = std::make_unique<StoredStudies>();
  s->db = (s->dir.path() / "s.db").string();
  s->storage = " --storage " + s->db;
  for (const auto& name : names) {
    const auto r = run_tunelab(
        "run experiments/quickstart.yaml --set search.trials=6 --set trainer.epochs=4 --quiet" +
        (name.empty() ? "" : " --study '" + name + "'") + s->storage + " " + extra);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  }
  return s;
}

std::string until_a_trial_runs(const std::string& db) {
  return "until sqlite3 '" + db +
         "' \"SELECT state FROM trials\" 2>/dev/null | grep -q RUNNING; do sleep 0.05; done";
}

int promised_ms(int ms) {
#ifdef TUNELAB_TESTS_SANITIZED
  return 3 * ms;
#else
  return ms;
#endif
}

nlohmann::json json_of(const std::string& arguments) {
  const auto r = run_shell("\"$TUNELAB\" " + arguments + " 2>/dev/null");
  REQUIRE_MESSAGE(r.exit_status == 0, arguments);
  return nlohmann::json::parse(r.output);
}

std::string quickstart_test_rows_csv() {
  const auto experiment = load_experiment(std::string(kSourceDir) + "/experiments/quickstart.yaml");
  const auto& config = experiment.config;
  const auto data = load_dataset(config, experiment.base_dir, builtins());
  const auto splits = split_dataset(data, config.data.split, derive_seed(config.seed, "split"));
  std::string csv;
  for (const auto& name : data.feature_names) csv += name + ",";
  csv += "target\n";
  const auto& test = splits.test;
  for (std::int64_t i = 0; i < test.rows(); ++i) {
    for (std::int64_t j = 0; j < test.features(); ++j)
      csv += fmt::format("{},", test.x[i][j].item<float>());
    csv += fmt::format("{}\n", test.y[i][0].item<float>());
  }
  return csv;
}

double predicted_loss(const std::string& predict_output, std::int64_t rows) {
  const std::string lead = fmt::format(" loss on {} rows with targets: ", rows);
  const auto at = predict_output.find(lead);
  REQUIRE_MESSAGE(at != std::string::npos, predict_output);
  return std::stod(predict_output.substr(at + lead.size()));
}

}  // namespace tunelab::test
