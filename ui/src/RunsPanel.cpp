#include "traveller/ui/RunsPanel.h"

#include "Format.h"
#include "TableItems.h"

#include "traveller/core/RunRules.h"
#include "traveller/core/Errors.h"
#include "traveller/ui/CompareDialog.h"
#include "traveller/ui/GenerateWorker.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/StoredRunWorker.h"

#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QThread>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#ifndef TRAVELLER_VERSION
#define TRAVELLER_VERSION ""
#endif

namespace traveller::ui {

namespace {

// A training run's curve in the details chart is re-read this often.
constexpr int kLiveRedrawMs = 250;

// A translation run's held-out corpus BLEU-4 from its stored results (JSON);
// NaN when there is none.
double heldoutBleu(const std::string& results)
{
    const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(results)).object();
    const QJsonValue score = root.value("heldout").toObject().value("corpus_bleu");
    return root.value("heldout_pairs").toInt() > 0 && score.isDouble() ? score.toDouble() : std::nan("");
}

enum Column {
    kIdColumn,
    kNameColumn,
    kCellColumn,
    kHiddenColumn,
    kLrColumn,
    kSweepColumn,
    kLabelColumn,
    kTagsColumn,
    kStatusColumn,
    kEpochsColumn,
    kPerplexityColumn,
    kBleuColumn,
    kSpeedColumn,
    kTimeColumn,
    kCreatedColumn,
    kColumns
};

QString joinTags(const std::vector<std::string>& tags)
{
    QStringList out;
    for (const auto& t : tags)
        out << QString::fromStdString(t);
    return out.join(QStringLiteral(", "));
}

QString localTime(const std::string& iso)
{
    QDateTime t = QDateTime::fromString(QString::fromStdString(iso), Qt::ISODate);
    if (!t.isValid())
        return QString::fromStdString(iso);
    if (t.timeSpec() == Qt::LocalTime)
        t.setTimeZone(QTimeZone::utc());  // the library writes UTC
    return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

RunsPanel::RunsPanel(RunLibrary& library, QString dataDir, QWidget* parent)
    : QWidget(parent), library_(library), dataDir_(std::move(dataDir))
{
    registerUiMetaTypes();
    liveTimer_ = new QTimer(this);
    liveTimer_->setSingleShot(true);
    liveTimer_->setInterval(kLiveRedrawMs);
    connect(liveTimer_, &QTimer::timeout, this, &RunsPanel::showDetails);
    buildUi();
    updateControls();
}

RunsPanel::~RunsPanel()
{
    // Abort, then wait: the trainer notices within one batch; a generate call
    // in flight finishes its few hundred characters first.
    if (worker_)
        worker_->requestStop();
    for (QThread* t : {thread_, generateThread_}) {
        if (!t)
            continue;
        t->quit();
        t->wait();
    }
    delete worker_.data();  // normally gone already through finished -> deleteLater
    delete generator_.data();
    delete thread_;
    delete generateThread_;
}

void RunsPanel::buildUi()
{
    libraryLabel_ = new QLabel;
    libraryLabel_->setObjectName("libraryLabel");
    libraryLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    libraryLabel_->setText(tr("Library: %1").arg(QDir::toNativeSeparators(library_.folder())));

    filter_ = new QLineEdit;
    filter_->setObjectName("runsFilter");
    filter_->setPlaceholderText(tr("Filter: text in any column (name, tag, status…)"));
    filter_->setClearButtonEnabled(true);

    auto button = [this](const char* name, const QString& text, const QString& tip) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        return b;
    };
    refreshButton_ = button("refreshRunsButton", tr("Refresh"),
                            tr("Read the library again (other sessions and the CLI write to it too)"));
    openButton_ = button("openRunButton", tr("Open"),
                         tr("Open the run in its own tab: a language model's settings in the Language model form, a "
                            "translation model in the Translate tab to translate with again"));
    renameButton_ = button("renameRunButton", tr("Rename…"), tr("Rename the selected run"));
    tagButton_ = button("tagRunsButton", tr("Tag…"), tr("Add a tag to the selected runs"));
    untagButton_ = button("untagRunsButton", tr("Untag…"), tr("Remove a tag from the selected runs"));
    deleteButton_ =
        button("deleteRunsButton", tr("Delete…"), tr("Delete the selected runs, their metrics and their weights"));
    rerunButton_ = button("rerunButton", tr("Re-run"), tr("Train a new run with the same experiment"));
    resumeButton_ =
        button("resumeRunButton", tr("Resume"), tr("Continue an interrupted or stopped run from its last checkpoint"));
    stopButton_ = button("stopRunButton", tr("Stop"), tr("Stop the run this tab is training (it can be resumed)"));
    compareButton_ =
        button("compareRunsButton", tr("Compare…"), tr("Curves, samples side by side, and the settings that differ"));

    connect(refreshButton_, &QPushButton::clicked, this, &RunsPanel::refresh);
    connect(openButton_, &QPushButton::clicked, this, [this] {
        if (selectedIds().isEmpty())
            return;
        const qint64 id = selectedIds().first();
        openRun(id);
        const StoredRun* r = storedRun(id);
        if (r && r->isTranslation())
            Q_EMIT openInTranslateRequested(id);
        else if (r)
            Q_EMIT openInLanguageModelRequested(id);
    });
    connect(renameButton_, &QPushButton::clicked, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (ids.size() != 1)
            return;
        const int row = sourceRow(ids.first());
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Rename run %1").arg(ids.first()), tr("Name:"),
                                                   QLineEdit::Normal, model_->item(row, kNameColumn)->text(), &ok);
        if (ok && !name.trimmed().isEmpty())
            renameRun(ids.first(), name.trimmed());
    });
    connect(tagButton_, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString tag = QInputDialog::getText(this, tr("Tag runs"), tr("Tag:"), QLineEdit::Normal, QString(), &ok);
        if (ok && !tag.trimmed().isEmpty())
            tagRuns(selectedIds(), tag.trimmed());
    });
    connect(untagButton_, &QPushButton::clicked, this, [this] {
        QStringList tags;
        const QList<qint64> ids = selectedIds();
        for (const StoredRun& r : runs_)
            if (ids.contains(r.id))
                for (const auto& t : r.tags)
                    if (!tags.contains(QString::fromStdString(t)))
                        tags << QString::fromStdString(t);
        if (tags.isEmpty()) {
            showMessage(tr("The selected runs have no tags"));
            return;
        }
        bool ok = false;
        const QString tag = QInputDialog::getItem(this, tr("Untag runs"), tr("Tag:"), tags, 0, false, &ok);
        if (ok)
            untagRuns(ids, tag);
    });
    connect(deleteButton_, &QPushButton::clicked, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (ids.isEmpty())
            return;
        const auto answer = QMessageBox::question(
            this, tr("Delete runs"),
            tr("Delete %n run(s) with their metrics, samples and weights? This cannot be undone.", nullptr,
               static_cast<int>(ids.size())),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer == QMessageBox::Yes)
            deleteRuns(ids);
    });
    connect(rerunButton_, &QPushButton::clicked, this, [this] {
        if (selectedIds().size() == 1)
            rerun(selectedIds().first());
    });
    connect(resumeButton_, &QPushButton::clicked, this, [this] {
        if (selectedIds().size() == 1)
            resume(selectedIds().first());
    });
    connect(stopButton_, &QPushButton::clicked, this, &RunsPanel::stopTraining);
    connect(compareButton_, &QPushButton::clicked, this, [this] { compare(selectedIds()); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(refreshButton_);
    bar->addWidget(filter_, 1);
    for (auto* b : {openButton_, renameButton_, tagButton_, untagButton_, deleteButton_, rerunButton_, resumeButton_,
                    stopButton_, compareButton_})
        bar->addWidget(b);

    message_ = new QLabel;
    message_->setObjectName("runsMessage");
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->hide();

    model_ = new QStandardItemModel(0, kColumns, this);
    model_->setHorizontalHeaderLabels({tr("Id"), tr("Name"), tr("Cell"), tr("Hidden"), tr("LR"), tr("Sweep"), tr("Label"),
                                       tr("Tags"), tr("Status"),
                                       tr("Epochs"), tr("Perplexity"), tr("BLEU"), tr("tok/s"), tr("Time"), tr("Created")});
    proxy_ = table::makeProxy(this);
    proxy_->setSourceModel(model_);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);

    view_ = new QTableView;
    view_->setObjectName("runsLibraryTable");
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->sortByColumn(kIdColumn, Qt::DescendingOrder);  // newest first
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view_->verticalHeader()->setVisible(false);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setWordWrap(false);
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (!ids.isEmpty() && !ids.contains(opened_))
            opened_ = ids.first();
        showDetails();
        updateControls();
    });
    connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        openRun(proxy_->mapToSource(index).siblingAtColumn(kIdColumn).data(table::kIdRole).toLongLong());
    });

    // ---- details of the opened run
    detailsTitle_ = new QLabel(tr("Select a run to see its curve and samples."));
    detailsTitle_->setObjectName("runDetailsTitle");
    detailsTitle_->setWordWrap(true);
    detailsTitle_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    chart_ = new LineChart(tr("epoch"), tr("perplexity"));
    chart_->setObjectName("runsChart");
    chart_->setTitle(tr("Perplexity of the selected runs"));
    chart_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: perplexity %3").arg(name).arg(x, 0, 'f', 0).arg(y, 0, 'f', 3);
    });
    samples_ = new QPlainTextEdit;
    samples_->setObjectName("runSamples");
    samples_->setReadOnly(true);
    samples_->setLineWrapMode(QPlainTextEdit::NoWrap);
    samples_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    prefix_ = new QLineEdit(QStringLiteral("time traveller"));
    prefix_->setObjectName("runPrefixEdit");
    prefix_->setMinimumWidth(prefix_->fontMetrics().horizontalAdvance(QStringLiteral("time traveller")) + 16);
    temperature_ = new QDoubleSpinBox;
    temperature_->setObjectName("runTemperature");
    temperature_->setRange(0.0, 5.0);
    temperature_->setSingleStep(0.1);
    temperature_->setSpecialValueText(tr("greedy"));
    temperature_->setToolTip(tr("0 writes the most likely character each step (the book); above 0 samples"));
    length_ = new QSpinBox;
    length_->setObjectName("runLength");
    length_->setRange(1, 2000);
    length_->setValue(100);
    writeButton_ = new QPushButton(tr("Regenerate"));
    writeButton_->setObjectName("runRegenerateButton");
    writeButton_->setToolTip(tr("Load the run's stored weights and continue the prefix"));
    connect(writeButton_, &QPushButton::clicked, this,
            [this] { regenerate(prefix_->text(), length_->value(), temperature_->value()); });
    connect(prefix_, &QLineEdit::returnPressed, writeButton_, &QPushButton::click);
    written_ = new QPlainTextEdit;
    written_->setObjectName("runRegenerated");
    written_->setReadOnly(true);
    written_->setMaximumHeight(90);
    auto* writeBar = new QHBoxLayout;
    writeBar->addWidget(new QLabel(tr("Prefix:")));
    writeBar->addWidget(prefix_, 1);
    writeBar->addWidget(new QLabel(tr("T:")));
    writeBar->addWidget(temperature_);
    writeBar->addWidget(new QLabel(tr("Length:")));
    writeBar->addWidget(length_);
    writeBar->addWidget(writeButton_);

    auto* details = new QWidget;
    auto* detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(detailsTitle_);
    auto* detailsSplit = new QSplitter(Qt::Vertical);
    detailsSplit->addWidget(chart_);
    detailsSplit->addWidget(samples_);
    detailsSplit->setStretchFactor(0, 3);
    detailsSplit->setStretchFactor(1, 2);
    detailsLayout->addWidget(detailsSplit, 1);
    detailsLayout->addLayout(writeBar);
    detailsLayout->addWidget(written_);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(view_);
    split->addWidget(details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({860, 500});

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(libraryLabel_);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    // Below the table: a message that appears never moves the rows under the pointer.
    layout->addWidget(message_);
}

