#include "LessonBar.h"

#include <QBoxLayout>
#include <QEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace traveller::ui {

LessonBar::LessonBar(QWidget* parent) : QWidget(parent)
{
    setObjectName("lessonBar");
    auto label = [this](const char* name) {
        auto* l = new QLabel(this);
        l->setObjectName(name);
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return l;
    };
    auto button = [this](const char* name) {
        auto* b = new QPushButton(this);
        b->setObjectName(name);
        b->setAutoDefault(false);
        return b;
    };
    lesson_ = label("lessonTitle");
    lesson_->setWordWrap(false);
    book_ = label("lessonBook");
    book_->setWordWrap(false);
    step_ = label("lessonStep");
    text_ = label("lessonText");
    question_ = label("lessonQuestion");
    checks_ = label("lessonChecks");
    message_ = label("lessonMessage");
    answer_ = new QLineEdit(this);
    answer_->setObjectName("lessonAnswer");
    answer_->setClearButtonEnabled(true);
    back_ = button("lessonBack");
    next_ = button("lessonNext");
    run_ = button("lessonRun");
    close_ = button("lessonClose");
    connect(back_, &QPushButton::clicked, this, &LessonBar::backRequested);
    connect(next_, &QPushButton::clicked, this, &LessonBar::nextRequested);
    connect(run_, &QPushButton::clicked, this, &LessonBar::runRequested);
    connect(close_, &QPushButton::clicked, this, &LessonBar::closeRequested);
    connect(answer_, &QLineEdit::textEdited, this, &LessonBar::answerEdited);

    // One row for where the class is (lesson, book, step) and the buttons:
    // on a projector the bar may get little more than that row and the text.
    auto* top = new QHBoxLayout;
    top->addWidget(lesson_);
    top->addWidget(book_);
    top->addSpacing(12);
    top->addWidget(step_, 1);
    top->addWidget(run_);
    top->addWidget(back_);
    top->addWidget(next_);
    top->addWidget(close_);
    auto* ask = new QHBoxLayout;
    ask->addWidget(question_, 3);
    ask->addWidget(answer_, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->setSpacing(1);
    layout->addLayout(top);
    layout->addWidget(text_);
    layout->addLayout(ask);
    layout->addWidget(checks_);
    layout->addWidget(message_);
    QFont bold = lesson_->font();
    bold.setBold(true);
    lesson_->setFont(bold);
    step_->setFont(bold);
    retranslate();
}

void LessonBar::showView(const View& view)
{
    view_ = view;
    lesson_->setText(view.lesson);
    book_->setText(view.book);
    book_->setToolTip(view.bookTip);
    text_->setText(view.text);
    text_->setVisible(!view.text.isEmpty());
    question_->setText(view.question);
    question_->setVisible(!view.question.isEmpty());
    answer_->setVisible(!view.question.isEmpty());
    if (answer_->text() != view.answer)
        answer_->setText(view.answer);
    back_->setEnabled(view.step > 0);
    next_->setEnabled(view.step + 1 < view.steps);
    run_->setVisible(view.runs);
    setChecks(view.checks);
    say({});
    retranslate();
}

void LessonBar::say(const QString& text, bool error)
{
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
    message_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void LessonBar::setChecks(const QString& text)
{
    checks_->setText(text);
    checks_->setVisible(!text.isEmpty());
}

QString LessonBar::answer() const { return answer_->text(); }

void LessonBar::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void LessonBar::retranslate()
{
    step_->setText(tr("Step %1 of %2: %3").arg(view_.step + 1).arg(view_.steps).arg(view_.title));
    back_->setText(tr("Back"));
    back_->setToolTip(tr("The lesson's previous step"));
    next_->setText(tr("Next"));
    next_->setToolTip(tr("The lesson's next step"));
    run_->setText(tr("Run this step"));
    run_->setToolTip(tr("Train the runs this step names, with the lesson's settings"));
    close_->setText(tr("Close lesson"));
    close_->setToolTip(tr("Leave the lesson: every tab and control comes back"));
    answer_->setPlaceholderText(tr("Your answer (kept in the run library)"));
}

LessonBarScroll::LessonBarScroll(LessonBar* bar)
{
    setObjectName("lessonBarScroll");
    setWidget(bar);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
}

QSize LessonBarScroll::sizeHint() const
{
    QSize hint = widget()->sizeHint();
    const int width = viewport()->width() > 0 ? viewport()->width() : hint.width();
    if (widget()->hasHeightForWidth())
        hint.setHeight(widget()->heightForWidth(width));
    return hint;
}

} // namespace traveller::ui
