#include "common/cores.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace tunelab {
namespace {

std::atomic<unsigned> limit{0};  // 0: the whole machine

}  // namespace

unsigned usable_cores() {
  const unsigned machine = std::max(1U, std::thread::hardware_concurrency());
  const unsigned set = limit.load();
  return set == 0 ? machine : std::min(machine, set);
}

void limit_usable_cores(unsigned cores) { limit = std::max(1U, cores); }

}  // namespace tunelab
