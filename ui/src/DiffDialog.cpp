#include "traveller/ui/DiffDialog.h"

#include "Format.h"
#include "ScreenFit.h"
#include "WorkerThread.h"

#include "traveller/core/Errors.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/ui/GenerateWorker.h"
#include "traveller/ui/Language.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace traveller::ui {

namespace {

QString metricName(const std::string& code)
{
    if (code == "final_perplexity")
        return DiffDialog::tr("Final perplexity");
    if (code == "best_perplexity")
        return DiffDialog::tr("Best perplexity");
    if (code == "heldout_perplexity")
        return DiffDialog::tr("Held-out perplexity");
    if (code == "tokens_per_second")
        return DiffDialog::tr("Tokens per second");
    if (code == "epochs")
        return DiffDialog::tr("Epochs trained");
    if (code == "seconds")
        return DiffDialog::tr("Training time");
    return QString::fromStdString(code);
}

QString metricValue(const std::string& code, double v)
{
    if (!std::isfinite(v))
        return std::isnan(v) ? QStringLiteral("—") : format::number(v);
    if (code == "seconds")
        return format::duration(v);
    if (code == "epochs" || code == "tokens_per_second")
        return QString::number(v, 'f', 0);
    return format::number(v);
}

QTableWidget* makeTable(const char* name)
{
    auto* t = new QTableWidget;
    t->setObjectName(name);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionMode(QAbstractItemView::ContiguousSelection);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    t->setWordWrap(true);
    return t;
}

} // namespace

DiffDialog::DiffDialog(const std::shared_ptr<RunStore>& store, const QList<qint64>& ids, QString dataDir,
                       QWidget* parent)
    : QDialog(parent), store_(store), dataDir_(std::move(dataDir))
{
    setObjectName("diffDialog");
    setWindowTitle(tr("Diff of %n run(s)", nullptr, static_cast<int>(ids.size())));
    QStringList missing;
    std::vector<RunFigures> figures;
    for (qint64 id : ids) {
        try {
            runs_.push_back(store_->run(id));
            figures.push_back(runFigures(runs_.back(), store_->epochs(id)));
        } catch (const std::exception&) {
            missing << QString::number(id);
        }
    }
    diff_ = diffRuns(runs_, figures);

    note_ = new QLabel;
    note_->setObjectName("diffNote");
    note_->setWordWrap(true);
    QString note = diff_.settings.empty()
                       ? tr("These runs have the same settings: only their results can differ.")
                       : tr("%n setting(s) differ between these runs; the others are the same.", nullptr,
                            static_cast<int>(diff_.settings.size()));
    if (!missing.isEmpty())
        note += QLatin1Char(' ') + tr("Not in the library: %1.").arg(missing.join(QStringLiteral(", ")));
    note_->setText(note);

    settings_ = makeTable("diffSettingsTable");
    metrics_ = makeTable("diffMetricsTable");
    buildSettings();
    buildMetrics();
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(settings_);
    split->addWidget(metrics_);

    tabs_ = new QTabWidget;
    tabs_->setObjectName("diffTabs");
    tabs_->addTab(split, tr("Settings and results"));
    tabs_->addTab(buildSamplesTab(), tr("Text written now"));
    tabs_->addTab(buildLensTab(), tr("Lens diff"));
    // Text is written (and read) the first time its tab is shown.
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        QTableWidgetItem* first = samples_->item(0, 0);
        if (index == 1 && !first && !writing())
            writeButton_->click();
        if (index == 2 && lensWinners_.isEmpty() && lensPending_.isEmpty())
            lensButton_->click();
    });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(note_);
    layout->addWidget(tabs_, 1);
    layout->addWidget(buttons);
    fitToScreen(this, QSize(980, 680), parent);
}

DiffDialog::~DiffDialog() = default;

QList<qint64> DiffDialog::runIds() const
{
    QList<qint64> ids;
    for (const StoredRun& r : runs_)
        ids << r.id;
    return ids;
}

QString DiffDialog::header(int column) const
{
    const StoredRun& r = runs_[static_cast<std::size_t>(column)];
    return QStringLiteral("#%1 %2").arg(r.id).arg(QString::fromStdString(r.name));
}

