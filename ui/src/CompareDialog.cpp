#include "traveller/ui/CompareDialog.h"

#include "Format.h"
#include "traveller/ui/Language.h"

#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/ui/LineChart.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

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
    chart_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: perplexity %3").arg(name).arg(x, 0, 'f', 0).arg(y, 0, 'f', 3);
    });
    {
    const LineChart::Batch batch(chart_);
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        const StoredRun& r = runs_[i];
        const QString key = QStringLiteral("run%1").arg(r.id);
        chart_->addSeries(
            key, tr("%1 — %2, ppl %3").arg(header(r), statusText(QString::fromStdString(r.status)), format::number(r.perplexity)),
            LineChart::Style::Line, format::runColor(r.id));
        chart_->setPoints(key, format::perplexityCurve(epochs[i]));
    }
    }

    // ---- samples: the final ones, then each sample interval any run recorded
    samples_ = makeTable("compareSamples");
    samples_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    samples_->setColumnCount(static_cast<int>(runs_.size()));
    QStringList headers;
    for (const auto& r : runs_)
        headers << header(r);
    samples_->setHorizontalHeaderLabels(headers);
    std::set<std::string> prefixes;
    for (const auto& r : runs_)
        for (const auto& [prefix, text] : r.samples)
            prefixes.insert(prefix);
    std::set<int> sampleEpochs;
    for (const auto& list : epochs)
        for (const auto& e : list)
            if (!e.sample.empty())
                sampleEpochs.insert(e.epoch);
    QStringList rowNames;
    for (const auto& p : prefixes)
        rowNames << tr("final: \"%1\"").arg(QString::fromStdString(p));
    for (int e : sampleEpochs)
        rowNames << tr("epoch %1").arg(e);
    samples_->setRowCount(static_cast<int>(rowNames.size()));
    samples_->setVerticalHeaderLabels(rowNames);
    for (int c = 0; c < static_cast<int>(runs_.size()); ++c) {
        int row = 0;
        for (const auto& p : prefixes) {
            const auto it = runs_[static_cast<std::size_t>(c)].samples.find(p);
            samples_->setItem(row++, c, new QTableWidgetItem(it == runs_[static_cast<std::size_t>(c)].samples.end()
                                                                 ? QString()
                                                                 : QString::fromStdString(it->second)));
        }
        for (int e : sampleEpochs) {
            QString text;
            for (const auto& s : epochs[static_cast<std::size_t>(c)])
                if (s.epoch == e)
                    text = QString::fromStdString(s.sample);
            samples_->setItem(row++, c, new QTableWidgetItem(text));
        }
    }

    // ---- settings that differ
    diff_ = makeTable("compareConfigDiff");
    diff_->setColumnCount(static_cast<int>(runs_.size()));
    diff_->setHorizontalHeaderLabels(headers);
    diff_->setRowCount(static_cast<int>(differing_.size()));
    diff_->setVerticalHeaderLabels(differing_);
    for (int c = 0; c < static_cast<int>(runs_.size()); ++c) {
        const auto flat = flatten(runs_[static_cast<std::size_t>(c)]);
        for (int row = 0; row < static_cast<int>(differing_.size()); ++row) {
            const auto it = flat.find(differing_[row].toStdString());
            diff_->setItem(
                row, c,
                new QTableWidgetItem(it == flat.end() ? tr("(unreadable)") : QString::fromStdString(it->second)));
        }
    }
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
    diffLayout->addWidget(diff_, 1);
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
    resize(1100, 760);
}

QList<qint64> CompareDialog::runIds() const
{
    QList<qint64> ids;
    for (const auto& r : runs_)
        ids << r.id;
    return ids;
}

} // namespace traveller::ui
