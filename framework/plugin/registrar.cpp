#include "plugin/registrar.h"

namespace tunelab {

std::vector<RegisteredName> list_registered(const Registrar& registrar) {
  std::vector<RegisteredName> out;
  for_each_kind([&](auto kind) {
    const auto& registry = registrar.*kind;
    for (const auto& entry : registry.entries())
      out.push_back({registry.kind(), entry.name, entry.summary, entry.origin, entry.options});
  });
  return out;
}

void adopt(Registrar& into, Registrar&& from, const std::string& origin) {
  for_each_kind([&](auto kind) {
    for (const auto& entry : (from.*kind).entries())
      if (const auto* existing = (into.*kind).find(entry.name))
        throw RegistryError((into.*kind).kind() + " '" + entry.name +
                            "' is already registered (by " + existing->origin + ")");
  });
  for_each_kind([&](auto kind) {
    for (auto& entry : (from.*kind).take_entries())
      (into.*kind)
          .add(std::move(entry.name), std::move(entry.summary), std::move(entry.options),
               std::move(entry.factory), origin);
  });
}

}  // namespace tunelab
