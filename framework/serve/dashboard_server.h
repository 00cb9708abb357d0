#pragma once
// `tunelab serve`: the dashboard's web page and its JSON API over HTTP
// (cpp-httplib), reading a store opened read-only. One query at a time, each
// in its own short read, so that the studies writing to the store never
// wait on it.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "store/study_queries.h"

namespace httplib {
class Server;
}

namespace tunelab {

class DashboardServer {
 public:
  explicit DashboardServer(std::unique_ptr<StudyQueries> store);
  ~DashboardServer();
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  // Binds `host`:`port` (0: a free port); InputError naming the port when it
  // is taken. Returns the port bound.
  int bind(const std::string& host, int port);
  // Serves until stop() (from another thread or a signal's watcher).
  void serve();
  void stop();

 private:
  void add_routes();
  std::unique_ptr<StudyQueries> store_;
  // One study's answer as of its progress: several pages watching the same
  // study cost one reading of its trials per change, and its importance (a
  // random forest) is computed again only when trials finished and at most
  // every kImportanceSeconds while it runs.
  nlohmann::json study_answer(const std::string& name);

  struct StudySeen {
    nlohmann::json progress, answer, importance;
    int finished = -1;
    std::chrono::steady_clock::time_point importance_at;
  };
  std::unique_ptr<httplib::Server> server_;
  std::mutex store_mutex_;
  std::map<std::string, StudySeen> studies_seen_;
};

}  // namespace tunelab
