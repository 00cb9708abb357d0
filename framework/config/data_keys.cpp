// The data section's keys (config/key_spec.h): which table, which rows, how
// its columns reach the model.

#include "config/experiment_keys.h"

#include "config/experiment.h"
#include "data/split.h"

namespace tunelab {
namespace {

// Stated by to_json only where set: these keys are newer than the first
// stored studies (config/key_spec.h).
bool uses_plr(const DataConfig& d) { return d.plr; }
bool embeds_categories(const DataConfig& d) { return d.encoding == CategoricalEncoding::embedding; }

KeySpec<DataConfig> split_key() {
  return custom_key<DataConfig>(
      "split",
      {"must sum to 1; fractions left out are 0; at least 2 training rows",
       "`{train, val, test}` fractions", "`{train: 0.6, val: 0.2, test: 0.2}`"},
      [](const Args& args, DataConfig& data, const ExperimentConfig&) {
        in_section("split", [&] {
          const Args split(args.section("split"));
          split.allow_only({"train", "val", "test"});
          if (args.has("split")) {
            // Stating some fractions leaves the others at 0: {train: 0.8, val: 0.2}.
            data.split = {split.number("train", 0.0), split.number("val", 0.0),
                          split.number("test", 0.0)};
          }
          check_split(data.split);
          return 0;
        });
      },
      [](const DataConfig& data, nlohmann::json& out) {
        out["split"] = {
            {"train", data.split.train}, {"val", data.split.val}, {"test", data.split.test}};
      });
}

KeySpec<DataConfig> standardize_key() {
  return custom_key<DataConfig>(
      "standardize",
      {"scale to mean 0, standard deviation 1, fitted on the training rows only. `x` "
       "scales the numeric columns (one-hot and missing-indicator columns stay 0/1); "
       "`y` is ignored for classification",
       "`{x: bool, y: bool}`", "both `false`"},
      [](const Args& args, DataConfig& data, const ExperimentConfig&) {
        in_section("standardize", [&] {
          const Args standardize(args.section("standardize"));
          standardize.allow_only({"x", "y"});
          data.standardize_x = standardize.boolean("x", false);
          data.standardize_y = standardize.boolean("y", false);
          return 0;
        });
      },
      [](const DataConfig& data, nlohmann::json& out) {
        out["standardize"] = {{"x", data.standardize_x}, {"y", data.standardize_y}};
      });
}

// Scaling other than standard, and clipping, act on standardised features.
void check_scaling(const Args&, DataConfig& data, const ExperimentConfig&) {
  const bool scaled = data.scaling != NumericScaling::standard || data.smooth_clip_x;
  if (scaled && !data.standardize_x)
    throw ConfigError(
        data.smooth_clip_x && data.scaling == NumericScaling::standard ? "smooth_clip" : "scaling",
        "scales the features only with standardize: {x: true}");
}

SectionKeys<DataConfig> declare_data_keys() {
  return SectionKeys<DataConfig>(
      {
          required_text_key("dataset", &DataConfig::dataset,
                            {"a registered dataset (`tunelab plugins --kind dataset`)", "name"}),
          mapping_key("args", &DataConfig::args, {"the dataset's options (below)"},
                      "expected a mapping of the data set's options"),
          split_key(),
          standardize_key(),
          choice_key(
              "scaling", &DataConfig::scaling,
              {{"standard", NumericScaling::standard},
               {"robust", NumericScaling::robust},
               {"quantile", NumericScaling::quantile}},
              {"with `standardize: {x: true}`, how the numeric columns are scaled: by mean and "
               "standard deviation; (`robust`) by median and interquartile range / 1.349, so "
               "that a few far values do not squeeze the rest together; or (`quantile`) "
               "through the training rows' quantiles onto a standard normal, as scikit-learn's "
               "`QuantileTransformer(output_distribution=\"normal\")` does (a value's position "
               "among the quantiles, linearly interpolated; a value many rows share maps to "
               "the middle of its run; beyond the training range, ±5.2), which makes a skewed "
               "column's values evenly spread. Fitted on the training rows (per fold), kept "
               "with the weights, applied by `predict` and `rerun`"})
              .stated_when(when_set(&DataConfig::scaling)),
          integer_key("quantiles", &DataConfig::quantiles,
                      {"with `scaling: quantile`, how many quantiles are fitted; more than the "
                       "training rows is refused",
                       "", "1000, or the training rows where there are fewer"},
                      2, 100000)
              .only_with([](const DataConfig& d) { return d.scaling == NumericScaling::quantile; },
                         "is for scaling: quantile")
              .stated_when(when_set(&DataConfig::quantiles)),
          boolean_key(
              "smooth_clip", &DataConfig::smooth_clip_x,
              {"with `standardize: {x: true}`, the scaled numeric values are then squashed "
               "smoothly into (-3, 3), `z / sqrt(1 + (z/3)²)` (RealMLP's robust scaling with "
               "smooth clipping, Holzmüller et al. 2024); one-hot columns stay 0/1"})
              .stated_when(when_set(&DataConfig::smooth_clip_x)),
          choice_key(
              "encoding", &DataConfig::encoding,
              {{"onehot", CategoricalEncoding::onehot},
               {"embedding", CategoricalEncoding::embedding}},
              {"how categorical columns reach the model: one 0/1 column per level, or one "
               "column of codes that a learned embedding (an `EmbeddingFront` before the "
               "model, one `Embedding` per column, the code of an unseen level fixed at zero) "
               "turns into `embedding_width` numbers"})
              .stated_when(embeds_categories),
          integer_key("embedding_width", &DataConfig::embedding_width,
                      {"the numbers each embedded column becomes; searchable like any value "
                       "(`data.embedding_width: {type: int, low: 2, high: 8}`)"},
                      1, 1024)
              .stated_when(embeds_categories),
          choice_key(
              "numeric_embedding", &DataConfig::plr, {{"none", false}, {"plr", true}},
              {"`plr`: the network's front embeds each numeric column (Gorishniy et al. 2022, "
               "\"On Embeddings for Numerical Features in Tabular Deep Learning\"): cos and "
               "sin of 2π·c·x for `plr_frequencies` learned frequencies c, then the column's "
               "own linear layer to `plr_width` numbers and a ReLU; what follows reads the "
               "other columns, then the embeddings. It comes after the categorical embedding "
               "(`encoding: embedding`) where both are on, trains with the plain step (the "
               "hand-written one has no such layer), and is searchable (`{type: categorical, "
               "choices: [none, plr]}`). A data set without a numeric column is refused"})
              .stated_when(uses_plr),
          integer_key("plr_frequencies", &DataConfig::plr_frequencies,
                      {"with `numeric_embedding: plr`: the learned frequencies per column"}, 1,
                      1024)
              .only_with(uses_plr, "is for numeric_embedding: plr")
              .stated_when(uses_plr),
          integer_key("plr_width", &DataConfig::plr_width,
                      {"with `numeric_embedding: plr`: each column's embedding width"}, 1, 1024)
              .only_with(uses_plr, "is for numeric_embedding: plr")
              .stated_when(uses_plr),
          number_key("plr_sigma", &DataConfig::plr_sigma,
                     {"with `numeric_embedding: plr`: the standard deviation the frequencies are "
                      "drawn from (the spread of periods; the paper searches it between 0.01 and "
                      "100, log-uniform)"},
                     NumberCheck::positive())
              .only_with(uses_plr, "is for numeric_embedding: plr")
              .stated_when(uses_plr),
          choice_key(
              "target_transform", &DataConfig::log_target, {{"none", false}, {"log", true}},
              {"`log`: a regression trains on the natural log of its target (prices, counts: "
               "values above 0, checked on every split), standardised after when "
               "`standardize.y` says so. The losses are of the logs; the metrics (`val_rmse`, "
               "...) and `predict`'s values are in the target's own units; the transform is "
               "kept with the weights; `tunelab init` writes it for a positive target whose "
               "largest value is ten times its smallest or more, skewed to the right (skewness "
               "1 or more) and more symmetric on its log"})
              .stated_when(when_set(&DataConfig::log_target)),
          choice_key("missing_target", &DataConfig::drop_missing_target,
                     {{"refuse", false}, {"drop", true}},
                     {"a row whose target cell is missing is refused at its line, or (`drop`) left "
                      "out, the run and `validate` saying how many and where the first was"})
              .stated_when(when_set(&DataConfig::drop_missing_target)),
          integer_key(
              "folds", &DataConfig::folds,
              {"k > 1: k-fold cross-validation. The split's train and val rows are pooled and "
               "cut into k folds; every trial trains k times, validating on one fold and "
               "training on the rest (standardisation fitted on each fold's training rows), "
               "and its validation loss, per-epoch curve and metric are the means over the "
               "folds. The trial's model is the ensemble of its k fold models: `predict` "
               "averages their predictions, and the test loss is the ensemble's on the test "
               "rows (which stay apart), in the units of the split's own standardisation, as "
               "without folds. A pruner decides on the first fold. For small data, where one "
               "small validation split is easy to overfit and one model trained on it varies "
               "much"},
              1, 100),
      },
      check_scaling);
}

}  // namespace

const SectionKeys<DataConfig>& data_keys() {
  static const SectionKeys<DataConfig> keys = declare_data_keys();
  return keys;
}

}  // namespace tunelab
