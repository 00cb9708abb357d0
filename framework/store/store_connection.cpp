#include "store/store_connection.h"

#include "store/locations.h"

namespace tunelab {
StoreConnection::StoreConnection(std::string given, std::unique_ptr<sql::Connection> connection)
    : connect_url(given), url(shown_url(given)), db(std::move(connection)) {
  if (is_postgresql()) {
    sql::Rows name = db->query("SELECT current_database()");
    name.next();
    files_folder = std::filesystem::absolute("results");
    weights_name = name.text(0) + ".weights";
  } else {
    const auto weights = sqlite_weights_folder(sqlite_path_from_url(url));
    files_folder = weights.parent_path();
    weights_name = weights.filename().string();
  }
}

std::string database_clock(sql::Dialect dialect) {
  // The server's clock on PostgreSQL: one clock for workers on every
  // machine, so that their own clocks' skew never makes a live worker look
  // silent. SQLite's is this machine's, which all its workers share.
  return dialect == sql::Dialect::postgresql
             ? "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
             : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}

}  // namespace tunelab
