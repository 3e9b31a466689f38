// File → Save as lesson… (SaveLessonDialog.h).
#include "SaveLessonDialog.h"

#include "traveller/core/Errors.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunQueue.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

namespace traveller::ui {

namespace {

// The controls a teacher most often hides or locks (docs/LESSONS.md), with
// the name the dialog shows. "More settings" is its toggle and its group.
struct Control {
    const char* name;
    const char* label;
};
const Control kControls[] = {
    {"presetCombo", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Preset menu")},
    {"advancedToggle", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "More settings")},
    {"trainButton", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Train")},
    {"stopButton", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Stop")},
    {"continueButton", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Continue")},
    {"temperatureSpin", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Sampling temperature")},
    {"regenerateButton", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Regenerate")},
    {"gradNormChart", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Gradient norm chart")},
    {"translateMoreToggle", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Translate: more settings")},
    {"lensFindUnitsButton", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Lens: find units")},
    {"openExperimentAction", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "File → Open experiment…")},
    {"saveExperimentAction", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "File → Save experiment…")},
    {"openLessonAction", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "File → Open lesson…")},
    {"presentationAction", QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "View → Presentation mode")},
};

const char* const kTabLabels[] = {
    QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Language model"),
    QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Translate"),
    QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Sweeps"),
    QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Runs"),
    QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Lens"),
    QT_TRANSLATE_NOOP("traveller::ui::SaveLessonDialog", "Lab"),
};

lesson::LessonText textOf(const QString& en, const QString& zh)
{
    return {en.trimmed().toStdString(), zh.trimmed().toStdString()};
}

} // namespace

SaveLessonDialog::SaveLessonDialog(MainWindow& window, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Save as lesson"));
    settings_ = lesson::settingsApart(window.panel()->config(), ExperimentConfig{});
    QStringList labels;
    for (int id : window.runIds()) {
        const RunQueue::Run* r = window.runQueue()->run(id);
        if (!r)
            continue;
        QString label = r->name.isEmpty() ? QString::fromStdString(r->config.displayName()) : r->name;
        for (int n = 2; labels.contains(label); ++n)
            label = (r->name.isEmpty() ? QString::fromStdString(r->config.displayName()) : r->name) +
                    QStringLiteral(" (%1)").arg(n);
        labels << label;
        runs_.push_back(lesson::lessonRunFor(r->config, label.toStdString()));
    }

    titleEn_ = new QLineEdit;
    titleEn_->setObjectName("lessonTitleEn");
    titleZh_ = new QLineEdit;
    titleZh_->setObjectName("lessonTitleZh");
    presentation_ = new QCheckBox(tr("Start in presentation mode"));
    presentation_->setObjectName("lessonPresentation");
    steps_ = new QListWidget;
    steps_->setObjectName("lessonSteps");
    auto* add = new QPushButton(tr("Add step"));
    add->setObjectName("lessonAddStep");
    auto* remove = new QPushButton(tr("Remove step"));
    remove->setObjectName("lessonRemoveStep");
    connect(add, &QPushButton::clicked, this, &SaveLessonDialog::addStep);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (drafts_.size() <= 1 || current_ < 0)
            return;
        drafts_.erase(drafts_.begin() + current_);
        delete steps_->takeItem(current_);
        current_ = -1;
        selectStep(std::min<int>(steps_->count() - 1, std::max(0, steps_->currentRow())));
    });
    connect(steps_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != current_)
            selectStep(row);
    });

    auto* names = new QFormLayout;
    names->addRow(tr("Title (English):"), titleEn_);
    names->addRow(tr("Title (中文):"), titleZh_);
    auto* left = new QVBoxLayout;
    left->addLayout(names);
    left->addWidget(presentation_);
    left->addWidget(new QLabel(tr("Steps:")));
    left->addWidget(steps_, 1);
    auto* stepButtons = new QHBoxLayout;
    stepButtons->addWidget(add);
    stepButtons->addWidget(remove);
    left->addLayout(stepButtons);

    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(buildStepEditor());
    auto* columns = new QHBoxLayout;
    columns->addLayout(left, 2);
    columns->addWidget(scroll, 3);

    message_ = new QLabel;
    message_->setObjectName("lessonSaveMessage");
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &SaveLessonDialog::askAndSave);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(message_);
    layout->addWidget(buttons);
    resize(900, 640);
    addStep();
}

