// The Lens on the decoder (private to traveller_ui): every hypothesis the
// search kept, as a tree from the start (the greedy path alone for beam 1),
// each with its log-probability so far; the chosen path in bold and open,
// with the decoder's likeliest words at each of its steps.
#pragma once

#include "traveller/core/s2s/Translation.h"

#include <QTreeWidget>

namespace traveller::ui {

class DecoderTree : public QTreeWidget {
    Q_OBJECT
public:
    explicit DecoderTree(QWidget* parent = nullptr);
    void setTranslation(const Translation& translation);
    // The words of the chosen path, top down (for tests).
    QStringList chosenPath() const;
};

} // namespace traveller::ui
