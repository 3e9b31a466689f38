// The language model tab: the experiment form, the run controls, live
// perplexity and gradient-norm charts, the table of runs and the samples.
// Its runs train through a RunQueue (one after another, each on its own
// thread); this panel only draws what the queue reports.
#pragma once

#include "traveller/core/ExperimentConfig.h"
#include "traveller/ui/RunQueue.h"

#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QWidget>

#include <memory>
#include <set>

class QPoint;
class QPointF;
class QCheckBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSplitter;
class QTimer;

namespace traveller::ui {

class MessageLabel;
class CorpusBanner;
class CorpusLocations;
class ExperimentPanel;
class LineChart;
class LmCharts;
class SteerBar;
class LmRunTable;
class LmStatus;
class RunLibrary;
class SamplesView;

class LanguageModelPanel : public QWidget {
    Q_OBJECT
public:
    // The corpus comes from `corpora` (the window's, shared by every tab):
    // its banner fixes it there, and a fix made in another tab reaches this one.
    LanguageModelPanel(CorpusLocations& corpora, RunLibrary* library, QWidget* parent = nullptr);
    ~LanguageModelPanel() override;

    RunQueue* queue() const { return queue_; }
    ExperimentPanel* form() const { return form_; }
    LineChart* perplexityChart() const { return perplexityChart_; }
    LineChart* gradNormChart() const { return gradChart_; }
    SamplesView* samplesView() const { return samples_; }
    CorpusBanner* corpusBanner() const { return banner_; }
    QString message() const;
    // The figures of the run in progress (else the last one that trained),
    // for the window's status bar.
    QList<QLabel*> statusLabels() const;

    // Big text is the window's; this folds the form away and gives the
    // charts most of the tab, on a log axis (and back).
    void setPresentationLayout(bool on);

public Q_SLOTS:
    // All report problems in the tab and return false / -1 instead of throwing.
    bool loadExperiment(const QString& path);
    bool saveExperiment(const QString& path);
    int train();  // the Train button: queue the form's experiment
    int enqueue(const ExperimentConfig& config);
    void regenerateAll(const QString& prefix, int length, double temperature);
    // "Use a local file…" for The Time Machine (CorpusLocations::useLocalFile).
    void useLocalCorpus(const QString& path);
    // By suffix: .png, .svg, .csv.
    bool exportPerplexity(const QString& path);
    void showMessage(const QString& text, bool error = false);

Q_SIGNALS:
    void experimentLoaded(const QString& path);
    // Continue… (epoch 0) or Fork from here… of the library's run `libraryId`
    // (LmBranching.cpp): the Runs tab asks and trains it.
    void branchRequested(qint64 libraryId, int epoch);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QHBoxLayout* buildControls();
    void connectQueue();
    void onCorpusChanged();
    void onAdded(int runId);
    void follow(int runId);
    void onStarted(int runId);
    void onEpoch(int runId, const EpochStats& stats);
    void onFinished(int runId, const RunOutcome& outcome);
    void onFailed(int runId, const RunFailure& failure);
    void scheduleRefresh();
    void refresh();
    void refreshGradChart();
    void refreshStatus();
    void updateControls();
    void markChange(int runId, const traveller::SettingEvent& event);
    // LmBranching.cpp: the ended run Continue… goes on with (its library id;
    // 0: none), and the chart's right-click menu.
    qint64 continuableRun() const;
    void chartMenu(const QString& key, const QPointF& point, const QPoint& globalPos);

    CorpusLocations& corpora_;
    RunQueue* queue_;
    CorpusBanner* banner_;
    ExperimentPanel* form_;
    LineChart* perplexityChart_;
    LineChart* gradChart_;
    LmRunTable* table_;
    SamplesView* samples_;
    QPushButton* trainButton_;
    QPushButton* pauseButton_;
    QPushButton* resumeButton_;
    QPushButton* stopButton_;
    QPushButton* continueButton_;
    SteerBar* steer_;
    LmCharts* charts_;
    MessageLabel* message_;
    QSplitter* mainSplitter_;
    QSplitter* rightSplitter_;  // charts / run table / samples
    QWidget* formScroll_;
    int formMinimumWidth_ = 0;
    QList<int> formSizes_;
    QList<int> rightSizes_;
    std::unique_ptr<LmStatus> status_;
    QTimer* refreshTimer_;
    QElapsedTimer gradRedrawClock_;  // the gradient chart redraws less often than the rest
    std::set<int> curveDirty_;       // runs with a new epoch: redraw their line and row
    bool gradDirty_ = false;         // the followed run has new batches
    int corpusRetryRunId_ = -1;      // the run to retry once the corpus is there
    QString formCorpus_;             // the data.corpus the corpus locations last put in the form
    int gradRunId_ = -1;             // the run the gradient chart shows
    int previousRunId_ = -1;         // the run started before the current one
};

} // namespace traveller::ui
