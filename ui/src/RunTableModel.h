// One table model of runs (private to traveller_ui), for every view that
// lists runs: the Runs library, the Sweeps results, the Lab's step table,
// the compare dialog and the Language model tab's queue. A row is a value,
// RunRow, made from a stored run or from a run of the tab's queue; a view
// says which columns it shows and in what order. The model writes every
// cell one way (core's number and duration formats, stateLook's words and
// colour), sorts numbers as numbers with missing ones last (SortRole) and
// translates its headers and state words when the language changes.
#pragma once

#include "TableItems.h"

#include "traveller/core/store/RunEvidence.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/RunQueue.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QStringList>

#include <limits>
#include <optional>
#include <vector>

namespace traveller::ui {

// What a column shows. Run and Name both show RunRow::name: "Run" heads the
// tables where a row is one run of a list (sweep, lab, queue), "Name" the
// library. Setting columns show RunRow::settings, one per key the view gives.
enum class RunColumn {
    Id,
    Run,
    Name,
    Cell,
    Hidden,
    Lr,
    Status,
    Epochs,
    Perplexity,
    Loss,
    Heldout,
    Bleu,
    Sweep,
    Label,
    Tags,
    Speed,
    Time,
    Created,
    Sample,
    Device,
    Best,   // the lowest perplexity over the epochs (a group's mean ± sd)
    Count,  // how many runs a row stands for (a group's n)
    Family, // a fork's place in its family (RunFamilies.h); sorted, the families read as trees
    Setting
};

struct RunRow {
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

    qint64 id = 0;  // the library's id; 0 before the run is in it
    QString name;
    QString sweep;
    QString label;
    bool translation = false;
    // The cell: its key ("gru"), stacked layers, a seq2seq's attention.
    // Empty arch with cellKnown false: a config this version cannot read.
    QString arch;
    int layers = 1;
    bool attention = false;
    bool cellKnown = true;
    int hidden = 0;
    double lr = kNone;
    QString lrText;  // as the config writes it
    // The state once the run is in the library or the queue; before, `word`
    // says what it is ("planned", a Slurm task's word).
    std::optional<StoredState> state;
    QString word;
    // The queue's own line for the state ("diverged at epoch 3: …"): shown
    // instead of the state's word, coloured by the state.
    QString statusNote;
    int blewUpAt = 0;  // the epoch it blew up and trained on; 0 = never
    QString message;   // why it diverged or failed
    int epochsDone = 0;
    int epochs = 0;  // planned
    double perplexity = kNone;
    double loss = kNone;  // a translation's value
    double heldout = kNone;
    double bleu = kNone;
    double tokensPerSecond = kNone;
    double seconds = kNone;
    QString createdAt;  // UTC, ISO 8601
    QString sample;
    QString device;
    QStringList tags;
    QStringList settings;  // the Setting columns' values, in their order
    QColor colour;         // the name's colour (its curve's); invalid: the text's
    bool ticked = true;    // the check box of a checkable column
    double best = kNone;   // the lowest perplexity over its epochs
    // A group of runs shown as one row (the Runs tab's groups, core's
    // groupRuns): its runs' ids, and each figure's spread over them, which
    // its cells show as "mean ± sd". Empty members: the row is one run.
    QList<qint64> members;
    // Lineage (RunFamilies.h): "#3" for a run with forks, "└ #7 @200" for a
    // fork (indented by its depth); the key sorts each family together, as a tree.
    QString family;
    QString familyKey;
    Spread finalSpread, bestSpread, heldoutSpread, speedSpread;
    bool isGroup() const { return members.size() > 1; }
};

// A translation run's held-out corpus BLEU-4 from its stored results (JSON);
// NaN when there is none.
double heldoutBleu(const std::string& results);

// A stored run's row; its last epoch gives the held-out perplexity, its
// samples (or the epochs') the sample.
RunRow runRow(const StoredRun& run, const std::vector<StoredEpoch>* epochs = nullptr);
// A run of the Language model tab's queue; its state in the library's words
// (loading and paused read "running", cancelled "stopped").
RunRow runRow(const RunQueue::Run& run);

class RunTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int SortRole = table::kSortRole;  // doubles for numbers, NaN as +inf (last ascending)
    static constexpr int IdRole = table::kIdRole;      // the row's RunRow::id, on every cell
    static constexpr int RowRole = Qt::UserRole + 3;   // the row's index in the model
    static constexpr int ColumnRole = Qt::UserRole + 4;  // on the header: the RunColumn, as int

    explicit RunTableModel(QObject* parent = nullptr);

    // The columns in their order; each Setting stands for every key of
    // `settings` (their headers are the keys, untranslated).
    void setColumns(const std::vector<RunColumn>& columns, const QStringList& settings = {});
    void setRows(std::vector<RunRow> rows);
    void setRow(int row, RunRow value);
    void appendRow(RunRow value);
    void removeRowAt(int row);
    // `kind`'s cells get a check box (RunRow::ticked); a click on one emits
    // tickToggled, setTicked does not.
    void setCheckable(RunColumn kind) { checkable_ = kind; }
    void setTicked(int row, bool ticked);
    // Only the name's colour (a curve drawn or not): no signal when it is the
    // same, as the selection that redraws the chart may call it again.
    void setColour(int row, const QColor& colour);
    const RunRow& row(int row) const { return rows_[static_cast<std::size_t>(row)]; }
    const std::vector<RunRow>& rows() const { return rows_; }
    int rowOf(qint64 id) const;
    // The model's column showing `kind` (the first Setting column for
    // Setting), or -1; the static one asks any model (a proxy) by its header.
    int columnOf(RunColumn kind) const;
    static int columnOf(const QAbstractItemModel* model, RunColumn kind);
    static int columnOf(const QAbstractItemModel* model, const QString& header);
    // The text a row's cell shows.
    QString text(int row, int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void tickToggled(int row, bool ticked);

protected:
    // The headers and state words follow the window's language.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Column {
        RunColumn kind;
        int setting = -1;  // index into RunRow::settings
        QString key;
    };
    QVariant sortValue(const RunRow& r, const Column& c, int row) const;
    QVariant foreground(const RunRow& r, const Column& c) const;
    QString toolTip(const RunRow& r, const Column& c) const;

    std::vector<Column> columns_;
    std::vector<RunRow> rows_;
    std::optional<RunColumn> checkable_;
};

} // namespace traveller::ui
