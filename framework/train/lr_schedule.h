#pragma once
// The learning rate over a training: `trainer.schedule` and
// `trainer.warmup_epochs`, as a factor of `trainer.lr` at each step.
//   constant  1
//   cosine    from 1 down to 0 along half a cosine (Loshchilov & Hutter 2017)
//   onecycle  from 1/25 up to 1 over the warm-up (30% of the epochs unless
//             warmup_epochs says), then down to 1/10^4 along half a cosine
//             (Smith & Topin 2019, as PyTorch's OneCycleLR)
//   coslog4   0.5 (1 - cos(2 pi log2(1 + 15 t))): four cycles, each longer
//             than the one before, ending at 0 (RealMLP, Holzmueller et al.
//             2024)
// A warm-up (any schedule but onecycle, which has its own) rises linearly
// from 0 over `warmup_epochs`; the schedule runs over the epochs after it.

#include <string>
#include <vector>

namespace tunelab {

// The schedules by name, for messages and checks.
const std::vector<std::string>& lr_schedule_names();

class LrSchedule {
 public:
  // `epochs`: the training's planned epochs; `batches`: per epoch.
  LrSchedule(std::string name, double warmup_epochs, int epochs, int batches);

  // The factor at step `step` (0-based, counted over the whole training).
  double factor(long step) const;
  // Whether the factor changes at all (it is 1 throughout otherwise).
  bool varies() const { return name_ != "constant" || warmup_ > 0; }

 private:
  std::string name_;
  double warmup_;
  int epochs_, batches_;
};

}  // namespace tunelab
