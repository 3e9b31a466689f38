// The Runs tab's Export… (private to traveller_ui): where to write, asked
// with a save dialog that offers each format, and the writing, through the
// core's RunExport (the same files `traveller-cli runs export` writes; names
// and notes escaped by Escape.h's rules for each format).
#pragma once

#include "traveller/core/store/RunStore.h"
#include "traveller/ui/RunsPanel.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <vector>

class QWidget;

namespace traveller::ui {

class RunsExport {
    Q_DECLARE_TR_FUNCTIONS(traveller::ui::RunsExport)
public:
    // The format a file name asks for by its suffix (.md, .markdown, .csv,
    // .json, .jsonl), else `fallback`.
    static RunsExportFormat formatOf(const QString& path, RunsExportFormat fallback);
    // A save dialog for `count` runs; "" when cancelled. A name without a
    // suffix gets the chosen filter's; *format is the format to write.
    static QString askPath(QWidget* parent, int count, RunsExportFormat* format);
    // Writes `runs` to `path`; returns the files written (a Markdown report
    // and its chart beside it, or the one file). Throws traveller::Error for
    // a target the library refuses (its database, its checkpoints) or a
    // failed write.
    static QStringList write(RunStore& store, const std::vector<StoredRun>& runs, const QString& path,
                             RunsExportFormat format);
};

} // namespace traveller::ui
