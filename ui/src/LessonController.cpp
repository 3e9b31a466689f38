// Applying a lesson's step to the window (LessonController.h): tabs, hidden
// and locked controls with their actions and shortcuts, and giving them back.
// The step's settings, runs, Lens, samples and answers: LessonSteps.cpp.
#include "traveller/ui/LessonController.h"

#include "LessonBar.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/LabPanel.h"
#include "traveller/ui/LensPanel.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/SweepsPanel.h"
#include "traveller/ui/TranslatePanel.h"

#include <QAction>
#include <QDockWidget>
#include <QEvent>
#include <QFormLayout>
#include <QKeySequence>
#include <QShortcut>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>

namespace traveller::ui {

namespace {

// The window's own shortcuts (MainWindow::buildMenus) that do what a control
// does: hiding or locking the control takes its shortcut away too.
QList<QKeySequence> shortcutsOf(const QString& control)
{
    if (control == QLatin1String("trainButton"))
        return {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)};
    if (control == QLatin1String("stopButton"))
        return {QKeySequence(Qt::Key_Escape)};
    if (control == QLatin1String("pauseButton") || control == QLatin1String("resumeButton"))
        return {QKeySequence(Qt::CTRL | Qt::Key_P)};
    return {};
}

} // namespace

LessonController::LessonController(MainWindow& window, lesson::Lesson lesson)
    : QObject(&window), window_(window), lesson_(std::move(lesson))
{
    setObjectName("lessonController");
    bar_ = new LessonBar;
    dock_ = new QDockWidget(&window);
    dock_->setObjectName("lessonDock");
    dock_->setFeatures(QDockWidget::NoDockWidgetFeatures);
    dock_->setTitleBarWidget(new QWidget(dock_));
    dock_->setWidget(new LessonBarScroll(bar_));
    window.addDockWidget(Qt::TopDockWidgetArea, dock_);
    dock_->show();  // added to a window already on screen
    connect(bar_, &LessonBar::backRequested, this, &LessonController::back);
    connect(bar_, &LessonBar::nextRequested, this, &LessonController::next);
    connect(bar_, &LessonBar::runRequested, this, &LessonController::runStep);
    connect(bar_, &LessonBar::closeRequested, this, &LessonController::closeRequested);
    connect(bar_, &LessonBar::answerEdited, this, &LessonController::saveAnswer);
    connect(&window, &MainWindow::runFinished, this, &LessonController::runFinished);
    connect(window.translatePanel(), &TranslatePanel::trainingFinished, this, &LessonController::translationFinished);
    // A hidden tab never becomes current: not by Ctrl+N, nor by another tab's request.
    connect(window.tabs(), &QTabWidget::currentChanged, this, &LessonController::keepTabShown);
    bar_->installEventFilter(this);  // the step's texts follow the window's language
    presentationBefore_ = window.presentationMode();
    if (lesson_.presentation)
        window.setPresentationMode(true);
    showStep(0);
}

LessonController::~LessonController()
{
    undoStep();
    if (lesson_.presentation && !presentationBefore_)
        window_.setPresentationMode(false);
    delete dock_;
}

QWidget* LessonController::bar() const { return bar_; }

QString LessonController::text(const lesson::LessonText& t) const
{
    return QString::fromStdString(t.of(language().toStdString()));
}

void LessonController::showStep(int index) { applyStep(index, StepActions::Run); }

// `actions`: also the step's Lens and samples (not when the same step is only
// shown again in another language).
void LessonController::applyStep(int index, StepActions actions)
{
    if (index < 0 || index >= stepCount())
        return;
    if (step_ >= 0)
        saveAnswer(bar_->answer());
    undoStep();
    step_ = index;
    missing_.clear();
    const lesson::LessonStep& step = lesson_.steps[static_cast<std::size_t>(index)];
    applyTabs(step);
    for (const std::string& name : step.hide)
        hideControl(QString::fromStdString(name));
    for (const lesson::LockedControl& l : step.lock)
        lockControl(QString::fromStdString(l.control), text(l.why));
    applySettings(step);
    openLibraryRuns(step);
    showBar();
    if (actions == StepActions::Run) {
        applyLens(step);
        applySample(step);
    }
    if (!missing_.isEmpty())
        bar_->say(tr("This step names controls the window does not have: %1").arg(missing_.join(QStringLiteral(", "))),
                  true);
    Q_EMIT stepShown(index);
}

