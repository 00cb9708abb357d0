// The layers of cmake/TunelabLayers.cmake hold: an include against their
// direction stops the build, naming the file and line.

#include <doctest/doctest.h>

#include <fstream>

#include "support.h"
#include "test_paths.h"

namespace {

// The layer check (what the build runs) over the tree at `root`.
tunelab::test::CommandResult check_layers(const std::filesystem::path& root) {
  return tunelab::test::run_shell("\"" + std::string(tunelab::test::kCMakeCommand) + "\" -DROOT=" +
                                  root.string() + " -P cmake/check_layers.cmake 2>&1");
}

// A copy of the source tree's framework/ and plugins/ in `dir`.
std::filesystem::path copy_of_sources(const std::filesystem::path& dir) {
  const std::filesystem::path source = tunelab::test::kSourceDir;
  for (const char* folder : {"framework", "plugins"})
    std::filesystem::copy(source / folder, dir / folder, std::filesystem::copy_options::recursive);
  return dir;
}

void append_line(const std::filesystem::path& file, const std::string& line) {
  std::ofstream(file, std::ios::app) << line << "\n";
}

int line_count(const std::filesystem::path& file) {
  std::ifstream in(file);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

}  // namespace

TEST_SUITE("layers") {
  TEST_CASE("the source tree keeps to its layers") {
    const auto r = check_layers(tunelab::test::kSourceDir);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
  }

  TEST_CASE("an include against the layers' direction fails the build with its file and line") {
    tunelab::test::ScratchDir dir;
    const auto root = copy_of_sources(dir.path());
    const auto store = root / "framework/store/store.cpp";
    append_line(store, "#include \"runner/study.h\"");
    const int line = line_count(store);
    const auto r = check_layers(root);
    CHECK(r.exit_status != 0);
    CHECK_MESSAGE(r.output.find("framework/store/store.cpp:" + std::to_string(line) +
                                ": store may not use runner") != std::string::npos,
                  r.output);
    CHECK(r.output.find("1 include(s) against the layers") != std::string::npos);
  }

  TEST_CASE("a built-in plugin may use the plugin API only, and a new folder must be a layer") {
    tunelab::test::ScratchDir dir;
    const auto root = copy_of_sources(dir.path());
    append_line(root / "plugins/samplers/random.cpp", "#include \"store/store.h\"");
    std::filesystem::create_directory(root / "framework/cache");
    const auto r = check_layers(root);
    CHECK(r.exit_status != 0);
    CHECK(r.output.find("plugins/samplers/random.cpp:") != std::string::npos);
    CHECK(r.output.find("plugins may not use store") != std::string::npos);
    CHECK(r.output.find("framework/cache: a folder that is no layer") != std::string::npos);
  }
}
