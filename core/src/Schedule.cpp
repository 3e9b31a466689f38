// A run's schedule (train.schedule) and the changes a run takes while it
// trains: which keys may change, how a change is checked, and the schedule
// as YAML (ExperimentConfig.h). The trainer applies both the same way
// (core/src/lm/LmTrainer.cpp), so a run steered by hand can be trained again
// from its schedule.
#include "traveller/core/ExperimentConfig.h"

#include "ConfigFields.h"
#include "Schedule.h"
#include "io/YamlWalk.h"
#include "traveller/core/Errors.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

namespace traveller {

const std::vector<std::string>& liveKeys()
{
    static const std::vector<std::string> keys = {"train.lr",      "train.clip",         "train.epochs", "sample.prefix",
                                                  "sample.length", "sample.temperature", "sample.every"};
    return keys;
}

namespace {

std::string liveKeyList()
{
    std::string out;
    for (const std::string& k : liveKeys())
        out += (out.empty() ? "" : ", ") + k;
    return out;
}

bool isLiveKey(const std::string& key) { return std::find(liveKeys().begin(), liveKeys().end(), key) != liveKeys().end(); }

} // namespace

double learningRateAt(const TrainConfig& train, int epoch)
{
    const double pi = std::acos(-1.0);
    const int total = std::max(1, train.epochs);
    const auto cosine = [&](int e, int first, int count) {
        if (count <= 1)
            return 1.0;
        const double progress = std::clamp(static_cast<double>(e - first) / (count - 1), 0.0, 1.0);
        return train.lrMinFactor + (1.0 - train.lrMinFactor) * 0.5 * (1.0 + std::cos(pi * progress));
    };
    switch (train.lrSchedule) {
    case LrShape::Constant: return train.lr;
    case LrShape::Step: return train.lr * std::pow(train.lrStepGamma, (std::max(epoch, 1) - 1) / train.lrStepEvery);
    case LrShape::Cosine: return train.lr * cosine(epoch, 1, total);
    case LrShape::WarmupCosine:
        if (epoch <= train.lrWarmup)
            return train.lr * std::max(epoch, 1) / train.lrWarmup;
        return train.lr * cosine(epoch, train.lrWarmup + 1, total - train.lrWarmup);
    }
    return train.lr;
}

ExperimentConfig withLiveChange(const ExperimentConfig& config, const std::string& key, const std::string& valueText,
                                int epoch)
{
    if (!isLiveKey(key))
        throw ConfigError(key, 0, 0, message("train.not_live", {liveKeyList()}));
    ExperimentConfig changed = config;
    setConfigValue(changed, key, valueText);
    if (key == "train.epochs" && changed.train.epochs < epoch)
        throw ConfigError(key, 0, 0, message("train.epochs_below", {std::to_string(epoch), valueText}));
    return changed;
}

namespace config {

std::vector<ScheduleEntry> parseSchedule(const YAML::Node& list, const std::string& key)
{
    using yaml::columnOf;
    using yaml::lineOf;
    if (list.IsNull())
        return {};
    if (!list.IsSequence())
        fail(key, lineOf(list), columnOf(list), message("schedule.expected_list"));
    std::vector<ScheduleEntry> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node item = list[i];
        const std::string itemKey = key + "[" + std::to_string(i) + "]";
        if (!item.IsMap())
            fail(itemKey, lineOf(item), columnOf(item), message("schedule.expected_entry"));
        ScheduleEntry e;
        bool haveEpoch = false, haveSet = false;
        yaml::forEachEntry(item, itemKey, {"epoch", "batch", "set"},
                           [&](const std::string& name, const YAML::Node&, const YAML::Node& value) {
                               const std::string k = itemKey + "." + name;
                               if (!value.IsScalar() && name != "set")
                                   fail(k, lineOf(value), columnOf(value), message("config.single_value"));
                               if (name == "epoch") {
                                   e.epoch = static_cast<int>(
                                       parseInt(value.Scalar(), k, lineOf(value), columnOf(value), 1, 1'000'000'000));
                                   haveEpoch = true;
                               } else if (name == "batch") {
                                   e.batch = parseInt(value.Scalar(), k, lineOf(value), columnOf(value), 0, 1'000'000'000);
                               } else {
                                   haveSet = true;
                                   e.set = parseScheduleSet(value, k);
                               }
                           });
        if (!haveEpoch || !haveSet || e.set.empty())
            fail(itemKey, lineOf(item), columnOf(item), message("schedule.expected_entry"));
        out.push_back(std::move(e));
    }
    std::stable_sort(out.begin(), out.end(), [](const ScheduleEntry& a, const ScheduleEntry& b) {
        return a.epoch != b.epoch ? a.epoch < b.epoch : a.batch < b.batch;
    });
    return out;
}

std::vector<std::pair<std::string, std::string>> parseScheduleSet(const YAML::Node& map, const std::string& key)
{
    using yaml::columnOf;
    using yaml::lineOf;
    if (!map.IsMap())
        fail(key, lineOf(map), columnOf(map), message("schedule.expected_entry"));
    std::vector<std::pair<std::string, std::string>> set;
    yaml::forEachEntry(map, key, {}, [&](const std::string& name, const YAML::Node& keyNode, const YAML::Node& value) {
        if (!isLiveKey(name))
            fail(name, lineOf(keyNode), columnOf(keyNode), message("train.not_live", {liveKeyList()}));
        if (!value.IsScalar())
            fail(name, lineOf(value), columnOf(value), message("config.single_value"));
        ExperimentConfig scratch;  // the value is the schema's
        setConfigValue(scratch, name, value.Scalar(), lineOf(value), columnOf(value));
        set.emplace_back(name, value.Scalar());
    });
    return set;
}

std::string scheduleYaml(const std::vector<ScheduleEntry>& schedule)
{
    YAML::Emitter out;
    out << YAML::Flow << YAML::BeginSeq;
    for (const ScheduleEntry& e : schedule) {
        out << YAML::BeginMap << YAML::Key << "epoch" << YAML::Value << e.epoch;
        if (e.batch > 0)
            out << YAML::Key << "batch" << YAML::Value << e.batch;
        out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
        for (const auto& [k, v] : e.set)
            out << YAML::Key << k << YAML::Value << v;
        out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq;
    return out.c_str();
}

void checkSchedule(const ExperimentConfig& config)
{
    int last = config.train.epochs;  // a schedule may extend the run: its entries count up to the last target
    for (const ScheduleEntry& e : config.train.schedule)
        for (const auto& [k, v] : e.set)
            if (k == "train.epochs") {
                ExperimentConfig scratch;
                setConfigValue(scratch, k, v);
                last = std::max(last, scratch.train.epochs);
            }
    for (std::size_t i = 0; i < config.train.schedule.size(); ++i)
        if (config.train.schedule[i].epoch > last)
            throw ConfigError("train.schedule[" + std::to_string(i) + "].epoch", 0, 0,
                              message("schedule.beyond_epochs",
                                      {std::to_string(config.train.schedule[i].epoch), std::to_string(last)}));
}

} // namespace config

} // namespace traveller
