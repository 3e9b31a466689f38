// LabPanel's sizes and its row of buttons: what follows the text size
// (presentation mode, zoom) and the window's width.
#include "traveller/ui/LabPanel.h"

#include "LabRunTable.h"
#include "ScreenFit.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LineChart.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

// Sizes that follow the application font (presentation mode, zoom): the step
// heading stays larger than the text, the chart keeps room for its ticks.
void LabPanel::followFont()
{
    QFont big = scaledFont(font(), 1.25);
    big.setBold(true);
    title_->setFont(big);
    const int line = fontMetrics().height();
    if (presentation_) {
        // On a projector at 768 px the class reads the runs: the table keeps
        // its header and six rows, and the chart twelve lines (Qt Charts
        // gives its x axis at most 40% of the plot: less, and the axis'
        // ticks and title are cut to "...", Chinese first: ten lines were
        // too few at 1024 x 768 in Chinese); the chart takes what the window
        // has beyond, and the column scrolls where it has less.
        const int rows = runs_->verticalHeader()->defaultSectionSize() * 6;
        runs_->setMinimumHeight(runs_->horizontalHeader()->sizeHint().height() + rows + 2 * runs_->frameWidth() + 2);
        chart_->setMinimumHeight(std::max(240, line * 12));
    } else {
        runs_->setMinimumHeight(line * 5);  // its header and two rows or more
        chart_->setMinimumHeight(std::max(200, line * 12));
    }
    notes_->setMinimumHeight(line * 2 + 8);
    fitButtons();
}

// The row of actions: run the step, the whole lab or the step again, stop,
// quick or full, the report.
QBoxLayout* LabPanel::buildButtons()
{
    runStep_ = new QPushButton(tr("Run this step"));
    runStep_->setObjectName("labRunStep");
    runAll_ = new QPushButton(tr("Run the whole lab"));
    runAll_->setObjectName("labRunAll");
    again_ = new QPushButton(tr("Train this step again"));
    again_->setObjectName("labTrainAgain");
    again_->setToolTip(tr("Trains every run of this step anew; its runs so far stay in the run library. "
                          "Run this step and Run the whole lab keep finished runs and resume stopped ones."));
    stop_ = new QPushButton(tr("Stop"));
    stop_->setObjectName("labStop");
    quick_ = new QCheckBox(tr("Quick (class length)"));
    quick_->setObjectName("labQuick");
    quick_->setToolTip(tr("A tenth of the epochs (50 instead of 500), checked against the quick lab's own references"));
    seeds_ = new QSpinBox;
    seeds_->setObjectName("labSeeds");
    seeds_->setRange(1, kMaxLabSeeds);
    seeds_->setValue(1);
    seeds_->setToolTip(tr("Train each run of the lab on seeds 0 to N−1; the report gives each setting's mean ± standard "
                          "deviation and says which differences lie within the seeds' spread"));
    auto* seedsLabel = new QLabel(tr("Seeds:"));
    seedsLabel->setBuddy(seeds_);
    reportLang_ = new QComboBox;
    reportLang_->addItem(QStringLiteral("English"), QStringLiteral("en"));
    reportLang_->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    reportLang_->setToolTip(tr("Language of the report"));
    reportLang_->setCurrentIndex(coreLanguage() == "zh_CN" ? 1 : 0);
    report_ = new QPushButton(tr("Write report…"));
    report_->setObjectName("labReport");
    connect(runStep_, &QPushButton::clicked, this, [this] { runStep(); });
    connect(runAll_, &QPushButton::clicked, this, [this] { runWholeLab(); });
    connect(again_, &QPushButton::clicked, this, [this] { trainStepAgain(); });
    connect(stop_, &QPushButton::clicked, this, &LabPanel::stop);
    connect(quick_, &QCheckBox::toggled, this, [this] { refresh(); });
    connect(seeds_, &QSpinBox::valueChanged, this, [this] { refresh(); });
    connect(report_, &QPushButton::clicked, this, &LabPanel::chooseReport);

    // The actions and the options: one row, or two where the text is large
    // (presentation mode at 1024 px; see fitButtons).
    actionsRow_ = new QHBoxLayout;
    actionsRow_->addWidget(runStep_);
    actionsRow_->addWidget(runAll_);
    actionsRow_->addWidget(again_);
    actionsRow_->addWidget(stop_);
    actionsRow_->addStretch();
    optionsRow_ = new QHBoxLayout;
    optionsRow_->addWidget(quick_);
    optionsRow_->addWidget(seedsLabel);
    optionsRow_->addWidget(seeds_);
    optionsRow_->addStretch();
    optionsRow_->addWidget(reportLang_);
    optionsRow_->addWidget(report_);
    buttons_ = new QBoxLayout(QBoxLayout::LeftToRight);
    buttons_->setContentsMargins(0, 0, 0, 0);
    buttons_->addLayout(actionsRow_);
    buttons_->addLayout(optionsRow_);
    return buttons_;
}

void LabPanel::fitButtons()
{
    if (!buttons_ || !rightScroll_)
        return;
    const int wanted = actionsRow_->sizeHint().width() + optionsRow_->sizeHint().width() + buttons_->spacing();
    const auto direction = wanted > rightScroll_->viewport()->width() - 20 ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight;
    if (buttons_->direction() != direction)
        buttons_->setDirection(direction);
}

void LabPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitButtons();
}

void LabPanel::setPresentationLayout(bool on)
{
    // On a projector the chart and the runs come first: the notes fold away
    // (they are the students' own, typed at a desk), the step list narrows,
    // and the runs keep six rows (followFont).
    presentation_ = on;
    notesBox_->setVisible(!on);
    steps_->setMaximumWidth(on ? 200 : 240);
    followFont();
}

} // namespace traveller::ui
