#include "RunDetails.h"

#include "ChangeMarkers.h"
#include "ChartDisplayBar.h"

#include "traveller/core/Errors.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/ui/GenerateWorker.h"
#include "traveller/ui/LineChart.h"

#include "Format.h"
#include "traveller/ui/Language.h"
#include "RunsLibraryView.h"
#include "WorkerThread.h"

#include <algorithm>

#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QEvent>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace traveller::ui {

RunDetails::RunDetails(QString dataDir, QWidget* parent) : QWidget(parent), dataDir_(std::move(dataDir))
{
    title_ = new QLabel(tr("Select a run to see its curve and samples."));
    title_->setObjectName("runDetailsTitle");
    title_->setWordWrap(true);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    chart_ = new LineChart(tr("epoch"), tr("perplexity"));
    chart_->setObjectName("runsChart");
    chart_->setTitle(tr("Perplexity of the selected runs"));
    chart_->setLegend(LineChart::Legend::List);  // every run named whole, never cut to "#33 …"
    chart_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: perplexity %3").arg(name).arg(x, 0, 'f', 0).arg(y, 0, 'f', 3);
    });
    displayBar_ = new ChartDisplayBar;
    connect(displayBar_, &ChartDisplayBar::smoothingChanged, this,
            [this] { chart_->setSmoothing(displayBar_->smoothing()); });
    connect(displayBar_, &ChartDisplayBar::bandChanged, this, &RunDetails::redrawRequested);
    connect(displayBar_, &ChartDisplayBar::saveRequested, this, &RunDetails::chartSaveRequested);
    samples_ = new QPlainTextEdit;
    samples_->setObjectName("runSamples");
    samples_->setReadOnly(true);
    samples_->setLineWrapMode(QPlainTextEdit::NoWrap);
    samples_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));


    auto* detailsLayout = new QVBoxLayout(this);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(title_);
    // The user's note on the opened run (issue 28.6), kept in the library
    // when the field is left or Enter is pressed.
    note_ = new QLineEdit;
    note_->setObjectName("runNote");
    note_->setPlaceholderText(tr("Note on this run (what you saw, why it matters)…"));
    note_->setToolTip(tr("Kept with the run in the library; the filter finds it with note:word"));
    note_->setEnabled(false);
    connect(note_, &QLineEdit::editingFinished, this, [this] {
        if (opened_ > 0 && note_->isModified()) {
            note_->setModified(false);
            Q_EMIT noteEdited(opened_, note_->text());
        }
    });
    detailsLayout->addWidget(note_);
    auto* detailsSplit = new QSplitter(Qt::Vertical);
    auto* chartPane = new QWidget;
    auto* chartLayout = new QVBoxLayout(chartPane);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(displayBar_);
    chartLayout->addWidget(chart_, 1);
    detailsSplit->addWidget(chartPane);
    detailsSplit->addWidget(samples_);
    // The prefix, its settings and the text written: a pane of the splitter,
    // so presentation mode can give the chart the height its larger text needs.
    detailsSplit->addWidget(buildWritePane());
    detailsSplit->setStretchFactor(0, 3);
    detailsSplit->setStretchFactor(1, 2);
    detailsSplit->setStretchFactor(2, 0);
    detailsSplit->setCollapsible(0, false);
    detailsSplit->setCollapsible(1, false);
    detailsSplit_ = detailsSplit;
    detailsLayout->addWidget(detailsSplit, 1);
    chart_->setMinimumHeight(std::max(200, fontMetrics().lineSpacing() * 10));
}

// The prefix, temperature, length and Regenerate, with the text written below.
QWidget* RunDetails::buildWritePane()
{
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
            [this] { Q_EMIT writeRequested(prefix_->text(), length_->value(), temperature_->value()); });
    connect(prefix_, &QLineEdit::returnPressed, writeButton_, &QPushButton::click);
    written_ = new QPlainTextEdit;
    written_->setObjectName("runRegenerated");
    written_->setReadOnly(true);
    written_->setMaximumHeight(90);
    // Two rows: the pane stays narrow enough at 1024 pixels for the table's
    // result columns to fit beside it.
    auto* writeBar = new QGridLayout;
    writeBar->addWidget(new QLabel(tr("Prefix:")), 0, 0);
    writeBar->addWidget(prefix_, 0, 1, 1, 5);
    writeBar->addWidget(new QLabel(tr("T:")), 1, 0);
    writeBar->addWidget(temperature_, 1, 1);
    writeBar->addWidget(new QLabel(tr("Length:")), 1, 2);
    writeBar->addWidget(length_, 1, 3);
    writeBar->setColumnStretch(4, 1);
    writeBar->addWidget(writeButton_, 1, 5);
    auto* writePane = new QWidget;
    auto* writeLayout = new QVBoxLayout(writePane);
    writeLayout->setContentsMargins(0, 0, 0, 0);
    writeLayout->addLayout(writeBar);
    writeLayout->addWidget(written_, 1);
    return writePane;
}

