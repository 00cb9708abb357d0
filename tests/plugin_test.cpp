// Plugin libraries: the example plugin tuned next to the built-in blocks, in
// the tree and built out of tree against the installed package, and every
// refusal of the loader with a purpose-built bad library.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "common/errors.h"
#include "common/fingerprint.h"
#include "plugin/loader.h"
#include "plugin/plugin_api.h"
#include "plugins/builtins.h"
#include "support.h"
#include "test_paths.h"

namespace {

const std::string kExample = tunelab::test::kExamplePlugin;

std::string bad(const std::string& name) {
  return std::string(tunelab::test::kBadPluginsDir) + "/" + name + ".so";
}

tunelab::Registrar with_builtins() {
  tunelab::Registrar registrar;
  tunelab::register_builtins(registrar);
  return registrar;
}

std::size_t entries(const tunelab::Registrar& registrar) {
  return tunelab::list_registered(registrar).size();
}

// A study over both a built-in block and the example plugin's.
const char* kStudyOverBlocks = R"(name: custom-blocks
seed: 5
PLUGINS
data:
  dataset: diabetes
  split: {train: 0.6, val: 0.2, test: 0.2}
  standardize: {x: true, y: true}
model:
  name: resnet
  block: ResNetBlock
  num_blocks: [1]
  c_hidden: [16]
trainer: {epochs: 3, batch_size: 32}
search:
  trials: 8
  sampler: {name: grid}
  space:
    model.block: {type: categorical, choices: [ResNetBlock, GatedResidualBlock]}
    model.act_fn: {type: categorical, choices: [relu, squared_relu]}
    trainer.lr: {type: float, low: 1.0e-3, high: 1.0e-2, log: true}
)";

std::string study_file(const std::string& plugins_line) {
  std::string text = kStudyOverBlocks;
  text.replace(text.find("PLUGINS"), 7, plugins_line);
  return text;
}

// Every block each trial used, as stored.
std::set<std::string> stored_blocks(const std::string& db) {
  SQLite::Database d(db);
  SQLite::Statement q(d, "SELECT DISTINCT value_text FROM trial_params WHERE name = 'model.block'");
  std::set<std::string> blocks;
  while (q.executeStep()) blocks.insert(q.getColumn(0).getString());
  return blocks;
}

}  // namespace

