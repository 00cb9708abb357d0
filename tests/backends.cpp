#include "backends.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "store/store.h"
#include "test_paths.h"

namespace tunelab::test {
namespace {

// `text` as one shell word.
std::string sh_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class SqliteBackend final : public Backend {
 public:
  std::string name() const override { return "sqlite"; }
  std::string fresh_storage() override {
    return (dir_.path() / fmt::format("store-{}.db", count_++)).string();
  }
  std::unique_ptr<sql::Connection> connect(const std::string& url) const override {
    return sql::open_sqlite(url, false);
  }
  std::string shell_query(const std::string& url, const std::string& sql) const override {
    return fmt::format("sqlite3 {} {} 2>/dev/null", sh_quoted(url), sh_quoted(sql));
  }

 private:
  ScratchDir dir_;
  int count_ = 0;
};

class PostgresqlBackend final : public Backend {
 public:
  explicit PostgresqlBackend(std::string folder) : folder_(std::move(folder)) {
    std::ifstream(std::filesystem::path(folder_) / "port") >> port_;
  }
  ~PostgresqlBackend() override {
    // Weights of a PostgreSQL store go to results/ under the working folder.
    std::error_code ec;
    for (const auto& database : databases_)
      std::filesystem::remove_all(
          std::filesystem::path(kSourceDir) / "results" / (database + ".weights"), ec);
    const std::string stop =
        std::string(kSourceDir) + "/tests/postgresql_cluster.sh stop " + sh_quoted(folder_);
    if (std::system(stop.c_str()) != 0)
      std::fprintf(stderr, "could not stop %s\n", folder_.c_str());
  }

  std::string name() const override { return "postgresql"; }
  std::string fresh_storage() override {
    const std::string database = fmt::format("store_{}_{}", ::getpid(), count_++);
    sql::open_postgresql(url("postgres"))->execute_script("CREATE DATABASE " + database);
    databases_.push_back(database);
    return url(database);
  }
  std::unique_ptr<sql::Connection> connect(const std::string& url) const override {
    return sql::open_postgresql(url);
  }
  std::string shell_query(const std::string& url, const std::string& sql) const override {
    return fmt::format("psql -XAtq {} -c {} 2>/dev/null", sh_quoted(url), sh_quoted(sql));
  }

 private:
  // Over TCP, as workers on other machines reach a server.
  std::string url(const std::string& database) const {
    return fmt::format("postgresql://tunelab@127.0.0.1:{}/{}", port_, database);
  }

  std::string folder_;
  int port_ = 0;
  int count_ = 0;
  std::vector<std::string> databases_;
};

// Started once per test process, stopped at its end.
std::unique_ptr<PostgresqlBackend> start_postgresql(std::string& why) {
  const std::string start = std::string(kSourceDir) + "/tests/postgresql_cluster.sh start 2>&1";
  FILE* pipe = ::popen(start.c_str(), "r");
  if (!pipe) {
    why = "cannot run tests/postgresql_cluster.sh";
    return nullptr;
  }
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = ::pclose(pipe);
  while (!output.empty() && output.back() == '\n') output.pop_back();
  if (status != 0) {
    why = output;
    return nullptr;
  }
  return std::make_unique<PostgresqlBackend>(output);
}

}  // namespace

Backend* postgresql_backend() {
  static std::string why;
  static const std::unique_ptr<PostgresqlBackend> server = start_postgresql(why);
  if (!server) MESSAGE("PostgreSQL skipped: " << why);
  return server.get();
}

std::vector<Backend*> backends() {
  static SqliteBackend sqlite;
  std::vector<Backend*> out = {&sqlite};
  if (Backend* pg = postgresql_backend()) out.push_back(pg);
  return out;
}

std::string scalar(sql::Connection& db, const std::string& sql) {
  sql::Rows rows = db.query(sql);
  REQUIRE_MESSAGE(rows.next(), sql);
  return rows.text(0);
}

}  // namespace tunelab::test
