// A row of widgets that wraps onto a new line when the window is too narrow
// for it (a button bar at 1024 pixels, or in presentation mode's larger
// font), instead of widening the window past the screen.
#pragma once

#include <QLayout>
#include <QList>

namespace traveller::ui {

class FlowLayout : public QLayout {
public:
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = -1);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    int count() const override;
    QLayoutItem* itemAt(int index) const override;
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override;
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect& rect) override;

private:
    // Lays the items out in `rect` (moving them unless `dryRun`); the height used.
    int arrange(const QRect& rect, bool dryRun) const;
    int gap() const;

    QList<QLayoutItem*> items_;
    int spacing_;
};

} // namespace traveller::ui