void RunDetails::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        chart_->setMinimumHeight(std::max(200, fontMetrics().lineSpacing() * 10));
}

RunDetails::~RunDetails() = default;  // joins the writing thread

void RunDetails::clear()
{
    for (const QString& key : chart_->bandKeys())
        chart_->removeBand(key);
    chart_->removeAll();
    showNothingOpened();
}

void RunDetails::showNothingOpened()
{
    setOpened(0);
    samples_->clear();
    samples_->setProperty("finalSamplesEpoch", 0);
    title_->setText(tr("Select a run to see its curve and samples."));
    note_->clear();
    note_->setEnabled(false);
}

void RunDetails::setPresentationLayout(bool on)
{
    note_->setVisible(!on);
    // Two lines of written text on a projector (three otherwise): it scrolls.
    written_->setMaximumHeight(on ? written_->fontMetrics().lineSpacing() * 2 + 4 * written_->frameWidth() + 8 : 90);
    // On a projector the chart is what the class reads: it takes three
    // quarters of the pane, the samples and the writing share the rest (the
    // splitter's handles still move them).
    const int total = std::max(400, detailsSplit_->height());  // before the first layout: a nominal height
    const int write = detailsSplit_->widget(2)->minimumSizeHint().height();
    const int samples = samples_->fontMetrics().lineSpacing() * 3 + 2 * samples_->frameWidth();
    if (on)
        detailsSplit_->setSizes({std::max(0, total - write - samples), samples, write});
    else
        detailsSplit_->setSizes({total * 3 / 5, std::max(0, total * 2 / 5 - write), write});
}

void RunDetails::showNote(const StoredRun& r)
{
    note_->setEnabled(true);
    if (!note_->hasFocus() && note_->text() != QString::fromStdString(r.note))
        note_->setText(QString::fromStdString(r.note));
}

void RunDetails::setOpened(qint64 id)
{
    if (id == opened_)
        return;
    // What was written belongs to the run it was written with; an answer
    // still on its way for that run is dropped.
    opened_ = id;
    pendingRequest_ = 0;
    written_->clear();
}

void RunDetails::setSamples(const QString& text)
{
    if (samples_->toPlainText() != text)
        samples_->setPlainText(text);
}

void RunDetails::setWritable(bool writable, const QString& tip)
{
    writeButton_->setEnabled(writable);
    writeButton_->setToolTip(tip);
}

// A fork drawn beside its parent leaves the parent's curve at its branch
// point: its epochs before it are the parent's, drawn once.
QList<QPointF> RunDetails::forkCurve(const StoredRun& r, const QList<qint64>& drawn, QList<QPointF> curve)
{
    if (r.parentId <= 0 || !drawn.contains(r.parentId))
        return curve;
    curve.erase(std::remove_if(curve.begin(), curve.end(), [&](const QPointF& p) { return p.x() < r.branchEpoch; }),
                curve.end());
    return curve;
}

std::vector<SettingEvent> RunDetails::forkEvents(const StoredRun& r, const QList<qint64>& drawn)
{
    std::vector<SettingEvent> events = r.events;
    if (r.parentId > 0 && drawn.contains(r.parentId))  // its parent's, marked on the parent's curve
        events.erase(std::remove_if(events.begin(), events.end(),
                                    [&](const SettingEvent& e) { return e.epoch <= r.branchEpoch; }),
                     events.end());
    return events;
}

QString RunDetails::lineageText(RunStore& store, const StoredRun& r)
{
    QString text;
    if (r.parentId > 0) {
        bool parentThere = true;
        try {
            store.run(r.parentId);
        } catch (const StoreError&) {
            parentThere = false;
        }
        text = parentThere ? tr("forked from #%1 at epoch %2").arg(r.parentId).arg(r.branchEpoch)
                           : tr("forked at epoch %2 from #%1, since deleted").arg(r.parentId).arg(r.branchEpoch);
    }
    const auto forks = store.children(r.id);
    if (!forks.empty()) {
        QStringList ids;
        for (const auto f : forks)
            ids << QStringLiteral("#%1").arg(f);
        text += (text.isEmpty() ? QString() : QStringLiteral("; ")) + tr("forks: %1").arg(ids.join(QStringLiteral(", ")));
    }
    return text;
}

