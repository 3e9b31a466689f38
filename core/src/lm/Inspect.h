// The Lens's computation (core/include/traveller/core/lm/Inspect.h) on a
// language model: the registry's textbook step with a snapshot of the
// model's weights, whatever its implementation. Internal to the core.
#pragma once

#include "lm/LmModels.h"
#include "traveller/core/Corpus.h"
#include "traveller/core/lm/Inspect.h"

#include <string>
#include <vector>

namespace traveller::lm {

Inspection inspectModel(const LanguageModel& model, const Vocab& vocab, const std::vector<std::string>& tokens,
                        const InspectOptions& options);

} // namespace traveller::lm