TEST_SUITE("plugins: loading") {
  TEST_CASE("the example plugin registers its block and activation with its path as origin") {
    auto registrar = with_builtins();
    const auto loaded = tunelab::load_plugin(kExample, registrar);
    CHECK(loaded.name == "example_plugin");
    CHECK(loaded.version == "1.0");
    CHECK(loaded.digest.size() == 16);
    const auto* block = registrar.blocks.find("GatedResidualBlock");
    REQUIRE(block != nullptr);
    CHECK(block->origin == std::filesystem::canonical(kExample).string());
    CHECK(registrar.activations.find("squared_relu") != nullptr);
    CHECK(registrar.plugins.size() == 1);
    // Loading it again is a no-op, not a clash.
    const std::size_t before = entries(registrar);
    tunelab::load_plugin(kExample, registrar);
    CHECK(entries(registrar) == before);
    CHECK(registrar.plugins.size() == 1);
  }

  TEST_CASE("each bad library is refused with the file named, and the registrar is unchanged") {
    tunelab::test::ScratchDir dir;
    const auto text = dir.write("notes.so", "this is not a shared library\n");
    // A copy of the example under another path registers the same names.
    const auto copy = dir.path() / "copy_of_example.so";
    std::filesystem::copy_file(kExample, copy);

    struct Case {
      std::string file, message;
    };
    const std::vector<Case> cases = {
        {(dir.path() / "missing.so").string(), ": no such plugin library"},
        {dir.path().string(), ": not a file (a plugin is a shared library, .so)"},
        {text.string(), ": not a loadable shared library: "},
        {bad("no_entry"), ": not a tunelab plugin: it exports no tunelab_plugin_info()"},
        {bad("wrong_abi"), ": built for plugin ABI " +
                               std::to_string(tunelab::kPluginAbiVersion + 1) +
                               ", this tunelab speaks " +
                               std::to_string(tunelab::kPluginAbiVersion) + "; rebuild it"},
        {bad("other_libtorch"), ": built against tunelab " + std::string(tunelab::kVersion) +
                                    " and LibTorch 2.3.0, this tunelab is " + tunelab::kVersion +
                                    " and runs LibTorch " + TORCH_VERSION +
                                    "; rebuild it against this tunelab"},
        {bad("unresolved"), "undefined symbol: tunelab_symbol_nobody_defines"},
        {bad("throwing"), ": plugin 'throwing' failed to register: cannot find its settings file"},
        {copy.string(),
         ": plugin 'example_plugin': block 'GatedResidualBlock' is already "
         "registered (by " +
             std::filesystem::canonical(kExample).string() + ")"},
    };
    for (const auto& c : cases) {
      auto registrar = with_builtins();
      tunelab::load_plugin(kExample, registrar);
      const std::size_t before = entries(registrar);
      CHECK_THROWS_WITH_AS(tunelab::load_plugin(c.file, registrar),
                           doctest::Contains(c.file.substr(0, c.file.rfind('.')).c_str()),
                           tunelab::PluginError);
      CHECK_THROWS_WITH_AS(tunelab::load_plugin(c.file, registrar),
                           doctest::Contains(c.message.c_str()), tunelab::PluginError);
      CHECK(entries(registrar) == before);
      CHECK(registrar.plugins.size() == 1);
    }
  }

  TEST_CASE("a built-in name in a plugin is a clash naming the built-in") {
    tunelab::Registrar into = with_builtins();
    tunelab::Registrar from;
    from.samplers.add("my_sampler", "", {});
    from.blocks.add("ResNetBlock", "", {});
    CHECK_THROWS_WITH_AS(tunelab::adopt(into, std::move(from), "/x/lib.so"),
                         "block 'ResNetBlock' is already registered (by built-in)",
                         tunelab::RegistryError);
    CHECK(into.samplers.find("my_sampler") == nullptr);  // all or nothing
  }
}

