#include "serve/dashboard_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <sys/socket.h>

#include <cstring>
#include <sstream>

#include "common/errors.h"
#include "serve/dashboard_api.h"
#include "serve/dashboard_assets.h"

namespace tunelab {
namespace {

void reply_json(httplib::Response& res, const nlohmann::json& body, int status = 200) {
  res.status = status;
  // Never cached: the page polls for what changed.
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
  reply_json(res, {{"error", message}}, status);
}

std::string required(const httplib::Request& req, const char* key) {
  if (!req.has_param(key)) throw InputError(fmt::format("missing the query parameter '{}'", key));
  return req.get_param_value(key);
}

int integer(const std::string& text, const char* key) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw InputError(fmt::format("'{}' is not a whole number ({})", text, key));
}

// "1,2,3" -> {1, 2, 3}; at most 100 of them, so one request stays cheap.
std::vector<int> numbers(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(integer(item, "trials"));
  if (out.size() > 100) throw InputError("at most 100 trials' curves at once");
  return out;
}

}  // namespace

DashboardServer::DashboardServer(std::unique_ptr<StudyQueries> store)
    : store_(std::move(store)), server_(std::make_unique<httplib::Server>()) {
  // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, with which a
  // second server would share a port in use instead of being refused.
  server_->set_socket_options([](int socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  add_routes();
}

DashboardServer::~DashboardServer() = default;

void DashboardServer::add_routes() {
  // An API answer from the store: one request's queries at a time; a name
  // that is not there is a 404, a store that cannot answer (locked, corrupt)
  // a 503, and the server goes on.
  const auto api = [this](auto answer) {
    return [this, answer](const httplib::Request& req, httplib::Response& res) {
      try {
        const std::lock_guard<std::mutex> lock(store_mutex_);
        reply_json(res, answer(req));
      } catch (const InputError& e) {
        reply_error(res, 404, e.what());
      } catch (const std::exception& e) {
        reply_error(res, 503, std::string("the store cannot answer: ") + e.what());
      }
    };
  };
  server_->Get("/api/studies",
               api([this](const httplib::Request&) { return studies_json(*store_); }));
  server_->Get("/api/study", api([this](const httplib::Request& req) {
                 return study_answer(required(req, "name"));
               }));
  server_->Get("/api/progress", api([this](const httplib::Request& req) {
                 return progress_json(*store_, req.get_param_value("study"));
               }));
  server_->Get("/api/curves", api([this](const httplib::Request& req) {
                 return curves_json(*store_, required(req, "study"),
                                    numbers(required(req, "trials")));
               }));
  server_->Get("/api/trial", api([this](const httplib::Request& req) {
                 return trial_json(*store_, required(req, "study"),
                                   integer(required(req, "number"), "number"));
               }));
  server_->Get("/api/compare", api([this](const httplib::Request& req) {
                 std::vector<std::string> names;
                 for (std::size_t i = 0; i < req.get_param_value_count("study"); ++i)
                   names.push_back(req.get_param_value("study", i));
                 if (names.size() < 2) throw InputError("compare needs two or more study=NAME");
                 return comparison_json(*store_, names);
               }));
  // The page and its scripts, from the binary: only these names, so no path
  // reaches the file system.
  server_->Get(R"(/(static/[A-Za-z0-9._-]+)?)",
               [](const httplib::Request& req, httplib::Response& res) {
                 const std::string name = req.path == "/" ? "index.html" : req.path.substr(8);
                 const DashboardAsset* asset = dashboard_asset(name);
                 if (!asset) return reply_error(res, 404, "no such file: " + req.path);
                 res.set_content(std::string(asset->content), asset->content_type);
               });
  server_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) reply_error(res, res.status, "not found: " + req.path);
  });
}

nlohmann::json DashboardServer::study_answer(const std::string& name) {
  constexpr auto kImportanceSeconds = std::chrono::seconds(10);
  const nlohmann::json progress = progress_json(*store_, name);
  StudySeen& seen = studies_seen_[name];
  if (seen.progress == progress && !seen.answer.is_null()) return seen.answer;
  const int finished = progress["finished"].get<int>();
  const auto now = std::chrono::steady_clock::now();
  const bool settled = progress["running"].get<int>() == 0;
  const bool importance =
      seen.importance.is_null() ||
      (finished != seen.finished && (settled || now - seen.importance_at >= kImportanceSeconds));
  seen.answer = study_json(*store_, name, importance);
  if (importance) {
    seen.importance = seen.answer["importance"];
    seen.finished = finished;
    seen.importance_at = now;
  }
  seen.answer["importance"] = seen.importance;
  seen.progress = progress;
  return seen.answer;
}

int DashboardServer::bind(const std::string& host, int port) {
  const int bound =
      port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound < 0)
    throw InputError(
        fmt::format("cannot listen on {}:{}: {} (is the port in use? --port {} "
                    "picks another)",
                    host, port, std::strerror(errno), port + 1));
  return bound;
}

void DashboardServer::serve() { server_->listen_after_bind(); }

void DashboardServer::stop() { server_->stop(); }

}  // namespace tunelab
