// LineChart's titles kept whole (issue 24). Qt Charts cuts a chart title that
// is wider than the chart, and a y-axis title that is longer than the plot is
// high, to "...": on a projector's large text the gradient chart lost its
// run's name and "perplexity (log scale)" its scale. Such a title wraps at
// spaces (anywhere in a run of Chinese) onto lines that fit; the chart's
// titles are HTML, so the lines are escaped and joined with <br>.
#include "traveller/ui/LineChart.h"

#include "ScreenFit.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QFontMetrics>

#include <algorithm>

namespace traveller::ui {

namespace {

// The text split where wrapped() may break it without cutting a word: at
// spaces, and before an opening parenthesis (full-width too).
QStringList pieces(const QString& text)
{
    QString spaced = text;
    spaced.replace(QChar(0xFF08), QStringLiteral(" \uFF08"));
    spaced.replace(QLatin1Char('('), QStringLiteral(" ("));
    return spaced.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// The text broken into lines no wider than `width`: greedily at spaces, and
// inside a word (a Chinese title has none) where one alone is too wide.
QStringList wrapped(const QString& text, const QFontMetrics& metrics, int width)
{
    if (metrics.horizontalAdvance(text) <= width)
        return {text};
    // A full-width parenthesis opens a piece of its own: "困惑度（对数刻度）"
    // breaks before "（" rather than after it.
    QStringList lines;
    QString line;
    for (const QString& word : pieces(text)) {
        const QString joined = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (metrics.horizontalAdvance(joined) <= width) {
            line = joined;
            continue;
        }
        if (!line.isEmpty())
            lines << line;
        line.clear();
        for (const QChar c : word) {
            // A closing bracket or a comma never starts a line of its own.
            const bool closes = QStringLiteral(")）,，。、").contains(c);
            if (!line.isEmpty() && !closes && metrics.horizontalAdvance(line + c) > width) {
                lines << line;
                line.clear();
            }
            line += c;
        }
    }
    if (!line.isEmpty())
        lines << line;
    return lines;
}

// The widest piece of the text: a word, or a run of Chinese such as
// "（对数刻度）", which reads best unbroken.
int widestPiece(const QString& text, const QFontMetrics& metrics)
{
    int widest = 0;
    for (const QString& piece : pieces(text))
        widest = std::max(widest, metrics.horizontalAdvance(piece));
    return widest;
}

// `base` smaller where the text's widest piece is longer than `room` (to
// 60 % at most): "perplexity" stays a word on a short plot rather than
// "perplexit" above "y", and "（对数刻度）" one line.
QFont fittingFont(QFont base, const QString& text, int room)
{
    const int widest = widestPiece(text, QFontMetrics(base));
    if (widest <= room || widest <= 0)
        return base;
    return scaledFont(base, std::max(0.6, static_cast<double>(room) / widest));
}

QString html(const QStringList& lines)
{
    QStringList escaped;
    for (const QString& l : lines)
        escaped << l.toHtmlEscaped();
    return escaped.join(QStringLiteral("<br>"));
}

} // namespace

void LineChart::setTitle(const QString& title)
{
    title_ = title;
    fitTitles();
}

QString LineChart::title() const { return title_; }

void LineChart::fitTitles()
{
    // The chart's width less its margins and the background's own padding;
    // the y axis as long as the plot is high (before the first layout, the
    // view less the title's, ticks' and x axis' lines).
    const QMargins m = chart_->margins();
    const QFontMetrics title(chart_->titleFont());
    const int titleWidth = std::max(title.height() * 4, view_->width() - m.left() - m.right() - 24);
    QString chartTitle = html(wrapped(title_, title, titleWidth));
    // Smoothed curves say so on the chart itself: on screen, in PNG and SVG.
    if (const QString note = smoothingNote(); !note.isEmpty())
        chartTitle += QStringLiteral("<br>") + html(wrapped(note, title, titleWidth));
    if (chart_->title() != chartTitle)
        chart_->setTitle(chartTitle);

    const QFontMetrics base(font());
    const int plot = chart_->plotArea().height() > 0 ? static_cast<int>(chart_->plotArea().height())
                                                     : view_->height() - 6 * base.height();
    // A line's height of headroom: Qt lays the rotated title out a little
    // shorter than the plot, and cuts a line that only just fits.
    const int room = std::max(base.height() * 3, plot - 8 - base.height());
    const QString yText = logScale_ ? tr("%1 (log scale)").arg(yTitle_) : yTitle_;
    const QFont axisFont = fittingFont(font(), yText, room);
    if (yAxis_->titleFont() != axisFont)
        yAxis_->setTitleFont(axisFont);
    const QString yTitle = html(wrapped(yText, QFontMetrics(axisFont), room));
    if (yAxis_->titleText() != yTitle)
        yAxis_->setTitleText(yTitle);
}

} // namespace traveller::ui
