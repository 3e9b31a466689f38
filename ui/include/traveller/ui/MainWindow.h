// The workbench window: the Language model, Translate, Sweeps and Runs tabs,
// menus, zoom and presentation mode, the status bar, remembered settings.
// Each tab is its own panel; the language model's runs train through its
// RunQueue. The forwarding calls below are the tests' and the app's way in.
#pragma once

#include "traveller/core/ExperimentConfig.h"
#include "traveller/ui/LanguageModelPanel.h"
#include "traveller/ui/RunQueue.h"
#include "traveller/ui/RunTypes.h"

#include <QFont>
#include <QList>
#include <QMainWindow>
#include <QString>

#include <memory>

class QAction;
class QCloseEvent;
class QMenu;
class QTabWidget;

namespace traveller::ui {

class CorpusBanner;
class LessonController;
class CorpusLocations;
class ExperimentPanel;
class LensPanel;
class LabPanel;
class LineChart;
class RunLibrary;
class RunsPanel;
class SamplesView;
class SweepsPanel;
class TranslatePanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    using RunState = RunQueue::RunState;

    explicit MainWindow(const QString& dataDirOption = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    // The language model experiments among the presets ($TRAVELLER_PRESET_DIR,
    // beside the executable, the source tree).
    static QStringList presetFiles();

    LanguageModelPanel* languageModel() const { return languageModel_; }
    ExperimentPanel* panel() const { return languageModel_->form(); }
    LineChart* perplexityChart() const { return languageModel_->perplexityChart(); }
    LineChart* gradNormChart() const { return languageModel_->gradNormChart(); }
    SamplesView* samplesView() const { return languageModel_->samplesView(); }
    TranslatePanel* translatePanel() const { return translatePanel_; }
    SweepsPanel* sweepsPanel() const { return sweepsPanel_; }
    RunsPanel* runsPanel() const { return runsPanel_; }
    LensPanel* lensPanel() const { return lensPanel_; }
    LabPanel* labPanel() const { return labPanel_; }
    QTabWidget* tabs() const { return tabs_; }
    QString dataDir() const { return dataDir_; }
    // Where the corpora are, for every tab (each tab's banner changes it).
    CorpusLocations* corpora() const { return corpora_.get(); }
    // The Lab tab's banners (The Time Machine, fra-eng): shown while the data
    // folder lacks the book's file.
    QList<CorpusBanner*> labCorpusBanners() const { return labBanners_; }

    // The language model tab's runs.
    RunQueue* runQueue() const { return languageModel_->queue(); }
    int runCount() const { return runQueue()->count(); }
    QList<int> runIds() const { return runQueue()->ids(); }
    RunState runState(int runId) const;
    QString runStatusText(int runId) const;
    QString runName(int runId) const;
    RunStarted runInfo(int runId) const;
    static QString seriesKey(int runId) { return RunQueue::seriesKey(runId); }
    bool busy() const { return runQueue()->busy(); }
    QString message() const { return languageModel_->message(); }

    // Remembers geometry, tab, zoom and the form across restarts (QSettings);
    // the app calls it, tests that want it too.
    void restoreSettings();
    void saveSettings() const;
    double zoom() const { return zoom_; }
    bool presentationMode() const { return presentation_; }
    // Quit asks first while a run trains (tests turn it off).
    void setConfirmQuit(bool on) { confirmQuit_ = on; }
    QString aboutText() const;
    // A lesson (core's Lesson.h) walked in this window, its bar on top
    // (MainWindowLesson.cpp). False, the reason in lessonError() and the
    // window as it was, for a file that is not a lesson.
    bool openLesson(const QString& path);
    void closeLesson();
    LessonController* lesson() const { return lesson_; }
    QString lessonError() const { return lessonError_; }
    RunLibrary* library() const { return library_.get(); }

public Q_SLOTS:
    bool loadExperiment(const QString& path) { return languageModel_->loadExperiment(path); }
    bool saveExperiment(const QString& path) { return languageModel_->saveExperiment(path); }
    int train() { return languageModel_->train(); }
    int enqueue(const ExperimentConfig& config) { return languageModel_->enqueue(config); }
    void pauseRun() { runQueue()->pause(); }
    void resumeRun() { runQueue()->resume(); }
    void stopRun() { runQueue()->stop(); }
    void regenerateAll(const QString& prefix, int length, double temperature)
    {
        languageModel_->regenerateAll(prefix, length, temperature);
    }
    void useLocalCorpus(const QString& path) { languageModel_->useLocalCorpus(path); }
    bool exportPerplexity(const QString& path) { return languageModel_->exportPerplexity(path); }
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
    void buildTabs();
    void addLabCorpusBanners();
    void buildMenus();
    void fitToScreen(const QSize& wanted);
    void applyZoom(double factor);
    void refreshStatusBar();
    void addLessonActions(QMenu* file);

    QString dataDir_;
    std::unique_ptr<CorpusLocations> corpora_;  // shared by the tabs; outlives them
    std::unique_ptr<RunLibrary> library_;  // shared by the tabs; outlives them
    LanguageModelPanel* languageModel_;
    TranslatePanel* translatePanel_;
    SweepsPanel* sweepsPanel_;
    RunsPanel* runsPanel_;
    LensPanel* lensPanel_;
    LabPanel* labPanel_;
    QList<CorpusBanner*> labBanners_;
    QTabWidget* tabs_;
    QAction* presentationAction_;
    QFont baseFont_;
    double zoom_ = 1.0;
    double zoomBeforePresentation_ = 1.0;
    bool presentation_ = false;
    bool remember_ = false;
    bool confirmQuit_ = true;
    LessonController* lesson_ = nullptr;
    QString lessonError_;
};

} // namespace traveller::ui
