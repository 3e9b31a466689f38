#include "traveller/ui/CompareDialog.h"

#include "Format.h"
#include "RunTableModel.h"
#include "ScreenFit.h"
#include "traveller/ui/Language.h"

#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/ui/LineChart.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <map>
#include <set>

namespace traveller::ui {

namespace {

// Every key of a run's experiment, flattened ("train.lr" -> "0.1"); empty
// when its stored YAML no longer parses.
std::map<std::string, std::string> flatten(const StoredRun& run)
{
    std::map<std::string, std::string> out;
    try {
        const ExperimentConfig config = run.config();
        for (const auto& key : configSchema())
            out[key.key] = configValue(config, key.key);
    } catch (const ConfigError&) {
    }
    return out;
}

QString header(const StoredRun& r) { return QStringLiteral("#%1 %2").arg(r.id).arg(QString::fromStdString(r.name)); }

// `text` in lines no wider than `width` pixels, broken at spaces (a word
// wider than a line, a Chinese name, anywhere).
QString wrapped(const QString& text, const QFontMetrics& metrics, int width)
{
    width = std::max(width, 4 * metrics.height());  // a column not laid out yet
    QStringList lines{QString()};
    for (QString word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        while (!word.isEmpty()) {
            QString& line = lines.last();
            const QString joined = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
            if (metrics.horizontalAdvance(joined) <= width) {
                line = joined;
                word.clear();
            } else if (!line.isEmpty()) {
                lines << QString();
            } else {
                qsizetype fits = 1;
                while (fits < word.size() && metrics.horizontalAdvance(word.left(fits + 1)) <= width)
                    ++fits;
                line = word.left(fits);
                word = word.mid(fits);
                if (!word.isEmpty())
                    lines << QString();
            }
        }
    }
    return lines.join(QLatin1Char('\n'));
}

// The columns of both tables: one per run, headed by its whole name in the
// colour of its curve, wrapped to the column's width as the dialog resizes
// (not "RNN h256 lr1 (the…").
void setRunColumns(QTableWidget* table, const std::vector<StoredRun>& runs)
{
    table->setColumnCount(static_cast<int>(runs.size()));
    QStringList names;
    for (int c = 0; c < static_cast<int>(runs.size()); ++c) {
        names << header(runs[static_cast<std::size_t>(c)]);
        auto* item = new QTableWidgetItem(names.last());
        item->setForeground(format::seriesColor(c));
        item->setToolTip(names.last());
        table->setHorizontalHeaderItem(c, item);
    }
    QHeaderView* columns = table->horizontalHeader();
    QObject::connect(columns, &QHeaderView::sectionResized, table, [table, names](int c, int, int size) {
        QTableWidgetItem* item = table->horizontalHeaderItem(c);
        const int margins = 2 * table->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, table) + 4;
        const QString text = wrapped(names.value(c), QFontMetrics(table->horizontalHeader()->font()), size - margins);
        if (item && item->text() != text)
            item->setText(text);
    });
}

QTableWidget* makeTable(const QString& name)
{
    auto* t = new QTableWidget;
    t->setObjectName(name);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setWordWrap(true);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    t->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return t;
}

// The samples table: a row per prefix of the final samples, then a row per
// epoch at which any run wrote one; a column per run.
void fillSamples(QTableWidget* table, const std::vector<StoredRun>& runs,
                 const std::vector<std::vector<StoredEpoch>>& epochs)
{
    std::set<std::string> prefixes;
    for (const auto& r : runs)
        for (const auto& [prefix, text] : r.samples)
            prefixes.insert(prefix);
    std::set<int> sampleEpochs;
    for (const auto& list : epochs)
        for (const auto& e : list)
            if (!e.sample.empty())
                sampleEpochs.insert(e.epoch);
    QStringList rowNames;
    for (const auto& p : prefixes)
        rowNames << CompareDialog::tr("final: \"%1\"").arg(QString::fromStdString(p));
    for (int e : sampleEpochs)
        rowNames << CompareDialog::tr("epoch %1").arg(e);
    table->setRowCount(static_cast<int>(rowNames.size()));
    table->setVerticalHeaderLabels(rowNames);
    for (int c = 0; c < static_cast<int>(runs.size()); ++c) {
        int row = 0;
        for (const auto& p : prefixes) {
            const auto& samples = runs[static_cast<std::size_t>(c)].samples;
            const auto it = samples.find(p);
            const QString text = it == samples.end() ? QString() : QString::fromStdString(it->second);
            table->setItem(row++, c, new QTableWidgetItem(text));
        }
        for (int e : sampleEpochs) {
            QString text;
            for (const auto& s : epochs[static_cast<std::size_t>(c)])
                if (s.epoch == e)
                    text = QString::fromStdString(s.sample);
            table->setItem(row++, c, new QTableWidgetItem(text));
        }
    }
}

// The compared runs as rows of the shared run table model, each run's name in
// its curve's colour; the differing settings (but the name, shown already) as
// Setting columns.
QTableView* makeRunsTable(const std::vector<StoredRun>& runs, const std::vector<std::vector<StoredEpoch>>& epochs,
                          const QStringList& differing)
{
    QStringList settings = differing;
    settings.removeAll(QStringLiteral("name"));
    auto* view = new QTableView;
    view->setObjectName("compareRuns");
    auto* model = new RunTableModel(view);
    model->setColumns({RunColumn::Id, RunColumn::Name, RunColumn::Status, RunColumn::Epochs, RunColumn::Perplexity,
                       RunColumn::Heldout, RunColumn::Setting},
                      settings);
    std::vector<RunRow> rows;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        RunRow row = runRow(runs[i], &epochs[i]);
        row.colour = format::seriesColor(static_cast<int>(i));
        const auto flat = flatten(runs[i]);
        for (const QString& key : settings) {
            const auto it = flat.find(key.toStdString());
            row.settings << (it == flat.end() ? CompareDialog::tr("(unreadable)") : QString::fromStdString(it->second));
        }
        rows.push_back(std::move(row));
    }
    model->setRows(std::move(rows));
    view->setModel(model);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setWordWrap(true);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setSectionResizeMode(model->columnOf(RunColumn::Name), QHeaderView::Stretch);
    return view;
}

} // namespace