void DiffDialog::buildSettings()
{
    const int columns = static_cast<int>(runs_.size());
    settings_->setColumnCount(columns);
    settings_->setRowCount(static_cast<int>(diff_.settings.size()));
    for (int c = 0; c < columns; ++c)
        settings_->setHorizontalHeaderItem(c, new QTableWidgetItem(header(c)));
    for (int row = 0; row < settings_->rowCount(); ++row) {
        const SettingDifference& d = diff_.settings[static_cast<std::size_t>(row)];
        auto* key = new QTableWidgetItem(QString::fromStdString(d.key));
        key->setData(Qt::UserRole, QString::fromStdString(d.key));
        settings_->setVerticalHeaderItem(row, key);
        for (int c = 0; c < columns && c < static_cast<int>(d.values.size()); ++c) {
            const std::string& v = d.values[static_cast<std::size_t>(c)];
            auto* item = new QTableWidgetItem(v.empty() ? QStringLiteral("—") : QString::fromStdString(v));
            // The values that differ from the first run's stand out.
            if (c > 0 && v != d.values.front()) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            settings_->setItem(row, c, item);
        }
    }
    settings_->resizeColumnsToContents();
}

void DiffDialog::buildMetrics()
{
    const int columns = static_cast<int>(runs_.size());
    metrics_->setColumnCount(columns);
    metrics_->setRowCount(static_cast<int>(diff_.metrics.size()));
    for (int c = 0; c < columns; ++c)
        metrics_->setHorizontalHeaderItem(c, new QTableWidgetItem(header(c)));
    for (int row = 0; row < metrics_->rowCount(); ++row) {
        const MetricRow& m = diff_.metrics[static_cast<std::size_t>(row)];
        auto* name = new QTableWidgetItem(metricName(m.metric));
        name->setData(Qt::UserRole, QString::fromStdString(m.metric));
        metrics_->setVerticalHeaderItem(row, name);
        const double first = m.values.empty() ? NAN : m.values.front();
        for (int c = 0; c < columns && c < static_cast<int>(m.values.size()); ++c) {
            const double v = m.values[static_cast<std::size_t>(c)];
            const double delta = v - first;
            QString text = metricValue(m.metric, v);
            // Δ: the difference from the first run, in the metric's own unit.
            if (c > 0 && std::isfinite(delta))
                text = tr("%1 (Δ %2)").arg(text, (delta >= 0 ? QStringLiteral("+") : QStringLiteral("−")) +
                                                     metricValue(m.metric, std::abs(delta)));
            auto* item = new QTableWidgetItem(text);
            item->setData(Qt::UserRole, v);
            item->setData(Qt::UserRole + 1, c > 0 ? delta : 0.0);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            metrics_->setItem(row, c, item);
        }
    }
    metrics_->resizeColumnsToContents();
}

QWidget* DiffDialog::buildSamplesTab()
{
    QString prefix = QStringLiteral("time traveller");
    for (const StoredRun& r : runs_)
        if (!r.isTranslation()) {
            try {
                prefix = QString::fromStdString(r.config().sample.prefix);
            } catch (const std::exception&) {
            }
            break;
        }
    prefix_ = new QLineEdit(prefix);
    prefix_->setObjectName("diffPrefix");
    temperature_ = new QDoubleSpinBox;
    temperature_->setObjectName("diffTemperature");
    temperature_->setRange(0.0, 5.0);
    temperature_->setSingleStep(0.1);
    temperature_->setSpecialValueText(tr("greedy"));
    temperature_->setToolTip(tr("0 writes the most likely character each step (the book); above 0 samples"));
    length_ = new QSpinBox;
    length_->setObjectName("diffLength");
    length_->setRange(1, 2000);
    length_->setValue(100);
    seed_ = new QSpinBox;
    seed_->setObjectName("diffSeed");
    seed_->setRange(0, 1 << 30);
    seed_->setValue(1);
    seed_->setToolTip(tr("Every run samples with this seed, so that only their weights differ"));
    writeButton_ = new QPushButton(tr("Write"));
    writeButton_->setObjectName("diffWriteButton");
    writeButton_->setToolTip(tr("Load each run's stored weights and continue the prefix"));
    connect(writeButton_, &QPushButton::clicked, this, [this] {
        writeSamples(prefix_->text(), length_->value(), temperature_->value(), seed_->value());
    });
    samples_ = makeTable("diffSamplesTable");
    samples_->setColumnCount(static_cast<int>(runs_.size()));
    samples_->setRowCount(1);
    samples_->verticalHeader()->setVisible(false);
    for (int c = 0; c < samples_->columnCount(); ++c) {
        samples_->setHorizontalHeaderItem(c, new QTableWidgetItem(header(c)));
        samples_->setColumnWidth(c, 260);
    }
    samples_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto* bar = new QGridLayout;
    bar->addWidget(new QLabel(tr("Prefix:")), 0, 0);
    bar->addWidget(prefix_, 0, 1, 1, 7);
    bar->addWidget(new QLabel(tr("T:")), 1, 0);
    bar->addWidget(temperature_, 1, 1);
    bar->addWidget(new QLabel(tr("Length:")), 1, 2);
    bar->addWidget(length_, 1, 3);
    bar->addWidget(new QLabel(tr("Seed:")), 1, 4);
    bar->addWidget(seed_, 1, 5);
    bar->setColumnStretch(6, 1);
    bar->addWidget(writeButton_, 1, 7);
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->addLayout(bar);
    layout->addWidget(samples_, 1);
    return page;
}

