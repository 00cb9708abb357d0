#include "plugins/builtins.h"

namespace tunelab {

void register_builtins(Registrar& registrar) {
  register_resnet_block(registrar);
  register_preact_resnet_block(registrar);
  register_activations(registrar);
  register_resnet_model(registrar);
  register_resnet_regression_model(registrar);
  register_linear_model(registrar);
  register_make_regression_dataset(registrar);
  register_bundled_datasets(registrar);
  register_csv_dataset(registrar);
  register_optimizers(registrar);
  register_losses(registrar);
  register_cross_entropy_loss(registrar);
  register_random_sampler(registrar);
  register_nsga2_sampler(registrar);
  register_grid_sampler(registrar);
  register_lhs_sampler(registrar);
  register_sobol_sampler(registrar);
  register_tpe_sampler(registrar);
  register_gp_sampler(registrar);
  register_auto_sampler(registrar);  // after gp and tpe, which it uses
  register_no_pruner(registrar);
  register_median_pruner(registrar);
  register_successive_halving_pruner(registrar);
  register_hyperband_pruner(registrar);
  register_analytic_objectives(registrar);
}

}  // namespace tunelab
