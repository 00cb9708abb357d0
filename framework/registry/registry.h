#pragma once
// A registry of named factories of one kind (blocks, activations, datasets,
// ...). Entries keep the order they were registered in, so listings are stable.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "common/near_matches.h"
#include "common/option_specs.h"

namespace tunelab {

// Where an entry came from: "built-in", or the path of the plugin library.
inline const std::string kBuiltinOrigin = "built-in";

template <typename Factory>
struct RegistryEntry {
  std::string name;
  std::string summary;
  Factory factory;
  std::string origin;
  OptionSpecs options;  // what the factory's arguments may hold
};

template <typename Factory>
class Registry {
 public:
  using Entry = RegistryEntry<Factory>;

  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  const std::string& kind() const { return kind_; }

  // Throws RegistryError when the name is taken: silently replacing a block
  // would make results depend on plugin load order.
  void add(std::string name, std::string summary, Factory factory,
           std::string origin = kBuiltinOrigin) {
    add(std::move(name), std::move(summary), OptionSpecs{}, std::move(factory), std::move(origin));
  }

  // The same, with the options the factory reads its arguments through
  // (common/option_specs.h), for listings.
  void add(std::string name, std::string summary, OptionSpecs options, Factory factory,
           std::string origin = kBuiltinOrigin) {
    if (name.empty()) throw RegistryError("cannot register a " + kind_ + " without a name");
    if (const Entry* existing = find(name)) {
      throw RegistryError(kind_ + " '" + name + "' from " + origin + " is already registered (by " +
                          existing->origin + ")");
    }
    index_.emplace(name, entries_.size());
    entries_.push_back(Entry{std::move(name), std::move(summary), std::move(factory),
                             std::move(origin), std::move(options)});
  }

  bool contains(const std::string& name) const { return find(name) != nullptr; }

  const Entry* find(const std::string& name) const {
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &entries_[it->second];
  }

  // Throws UnknownNameError naming the closest registered names.
  const Entry& get(const std::string& name) const {
    if (const Entry* entry = find(name)) return *entry;
    throw UnknownNameError(unknown_name_message(kind_, name, names()));
  }

  const Factory& factory(const std::string& name) const { return get(name).factory; }

  // The factory for a name read from the configuration at `key`: an unknown
  // name is a ConfigError there, so the message points into the file.
  const Factory& factory_at(const std::string& key, const std::string& name) const {
    if (const Entry* entry = find(name)) return entry->factory;
    throw ConfigError(key, unknown_name_message(kind_, name, names()));
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& entry : entries_) out.push_back(entry.name);
    return out;
  }

  // The names, in registration order, of the entries whose factory passes
  // `test` (a callable taking the factory); one whose test throws (a
  // factory that cannot be made without options) is left out. What a
  // message suggests in place of a name that cannot serve.
  template <typename Test>
  std::vector<std::string> names_where(Test test) const {
    std::vector<std::string> out;
    for (const auto& entry : entries_) {
      try {
        if (test(entry.factory)) out.push_back(entry.name);
      } catch (const std::exception&) {
      }
    }
    return out;
  }

  const std::vector<Entry>& entries() const { return entries_; }

  // Empties the registry, handing over its entries (to register them
  // elsewhere under another origin).
  std::vector<Entry> take_entries() {
    std::vector<Entry> out = std::move(entries_);
    entries_.clear();
    index_.clear();
    return out;
  }

 private:
  std::string kind_;
  std::vector<Entry> entries_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace tunelab
