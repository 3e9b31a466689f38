// The Runs tab: every run the library holds (this session's, earlier
// sessions', the CLI's), read from its SQLite file, with the actions a lab
// needs on the selection: open (curves, samples, write more text with the
// stored weights), rename, tag, delete, train again, resume an interrupted
// or stopped run from its checkpoint, compare, and export.
#pragma once

#include "traveller/core/store/RunStore.h"
#include "traveller/ui/RunTypes.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>

class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace traveller::ui {

class MessageLabel;
class CompareDialog;
class LineChart;
class RunDetails;
class RunLibrary;
class RunsLibraryView;
class WorkerThread;

// What Export… writes: core's Markdown report (an SVG chart beside it), its
// CSV table, or JSON Lines (as `traveller-cli runs list --json` prints).
enum class RunsExportFormat { Markdown, Csv, JsonLines };

class RunsPanel : public QWidget {
    Q_OBJECT
public:
    RunsPanel(RunLibrary& library, QString dataDir, QWidget* parent = nullptr);
    // Stops a run it trains and waits for its threads.
    ~RunsPanel() override;

    // Actions. All report problems in the panel instead of throwing.
    void openRun(qint64 id);
    bool renameRun(qint64 id, const QString& name);
    bool tagRuns(const QList<qint64>& ids, const QString& tag);
    bool untagRuns(const QList<qint64>& ids, const QString& tag);
    bool deleteRuns(const QList<qint64>& ids);  // no confirmation: the button asks first
    qint64 rerun(qint64 id);                    // the new run's id, or -1
    bool resume(qint64 id);
    void stopTraining();
    CompareDialog* compare(const QList<qint64>& ids);
    // Writes the runs `ids` (in that order) to `path` as core's RunExport
    // does for `traveller-cli runs export`; the files written (a report and
    // its chart), or none after saying why.
    QStringList exportRuns(const QList<qint64>& ids, const QString& path, RunsExportFormat format);
    // Continues `prefix` with the opened run's weights; answered by generated().
    bool regenerate(const QString& prefix, int length, double temperature);

    // Runs another part of this window trains or will train (a sweep's
    // queue): they cannot be resumed, re-run or deleted from here meanwhile.
    void setRunsInUse(const QList<qint64>& ids);

    void selectRuns(const QList<qint64>& ids);
    QList<qint64> selectedIds() const;
    QList<qint64> listedIds() const;  // in the table's (sorted, filtered) order
    qint64 openedRun() const { return opened_; }
    bool training() const;
    QString message() const;

    QTableView* view() const;
    LineChart* chart() const;
    int column(const QString& header) const;
    QString cell(qint64 id, const QString& header) const;

public Q_SLOTS:
    // Re-reads the library, keeping the selection.
    void refresh();

Q_SIGNALS:
    void trainingFinished(qint64 id, const traveller::ui::RunOutcome& outcome);
    void generated(qint64 id, const QString& text, const QString& error);
    // Open: the run in its own tab (the window switches to it).
    void openInTranslateRequested(qint64 id);
    void openInLanguageModelRequested(qint64 id);

private:
    void buildUi();
    std::shared_ptr<RunStore> store();
    void showMessage(const QString& text, bool error = false);
    void showDetails();
    // Clears the filter when it hides run `id`, which is about to be opened.
    void reveal(qint64 id);
    QHBoxLayout* buildBar();
    // The buttons' actions on the selection, asking first where a button
    // says "…" (RunsPanelAsk.cpp). Export…: the selected runs, or every
    // listed one, to a file the user picks.
    void openAsked();
    void renameAsked();
    void tagAsked();
    void untagAsked();
    void deleteAsked();
    void exportAsked();
    const StoredRun* storedRun(qint64 id) const;
    void updateControls();
    bool train(qint64 id, const QString& what);
    // Applies `edit` to each run, then says `done` (or `failed` with the
    // reason) and re-reads the library.
    bool editRuns(const QList<qint64>& ids, const std::function<void(RunStore&, qint64)>& edit, const QString& done,
                  const QString& failed);
    void onEpoch(qint64 id, const EpochStats& stats);
    void onTrainingFinished(qint64 id, const RunOutcome& outcome);

    RunLibrary& library_;
    const QString dataDir_;
    std::vector<StoredRun> runs_;  // as last read, in id order
    QList<qint64> inUse_;
    qint64 opened_ = 0;
    std::unique_ptr<WorkerThread> trainer_;  // a stored run this tab trains
    qint64 trainingId_ = 0;

    QLabel* libraryLabel_;
    QLineEdit* filter_;
    QPushButton* refreshButton_;
    QPushButton* openButton_;
    QPushButton* renameButton_;
    QPushButton* tagButton_;
    QPushButton* untagButton_;
    QPushButton* deleteButton_;
    QPushButton* rerunButton_;
    QPushButton* resumeButton_;
    QPushButton* stopButton_;
    QPushButton* compareButton_;
    QPushButton* exportButton_;
    MessageLabel* message_;
    RunsLibraryView* view_;
    RunDetails* details_;
    QTimer* liveTimer_;  // coalesces a training run's epochs into one redraw
};

} // namespace traveller::ui
