// The Lens's text (private to traveller_ui): each character in a cell
// coloured by the chosen unit's value, under it the model's top guesses for
// the next character shaded by probability (the one that follows marked), and
// a bar for the probability it gave the character that does follow.
// Hovering a character shades the ones before it by saliency; clicking (or ←
// and →) chooses the step the equations show.
#pragma once

#include "traveller/core/lm/Inspect.h"

#include <QWidget>

class QPainter;

#include <memory>
#include <utility>

namespace traveller::ui {

class LensTextView : public QWidget {
    Q_OBJECT
public:
    explicit LensTextView(QWidget* parent = nullptr);

    void setInspection(std::shared_ptr<const Inspection> inspection);
    // What colours the characters: value `value` (-1: h) of `unit` in `layer`.
    void setColouring(int layer, int value, int unit);
    int step() const { return step_; }
    void setStep(int step);
    int hovered() const { return hovered_; }
    // The span shift-click marks from the chosen step: [first, second), or (-1, -1).
    std::pair<int, int> span() const { return {spanBegin_, spanEnd_}; }
    void setSpan(int begin, int end);
    // The cell of character t, in widget coordinates (for tests and grabs).
    QRect cellRect(int t) const;
    int heightForWidth(int width) const override;
    bool hasHeightForWidth() const override { return true; }
    QSize sizeHint() const override;
    // Paints every character laid out `width` wide (an export's whole text,
    // not only the part a scroll area shows).
    void paintAll(QPainter& painter, int width) const;

Q_SIGNALS:
    void stepChosen(int step);
    void spanChosen(int begin, int end);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    int columns(int width) const;
    QRect cellRect(int t, int width) const;
    QSize cellSize() const;
    int stepAt(const QPoint& pos) const;
    double valueAt(int t) const;

    std::shared_ptr<const Inspection> in_;
    int layer_ = 0;
    int value_ = -1;
    int unit_ = 0;
    int step_ = 0;
    int hovered_ = -1;
    int spanBegin_ = -1, spanEnd_ = -1;
    double scale_ = 1;  // the largest |value| of the unit over the text
    bool unitInterval_ = false;  // a gate: values in [0, 1]
};

// Units × characters of one value in one layer as an image: red above zero,
// blue below (a gate: white to orange over [0, 1]). A click picks the unit.
class LensHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit LensHeatmap(QWidget* parent = nullptr);
    void setInspection(std::shared_ptr<const Inspection> inspection, int layer, int value, int unit, int step);
    QImage image() const { return image_; }

Q_SIGNALS:
    void unitChosen(int unit);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QRect plotRect() const;
    std::shared_ptr<const Inspection> in_;
    QImage image_;
    int unit_ = 0;
    int step_ = 0;
};

// h_t of one layer on its first two principal components, a point per
// character labelled by it, joined in the text's order; the chosen step
// ringed. A click chooses the nearest step.
class LensTrajectory : public QWidget {
    Q_OBJECT
public:
    explicit LensTrajectory(QWidget* parent = nullptr);
    void setInspection(std::shared_ptr<const Inspection> inspection, int layer, int step);
    // Where step t is drawn (for tests and clicks).
    QPointF position(int t) const;

Q_SIGNALS:
    void stepChosen(int step);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    std::shared_ptr<const Inspection> in_;
    int layer_ = 0;
    int step_ = 0;
};

// A value's colour: gates white → orange over [0, 1]; others blue (−1) →
// white (0) → red (+1), `v` already divided by the scale.
QColor lensColour(double v, bool unitInterval);

} // namespace traveller::ui
