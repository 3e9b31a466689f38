// The Lab tab: the d2l RNN lab as a guided path (core Lab.h). The steps in
// order on the left; for the chosen step what it asks, one button to run it
// (or the whole lab) through the sweep engine into the run library, its runs
// filled in as they train (status, perplexity, held-out perplexity, time,
// sample), their curves, the reference checks against the book (✓ within the
// stated tolerance, ✗ with the difference), and the student's notes, kept in
// the library. The lab goes on where the library is (core's planLabStep):
// finished runs are kept, stopped ones resume in their own rows; "Train this
// step again" trains the step anew. "Write report…" writes the lab report
// (LabReport.h) the CLI's `lab report` writes.
#pragma once

#include "traveller/core/DataStore.h"
#include "traveller/core/lab/Lab.h"

#include <QHash>
#include <QString>
#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QBoxLayout;
class QHBoxLayout;
class QScrollArea;
class QSpinBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTextBrowser;
class QTimer;

namespace traveller::ui {

class LabRunTable;
class LabWorker;
class LineChart;
class MessageLabel;
class RunLibrary;
class WorkerThread;

class LabPanel : public QWidget {
    Q_OBJECT
public:
    LabPanel(RunLibrary& library, QString dataDir, QWidget* parent = nullptr);
    ~LabPanel() override;

    // The step shown (its index in labSteps()).
    void selectStep(int index);
    int currentStep() const;
    bool quick() const;
    void setQuick(bool quick);
    // The Seeds box: each run trains on seeds 0..N-1 (core's LabOptions::seeds);
    // the table lists every seed's run.
    int seeds() const;
    void setSeeds(int seeds);
    bool running() const;
    // Re-reads the library for the step shown.
    void refresh();
    // Presentation mode: the notes folded away, six rows of runs kept above
    // the chart, which takes the rest.
    void setPresentationLayout(bool on);
    // Writes the report (FILE.md or FILE.html) in `lang`; false with the
    // message shown when it cannot.
    bool writeReport(const QString& path, const QString& lang);
    // Starts the step shown (or every step); `epochCap` > 0 caps each run's
    // epochs (tests, demos). The lab goes on where the library is (core's
    // planLabStep): finished runs are kept, stopped ones resume. False, with
    // a message, when it cannot start.
    bool runStep(int epochCap = 0);
    bool runWholeLab(int epochCap = 0);
    // "Train this step again": every run of the step shown trains anew (the
    // old runs stay in the library).
    bool trainStepAgain(int epochCap = 0);
    void stop();
    // Whether the corpora in `files` are there, asked before a start; the
    // window's banners answer, showing what is missing with its remedies, so
    // the tab does not say it a second time. Without one the core's own
    // check fails the lab with its message in the tab.
    using CorpusCheck = std::function<bool(const std::vector<DataFile>& files)>;
    void setCorpusCheck(CorpusCheck check) { corpusCheck_ = std::move(check); }

    // For tests and screenshots.
    QTableView* runsTable() const;
    // The run whose curves the chart highlights (the selected row's label; "" none).
    QString highlightedRun() const;
    // The chart's y-axis title for the step shown ("perplexity", or "loss" for seq2seq).
    QString valueTitle() const;
    QLabel* checksLabel() const { return checks_; }
    QPlainTextEdit* notesEdit() const { return notes_; }
    LineChart* chart() const { return chart_; }
    QString progressText() const;

Q_SIGNALS:
    void runRecorded();
    void labFinished();

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void buildUi();
    void followFont();
    QBoxLayout* buildButtons();
    void fitButtons();
    bool start(const std::vector<std::string>& only, int epochCap, LabStart from);
    bool corporaReady(const std::vector<std::string>& only);
    void connectWorker(LabWorker* worker);
    void showStep();
    void fillRuns(const LabStep& step);
    void fillComparison();
    void fillConclusions();
    void fillChecks(const LabStep& step);
    void saveNotes();
    void updateButtons();
    void chooseReport();
    LabMode mode() const;

    RunLibrary& library_;
    QString dataDir_;
    std::unique_ptr<WorkerThread> worker_;
    QHash<QString, QString> progress_;  // step id -> its latest progress line
    int shownStep_ = -1;
    bool presentation_ = false;  // presentation mode's layout (setPresentationLayout)
    CorpusCheck corpusCheck_;

    QListWidget* steps_ = nullptr;
    QLabel* title_ = nullptr;
    QBoxLayout* buttons_ = nullptr;
    QHBoxLayout* actionsRow_ = nullptr;
    QHBoxLayout* optionsRow_ = nullptr;
    QScrollArea* rightScroll_ = nullptr;
    QWidget* notesBox_ = nullptr;
    QLabel* what_ = nullptr;
    QPushButton* runStep_ = nullptr;
    QPushButton* runAll_ = nullptr;
    QPushButton* again_ = nullptr;
    QPushButton* stop_ = nullptr;
    QCheckBox* quick_ = nullptr;
    QSpinBox* seeds_ = nullptr;
    QComboBox* reportLang_ = nullptr;
    QPushButton* report_ = nullptr;
    QLabel* progressLabel_ = nullptr;
    QLabel* checks_ = nullptr;
    MessageLabel* message_ = nullptr;
    LabRunTable* runs_ = nullptr;
    LineChart* chart_ = nullptr;
    QTextBrowser* observations_ = nullptr;
    QPlainTextEdit* notes_ = nullptr;
    QTimer* notesTimer_ = nullptr;
};

} // namespace traveller::ui
