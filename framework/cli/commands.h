#pragma once
// The tunelab subcommands. Each parses its own arguments and returns the exit
// status; errors are thrown as tunelab::Error and reported by main().

#include <string>
#include <vector>

namespace tunelab {
struct Registrar;
}

namespace tunelab::cli {

using Arguments = std::vector<std::string>;

int run_command(const Arguments& args, Registrar& registrar);
int worker_command(const Arguments& args, Registrar& registrar);
int validate_command(const Arguments& args, Registrar& registrar);
int keys_command(const Arguments& args, Registrar& registrar);
int init_command(const Arguments& args, Registrar& registrar);
int plugins_command(const Arguments& args, Registrar& registrar);
int model_command(const Arguments& args, Registrar& registrar);
int studies_command(const Arguments& args, Registrar& registrar);
int trials_command(const Arguments& args, Registrar& registrar);
int best_command(const Arguments& args, Registrar& registrar);
int show_command(const Arguments& args, Registrar& registrar);
int compare_command(const Arguments& args, Registrar& registrar);
int export_command(const Arguments& args, Registrar& registrar);
int importance_command(const Arguments& args, Registrar& registrar);
int rerun_command(const Arguments& args, Registrar& registrar);
int ensemble_command(const Arguments& args, Registrar& registrar);
int predict_command(const Arguments& args, Registrar& registrar);
int delete_command(const Arguments& args, Registrar& registrar);
int enqueue_command(const Arguments& args, Registrar& registrar);
int report_command(const Arguments& args, Registrar& registrar);
int serve_command(const Arguments& args, Registrar& registrar);
int submit_command(const Arguments& args, Registrar& registrar);

}  // namespace tunelab::cli
