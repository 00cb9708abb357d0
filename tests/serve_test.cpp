// tunelab serve: its JSON API over stores of both backends, running and
// finished studies of one and of several objectives; what it does with bad
// requests and bad stores; and its page in a real browser while a study runs.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "backends.h"
#include "support.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

// `tunelab serve --port 0 ARGS` in a process of its own, stopped (SIGINT,
// as Ctrl-C) when this goes away.
class Served {
 public:
  explicit Served(const std::string& args) {
    int out[2];
    REQUIRE(pipe(out) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(out[1], STDERR_FILENO);
      close(out[0]);
      const std::string command =
          "exec '" + std::string(tunelab::test::kTunelabBinary) + "' serve --port 0 " + args;
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    // Its first line names the address: "tunelab serve: http://127.0.0.1:PORT/ ...".
    FILE* lines = fdopen(out[0], "r");
    char buffer[4096];
    while (fgets(buffer, sizeof buffer, lines)) {
      output_ += buffer;
      const auto at = output_.find("http://");
      if (at == std::string::npos) continue;
      const auto colon = output_.find(':', at + 7);
      port_ = std::stoi(output_.substr(colon + 1));
      break;
    }
    reader_ = std::thread([lines] {
      char rest[4096];
      while (fgets(rest, sizeof rest, lines)) {
      }
      fclose(lines);
    });
  }
  ~Served() {
    kill(pid_, SIGINT);
    waitpid(pid_, nullptr, 0);
    reader_.join();
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& output() const { return output_; }

  httplib::Result get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    return client.Get(path);
  }
  nlohmann::json json(const std::string& path, int status = 200) const {
    const auto r = get(path);
    REQUIRE(r);
    const std::string answer = path + ": " + r->body;
    CHECK_MESSAGE(r->status == status, answer);
    CHECK(r->get_header_value("Content-Type") == "application/json");
    return nlohmann::json::parse(r->body);
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string output_;
  std::thread reader_;
};

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// As a browser's address bar would carry it: every byte but letters and
// digits as %XX.
std::string encoded(const std::string& text) {
  std::string out;
  for (const unsigned char c : text)
    out += std::isalnum(c) ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  return out;
}

// The resident memory of process `pid`, in kB.
long resident_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

const fs::path kServedStore = fs::path(tunelab::test::kSourceDir) / "tests/data/store_0.1.0";

}  // namespace

TEST_SUITE("serve") {
  TEST_CASE("tunelab serve answers every endpoint for finished studies of one and two objectives") {
    tunelab::test::ScratchDir dir;
    fs::copy_file(kServedStore / "studies.db", dir.path() / "s.db");
    const Served served("--storage " + (dir.path() / "s.db").string());
    REQUIRE_MESSAGE(served.port() > 0, served.output());

    const auto studies = served.json("/api/studies");
    REQUIRE(studies.size() == 11);
    CHECK(studies[0]["name"] == "quickstart");
    CHECK(studies[0]["complete"] == 2);
    CHECK(studies[0]["objectives"][0]["metric"] == "val_loss");
    CHECK(studies[0]["running"] == 0);

    const auto one = served.json("/api/study?name=quickstart");
    CHECK(one["trials"].size() == 2);
    CHECK(one["trials"][0]["params"].contains("trainer.lr"));
    CHECK(one["importance"]["trials"] == 2);
    CHECK(one["front"].empty());
    CHECK(one["experiment"].get<std::string>().find("dataset: diabetes") != std::string::npos);

    const auto two = served.json("/api/study?name=diabetes-tradeoff");
    CHECK(two["objectives"].size() == 2);
    CHECK(two["objectives"][1]["metric"] == "n_params");
    CHECK(!two["front"].empty());
    CHECK(two["trials"][0]["values"].size() == 2);

    const auto curves = served.json("/api/curves?study=quickstart&trials=0,1");
    CHECK(curves["0"].size() == 2);
    CHECK(curves["1"][0]["epoch"] == 1);

    const auto trial = served.json("/api/trial?study=quickstart&number=1");
    CHECK(trial["number"] == 1);
    CHECK(trial["record"]["seed"].is_number());
    CHECK(trial["curve"].size() == 2);
    CHECK(trial["provenance"][0]["tunelab"] == "0.1.0");

    const auto compared = served.json("/api/compare?study=quickstart&study=churn");
    CHECK(compared["columns"] == nlohmann::json({"study", "quickstart", "churn"}));

    const auto everything = served.json("/api/progress");
    CHECK(everything["studies"] == 11);
    CHECK(everything["finished"] == 23);
    const auto progress = served.json("/api/progress?study=classes");
    CHECK(progress["finished"] == 2);
    CHECK(progress["running"] == 0);

    const auto page = served.get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->body.find("/static/dashboard.js") != std::string::npos);
    const auto chart = served.get("/static/uPlot.iife.min.js");
    REQUIRE(chart);
    CHECK(chart->status == 200);
    CHECK(chart->body.size() > 10000);
  }

