#include "traveller/ui/LensPanel.h"
#include "traveller/ui/Language.h"

#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/GenerateWorker.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/RunQueue.h"
#include "traveller/ui/RunTypes.h"

#include "Format.h"
#include "LensTextView.h"
#include "MessageLabel.h"
#include "WorkerThread.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#ifdef TRAVELLER_HAVE_SVG
#include <QSvgGenerator>
#endif

#include <algorithm>
#include <cmath>
#include <utility>

namespace traveller::ui {

namespace {

QString n3(double v) { return QString::number(v, 'f', 3); }


// What Find units lists, wrapped on a row of its own: beside the buttons, its
// whole width would be the tab's least width, and so the window's.
QLabel* makeUnitsLabel()
{
    auto* units = new QLabel;
    units->setObjectName("lensUnits");
    units->setTextInteractionFlags(Qt::TextSelectableByMouse);
    units->setWordWrap(true);
    QSizePolicy policy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    units->setSizePolicy(policy);
    units->hide();
    return units;
}

} // namespace

LensPanel::LensPanel(RunLibrary& library, QString dataDir, QWidget* parent)
    : QWidget(parent), library_(library), dataDir_(std::move(dataDir)), thread_(std::make_unique<WorkerThread>())
{
    registerUiMetaTypes();
    setObjectName("lensPanel");
    QHBoxLayout* bar = buildRunBar();
    QHBoxLayout* view = buildViewBar();
    units_ = makeUnitsLabel();
    summary_ = new QLabel(tr("Choose a run with weights and a text, then Inspect."));
    summary_->setObjectName("lensSummary");
    summary_->setWordWrap(true);
    message_ = new MessageLabel("lensMessage");

    QSplitter* split = buildViews();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(view);
    layout->addWidget(units_);
    layout->addWidget(summary_);
    layout->addWidget(split, 1);
    layout->addWidget(message_);
}

// The first row: the run, the text and Inspect.
QHBoxLayout* LensPanel::buildRunBar()
{
    runs_ = new QComboBox;
    runs_->setObjectName("lensRunCombo");
    runs_->setToolTip(tr("Runs of the library with stored weights (language models)"));
    runs_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    runs_->setMinimumContentsLength(18);
    auto* refresh = new QPushButton(tr("Refresh"));
    refresh->setObjectName("lensRefreshButton");
    connect(refresh, &QPushButton::clicked, this, &LensPanel::refreshRuns);
    textEdit_ = new QLineEdit(QStringLiteral("time traveller"));
    textEdit_->setObjectName("lensTextEdit");
    textEdit_->setPlaceholderText(tr("A text to read: typed, pasted, a stretch of the book"));
    inspectButton_ = new QPushButton(tr("Inspect"));
    inspectButton_->setObjectName("lensInspectButton");
    inspectButton_->setToolTip(tr("Read the text with the run's weights, character by character"));
    auto go = [this] {
        if (runs_->currentIndex() < 0)
            return;
        const qint64 id = runs_->currentData().toLongLong();
        if (id < 0)
            inspectLive(static_cast<int>(-id), textEdit_->text());  // a run of the Language model tab
        else
            inspectRun(id, textEdit_->text());
    };
    connect(inspectButton_, &QPushButton::clicked, this, go);
    connect(textEdit_, &QLineEdit::returnPressed, this, go);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Run:")));
    bar->addWidget(runs_, 1);
    bar->addWidget(refresh);
    bar->addWidget(new QLabel(tr("Text:")));
    bar->addWidget(textEdit_, 2);
    bar->addWidget(inspectButton_);
    return bar;
}

// The second row: which layer, value and unit are shown; find units; exports.
QHBoxLayout* LensPanel::buildViewBar()
{

    layerSpin_ = new QSpinBox;
    layerSpin_->setObjectName("lensLayer");
    layerSpin_->setPrefix(tr("layer "));
    valueCombo_ = new QComboBox;
    valueCombo_->setObjectName("lensValue");
    valueCombo_->setToolTip(tr("h, or one of the cell's gates and candidates (GRU r, z, n; LSTM i, f, g, o and the cell "
                               "state c; RNN a, the pre-activation)"));
    unitSpin_ = new QSpinBox;
    unitSpin_->setObjectName("lensUnit");
    unitSpin_->setPrefix(tr("unit "));
    unitSpin_->setToolTip(tr("The unit that colours the text and the equations show (click a heatmap row)"));
    connect(layerSpin_, &QSpinBox::valueChanged, this, [this](int l) { choose(l, value_, unit_); });
    connect(valueCombo_, &QComboBox::activated, this, [this](int i) { choose(layer_, valueCombo_->itemData(i).toInt(), unit_); });
    connect(unitSpin_, &QSpinBox::valueChanged, this, [this](int u) { choose(layer_, value_, u); });

    auto* view = new QHBoxLayout;
    view->addWidget(new QLabel(tr("Show:")));
    view->addWidget(layerSpin_);
    view->addWidget(valueCombo_);
    view->addWidget(unitSpin_);
    auto* find = new QPushButton(tr("Find units"));
    find->setObjectName("lensFindUnitsButton");
    find->setToolTip(tr("Shift-click a span of the text (from the chosen character), then: the units most active on "
                        "it and least elsewhere"));
    connect(find, &QPushButton::clicked, this, [this] {
        const auto [b, e] = text_->span();
        if (b < 0)
            message_->say(tr("Click a character, then shift-click another: that span is searched"), true);
        else
            findUnits(b, e);
    });
    auto* csv = new QPushButton(tr("CSV…"));
    csv->setObjectName("lensCsvButton");
    csv->setToolTip(tr("Every character's h and gates of the shown layer, as a table"));
    connect(csv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export activations"), QString(), tr("CSV table (*.csv)"));
        if (!path.isEmpty())
            exportCsv(path);
    });
    auto* picture = new QPushButton(tr("Export view…"));
    picture->setObjectName("lensExportButton");
    picture->setToolTip(tr("A view as PNG or SVG at slide size"));
    auto* pictureMenu = new QMenu(picture);
    for (auto [key, name] : {std::pair{"text", tr("The text with its guesses")}, std::pair{"heatmap", tr("Units × characters")},
                             std::pair{"trajectory", tr("State trajectory")}, std::pair{"mean", tr("Mean per character")}})
        pictureMenu->addAction(name, this, [this, key = QString(key)] {
            const QString path = QFileDialog::getSaveFileName(this, tr("Export view"), key + QStringLiteral(".png"),
                                                              tr("PNG image (*.png);;SVG image (*.svg)"));
            if (!path.isEmpty())
                exportView(key, path);
        });
    picture->setMenu(pictureMenu);
    view->addWidget(find);
    view->addStretch(1);
    view->addWidget(picture);
    view->addWidget(csv);
    return view;
}