std::shared_ptr<RunStore> RunsPanel::store()
{
    auto s = library_.store();
    if (!s)
        showMessage(tr("Cannot open the run library %1: %2").arg(library_.folder(), library_.error()), true);
    return s;
}

// ---------------------------------------------------------------- table

void RunsPanel::refresh()
{
    auto s = store();
    if (!s)
        return;
    try {
        runs_ = s->runs();
    } catch (const std::exception& e) {
        showMessage(tr("Could not read the library: %1").arg(QString::fromStdString(e.what())), true);
        return;
    }
    const QList<qint64> selected = selectedIds();
    {
        // One reset instead of a selection signal per removed row.
        const QSignalBlocker block(view_->selectionModel());
        model_->removeRows(0, model_->rowCount());
        view_->setSortingEnabled(false);
        for (const StoredRun& r : runs_) {
            QList<QStandardItem*> items;
            for (int c = 0; c < kColumns; ++c)
                items << table::item();
            table::setNumber(items[kIdColumn], static_cast<double>(r.id), QString::number(r.id));
            items[kIdColumn]->setData(QVariant::fromValue<qint64>(r.id), table::kIdRole);
            table::setText(items[kNameColumn], QString::fromStdString(r.name));
            // What tells lab runs apart, from the run's own settings.
            try {
                if (r.isTranslation()) {
                    const TranslationConfig t = r.translationConfig();
                    table::setText(items[kCellColumn],
                                   tr("seq2seq %1%2")
                                       .arg(QString::fromStdString(toString(t.model.cell)),
                                            t.model.decoder == S2sDecoder::Attention ? tr(" + attention") : QString()));
                    table::setNumber(items[kHiddenColumn], t.model.hidden, QString::number(t.model.hidden));
                    table::setNumber(items[kLrColumn], t.train.lr, QString::fromStdString(translationValue(t, "train.lr")));
                    const double bleu = heldoutBleu(r.results);
                    table::setNumber(items[kBleuColumn], bleu, std::isfinite(bleu) ? QString::number(bleu, 'f', 3) : QString());
                    items[kBleuColumn]->setToolTip(tr("Corpus BLEU-4 over the held-out pairs"));
                } else {
                    const ExperimentConfig config = r.config();
                    table::setText(items[kCellColumn],
                                   QString::fromStdString(toString(config.model.arch)) +
                                       (config.model.layers > 1 ? QStringLiteral(" ×%1").arg(config.model.layers) : QString()));
                    table::setNumber(items[kHiddenColumn], config.model.hidden, QString::number(config.model.hidden));
                    table::setNumber(items[kLrColumn], config.train.lr,
                                     QString::fromStdString(configValue(config, "train.lr")));
                }
            } catch (const std::exception&) {
                table::setText(items[kCellColumn], QStringLiteral("?"));  // a config this version cannot read
            }
            table::setText(items[kSweepColumn], QString::fromStdString(r.sweep));
            table::setText(items[kLabelColumn], QString::fromStdString(r.label));
            table::setText(items[kTagsColumn], joinTags(r.tags));
            table::setText(items[kStatusColumn], QString::fromStdString(r.status));
            if (needsAttention(storedState(r)))
                items[kStatusColumn]->setForeground(QColor("#b00020"));
            items[kStatusColumn]->setToolTip(QString::fromStdString(r.message));
            table::setNumber(items[kEpochsColumn], r.epochsDone,
                             QStringLiteral("%1/%2").arg(r.epochsDone).arg(r.epochs));
            // A translation run's value is its loss: not a perplexity.
            const bool hasPerplexity = r.epochsDone > 0 && !r.isTranslation();
            table::setNumber(items[kPerplexityColumn], hasPerplexity ? r.perplexity : std::nan(""),
                             hasPerplexity ? format::number(r.perplexity) : QString());
            table::setNumber(items[kSpeedColumn], r.tokensPerSecond > 0 ? r.tokensPerSecond : std::nan(""),
                             r.tokensPerSecond > 0 ? QString::number(r.tokensPerSecond, 'f', 0) : QString());
            table::setNumber(items[kTimeColumn], r.seconds > 0 ? r.seconds : std::nan(""),
                             r.seconds > 0 ? format::duration(r.seconds) : QString());
            table::setText(items[kCreatedColumn], localTime(r.createdAt));
            items[kCreatedColumn]->setData(QString::fromStdString(r.createdAt), table::kSortRole);
            model_->appendRow(items);
        }
        view_->setSortingEnabled(true);
    }
    view_->resizeColumnsToContents();
    if (view_->columnWidth(kNameColumn) > 260)
        view_->setColumnWidth(kNameColumn, 260);
    selectRuns(selected);
    if (opened_ > 0 && sourceRow(opened_) < 0)
        opened_ = 0;  // deleted
    showDetails();
    updateControls();
}

