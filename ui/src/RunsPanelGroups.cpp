// The Runs tab's groups: the "Group seeds" toggle, the "Group by…" menu of
// the settings that differ, and the table filled with a row per group
// (RunGroups.h, on core's groupRuns); and the chart's files, which say
// whether it is smoothed.
#include "traveller/ui/RunsPanel.h"

#include "RunGroups.h"
#include "RunsLibraryView.h"

#include "traveller/core/Errors.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/RunLibrary.h"

#include "traveller/ui/LineChart.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QMenu>
#include <QToolButton>

namespace traveller::ui {

QHBoxLayout* RunsPanel::buildGrouping()
{
    groupToggle_ = new QCheckBox(tr("Group seeds"));
    groupToggle_->setObjectName("groupSeedsCheck");
    groupToggle_->setToolTip(tr("One row and one mean curve with a band for runs that differ only in their seed (or, "
                                "with Group by…, that agree on the chosen settings): mean ± standard deviation and "
                                "n"));
    connect(groupToggle_, &QCheckBox::toggled, this, [this](bool on) {
        groupingChosen_ = true;
        setGrouped(on);
    });
    groupByButton_ = new QToolButton;
    groupByButton_->setObjectName("groupByButton");
    groupByButton_->setText(tr("Group by…"));
    groupByButton_->setToolTip(tr("Group the runs that agree on the settings ticked here, whatever else differs"));
    groupByButton_->setPopupMode(QToolButton::InstantPopup);
    groupByButton_->setMenu(new QMenu(groupByButton_));
    // The settings that differ are read when the menu opens, not at every refresh.
    connect(groupByButton_->menu(), &QMenu::aboutToShow, this, &RunsPanel::updateGroupByMenu);
    updateGroupByMenu();
    auto* row = new QHBoxLayout;
    row->addWidget(groupToggle_);
    row->addWidget(groupByButton_);
    return row;
}

bool RunsPanel::grouped() const { return groupToggle_->isChecked(); }

void RunsPanel::setGrouped(bool on)
{
    groupingChosen_ = true;
    if (groupToggle_->isChecked() != on) {
        const QSignalBlocker block(groupToggle_);
        groupToggle_->setChecked(on);
    }
    fillTable();
    showDetails();
    updateControls();
}

void RunsPanel::setGroupBy(const QStringList& keys)
{
    groupBy_ = keys;
    groupByButton_->setText(keys.isEmpty() ? tr("Group by…") : tr("Group by %1").arg(keys.join(QStringLiteral(", "))));
    // Choosing settings to group by is asking for groups.
    if (!keys.isEmpty() && !grouped())
        setGrouped(true);
    else
        setGrouped(grouped());
}

QStringList RunsPanel::groupableKeys() const { return traveller::ui::groupableKeys(runs_); }

void RunsPanel::updateGroupByMenu()
{
    QMenu* menu = groupByButton_->menu();
    menu->clear();
    const QStringList keys = groupableKeys();
    for (const QString& key : keys) {
        QAction* a = menu->addAction(key);
        a->setCheckable(true);
        a->setChecked(groupBy_.contains(key));
        connect(a, &QAction::toggled, this, [this, key](bool on) {
            QStringList by = groupBy_;
            if (on && !by.contains(key))
                by << key;
            if (!on)
                by.removeAll(key);
            setGroupBy(by);
        });
    }
    if (!keys.isEmpty())
        menu->addSeparator();
    QAction* seeds = menu->addAction(tr("Only the seed differs"));
    seeds->setEnabled(!groupBy_.isEmpty());
    connect(seeds, &QAction::triggered, this, [this] { setGroupBy({}); });
    groupByButton_->setEnabled(runs_.size() >= 2);
}

void RunsPanel::fillTable()
{
    // Until the user chooses, groups are on while some runs differ only in their seed.
    if (!groupingChosen_) {
        const QSignalBlocker block(groupToggle_);
        groupToggle_->setChecked(hasSeedGroups(runs_));
    }
    grouping_.reset();
    if (grouped()) {
        auto s = library_.store();
        std::vector<std::string> by;
        for (const QString& key : std::as_const(groupBy_))
            by.push_back(key.toStdString());
        try {
            if (s)
                grouping_ = std::make_unique<Grouping>(groupLibrary(*s, runs_, by));
        } catch (const std::exception& e) {
            showMessage(tr("Could not group the runs: %1").arg(coreText(e)), true);
        }
    }
    view_->setRuns(runs_, grouping_.get());
    groupByButton_->setEnabled(runs_.size() >= 2);
}

bool RunsPanel::exportChart(const QString& path)
{
    LineChart* c = chart();
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == "png") {
        ok = c->exportPng(path);
    } else if (suffix == "svg") {
        ok = LineChart::svgSupported() && c->exportSvg(path);
    } else if (suffix == "csv") {
        QFile f(path);
        ok = f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
             f.write(c->toCsv("epoch", "perplexity").toUtf8()) >= 0;
    } else {
        showMessage(tr("Save the chart as .png, .svg or .csv, not '%1'").arg(path), true);
        return false;
    }
    showMessage(ok ? tr("Saved the chart to %1").arg(QDir::toNativeSeparators(path))
                   : tr("Could not write %1").arg(QDir::toNativeSeparators(path)),
                !ok);
    return ok;
}

} // namespace traveller::ui
