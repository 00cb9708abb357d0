#pragma once
// `tunelab serve`: the dashboard's web page and its JSON API over HTTP
// (cpp-httplib), reading a store opened read-only. One query at a time, each
// in its own short read, so that the studies writing to the store never
// wait on it.

#include <memory>
#include <mutex>
#include <string>

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
  std::unique_ptr<httplib::Server> server_;
  std::mutex store_mutex_;
};

}  // namespace tunelab
