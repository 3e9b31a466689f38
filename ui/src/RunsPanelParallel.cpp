// The Runs tab's Parallel… (issue 28.5): ParallelDialog over the chosen runs,
// its brush narrowing the table and drawing the runs inside.
#include "traveller/ui/RunsPanel.h"

#include "ParallelDialog.h"
#include "RunsLibraryView.h"
#include "traveller/ui/Language.h"

#include <QTimer>

namespace traveller::ui {

namespace {

constexpr int kCurvesAfterBrushMs = 150;

} // namespace

ParallelDialog* RunsPanel::parallel(const QList<qint64>& chosen)
{
    auto s = store();
    if (!s)
        return nullptr;
    const QList<qint64> ids = chosen.size() >= 2 ? chosen : listedIds();
    std::vector<StoredRun> runs;
    for (qint64 id : ids)
        if (const StoredRun* r = storedRun(id); r && !r->isTranslation())
            runs.push_back(*r);
    if (runs.size() < 2) {
        showMessage(tr("Parallel coordinates need two language-model runs or more"), true);
        return nullptr;
    }
    try {
        auto* dialog = new ParallelDialog(*s, runs, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        // The table follows each move of a brush; the curves (each run's epochs
        // read and drawn) once the brush rests.
        auto* settle = new QTimer(dialog);
        settle->setSingleShot(true);
        settle->setInterval(kCurvesAfterBrushMs);
        connect(dialog, &ParallelDialog::brushed, this, [this, settle, all = ids.size()](const QSet<qint64>& lit) {
            view_->setOnlyIds(lit.size() < all ? std::optional<QSet<qint64>>(lit) : std::nullopt);
            settle->setProperty("lit", QVariant::fromValue(QList<qint64>(lit.begin(), lit.end())));
            settle->start();
        });
        connect(settle, &QTimer::timeout, this, [this, settle] {
            QList<qint64> shown = settle->property("lit").value<QList<qint64>>();
            std::sort(shown.begin(), shown.end());
            selectRuns(shown);
        });
        connect(dialog, &QDialog::finished, this, [this] { view_->setOnlyIds(std::nullopt); });
        dialog->show();
        return dialog;
    } catch (const std::exception& e) {
        showMessage(tr("Could not draw the runs: %1").arg(coreText(e)), true);
        return nullptr;
    }
}

} // namespace traveller::ui
