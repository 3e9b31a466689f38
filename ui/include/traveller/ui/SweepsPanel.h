// The Sweeps tab: pick a sweep (a preset or a YAML file), start it, and watch
// a results table fill in live -- one row per run with the swept values, the
// latest perplexity, speed, time, status and sample -- with the selected
// runs' perplexity curves overlaid. The sweep trains through the core's
// SweepRunner on one worker thread (SweepWorker) and every run is recorded
// in the run library, so the Runs tab sees it too.
#pragma once

#include "traveller/core/RunStore.h"
#include "traveller/core/Sweep.h"
#include "traveller/ui/RunTypes.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QThread;
class QTimer;

namespace traveller::ui {

class LineChart;
class RunLibrary;
class SweepWorker;

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
    bool exportCsv(const QString& path, Scope scope);
    bool exportReport(const QString& path, Scope scope);

    bool running() const { return thread_ != nullptr; }
    QString message() const;
    QString sweepName() const;
    QStringList sweptKeys() const { return sweptKeys_; }
    // Library ids of the rows, in sweep order (empty before Start).
    QList<qint64> runIds() const;
    QList<qint64> selectedRunIds() const;

    QTableView* resultsView() const { return view_; }
    LineChart* chart() const { return chart_; }
    // The column with this header text, or -1; the text of a cell as shown
    // (sorted and filtered) -- for tests and the screenshot mode.
    int column(const QString& header) const;
    QString cell(int viewRow, const QString& header) const;
    int visibleRows() const;
    QString seriesKey(int index) const { return QStringLiteral("run%1").arg(index); }

Q_SIGNALS:
    void sweepStarted(const QList<qint64>& ids);  // created in the library, "queued"
    void runRecorded(qint64 id);  // a run ended and its row in the library is final
    void sweepFinished();

private:
    struct Row {
        qint64 id = 0;
        QString label;
        QStringList values;  // one per swept key
        QString status;
        int epochs = 0;      // planned
        int epochsDone = 0;
        double perplexity;
        double tokensPerSecond;
        double seconds;
        QString sample;
        QString message;       // why it diverged or failed
        QList<QPointF> curve;  // (epoch, perplexity)
        bool dirty = false;
    };

    void buildUi();
    void setSweep(const Sweep& sweep, const QString& source);
    void showError(const QString& prefix, const std::exception& e);
    void showMessage(const QString& text, bool error = false);
    void fillRow(int index);
    void updateControls();
    void updateChart();
    QColor rowColor(int index) const;
    void scheduleRefresh();
    void refresh();
    void reloadFromStore(int index);
    QList<int> selectedIndexes() const;
    std::vector<StoredRun> storedRuns(Scope scope);

    void onRunStarted(int index, qint64 id);
    void onEpoch(int index, const EpochStats& stats);
    void onRunFinished(int index, qint64 id, const RunOutcome& outcome);
    void onSweepFinished(const QString& error);

    RunLibrary& library_;
    const QString dataDir_;
    std::optional<Sweep> sweep_;
    QString source_;
    QStringList sweptKeys_;
    std::vector<Row> rows_;
    QThread* thread_ = nullptr;             // owned; alive while a sweep runs
    QPointer<SweepWorker> worker_;          // lives on thread_
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
    QLabel* summary_;
    QLabel* message_;
    QLineEdit* filter_;
    QStandardItemModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* view_;
    LineChart* chart_;
    QPushButton* csvButton_;
    QPushButton* reportButton_;
    QTimer* refreshTimer_;
};

} // namespace traveller::ui