void RunDetails::show(RunStore& store, const QList<qint64>& ids, qint64 opened, const std::function<QString(qint64)>& nameOf,
                      const std::vector<ChartGroup>& groups)
{
    const LineChart::Batch batch(chart_);
    QStringList groupKeys;
    for (const ChartGroup& g : groups)
        groupKeys << groupKey(g);
    for (const QString& key : chart_->bandKeys())
        if (!groupKeys.contains(key.chopped(5)))  // "<group key>-band"
            chart_->removeBand(key);
    for (const QString& key : chart_->keys()) {
        bool keep = groupKeys.contains(key);
        for (qint64 id : std::as_const(ids))
            keep = keep || key == QStringLiteral("run%1").arg(id) || key == QStringLiteral("run%1-heldout").arg(id) ||
                   key.startsWith(QStringLiteral("run%1-change").arg(id));
        if (!keep)
            chart_->removeSeries(key);
    }
    displayBar_->setBandShown(!groups.empty());
    {
        // The n-th group or run drawn, the n-th colour: curves drawn together never share one.
        for (std::size_t g = 0; g < groups.size(); ++g)
            drawGroup(chart_, store, groups[g],
                      tr("%1 (mean of %n run(s))", nullptr, static_cast<int>(groups[g].ids.size())).arg(groups[g].label),
                      format::seriesColor(static_cast<int>(g)), displayBar_->band());
        for (qint64 id : std::as_const(ids)) {
            const QString key = QStringLiteral("run%1").arg(id);
            const QString name = nameOf(id);
            const QColor colour = format::seriesColor(static_cast<int>(groups.size() + ids.indexOf(id)));
            if (!chart_->hasSeries(key))
                chart_->addSeries(key, tr("#%1 %2").arg(id).arg(name), LineChart::Style::Line, colour);
            chart_->setColor(key, colour);
            chart_->setLabel(key, tr("#%1 %2").arg(id).arg(name));
            const auto epochs = store.epochs(id);
            const StoredRun run = store.run(id);  // once: its lineage and its changes
            chart_->setPoints(key, forkCurve(run, ids, format::perplexityCurve(epochs)));
            // A run that measured data.heldout: its held-out curve, dashed.
            QList<QPointF> heldout;
            for (const auto& e : epochs)
                if (!std::isnan(e.heldoutPerplexity))
                    heldout.append(QPointF(e.epoch, e.heldoutPerplexity));
            if (!heldout.isEmpty()) {
                if (!chart_->hasSeries(key + "-heldout"))
                    chart_->addSeries(key + "-heldout", tr("#%1 held-out").arg(id), LineChart::Style::DashedLine,
                                      colour);
                chart_->setColor(key + "-heldout", colour);
                chart_->setPoints(key + "-heldout", heldout);
            }
            drawChangeMarkers(chart_, key, forkEvents(run, ids), epochs, colour);
        }
        if (opened <= 0) {
            showNothingOpened();
            return;
        }
        const StoredRun r = store.run(opened);
        const auto epochs = store.epochs(opened);
        setOpened(opened);
        if (r.isTranslation()) {
            showTranslation(r);
            return;
        }
        title_->setText(tr("<b>#%1 %2</b> — %3, %4/%5 epochs, perplexity %6, %7 on %8")
                                   .arg(r.id)
                                   .arg(QString::fromStdString(r.name).toHtmlEscaped(),
                                        stateLook(r.state, r.blewUpAt).label)
                                   .arg(r.epochsDone)
                                   .arg(r.epochs)
                                   .arg(format::number(r.perplexity), format::duration(r.seconds),
                                        QString::fromStdString(r.device.empty() ? "—" : r.device).toHtmlEscaped()));
        showNote(r);
        if (const QString lineage = lineageText(store, r); !lineage.isEmpty())
            title_->setText(title_->text() + QStringLiteral(" — ") + lineage.toHtmlEscaped());
        int finalEpoch = 0;
        setSamples(samplesText(r, epochs, &finalEpoch));
        samples_->setProperty("finalSamplesEpoch", finalEpoch);  // what the tests read
        try {
            const QString prefix = QString::fromStdString(r.config().sample.prefix);
            if (prefix_->text().isEmpty())
                prefix_->setText(prefix);
        } catch (const ConfigError&) {
        }
    }
}

