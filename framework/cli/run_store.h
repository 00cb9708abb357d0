#pragma once
// The store `tunelab run` writes to, opened and created when missing. A
// store this run created goes again when the run stops on bad input before
// it wrote a study: bad input leaves nothing behind. A PostgreSQL store is a
// database the user made: it stays.

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace tunelab::cli {

class RunStore {
 public:
  explicit RunStore(const std::string& url);

  Store& operator*() const { return *store_; }
  Store* operator->() const { return store_.get(); }

  // Closes and removes the store when this run created it and it holds no
  // study.
  void drop_if_new_and_empty();

 private:
  std::filesystem::path file_;  // empty for PostgreSQL
  bool created_ = false;
  std::unique_ptr<Store> store_;
};

}  // namespace tunelab::cli
