// The "Translate" tab: English -> French seq2seq (d2l ch. 10). Settings start
// from the book's preset; Train runs a TranslationWorker on its own QThread,
// which is kept (idle) after training so typed sentences are translated with
// the last weights on the thread that owns the session. The corpus is the
// window's (CorpusLocations): its banner downloads it or takes a local file.
// The scores of the model shown are TranslateResults'.
#pragma once

#include "traveller/core/s2s/Translation.h"
#include "traveller/ui/TranslationWorker.h"

#include <QList>
#include <QPointF>
#include <QPointer>
#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace traveller::ui {

class AttentionHeatmap;
class CorpusBanner;
class CorpusLocations;
class DecoderTree;
class TranslateResults;
class TranslationForm;
class WorkerThread;
class RunLibrary;
class LineChart;

class TranslatePanel : public QWidget {
    Q_OBJECT
public:
    // Runs are recorded in `library` when there is one (the Runs tab lists
    // them); the corpus is where `corpora` says.
    explicit TranslatePanel(CorpusLocations& corpora, RunLibrary* library = nullptr, QWidget* parent = nullptr);
    ~TranslatePanel() override;

    // The settings as a config (the book's preset with the form's values);
    // throws ConfigError for a value the core rejects.
    TranslationConfig config() const;
    bool busy() const { return training_; }
    // Loads a translation run of the library (its settings, loss curve and
    // weights) to score and translate with again. False, with the reason in
    // the status line, when it cannot.
    bool openStoredRun(qint64 id);
    qint64 libraryId() const { return libraryId_; }  // of the model shown; 0 = none
    LineChart* lossChart() const { return lossChart_; }
    AttentionHeatmap* heatmap() const { return heatmap_; }
    CorpusBanner* corpusBanner() const { return banner_; }

public Q_SLOTS:
    void train();
    void stop();
    void translateInput();

Q_SIGNALS:
    void trainingFinished();
    // fromInput: the answer to the input box (else a table row's, for the heatmap).
    void translationShown(bool fromInput);

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void buildUi();
    QWidget* buildSettings();
    QWidget* buildTranslateBox();
    // The status line; `text` writes it, again after a language switch.
    void setStatus(std::function<QString()> text);
    // Forgets the last model's translation: output, log P, attention, decoder tree.
    void clearTranslation();
    void startWorker(const TranslationConfig& config, qint64 storedRunId);
    void onStarted(const QString& description);
    void onEpoch(const TranslationEpochStats& stats);
    void onFinished(const TranslationOutcome& outcome);
    void onFailed(const RunFailure& failure);
    void onTranslated(int requestId, const Translation& translation, const QString& error);
    void requestTranslation(const QString& sentence, bool fromInput);
    void releaseWorker();
    void updateControls();
    void describeSettings();
    int beam() const;  // the beam width typed sentences are decoded with

    CorpusLocations& corpora_;
    RunLibrary* library_ = nullptr;
    std::unique_ptr<WorkerThread> thread_;  // the model's worker: trains, then translates
    QPointer<TranslationWorker> worker_;
    class TranslateSteer* steer_ = nullptr;
    bool training_ = false;
    int nextRequestId_ = 1;
    int inputRequestId_ = 0;  // the latest request from the input box
    QList<QPointF> loss_;
    QTimer* redrawTimer_;

    TranslationForm* form_;  // every key of the schema; the book's preset at first
    QPushButton* trainButton_;
    QPushButton* stopButton_;
    QLabel* status_;
    std::function<QString()> statusText_;
    QLabel* plan_;
    CorpusBanner* banner_;
    qint64 libraryId_ = 0;
    QString unrecorded_;  // why the training run is not in the library, when it is not
    QLabel* decoding_;  // how the typed sentence was decoded (greedy / beam width) and its log P
    LineChart* lossChart_;
    TranslateResults* results_;
    QLineEdit* input_;
    QPushButton* translateButton_;
    QLabel* output_;
    QLabel* message_;
    AttentionHeatmap* heatmap_;
    DecoderTree* decoderTree_;
};

} // namespace traveller::ui