QWidget* SaveLessonDialog::buildStepEditor()
{
    auto* editor = new QWidget;
    auto* form = new QFormLayout(editor);
    stepTitleEn_ = new QLineEdit;
    stepTitleEn_->setObjectName("lessonStepTitleEn");
    stepTitleZh_ = new QLineEdit;
    stepTitleZh_->setObjectName("lessonStepTitleZh");
    textEn_ = new QPlainTextEdit;
    textZh_ = new QPlainTextEdit;
    for (QPlainTextEdit* t : {textEn_, textZh_})
        t->setMaximumHeight(t->fontMetrics().lineSpacing() * 4);
    questionEn_ = new QLineEdit;
    questionZh_ = new QLineEdit;
    form->addRow(tr("Step title (English):"), stepTitleEn_);
    form->addRow(tr("Step title (中文):"), stepTitleZh_);
    form->addRow(tr("Text (English):"), textEn_);
    form->addRow(tr("Text (中文):"), textZh_);
    form->addRow(tr("Question (English):"), questionEn_);
    form->addRow(tr("Question (中文):"), questionZh_);

    auto* tabBox = new QGroupBox(tr("Tabs shown"));
    auto* tabGrid = new QGridLayout(tabBox);
    const auto& ids = lesson::lessonTabs();
    for (std::size_t i = 0; i < ids.size() && i < std::size(kTabLabels); ++i) {
        auto* box = new QCheckBox(tr(kTabLabels[i]));
        box->setObjectName(QStringLiteral("lessonTab_") + QString::fromStdString(ids[i]));
        tabs_.push_back(box);
        tabGrid->addWidget(box, static_cast<int>(i / 3), static_cast<int>(i % 3));
    }
    form->addRow(tabBox);
    fixSettings_ = new QCheckBox(tr("Fix the Language model form's settings (%n changed)", "", static_cast<int>(settings_.size())));
    fixSettings_->setObjectName("lessonFixSettings");
    fixSettings_->setEnabled(!settings_.empty());
    trainRuns_ = new QCheckBox(tr("Run this step trains the window's runs (%n)", "", static_cast<int>(runs_.size())));
    trainRuns_->setObjectName("lessonTrainRuns");
    trainRuns_->setEnabled(!runs_.empty());
    form->addRow(fixSettings_);
    form->addRow(trainRuns_);

    controls_ = new QTableWidget(static_cast<int>(std::size(kControls)), 2);
    controls_->setObjectName("lessonControls");
    controls_->setHorizontalHeaderLabels({tr("Hide"), tr("Lock")});
    QStringList rows;
    for (const Control& c : kControls)
        rows << tr(c.label);
    controls_->setVerticalHeaderLabels(rows);
    for (int r = 0; r < controls_->rowCount(); ++r)
        for (int c = 0; c < 2; ++c) {
            auto* item = new QTableWidgetItem;
            item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
            item->setCheckState(Qt::Unchecked);
            controls_->setItem(r, c, item);
        }
    controls_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    controls_->setMinimumHeight(controls_->verticalHeader()->defaultSectionSize() * 6);
    form->addRow(controls_);
    return editor;
}

void SaveLessonDialog::addStep()
{
    storeStep();
    Draft d;
    const int n = static_cast<int>(drafts_.size()) + 1;
    d.titleEn = QStringLiteral("Step %1").arg(n);
    d.titleZh = QStringLiteral("第 %1 步").arg(n);
    d.fixSettings = drafts_.empty() && !settings_.empty();
    d.trainRuns = drafts_.empty() && !runs_.empty();
    if (drafts_.empty()) {
        d.tabs << QStringLiteral("language_model") << QStringLiteral("runs");
        d.lock << QStringLiteral("presetCombo");
    } else {
        d.tabs = drafts_.back().tabs;
    }
    drafts_.push_back(d);
    steps_->addItem(d.titleEn);
    current_ = -1;
    selectStep(n - 1);
}

void SaveLessonDialog::selectStep(int index)
{
    if (index < 0 || index >= static_cast<int>(drafts_.size()))
        return;
    storeStep();
    current_ = index;
    loadStep();
    steps_->setCurrentRow(index);
}

void SaveLessonDialog::storeStep()
{
    if (current_ < 0 || current_ >= static_cast<int>(drafts_.size()))
        return;
    Draft& d = drafts_[static_cast<std::size_t>(current_)];
    d.titleEn = stepTitleEn_->text();
    d.titleZh = stepTitleZh_->text();
    d.textEn = textEn_->toPlainText();
    d.textZh = textZh_->toPlainText();
    d.questionEn = questionEn_->text();
    d.questionZh = questionZh_->text();
    d.tabs.clear();
    const auto& ids = lesson::lessonTabs();
    for (std::size_t i = 0; i < tabs_.size(); ++i)
        if (tabs_[i]->isChecked())
            d.tabs << QString::fromStdString(ids[i]);
    d.fixSettings = fixSettings_->isChecked();
    d.trainRuns = trainRuns_->isChecked();
    d.hide.clear();
    d.lock.clear();
    for (int r = 0; r < controls_->rowCount(); ++r) {
        if (controls_->item(r, 0)->checkState() == Qt::Checked)
            d.hide << QString::fromLatin1(kControls[r].name);
        if (controls_->item(r, 1)->checkState() == Qt::Checked)
            d.lock << QString::fromLatin1(kControls[r].name);
    }
    if (QListWidgetItem* item = steps_->item(current_))
        item->setText(d.titleEn.isEmpty() ? d.titleZh : d.titleEn);
}

