#include "LmCharts.h"

#include "traveller/core/lm/Training.h"
#include "traveller/ui/LineChart.h"

#include "Format.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <tuple>

namespace traveller::ui {

namespace {

// Beyond this many per-batch points the gradient chart draws every n-th one.
constexpr int kMaxGradPoints = 4000;

using State = RunQueue::RunState;

QList<QPointF> thinned(const QList<QPointF>& pts)
{
    if (pts.size() <= kMaxGradPoints)
        return pts;
    QList<QPointF> out;
    const qsizetype stride = (pts.size() + kMaxGradPoints - 1) / kMaxGradPoints;
    for (qsizetype i = 0; i < pts.size(); i += stride)
        out.append(pts[i]);
    return out;
}

} // namespace

QString cpuLabel(int threads)
{
    if (threads <= 0)
        return LmCharts::tr("CPU");  // not known yet: the run is still loading
    return threads == 1 ? LmCharts::tr("CPU (1 thread)") : LmCharts::tr("CPU (%1 threads)").arg(threads);
}

QString deviceLabel(const std::string& id, const std::string& label)
{
    static const QRegularExpression cpu(QStringLiteral("^CPU \\((\\d+) threads?\\)$"));
    const QString text = QString::fromStdString(label);
    if (id == "cpu")
        if (const QRegularExpressionMatch m = cpu.match(text); m.hasMatch())
            return cpuLabel(m.captured(1).toInt());
    return text;
}

LmCharts::LmCharts(QWidget* parent) : QSplitter(Qt::Horizontal, parent)
{
    perplexity_ = new LineChart(tr("epoch"), tr("perplexity"));
    perplexity_->setObjectName("perplexityChart");
    perplexity_->setTitle(tr("Training perplexity"));
    perplexity_->setToolTip(
        tr("Perplexity: e to the mean cross-entropy per character. 1 is a perfect prediction; the vocabulary "
           "size (28 characters) is guessing uniformly. The book's runs reach about 1.0 (GRU, LSTM) and 1.3 (RNN)."));
    perplexity_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: perplexity %3").arg(name).arg(x, 0, 'f', 0).arg(format::number(y));
    });
    logScale_ = new QCheckBox(tr("Log scale"));
    logScale_->setObjectName("logScaleCheck");
    connect(logScale_, &QCheckBox::toggled, perplexity_, &LineChart::setLogScale);
    auto* chartBar = new QHBoxLayout;
    chartBar->addWidget(logScale_);
    chartBar->addStretch(1);
    chartBar->addWidget(new QLabel(tr("Export:")));
    for (auto [name, text, filter, suffix] :
         {std::tuple{"exportPngButton", tr("PNG…"), tr("PNG image (*.png)"), ".png"},
          std::tuple{"exportSvgButton", tr("SVG…"), tr("SVG image (*.svg)"), ".svg"},
          std::tuple{"exportCsvButton", tr("CSV…"), tr("CSV table (*.csv)"), ".csv"}}) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        connect(b, &QPushButton::clicked, this, [this, filter = filter, suffix = suffix] {
            QString path = QFileDialog::getSaveFileName(this, tr("Export perplexity"), QString(), filter);
            // "ppl" typed without an extension: the button says which format.
            if (!path.isEmpty())
                Q_EMIT exportRequested(QFileInfo(path).suffix().isEmpty() ? path + suffix : path);
        });
        if (QString(suffix) == ".svg" && !LineChart::svgSupported()) {
            b->setEnabled(false);
            b->setToolTip(tr("SVG export needs Qt SVG, which this build lacks; PNG and CSV work"));
        }
        chartBar->addWidget(b);
    }
    auto* pplBox = new QWidget;
    auto* pplLayout = new QVBoxLayout(pplBox);
    pplLayout->setContentsMargins(0, 0, 0, 0);
    pplLayout->addWidget(perplexity_, 1);
    pplLayout->addLayout(chartBar);

    gradient_ = new LineChart(tr("epoch"), tr("gradient norm"));
    gradient_->setObjectName("gradNormChart");
    gradient_->setTitle(tr("Gradient norm per batch"));
    gradient_->addSeries("norm", tr("norm"), LineChart::Style::Line, QColor("#4c72b0"));
    gradient_->addSeries("clipped", tr("clipped"), LineChart::Style::Markers, QColor("#dd8452"));
    gradient_->addSeries("threshold", tr("threshold"), LineChart::Style::DashedLine, QColor("#c44e52"));
    gradient_->setToolTip(tr("The norm of the gradient of each batch. Above the threshold (train.clip) the gradient is "
                              "scaled down to it: gradient clipping keeps one bad batch from throwing the weights far "
                              "away; a learning rate that is too high still makes the norms, then the loss, explode."));
    gradient_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: %3").arg(name).arg(x, 0, 'f', 2).arg(y, 0, 'g', 4);
    });

    addWidget(pplBox);
    addWidget(gradient_);
    setStretchFactor(0, 3);
    setStretchFactor(1, 2);
    setSizes({600, 440});
}

