// The lesson bar (private to traveller_ui): across the top of the window
// while a lesson is open, the lesson's title and its book sections, the
// step ("Step 2 of 5") with its title and text, Back / Next, Run this step
// (the step's runs), Close, the step's question with the student's answer
// box, and what the step's checks measured. It only shows and asks; the
// LessonController applies a step to the window.
#pragma once

#include <QScrollArea>
#include <QString>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace traveller::ui {

class LessonBar : public QWidget {
    Q_OBJECT
public:
    explicit LessonBar(QWidget* parent = nullptr);

    struct View {
        QString lesson;    // the lesson's title
        QString book;      // "d2l 10.1 · d2l-zh 9.2", with titles in the tooltip
        QString bookTip;
        int step = 0;      // 0-based
        int steps = 1;
        QString title;
        QString text;
        QString question;  // empty: no answer box
        QString answer;
        bool runs = false;  // the step has runs to train
        QString checks;     // one line per check; empty: none
    };
    void showView(const View& view);
    // A line under the text: what the lesson could not do, or what to do first.
    void say(const QString& text, bool error = false);
    void setChecks(const QString& text);
    QString answer() const;

Q_SIGNALS:
    void backRequested();
    void nextRequested();
    void runRequested();
    void closeRequested();
    void answerEdited(const QString& text);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();

    QLabel* lesson_;
    QLabel* book_;
    QLabel* step_;
    QLabel* text_;
    QLabel* question_;
    QLineEdit* answer_;
    QLabel* checks_;
    QLabel* message_;
    QPushButton* back_;
    QPushButton* next_;
    QPushButton* run_;
    QPushButton* close_;
    View view_;
};

// The bar in its dock: it scrolls rather than push the tab below its own
// minimum (presentation mode at 1024x768), and asks for the height its
// wrapped text needs at the width it has.
class LessonBarScroll : public QScrollArea {
public:
    explicit LessonBarScroll(LessonBar* bar);
    QSize sizeHint() const override;
};

} // namespace traveller::ui