int RunsPanel::sourceRow(qint64 id) const
{
    for (int row = 0; row < model_->rowCount(); ++row)
        if (model_->item(row, kIdColumn)->data(table::kIdRole).toLongLong() == id)
            return row;
    return -1;
}

void RunsPanel::selectRuns(const QList<qint64>& ids)
{
    QItemSelection selection;
    for (qint64 id : ids) {
        const int row = sourceRow(id);
        if (row < 0)
            continue;
        const QModelIndex first = proxy_->mapFromSource(model_->index(row, 0));
        if (!first.isValid())
            continue;  // filtered out
        selection.select(first, first.siblingAtColumn(kColumns - 1));
    }
    view_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty())
        view_->scrollTo(selection.indexes().first());
}

void RunsPanel::setRunsInUse(const QList<qint64>& ids)
{
    inUse_ = ids;
    updateControls();
}

QList<qint64> RunsPanel::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex& i : view_->selectionModel()->selectedRows(kIdColumn))
        ids << proxy_->mapToSource(i).data(table::kIdRole).toLongLong();
    std::sort(ids.begin(), ids.end());
    return ids;
}

QList<qint64> RunsPanel::listedIds() const
{
    QList<qint64> ids;
    for (int row = 0; row < proxy_->rowCount(); ++row)
        ids << proxy_->index(row, kIdColumn).data(table::kIdRole).toLongLong();
    return ids;
}

