// Dialogs fit the screen they open on: a 1024x768 projector, a 1366x768
// laptop; text scaled for it (private to traveller_ui).
#pragma once

#include <QFont>
#include <QGuiApplication>
#include <QRect>
#include <QScreen>
#include <QSize>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

// The free area (no task bar) of the screen `widget` opens on: that of
// `near` (its parent) while the widget has not been shown yet.
inline QRect availableScreen(const QWidget* widget, const QWidget* near = nullptr)
{
    const QScreen* screen = near && near->screen() ? near->screen() : widget->screen();
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    return screen ? screen->availableGeometry() : QRect(0, 0, 1024, 768);
}

// Resizes a top-level `widget` to `wanted`, never larger than that area less
// room for the window manager's frame and title bar.
inline void fitToScreen(QWidget* widget, const QSize& wanted, const QWidget* near = nullptr)
{
    constexpr int kFrameWidth = 16, kFrameHeight = 48;
    const QSize area = availableScreen(widget, near).size() - QSize(kFrameWidth, kFrameHeight);
    widget->resize(wanted.boundedTo(area));
}

// `font` `factor` times as large, whether its size is in points or in
// pixels (never below `minPixels` pixels).
inline QFont scaledFont(QFont font, double factor, int minPixels = 1)
{
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * factor);
    else
        font.setPixelSize(std::max(minPixels, static_cast<int>(std::lround(font.pixelSize() * factor))));
    return font;
}

} // namespace traveller::ui
