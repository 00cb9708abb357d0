#include "plugin/registrar.h"

namespace tunelab {
namespace {

template <typename Factory>
void append(const Registry<Factory>& registry, std::vector<RegisteredName>& out) {
  for (const auto& entry : registry.entries())
    out.push_back({registry.kind(), entry.name, entry.summary, entry.origin});
}

}  // namespace

std::vector<RegisteredName> list_registered(const Registrar& registrar) {
  std::vector<RegisteredName> out;
  append(registrar.blocks, out);
  append(registrar.activations, out);
  append(registrar.models, out);
  append(registrar.datasets, out);
  append(registrar.optimizers, out);
  append(registrar.losses, out);
  append(registrar.samplers, out);
  append(registrar.pruners, out);
  return out;
}

}  // namespace tunelab