int RunsPanel::column(const QString& header) const
{
    for (int c = 0; c < model_->columnCount(); ++c)
        if (model_->headerData(c, Qt::Horizontal).toString() == header)
            return c;
    return -1;
}

QString RunsPanel::cell(qint64 id, const QString& header) const
{
    const int row = sourceRow(id);
    const int c = column(header);
    return row < 0 || c < 0 ? QString() : model_->item(row, c)->text();
}

QString RunsPanel::message() const { return message_->text(); }

void RunsPanel::showMessage(const QString& text, bool error)
{
    message_->setText(text);
    message_->setStyleSheet(error ? "color: #b00020;" : "");
    message_->setVisible(!text.isEmpty());
}

void RunsPanel::updateControls()
{
    const QList<qint64> ids = selectedIds();
    const StoredRun* one = nullptr;
    if (ids.size() == 1)
        for (const StoredRun& r : runs_)
            if (r.id == ids.first())
                one = &r;
    bool anyRunning = false;
    for (const StoredRun& r : runs_)
        anyRunning = anyRunning || (ids.contains(r.id) && (r.status == kStatusRunning || inUse_.contains(r.id)));
    const bool busy = training();
    openButton_->setEnabled(!ids.isEmpty());
    renameButton_->setEnabled(ids.size() == 1);
    tagButton_->setEnabled(!ids.isEmpty());
    untagButton_->setEnabled(!ids.isEmpty());
    deleteButton_->setEnabled(!ids.isEmpty() && !anyRunning);
    bool anyTranslation = false;
    for (const StoredRun& r : runs_)
        anyTranslation = anyTranslation || (ids.contains(r.id) && r.isTranslation());
    // A translation run trains and translates in the Translate tab (Open).
    rerunButton_->setEnabled(one && !busy && !one->isTranslation());
    const RuleVerdict resumable = one ? canResume(*one) : RuleVerdict{};
    resumeButton_->setEnabled(one && !busy && resumable && !inUse_.contains(one->id));
    resumeButton_->setToolTip(resumable ? tr("Continue an interrupted or stopped run from its last checkpoint")
                                        : QString::fromStdString(resumable.reason));
    stopButton_->setEnabled(busy);
    compareButton_->setEnabled(ids.size() >= 2 && !anyTranslation);
    const StoredRun* opened = nullptr;
    for (const StoredRun& r : runs_)
        if (r.id == opened_)
            opened = &r;
    writeButton_->setEnabled(opened && opened->checkpointEpoch > 0 && !opened->isTranslation());
    writeButton_->setToolTip(opened && opened->checkpointEpoch > 0
                                 ? tr("Load the weights of run %1 (epoch %2) and continue the prefix")
                                       .arg(opened->id)
                                       .arg(opened->checkpointEpoch)
                                 : tr("The opened run has no stored weights yet"));
}

