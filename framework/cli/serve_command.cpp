#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/errors.h"
#include "serve/dashboard_server.h"
#include "store/store.h"

namespace tunelab::cli {

// tunelab serve: the dashboard over a store that exists, read-only, until
// Ctrl-C (whose default action ends it at once: it holds nothing to undo).
int serve_command(const Arguments& args, Registrar&) {
  std::string storage = kDefaultStorage, host = "127.0.0.1";
  int port = 8080;
  po::options_description options("tunelab serve");
  auto add = options.add_options();
  add("storage", po::value(&storage), "the results store to show (read-only; never created)");
  add("port", po::value(&port), "the port to listen on (default 8080; 0: any free one)");
  add("host", po::value(&host),
      "the address to listen on (default 127.0.0.1, this machine only; 0.0.0.0: every network)");
  po::variables_map values;
  if (!parse_arguments("tunelab serve [--storage URL] [--port N] [--host ADDRESS]", args, options,
                       {}, values))
    return 0;
  if (port < 0 || port > 65535)
    throw InputError(fmt::format("--port: {} is not a port (0 to 65535)", port));
  DashboardServer server(Store::open_existing(storage));
  const int bound = server.bind(host, port);
  if (host != "127.0.0.1" && host != "localhost" && host != "::1")
    std::cerr << fmt::format(
        "warning: --host {}: anyone who can reach this machine on port {} can read every study "
        "in {}\n",
        host, bound, storage);
  std::cout << fmt::format("tunelab serve: http://{}:{}/  ({}; Ctrl-C stops)", host, bound, storage)
            << std::endl;
  server.serve();
  return 0;
}

}  // namespace tunelab::cli
