#include "ParallelDialog.h"

#include "traveller/core/store/RunEvidence.h"

#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

namespace {

constexpr const char* kHiddenAxesKey = "runs/parallelHiddenAxes";

bool isNumber(const std::string& text, double* out)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

} // namespace

ParallelDialog::ParallelDialog(RunStore& store, const std::vector<StoredRun>& runs, QWidget* parent) : QDialog(parent)
{
    setObjectName("parallelDialog");
    setWindowTitle(tr("Parallel coordinates of %n run(s)", nullptr, static_cast<int>(runs.size())));
    plot_ = new ParallelPlot;
    axisList_ = new QListWidget;
    axisList_->setObjectName("parallelAxes");
    axisList_->setToolTip(tr("The axes drawn; your choice is remembered"));
    importance_ = new QTableWidget(0, 3);
    importance_->setObjectName("importanceTable");
    importance_->setHorizontalHeaderLabels({tr("Setting"), tr("Share of the variance"), tr("Values")});
    importance_->horizontalHeader()->setStretchLastSection(true);
    importance_->setWordWrap(false);
    importance_->verticalHeader()->setVisible(false);
    importance_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    method_ = new QLabel;
    method_->setObjectName("importanceMethod");
    method_->setWordWrap(true);

    auto* side = new QWidget;
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(new QLabel(tr("Axes")));
    sideLayout->addWidget(axisList_, 1);
    sideLayout->addWidget(new QLabel(tr("Which setting matters")));
    sideLayout->addWidget(method_);
    sideLayout->addWidget(importance_, 2);
    auto* split = new QSplitter;
    split->addWidget(plot_);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({620, 320});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);
    resize(960, 520);

    for (const StoredRun& r : runs)
        figures_.push_back(runFigures(r, store.epochs(r.id)));
    buildAxes(store, runs);
    buildImportance(runs);
    connect(plot_, &ParallelPlot::brushed, this, &ParallelDialog::brushed);
    connect(axisList_, &QListWidget::itemChanged, this, [this] {
        QStringList hidden;
        for (int i = 0; i < axisList_->count(); ++i)
            if (axisList_->item(i)->checkState() != Qt::Checked)
                hidden << axisList_->item(i)->data(Qt::UserRole).toString();
        QSettings().setValue(kHiddenAxesKey, hidden);
        showChosenAxes();
    });
    showChosenAxes();
}

void ParallelDialog::buildAxes(RunStore&, const std::vector<StoredRun>& runs)
{
    const RunsDiff diff = diffRuns(runs, figures_);
    for (const SettingDifference& d : diff.settings) {
        if (d.key == "name")
            continue;
        ParallelAxis axis;
        axis.key = QString::fromStdString(d.key);
        axis.title = axis.key.mid(axis.key.lastIndexOf('.') + 1);
        std::vector<double> values(d.values.size(), NAN);
        bool numeric = true;
        for (std::size_t i = 0; i < d.values.size(); ++i)
            numeric = (d.values[i].empty() || isNumber(d.values[i], &values[i])) && numeric;
        axis.numeric = numeric;
        if (!numeric) {
            for (const std::string& v : d.values)
                if (!axis.words.contains(QString::fromStdString(v)))
                    axis.words << QString::fromStdString(v);
            axis.words.sort();
            for (std::size_t i = 0; i < d.values.size(); ++i)
                values[i] = axis.words.indexOf(QString::fromStdString(d.values[i]));
        } else {
            double lo = INFINITY, hi = 0;
            for (double v : values)
                if (v > 0)
                    lo = std::min(lo, v), hi = std::max(hi, v);
            axis.log = d.key == "train.lr" || (std::isfinite(lo) && hi / lo >= 100);
        }
        allAxes_.push_back(axis);
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (allLines_.size() <= i)
                allLines_.push_back({diff.ids[i], {}});
            allLines_[i].values.push_back(values[i]);
        }
    }
    if (allLines_.empty())
        for (std::int64_t id : diff.ids)
            allLines_.push_back({id, {}});
    // The metrics last: the lines take the last one's colour.
    for (const MetricRow& m : diff.metrics) {
        if (m.metric != "heldout_perplexity" && m.metric != "final_perplexity")
            continue;
        if (std::none_of(m.values.begin(), m.values.end(), [](double v) { return std::isfinite(v); }))
            continue;
        ParallelAxis axis;
        axis.key = QString::fromStdString(m.metric);
        axis.title = m.metric == "final_perplexity" ? tr("final perplexity") : tr("held-out perplexity");
        axis.log = true;
        allAxes_.push_back(axis);
        for (std::size_t i = 0; i < m.values.size() && i < allLines_.size(); ++i)
            allLines_[i].values.push_back(m.values[i]);
    }
    const QStringList hidden = QSettings().value(kHiddenAxesKey).toStringList();
    const QSignalBlocker block(axisList_);
    for (const ParallelAxis& a : allAxes_) {
        auto* item = new QListWidgetItem(a.title, axisList_);
        item->setData(Qt::UserRole, a.key);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(hidden.contains(a.key) ? Qt::Unchecked : Qt::Checked);
    }
}

void ParallelDialog::showChosenAxes()
{
    std::vector<ParallelAxis> axes;
    std::vector<ParallelLine> lines(allLines_.size());
    for (std::size_t l = 0; l < allLines_.size(); ++l)
        lines[l].id = allLines_[l].id;
    for (std::size_t a = 0; a < allAxes_.size(); ++a) {
        if (axisList_->item(static_cast<int>(a))->checkState() != Qt::Checked)
            continue;
        axes.push_back(allAxes_[a]);
        for (std::size_t l = 0; l < allLines_.size(); ++l)
            lines[l].values.push_back(a < allLines_[l].values.size() ? allLines_[l].values[a] : NAN);
    }
    plot_->setData(std::move(axes), std::move(lines));
}

void ParallelDialog::buildImportance(const std::vector<StoredRun>& runs)
{
    const Importance importance = settingImportance(runs, figures_);
    method_->setText(tr("Functional ANOVA main effects: the share of the variance of log final perplexity over "
                        "%n run(s) that each setting explains alone (the rest is interactions and noise).",
                        nullptr, importance.runs));
    importance_->setRowCount(static_cast<int>(importance.settings.size()));
    for (std::size_t i = 0; i < importance.settings.size(); ++i) {
        const SettingImportance& s = importance.settings[i];
        const int row = static_cast<int>(i);
        importance_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(s.key)));
        auto* share = new QTableWidgetItem(QStringLiteral("%1 %").arg(100.0 * s.share, 0, 'f', 1));
        share->setData(Qt::UserRole, s.share);
        importance_->setItem(row, 1, share);
        importance_->setItem(row, 2, new QTableWidgetItem(QString::number(s.values)));
    }
    importance_->resizeColumnsToContents();
}

} // namespace traveller::ui
