// The line under a tab's controls that says what just happened (private to
// traveller_ui): selectable, wrapped, red for a problem, hidden when empty.
// Every tab says things the same way.
#pragma once

#include <QLabel>

namespace traveller::ui {

class MessageLabel : public QLabel {
public:
    explicit MessageLabel(const char* objectName, QWidget* parent = nullptr) : QLabel(parent)
    {
        setObjectName(objectName);
        setWordWrap(true);
        setTextInteractionFlags(Qt::TextSelectableByMouse);
        hide();
    }

    void say(const QString& text, bool error = false)
    {
        setText(text);
        setStyleSheet(error ? "color: #b00020;" : "");
        setVisible(!text.isEmpty());
    }
};

} // namespace traveller::ui