TEST_SUITE("plugins: command line") {
  TEST_CASE("tunelab plugins --plugin lists the library's names with its path") {
    auto r = tunelab::test::run_tunelab("plugins --kind block --format csv --plugin " + kExample);
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("\nblock,GatedResidualBlock," +
                        std::filesystem::canonical(kExample).string() + ",") != std::string::npos);
    CHECK(r.output.find("\nblock,ResNetBlock,built-in,") != std::string::npos);
    // From TUNELAB_PLUGIN_PATH, a folder of libraries.
    tunelab::test::ScratchDir dir;
    std::filesystem::copy_file(kExample, dir.path() / "example_plugin.so");
    r = tunelab::test::run_shell("TUNELAB_PLUGIN_PATH=" + dir.path().string() +
                                 " \"$TUNELAB\" plugins --kind activation --format csv");
    CHECK(r.output.find("activation,squared_relu," + dir.path().string() +
                        "/example_plugin.so,relu(x)^2") != std::string::npos);
  }

  TEST_CASE("each refusal exits 2 with the file named and no stack trace") {
    tunelab::test::ScratchDir dir;
    const auto text = dir.write("notes.so", "not a library");
    for (const std::string& file :
         {bad("no_entry"), bad("wrong_abi"), bad("other_libtorch"), bad("throwing"),
          bad("unresolved"), text.string(), (dir.path() / "missing.so").string()}) {
      const auto r =
          tunelab::test::run_tunelab("validate experiments/quickstart.yaml --plugin " + file);
      CHECK_MESSAGE(r.exit_status == 2, file);
      CHECK_MESSAGE(r.output.rfind("tunelab: " + file + ": ", 0) == 0, r.output);
      CHECK(r.output.find('\n') == r.output.size() - 1);  // one line
    }
  }

  TEST_CASE("a study tunes over a plugin block next to ResNetBlock and records the library") {
    tunelab::test::ScratchDir dir;
    // The plugin named in the experiment file, relative to it.
    const auto plugin = dir.path() / "lib" / "example_plugin.so";
    std::filesystem::create_directories(plugin.parent_path());
    std::filesystem::copy_file(kExample, plugin);
    const auto file = dir.write("study.yaml", study_file("plugins: [lib/example_plugin.so]"));
    const std::string db = (dir.path() / "s.db").string();
    auto r = tunelab::test::run_tunelab("run " + file.string() + " --quiet --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(stored_blocks(db) == std::set<std::string>{"GatedResidualBlock", "ResNetBlock"});
    SQLite::Database d(db);
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE state = 'COMPLETE'").getInt() == 8);
    CHECK(d.execAndGet("SELECT path FROM provenance_plugins").getString() == plugin.string());
    CHECK(d.execAndGet("SELECT name || ' ' || version FROM provenance_plugins").getString() ==
          "example_plugin 1.0");

    // rerun and predict load a library only when the user names it.
    SQLite::Statement gated(d,
                            "SELECT t.number FROM trials t JOIN trial_params p USING (trial_id) "
                            "WHERE p.name = 'model.block' AND p.value_text = 'GatedResidualBlock'");
    REQUIRE(gated.executeStep());
    const std::string number = gated.getColumn(0).getString();
    r = tunelab::test::run_tunelab("rerun custom-blocks " + number + " --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output == "tunelab: study 'custom-blocks' ran with plugin 'example_plugin' (" +
                          plugin.string() +
                          "); tunelab loads no library that only a store names: name it "
                          "yourself (--plugin " +
                          plugin.string() + ", or TUNELAB_PLUGIN_PATH)\n");
    const std::string named = " --storage " + db + " --plugin " + plugin.string();
    r = tunelab::test::run_tunelab("rerun custom-blocks " + number + named);
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("(bit-identical)") != std::string::npos);
    CHECK(r.output.find("note:") == std::string::npos);
    r = tunelab::test::run_tunelab("predict custom-blocks --input data/diabetes.csv" + named);
    CHECK(r.exit_status == 0);
    // A library moved elsewhere stands in by its plugin name.
    std::filesystem::copy_file(plugin, dir.path() / "moved.so");
    r = tunelab::test::run_tunelab("rerun custom-blocks " + number + " --storage " + db +
                                   " --plugin " + (dir.path() / "moved.so").string());
    CHECK(r.exit_status == 0);

    // A changed library is refused, with both fingerprints.
    const std::string recorded = d.execAndGet("SELECT digest FROM provenance_plugins").getString();
    std::ofstream(plugin, std::ios::app) << "appended bytes";
    for (const std::string& command :
         {"rerun custom-blocks " + number, std::string("predict custom-blocks --input x.csv")}) {
      r = tunelab::test::run_tunelab(command + named);
      CHECK(r.exit_status == 2);
      CHECK_MESSAGE(
          r.output.rfind("tunelab: " + plugin.string() +
                             ": plugin 'example_plugin' is not the library the study "
                             "ran with: its fingerprint is " +
                             tunelab::file_fingerprint(plugin) + ", the study recorded " + recorded,
                         0) == 0,
          r.output);
    }
  }

  TEST_CASE("a store never makes tunelab open a library: report, predict, rerun and worker") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write("study.yaml", study_file(""));
    const std::string db = (dir.path() / "s.db").string();
    auto r = tunelab::test::run_tunelab("run " + file.string() + " --quiet --plugin " + kExample +
                                        " --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    // A store handed over with its plugin record pointing at a library that
    // acts as soon as it is opened.
    const std::string marking = bad("marks_on_load");
    {
      SQLite::Database d(db, SQLite::OPEN_READWRITE);
      SQLite::Statement rewrite(d, "UPDATE provenance_plugins SET path = ?");
      rewrite.bind(1, marking);
      rewrite.exec();
    }
    const auto mark = dir.path() / "opened";
    const std::string with_mark = "TUNELAB_TEST_MARK=" + mark.string() + " \"$TUNELAB\" ";
    const std::string storage = " --storage " + db + " 2>&1";
    r = tunelab::test::run_shell(with_mark + "report custom-blocks --html " +
                                 (dir.path() / "r.html").string() + storage);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("note: study 'custom-blocks': the study's plugin 'example_plugin' (" +
                        marking +
                        ") was not loaded: tunelab loads no library that only a store "
                        "names (--plugin names one)") != std::string::npos);
    for (const std::string& command :
         {std::string("predict custom-blocks --input data/diabetes.csv"),
          std::string("rerun custom-blocks 0"), std::string("worker --study custom-blocks")}) {
      r = tunelab::test::run_shell(with_mark + command + storage);
      CHECK_MESSAGE(r.exit_status == 2, command << ": " << r.output);
      CHECK_MESSAGE(
          r.output.find("tunelab loads no library that only a store names") != std::string::npos,
          r.output);
    }
    CHECK_FALSE(std::filesystem::exists(mark));

    // Named by the user, the library at the recorded path is fingerprinted
    // before it is opened: its bytes are not the recorded ones.
    r = tunelab::test::run_shell(with_mark + "rerun custom-blocks 0 --plugin " + marking + storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("is not the library the study ran with: its fingerprint is " +
                        tunelab::file_fingerprint(marking)) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(mark));
  }

  TEST_CASE("an unknown plugin block names the close matches, once the plugin is loaded") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write("study.yaml", study_file(""));
    auto r = tunelab::test::run_tunelab("validate " + file.string());
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("search.space.model.act_fn.choices[1]: unknown activation "
                        "'squared_relu'") != std::string::npos);
    r = tunelab::test::run_tunelab("validate " + file.string() + " --plugin " + kExample);
    CHECK(r.exit_status == 0);
  }
}

