// The workbench window: experiment form, run queue, live charts, samples;
// then the Translate, Sweeps and Runs (the library) tabs.
// Owns one TrainingWorker per run, each on its own QThread; runs train one
// after another and their threads stay (idle) until the window closes so a
// finished run can still write text with its last weights.
#pragma once

#include "traveller/core/ExperimentConfig.h"
#include "traveller/ui/RunTypes.h"

#include <QColor>
#include <QElapsedTimer>
#include <QFont>
#include <QList>
#include <QMainWindow>
#include <QPointF>
#include <QPointer>
#include <QString>

#include <map>
#include <atomic>
#include <memory>

class QAction;
class QCheckBox;
class QCloseEvent;
class QSplitter;
class QFrame;
class QLabel;
class QPushButton;
class QTableWidget;
class QTabWidget;
class QThread;
class QTimer;

namespace traveller::ui {

class ExperimentPanel;
class LineChart;
class RunLibrary;
class RunsPanel;
class SamplesView;
class SweepsPanel;
class TrainingWorker;
class TranslatePanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class RunState { Queued, Loading, Training, Paused, Finished, Stopped, Diverged, Failed, Cancelled };

    explicit MainWindow(const QString& dataDirOption = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    // $TRAVELLER_PRESET_DIR, then beside the executable (installed, then a
    // build/bin in a checkout), then the source tree this was built from.
    static QStringList presetFiles();

    ExperimentPanel* panel() const { return panel_; }
    LineChart* perplexityChart() const { return perplexityChart_; }
    LineChart* gradNormChart() const { return gradChart_; }
    SamplesView* samplesView() const { return samples_; }
    TranslatePanel* translatePanel() const { return translatePanel_; }
    SweepsPanel* sweepsPanel() const { return sweepsPanel_; }
    RunsPanel* runsPanel() const { return runsPanel_; }
    QTabWidget* tabs() const { return tabs_; }
    QString dataDir() const { return dataDir_; }

    int runCount() const { return static_cast<int>(runs_.size()); }
    QList<int> runIds() const;
    RunState runState(int runId) const;
    QString runStatusText(int runId) const;
    QString runName(int runId) const;
    RunStarted runInfo(int runId) const;
    QString seriesKey(int runId) const { return QStringLiteral("run%1").arg(runId); }
    bool busy() const;  // a run is loading, training, paused or queued
    QString message() const;

    // Remembers geometry, tab, zoom and the form across restarts (QSettings);
    // the app calls it, tests that want it too.
    void restoreSettings();
    void saveSettings() const;
    double zoom() const { return zoom_; }
    bool presentationMode() const { return presentation_; }
    // Quit asks first while a run trains (tests turn it off).
    void setConfirmQuit(bool on) { confirmQuit_ = on; }
    QString aboutText() const;

public Q_SLOTS:
    // All report problems in the window and return false / -1 instead of throwing.
    bool loadExperiment(const QString& path);
    bool saveExperiment(const QString& path);
    int train();  // the Train button: queue the form's experiment
    int enqueue(const ExperimentConfig& config);
    void pauseRun();
    void resumeRun();
    void stopRun();
    void regenerateAll(const QString& prefix, int length, double temperature);
    void useLocalCorpus(const QString& path);
    void downloadCorpus();
    // By suffix: .png, .svg, .csv.
    bool exportPerplexity(const QString& path);
    // Text and lines at `factor` times the desktop's size (Ctrl+= / Ctrl+-).
    void setZoom(double factor);
    // Big text, log axis, the form folded away: for a projector.
    void setPresentationMode(bool on);

Q_SIGNALS:
    void runStarted(int runId);
    void runFinished(int runId, const traveller::ui::RunOutcome& outcome);
    void runFailed(int runId, const traveller::ui::RunFailure& failure);
    void queueDrained();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    struct Run {
        int id = 0;
        ExperimentConfig config;
        QString name;
        RunState state = RunState::Queued;
        QString statusText;
        QColor color;
        QThread* thread = nullptr;            // owned by the window
        QPointer<TrainingWorker> worker;      // lives on `thread`
        RunStarted info;
        EpochStats last;
        RunOutcome outcome;
        QString unrecorded;                   // why the library does not get it, when it does not
        QList<QPointF> perplexity;            // (epoch, perplexity)
        QList<QPointF> gradNorm;              // (fractional epoch, norm) per batch
        QList<QPointF> clipped;               // the clipped subset of gradNorm
        bool curveDirty = false;  // a new epoch: redraw the perplexity line
        bool batchDirty = false;  // new batches: redraw the gradient chart
    };

    void buildUi();
    void buildMenus();
    void fitToScreen(const QSize& wanted);
    Run* run(int runId) const;
    Run* current() const { return run(currentRunId_); }
    void startNext();
    void onStarted(int runId, const RunStarted& info);
    void onBatch(int runId, const BatchStats& stats);
    void onEpoch(int runId, const EpochStats& stats);
    void onFinished(int runId, const RunOutcome& outcome);
    void onFailed(int runId, const RunFailure& failure);
    void onGenerated(int runId, int requestId, const QString& prefix, const QString& text);
    void scheduleRefresh();
    void refresh();
    void refreshGradChart();
    void refreshStatusBar();
    void updateRunRow(const Run& r);
    void updateControls();
    void setState(Run& r, RunState state, const QString& text = {});
    void showMessage(const QString& text, bool error = false);
    void showCorpusBanner(const QString& text);
    int focusedRunId() const;

    QString dataDir_;
    std::unique_ptr<RunLibrary> library_;  // shared by the Sweeps and Runs tabs; outlives both
    std::map<int, std::unique_ptr<Run>> runs_;
    QList<int> queue_;
    int currentRunId_ = -1;
    int nextRunId_ = 1;
    int nextRequestId_ = 1;
    int corpusRetryRunId_ = -1;  // the run to retry once the corpus is there
    int gradRunId_ = -1;         // the run the gradient chart shows
    int previousRunId_ = -1;     // the run started before the current one
    QThread* downloadThread_ = nullptr;
    std::shared_ptr<std::atomic<bool>> downloadCancel_;  // set on close: the download ends within a second

    ExperimentPanel* panel_;
    LineChart* perplexityChart_;
    LineChart* gradChart_;
    SamplesView* samples_;
    TranslatePanel* translatePanel_;
    SweepsPanel* sweepsPanel_;
    RunsPanel* runsPanel_;
    QTabWidget* tabs_;
    QTableWidget* runsTable_;
    QPushButton* trainButton_;
    QPushButton* pauseButton_;
    QPushButton* resumeButton_;
    QPushButton* stopButton_;
    QCheckBox* logScale_;
    QSplitter* mainSplitter_;
    QSplitter* rightSplitter_;  // charts / run table / samples
    QWidget* leftScroll_;       // the experiment form
    int formMinimumWidth_ = 0;
    QList<int> rightSizes_;
    QAction* presentationAction_;
    QFont baseFont_;
    double zoom_ = 1.0;
    double zoomBeforePresentation_ = 1.0;
    bool presentation_ = false;
    QList<int> formSizes_;
    bool remember_ = false;
    bool confirmQuit_ = true;
    QLabel* message_;
    QFrame* corpusBanner_;
    QLabel* corpusBannerText_;
    QPushButton* downloadButton_;
    QLabel* statusRun_;
    QLabel* statusEpoch_;
    QLabel* statusPerplexity_;
    QLabel* statusSpeed_;
    QLabel* statusTime_;
    QLabel* statusDevice_;
    QTimer* refreshTimer_;
    QElapsedTimer gradRedrawClock_;  // the gradient chart redraws less often than the rest
};

} // namespace traveller::ui
