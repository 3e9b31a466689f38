#include "traveller/ui/SamplesView.h"

#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace traveller::ui {

namespace {
enum Column { kRunColumn, kEpochColumn, kSampleColumn, kRegeneratedColumn, kColumnCount };
}

SamplesView::SamplesView(QWidget* parent) : QWidget(parent)
{
    const QFont mono = monospace(font());

    table_ = new QTableWidget(0, kColumnCount, this);
    table_->setObjectName("samplesTable");
    table_->setHorizontalHeaderLabels({tr("Run"), tr("Epoch"), tr("Sample"), tr("Regenerated")});
    table_->horizontalHeader()->setSectionResizeMode(kRunColumn, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(kEpochColumn, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(kSampleColumn, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(kRegeneratedColumn, QHeaderView::Stretch);
    table_->verticalHeader()->setVisible(false);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setWordWrap(true);
    // Rows as tall as their wrapped samples, also after the window's zoom
    // sets every table's default row height.
    table_->setProperty("rowsFitContents", true);
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        const int id = selectedRun();
        showTimeline(id);
        Q_EMIT selectedRunChanged(id);
    });

    prefix_ = new QLineEdit("time traveller", this);
    prefix_->setObjectName("prefixEdit");
    prefix_->setToolTip(tr("Text every run continues"));
    temperature_ = new QDoubleSpinBox(this);
    temperature_->setObjectName("temperatureSpin");
    temperature_->setRange(0.0, 5.0);
    temperature_->setSingleStep(0.1);
    temperature_->setSpecialValueText(tr("greedy"));
    temperature_->setToolTip(tr("0 = greedy argmax (the book); above 0 samples from softmax(logits / T)"));
    length_ = new QSpinBox(this);
    length_->setObjectName("lengthSpin");
    length_->setRange(1, 1000);
    length_->setValue(50);
    length_->setSuffix(tr(" tokens"));
    regenerate_ = new QPushButton(tr("Regenerate all"), this);
    regenerate_->setToolTip(tr("Continue the prefix with every run's latest weights"));
    regenerate_->setObjectName("regenerateButton");
    connect(regenerate_, &QPushButton::clicked, this, [this] {
        if (!prefix_->text().isEmpty())
            Q_EMIT regenerateRequested(prefix_->text(), length_->value(), temperature_->value());
    });
    connect(prefix_, &QLineEdit::returnPressed, regenerate_, &QPushButton::click);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Prefix"), this));
    bar->addWidget(prefix_, 1);
    auto* temperatureLabel = new QLabel(tr("T"), this);
    temperatureLabel->setToolTip(temperature_->toolTip());
    bar->addWidget(temperatureLabel);
    bar->addWidget(temperature_);
    bar->addWidget(length_);
    bar->addWidget(regenerate_);

    timelineTitle_ = new QLabel(tr("Timeline: select a run"), this);
    timeline_ = new QPlainTextEdit(this);
    timeline_->setObjectName("timelineView");
    timeline_->setReadOnly(true);
    timeline_->setFont(mono);
    timeline_->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto* timelineBox = new QWidget(this);
    auto* timelineLayout = new QVBoxLayout(timelineBox);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->addWidget(timelineTitle_);
    timelineLayout->addWidget(timeline_);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table_);
    split->addWidget(timelineBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
}

int SamplesView::rowOf(int runId) const { return rows_.indexOf(runId); }

void SamplesView::addRun(int runId, const QString& name)
{
    if (rowOf(runId) >= 0)
        return;
    const int row = table_->rowCount();
    table_->insertRow(row);
    rows_.append(runId);
    names_.insert(runId, name);
    table_->setItem(row, kRunColumn, new QTableWidgetItem(name));
    table_->setItem(row, kEpochColumn, new QTableWidgetItem(QString()));
    table_->setItem(row, kSampleColumn, new QTableWidgetItem(tr("(waiting for the first sample)")));
    table_->setItem(row, kRegeneratedColumn, new QTableWidgetItem(QString()));
    for (int c = 0; c < kColumnCount; ++c)
        table_->item(row, c)->setFont(c >= kSampleColumn ? monospace(font()) : table_->font());
}

void SamplesView::removeRun(int runId)
{
    const int row = rowOf(runId);
    if (row < 0)
        return;
    const bool shown = selectedRun() == runId;
    table_->removeRow(row);
    rows_.removeAt(row);
    names_.remove(runId);
    timelines_.remove(runId);
    regenerated_.remove(runId);
    if (shown)
        showTimeline(selectedRun());
}

QFont SamplesView::monospace(const QFont& like)
{
    // The system's fixed font at the size of the text around it, so zoom and
    // presentation mode enlarge the samples too.
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (like.pointSizeF() > 0)
        mono.setPointSizeF(like.pointSizeF());
    return mono;
}

void SamplesView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::FontChange)
        return;
    const QFont mono = monospace(font());
    timeline_->setFont(mono);
    for (int row = 0; row < table_->rowCount(); ++row)
        for (int c = 0; c < kColumnCount; ++c)
            if (QTableWidgetItem* item = table_->item(row, c))
                item->setFont(c >= kSampleColumn ? mono : font());
    table_->resizeRowsToContents();
}

