// Dialogs fit the screen they open on: a 1024x768 projector, a 1366x768
// laptop (private to traveller_ui).
#pragma once

#include <QGuiApplication>
#include <QRect>
#include <QScreen>
#include <QSize>
#include <QWidget>

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

} // namespace traveller::ui
