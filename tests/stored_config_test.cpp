// Studies stored by an earlier tunelab keep their configuration: today's
// reader and to_json turn each stored document into the configuration
// stored beside it, byte for byte, so that they resume after an upgrade.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/fingerprint.h"
#include "config/experiment_keys.h"
#include "config/experiment_loader.h"
#include "runner/study/study.h"
#include "support.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

const fs::path kOldStore = fs::path(tunelab::test::kSourceDir) / "tests/data/store_0.1.0";

struct StoredStudy {
  std::string name, document, config, hash;
};

std::vector<StoredStudy> stored_studies() {
  SQLite::Database db((kOldStore / "studies.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db,
                      "SELECT name, document_json, config_json, config_hash FROM studies "
                      "ORDER BY study_id");
  std::vector<StoredStudy> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), q.getColumn(3).getString()});
  return out;
}

// What `tunelab run` stores as the study's configuration: the file's
// configuration with what the data decides (a classifier's loss) resolved.
nlohmann::json resolved_today(const nlohmann::json& document) {
  tunelab::Experiment experiment;
  experiment.document = document;
  experiment.config = tunelab::interpret_experiment(document);
  // The examples' CSV paths are relative to experiments/.
  experiment.base_dir = fs::path(tunelab::test::kSourceDir) / "experiments";
  const auto& registrar = tunelab::test::builtins();
  if (experiment.config.evaluates_objective()) return tunelab::to_json(experiment.config);
  const tunelab::Folds data = tunelab::load_study_data(experiment, registrar);
  return tunelab::to_json(tunelab::resolved_config(experiment.config, data, registrar));
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE(
      "a store written by tunelab 0.1.0: every study reads back as the configuration "
      "and fingerprint stored with it") {
    const auto studies = stored_studies();
    REQUIRE(studies.size() == 11);
    for (const auto& s : studies) {
      CAPTURE(s.name);
      const auto document = nlohmann::json::parse(s.document);
      CHECK(tunelab::fingerprint(document.dump()) == s.hash);
      CHECK(resolved_today(document).dump() == s.config);
    }
  }

  TEST_CASE("a study stored by tunelab 0.1.0 resumes from a file that spells out a default") {
    tunelab::test::ScratchDir dir;
    fs::copy_file(kOldStore / "studies.db", dir.path() / "studies.db");
    // Another document (another fingerprint) with the same configuration:
    // the stored configuration is what makes it the same study.
    const auto r = tunelab::test::run_tunelab(
        "run tests/data/store_0.1.0/every_data_key.yaml --resume --set device=auto --quiet "
        "--storage sqlite:///" +
        (dir.path() / "studies.db").string());
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    const auto changed = tunelab::test::run_tunelab(
        "run tests/data/store_0.1.0/every_data_key.yaml --resume --set trainer.grad_clip=2 "
        "--quiet --storage sqlite:///" +
        (dir.path() / "studies.db").string());
    CHECK(changed.exit_status == 2);
    CHECK_MESSAGE(changed.output.find("trainer.grad_clip") != std::string::npos, changed.output);
  }
}

TEST_SUITE("config") {
  TEST_CASE("docs/experiment-file.md shows every section's keys as they are declared") {
    std::ifstream in(fs::path(tunelab::test::kSourceDir) / "docs/experiment-file.md");
    const std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(!docs.empty());
    for (const auto& section : tunelab::key_sections()) {
      CAPTURE(section);
      // `tunelab keys SECTION` prints it, for pasting into the page.
      const std::string hint = "the page's table differs from `tunelab keys " + section + "`";
      CHECK_MESSAGE(docs.find(tunelab::key_table(section)) != std::string::npos, hint);
    }
  }

  TEST_CASE("tunelab keys prints a section's table, and names the sections for a wrong one") {
    const auto r = tunelab::test::run_tunelab("keys trainer");
    CHECK(r.exit_status == 0);
    CHECK(r.output == tunelab::key_table("trainer"));
    CHECK(r.output.find("| `lr` | number > 0 | 0.001 | learning rate |") != std::string::npos);
    const auto wrong = tunelab::test::run_tunelab("keys trainr");
    CHECK(wrong.exit_status == 2);
    CHECK_MESSAGE(wrong.output.find("unknown section 'trainr' (did you mean 'trainer'?)") !=
                      std::string::npos,
                  wrong.output);
  }
}