void SamplesView::setRunName(int runId, const QString& name)
{
    names_.insert(runId, name);
    if (const int row = rowOf(runId); row >= 0)
        table_->item(row, kRunColumn)->setText(name);
    if (runId == selectedRun())
        showTimeline(runId);
}

void SamplesView::addSample(int runId, int epoch, const QString& text)
{
    auto& entries = timelines_[runId];
    if (!entries.isEmpty() && entries.last().epoch == epoch)
        entries.last().text = text;  // the end-of-run sample repeats the last interval's
    else
        entries.append({epoch, text});
    if (const int row = rowOf(runId); row >= 0) {
        table_->item(row, kEpochColumn)->setText(QString::number(epoch));
        table_->item(row, kSampleColumn)->setText(text);
        table_->item(row, kSampleColumn)->setToolTip(text);
        table_->resizeRowToContents(row);
    }
    if (runId == selectedRun())
        showTimeline(runId);
}

void SamplesView::setRegenerated(int runId, const QString& prefix, const QString& text)
{
    regenerated_.insert(runId, text);
    if (const int row = rowOf(runId); row >= 0) {
        table_->item(row, kRegeneratedColumn)->setText(text);
        table_->item(row, kRegeneratedColumn)->setToolTip(tr("prefix \"%1\"").arg(prefix));
        table_->resizeRowToContents(row);
    }
}

void SamplesView::setRegeneratePending(int runId, const QString& note)
{
    if (const int row = rowOf(runId); row >= 0)
        table_->item(row, kRegeneratedColumn)->setText(note);
}

void SamplesView::selectRun(int runId)
{
    if (const int row = rowOf(runId); row >= 0)
        table_->selectRow(row);
}

int SamplesView::selectedRun() const
{
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return -1;
    return rows_.value(rows.first().row(), -1);
}

QString SamplesView::latestSample(int runId) const
{
    const auto entries = timelines_.value(runId);
    return entries.isEmpty() ? QString() : entries.last().text;
}

int SamplesView::latestEpoch(int runId) const
{
    const auto entries = timelines_.value(runId);
    return entries.isEmpty() ? 0 : entries.last().epoch;
}

QString SamplesView::regenerated(int runId) const { return regenerated_.value(runId); }

int SamplesView::timelineLength(int runId) const { return static_cast<int>(timelines_.value(runId).size()); }

void SamplesView::showTimeline(int runId)
{
    if (runId < 0) {
        timelineTitle_->setText(tr("Timeline: select a run"));
        timeline_->clear();
        return;
    }
    timelineTitle_->setText(tr("Timeline of %1: its continuation at every sample interval").arg(names_.value(runId)));
    QString text;
    for (const Entry& e : timelines_.value(runId))
        text += QStringLiteral("epoch %1 | %2\n").arg(e.epoch, 5).arg(e.text);
    timeline_->setPlainText(text);
}

} // namespace traveller::ui