void SaveLessonDialog::loadStep()
{
    const Draft& d = drafts_[static_cast<std::size_t>(current_)];
    stepTitleEn_->setText(d.titleEn);
    stepTitleZh_->setText(d.titleZh);
    textEn_->setPlainText(d.textEn);
    textZh_->setPlainText(d.textZh);
    questionEn_->setText(d.questionEn);
    questionZh_->setText(d.questionZh);
    const auto& ids = lesson::lessonTabs();
    for (std::size_t i = 0; i < tabs_.size(); ++i)
        tabs_[i]->setChecked(d.tabs.contains(QString::fromStdString(ids[i])));
    fixSettings_->setChecked(d.fixSettings && !settings_.empty());
    trainRuns_->setChecked(d.trainRuns && !runs_.empty());
    for (int r = 0; r < controls_->rowCount(); ++r) {
        const QString name = QString::fromLatin1(kControls[r].name);
        controls_->item(r, 0)->setCheckState(d.hide.contains(name) ? Qt::Checked : Qt::Unchecked);
        controls_->item(r, 1)->setCheckState(d.lock.contains(name) ? Qt::Checked : Qt::Unchecked);
    }
}

void SaveLessonDialog::tick(const QString& control, bool hide, bool lock)
{
    for (int r = 0; r < controls_->rowCount(); ++r)
        if (control == QLatin1String(kControls[r].name)) {
            controls_->item(r, 0)->setCheckState(hide ? Qt::Checked : Qt::Unchecked);
            controls_->item(r, 1)->setCheckState(lock ? Qt::Checked : Qt::Unchecked);
        }
}

lesson::LessonStep SaveLessonDialog::stepOf(const Draft& d) const
{
    lesson::LessonStep s;
    s.title = textOf(d.titleEn, d.titleZh);
    s.text = textOf(d.textEn, d.textZh);
    s.question = textOf(d.questionEn, d.questionZh);
    for (const QString& t : d.tabs)
        s.tabs.push_back(t.toStdString());
    for (const QString& h : d.hide) {
        s.hide.push_back(h.toStdString());
        if (h == QLatin1String("advancedToggle"))
            s.hide.push_back("advancedGroup");  // the toggle and what it opens
    }
    for (const QString& l : d.lock)
        if (!d.hide.contains(l))
            s.lock.push_back({l.toStdString(), {"The teacher fixed this for the lesson.", "老师在本课中固定了它。"}});
    if (d.fixSettings)
        s.set = settings_;
    if (d.trainRuns)
        s.runs = runs_;
    return s;
}

lesson::Lesson SaveLessonDialog::lesson()
{
    storeStep();
    lesson::Lesson out;
    out.title = textOf(titleEn_->text(), titleZh_->text());
    out.presentation = presentation_->isChecked();
    bool runsTaken = false;
    for (const Draft& d : drafts_) {
        lesson::LessonStep s = stepOf(d);
        if (runsTaken)
            s.runs.clear();  // a run is trained once per lesson: the first step that asks gets them
        runsTaken = runsTaken || !s.runs.empty();
        out.steps.push_back(std::move(s));
    }
    return out;
}

bool SaveLessonDialog::saveTo(const QString& chosen)
{
    QString path = chosen;
    if (!path.endsWith(QLatin1String(lesson::kLessonExtension)))
        path += QLatin1String(lesson::kLessonExtension);
    const std::string yaml = lesson::lessonYaml(lesson());
    try {
        lesson::parseLesson(yaml, QFileInfo(path).fileName().toStdString(),
                            QFileInfo(path).absolutePath().toStdString());
    } catch (const std::exception& e) {
        why_ = coreText(e);
        message_->setText(why_);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(yaml.data(), static_cast<qint64>(yaml.size())) < 0 ||
        !file.commit()) {
        why_ = tr("Could not write %1: %2").arg(path, file.errorString());
        message_->setText(why_);
        return false;
    }
    why_.clear();
    return true;
}

void SaveLessonDialog::askAndSave()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save as lesson"), QString(),
                                                      tr("Lessons (*.traveller-lesson)"));
    if (!path.isEmpty() && saveTo(path))
        accept();
}

} // namespace traveller::ui