QStringList CompareDialog::differingKeys(const std::vector<StoredRun>& runs)
{
    std::vector<std::map<std::string, std::string>> flat;
    for (const auto& r : runs)
        flat.push_back(flatten(r));
    QStringList out;
    for (const auto& info : configSchema()) {
        const std::string& key = info.key;
        std::set<std::string> values;
        for (const auto& f : flat) {
            const auto it = f.find(key);
            values.insert(it == f.end() ? std::string("?") : it->second);
        }
        if (values.size() > 1)
            out << QString::fromStdString(key);
    }
    return out;
}

CompareDialog::CompareDialog(const std::shared_ptr<RunStore>& store, const QList<qint64>& ids, QWidget* parent)
    : QDialog(parent)
{
    setObjectName("compareDialog");
    QStringList missing;
    std::vector<std::vector<StoredEpoch>> epochs;
    for (qint64 id : ids) {
        try {
            runs_.push_back(store->run(id));
            epochs.push_back(store->epochs(id));
        } catch (const std::exception&) {
            missing << QString::number(id);
        }
    }
    differing_ = differingKeys(runs_);
    QStringList names;
    for (const auto& r : runs_)
        names << QStringLiteral("#%1").arg(r.id);
    setWindowTitle(tr("Compare runs %1").arg(names.join(QStringLiteral(", "))));

    // ---- curves
    chart_ = new LineChart(tr("epoch"), tr("perplexity"));
    chart_->setObjectName("compareChart");
    chart_->setTitle(tr("Perplexity"));
    chart_->setLegend(LineChart::Legend::List);  // every run named whole, never cut to "#33 …"
    chart_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: perplexity %3").arg(name).arg(x, 0, 'f', 0).arg(y, 0, 'f', 3);
    });
    {
    const LineChart::Batch batch(chart_);
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        const StoredRun& r = runs_[i];
        const QString key = QStringLiteral("run%1").arg(r.id);
        chart_->addSeries(
            key, tr("%1 — %2, ppl %3").arg(header(r), stateLook(r.state, r.blewUpAt).label, format::number(r.perplexity)),
            LineChart::Style::Line, format::seriesColor(static_cast<int>(i)));
        chart_->setPoints(key, format::perplexityCurve(epochs[i]));
    }
    }

    // ---- samples: the final ones, then each sample interval any run recorded
    samples_ = makeTable("compareSamples");
    samples_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setRunColumns(samples_, runs_);
    fillSamples(samples_, runs_, epochs);

    // ---- the runs, one row each through the shared run table model; the
    // settings that differ are its Setting columns
    runsTable_ = makeRunsTable(runs_, epochs, differing_);
    note_ = new QLabel;
    note_->setObjectName("compareNote");
    note_->setWordWrap(true);
    QString note =
        differing_.isEmpty()
            ? tr("The runs have the same settings: any difference comes from the machine or the library version.")
            : tr("Settings that differ (%1 of %2 keys; the rest are the same):")
                  .arg(differing_.size())
                  .arg(configSchema().size());
    if (!missing.isEmpty())
        note += tr(" Not in the library: %1.").arg(missing.join(QStringLiteral(", ")));
    note_->setText(note);

    auto* diffBox = new QWidget;
    auto* diffLayout = new QVBoxLayout(diffBox);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    diffLayout->addWidget(note_);
    diffLayout->addWidget(runsTable_, 1);
    auto* samplesBox = new QWidget;
    auto* samplesLayout = new QVBoxLayout(samplesBox);
    samplesLayout->setContentsMargins(0, 0, 0, 0);
    samplesLayout->addWidget(new QLabel(tr("Samples, one column per run:")));
    samplesLayout->addWidget(samples_, 1);

    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(samplesBox);
    bottom->addWidget(diffBox);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(chart_);
    split->addWidget(bottom);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    fitToScreen(this, QSize(1100, 760), parent);
}

QList<qint64> CompareDialog::runIds() const
{
    QList<qint64> ids;
    for (const auto& r : runs_)
        ids << r.id;
    return ids;
}

} // namespace traveller::ui