  TEST_CASE("unknown paths, studies and values get a 404 in JSON, and no file outside is served") {
    tunelab::test::ScratchDir dir;
    fs::copy_file(kServedStore / "studies.db", dir.path() / "s.db");
    const Served served("--storage " + (dir.path() / "s.db").string());
    CHECK(served.json("/api/nothing", 404)["error"] == "not found: /api/nothing");
    CHECK(served.json("/api/study?name=nope", 404)["error"].get<std::string>().find(
              "no study 'nope'") != std::string::npos);
    CHECK(served.json("/api/curves?study=quickstart&trials=1,x", 404)["error"] ==
          "'x' is not a whole number (trials)");
    CHECK(served.json("/api/trial?study=quickstart&number=99", 404).contains("error"));
    CHECK(served.json("/api/study", 404)["error"] == "missing the query parameter 'name'");
    for (const char* path : {"/static/../../etc/passwd", "/static/..%2F..%2Fetc%2Fpasswd",
                             "/static/dashboard_api.cpp", "/../CMakeLists.txt"}) {
      CAPTURE(path);
      const auto r = served.get(path);
      REQUIRE(r);
      CHECK(r->status == 404);
      CHECK(r->body.find("root:") == std::string::npos);
    }
    // Still serving.
    CHECK(served.json("/api/studies").size() == 11);
  }

  TEST_CASE("a port in use and a store that is not there are refused with exit status 2") {
    tunelab::test::ScratchDir dir;
    fs::copy_file(kServedStore / "studies.db", dir.path() / "s.db");
    const Served first("--storage " + (dir.path() / "s.db").string());
    REQUIRE(first.port() > 0);
    const auto taken = tunelab::test::run_tunelab("serve --port " + std::to_string(first.port()) +
                                                  " --storage " + (dir.path() / "s.db").string());
    CHECK(taken.exit_status == 2);
    CHECK_MESSAGE(taken.output.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) !=
                      std::string::npos,
                  taken.output);
    CHECK(taken.output.find("--port " + std::to_string(first.port() + 1)) != std::string::npos);