QString RunDetails::samplesText(const StoredRun& r, const std::vector<StoredEpoch>& epochs, int* finalEpoch) const
{
    QString text;
    *finalEpoch = 0;
    if (!r.samples.empty()) {
        // The library writes a run's samples when an attempt ends: a run
        // training again (resumed) or cut off since still has the last
        // attempt's, from an epoch before the ones it shows now.
        const StoredState state = r.state;
        const bool current = state != StoredState::Running && state != StoredState::Interrupted &&
                             state != StoredState::Queued;
        text += current ? tr("Final samples (epoch %1):\n").arg(r.epochsDone)
                        : tr("Samples written when an earlier attempt of this run ended:\n");
        *finalEpoch = current ? r.epochsDone : -1;
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
        text += QStringLiteral("  %1 | %2\n").arg(tr("epoch %1").arg(e.epoch, 5), QString::fromStdString(e.sample));
    }
    if (!r.events.empty()) {
        text += QLatin1Char('\n') + tr("Settings changed while it trained:") + QLatin1Char('\n');
        for (const SettingEvent& e : r.events)
            text += QStringLiteral("  %1%2\n").arg(changeText(e), e.live ? QString() : tr(" (its schedule)"));
    }
    if (!r.message.empty())
        text += QLatin1Char('\n') + coreText(r.message) + QLatin1Char('\n');
    if (text.isEmpty())
        text = tr("(no samples recorded yet)");
    return text;
}

void RunDetails::showTranslation(const StoredRun& r)
{
    const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(r.results)).object();
    const double heldout = heldoutBleu(r.results);
    title_->setText(tr("<b>#%1 %2</b> — translation, %3, %4/%5 epochs, loss %6, held-out BLEU-4 %7, %8")
                               .arg(r.id)
                               .arg(QString::fromStdString(r.name).toHtmlEscaped(), stateLook(r.state, r.blewUpAt).label)
                               .arg(r.epochsDone)
                               .arg(r.epochs)
                               .arg(format::number(r.perplexity, 4),
                                    format::number(heldout),
                                    format::duration(r.seconds)));
    QString text = tr("The book's sentences (source → output | reference, BLEU):\n");
    for (const QJsonValue& row : root.value("eval").toObject().value("rows").toArray()) {
        const QJsonObject o = row.toObject();
        text += QStringLiteral("  %1 → %2 | %3, %4\n")
                    .arg(o.value("source").toString(), o.value("output").toString(), o.value("reference").toString())
                    .arg(o.value("bleu").toDouble(), 0, 'f', 3);
    }
    if (!r.message.empty())
        text += QLatin1Char('\n') + coreText(r.message) + QLatin1Char('\n');
    text += tr("\nOpen puts this model in the Translate tab, to translate with again.");
    setSamples(text);
    samples_->setProperty("finalSamplesEpoch", 0);
}

void RunDetails::write(const StoredRun& r, const std::string& checkpoint, const QString& prefix, int length,
                       double temperature)
{
    if (!generateThread_) {
        generateThread_ = std::make_unique<WorkerThread>();
        generator_ = generateThread_->start(new GenerateWorker(dataDir_), QStringLiteral("regenerate"));
        connect(generator_, &GenerateWorker::generated, this,
                [this](int requestId, qint64 id, const QString& text, const QString& error) {
                    if (requestId == pendingRequest_)
                        written_->setPlainText(error.isEmpty() ? text : tr("(could not write: %1)").arg(error));
                    Q_EMIT generated(id, text, error);
                });
    }
    // The bar shows what was asked, whether typed or called.
    if (prefix_->text() != prefix)
        prefix_->setText(prefix);
    length_->setValue(length);
    temperature_->setValue(temperature);
    setOpened(r.id);
    const int requestId = nextRequestId_++;
    pendingRequest_ = requestId;
    written_->setPlainText(tr("(loading the weights of run %1 and writing…)").arg(r.id));
    QMetaObject::invokeMethod(
        generator_,
        [g = generator_, requestId, id = r.id, yaml = QString::fromStdString(r.configYaml),
         path = QString::fromStdString(checkpoint), prefix, length, temperature] {
            g->generate(requestId, id, yaml, path, prefix, length, temperature);
        },
        Qt::QueuedConnection);
}

} // namespace traveller::ui
