#include "support.h"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "plugins/builtins.h"
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

nlohmann::json json_of(const std::string& arguments) {
  const auto r = run_shell("\"$TUNELAB\" " + arguments + " 2>/dev/null");
  REQUIRE_MESSAGE(r.exit_status == 0, arguments);
  return nlohmann::json::parse(r.output);
}

}  // namespace tunelab::test
