// The Runs tab's pane for the opened run (private to traveller_ui): the
// perplexity curves of the selected runs in their own colours, the opened
// run's samples (or a translation's sentences and BLEU), and a bar to write
// more text with its stored weights, on a thread of its own.
#pragma once

#include "RunGroups.h"

#include "traveller/core/store/RunStore.h"

#include <QList>
#include <QWidget>

#include <functional>
#include <memory>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QSpinBox;

namespace traveller::ui {

class ChartDisplayBar;
class GenerateWorker;
class LineChart;
class WorkerThread;

class RunDetails : public QWidget {
    Q_OBJECT
public:
    explicit RunDetails(QString dataDir, QWidget* parent = nullptr);
    ~RunDetails() override;

    LineChart* chart() const { return chart_; }
    ChartDisplayBar* displayBar() const { return displayBar_; }
    // Curves of `groups` (a mean and a band each, in the first colours) and
    // of `ids` (named by `nameOf`), details of `opened` (0: none). Throws
    // what the store throws.
    void show(RunStore& store, const QList<qint64>& ids, qint64 opened, const std::function<QString(qint64)>& nameOf,
              const std::vector<ChartGroup>& groups = {});
    void clear();
    // Presentation mode: no note line, the chart takes most of the height.
    void setPresentationLayout(bool on);
    // Whether the opened run has weights to write with, and why not.
    void setWritable(bool writable, const QString& tip);
    // Writes with run `r`'s stored weights: the bar shows what was asked.
    void write(const StoredRun& r, const std::string& checkpoint, const QString& prefix, int length, double temperature);

Q_SIGNALS:
    void writeRequested(const QString& prefix, int length, double temperature);
    void generated(qint64 id, const QString& text, const QString& error);
    // The groups' band changed (min–max, ±1 sd): draw them again.
    void redrawRequested();
    // The chart's Save… chose a file.
    void chartSaveRequested(const QString& path);
    // The user changed the opened run's note.
    void noteEdited(qint64 id, const QString& note);

protected:
    // A larger font (presentation mode) gives the chart the height its
    // ticks and titles need.
    void changeEvent(QEvent* event) override;

private:
    void showTranslation(const StoredRun& run);
    // A language model's final samples, its timeline and its message;
    // *finalEpoch: the epoch the final samples are of (-1: an earlier
    // attempt's, 0: none).
    QString samplesText(const StoredRun& r, const std::vector<StoredEpoch>& epochs, int* finalEpoch) const;
    void setSamples(const QString& text);
    // The opened run changes: the text written with the last one goes.
    void setOpened(qint64 id);
    void showNothingOpened();
    void showNote(const StoredRun& r);
    // Lineage (issue 27.7): a fork's curve from its branch point when its
    // parent is drawn too; "forked from #3 at epoch 200; forks: #9".
    static QList<QPointF> forkCurve(const StoredRun& run, const QList<qint64>& drawn, QList<QPointF> curve);
    static QString lineageText(RunStore& store, const StoredRun& r);
    static std::vector<SettingEvent> forkEvents(const StoredRun& run, const QList<qint64>& drawn);

    const QString dataDir_;
    std::unique_ptr<WorkerThread> generateThread_;  // started on the first Write
    GenerateWorker* generator_ = nullptr;
    int nextRequestId_ = 1;
    int pendingRequest_ = 0;
    qint64 opened_ = 0;  // the run whose samples and written text are shown
    QLabel* title_;
    QLineEdit* note_;
    ChartDisplayBar* displayBar_;
    LineChart* chart_;
    QPlainTextEdit* samples_;
    QLineEdit* prefix_;
    QDoubleSpinBox* temperature_;
    QSpinBox* length_;
    QPushButton* writeButton_;
    QPlainTextEdit* written_;
    QSplitter* detailsSplit_ = nullptr;
    QWidget* buildWritePane();  // prefix_, temperature_, length_, writeButton_, written_
};

} // namespace traveller::ui
