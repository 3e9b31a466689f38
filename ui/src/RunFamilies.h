// Runs and their forks as families (issue 27.7): each row's place in its
// family, for the Runs table's Family column. Sorted by that column, each
// family reads as a tree under its root:
//   #3
//   └ #7 @200
//     └ #9 @350
// A fork whose parent is gone roots its own family and says so ("#7 @200 ×").
#pragma once

#include "RunTableModel.h"

#include <vector>

namespace traveller::ui {

// Fills RunRow::family and familyKey of the rows (matched by id) from the
// runs' lineage; rows of runs with no forks and no parent stay empty.
void setFamilies(std::vector<RunRow>& rows, const std::vector<StoredRun>& runs);

} // namespace traveller::ui
