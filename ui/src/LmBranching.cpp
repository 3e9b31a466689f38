// The Language model tab's Continue… and Fork from here… (issue 27): an
// ended run of the tab is a run of the library; the Runs tab asks how far
// or from where, and trains it (MainWindow passes branchRequested on).
#include "traveller/ui/LanguageModelPanel.h"

#include "traveller/ui/LineChart.h"
#include "traveller/ui/RunQueue.h"

#include <QMenu>
#include <QPushButton>

namespace traveller::ui {

namespace {

using State = RunQueue::RunState;

bool ended(const RunQueue::Run& r) { return r.state == State::Finished || r.state == State::Stopped; }

} // namespace

qint64 LanguageModelPanel::continuableRun() const
{
    const QList<int> ids = queue_->ids();
    for (auto it = ids.rbegin(); it != ids.rend(); ++it)
        if (const RunQueue::Run* r = queue_->run(*it); r && ended(*r) && r->outcome.libraryId > 0)
            return r->outcome.libraryId;
    return 0;
}

void LanguageModelPanel::chartMenu(const QString& key, const QPointF& point, const QPoint& globalPos)
{
    const RunQueue::Run* run = nullptr;
    for (int id : queue_->ids())
        if (key == RunQueue::seriesKey(id) || key.startsWith(RunQueue::seriesKey(id) + QLatin1Char('-')))
            run = queue_->run(id);
    if (!run || run->outcome.libraryId <= 0 || queue_->busy())
        return;  // a run in training is steered, not branched
    const qint64 libraryId = run->outcome.libraryId;
    const int epoch = static_cast<int>(point.x());
    QMenu menu(this);
    QAction* fork = menu.addAction(tr("Fork run %1 from here (epoch %2)…").arg(libraryId).arg(epoch));
    QAction* more = menu.addAction(tr("Continue run %1…").arg(libraryId));
    more->setEnabled(ended(*run));
    QAction* chosen = menu.exec(globalPos);
    if (chosen == fork)
        Q_EMIT branchRequested(libraryId, epoch);
    else if (chosen == more)
        Q_EMIT branchRequested(libraryId, 0);
}

} // namespace traveller::ui
