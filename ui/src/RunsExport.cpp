#include "RunsExport.h"

#include "traveller/core/store/RunExport.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

namespace traveller::ui {

namespace {

constexpr const char* kFolderSetting = "runs/exportFolder";

QString suffixOf(RunsExportFormat format)
{
    switch (format) {
    case RunsExportFormat::Markdown: return QStringLiteral("md");
    case RunsExportFormat::Csv: return QStringLiteral("csv");
    case RunsExportFormat::JsonLines: return QStringLiteral("jsonl");
    }
    return {};
}

// The title the CLI gives a report: its sweep's when every run is of one.
std::string titleOf(const std::vector<StoredRun>& runs)
{
    const std::string sweep = runs.empty() ? std::string() : runs.front().sweep;
    for (const StoredRun& r : runs)
        if (r.sweep != sweep)
            return "Traveller runs";
    return sweep.empty() ? "Traveller runs" : "Sweep " + sweep;
}

} // namespace

RunsExportFormat RunsExport::formatOf(const QString& path, RunsExportFormat fallback)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("md") || suffix == QLatin1String("markdown"))
        return RunsExportFormat::Markdown;
    if (suffix == QLatin1String("csv"))
        return RunsExportFormat::Csv;
    if (suffix == QLatin1String("json") || suffix == QLatin1String("jsonl"))
        return RunsExportFormat::JsonLines;
    return fallback;
}

QString RunsExport::askPath(QWidget* parent, int count, RunsExportFormat* format)
{
    const QList<QPair<RunsExportFormat, QString>> filters = {
        {RunsExportFormat::Markdown, tr("Markdown report with its chart (*.md)")},
        {RunsExportFormat::Csv, tr("CSV table (*.csv)")},
        {RunsExportFormat::JsonLines, tr("JSON Lines (*.jsonl *.json)")},
    };
    QStringList names;
    for (const auto& f : filters)
        names << f.second;
    QSettings settings;
    const QString folder = settings.value(kFolderSetting, QDir::homePath()).toString();
    QString chosen = names.first();
    QString path = QFileDialog::getSaveFileName(parent, tr("Export %n run(s)", nullptr, count),
                                                QDir(folder).filePath(QStringLiteral("traveller-runs.md")),
                                                names.join(QStringLiteral(";;")), &chosen);
    if (path.isEmpty())
        return {};
    RunsExportFormat picked = filters.first().first;
    for (const auto& f : filters)
        if (f.second == chosen)
            picked = f.first;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + suffixOf(picked);
    *format = formatOf(path, picked);
    settings.setValue(kFolderSetting, QFileInfo(path).absolutePath());
    return path;
}

QStringList RunsExport::write(RunStore& store, const std::vector<StoredRun>& runs, const QString& path,
                              RunsExportFormat format)
{
    const std::string file = QFile::encodeName(path).toStdString();
    if (format == RunsExportFormat::Markdown) {
        // A report on disk gets its chart, written beside it (as the CLI's).
        const std::string chart = writeMarkdownReport(store, runs, file, titleOf(runs));
        return {path, QFile::decodeName(QByteArray::fromStdString(chart))};
    }
    checkExportTarget(store, file);
    writeFileAtomically(file, format == RunsExportFormat::Csv ? runsToCsv(runs) : runsToJsonLines(runs));
    return {path};
}

} // namespace traveller::ui