// ---------------------------------------------------------------- details

void RunsPanel::openRun(qint64 id)
{
    if (sourceRow(id) < 0)
        refresh();
    if (sourceRow(id) < 0) {
        showMessage(tr("No run %1 in the library").arg(id), true);
        return;
    }
    opened_ = id;
    if (!selectedIds().contains(id))
        selectRuns({id});
    showDetails();
    updateControls();
}

void RunsPanel::showDetails()
{
    QList<qint64> ids = selectedIds();
    if (opened_ > 0 && !ids.contains(opened_))
        ids.prepend(opened_);
    auto s = library_.store();
    if (!s || ids.isEmpty()) {
        chart_->removeAll();
        samples_->clear();
        detailsTitle_->setText(tr("Select a run to see its curve and samples."));
        return;
    }
    const LineChart::Batch batch(chart_);
    for (const QString& key : chart_->keys()) {
        bool keep = false;
        for (qint64 id : std::as_const(ids))
            keep = keep || key == QStringLiteral("run%1").arg(id);
        if (!keep)
            chart_->removeSeries(key);
    }
    try {
        for (qint64 id : std::as_const(ids)) {
            const QString key = QStringLiteral("run%1").arg(id);
            const int row = sourceRow(id);
            const QString name = row >= 0 ? model_->item(row, kNameColumn)->text() : QString();
            if (!chart_->hasSeries(key))
                chart_->addSeries(key, tr("#%1 %2").arg(id).arg(name), LineChart::Style::Line,
                                  format::runColor(id));
            chart_->setLabel(key, tr("#%1 %2").arg(id).arg(name));
            chart_->setPoints(key, format::perplexityCurve(s->epochs(id)));
        }
        if (opened_ <= 0)
            return;
        const StoredRun r = s->run(opened_);
        const auto epochs = s->epochs(opened_);
        if (r.isTranslation()) {
            showTranslationDetails(r);
            return;
        }
        detailsTitle_->setText(tr("<b>#%1 %2</b> — %3, %4/%5 epochs, perplexity %6, %7 on %8")
                                   .arg(r.id)
                                   .arg(QString::fromStdString(r.name).toHtmlEscaped(),
                                        QString::fromStdString(r.status))
                                   .arg(r.epochsDone)
                                   .arg(r.epochs)
                                   .arg(format::number(r.perplexity), format::duration(r.seconds),
                                        QString::fromStdString(r.device.empty() ? "—" : r.device).toHtmlEscaped()));
        QString text;
        if (!r.samples.empty()) {
            text += tr("Final samples (epoch %1):\n").arg(r.epochsDone);
            for (const auto& [prefix, continuation] : r.samples)
                text += QStringLiteral("  %1\n").arg(QString::fromStdString(continuation));
            text += QLatin1Char('\n');
        }
        bool timeline = false;
        for (const auto& e : epochs) {
            if (e.sample.empty())
                continue;
            if (!timeline)
                text += tr("At each sample interval:\n");
            timeline = true;
            text += QStringLiteral("  epoch %1 | %2\n").arg(e.epoch, 5).arg(QString::fromStdString(e.sample));
        }
        if (!r.message.empty())
            text += QLatin1Char('\n') + QString::fromStdString(r.message) + QLatin1Char('\n');
        if (text.isEmpty())
            text = tr("(no samples recorded yet)");
        if (samples_->toPlainText() != text)
            samples_->setPlainText(text);
        try {
            const QString prefix = QString::fromStdString(r.config().sample.prefix);
            if (prefix_->text().isEmpty())
                prefix_->setText(prefix);
        } catch (const ConfigError&) {
        }
    } catch (const std::exception& e) {
        showMessage(tr("Could not read run %1: %2").arg(opened_).arg(QString::fromStdString(e.what())), true);
    }
}