void LmCharts::setLogScale(bool on) { logScale_->setChecked(on); }

void LmCharts::showGradients(const RunQueue::Run* r)
{
    if (!r) {
        gradient_->setTitle(tr("Gradient norm per batch"));
        for (const char* key : {"norm", "clipped", "threshold"})
            gradient_->setPoints(key, {});
        return;
    }
    // Short, so that the run's name fits beside it on a projector (a long
    // name wraps: LineChart).
    gradient_->setTitle(tr("Gradient norm — %1").arg(r->name));
    gradient_->setPoints("norm", thinned(r->gradNorm));
    gradient_->setPoints("clipped", thinned(r->clipped));
    const double clip = r->config.train.clip;
    if (clip > 0 && !r->gradNorm.isEmpty())
        gradient_->setPoints("threshold", {QPointF(r->gradNorm.first().x(), clip), QPointF(r->gradNorm.last().x(), clip)});
    else
        gradient_->setPoints("threshold", {});
    gradient_->setLabel("threshold", clip > 0 ? tr("clip at %1").arg(clip) : tr("no clipping"));
    gradient_->setLabel("clipped", tr("clipped: %1 of %2").arg(r->clipped.size()).arg(r->gradNorm.size()));
}

LmStatus::LmStatus(QWidget* owner, const QString& perplexityTip)
{
    for (const char* name : {"statusRun", "statusEpoch", "statusPerplexity", "statusSpeed", "statusTime", "statusDevice"}) {
        auto* l = new QLabel(owner);
        l->setObjectName(name);
        // Long figures are cut at the window's edge, never widen the window
        // past a 1024-pixel projector (presentation mode's big text included).
        l->setMinimumWidth(16);
        labels_ << l;
    }
    labels_[2]->setToolTip(perplexityTip);
    labels_[3]->setToolTip(LmCharts::tr("Characters trained per second, pauses left out"));
}

void LmStatus::show(const RunQueue& queue)
{
    QLabel *run = labels_[0], *epoch = labels_[1], *perplexity = labels_[2], *speed = labels_[3],
           *time = labels_[4], *device = labels_[5];
    const RunQueue::Run* r = queue.current();
    const bool running = r != nullptr;
    if (!r) {
        // Idle: show the last run that trained, if any.
        const QList<int> ids = queue.ids();
        for (auto it = ids.rbegin(); it != ids.rend() && !r; ++it)
            if (queue.run(*it)->last.epoch > 0)
                r = queue.run(*it);
    }
    if (!r) {
        run->setText(QString());
        epoch->setText(LmCharts::tr("epoch —"));
        perplexity->setText(LmCharts::tr("perplexity —"));
        speed->setText(LmCharts::tr("— tokens/s"));
        time->setText(QString());
        const auto devices = availableDevices();
        device->setText(devices.empty() ? QString() : deviceLabel(devices.front().id, devices.front().label));
        return;
    }
    const EpochStats& s = r->last;
    const int epochs = r->config.train.epochs;
    const bool ended = !running && (r->state == State::Finished || r->state == State::Stopped || r->state == State::Diverged);
    run->setText(r->name);
    epoch->setText(LmCharts::tr("epoch %1/%2").arg(s.epoch).arg(epochs));
    perplexity->setText(LmCharts::tr("perplexity %1").arg(format::number(s.perplexity)));
    // One speed per run: while it trains, the last epoch's; once it ended, the
    // whole run's (as the table and the library have it).
    speed->setText(LmCharts::tr("%1 tokens/s")
                       .arg(format::number(ended && r->outcome.tokensPerSecond > 0 ? r->outcome.tokensPerSecond
                                                                                   : s.tokensPerSecond,
                                           0)));
    const double elapsed = ended && r->outcome.seconds > 0 ? r->outcome.seconds : s.elapsedSeconds;
    if (running && r->state == State::Paused) {
        time->setText(LmCharts::tr("%1, paused").arg(format::duration(elapsed)));
    } else if (running) {
        const double eta = s.epoch > 0 ? s.elapsedSeconds / s.epoch * (epochs - s.epoch) : 0;
        time->setText(LmCharts::tr("%1, %2 to go").arg(format::duration(elapsed), format::duration(eta)));
    } else {
        time->setText(LmCharts::tr("%1, %2").arg(format::duration(elapsed), r->statusText));
    }
    const QString where = r->info.device.isEmpty() ? QString::fromStdString(r->config.train.device) : r->info.device;
    device->setText(where == "cpu" ? cpuLabel(r->info.threads) : where);
}

} // namespace traveller::ui