void LessonController::applyTabs(const lesson::LessonStep& step)
{
    QTabWidget* tabs = window_.tabs();
    const QList<QWidget*> byId = {window_.languageModel(), window_.translatePanel(), window_.sweepsPanel(),
                                  window_.runsPanel(),     window_.lensPanel(),      window_.labPanel()};
    const auto& ids = lesson::lessonTabs();
    const auto shown = step.shownTabs();
    tabsShown_.clear();
    for (int i = 0; i < tabs->count(); ++i)
        tabsShown_ << tabs->isTabVisible(i);
    QWidget* open = nullptr;
    for (std::size_t k = 0; k < ids.size() && k < static_cast<std::size_t>(byId.size()); ++k) {
        const bool show = std::find(shown.begin(), shown.end(), ids[k]) != shown.end();
        const int index = tabs->indexOf(byId[static_cast<int>(k)]);
        if (index < 0)
            continue;
        tabs->setTabVisible(index, show);
        if (!show) {
            // Ctrl+1… for this tab (MainWindow::buildMenus) goes with it.
            const QKeySequence key(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index));
            for (QShortcut* s : window_.findChildren<QShortcut*>())
                if (s->key() == key)
                    disable(s, false);
        }
        if (show && (!open || ids[k] == step.open))
            open = byId[static_cast<int>(k)];
    }
    if (open && (!step.open.empty() || !tabs->isTabVisible(tabs->currentIndex())))
        tabs->setCurrentWidget(open);
}

void LessonController::keepTabShown(int index)
{
    QTabWidget* tabs = window_.tabs();
    if (index < 0 || tabs->isTabVisible(index))
        return;
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->isTabVisible(i)) {
            tabs->setCurrentIndex(i);
            return;
        }
}

QList<QWidget*> LessonController::widgetsNamed(const QString& name) const
{
    QList<QWidget*> out = window_.findChildren<QWidget*>(name);
    out.removeAll(bar_);
    return out;
}

QList<QAction*> LessonController::actionsNamed(const QString& name) const
{
    return window_.findChildren<QAction*>(name);
}

void LessonController::hideControl(const QString& name)
{
    const QList<QWidget*> widgets = widgetsNamed(name);
    const QList<QAction*> actions = actionsNamed(name);
    if (widgets.isEmpty() && actions.isEmpty())
        missing_ << name;
    for (QWidget* w : widgets)
        hideWidget(w);
    for (QAction* a : actions)
        disable(a, true);
    disableShortcutsOf(name);
}

void LessonController::hideWidget(QWidget* w)
{
    for (const Hidden& h : std::as_const(hidden_))
        if (h.widget == w)
            return;
    hidden_.append({w, !w->isHidden()});
    enforcing_ = true;
    w->hide();
    enforcing_ = false;
    w->installEventFilter(this);
    // A form's field goes with its label.
    if (QWidget* parent = w->parentWidget()) {
        QList<QFormLayout*> forms = parent->findChildren<QFormLayout*>();
        if (auto* own = qobject_cast<QFormLayout*>(parent->layout()))
            forms << own;
        for (QFormLayout* form : std::as_const(forms))
            if (QWidget* label = form->labelForField(w); label && label != w)
                hideWidget(label);
    }
    // Its actions and shortcuts, and those of everything inside it.
    QList<QWidget*> inside = w->findChildren<QWidget*>();
    inside << w;
    for (QWidget* c : inside) {
        for (QAction* a : c->actions())
            disable(a, false);
        for (QShortcut* s : c->findChildren<QShortcut*>(Qt::FindDirectChildrenOnly))
            disable(s, false);
    }
}

void LessonController::lockControl(const QString& name, const QString& why)
{
    const QList<QWidget*> widgets = widgetsNamed(name);
    const QList<QAction*> actions = actionsNamed(name);
    if (widgets.isEmpty() && actions.isEmpty())
        missing_ << name;
    for (QWidget* w : widgets)
        lockWidget(w, why);
    for (QAction* a : actions) {
        disable(a, false);
        a->setToolTip(why);
    }
    disableShortcutsOf(name);
}