void RunsPanel::showTranslationDetails(const StoredRun& r)
{
    const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(r.results)).object();
    const double heldout = heldoutBleu(r.results);
    detailsTitle_->setText(tr("<b>#%1 %2</b> — translation, %3, %4/%5 epochs, loss %6, held-out BLEU-4 %7, %8")
                               .arg(r.id)
                               .arg(QString::fromStdString(r.name).toHtmlEscaped(), QString::fromStdString(r.status))
                               .arg(r.epochsDone)
                               .arg(r.epochs)
                               .arg(format::number(r.perplexity, 4),
                                    std::isfinite(heldout) ? QString::number(heldout, 'f', 3) : QStringLiteral("—"),
                                    format::duration(r.seconds)));
    QString text = tr("The book's sentences (source → output | reference, BLEU):\n");
    for (const QJsonValue& row : root.value("eval").toObject().value("rows").toArray()) {
        const QJsonObject o = row.toObject();
        text += QStringLiteral("  %1 → %2 | %3, %4\n")
                    .arg(o.value("source").toString(), o.value("output").toString(), o.value("reference").toString())
                    .arg(o.value("bleu").toDouble(), 0, 'f', 3);
    }
    if (!r.message.empty())
        text += QLatin1Char('\n') + QString::fromStdString(r.message) + QLatin1Char('\n');
    text += tr("\nOpen puts this model in the Translate tab, to translate with again.");
    if (samples_->toPlainText() != text)
        samples_->setPlainText(text);
}

const StoredRun* RunsPanel::storedRun(qint64 id) const
{
    for (const StoredRun& r : runs_)
        if (r.id == id)
            return &r;
    return nullptr;
}

// ---------------------------------------------------------------- actions

bool RunsPanel::renameRun(qint64 id, const QString& name)
{
    auto s = store();
    if (!s)
        return false;
    try {
        s->rename(id, name.toStdString());
        showMessage(tr("Run %1 is now \"%2\"").arg(id).arg(name));
        refresh();
        return true;
    } catch (const std::exception& e) {
        showMessage(tr("Could not rename run %1: %2").arg(id).arg(QString::fromStdString(e.what())), true);
        return false;
    }
}

bool RunsPanel::tagRuns(const QList<qint64>& ids, const QString& tag)
{
    auto s = store();
    if (!s || ids.isEmpty() || tag.isEmpty())
        return false;
    try {
        for (qint64 id : ids)
            s->addTag(id, tag.toStdString());
        showMessage(tr("Tagged %n run(s) \"%1\"", nullptr, static_cast<int>(ids.size())).arg(tag));
        refresh();
        return true;
    } catch (const std::exception& e) {
        showMessage(tr("Could not tag: %1").arg(QString::fromStdString(e.what())), true);
        refresh();
        return false;
    }
}

