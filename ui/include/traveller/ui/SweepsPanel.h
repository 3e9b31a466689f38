// The Sweeps tab: pick a sweep (a preset or a YAML file), start it, and watch
// a results table fill in live -- one row per run with the swept values, the
// latest perplexity, speed, time, status and sample -- with the selected
// runs' perplexity curves overlaid. The sweep trains through the core's
// SweepRunner on one worker thread (SweepWorker) and every run is recorded
// in the run library, so the Runs tab sees it too.
#pragma once

#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/ui/RunTypes.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace traveller::ui {

class MessageLabel;
class LineChart;
class RunLibrary;
class SweepResults;
class SweepsClusterView;
class WorkerThread;

class SweepsPanel : public QWidget {
    Q_OBJECT
public:
    enum class Scope { WholeSweep, Selection };

    SweepsPanel(RunLibrary& library, QString dataDir, QWidget* parent = nullptr);
    // Stops a running sweep and waits for its threads (each run notices the
    // stop within one batch).
    ~SweepsPanel() override;

    // <preset dir>/sweeps/*.yaml of the first preset folder that has any.
    static QStringList presetFiles();

    // All report problems in the panel (a YAML error with its line and
    // column) and return false instead of throwing.
    bool loadSweepFile(const QString& path);
    bool loadSweepText(const QString& yaml, const QString& sourceName = {}, const QString& baseDir = {});
    // Sets `key` on the loaded sweep's base and on every run that does not
    // sweep it (fewer epochs for a try-out, another corpus).
    bool setBaseValue(const QString& key, const QString& valueText);
    // The sweep as text (Edit…): Apply reads it as the sweep to start; Save
    // as writes it (a relative base path rewritten for its new folder).
    QPlainTextEdit* editor() const { return editor_; }
    bool applyEditedText();
    bool saveEditedText(const QString& path);
    bool start();
    void stop();

    // Slurm (docs/CLUSTER.md), done by the tab's SweepsClusterView: whether
    // sbatch is on the PATH; submitting the loaded sweep as job arrays (the
    // library and data folder are the window's; `options` carries the rest);
    // following a submitted sweep's run folder (squeue and the folders, every
    // few seconds, off the window's thread) until its runs are imported;
    // importing the ended runs now.
    static bool slurmAvailable();
    bool submitToSlurm(const SlurmOptions& options);
    bool followCluster(const QString& folder);
    bool importClusterRuns();
    QString clusterFolder() const;
    // Asks squeue now and blocks until the answer is shown (tests).
    void pollClusterNow();
    bool exportCsv(const QString& path, Scope scope);
    bool exportReport(const QString& path, Scope scope);

    bool running() const;
    QString message() const;
    QString sweepName() const;
    QStringList sweptKeys() const;
    // Library ids of the rows, in sweep order (empty before Start).
    QList<qint64> runIds() const;
    QList<qint64> selectedRunIds() const;

    QTableView* resultsView() const;
    LineChart* chart() const;
    // The column with this header text, or -1; the text of a cell as shown
    // (sorted and filtered) -- for tests and the screenshot mode.
    int column(const QString& header) const;
    QString cell(int viewRow, const QString& header) const;
    int visibleRows() const;
    // The chart series of row `index` (sweep order).
    static QString seriesKey(int index);

Q_SIGNALS:
    void sweepStarted(const QList<qint64>& ids);  // created in the library, "queued"
    void runRecorded(qint64 id);  // a run ended and its row in the library is final
    void sweepFinished();

private:
    void buildUi();
    void buildEditor();
    void buildChooser();
    void setSweep(const Sweep& sweep, const QString& source);
    void showError(const QString& prefix, const std::exception& e);
    void showMessage(const QString& text, bool error = false);
    void updateControls();
    std::vector<StoredRun> storedRuns(Scope scope);
    void onSweepFinished(const QString& error);

    RunLibrary& library_;
    const QString dataDir_;
    std::optional<Sweep> sweep_;
    QString source_;
    std::unique_ptr<WorkerThread> runner_;  // the sweep's worker, while one runs
    qint64 startedMs_ = 0;

    QComboBox* presets_;
    QPushButton* openButton_;
    QPushButton* editButton_;
    QPushButton* applyButton_;
    QPushButton* saveButton_;
    QPlainTextEdit* editor_;
    QWidget* editorBox_;
    QString textDir_;  // where a relative base path in the editor's text is read from
    QComboBox* parallel_;
    QComboBox* device_;
    QPushButton* startButton_;
    QPushButton* stopButton_;
    SweepsClusterView* cluster_;  // the Slurm buttons, submitting, following, importing
    QLabel* summary_;
    MessageLabel* message_;
    SweepResults* results_;
};

} // namespace traveller::ui
