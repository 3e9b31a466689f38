// The Lens tab: what a trained language model computes on a text. Pick a run
// of the library and type a text; character by character it shows the
// model's next-character guesses, the text coloured by one unit, a units ×
// characters heatmap of h or of a gate, each layer, the mean gate value per
// character, and for the chosen step and unit the cell's equations with this
// step's numbers (step with ← and →). Hover a character: the ones before it
// are shaded by saliency. Computed off the GUI thread (LmSession::inspect).
#pragma once

#include "traveller/core/lm/Inspect.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <memory>

class QHBoxLayout;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QSplitter;

namespace traveller::ui {

class GenerateWorker;
class LensHeatmap;
class LensTextView;
class LensTrajectory;
class LineChart;
class MessageLabel;
class RunLibrary;
class RunQueue;
class WorkerThread;

class LensPanel : public QWidget {
    Q_OBJECT
public:
    LensPanel(RunLibrary& library, QString dataDir, QWidget* parent = nullptr);
    ~LensPanel() override;

    // Re-reads the library's runs that have weights (language models), and
    // lists the language model tab's runs of this session (followQueue).
    void refreshRuns();
    // The language model tab's runs, followed live: the Lens re-reads its
    // text at every sample interval of the chosen one while it trains.
    void followQueue(RunQueue* queue);
    // Follows run `queueRunId` of the followed queue on `text`.
    bool inspectLive(int queueRunId, const QString& text);
    // Inspects `text` with run `id`'s weights; inspected() follows. False,
    // said in the tab, when the run cannot be read.
    bool inspectRun(qint64 id, const QString& text);
    const Inspection* inspection() const { return inspection_.get(); }
    // What the view shows: layer, value (-1: h, else Inspection::valueNames),
    // unit, and the step the equations are for.
    void choose(int layer, int value, int unit);
    void setStep(int step);
    QString equations() const;
    // The units most active on the characters [begin, end) and least
    // elsewhere (shift-click a span, Find units); the best becomes the unit
    // shown. Returns what it lists, also said in the tab.
    QString findUnits(int begin, int end);
    // Every character's h and values of the shown layer as CSV.
    bool exportCsv(const QString& path);
    // One view ("text", "heatmap", "trajectory", "mean") as PNG or SVG (by
    // the suffix), 1600 pixels wide for a slide, drawn at that size.
    bool exportView(const QString& view, const QString& path);
    QString message() const;
    LensTextView* textView() const { return text_; }
    LensHeatmap* heatmap() const { return heatmap_; }
    LensTrajectory* trajectory() const { return trajectory_; }
    LineChart* meanChart() const { return meanChart_; }

Q_SIGNALS:
    void inspected(bool ok);

private:
    void showInspection();
    void refreshViews();
    void showEquations();
    void fitEquations();
    QHBoxLayout* buildRunBar();
    QHBoxLayout* buildViewBar();
    QSplitter* buildViews();

    RunLibrary& library_;
    const QString dataDir_;
    std::unique_ptr<WorkerThread> thread_;
    GenerateWorker* worker_ = nullptr;
    int nextRequest_ = 1;
    int pending_ = 0;
    std::shared_ptr<const Inspection> inspection_;
    RunQueue* queue_ = nullptr;
    int live_ = 0;        // the queue's run the Lens follows, 0: none
    int liveEpoch_ = 0;
    int layer_ = 0, value_ = -1, unit_ = 0, step_ = 0;

    QComboBox* runs_;
    QLineEdit* textEdit_;
    QPushButton* inspectButton_;
    QSpinBox* layerSpin_;
    QComboBox* valueCombo_;
    QSpinBox* unitSpin_;
    QLabel* summary_;
    MessageLabel* message_;
    LensTextView* text_;
    LensHeatmap* heatmap_;
    LensTrajectory* trajectory_;
    LineChart* meanChart_;
    QLabel* equations_;
    QLabel* units_;
};

} // namespace traveller::ui
