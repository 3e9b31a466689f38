// The Runs tab's buttons that ask before they act (Rename…, Tag…, Untag…,
// Delete…, Export…) and Open, which hands the run to its own tab: the
// dialogs, then the panel's actions (RunsPanel.cpp), which tests call directly.
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/Language.h"

#include "RunsExport.h"
#include "RunsLibraryView.h"

#include <QDir>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>

namespace traveller::ui {

void RunsPanel::openAsked()
{
    if (selectedIds().isEmpty())
        return;
    const qint64 id = selectedIds().first();
    openRun(id);
    const StoredRun* r = storedRun(id);
    if (r && r->isTranslation())
        Q_EMIT openInTranslateRequested(id);
    else if (r)
        Q_EMIT openInLanguageModelRequested(id);
}

void RunsPanel::renameAsked()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename run %1").arg(ids.first()), tr("Name:"),
                                               QLineEdit::Normal, view_->name(ids.first()), &ok);
    if (ok && !name.trimmed().isEmpty())
        renameRun(ids.first(), name.trimmed());
}

void RunsPanel::tagAsked()
{
    bool ok = false;
    const QString tag = QInputDialog::getText(this, tr("Tag runs"), tr("Tag:"), QLineEdit::Normal, QString(), &ok);
    if (ok && !tag.trimmed().isEmpty())
        tagRuns(selectedIds(), tag.trimmed());
}

void RunsPanel::untagAsked()
{
    QStringList tags;
    const QList<qint64> ids = selectedIds();
    for (const StoredRun& r : runs_)
        if (ids.contains(r.id))
            for (const auto& t : r.tags)
                if (!tags.contains(QString::fromStdString(t)))
                    tags << QString::fromStdString(t);
    if (tags.isEmpty()) {
        showMessage(tr("The selected runs have no tags"));
        return;
    }
    bool ok = false;
    const QString tag = QInputDialog::getItem(this, tr("Untag runs"), tr("Tag:"), tags, 0, false, &ok);
    if (ok)
        untagRuns(ids, tag);
}

void RunsPanel::deleteAsked()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    // A parent's forks stay: say so, with their ids.
    QStringList forks;
    if (auto s = store())
        for (qint64 id : ids)
            for (const auto f : s->children(id))
                if (!ids.contains(f))
                    forks << QStringLiteral("#%1").arg(f);
    QString question = tr("Delete %n run(s) with their metrics, samples and weights? This cannot be undone.", nullptr,
                          static_cast<int>(ids.size()));
    if (!forks.isEmpty())
        question += QStringLiteral("\n\n") +
                    tr("%1 forked from them: they stay, with their own epochs, and will say where they started.")
                        .arg(forks.join(QStringLiteral(", ")));
    const auto answer = QMessageBox::question(this, tr("Delete runs"), question, QMessageBox::Yes | QMessageBox::Cancel,
                                              QMessageBox::Cancel);
    if (answer == QMessageBox::Yes)
        deleteRuns(ids);
}

void RunsPanel::exportAsked()
{
    const QList<qint64> ids = selectedIds().isEmpty() ? listedIds() : selectedIds();
    if (ids.isEmpty())
        return;
    RunsExportFormat format = RunsExportFormat::Markdown;
    const QString path = RunsExport::askPath(this, static_cast<int>(ids.size()), &format);
    if (!path.isEmpty())
        exportRuns(ids, path, format);
}

QStringList RunsPanel::exportRuns(const QList<qint64>& ids, const QString& path, RunsExportFormat format)
{
    auto s = store();
    if (!s || ids.isEmpty())
        return {};
    try {
        std::vector<StoredRun> runs;
        for (qint64 id : ids)
            runs.push_back(s->run(id));
        const QStringList written = RunsExport::write(*s, runs, path, format);
        showMessage(tr("Exported %n run(s) to %1", nullptr, static_cast<int>(ids.size()))
                        .arg(QDir::toNativeSeparators(written.join(QStringLiteral(", ")))));
        return written;
    } catch (const std::exception& e) {
        showMessage(tr("Could not export: %1").arg(coreText(e)), true);
        return {};
    }
}

} // namespace traveller::ui
