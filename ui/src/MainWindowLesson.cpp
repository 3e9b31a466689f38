// The window's side of lessons (MainWindow.h): File → Open lesson…, opening
// one (a bad file leaves the window as it was and says why) and closing it.
// Walking it is the LessonController's job.
#include "SaveLessonDialog.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lesson/Lesson.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LessonController.h"
#include "traveller/ui/MainWindow.h"

#include <QAction>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>

namespace traveller::ui {

void MainWindow::addLessonActions(QMenu* file)
{
    file->addSeparator();
    QAction* open = file->addAction(tr("Open &lesson…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open lesson"), QString(),
                                                          tr("Lessons (*.traveller-lesson)"));
        if (!path.isEmpty() && !openLesson(path))
            QMessageBox::warning(this, tr("Open lesson"), lessonError_);
    });
    open->setObjectName("openLessonAction");
    open->setToolTip(tr("A lesson prepared by a teacher: its steps, one at a time, in a bar above the tabs"));
    QAction* save = file->addAction(tr("Save as lesson…"), this, [this] {
        SaveLessonDialog dialog(*this, this);
        dialog.setObjectName("saveLessonDialog");
        dialog.exec();
    });
    save->setObjectName("saveLessonAction");
    save->setToolTip(tr("This window's settings and runs as a lesson file: its steps, and what each hides or locks"));
}

bool MainWindow::openLesson(const QString& path)
{
    lesson::Lesson lesson;
    try {
        lesson = lesson::loadLesson(path.toStdString());
    } catch (const std::exception& e) {
        lessonError_ = coreText(e);
        statusBar()->showMessage(lessonError_);
        return false;
    }
    lessonError_.clear();
    closeLesson();
    lesson_ = new LessonController(*this, std::move(lesson));
    connect(lesson_, &LessonController::closeRequested, this, &MainWindow::closeLesson, Qt::QueuedConnection);
    return true;
}

void MainWindow::closeLesson()
{
    delete lesson_;
    lesson_ = nullptr;
}

} // namespace traveller::ui