    const auto missing =
        tunelab::test::run_tunelab("serve --port 0 --storage " + (dir.path() / "none.db").string());
    CHECK(missing.exit_status == 2);
    CHECK_MESSAGE(missing.output.find("no results store there") != std::string::npos,
                  missing.output);
    CHECK(!fs::exists(dir.path() / "none.db"));
  }

  TEST_CASE("listening beyond this machine is asked for, and warned about") {
    tunelab::test::ScratchDir dir;
    fs::copy_file(kServedStore / "studies.db", dir.path() / "s.db");
    const Served local("--storage " + (dir.path() / "s.db").string());
    CHECK(local.output().find("http://127.0.0.1:") != std::string::npos);
    CHECK(local.output().find("warning") == std::string::npos);
    const Served open("--host 0.0.0.0 --storage " + (dir.path() / "s.db").string());
    CHECK_MESSAGE(open.output().find("warning: --host 0.0.0.0: anyone who can reach this "
                                     "machine on port") != std::string::npos,
                  open.output());
  }

  TEST_CASE("a store that turns corrupt gets an error answer, and the server goes on") {
    tunelab::test::ScratchDir dir;
    fs::copy_file(kServedStore / "studies.db", dir.path() / "s.db");
    const Served served("--storage " + (dir.path() / "s.db").string());
    REQUIRE(served.port() > 0);
    {
      // Every page after the first (the header and schema, which the server
      // read when it opened the store) overwritten, as a broken disk might.
      std::fstream file(dir.path() / "s.db", std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(4096);
      const std::string junk(200000, '\x5a');
      file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    const auto broken = served.json("/api/studies", 503);
    CHECK(broken["error"].get<std::string>().find("the store cannot answer") == 0);
    const auto page = served.get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
  }

  TEST_CASE("hundreds of concurrent requests leave the server's memory flat") {
    tunelab::test::ScratchDir dir;
    fs::copy_file(kServedStore / "studies.db", dir.path() / "s.db");
    const Served served("--storage " + (dir.path() / "s.db").string());
    const auto burst = [&](int per_thread) {
      std::vector<std::thread> threads;
      std::atomic<int> ok{0};
      for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
          httplib::Client client("127.0.0.1", served.port());
          for (int i = 0; i < per_thread; ++i) {
            const auto r = client.Get(i % 2 ? "/api/study?name=quickstart" : "/api/studies");
            if (r && r->status == 200) ++ok;
          }
        });
      for (auto& t : threads) t.join();
      return ok.load();
    };
    CHECK(burst(25) == 200);  // warmed up: the page cache, the thread pool
    const long before = resident_kb(served.pid());
    CHECK(burst(50) == 400);
    const long after = resident_kb(served.pid());
    CAPTURE(before);
    CAPTURE(after);
#ifdef TUNELAB_TESTS_SANITIZED
    // AddressSanitizer holds freed memory in quarantine (up to 256 MB) before
    // reusing it, so there the resident size grows with what the requests
    // allocated, not with what the server kept: three times the room.
    CHECK(after - before < 3 * 20000);
#else
    CHECK(after - before < 20000);
#endif
  }

  TEST_CASE("the API follows a running study, on SQLite and on PostgreSQL") {
    for (auto* backend : tunelab::test::backends()) {
      CAPTURE(backend->name());
      const std::string storage = backend->fresh_storage();
      tunelab::test::ScratchDir dir;
      // A study that trains for a few seconds, in the background: four long
      // trials, so that one still runs once the server has started.
      const std::string run =
          "'" + std::string(tunelab::test::kTunelabBinary) +
          "' run experiments/quickstart.yaml --trials 4 --workers 2 --set trainer.epochs=3000 "
          "--set trainer.early_stopping.patience=0 --quiet --keep-weights none --storage " +
          quoted(storage) + " > " + (dir.path() / "run.out").string() + " 2>&1 &";
      REQUIRE(std::system(
                  ("cd " + std::string(tunelab::test::kSourceDir) + " && " + run).c_str()) == 0);
      // The store exists once the study is created.
      std::unique_ptr<Served> served;
      for (int i = 0; i < 200 && !served; ++i) {
        const auto studies =
            tunelab::test::run_tunelab("studies --format json --storage " + quoted(storage));
        if (studies.exit_status == 0 && studies.output.find("quickstart") != std::string::npos)
          served = std::make_unique<Served>("--storage " + quoted(storage));
        else
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      REQUIRE(served);
      bool saw_running = false;
      nlohmann::json progress;
      for (int i = 0; i < 1800; ++i) {
        progress = served->json("/api/progress?study=quickstart");
        saw_running |= progress["running"].get<int>() > 0;
        if (progress["finished"] == 4) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      CHECK(saw_running);
      CHECK(progress["finished"] == 4);
      CHECK(progress["epochs"].get<int>() == 4 * 3000);
      const auto study = served->json("/api/study?name=quickstart");
      CHECK(study["trials"].size() == 4);
      CHECK(study["trials"][3]["state"] == "COMPLETE");
      CHECK(study["importance"]["trials"] == 4);
      CHECK(served->json("/api/studies")[0]["complete"] == 4);
      CHECK(served->json("/api/curves?study=quickstart&trials=3")["3"].size() == 3000);
      CHECK(served->json("/api/trial?study=quickstart&number=3")["curve"].size() == 3000);
      CHECK(served->json("/api/trial?study=quickstart&number=4", 404).contains("error"));
    }
  }

  TEST_CASE("in Chromium, the study page draws its plots and shows new trials without a reload") {
    const fs::path web = fs::path(tunelab::test::kSourceDir) / "framework/serve/web";
    if (!fs::exists(web / "node_modules/puppeteer-core") || !fs::exists("/usr/bin/chromium")) {
      MESSAGE("skipped: no puppeteer-core or Chromium (scripts/setup.sh installs them)");
      return;
    }
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "live.db").string();
    // A name with markup and quotes: the page must show it as text.
    const std::string name = "<b>live</b> \"study\" ../x";
    const std::string run = "'" + std::string(tunelab::test::kTunelabBinary) +
                            "' run experiments/quickstart.yaml --study " + quoted(name) +
                            " --trials 14 --workers 2 --set trainer.epochs=1500 --set "
                            "trainer.early_stopping.patience=0 --quiet --keep-weights none "
                            "--storage " +
                            db + " > /dev/null 2>&1 &";
    REQUIRE(std::system(("cd " + std::string(tunelab::test::kSourceDir) + " && " + run).c_str()) ==
            0);
    std::unique_ptr<Served> served;
    for (int i = 0; i < 300 && !served; ++i) {
      if (fs::exists(db) &&
          tunelab::test::run_tunelab("trials " + quoted(name) + " --storage " + db).exit_status ==
              0)
        served = std::make_unique<Served>("--storage " + db);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(served);
    const std::string screenshot = (dir.path() / "study.png").string();
    const auto r = tunelab::test::run_shell(
        "node tests/dashboard_browser.mjs 'http://127.0.0.1:" + std::to_string(served->port()) +
        "/#/study/" + encoded(name) + "' " + screenshot + " 90");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto seen = nlohmann::json::parse(tunelab::test::lines_of(r.output).back());
    CAPTURE(seen.dump());
    CHECK(seen["history"] == true);
    CHECK(seen["curves"] == true);
    CHECK(seen["table_rows"].get<int>() >= 2);
    CHECK(seen["title"] == name);
    CHECK(seen["reloaded"] == false);
    CHECK(seen["finished_after"].get<int>() > seen["finished_before"].get<int>());
    CHECK(seen["errors"].empty());
    CHECK(fs::file_size(screenshot) > 20000);
    // The README shows this very screenshot; a run keeps the newest.
    if (const char* keep = std::getenv("TUNELAB_KEEP_SCREENSHOT"))
      fs::copy_file(screenshot, keep, fs::copy_options::overwrite_existing);
  }
}