bool RunsPanel::untagRuns(const QList<qint64>& ids, const QString& tag)
{
    auto s = store();
    if (!s || ids.isEmpty() || tag.isEmpty())
        return false;
    try {
        for (qint64 id : ids)
            s->removeTag(id, tag.toStdString());
        showMessage(tr("Removed the tag \"%1\" from %n run(s)", nullptr, static_cast<int>(ids.size())).arg(tag));
        refresh();
        return true;
    } catch (const std::exception& e) {
        showMessage(tr("Could not untag: %1").arg(QString::fromStdString(e.what())), true);
        refresh();
        return false;
    }
}

bool RunsPanel::deleteRuns(const QList<qint64>& ids)
{
    auto s = store();
    if (!s || ids.isEmpty())
        return false;
    if (worker_ && ids.contains(worker_->runId())) {
        showMessage(tr("Run %1 is training: stop it before deleting it").arg(worker_->runId()), true);
        return false;
    }
    for (qint64 id : ids)
        if (inUse_.contains(id)) {
            showMessage(tr("Run %1 belongs to the sweep in progress: stop the sweep first").arg(id), true);
            return false;
        }
    try {
        for (qint64 id : ids) {
            if (s->run(id).status == kStatusRunning) {
                showMessage(tr("Run %1 is training (here or in another session): stop it first").arg(id), true);
                refresh();
                return false;
            }
            s->deleteRun(id);
        }
        if (ids.contains(opened_))
            opened_ = 0;
        showMessage(tr("Deleted %n run(s)", nullptr, static_cast<int>(ids.size())));
        refresh();
        return true;
    } catch (const std::exception& e) {
        showMessage(tr("Could not delete: %1").arg(QString::fromStdString(e.what())), true);
        refresh();
        return false;
    }
}

qint64 RunsPanel::rerun(qint64 id)
{
    auto s = store();
    if (!s)
        return -1;
    if (training()) {
        showMessage(tr("This tab trains one run at a time: stop run %1 first").arg(worker_ ? worker_->runId() : 0),
                    true);
        return -1;
    }
    try {
        const StoredRun old = s->run(id);
        const qint64 newId = s->createRun({old.config(), old.name, old.sweep, old.label, TRAVELLER_VERSION});
        refresh();
        if (!train(newId, tr("Re-running run %1 as run %2").arg(id).arg(newId)))
            return -1;
        return newId;
    } catch (const std::exception& e) {
        showMessage(tr("Could not re-run run %1: %2").arg(id).arg(QString::fromStdString(e.what())), true);
        return -1;
    }
}

bool RunsPanel::resume(qint64 id)
{
    auto s = store();
    if (!s)
        return false;
    if (training()) {
        showMessage(tr("This tab trains one run at a time: stop run %1 first").arg(worker_ ? worker_->runId() : 0),
                    true);
        return false;
    }
    if (inUse_.contains(id)) {
        showMessage(tr("Run %1 belongs to the sweep in progress, which trains it").arg(id), true);
        return false;
    }
    try {
        const StoredRun r = s->run(id);
        if (const RuleVerdict resumable = canResume(r); !resumable) {
            showMessage(QString::fromStdString(resumable.reason), true);
            return false;
        }
        return train(id, r.checkpointEpoch > 0
                             ? tr("Resuming run %1 from its checkpoint at epoch %2 of %3")
                                   .arg(id)
                                   .arg(r.checkpointEpoch)
                                   .arg(r.epochs)
                             : tr("Training run %1 from the start (no checkpoint yet)").arg(id));
    } catch (const std::exception& e) {
        showMessage(tr("Could not resume run %1: %2").arg(id).arg(QString::fromStdString(e.what())), true);
        return false;
    }
}

bool RunsPanel::train(qint64 id, const QString& what)
{
    auto s = store();
    if (!s)
        return false;
    RecordOptions options;
    options.dataDir = dataDir_.toStdString();
    options.programVersion = TRAVELLER_VERSION;
    auto* worker = new StoredRunWorker(s, id, options);
    thread_ = new QThread;
    thread_->setObjectName(QStringLiteral("stored-run%1").arg(id));
    worker_ = worker;
    worker->moveToThread(thread_);
    connect(thread_, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread_, &QThread::started, worker, &StoredRunWorker::run);
    connect(worker, &StoredRunWorker::epochDone, this, &RunsPanel::onEpoch, Qt::QueuedConnection);
    connect(worker, &StoredRunWorker::finished, this, &RunsPanel::onTrainingFinished, Qt::QueuedConnection);
    thread_->start();
    opened_ = id;
    selectRuns({id});
    showMessage(what);
    updateControls();
    return true;
}

