#include "RunGroups.h"

#include "Format.h"
#include "traveller/ui/LineChart.h"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>

namespace traveller::ui {

Grouping groupLibrary(RunStore& store, const std::vector<StoredRun>& runs, const std::vector<std::string>& by)
{
    Grouping g;
    g.figures.reserve(runs.size());
    for (const StoredRun& r : runs)
        g.figures.push_back(runFigures(r, store.epochs(r.id)));
    for (RunGroup& group : groupRuns(runs, g.figures, by))
        if (group.ids.size() > 1)
            g.groups.push_back(std::move(group));
    return g;
}

bool hasSeedGroups(const std::vector<StoredRun>& runs)
{
    // Every run on one seed (most libraries): no seeds to group, and no need
    // to read every run's settings (half a second for 1,000 runs).
    if (std::all_of(runs.begin(), runs.end(), [&](const StoredRun& r) { return r.seed == runs.front().seed; }))
        return false;
    // A run's settings never change once it is in the library: the answer
    // for the same runs is the same (refresh follows every rename and tag).
    // Keyed by each run's id, seed and stored settings (another library may
    // have the same ids). GUI thread only.
    static std::vector<std::size_t> lastKey;
    static bool lastAnswer = false;
    std::vector<std::size_t> key;
    key.reserve(3 * runs.size());
    for (const StoredRun& r : runs) {
        key.push_back(static_cast<std::size_t>(r.id));
        key.push_back(static_cast<std::size_t>(r.seed));
        key.push_back(std::hash<std::string>{}(r.configYaml));
    }
    if (key == lastKey)
        return lastAnswer;
    // Repeats of one experiment with the same seed (a re-run) are not seeds
    // of a setting: they do not turn the groups on by themselves.
    bool found = false;
    for (const RunGroup& group : groupRuns(runs, {}))
        for (std::uint64_t seed : group.seeds)
            found = found || seed != group.seeds.front();
    lastKey = std::move(key);
    lastAnswer = found;
    return found;
}

QStringList groupableKeys(const std::vector<StoredRun>& runs)
{
    QStringList keys;
    if (runs.size() < 2)
        return keys;
    for (const SettingDifference& d : diffRuns(runs, {}).settings)
        if (d.key != "train.seed" && d.key != "name")
            keys << QString::fromStdString(d.key);
    return keys;
}

namespace {

// The value every row has, or an empty one where they differ.
template <typename T, typename Get>
T shared(const std::vector<RunRow>& rows, Get get)
{
    const T first = get(rows.front());
    for (const RunRow& r : rows)
        if (!(get(r) == first))
            return T{};
    return first;
}

} // namespace

RunRow groupRow(const RunGroup& group, const std::vector<StoredRun>& runs)
{
    std::vector<RunRow> rows;
    for (qint64 id : group.ids)
        for (const StoredRun& r : runs)
            if (r.id == id)
                rows.push_back(runRow(r));
    RunRow row;
    if (rows.empty())
        return row;
    row = rows.front();
    row.name = QString::fromStdString(group.label);
    row.members = QList<qint64>(group.ids.begin(), group.ids.end());
    row.finalSpread = group.final;
    row.bestSpread = group.best;
    row.heldoutSpread = group.heldout;
    row.speedSpread = group.tokensPerSecond;
    row.perplexity = group.final.mean;
    row.best = group.best.mean;
    row.heldout = group.heldout.mean;
    row.tokensPerSecond = group.tokensPerSecond.mean;
    row.arch = shared<QString>(rows, [](const RunRow& r) { return r.arch; });
    row.cellKnown = !row.arch.isEmpty();
    row.hidden = shared<int>(rows, [](const RunRow& r) { return r.hidden; });
    row.lrText = shared<QString>(rows, [](const RunRow& r) { return r.lrText; });
    row.lr = row.lrText.isEmpty() ? RunRow::kNone : row.lr;
    row.sweep = shared<QString>(rows, [](const RunRow& r) { return r.sweep; });
    row.label.clear();
    row.sample.clear();
    row.message.clear();
    row.epochs = shared<int>(rows, [](const RunRow& r) { return r.epochs; });
    row.epochsDone = std::min_element(rows.begin(), rows.end(), [](const RunRow& a, const RunRow& b) {
                         return a.epochsDone < b.epochsDone;
                     })->epochsDone;
    const bool sameState = std::all_of(rows.begin(), rows.end(), [&](const RunRow& r) {
        return r.state == rows.front().state && r.blewUpAt == rows.front().blewUpAt;
    });
    if (!sameState)
        row.state.reset();
    row.seconds = RunRow::kNone;
    if (row.translation) {
        // Their figures are the book's loss, not a perplexity: the row shows
        // the mean held-out BLEU instead, as a translation run's row does.
        row.finalSpread = row.bestSpread = row.heldoutSpread = Spread{};
        row.perplexity = row.best = row.heldout = RunRow::kNone;
        std::vector<double> bleu;
        for (const RunRow& r : rows)
            bleu.push_back(r.bleu);
        row.bleu = spreadOf(bleu).mean;
    }
    QSet<QString> tags;
    row.tags.clear();
    for (const RunRow& r : rows)
        for (const QString& t : r.tags)
            if (!tags.contains(t)) {
                tags.insert(t);
                row.tags << t;
            }
    return row;
}

GroupCurve groupCurve(const std::vector<std::vector<StoredEpoch>>& runs, BandKind band)
{
    std::map<int, std::vector<double>> byEpoch;
    for (const auto& epochs : runs)
        for (const QPointF& p : format::perplexityCurve(epochs))
            byEpoch[static_cast<int>(p.x())].push_back(p.y());
    GroupCurve curve;
    for (const auto& [epoch, values] : byEpoch) {
        const Spread s = spreadOf(values);
        if (s.n == 0)
            continue;
        curve.mean.append(QPointF(epoch, s.mean));
        const double lo = band == BandKind::MinMax ? s.min : s.mean - s.sd;
        const double hi = band == BandKind::MinMax ? s.max : s.mean + s.sd;
        curve.lower.append(QPointF(epoch, lo));
        curve.upper.append(QPointF(epoch, hi));
    }
    return curve;
}

QString groupKey(const ChartGroup& group)
{
    return QStringLiteral("group%1").arg(group.ids.isEmpty() ? 0 : group.ids.front());
}

void drawGroup(LineChart* chart, RunStore& store, const ChartGroup& group, const QString& label, const QColor& colour,
               BandKind band)
{
    std::vector<std::vector<StoredEpoch>> epochs;
    for (qint64 id : group.ids)
        epochs.push_back(store.epochs(id));
    const GroupCurve curve = groupCurve(epochs, band);
    const QString key = groupKey(group);
    if (!chart->hasSeries(key))
        chart->addSeries(key, label, LineChart::Style::Line, colour);
    chart->setColor(key, colour);
    chart->setLabel(key, label);
    chart->setPoints(key, curve.mean);
    chart->setBand(key + QStringLiteral("-band"), curve.lower, curve.upper, colour);
}

} // namespace traveller::ui
