// train.schedule as YAML: reading (with positions), writing and checking it
// against the run's epochs. Internal to the core (Schedule.cpp).
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

namespace traveller::config {

// A YAML list of {epoch: E, batch: B (optional), set: {key: value}}; each key
// a live one (liveKeys()), each value the schema's. ConfigError at the place.
std::vector<ScheduleEntry> parseSchedule(const YAML::Node& list, const std::string& key);
std::vector<std::pair<std::string, std::string>> parseScheduleSet(const YAML::Node& map, const std::string& key);
// The schedule as one line of flow YAML ("[{epoch: 200, set: {train.lr: 0.3}}]").
std::string scheduleYaml(const std::vector<ScheduleEntry>& schedule);
// Every entry within the run's epochs (or the last epochs a schedule entry sets).
void checkSchedule(const ExperimentConfig& config);

} // namespace traveller::config
