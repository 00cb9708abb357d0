#include <doctest/doctest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <fstream>

#include "common/errors.h"
#include "data/csv_table.h"
#include "data/table_dataset.h"
#include "support.h"

using tunelab::read_csv;

namespace {

// The error reading `text` as a data set whose target is its last column.
std::string error_of(const std::string& text, tunelab::TableColumns columns = {}) {
  tunelab::test::ScratchDir dir;
  const auto file = dir.write("d.csv", text);
  try {
    const auto table = read_csv(file);
    if (columns.target.empty()) columns.target = table.header.back();
    tunelab::dataset_from_table(table, columns);
  } catch (const tunelab::DataError& e) {
    std::string message = e.what();
    return message.replace(0, file.string().size(), "d.csv");
  }
  return "no error";
}

}  // namespace

TEST_SUITE("csv") {
  TEST_CASE("reads quoted headers / spaces / CRLF and skips blank lines / keeping line numbers") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write("d.csv", "\"x 1\",y\r\n 1.5 ,2\r\n\r\n3,-4e2\r\n");
    const auto table = read_csv(file);
    CHECK(table.header == std::vector<std::string>({"x 1", "y"}));
    REQUIRE(table.rows() == 2);
    CHECK(table.cell(0, 0) == "1.5");  // libcsv trims spaces
    CHECK(table.cell(0, 1) == "2");
    CHECK(table.cell(1, 0) == "3");
    CHECK(table.cell(1, 1) == "-4e2");
    const auto data = tunelab::dataset_from_table(table, {"y", {}, {}, {}, {}});
    CHECK(torch::equal(data.x, torch::tensor({{1.5F}, {3.0F}})));
    CHECK(torch::equal(data.y, torch::tensor({{2.0F}, {-400.0F}})));
    CHECK(data.columns.empty());  // every feature numeric
    CHECK_FALSE(data.is_classification());
    CHECK(table.line(0) == 2);
    CHECK(table.line(1) == 4);
  }

  TEST_CASE("a byte-order mark before the header is not part of the first name") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write("d.csv", "\xEF\xBB\xBFx,y\n1,2\n");
    const auto table = read_csv(file);
    CHECK(table.header == std::vector<std::string>({"x", "y"}));
    CHECK(table.column("x", "data.args.features") == 0);
  }

  TEST_CASE("bad files are named with the row and column") {
    CHECK(error_of("") == "d.csv: empty file (expected a header row)");
    CHECK(error_of("a,b\n") == "d.csv: no data rows after the header");
    CHECK(error_of("a,b\n1,2\n3\n") == "d.csv:3: row has 1 fields, the header has 2");
    CHECK(error_of("a,b\n1,inf\n") == "d.csv:2:2: column 'b': 'inf' is not a finite number");
    CHECK(error_of("a,b\n1,1e999\n") == "d.csv:2:2: column 'b': '1e999' is not a finite number");
    CHECK(error_of("a,b\n1e39,2\n") == "d.csv:2:1: column 'a': '1e39' is not a finite number");
    CHECK(error_of("a,b\n1e-310,2\n") == "no error");  // a number near 0, not an overflow
    CHECK(error_of("a,b\n1,2\n\n3,NA\n") ==
          "d.csv:4:2: column 'b': the target is missing ('NA'); drop the row, fill it in, or set "
          "data.missing_target: drop");
    CHECK(error_of("a,b\n1,\n") ==
          "d.csv:2:2: column 'b': the target is missing (''); drop the row, fill it in, or set "
          "data.missing_target: drop");
    CHECK(error_of("a,a\n1,2\n") == "d.csv:1:2: column 'a' appears twice in the header");
  }

  TEST_CASE("text that is not UTF-8 is refused with its place, a BOM before quotes is dropped") {
    CHECK(error_of("a,b\ncaf\xe9,1\n") ==
          "d.csv:2:1: not valid UTF-8 (byte 0xe9) (column 'a'); save the file as UTF-8");
    CHECK(error_of("a,caf\xe9\n1,2\n") ==
          "d.csv:1:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8");
    CHECK(error_of("a,b\n1,2\n3,\"x\xc3\"\n") ==
          "d.csv:3:2: not valid UTF-8 (byte 0xc3) (column 'b'); save the file as UTF-8");
    CHECK(error_of("a,b\n\xed\xa0\x80,1\n").find("not valid UTF-8 (byte 0xed)") !=
          std::string::npos);  // a surrogate
    CHECK(error_of("a,b\nd\xc3\xa9j\xc3\xa0 vu,1\n") == "no error");
    tunelab::test::ScratchDir dir;
    const auto table = read_csv(dir.write("d.csv", "\xEF\xBB\xBF\"a\",\"b\"\n1,2\n"));
    CHECK(table.header == std::vector<std::string>({"a", "b"}));
  }

  TEST_CASE("a table takes at most four times its file's size in memory") {
    // 50 columns of one-digit cells, about 16 MB: a string per cell took
    // more than 30 times that.
    tunelab::test::ScratchDir dir;
    std::string row;
    for (int j = 0; j < 50; ++j) row += j ? ",1" : "1";
    row += "\n";
    std::string text = "c0";
    for (int j = 1; j < 50; ++j) text += ",c" + std::to_string(j);
    text += "\n";
    while (text.size() < 16'000'000) text += row;
    const auto file = dir.write("wide.csv", text);
    const auto resident = [] {
      std::ifstream statm("/proc/self/statm");
      std::size_t pages = 0, resident_pages = 0;
      statm >> pages >> resident_pages;
      return resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    };
    const std::size_t before = resident();
    const auto table = read_csv(file);
    const std::size_t held = resident() - before;
    CHECK(table.rows() == (text.size() - 190) / row.size());
    CHECK(table.cell(table.rows() - 1, 49) == "1");
    INFO("held " << held / 1e6 << " MB for a file of " << text.size() / 1e6 << " MB");
    CHECK(held < 4 * text.size());
  }

  TEST_CASE("a missing file or a folder is refused with its name") {
    CHECK_THROWS_WITH_AS(read_csv("/nonexistent/d.csv"),
                         "/nonexistent/d.csv: cannot open: No such file or directory",
                         tunelab::DataError);
    tunelab::test::ScratchDir dir;
    CHECK_THROWS_WITH_AS(read_csv(dir.path()),
                         (dir.path().string() + ": is a directory, not a CSV file").c_str(),
                         tunelab::DataError);
  }
}