TEST_SUITE("plugins: out of tree") {
  TEST_CASE("the example builds against the installed package and its block is tuned") {
    tunelab::test::ScratchDir dir;
    const std::string prefix = (dir.path() / "prefix").string();
    const std::string build = (dir.path() / "build").string();
    const auto install =
        tunelab::test::run_shell("cmake --install '" + std::string(tunelab::test::kBuildDir) +
                                 "' --prefix '" + prefix + "' >/dev/null 2>&1 && echo ok");
    REQUIRE(install.output == "ok\n");
    CHECK(std::filesystem::exists(prefix + "/include/tunelab/plugin/plugin_api.h"));
    // Only the plugin API and what it stands on: no store, runner or cli.
    CHECK_FALSE(std::filesystem::exists(prefix + "/include/tunelab/store/store.h"));
    CHECK_FALSE(std::filesystem::exists(prefix + "/include/tunelab/runner/study.h"));
    CHECK(std::filesystem::exists(prefix + "/lib/cmake/tunelab/tunelabConfig.cmake"));

    // The plugin's folder as a user has it: nothing of the tunelab tree.
    const auto source = dir.path() / "my_plugin";
    std::filesystem::copy(std::string(tunelab::test::kSourceDir) + "/plugins/examples", source);
    const auto built = tunelab::test::run_shell(
        "cmake -S '" + source.string() + "' -B '" + build + "' -G Ninja -DCMAKE_PREFIX_PATH='" +
        prefix + "' >/dev/null 2>&1 && cmake --build '" + build + "' >/dev/null 2>&1 && echo ok");
    REQUIRE(built.output == "ok\n");
    const std::string plugin = build + "/example_plugin.so";
    REQUIRE(std::filesystem::exists(plugin));

    const auto file = dir.write("study.yaml", study_file(""));
    const std::string db = (dir.path() / "s.db").string();
    const auto r = tunelab::test::run_shell(
        "cd '" + std::string(tunelab::test::kSourceDir) + "' && '" + prefix + "/bin/tunelab' run " +
        file.string() + " --quiet --plugin " + plugin + " --storage " + db + " 2>&1");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(stored_blocks(db) == std::set<std::string>{"GatedResidualBlock", "ResNetBlock"});
  }
}
