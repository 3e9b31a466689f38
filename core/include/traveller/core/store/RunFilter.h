// One filter language for runs, the same in the Runs tab's filter box and
// `traveller-cli runs list --where` (issue 28.6): words separated by spaces,
// all of which a run must match.
//   cell=gru  lr<1  hidden>=256  train.clip!=0   a setting (its schema key, or
//                                                the key's last part: lr, hidden,
//                                                cell = model.arch) compared as a
//                                                number where both sides are
//                                                numbers, else as text
//   status=finished  sweep=lab  id>10             the run's own fields
//   tag:lab  #lab                                 a tag
//   note:overfits                                 text in its note
//   family:3                                      run 3's family: the root it forked
//                                                 from and every fork below it
//   anything else                                 text in its name, label, sweep,
//                                                 tags, note or status (any case)
#pragma once

#include "traveller/core/Errors.h"
#include "traveller/core/store/RunStore.h"

#include <string>
#include <vector>

namespace traveller {

struct RunFilterTerm {
    enum class Kind { Text, Tag, Note, Compare, Family };
    Kind kind = Kind::Text;
    std::string key;   // Compare: a schema key or id/status/sweep/name/label/epochs/perplexity
    std::string op;    // Compare: = != < <= > >=
    std::string value;
};

struct RunFilter {
    std::vector<RunFilterTerm> terms;
    bool empty() const { return terms.empty(); }
};

// Throws Error with code filter.unknown_key (naming the key and the known
// short names) or filter.empty_value.
RunFilter parseRunFilter(const std::string& text);
// Whether `run` matches every term; a family term needs the other runs and
// counts as matched here (filterRuns decides it).
bool matches(const RunFilter& filter, const StoredRun& run);
// The runs of `runs` the filter keeps, family terms included, in order.
std::vector<StoredRun> filterRuns(const RunFilter& filter, const std::vector<StoredRun>& runs);
// The ids of the family of run `id` within `runs`: its root (the first
// ancestor still there) and every run forked below that root.
std::vector<std::int64_t> familyOf(std::int64_t id, const std::vector<StoredRun>& runs);

} // namespace traveller
