#pragma once
// The built-in plugins. Each registers through the same Registrar a plugin
// library receives; register_builtins() calls them all, in one visible order.

#include "plugin/registrar.h"

namespace tunelab {

void register_builtins(Registrar& registrar);

void register_activations(Registrar& registrar);
void register_resnet_block(Registrar& registrar);
void register_preact_resnet_block(Registrar& registrar);
void register_resnet_model(Registrar& registrar);
void register_resnet_regression_model(Registrar& registrar);
void register_linear_model(Registrar& registrar);
void register_make_regression_dataset(Registrar& registrar);
void register_bundled_datasets(Registrar& registrar);
void register_csv_dataset(Registrar& registrar);
void register_optimizers(Registrar& registrar);
void register_losses(Registrar& registrar);
void register_cross_entropy_loss(Registrar& registrar);
void register_random_sampler(Registrar& registrar);
void register_nsga2_sampler(Registrar& registrar);
void register_grid_sampler(Registrar& registrar);
void register_lhs_sampler(Registrar& registrar);
void register_no_pruner(Registrar& registrar);
void register_median_pruner(Registrar& registrar);
void register_successive_halving_pruner(Registrar& registrar);
void register_hyperband_pruner(Registrar& registrar);
void register_analytic_objectives(Registrar& registrar);
void register_tpe_sampler(Registrar& registrar);
void register_sobol_sampler(Registrar& registrar);
void register_gp_sampler(Registrar& registrar);
void register_auto_sampler(Registrar& registrar);

}  // namespace tunelab
