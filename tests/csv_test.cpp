#include <doctest/doctest.h>

#include "common/errors.h"
#include "data/csv_table.h"
#include "support.h"

using tunelab::read_numeric_csv;

namespace {

std::string error_of(const std::string& text) {
  tunelab::test::ScratchDir dir;
  const auto file = dir.write("d.csv", text);
  try {
    read_numeric_csv(file);
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
    const auto table = read_numeric_csv(file);
    CHECK(table.header == std::vector<std::string>({"x 1", "y"}));
    REQUIRE(table.rows.size() == 2);
    CHECK(table.rows[0] == std::vector<double>({1.5, 2}));
    CHECK(table.rows[1] == std::vector<double>({3, -400}));
    CHECK(table.lines == std::vector<std::size_t>({2, 4}));
  }

  TEST_CASE("a byte-order mark before the header is not part of the first name") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write("d.csv", "\xEF\xBB\xBFx,y\n1,2\n");
    const auto table = read_numeric_csv(file);
    CHECK(table.header == std::vector<std::string>({"x", "y"}));
    CHECK(table.column("x", "data.args.features") == 0);
  }

  TEST_CASE("bad files are named with the row and column") {
    CHECK(error_of("") == "d.csv: empty file (expected a header row)");
    CHECK(error_of("a,b\n") == "d.csv: no data rows after the header");
    CHECK(error_of("a,b\n1,2\n3\n") == "d.csv:3: row has 1 fields, the header has 2");
    CHECK(error_of("a,b\n1,2\n3,x7\n") == "d.csv:3:2: column 'b': 'x7' is not a number");
    CHECK(error_of("a,b\n1,2\n\n3,nan\n") == "d.csv:4:2: column 'b': 'nan' is not a finite number");
    CHECK(error_of("a,b\n1,inf\n") == "d.csv:2:2: column 'b': 'inf' is not a finite number");
    CHECK(error_of("a,b\n1,1e999\n") == "d.csv:2:2: column 'b': '1e999' is not a finite number");
    CHECK(error_of("a,b\n,2\n") == "d.csv:2:1: column 'a': empty cell (expected a number)");
    CHECK(error_of("a,a\n1,2\n") == "d.csv:1:2: column 'a' appears twice in the header");
  }

  TEST_CASE("a missing file or a folder is refused with its name") {
    CHECK_THROWS_WITH_AS(read_numeric_csv("/nonexistent/d.csv"),
                         "/nonexistent/d.csv: cannot open: No such file or directory",
                         tunelab::DataError);
    tunelab::test::ScratchDir dir;
    CHECK_THROWS_WITH_AS(read_numeric_csv(dir.path()),
                         (dir.path().string() + ": is a directory, not a CSV file").c_str(),
                         tunelab::DataError);
  }
}
