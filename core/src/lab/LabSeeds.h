// A lab run over seeds (issue 28, `lab run --seeds N`): the run that stands
// for a label and the step's own runs of that label on other seeds
// (labSeedLabel), as one group of RunEvidence.h (groupRuns: the same settings
// but the seed), for the report's "1.30 ± 0.02 over 3 seeds".
#pragma once

#include "traveller/core/lab/Lab.h"
#include "traveller/core/store/RunEvidence.h"

#include <map>
#include <string>

namespace traveller::lab {

// For each label of `runs` (labRunsOf's, one seed), its group: the run itself
// and the finished runs "label seed=k" recorded under the step's sweep that
// share its settings but the seed. Labels whose run has not finished are absent.
std::map<std::string, RunGroup> seedGroups(RunStore& store, const LabStep& step, LabMode mode,
                                           const std::map<std::string, StoredRun>& runs);

} // namespace traveller::lab
