// The Runs tab's Compare… and Diff…: a dialog over two runs or more of the
// selection, each opened beside the window and deleted when closed.
#include "traveller/ui/RunsPanel.h"

#include "traveller/ui/CompareDialog.h"
#include "traveller/ui/DiffDialog.h"

namespace traveller::ui {

template <class Dialog, class Make>
Dialog* RunsPanel::openBeside(const QList<qint64>& ids, Make make)
{
    auto s = store();
    if (!s)
        return nullptr;
    if (ids.size() < 2) {
        showMessage(tr("Select two or more runs to compare"), true);
        return nullptr;
    }
    Dialog* dialog = make(s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

CompareDialog* RunsPanel::compare(const QList<qint64>& ids)
{
    return openBeside<CompareDialog>(ids, [&](const auto& s) { return new CompareDialog(s, ids, this); });
}

DiffDialog* RunsPanel::diff(const QList<qint64>& ids)
{
    return openBeside<DiffDialog>(ids, [&](const auto& s) { return new DiffDialog(s, ids, dataDir_, this); });
}

} // namespace traveller::ui