void LessonController::lockWidget(QWidget* w, const QString& why)
{
    for (const Locked& l : std::as_const(locked_))
        if (l.widget == w)
            return;  // locked already (a fixed setting the step also locks)
    locked_.append({w, !w->testAttribute(Qt::WA_ForceDisabled), w->toolTip(), why});
    enforcing_ = true;
    w->setEnabled(false);
    w->setToolTip(why);
    enforcing_ = false;
    w->installEventFilter(this);
    for (QAction* a : w->actions())
        disable(a, false);
}

void LessonController::disable(QObject* object, bool hide)
{
    bool enabled = true, visible = true;
    QString tooltip;
    if (auto* a = qobject_cast<QAction*>(object)) {
        enabled = a->isEnabled();
        visible = a->isVisible();
        tooltip = a->toolTip();
        a->setEnabled(false);
        if (hide)
            a->setVisible(false);
    } else if (auto* s = qobject_cast<QShortcut*>(object)) {
        enabled = s->isEnabled();
        s->setEnabled(false);
    }
    disabled_.append({object, enabled, visible, tooltip});
}

void LessonController::disableShortcutsOf(const QString& control)
{
    const QList<QKeySequence> keys = shortcutsOf(control);
    for (QShortcut* s : window_.findChildren<QShortcut*>())
        if (keys.contains(s->key()))
            disable(s, false);
}

bool LessonController::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == bar_) {
        if (event->type() == QEvent::LanguageChange && step_ >= 0)
            QTimer::singleShot(0, this, [this] { applyStep(step_, StepActions::Skip); });
        return false;
    }
    if (enforcing_)
        return false;
    auto* w = qobject_cast<QWidget*>(watched);
    if (!w)
        return false;
    if (event->type() == QEvent::ShowToParent) {
        // A panel showed a control the step hides: it stays hidden.
        for (Hidden& h : hidden_)
            if (h.widget == w) {
                h.wanted = true;
                QTimer::singleShot(0, w, [this, w] {
                    enforcing_ = true;
                    w->hide();
                    enforcing_ = false;
                });
            }
    } else if (event->type() == QEvent::HideToParent) {
        for (Hidden& h : hidden_)
            if (h.widget == w)
                h.wanted = false;
    } else if (event->type() == QEvent::EnabledChange || event->type() == QEvent::ToolTipChange) {
        for (Locked& l : locked_) {
            if (l.widget != w)
                continue;
            enforcing_ = true;
            if (event->type() == QEvent::EnabledChange) {
                l.wanted = !w->testAttribute(Qt::WA_ForceDisabled);
                w->setEnabled(false);
            } else if (w->toolTip() != l.why) {
                l.tooltip = w->toolTip();
                w->setToolTip(l.why);
            }
            enforcing_ = false;
        }
    }
    return false;
}

void LessonController::undoStep()
{
    enforcing_ = true;
    for (const Hidden& h : std::as_const(hidden_))
        if (h.widget) {
            h.widget->removeEventFilter(this);
            h.widget->setVisible(h.wanted);
        }
    for (const Locked& l : std::as_const(locked_))
        if (l.widget) {
            l.widget->removeEventFilter(this);
            l.widget->setEnabled(l.wanted);
            l.widget->setToolTip(l.tooltip);
        }
    // In reverse: an object disabled twice gets its first state back.
    for (auto it = disabled_.crbegin(); it != disabled_.crend(); ++it) {
        if (auto* a = qobject_cast<QAction*>(it->object.data())) {
            a->setEnabled(it->enabled);
            a->setVisible(it->visible);
            a->setToolTip(it->tooltip);
        } else if (auto* s = qobject_cast<QShortcut*>(it->object.data())) {
            s->setEnabled(it->enabled);
        }
    }
    QTabWidget* tabs = window_.tabs();
    for (int i = 0; i < tabsShown_.size() && i < tabs->count(); ++i)
        tabs->setTabVisible(i, tabsShown_[i]);
    enforcing_ = false;
    hidden_.clear();
    locked_.clear();
    disabled_.clear();
    tabsShown_.clear();
}

} // namespace traveller::ui
