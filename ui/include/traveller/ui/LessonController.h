// A lesson walked in the window (core's Lesson.h): the lesson bar on top, and
// each step applied to the window. What a step hides is gone: its tabs
// (QTabWidget::setTabVisible; a hidden tab cannot become current, by Ctrl+N
// or by another tab's request), its widgets, their QActions and QShortcuts,
// and the window's shortcuts that act on them (Ctrl+Enter for trainButton…).
// A locked control is disabled with the lesson's reason as its tooltip; a
// fixed setting is set in its form (Language model or Translate) and locked.
// A panel that shows or enables one of them again while the step lasts is
// overruled; what the panel asked for comes back when the step ends.
//
// The step's runs train when the bar's "Run this step" is pressed (the
// Language model tab's queue, or the Translate tab); the Lens and samples
// follow the lesson's runs as they finish; the student's answer to each
// step's question is kept in the run library under the lesson's name.
#pragma once

#include "traveller/core/lesson/Lesson.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class QAction;
class QDockWidget;
class QShortcut;
class QWidget;

namespace traveller::ui {

class LessonBar;
class MainWindow;
struct RunOutcome;

class LessonController : public QObject {
    Q_OBJECT
public:
    // Shows the bar and the lesson's first step (in presentation mode when the
    // lesson says so). The window owns the controller; deleting it gives
    // the window back whole.
    LessonController(MainWindow& window, lesson::Lesson lesson);
    ~LessonController() override;

    const lesson::Lesson& lesson() const { return lesson_; }
    int step() const { return step_; }
    int stepCount() const { return static_cast<int>(lesson_.steps.size()); }
    QWidget* bar() const;
    // The Language model tab's run that the lesson's run `label` became (0: none yet).
    int queueRunOf(const QString& label) const { return queueRuns_.value(label, 0); }
    // The run library's run that the lesson's run `label` is (trained or
    // opened in this lesson, else the newest finished one of that name; 0: none).
    qint64 libraryRunOf(const std::string& label) const;
    // Object names a step names that the window has no widget or action for.
    QStringList missingControls() const { return missing_; }

public Q_SLOTS:
    void showStep(int index);
    void next() { showStep(step_ + 1); }
    void back() { showStep(step_ - 1); }
    // Trains the step's runs (each once per lesson).
    void runStep();
    void saveAnswer(const QString& text);

Q_SIGNALS:
    void stepShown(int index);
    void closeRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // What a step changed, to give back when it ends.
    struct Hidden {
        QPointer<QWidget> widget;
        bool wanted;  // what the panel asked for meanwhile: shown
    };
    struct Locked {
        QPointer<QWidget> widget;
        bool wanted;  // enabled
        QString tooltip;
        QString why;
    };
    struct Disabled {
        QPointer<QObject> object;  // a QAction or QShortcut
        bool enabled;
        bool visible;
        QString tooltip;  // an action's, before a lock gave it the reason
    };

    enum class StepActions { Run, Skip };
    void applyStep(int index, StepActions actions);
    void undoStep();
    void applyTabs(const lesson::LessonStep& step);
    void hideControl(const QString& name);
    void lockControl(const QString& name, const QString& why);
    void hideWidget(QWidget* w);
    void lockWidget(QWidget* w, const QString& why);
    void disable(QObject* actionOrShortcut, bool hide);
    void disableShortcutsOf(const QString& control);
    void keepTabShown(int index);
    QList<QWidget*> widgetsNamed(const QString& name) const;
    QList<QAction*> actionsNamed(const QString& name) const;

    // LessonSteps.cpp: settings, runs, the Lens, samples, checks, answers.
    void applySettings(const lesson::LessonStep& step);
    // The step's `open:` runs copied from the lesson's library into the
    // window's (once), listed in the Runs tab.
    void openLibraryRuns(const lesson::LessonStep& step);
    void applyLens(const lesson::LessonStep& step);
    void applySample(const lesson::LessonStep& step);
    void runFinished(int runId, const RunOutcome& outcome);
    void translationFinished();
    QString checksText() const;
    void showBar();
    QString text(const lesson::LessonText& t) const;
    QString fixedTooltip(const lesson::FixedSetting& s) const;
    static QString metricName(const std::string& metric);

    MainWindow& window_;
    lesson::Lesson lesson_;
    int step_ = -1;
    LessonBar* bar_;
    QDockWidget* dock_;
    bool enforcing_ = false;  // our own hide/disable, not a panel's
    bool presentationBefore_ = false;
    QList<Hidden> hidden_;
    QList<Locked> locked_;
    QList<Disabled> disabled_;
    QList<bool> tabsShown_;
    QHash<QString, int> queueRuns_;          // label -> Language model run
    QHash<QString, qint64> libraryRuns_;     // label -> run library id (finished)
    QString translationLabel_;               // the translation run training now
    QStringList missing_;
};

} // namespace traveller::ui
