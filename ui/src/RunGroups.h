// The Runs tab's groups (private to traveller_ui): core's groupRuns over the
// library's runs (runs that differ only in their seed, or that agree on the
// settings chosen under "Group by…"), each group of two or more runs shown as
// one table row with mean ± sd and n, and drawn as its mean curve with a band
// (min–max or ±1 sd, from core's spreadOf at each epoch). Nothing here groups
// on its own: the rule is core's (RunEvidence.h).
#pragma once

#include "RunTableModel.h"

#include "traveller/core/store/RunEvidence.h"
#include "traveller/core/store/RunStore.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QStringList>

#include <vector>

namespace traveller::ui {

class LineChart;

enum class BandKind { MinMax, StdDev };

// The library's runs grouped; groups of one run are left out of `groups`.
struct Grouping {
    std::vector<RunGroup> groups;    // n > 1 each
    std::vector<RunFigures> figures;  // every run's, for the rows of runs alone
};

// Groups `runs` (reading each one's epochs for its figures) by `by` (empty:
// all but the seed). Throws what the store throws.
Grouping groupLibrary(RunStore& store, const std::vector<StoredRun>& runs, const std::vector<std::string>& by);
// Whether some runs differ only in their seed, their seeds being different
// (no epochs read).
bool hasSeedGroups(const std::vector<StoredRun>& runs);
// The settings whose values differ between the runs (schema order, from
// core's diffRuns), which "Group by…" offers; the seed and name left out.
QStringList groupableKeys(const std::vector<StoredRun>& runs);

// A group's row: its figures' spreads, the settings its runs share (blank
// where they differ), the state they share.
RunRow groupRow(const RunGroup& group, const std::vector<StoredRun>& runs);

// A group's curve: at each epoch the mean over the runs that reached it, and
// the band (min–max, or mean ± one sample sd) around it.
struct GroupCurve {
    QList<QPointF> mean, lower, upper;
};
GroupCurve groupCurve(const std::vector<std::vector<StoredEpoch>>& runs, BandKind band);

// A group as the details chart draws it: key "group<first id>".
struct ChartGroup {
    QString label;
    QList<qint64> ids;
};
// Draws `group` in `colour`: its mean line (named `legend`) and its band.
void drawGroup(LineChart* chart, RunStore& store, const ChartGroup& group, const QString& legend, const QColor& colour,
               BandKind band);
QString groupKey(const ChartGroup& group);

} // namespace traveller::ui
