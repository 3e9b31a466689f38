// What must not depend on where a sweep trained (here, in a Slurm array task,
// resumed or not): every run's epochs (perplexity, sample) and final samples
// and status, by label.
#pragma once

#include "traveller/core/store/RunStore.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

struct TrainedRuns {
    std::map<std::string, std::vector<std::pair<double, std::string>>> epochs;
    std::map<std::string, std::map<std::string, std::string>> samples;
    std::map<std::string, std::string> status;
};

inline TrainedRuns trainedRuns(traveller::RunStore& store, const std::string& sweep)
{
    TrainedRuns t;
    for (const auto& r : store.runsOfSweep(sweep)) {
        for (const auto& e : store.epochs(r.id))
            t.epochs[r.label].emplace_back(e.perplexity, e.sample);
        t.samples[r.label] = r.samples;
        t.status[r.label] = toString(r.state);
    }
    return t;
}