GenerateWorker* DiffDialog::worker()
{
    if (!thread_) {
        thread_ = std::make_unique<WorkerThread>();
        worker_ = thread_->start(new GenerateWorker(dataDir_), QStringLiteral("diff-writer"));
        connect(worker_, &GenerateWorker::generated, this, &DiffDialog::onGenerated);
        connect(worker_, &GenerateWorker::inspected, this, &DiffDialog::onInspected);
    }
    return worker_;
}

void DiffDialog::writeSamples(const QString& prefix, int length, double temperature, qint64 seed)
{
    pending_.clear();  // answers to an earlier batch are dropped
    if (prefix_->text() != prefix)
        prefix_->setText(prefix);
    length_->setValue(length);
    temperature_->setValue(temperature);
    seed_->setValue(static_cast<int>(seed));
    for (int c = 0; c < static_cast<int>(runs_.size()); ++c) {
        const StoredRun& r = runs_[static_cast<std::size_t>(c)];
        auto* item = new QTableWidgetItem;
        item->setData(Qt::UserRole, QString());
        samples_->setItem(0, c, item);
        const RuleVerdict possible = canGenerate(r);
        if (r.isTranslation() || !possible) {
            item->setText(r.isTranslation() ? tr("(a translation model: open it in the Translate tab)")
                                            : QString::fromStdString(possible.reason));
            continue;
        }
        item->setText(tr("(loading the weights of run %1 and writing…)").arg(r.id));
        const int request = nextRequest_++;
        pending_.insert(request, c);
        GenerateWorker* writer = worker();  // started before its first use below
        QMetaObject::invokeMethod(
            writer,
            [g = writer, request, id = r.id, yaml = QString::fromStdString(r.configYaml),
             path = QString::fromStdString(store_->checkpointPath(r.id)), prefix, length, temperature, seed] {
                g->generate(request, id, yaml, path, prefix, length, temperature, seed);
            },
            Qt::QueuedConnection);
    }
    writeButton_->setEnabled(pending_.isEmpty());
    if (pending_.isEmpty())
        Q_EMIT samplesWritten();
}

void DiffDialog::onGenerated(int requestId, qint64, const QString& text, const QString& error)
{
    if (!pending_.contains(requestId))
        return;
    const int column = pending_.take(requestId);
    QTableWidgetItem* item = samples_->item(0, column);
    item->setText(error.isEmpty() ? text : tr("(could not write: %1)").arg(error));
    item->setData(Qt::UserRole, error.isEmpty() ? text : QString());
    if (pending_.isEmpty()) {
        writeButton_->setEnabled(true);
        Q_EMIT samplesWritten();
    }
}

QString DiffDialog::sample(qint64 id) const
{
    for (int c = 0; c < static_cast<int>(runs_.size()); ++c)
        if (runs_[static_cast<std::size_t>(c)].id == id && samples_->item(0, c))
            return samples_->item(0, c)->data(Qt::UserRole).toString();
    return {};
}

} // namespace traveller::ui
