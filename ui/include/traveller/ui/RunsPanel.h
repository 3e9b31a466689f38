// The Runs tab: every run the library holds (this session's, earlier
// sessions', the CLI's), read from its SQLite file, with the actions a lab
// needs on the selection: open (curves, samples, write more text with the
// stored weights), rename, tag, delete, train again, resume an interrupted
// or stopped run from its checkpoint, compare, diff, and export; runs that
// differ only in their seed (or agree on chosen settings) grouped into one
// row and one mean curve with a band.
#pragma once

#include "traveller/core/store/Fork.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/RunTypes.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>

class QCheckBox;
class QPoint;
class QPointF;
class QHBoxLayout;
class QLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;
class QToolButton;

namespace traveller::ui {

class MessageLabel;
class CompareDialog;
class DiffDialog;
class ParallelDialog;
struct Grouping;
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
    // Continue… and Fork… (RunsBranching.cpp): an ended run trains
    // `moreEpochs` further as itself; a fork of run `id` is made and trained
    // (its id, or -1 after saying why).
    bool continueRun(qint64 id, int moreEpochs);
    qint64 forkRun(qint64 id, const ForkRequest& request);
    // Continue… (epoch 0) or Fork… from `epoch` of run `id`, asked here: the
    // Language model tab hands its ended runs over (MainWindow).
    void askBranch(qint64 id, int epoch);
    void stopTraining();
    CompareDialog* compare(const QList<qint64>& ids);
    // The Diff view of two or more runs (no cap): the settings that differ,
    // the metrics' deltas, text written now by each with one prefix, seed
    // and temperature.
    DiffDialog* diff(const QList<qint64>& ids);
    // Parallel coordinates and setting importance (RunsPanelParallel.cpp) of
    // `ids` (empty: every listed run); its brush filters the table and draws
    // the runs inside.
    ParallelDialog* parallel(const QList<qint64>& ids);

    // Groups (RunsPanelGroups.cpp): runs that differ only in their seed, or
    // (Group by…) that agree on `keys`, one row and one mean curve with a
    // band each. On by default while the library has runs that differ only
    // in their seed, until the user chooses.
    void setGrouped(bool on);
    bool grouped() const;
    void setGroupBy(const QStringList& keys);
    QStringList groupBy() const { return groupBy_; }
    // The settings Group by… offers: those whose values differ between runs.
    QStringList groupableKeys() const;
    // The chart as drawn (smoothed or not, which it says) to `path`: .png,
    // .svg or .csv (epoch, perplexity, and the smoothed value while smoothing).
    bool exportChart(const QString& path);
    // Writes the runs `ids` (in that order) to `path` as core's RunExport
    // does for `traveller-cli runs export`; the files written (a report and
    // its chart), or none after saying why.
    QStringList exportRuns(const QList<qint64>& ids, const QString& path, RunsExportFormat format);
    // Continues `prefix` with the opened run's weights; answered by generated().
    bool regenerate(const QString& prefix, int length, double temperature);

    // Runs another part of this window trains or will train (a sweep's
    // queue): they cannot be resumed, re-run or deleted from here meanwhile.
    void setRunsInUse(const QList<qint64>& ids);
    // Presentation mode: what a class watches stays; the run's note line
    // (typed at a desk, not shown to a room) goes, so that the larger text
    // and the wrapped buttons keep the window within 768 pixels.
    void setPresentationLayout(bool on);

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
    // Compare… and Diff…: `make` builds the dialog over two runs or more.
    template <class Dialog, class Make>
    Dialog* openBeside(const QList<qint64>& ids, Make make);
    void showMessage(const QString& text, bool error = false);
    void showDetails();
    // Clears the filter when it hides run `id`, which is about to be opened.
    void reveal(qint64 id);
    QLayout* buildBar();
    // The buttons' actions on the selection, asking first where a button
    // says "…" (RunsPanelAsk.cpp). Export…: the selected runs, or every
    // listed one, to a file the user picks.
    void openAsked();
    void renameAsked();
    void tagAsked();
    void untagAsked();
    void deleteAsked();
    void exportAsked();
    void continueAsked();
    static QString filterHelp();  // the filter box's tooltip (RunsFilter.cpp)
    // Fork… of run `id`, the dialog starting at `epoch` (0: its last kept).
    void forkAsked(qint64 id, int epoch = 0);
    // A right-click on a run's curve: Fork from here…, Continue….
    void chartMenu(const QString& key, const QPointF& point, const QPoint& globalPos);
    const StoredRun* storedRun(qint64 id) const;
    void updateControls();
    bool train(qint64 id, const QString& what, int moreEpochs = 0);
    // Whether this tab may train run `id` now (nothing else training here,
    // not a sweep's); says why not.
    bool mayTrain(qint64 id);
    // Applies `edit` to each run, then says `done` (or `failed` with the
    // reason) and re-reads the library.
    bool editRuns(const QList<qint64>& ids, const std::function<void(RunStore&, qint64)>& edit, const QString& done,
                  const QString& failed);
    void onEpoch(qint64 id, const EpochStats& stats);
    void onTrainingFinished(qint64 id, const RunOutcome& outcome);
    QHBoxLayout* buildGrouping();
    // Fills the table from runs_, grouped or not.
    void fillTable();
    void updateGroupByMenu();

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
    QPushButton* continueButton_;
    QPushButton* forkButton_;
    QPushButton* compareButton_;
    QPushButton* diffButton_;
    QPushButton* parallelButton_;
    QCheckBox* groupToggle_;
    QToolButton* groupByButton_;
    QStringList groupBy_;
    bool groupingChosen_ = false;  // the user set the toggle: no default any more
    std::unique_ptr<Grouping> grouping_;
    QPushButton* exportButton_;
    MessageLabel* message_;
    RunsLibraryView* view_;
    RunDetails* details_;
    QTimer* liveTimer_;  // coalesces a training run's epochs into one redraw
};

} // namespace traveller::ui
