// File → Save as lesson… (issue 29.3): the window's settings and runs become
// a lesson file. The teacher names the lesson (English and 中文), adds steps,
// and ticks per step the tabs shown, the controls hidden or locked, whether
// the Language model form's settings are fixed and the window's runs
// trained. Saved through core's lessonYaml and checked by parseLesson first:
// a lesson that would not open is not written, and the dialog says why.
#pragma once

#include "traveller/core/lesson/Lesson.h"

#include <QDialog>
#include <QStringList>

#include <vector>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QTableWidget;

namespace traveller::ui {

class MainWindow;

class SaveLessonDialog : public QDialog {
    Q_OBJECT
public:
    explicit SaveLessonDialog(MainWindow& window, QWidget* parent = nullptr);

    // The lesson as the dialog has it now (the step being edited included).
    lesson::Lesson lesson();
    // Checks the lesson and writes it to `path` (.traveller-lesson added when
    // missing); false with why() when it does not pass or cannot be written.
    bool saveTo(const QString& path);
    QString why() const { return why_; }
    // The step being edited (0-based); adds one after the last.
    int currentStep() const { return current_; }
    void addStep();
    void selectStep(int index);
    // A control of the table ticked hidden or locked in the current step.
    void tick(const QString& control, bool hide, bool lock);

private:
    struct Draft {
        QString titleEn, titleZh, textEn, textZh, questionEn, questionZh;
        QStringList tabs;
        bool fixSettings = true;
        bool trainRuns = true;
        QStringList hide, lock;
    };

    QWidget* buildStepEditor();
    void storeStep();
    void loadStep();
    void askAndSave();
    lesson::LessonStep stepOf(const Draft& d) const;

    std::vector<lesson::FixedSetting> settings_;  // the form's, apart from the defaults
    std::vector<lesson::LessonRun> runs_;         // the window's runs, as presets + settings
    std::vector<Draft> drafts_;
    int current_ = -1;

    QLineEdit* titleEn_;
    QLineEdit* titleZh_;
    QCheckBox* presentation_;
    QListWidget* steps_;
    QLineEdit* stepTitleEn_;
    QLineEdit* stepTitleZh_;
    QPlainTextEdit* textEn_;
    QPlainTextEdit* textZh_;
    QLineEdit* questionEn_;
    QLineEdit* questionZh_;
    std::vector<QCheckBox*> tabs_;
    QCheckBox* fixSettings_;
    QCheckBox* trainRuns_;
    QTableWidget* controls_;
    QLabel* message_;
    QString why_;
};

} // namespace traveller::ui
