#include "cli/run_store.h"

namespace tunelab::cli {

RunStore::RunStore(const std::string& url) {
  if (!is_postgresql_url(url)) file_ = sqlite_path_from_url(url);
  std::error_code ec;
  created_ = !file_.empty() && !std::filesystem::exists(file_, ec);
  store_ = Store::open(url);
}

void RunStore::drop_if_new_and_empty() {
  if (!created_ || !store_ || !store_->studies().empty()) return;
  store_.reset();
  std::error_code ec;
  std::filesystem::remove(file_, ec);
}

}  // namespace tunelab::cli
