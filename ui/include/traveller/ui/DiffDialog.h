// The Diff view of two or more runs (no cap on their number), from core's
// diffRuns: only the settings whose values differ (from the schema, not from
// text), the results side by side with each one's difference from the first
// run, text written now by each language model from one prefix, seed and
// temperature in a column each, and the Lens diff: on one text, per
// character, which model gave the next character more probability
// (DiffLens.cpp). The text is written and read on a thread of its own.
#pragma once

#include "traveller/core/lm/Inspect.h"
#include "traveller/core/store/RunEvidence.h"
#include "traveller/core/store/RunStore.h"

#include <QDialog>
#include <QHash>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTabWidget;
class QTextBrowser;

namespace traveller::ui {

class GenerateWorker;
class WorkerThread;

class DiffDialog : public QDialog {
    Q_OBJECT
public:
    // Reads the runs once; ids that are not in the library are left out and said.
    DiffDialog(const std::shared_ptr<RunStore>& store, const QList<qint64>& ids, QString dataDir,
               QWidget* parent = nullptr);
    ~DiffDialog() override;  // joins the writing thread

    QList<qint64> runIds() const;
    const RunsDiff& diff() const { return diff_; }
    // Rows: the keys that differ (Qt::UserRole of the row's header: the key);
    // a column per run.
    QTableWidget* settingsTable() const { return settings_; }
    // Rows: the metrics (Qt::UserRole of the row's header: core's metric
    // code); a column per run; a cell's Qt::UserRole is its value, UserRole + 1
    // its difference from the first run's.
    QTableWidget* metricsTable() const { return metrics_; }
    // One row; a column per run: the text each wrote with the same prefix,
    // seed and temperature.
    QTableWidget* samplesTable() const { return samples_; }
    QTabWidget* tabs() const { return tabs_; }

    // Writes with each language model's stored weights (runs without weights
    // say why in their cell); samplesWritten() when every run has answered.
    void writeSamples(const QString& prefix, int length, double temperature, qint64 seed);
    QString sample(qint64 id) const;
    bool writing() const { return !pending_.isEmpty(); }

    // The Lens diff (DiffLens.cpp): every language model reads `text`;
    // lensRead() when all have. Per character the run that gave the next
    // character the highest probability (-1: none had weights, or the last
    // character); lensTable() has a row per character, a column per run.
    void readLens(const QString& text);
    QList<int> lensWinners() const { return lensWinners_; }
    QTableWidget* lensTable() const { return lensTable_; }
    QTextBrowser* lensText() const { return lensText_; }

Q_SIGNALS:
    void samplesWritten();
    void lensRead();

private:
    void buildSettings();
    void buildMetrics();
    QWidget* buildSamplesTab();
    QWidget* buildLensTab();  // DiffLens.cpp
    GenerateWorker* worker();
    void onGenerated(int requestId, qint64 id, const QString& text, const QString& error);
    void onInspected(int requestId, qint64 id, const std::shared_ptr<const Inspection>& inspection,
                     const QString& error);
    void showLens();  // DiffLens.cpp
    QString header(int column) const;

    std::shared_ptr<RunStore> store_;
    const QString dataDir_;
    std::vector<StoredRun> runs_;
    RunsDiff diff_;
    std::unique_ptr<WorkerThread> thread_;
    GenerateWorker* worker_ = nullptr;
    int nextRequest_ = 1;
    QHash<int, int> pending_;  // request id -> column, for this batch of text
    QHash<int, int> lensPending_;
    std::vector<std::shared_ptr<const Inspection>> lens_;  // per run; null: none
    QList<int> lensWinners_;
    QTabWidget* tabs_;
    QLabel* note_;
    QTableWidget* settings_;
    QTableWidget* metrics_;
    QLineEdit* prefix_;
    QDoubleSpinBox* temperature_;
    QSpinBox* length_;
    QSpinBox* seed_;
    QPushButton* writeButton_;
    QTableWidget* samples_;
    QLineEdit* lensInput_;
    QPushButton* lensButton_;
    QLabel* lensNote_;
    QTextBrowser* lensText_;
    QTableWidget* lensTable_;
};

} // namespace traveller::ui
