// The Runs tab's Continue… and Fork… (issue 27): a run that ended trains on
// as itself, or branches from a kept epoch into a new run with other
// settings. The rules are core's (canContinue, canFork, forkRun); the
// questions are BranchDialogs.
#include "traveller/ui/RunsPanel.h"

#include "BranchDialogs.h"
#include "RunDetails.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LineChart.h"

#include <QMenu>
#include <QRegularExpression>

namespace traveller::ui {

bool RunsPanel::continueRun(qint64 id, int moreEpochs)
{
    auto s = store();
    if (!s)
        return false;
    if (!mayTrain(id))
        return false;
    try {
        const StoredRun r = s->run(id);
        if (const RuleVerdict possible = canContinue(r); !possible) {
            showMessage(coreText(possible.reason), true);
            return false;
        }
        return train(id,
                     tr("Continuing run %1 from epoch %2 to epoch %3").arg(id).arg(r.epochsDone).arg(r.epochsDone + moreEpochs),
                     moreEpochs);
    } catch (const std::exception& e) {
        showMessage(tr("Could not continue run %1: %2").arg(id).arg(coreText(e)), true);
        return false;
    }
}

qint64 RunsPanel::forkRun(qint64 id, const ForkRequest& request)
{
    auto s = store();
    if (!s)
        return -1;
    if (!mayTrain(0))
        return -1;
    try {
        ForkRequest r = request;
        r.programVersion = TRAVELLER_VERSION;
        const qint64 fork = traveller::forkRun(*s, id, r);
        refresh();
        if (!train(fork, tr("Run %1 forks run %2 at epoch %3 and trains").arg(fork).arg(id).arg(request.epoch)))
            return -1;
        return fork;
    } catch (const std::exception& e) {
        showMessage(tr("Could not fork run %1: %2").arg(id).arg(coreText(e)), true);
        return -1;
    }
}

void RunsPanel::continueAsked()
{
    const StoredRun* r = selectedIds().size() == 1 ? storedRun(selectedIds().first()) : nullptr;
    if (!r)
        return;
    if (const auto more = askMoreEpochs(this, *r))
        continueRun(r->id, *more);
}

void RunsPanel::forkAsked(qint64 id, int epoch)
{
    auto s = store();
    const StoredRun* r = storedRun(id);
    if (!s || !r)
        return;
    try {
        const std::vector<int> epochs = forkEpochs(*s, *r);
        if (const RuleVerdict possible = canFork(*r, epoch > 0 ? epoch : (epochs.empty() ? 0 : epochs.back()), epochs);
            !possible && (epochs.empty() || r->isTranslation() || r->state == StoredState::Running)) {
            showMessage(coreText(possible.reason), true);
            return;
        }
        ForkDialog dialog(*r, epochs, epoch, this);
        dialog.setObjectName("forkDialog");
        if (dialog.exec() == QDialog::Accepted)
            forkRun(id, dialog.request());
    } catch (const std::exception& e) {
        showMessage(tr("Could not fork run %1: %2").arg(id).arg(coreText(e)), true);
    }
}

void RunsPanel::setPresentationLayout(bool on) { details_->setPresentationLayout(on); }

void RunsPanel::askBranch(qint64 id, int epoch)
{
    refresh();
    selectRuns({id});
    if (epoch <= 0)
        continueAsked();
    else
        forkAsked(id, epoch);
}

void RunsPanel::chartMenu(const QString& key, const QPointF& point, const QPoint& globalPos)
{
    // "run12", "run12-heldout", "run12-change0": run 12's curves.
    static const QRegularExpression runKey(QStringLiteral("^run(\\d+)(-|$)"));
    const auto match = runKey.match(key);
    const StoredRun* r = match.hasMatch() ? storedRun(match.captured(1).toLongLong()) : nullptr;
    if (!r || r->isTranslation())
        return;
    const qint64 id = r->id;
    const int epoch = static_cast<int>(point.x());
    QMenu menu(this);
    QAction* fork = menu.addAction(tr("Fork run %1 from here (epoch %2)…").arg(id).arg(epoch));
    fork->setEnabled(!training() && r->state != StoredState::Running);
    QAction* more = menu.addAction(tr("Continue run %1…").arg(id));
    more->setEnabled(!training() && canContinue(*r));
    QAction* chosen = menu.exec(globalPos);
    if (chosen == fork) {
        forkAsked(id, epoch);
    } else if (chosen == more) {
        selectRuns({id});
        continueAsked();
    }
}

} // namespace traveller::ui
