#include "LabSeeds.h"

#include <algorithm>

namespace traveller::lab {

std::map<std::string, RunGroup> seedGroups(RunStore& store, const LabStep& step, LabMode mode,
                                           const std::map<std::string, StoredRun>& runs)
{
    std::map<std::string, RunGroup> out;
    std::vector<StoredRun> own = store.runsOfSweep(labSweepName(step, mode));
    std::sort(own.begin(), own.end(), [](const StoredRun& a, const StoredRun& b) { return a.id > b.id; });
    for (const auto& [label, run] : runs) {
        if (run.state != StoredState::Finished)
            continue;
        std::vector<StoredRun> members{run};
        for (int seed = 1; seed < kMaxLabSeeds; ++seed) {
            const std::string seeded = labSeedLabel(label, seed);
            const auto it = std::find_if(own.begin(), own.end(), [&](const StoredRun& r) {
                return r.label == seeded && r.state == StoredState::Finished;  // the newest of that seed
            });
            if (it != own.end())
                members.push_back(*it);
        }
        std::vector<RunFigures> figures;
        for (const StoredRun& m : members)
            figures.push_back(runFigures(m, store.epochs(m.id)));
        for (RunGroup& g : groupRuns(members, figures))
            if (!g.ids.empty() && g.ids.front() == run.id) {
                out[label] = std::move(g);
                break;
            }
    }
    return out;
}

} // namespace traveller::lab
