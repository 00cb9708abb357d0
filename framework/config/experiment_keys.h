#pragma once
// Every key of an experiment file, declared once per section
// (config/key_spec.h): the reader, to_json and the docs tables of
// docs/experiment-file.md come from these.

#include "config/key_spec.h"

namespace tunelab {

struct ExperimentConfig;
struct DataConfig;
struct TrainerConfig;
struct SearchConfig;

const SectionKeys<ExperimentConfig>& experiment_keys();  // the top level
const SectionKeys<DataConfig>& data_keys();
const SectionKeys<TrainerConfig>& trainer_keys();
const SectionKeys<SearchConfig>& search_keys();

// The sections whose keys are declared here: "top" (the file's top level),
// "data", "trainer", "search".
std::vector<std::string> key_sections();

// The docs table of a section's keys (Markdown). UnknownNameError for a
// section not in key_sections().
std::string key_table(const std::string& section);

}  // namespace tunelab
