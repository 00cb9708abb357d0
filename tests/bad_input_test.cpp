// Bad input, as users write it: every case exits 2 with a message that names
// the file and the place (and the near match, where there is one), prints no
// stack trace, and leaves the results store as it was.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>

#include "support.h"
#include "test_paths.h"

namespace {

// A small valid experiment; each case breaks one thing in it.
const std::string kGood = R"(name: bad-input
seed: 1
data:
  dataset: diabetes
  split: {train: 0.6, val: 0.2, test: 0.2}
model:
  name: resnet
  block: ResNetBlock
  act_fn: relu
  num_blocks: [1]
  c_hidden: [8]
trainer:
  optimizer: adam
  lr: 1.0e-3
  epochs: 2
  early_stopping: {patience: 2}
search:
  trials: 2
  sampler: {name: random}
  space:
    trainer.lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
)";

std::string replaced(const std::string& from, const std::string& to) {
  std::string text = kGood;
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

struct Case {
  std::string what;
  std::string command;                // {dir} is the scratch folder; the store is appended
  std::vector<std::string> expected;  // substrings of the message; {dir} as above
};

// Every row of every table, to tell whether a store was touched.
std::string store_rows(const std::string& db) {
  SQLite::Database d(db);
  std::string rows;
  SQLite::Statement tables(d, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  while (tables.executeStep()) {
    SQLite::Statement q(d, "SELECT * FROM \"" + tables.getColumn(0).getString() + "\"");
    while (q.executeStep())
      for (int i = 0; i < q.getColumnCount(); ++i) rows += q.getColumn(i).getString() + "|";
    rows += "\n";
  }
  return rows;
}

std::string with_dir(std::string text, const std::string& dir) {
  for (std::size_t at; (at = text.find("{dir}")) != std::string::npos;) text.replace(at, 5, dir);
  return text;
}

// Runs every case against a store holding one finished study.
void check_cases(const tunelab::test::ScratchDir& dir, const std::vector<Case>& cases) {
  const std::string db = (dir.path() / "store.db").string();
  const auto good = dir.write("good.yaml", kGood);
  REQUIRE(
      tunelab::test::run_tunelab("run " + good.string() + " --quiet --storage " + db).exit_status ==
      0);
  const std::string before = store_rows(db);
  for (const auto& c : cases) {
    const std::string command = with_dir(c.command, dir.path().string());
    const std::string verb = command.substr(0, command.find(' '));
    const bool reads_store = verb != "validate" && verb != "model" && verb != "plugins";
    const bool has_storage = command.find("--storage") != std::string::npos;
    const auto r = tunelab::test::run_tunelab(
        command + (reads_store && !has_storage ? " --storage " + db : ""));
    INFO(c.what << "\n$ tunelab " << command << "\n" << r.output);
    CHECK(r.exit_status == 2);
    CHECK(r.output.rfind("tunelab: ", 0) == 0);  // the message first
    for (const auto& expected : c.expected)
      CHECK(r.output.find(with_dir(expected, dir.path().string())) != std::string::npos);
    for (const char* crash : {"terminate called", "Aborted", "Exception raised from", "frame #"})
      CHECK(r.output.find(crash) == std::string::npos);
    CHECK(store_rows(db) == before);
  }
}

}  // namespace

TEST_SUITE("bad input") {
  TEST_CASE("bad experiment files: syntax, types, keys, ranges, names") {
    tunelab::test::ScratchDir dir;
    const auto file = [&](const std::string& name, const std::string& text) {
      dir.write(name, text);
      return "validate {dir}/" + name;
    };
    std::string huge = kGood;
    huge += "description: \"" + std::string(5 << 20, 'x') + "\"\n";
    const std::vector<Case> cases = {
        {"YAML syntax error",
         file("syntax.yaml", replaced("trainer:\n", "trainer: : :\n")),
         {"{dir}/syntax.yaml:12:", "YAML syntax error"}},
        {"unclosed flow mapping",
         file("flow.yaml", replaced("{patience: 2}", "{patience: 2")),
         {"{dir}/flow.yaml:", "YAML syntax error"}},
        {"wrong type",
         file("type.yaml", replaced("epochs: 2", "epochs: two")),
         {"{dir}/type.yaml:15:11: trainer.epochs: expected an integer"}},
        {"duplicate key",
         file("dup.yaml", replaced("  lr: 1.0e-3\n", "  lr: 1.0e-3\n  lr: 2\n")),
         {"{dir}/dup.yaml:15:3: trainer.lr: duplicate key"}},
        {"unknown top-level key",
         file("top.yaml", replaced("seed: 1", "sed: 1")),
         {"{dir}/top.yaml:2:1: sed: unknown key", "did you mean 'seed'?"}},
        {"unknown data key",
         file("data.yaml", replaced("  dataset:", "  datset:")),
         {"{dir}/data.yaml:4:3: data.datset: unknown key", "did you mean 'dataset'?"}},
        {"unknown model key",
         file("model.yaml", replaced("  act_fn:", "  act:")),
         {"{dir}/model.yaml:9:3: model.act"}},
        {"unknown trainer key",
         file("trainer.yaml", replaced("  epochs:", "  epoch:")),
         {"{dir}/trainer.yaml:15:3: trainer.epoch: unknown key", "did you mean 'epochs'?"}},
        {"unknown early_stopping key",
         file("stop.yaml", replaced("{patience: 2}", "{patiense: 2}")),
         {"{dir}/stop.yaml:16:20: trainer.early_stopping.patiense: unknown key",
          "did you mean 'patience'?"}},
        {"unknown search key",
         file("search.yaml", replaced("  trials: 2", "  trails: 2")),
         {"{dir}/search.yaml:18:3: search.trails: unknown key", "did you mean 'trials'?"}},
        {"unknown key in a dimension",
         file("dim.yaml", replaced("low: 1.0e-4", "lo: 1.0e-4")),
         {"{dir}/dim.yaml:21:", "search.space.trainer.lr.lo: unknown key"}},
        {"unknown split key",
         file("split.yaml", replaced("{train: 0.6,", "{trian: 0.6,")),
         {"{dir}/split.yaml:5:", "data.split.trian: unknown key"}},
        {"negative learning rate",
         file("lr.yaml", replaced("lr: 1.0e-3", "lr: -1")),
         {"{dir}/lr.yaml:14:7: trainer.lr: "}},
        {"zero epochs",
         file("epochs.yaml", replaced("epochs: 2", "epochs: 0")),
         {"{dir}/epochs.yaml:15:11: trainer.epochs: must be at least 1"}},
        {"split fractions that do not sum to 1",
         file("sum.yaml", replaced("val: 0.2, test", "val: 0.6, test")),
         {"{dir}/sum.yaml:5:", "data.split"}},
        {"a range with low above high",
         file("range.yaml", replaced("low: 1.0e-4, high: 1.0e-2", "low: 1.0e-2, high: 1.0e-4")),
         {"{dir}/range.yaml:21:", "search.space.trainer.lr"}},
        {"a search path that does not exist",
         file("path.yaml", replaced("    trainer.lr: {", "    trainer.lrr: {")),
         {"{dir}/path.yaml:21:", "trainer.lrr", "did you mean 'lr'?"}},
        {"an empty search space",
         file("empty.yaml", replaced("  space:\n    trainer.lr: {type: "
                                     "float, low: 1.0e-4, high: 1.0e-2, "
                                     "log: true}\n",
                                     "  space: {}\n")),
         {"{dir}/empty.yaml:20:10: search.space: is empty"}},
        {"a categorical without choices",
         file("choices.yaml", replaced("{type: float, low: 1.0e-4, high: 1.0e-2, log: true}",
                                       "{type: categorical, choices: []}")),
         {"{dir}/choices.yaml:21:", "search.space.trainer.lr"}},
        {"unknown block",
         file("block.yaml", replaced("block: ResNetBlock", "block: ResNetBlok")),
         {"{dir}/block.yaml:8:10: model.block: unknown block 'ResNetBlok'",
          "did you mean 'ResNetBlock'?"}},
        {"unknown activation",
         file("act.yaml", replaced("act_fn: relu", "act_fn: rellu")),
         {"{dir}/act.yaml:9:11: model.act_fn: unknown activation 'rellu'", "did you mean 'relu'?"}},
        {"unknown optimizer",
         file("opt.yaml", replaced("optimizer: adam", "optimizer: adamm")),
         {"{dir}/opt.yaml:13:14: trainer.optimizer: unknown optimizer 'adamm'"}},
        {"unknown data set",
         file("set.yaml", replaced("dataset: diabetes", "dataset: diabets")),
         {"{dir}/set.yaml:4:12: data.dataset: unknown dataset 'diabets'",
          "did you mean 'diabetes'?"}},
        {"unknown sampler",
         file("sampler.yaml", replaced("{name: random}", "{name: randm}")),
         {"{dir}/sampler.yaml:19:", "unknown sampler 'randm'"}},
        {"unknown model",
         file("mname.yaml", replaced("name: resnet", "name: resnt")),
         {"{dir}/mname.yaml:7:9: model.name: unknown model 'resnt'"}},
        {"not UTF-8",
         file("bytes.yaml", replaced("name: bad-input", "name: bad\xff\xfeinput")),
         {"{dir}/bytes.yaml:1:10: not valid UTF-8 (byte 0xff)"}},
        {"a huge file", file("huge.yaml", huge), {"{dir}/huge.yaml: larger than 4 MiB"}},
        {"a directory given as the file", "validate {dir}", {"{dir}: is a directory"}},
        {"a missing file",
         "validate {dir}/none.yaml",
         {"{dir}/none.yaml: no such experiment file"}},
        {"an empty file", file("void.yaml", ""), {"{dir}/void.yaml"}},
        {"a list instead of a mapping", file("list.yaml", "- name: x\n"), {"{dir}/list.yaml"}},
    };
    CHECK(cases.size() >= 30);
    check_cases(dir, cases);
  }

  TEST_CASE("inputs that would take unbounded memory or time are refused before the work") {
    tunelab::test::ScratchDir dir;
    const auto file = [&](const std::string& name, const std::string& text) {
      dir.write(name, text);
      return "validate {dir}/" + name;
    };
    // Nine levels of nine aliases: 9^9 values from a few hundred bytes.
    std::string bomb = kGood + "x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
    for (int i = 1; i < 10; ++i)
      bomb += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + [&] {
        std::string items;
        for (int k = 0; k < 9; ++k) items += (k ? ", *a" : "*a") + std::to_string(i - 1);
        return items;
      }() + "]\n";
    std::string choices;
    for (int i = 0; i < 4000; ++i) choices += (i ? ", " : "") + std::to_string(i);
    const std::vector<Case> cases = {
        {"a YAML alias bomb",
         file("bomb.yaml", bomb),
         {"{dir}/bomb.yaml:", "expands to more than"}},
        {"a grid axis of a billion steps",
         file("grid.yaml",
              [] {
                std::string text = replaced("sampler: {name: random}", "sampler: {name: grid}");
                return text.insert(text.find("    trainer.lr: {type"),
                                   "    trainer.weight_decay: {type: float, low: 0, high: 1.0e+6, "
                                   "step: 1.0e-9}\n");
              }()),
         {"search.sampler", "the grid has more than 10000000 points"}},
        {"a grid of a billion points per range",
         file("points.yaml",
              replaced("sampler: {name: random}", "sampler: {name: grid, points: 1000000000}")),
         {"the grid has more than 10000000 points"}},
        {"a categorical of 4000 choices",
         file("choices.yaml",
              replaced("trainer.lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}",
                       "trainer.epochs: {type: categorical, choices: [" + choices + "]}")),
         {"4000 choices, more than the 1000 a categorical takes"}},
        {"a categorical mixing kinds of values",
         file("mixed.yaml",
              replaced("trainer.lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}",
                       "trainer.lr: {type: categorical, choices: [0.01, fast]}")),
         {"choices[1]", "\"fast\" is text, but choices[0] is a number"}},
        {"a second YAML document",
         file("two.yaml", kGood + "---\nname: other\n"),
         {"{dir}/two.yaml:22:1: a second YAML document begins here"}},
        {"a comma line after the comments (yaml-cpp's LoadAll never returned on it)",
         file("comma.yaml", "# The chapter's ResNet\n, batch size and epochs.\n" + kGood),
         {"{dir}/comma.yaml:2:1: YAML syntax error: ', batch size and epochs.' does not belong "
          "to the document"}},
        {"a comma line after the document",
         file("after.yaml", kGood + ", batch size\n"),
         {"{dir}/after.yaml:22:1: YAML syntax error: end of map not found"}},
        {"a comma alone",
         file("lone.yaml", ",\n"),
         {"{dir}/lone.yaml:1:1: YAML syntax error: ',' does not belong to the document"}},
        {"a NUL byte in a value",
         file("nul.yaml", replaced("name: bad-input", std::string("name: bad\0input", 14))),
         {"{dir}/nul.yaml:1:10: a NUL byte"}},
        {"a tab indenting a key",
         file("tab.yaml", replaced("  dataset: diabetes", "\tdataset: diabetes")),
         {"YAML syntax error", "tab"}},
        {"a list as a key, located once",
         file("listkey.yaml", replaced("  optimizer: adam", "  [a, b]: adam")),
         {"{dir}/listkey.yaml:13:3: trainer: keys must be plain names"}},
        {"a CSV that is a device",
         file("zero.yaml",
              replaced("dataset: diabetes", "dataset: csv\n  args: {path: /dev/zero, target: y}")),
         {"/dev/zero: not a regular file"}},
    };
    check_cases(dir, cases);
  }

  TEST_CASE("bad --set values and command lines") {
    tunelab::test::ScratchDir dir;
    dir.write("exp.yaml", kGood);
    const std::vector<Case> cases = {
        {"--set without =",
         "validate {dir}/exp.yaml --set trainer.lr",
         {"--set trainer.lr: expected key.path=value"}},
        {"--set to an unknown key",
         "validate {dir}/exp.yaml --set trainer.lrr=0.1",
         {"trainer.lrr", "did you mean 'lr'?"}},
        {"--set with the wrong type",
         "validate {dir}/exp.yaml --set trainer.epochs=many",
         {"trainer.epochs: expected an integer"}},
        {"--set with broken YAML",
         "validate {dir}/exp.yaml --set 'trainer.lr=[1,'",
         {"--set trainer.lr=[1,: YAML syntax error"}},
        {"unknown command", "trian {dir}/exp.yaml", {"unknown command 'trian'"}},
        {"unknown option",
         "run {dir}/exp.yaml --trails 3",
         {"unrecognised option '--trails'", "did you mean '--trials'?"}},
        {"zero trials", "run {dir}/exp.yaml --trials 0", {"--trials: must be at least 1"}},
        {"zero threads", "run {dir}/exp.yaml --threads 0", {"--threads: expected 1 to"}},
        {"a hundred thousand threads",
         "run {dir}/exp.yaml --threads 100000",
         {"--threads: expected 1 to", "got 100000"}},
        {"a path into a list",
         "validate {dir}/exp.yaml --set model.c_hidden.first=4",
         {"'model.c_hidden' is a list, and a dotted path cannot reach into a list"}},
        {"a number too large for a double",
         "validate {dir}/exp.yaml --set trainer.lr=1e400",
         {"'1e400' is beyond the range of a number"}},
        {"an unknown format", "studies --format xml", {"--format: expected table, csv or json"}},
        {"CUDA on a machine without it", "validate {dir}/exp.yaml --device cuda:abc", {"device"}},
        {"a missing argument", "show", {"the option '--study' is required"}},
        {"a trial number that is not a number",
         "show bad-input x",
         {"the argument ('x') for option '--trial' is invalid"}},
    };
    check_cases(dir, cases);
  }

  TEST_CASE("bad input into a store that did not exist leaves no file behind") {
    tunelab::test::ScratchDir dir;
    const auto experiment = dir.write("exp.yaml", kGood);
    const auto db = dir.path() / "new.db";
    for (const std::string set : {"'search.pruner={name: median, interval: 0}'",
                                  "'search.sampler={name: tpe, gamma: -1}'", "data.folds=1000"}) {
      INFO(set);
      const auto r = tunelab::test::run_tunelab("run " + experiment.string() + " --quiet --set " +
                                                set + " --storage " + db.string());
      CHECK(r.exit_status == 2);
      CHECK_FALSE(std::filesystem::exists(db));
      CHECK_FALSE(std::filesystem::exists(db.string() + "-wal"));
    }
  }

  TEST_CASE("bad data files: missing, empty, ragged, not numbers, too big, too few rows") {
    tunelab::test::ScratchDir dir;
    const auto with_csv = [&](const std::string& name, const std::string& csv,
                              const std::string& target = "y",
                              const std::string& top = "task: regression\n") {
      if (!csv.empty()) dir.write(name + ".csv", csv);
      dir.write(name + ".yaml",
                top + replaced("dataset: diabetes", "dataset: csv\n  args: {path: " + name +
                                                        ".csv, target: " + target + "}"));
      return "run {dir}/" + name + ".yaml --study " + name;
    };
    // A file over the size limit, sparse so it costs no disk.
    {
      std::ofstream big(dir.path() / "big.csv", std::ios::binary);
      big << "x,y\n";
      big.seekp((std::streamoff{1} << 30) + 16);
      big << "\n";
    }
    dir.write("big.yaml", replaced("dataset: diabetes",
                                   "dataset: csv\n  args: {path: big.csv, "
                                   "target: y}"));
    const std::vector<Case> cases = {
        {"a missing CSV file", with_csv("missing", ""), {"{dir}/missing.csv"}},
        {"an empty CSV file", with_csv("empty", "\n"), {"{dir}/empty.csv: empty file"}},
        {"a header only", with_csv("header", "x,y\n"), {"{dir}/header.csv: no data rows"}},
        {"a ragged row",
         with_csv("ragged", "x,y\n1,2\n3\n"),
         {"{dir}/ragged.csv:3: row has 1 fields, the header has 2"}},
        {"a word in a target that task: regression says is numeric",
         with_csv("text", "x,y\n1,2\n3,four\n"),
         {"task: regression needs a numeric target; {dir}/text.csv:3:2: column 'y': 'four' is "
          "not a number"}},
        {"a regression loss for a classification target",
         with_csv("classes", "x,y\n1,no\n2,yes\n3,no\n4,yes\n5,no\n6,yes\n", "y", "") +
             " --set trainer.loss=mse",
         {"trainer.loss: 'mse' is a regression loss; 'y' is a classification target (2 classes): "
          "use cross_entropy"}},
        {"one class only",
         with_csv("one", "x,y\n1,no\n2,no\n3,no\n", "y", ""),
         {"task: 'y' has one class ('no'): nothing to tell apart"}},
        {"an unknown task",
         with_csv("task", "x,y\n1,2\n", "y", "task: clasification\n"),
         {"task: expected auto, regression or classification, got 'clasification'"}},
        {"a missing target cell",
         with_csv("notarget", "x,y\n1,2\n3,NA\n", "y", ""),
         {"{dir}/notarget.csv:3:2: column 'y': the target is missing ('NA')"}},
        {"ignore naming an unknown column",
         with_csv("ignore", "x,y\n1,2\n", "y, ignore: [z]", ""),
         {"{dir}/ignore.csv: unknown column 'z'"}},
        {"an unknown target column",
         with_csv("target", "x,y\n1,2\n3,4\n", "yy"),
         {"{dir}/target.csv: unknown column 'yy'", "did you mean 'y'?"}},
        {"too few rows for the split",
         with_csv("few", "x,y\n1,2\n3,4\n"),
         {"{dir}/few.yaml:7:18: data.split.train: leaves 1 of the data set's 2 rows for training"}},
        {"a file over the size limit",
         "run {dir}/big.yaml --study big",
         {"{dir}/big.csv: 1024 MiB, larger than the 1024 MiB tunelab reads"}},
        {"a directory as the CSV file", with_csv("dir", ""), {"{dir}/dir.csv"}},
        {"fields separated by ';'",
         with_csv("semicolons", "x;y\n1;2\n3;4\n"),
         {"{dir}/semicolons.csv:1: the header is one field, 'x;y': are the fields separated by "
          "';'?"}},
        // A spreadsheet's: a byte-order mark, quoted names, CRLF. Its quotes
        // make the whole file one field, which the message shows only the
        // start of, on the line the header starts on.
        {"fields separated by ';', the names quoted",
         with_csv("quoted", "\xEF\xBB\xBF\"price\";\"area\";zone\r\n1;2;a\r\n3;4;b\r\n5;6;c\r\n",
                  "price"),
         {"{dir}/quoted.csv:1: the header is one field, 'price\";\"area\";zone...': are the "
          "fields separated by ';'?"}},
        {"a quote never closed, on the row's own line",
         with_csv("unclosed", "x,y\n1,2\n\"3,4\n5,6\n7,8\n"),
         {"{dir}/unclosed.csv:3: row has 1 fields, the header has 2"}},
        {"validate reads the data too: a missing CSV",
         [&] {
           with_csv("gone", "");
           return std::string("validate {dir}/gone.yaml");
         }(),
         {"{dir}/gone.csv"}},
    };
    std::filesystem::create_directory(dir.path() / "dir.csv");
    check_cases(dir, cases);
  }

  TEST_CASE(
      "bad stores: missing folder, unwritable place, newer schema, not a store, an empty one") {
    tunelab::test::ScratchDir dir;
    dir.write("exp.yaml", kGood);
    const auto text = dir.write("text.db", "this is not an SQLite database at all, only text....");
    {
      SQLite::Database other((dir.path() / "other.db").string(),
                             SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      other.exec("CREATE TABLE studies (x)");
      // What a run killed while it made its store leaves behind.
      SQLite::Database empty((dir.path() / "empty.db").string(),
                             SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      empty.exec("PRAGMA journal_mode = WAL");
    }
    // A copy of the shared store, then marked as written by a newer tunelab.
    const auto newer = dir.path() / "newer.db";
    REQUIRE(tunelab::test::run_tunelab("run " + (dir.path() / "exp.yaml").string() +
                                       " --quiet --storage " + newer.string())
                .exit_status == 0);
    {
      SQLite::Database d(newer.string(), SQLite::OPEN_READWRITE);
      d.exec("UPDATE schema_version SET version = 99");
    }
    const std::vector<Case> cases = {
        {"a store in a folder that does not exist",
         "run {dir}/exp.yaml --storage {dir}/no/such/s.db",
         {"{dir}/no/such/s.db: the folder {dir}/no/such does not exist"}},
        {"a store where no file can be made",
         "run {dir}/exp.yaml --storage /proc/tunelab.db",
         {"/proc/tunelab.db: cannot open as a results store"}},
        {"a store written by a newer tunelab",
         "run {dir}/exp.yaml --storage {dir}/newer.db",
         {"{dir}/newer.db: written by a newer tunelab (schema version 99"}},
        {"querying a store written by a newer tunelab",
         "studies --storage {dir}/newer.db",
         {"{dir}/newer.db: written by a newer tunelab"}},
        {"a text file as the store",
         "run {dir}/exp.yaml --storage {dir}/text.db",
         {"{dir}/text.db: cannot open as a results store"}},
        {"another program's database",
         "run {dir}/exp.yaml --storage {dir}/other.db",
         {"{dir}/other.db: an SQLite database, but not a tunelab store"}},
        {"querying an empty database",
         "studies --storage {dir}/empty.db",
         {"{dir}/empty.db: an empty database, with no study in it (a run stopped while it made "
          "the store leaves one; tunelab run --storage {dir}/empty.db creates the store in it)"}},
        {"a store URL of another kind",
         "run {dir}/exp.yaml --storage mysql://h/db",
         {"--storage mysql://h/db: expected sqlite:///path/to.db"}},
        {"a directory as the store",
         "run {dir}/exp.yaml --storage {dir}",
         {"{dir}: is a directory, not a results store"}},
        {"a study that exists, without --resume",
         "run {dir}/exp.yaml",
         {"study 'bad-input' already exists"}},
        {"querying a study that is not there",
         "best bad-inptu",
         {"no study 'bad-inptu'", "did you mean 'bad-input'?"}},
    };
    check_cases(dir, cases);
  }

  TEST_CASE("a CSV cell that is not UTF-8: exit 2 with its place, with workers too, nothing kept") {
    tunelab::test::ScratchDir dir;
    std::string csv = "city,x,y\n";
    for (int i = 0; i < 40; ++i)
      csv += (i == 17 ? "caf\xe9" : "paris") + fmt::format(",{},{}\n", i, i % 3);
    dir.write("latin1.csv", csv);
    const auto file = dir.write("latin1.yaml", R"(name: latin1
data: {dataset: csv, args: {path: latin1.csv, target: y}}
model: {name: resnet, num_blocks: [1], c_hidden: [8]}
trainer: {epochs: 2}
search: {trials: 4}
)");
    for (const std::string workers : {"", " --workers 2"}) {
      const auto r =
          tunelab::test::run_tunelab("run " + file.string() + workers + " --quiet --storage " +
                                     (dir.path() / "s.db").string());
      CHECK_MESSAGE(r.exit_status == 2, workers << ": " << r.output);
      CHECK(r.output == "tunelab: " + (dir.path() / "latin1.csv").string() +
                            ":19:1: not valid UTF-8 (byte 0xe9) (column 'city'); save the file "
                            "as UTF-8\n");
      CHECK_FALSE(std::filesystem::exists(dir.path() / "s.db"));
    }
  }

  TEST_CASE("two runs creating one new study at once: never a database error") {
    for (int round = 0; round < 3; ++round) {
      tunelab::test::ScratchDir dir;
      const std::string db = (dir.path() / "s.db").string();
      const auto both = [&](const std::string& arguments) {
        const std::string run = "\"$TUNELAB\" run " + arguments + " --storage " + db;
        return tunelab::test::run_shell(
            "{ " + run + " > " + (dir.path() / "a").string() + " 2>&1 & a=$!; " + run + " > " +
            (dir.path() / "b").string() + " 2>&1 & b=$!; wait $a; echo $?; wait $b; echo $?; " +
            "cat " + (dir.path() / "a").string() + " " + (dir.path() / "b").string() + "; }");
      };
      // Two single runs: each recorded, under the next free name.
      auto r = both("experiments/seed_chapter.yaml");
      INFO(r.output);
      CHECK(r.output.rfind("0\n0\n", 0) == 0);
      SQLite::Database d(db);
      CHECK(d.execAndGet("SELECT group_concat(name, ' ') FROM (SELECT name FROM studies ORDER BY "
                         "name)")
                .getString() == "seed-chapter seed-chapter-2");
      // Two runs of one study: one runs it, the other is told to --resume.
      r = both("experiments/quickstart.yaml --quiet --trials 2 --set trainer.epochs=2");
      CHECK((r.output.rfind("0\n2\n", 0) == 0 || r.output.rfind("2\n0\n", 0) == 0));
      CHECK(r.output.find("UNIQUE") == std::string::npos);
      CHECK(r.output.find("--resume") != std::string::npos);
    }
  }

  TEST_CASE("store URLs that would keep nothing, or keep it where no query looks, are refused") {
    tunelab::test::ScratchDir dir;
    dir.write("exp.yaml", kGood);
    for (const std::string& url :
         {std::string("sqlite:///:memory:"), std::string("sqlite:///file:x.db"),
          std::string("sqlite:///file:x.db?mode=memory"), std::string(":memory:")}) {
      const auto r = tunelab::test::run_shell("cd '" + dir.path().string() +
                                              "' && \"$TUNELAB\" run exp.yaml --quiet --storage '" +
                                              url + "' 2>&1");
      CHECK_MESSAGE(r.exit_status == 2, url << ": " << r.output);
      CHECK_MESSAGE(r.output.find("a store is a file that later commands read: "
                                  "sqlite:///results/tunelab.db") != std::string::npos,
                    r.output);
      CHECK(r.output.find("recorded as study") == std::string::npos);
      // Nothing written beside the experiment: no database, no weights folder.
      std::vector<std::string> left;
      for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        if (entry.path().filename() != "exp.yaml") left.push_back(entry.path().string());
      CHECK_MESSAGE(left.empty(), url << " left " << left.front());
    }
  }
}
