// The Lens's equations pane: the chosen cell's step at the chosen character
// and unit, with the values filled in. What the equations are is the cell's
// own (CellInfo::equations in core's registry); this only fills and shows them.
#include "traveller/ui/LensPanel.h"

#include "traveller/core/cells/Cells.h"
#include "traveller/core/lm/Inspect.h"

#include <QFontMetrics>
#include <QLabel>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

namespace {

QString n3(double v) { return QString::number(v, 'f', 3); }

// Value `name` of unit u in layer l at step t; NaN when the cell has none.
double valueAt(const Inspection& in, std::size_t t, int l, const std::string& name, std::size_t u)
{
    for (std::size_t i = 0; i < in.valueNames.size(); ++i)
        if (in.valueNames[i] == name)
            return static_cast<double>(in.steps[t].layers[static_cast<std::size_t>(l)].values[i][u]);
    return std::nan("");
}

} // namespace

void LensPanel::showEquations()
{
    const Inspection& in = *inspection_;
    if (in.steps.empty())
        return;
    const std::size_t t = static_cast<std::size_t>(std::clamp(step_, 0, static_cast<int>(in.steps.size()) - 1));
    const InspectStep& s = in.steps[t];
    const InspectLayer& l = s.layers[static_cast<std::size_t>(layer_)];
    const std::size_t u = static_cast<std::size_t>(unit_);
    auto v = [&](const std::string& name) { return valueAt(in, t, layer_, name, u); };
    const double hPrev = t > 0 ? static_cast<double>(in.steps[t - 1].layers[static_cast<std::size_t>(layer_)].h[u]) : 0.0;
    const double h = l.h[u];
    QString text = tr("Step %1: '%2' → next '%3'\np(next) = %4\nLayer %5, unit %6:\n")
                       .arg(t)
                       .arg(QString::fromStdString(s.token), QString::fromStdString(s.next))
                       .arg(std::isfinite(s.pNext) ? n3(s.pNext) : QStringLiteral("—"))
                       .arg(layer_)
                       .arg(unit_);
    const CellInfo* cell = findCell(in.arch);
    const std::vector<std::string> lines =
        !cell ? std::vector<std::string>() : stepEquations(*cell, [&](const std::string& name) -> double {
            if (name == "h")
                return h;
            if (name == "h_prev")
                return hPrev;
            if (name == "c_prev")
                return t > 0 ? valueAt(in, t - 1, layer_, "c", u) : 0.0;
            return v(name);
        });
    for (const std::string& line : lines)
        text += QString::fromStdString(line) + QLatin1Char('\n');
    text.chop(1);
    equations_->setText(text);
    fitEquations();
}

// The equations pane is as wide as its longest line, so that no line is cut.
void LensPanel::fitEquations()
{
    const QFontMetrics metrics = equations_->fontMetrics();
    int widest = 0;
    for (const QString& line : equations_->text().split(QLatin1Char('\n')))
        widest = std::max(widest, metrics.horizontalAdvance(line));
    equations_->setMinimumWidth(widest + metrics.averageCharWidth() * 2);
}

} // namespace traveller::ui