void RunsPanel::stopTraining()
{
    if (worker_) {
        worker_->requestStop();
        showMessage(tr("Stopping run %1…").arg(worker_->runId()));
    }
}

void RunsPanel::onEpoch(qint64 id, const EpochStats& stats)
{
    const int row = sourceRow(id);
    if (row >= 0) {
        table::setText(model_->item(row, kStatusColumn), QStringLiteral("running"));
        table::setNumber(model_->item(row, kEpochsColumn), stats.epoch,
                         QStringLiteral("%1/%2").arg(stats.epoch).arg(stats.epochs));
        table::setNumber(model_->item(row, kPerplexityColumn), stats.perplexity, format::number(stats.perplexity));
        table::setNumber(model_->item(row, kSpeedColumn), stats.tokensPerSecond,
                         QString::number(stats.tokensPerSecond, 'f', 0));
        table::setNumber(model_->item(row, kTimeColumn), stats.elapsedSeconds, format::duration(stats.elapsedSeconds));
    }
    if ((id == opened_ || selectedIds().contains(id)) && !liveTimer_->isActive())
        liveTimer_->start();
}

void RunsPanel::onTrainingFinished(qint64 id, const RunOutcome& outcome)
{
    if (thread_) {
        thread_->quit();
        thread_->wait();
        delete worker_.data();
        delete thread_;
        thread_ = nullptr;
    }
    const bool bad = outcome.status == RunStatus::Failed || outcome.status == RunStatus::Diverged;
    showMessage(tr("Run %1 %2 after %n epoch(s): perplexity %3%4", nullptr, outcome.epochsDone)
                    .arg(id)
                    .arg(QString::fromStdString(toString(outcome.status)))
                    .arg(format::number(outcome.perplexity),
                         outcome.message.isEmpty() ? QString() : QStringLiteral(" — ") + outcome.message),
                bad);
    refresh();
    Q_EMIT trainingFinished(id, outcome);
}

// ---------------------------------------------------------------- text and comparison

bool RunsPanel::regenerate(const QString& prefix, int length, double temperature)
{
    auto s = store();
    if (!s || opened_ <= 0) {
        showMessage(tr("Open a run first"), true);
        return false;
    }
    if (prefix.isEmpty()) {
        showMessage(tr("Type a prefix to continue"), true);
        return false;
    }
    StoredRun r;
    try {
        r = s->run(opened_);
    } catch (const std::exception& e) {
        showMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    if (const RuleVerdict possible = canGenerate(r); !possible) {
        showMessage(QString::fromStdString(possible.reason), true);
        return false;
    }
    if (!generateThread_) {
        generateThread_ = new QThread;
        generateThread_->setObjectName("regenerate");
        generator_ = new GenerateWorker(dataDir_);
        generator_->moveToThread(generateThread_);
        connect(generateThread_, &QThread::finished, generator_, &QObject::deleteLater);
        connect(generator_, &GenerateWorker::generated, this, &RunsPanel::onGenerated, Qt::QueuedConnection);
        generateThread_->start();
    }
    // The bar shows what was asked, whether typed or called.
    if (prefix_->text() != prefix)
        prefix_->setText(prefix);
    length_->setValue(length);
    temperature_->setValue(temperature);
    const int requestId = nextRequestId_++;
    pendingRequest_ = requestId;
    written_->setPlainText(tr("(loading the weights of run %1 and writing…)").arg(r.id));
    QMetaObject::invokeMethod(
        generator_,
        [g = generator_.data(), requestId, id = r.id, yaml = QString::fromStdString(r.configYaml),
         checkpoint = QString::fromStdString(s->checkpointPath(r.id)), prefix, length, temperature] {
            g->generate(requestId, id, yaml, checkpoint, prefix, length, temperature);
        },
        Qt::QueuedConnection);
    return true;
}

void RunsPanel::onGenerated(int requestId, qint64 id, const QString& text, const QString& error)
{
    if (requestId == pendingRequest_)
        written_->setPlainText(error.isEmpty() ? text : tr("(could not write: %1)").arg(error));
    Q_EMIT generated(id, text, error);
}

CompareDialog* RunsPanel::compare(const QList<qint64>& ids)
{
    auto s = store();
    if (!s)
        return nullptr;
    if (ids.size() < 2) {
        showMessage(tr("Select two or more runs to compare"), true);
        return nullptr;
    }
    auto* dialog = new CompareDialog(s, ids, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

} // namespace traveller::ui