// The reading's views: the text strip above; the units × characters heatmap
// or the state trajectory, the mean chart and the equations below.
QSplitter* LensPanel::buildViews()
{
    text_ = new LensTextView;
    connect(text_, &LensTextView::stepChosen, this, &LensPanel::setStep);
    auto* scroll = new QScrollArea;
    scroll->setWidget(text_);
    scroll->setWidgetResizable(true);
    scroll->setMinimumHeight(110);
    heatmap_ = new LensHeatmap;
    connect(heatmap_, &LensHeatmap::unitChosen, this, [this](int u) { unitSpin_->setValue(u); });
    meanChart_ = new LineChart(tr("character"), tr("mean over the units"));
    meanChart_->setObjectName("lensMeanChart");
    meanChart_->setTitle(tr("Mean value per character"));
    meanChart_->setIntegerX(true);
    meanChart_->addSeries("mean", tr("mean"), LineChart::Style::Line, QColor("#4c72b0"));
    meanChart_->addSeries("unit", tr("unit"), LineChart::Style::DashedLine, QColor("#e76f51"));
    equations_ = new QLabel;
    equations_->setObjectName("lensEquations");
    equations_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    equations_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    equations_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    equations_->setText(tr("Inspect a text and pick\na character: the cell's\nstep at it appears here."));
    fitEquations();

    trajectory_ = new LensTrajectory;
    connect(trajectory_, &LensTrajectory::stepChosen, this, &LensPanel::setStep);
    auto* pictures = new QTabWidget;
    pictures->setObjectName("lensViews");
    pictures->addTab(heatmap_, tr("Units × characters"));
    pictures->addTab(trajectory_, tr("State trajectory"));
    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(pictures);
    lower->addWidget(meanChart_);
    lower->addWidget(equations_);
    lower->setStretchFactor(0, 4);
    lower->setStretchFactor(1, 3);
    lower->setStretchFactor(2, 0);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(scroll);
    split->addWidget(lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    return split;
}

LensPanel::~LensPanel() = default;  // joins the reading thread

QString LensPanel::message() const { return message_->text(); }

void LensPanel::followQueue(RunQueue* queue)
{
    queue_ = queue;
    connect(queue, &RunQueue::runAdded, this, &LensPanel::refreshRuns);
    connect(queue, &RunQueue::inspected, this, [this](int runId, int epoch, const InspectionPtr& result) {
        if (runId != live_ || !result)
            return;
        inspection_ = result;
        liveEpoch_ = epoch;
        showInspection();
        Q_EMIT inspected(true);
    });
}

bool LensPanel::inspectLive(int queueRunId, const QString& text)
{
    const RunQueue::Run* run = queue_ ? queue_->run(queueRunId) : nullptr;
    if (!run) {
        message_->say(tr("No run %1 in the Language model tab").arg(queueRunId), true);
        return false;
    }
    if (text.isEmpty()) {
        message_->say(tr("Type a text to read"), true);
        return false;
    }
    if (live_ > 0 && live_ != queueRunId)
        queue_->setLensText(live_, QString());  // one run followed at a time
    live_ = queueRunId;
    pending_ = nextRequest_++;  // answers for a library run asked before are dropped
    if (textEdit_->text() != text)
        textEdit_->setText(text);
    queue_->setLensText(queueRunId, text);
    message_->say(run->state == RunQueue::RunState::Training || run->state == RunQueue::RunState::Loading
                      ? tr("Following %1: the text is read again at every sample interval").arg(run->name)
                      : tr("Reading the text with the last weights of %1…").arg(run->name));
    return true;
}

void LensPanel::refreshRuns()
{
    const qint64 current = runs_->currentData().toLongLong();
    runs_->clear();
    if (queue_)
        for (int id : queue_->ids())
            if (const RunQueue::Run* r = queue_->run(id); r && r->state != RunQueue::RunState::Failed &&
                                                           r->state != RunQueue::RunState::Cancelled)
                runs_->addItem(tr("This session: %1").arg(r->name), QVariant::fromValue<qint64>(-id));
    auto store = library_.store();
    if (!store) {
        message_->say(library_.unrecordedNote(), true);
        return;
    }
    try {
        for (const StoredRun& r : store->runs()) {
            if (!canGenerate(r))
                continue;
            runs_->addItem(tr("#%1 %2 (perplexity %3)").arg(r.id).arg(QString::fromStdString(r.name), format::number(r.perplexity)),
                           QVariant::fromValue<qint64>(r.id));
        }
    } catch (const std::exception& e) {
        message_->say(tr("Could not read the library: %1").arg(coreText(e)), true);
    }
    const int at = runs_->findData(QVariant::fromValue<qint64>(current));
    if (at >= 0)
        runs_->setCurrentIndex(at);
    inspectButton_->setEnabled(runs_->count() > 0);
}

bool LensPanel::inspectRun(qint64 id, const QString& text)
{
    auto store = library_.store();
    if (!store) {
        message_->say(library_.unrecordedNote(), true);
        return false;
    }
    if (text.isEmpty()) {
        message_->say(tr("Type a text to read"), true);
        return false;
    }
    StoredRun run;
    try {
        run = store->run(id);
    } catch (const std::exception& e) {
        message_->say(coreText(e), true);
        return false;
    }
    if (const RuleVerdict possible = canGenerate(run); !possible) {
        message_->say(QString::fromStdString(possible.reason), true);
        return false;
    }
    if (!worker_) {
        worker_ = thread_->start(new GenerateWorker(dataDir_), QStringLiteral("lens"));
        connect(worker_, &GenerateWorker::inspected, this,
                [this](int request, qint64, const InspectionPtr& result, const QString& error) {
                    if (request != pending_)
                        return;  // an older request, answered after a newer one was asked
                    if (!result) {
                        message_->say(tr("Could not read the text: %1").arg(error), true);
                        Q_EMIT inspected(false);
                        return;
                    }
                    inspection_ = result;
                    showInspection();
                    Q_EMIT inspected(true);
                });
    }
    if (live_ > 0 && queue_)
        queue_->setLensText(std::exchange(live_, 0), QString());
    if (textEdit_->text() != text)
        textEdit_->setText(text);
    const int at = runs_->findData(QVariant::fromValue<qint64>(id));
    if (at >= 0)
        runs_->setCurrentIndex(at);
    pending_ = nextRequest_++;
    message_->say(tr("Reading the text with the weights of run %1…").arg(id));
    // Saliency grows with the square of the text's length: for texts a class
    // types (InspectOptions::saliencyLimit), not for a pasted chapter.
    InspectOptions options;
    QMetaObject::invokeMethod(
        worker_,
        [w = worker_, request = pending_, id, yaml = QString::fromStdString(run.configYaml),
         checkpoint = QString::fromStdString(store->checkpointPath(id)), text, options] {
            w->inspect(request, id, yaml, checkpoint, text, options);
        },
        Qt::QueuedConnection);
    return true;
}

void LensPanel::showInspection()
{
    const Inspection& in = *inspection_;
    layerSpin_->setRange(0, std::max(0, in.layers - 1));
    unitSpin_->setRange(0, std::max(0, in.hidden - 1));
    valueCombo_->clear();
    valueCombo_->addItem(QStringLiteral("h"), -1);
    for (std::size_t i = 0; i < in.valueNames.size(); ++i)
        valueCombo_->addItem(QString::fromStdString(in.valueNames[i]), static_cast<int>(i));
    if (value_ >= static_cast<int>(in.valueNames.size()))
        value_ = -1;
    valueCombo_->setCurrentIndex(valueCombo_->findData(value_));
    layer_ = std::min(layer_, in.layers - 1);
    unit_ = std::min(unit_, in.hidden - 1);
    // A run in training is read again at every sample interval: the step
    // stays where the class is looking.
    const int keep = std::min(step_, static_cast<int>(in.steps.size()) - 1);
    text_->setInspection(inspection_);
    text_->setStep(std::max(0, keep));
    units_->clear();
    units_->hide();
    // A run of the Language model tab is "in training" only while it trains:
    // one that finished says the epoch its weights are from.
    const RunQueue::Run* liveRun = live_ > 0 && queue_ ? queue_->run(live_) : nullptr;
    const bool training = liveRun && (liveRun->state == RunQueue::RunState::Training ||
                                      liveRun->state == RunQueue::RunState::Paused ||
                                      liveRun->state == RunQueue::RunState::Loading);
    const QString live = training  ? tr("Epoch %1 of the run in training. ").arg(liveEpoch_)
                         : liveRun ? tr("The weights after epoch %1. ").arg(liveEpoch_)
                                   : QString();
    summary_->setText(live +
                      tr("%1, %2 layer(s) of %3 units: perplexity %4 on these %n character(s) (read in %5)%6", nullptr,
                         static_cast<int>(in.steps.size()))
                          .arg(QString::fromStdString(in.arch))
                          .arg(in.layers)
                          .arg(in.hidden)
                          .arg(format::number(in.perplexity), format::duration(in.seconds))
                          .arg(in.unknown.empty() ? QString()
                                                  : tr("; %n character(s) outside its vocabulary", nullptr,
                                                       static_cast<int>(in.unknown.size()))));
    message_->say(in.saliencyLeftOut ? tr("Saliency is computed for texts up to %1 characters").arg(kSaliencyCharacters)
                  : in.saliency.empty() && training
                      ? tr("Following a run in training: saliency is left out (it would slow the training)")
                  : in.saliency.empty() && liveRun
                      ? tr("A run of the Language model tab is read without saliency; open it from the library for it")
                      : QString());
    refreshViews();
}

void LensPanel::choose(int layer, int value, int unit)
{
    layer_ = layer;
    value_ = value;
    unit_ = unit;
    if (layerSpin_->value() != layer)
        layerSpin_->setValue(layer);
    if (unitSpin_->value() != unit)
        unitSpin_->setValue(unit);
    if (const int at = valueCombo_->findData(value); at >= 0 && at != valueCombo_->currentIndex())
        valueCombo_->setCurrentIndex(at);
    refreshViews();
}

void LensPanel::setStep(int step)
{
    step_ = step;
    if (text_->step() != step)
        text_->setStep(step);
    refreshViews();
}

void LensPanel::refreshViews()
{
    if (!inspection_)
        return;
    const Inspection& in = *inspection_;
    text_->setColouring(layer_, value_, unit_);
    heatmap_->setInspection(inspection_, layer_, value_, unit_, step_);
    trajectory_->setInspection(inspection_, layer_, step_);
    QList<QPointF> mean, unit;
    for (std::size_t t = 0; t < in.steps.size(); ++t) {
        const InspectLayer& l = in.steps[t].layers[static_cast<std::size_t>(layer_)];
        const std::vector<float>& v = value_ < 0 ? l.h : l.values[static_cast<std::size_t>(value_)];
        double sum = 0;
        for (float x : v)
            sum += x;
        mean.append(QPointF(static_cast<double>(t), sum / static_cast<double>(v.size())));
        unit.append(QPointF(static_cast<double>(t), v[static_cast<std::size_t>(unit_)]));
    }
    const QString name = value_ < 0 ? QStringLiteral("h") : QString::fromStdString(in.valueNames[static_cast<std::size_t>(value_)]);
    meanChart_->setTitle(tr("%1 per character, layer %2").arg(name).arg(layer_));
    meanChart_->setLabel("mean", tr("mean of %1 over the units").arg(name));
    meanChart_->setLabel("unit", tr("unit %1").arg(unit_));
    meanChart_->setPoints("mean", mean);
    meanChart_->setPoints("unit", unit);
    showEquations();
}

QString LensPanel::equations() const { return equations_->text(); }

QString LensPanel::findUnits(int begin, int end)
{
    if (!inspection_)
        return {};
    try {
        const auto best = traveller::findUnits(*inspection_, layer_, value_, begin, end, 5);
        QString span;
        for (int t = begin; t < end; ++t)
            span += QString::fromStdString(inspection_->steps[static_cast<std::size_t>(t)].token);
        constexpr int kSpanShown = 40;  // characters of a long span quoted, then "…"
        if (span.size() > kSpanShown)
            span = span.left(kSpanShown - 1) + QStringLiteral("…");
        QStringList list;
        for (const UnitScore& u : best)
            list << tr("%1 (%2 vs %3)").arg(u.unit).arg(n3(u.inside), n3(u.outside));
        const QString text = tr("On \"%1\": %2").arg(span, list.join(QStringLiteral(", ")));
        units_->setText(text);
        units_->show();
        if (!best.empty())
            choose(layer_, value_, best.front().unit);
        return text;
    } catch (const std::exception& e) {
        message_->say(coreText(e), true);
        return {};
    }
}

bool LensPanel::exportView(const QString& view, const QString& path)
{
    if (!inspection_) {
        message_->say(tr("Inspect a text first"), true);
        return false;
    }
    if (view == "mean") {
        const bool svg = path.endsWith(".svg", Qt::CaseInsensitive);
        const bool ok = svg ? meanChart_->exportSvg(path, 1600) : meanChart_->exportPng(path, 1600);
        message_->say(ok ? tr("Exported %1").arg(QDir::toNativeSeparators(path)) : tr("Could not write %1").arg(path), !ok);
        return ok;
    }
    QWidget* widget = view == "text" ? static_cast<QWidget*>(text_)
                      : view == "heatmap" ? static_cast<QWidget*>(heatmap_)
                      : view == "trajectory" ? static_cast<QWidget*>(trajectory_)
                                             : nullptr;
    if (!widget) {
        message_->say(tr("No view '%1'").arg(view), true);
        return false;
    }
    // At slide size: the view as laid out on screen, painted scaled to 1600
    // pixels wide (its text and lines are vectors, so they stay sharp).
    QSize shown = widget->size().width() > 10 ? widget->size() : QSize(800, 400);
    if (widget == text_)
        shown.setHeight(text_->heightForWidth(shown.width()));  // all of it, not the part scrolled to
    const double scale = 1600.0 / shown.width();
    const QSize size(1600, std::max(1, static_cast<int>(std::lround(shown.height() * scale))));
    auto paint = [&](QPaintDevice& device) {
        QPainter painter;
        if (!painter.begin(&device))
            return false;
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(scale, scale);
        if (widget == text_)
            text_->paintAll(painter, shown.width());
        else
            widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
        return painter.end();
    };
    bool ok = false;
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
#ifdef TRAVELLER_HAVE_SVG
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        ok = paint(generator);
#else
        message_->say(tr("SVG export needs Qt SVG, which this build lacks; use PNG"), true);
        return false;
#endif
    } else {
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        ok = paint(image) && image.save(path, "PNG");
    }
    message_->say(ok ? tr("Exported %1").arg(QDir::toNativeSeparators(path)) : tr("Could not write %1").arg(path), !ok);
    return ok;
}

bool LensPanel::exportCsv(const QString& path)
{
    if (!inspection_) {
        message_->say(tr("Inspect a text first"), true);
        return false;
    }
    try {
        writeFileAtomically(path.toStdString(), inspectionCsv(*inspection_, layer_));
        message_->say(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
        return true;
    } catch (const std::exception& e) {
        message_->say(tr("Could not export: %1").arg(coreText(e)), true);
        return false;
    }
}

} // namespace traveller::ui
