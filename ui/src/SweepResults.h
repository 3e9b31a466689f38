// The Sweeps tab's results (private to traveller_ui): a row per run of the
// loaded sweep with its swept values and how it is doing, a filter, and the
// perplexity chart of the selected runs (else of all but the diverged ones),
// with its export buttons. It keeps the rows; the panel feeds them what the
// sweep's worker reports.
#pragma once

#include "RunTableModel.h"

#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/RunTypes.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace traveller::ui {

class LineChart;

class SweepResults : public QWidget {
    Q_OBJECT
public:
    struct Row {
        qint64 id = 0;
        QString label;
        QStringList values;  // one per swept key
        // The run's state once it is in the library (queued on). Before,
        // `word` says what it is: "planned", or what Slurm says of its task
        // (pending, not started, cancelled).
        std::optional<StoredState> state;
        QString word;
        int blewUpAt = 0;    // the epoch it blew up and trained on; 0 = never
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

    explicit SweepResults(QWidget* parent = nullptr);

    // A row per run of `sweep`, "planned"; its swept keys as columns.
    void setSweep(const Sweep& sweep);
    QStringList sweptKeys() const { return sweptKeys_; }
    const std::vector<Row>& rows() const { return rows_; }
    // Start: the runs got these library ids and wait in the queue.
    void setQueued(const std::vector<std::int64_t>& ids);
    void runStarted(int index, qint64 id, RunStore* store);
    void epochDone(int index, const EpochStats& stats);
    void runFinished(int index, qint64 id, const RunOutcome& outcome, RunStore* store);
    // A Slurm array task's state (Cluster.h) for a run not imported yet: its
    // word (pending, running, ...), epochs and latest perplexity.
    void clusterTask(int index, const QString& status, int epochsDone, int epochs, double perplexity,
                     const QString& message);
    // The run arrived in the library as `id` (runs import): the row shows
    // the library's record from now on, curve and samples included.
    void importedRun(int index, qint64 id, RunStore* store);
    // Every row from the library (the sweep ended); rows of deleted runs keep
    // what was seen.
    void reloadAll(RunStore* store);
    void setExportEnabled(bool on);

    QList<qint64> runIds() const;
    QList<qint64> selectedRunIds() const;
    QTableView* view() const { return view_; }
    LineChart* chart() const { return chart_; }
    int column(const QString& header) const;
    QString cell(int viewRow, const QString& header) const;
    QString cell(int viewRow, RunColumn kind) const;
    int visibleRows() const;
    static QString seriesKey(int index) { return QStringLiteral("run%1").arg(index); }

Q_SIGNALS:
    // An export menu was used: the whole sweep or the selection, CSV or report.
    void exportRequested(const QString& path, bool selection, bool report);

protected:
    // The status words follow the window's language.
    void changeEvent(QEvent* event) override;

private:
    bool valid(int index) const { return index >= 0 && index < static_cast<int>(rows_.size()); }
    void reload(int index, RunStore* store);
    void fillRow(int index);
    RunRow runRowOf(int index) const;
    void scheduleRefresh();
    void refresh();
    QList<int> selectedIndexes() const;
    QColor rowColor(int index) const;
    void updateChart();

    QHash<int, QColor> drawnColors_;  // row -> its curve's colour, for the rows the chart draws
    QStringList sweptKeys_;
    std::vector<Row> rows_;
    QLineEdit* filter_;
    RunTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* view_;
    LineChart* chart_;
    QPushButton* csvButton_;
    QPushButton* reportButton_;
    QTimer* refreshTimer_;
};

} // namespace traveller::ui
