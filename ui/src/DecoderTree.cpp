#include "DecoderTree.h"

#include <QHeaderView>

#include <cmath>

namespace traveller::ui {

DecoderTree::DecoderTree(QWidget* parent) : QTreeWidget(parent)
{
    setObjectName("translateDecoderTree");
    setColumnCount(3);
    setHeaderLabels({tr("Word"), tr("log P so far"), tr("The decoder's likeliest words here")});
    header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    header()->setStretchLastSection(true);
    setToolTip(tr("Every hypothesis the beam search kept (width 1: the greedy path); the output's path in bold"));
}

void DecoderTree::setTranslation(const Translation& t)
{
    clear();
    std::vector<QTreeWidgetItem*> items(t.beamTree.size(), nullptr);
    int chosenStep = 0;
    for (std::size_t i = 0; i < t.beamTree.size(); ++i) {
        const Translation::BeamNode& n = t.beamTree[i];
        QTreeWidgetItem* parent = n.parent >= 0 && static_cast<std::size_t>(n.parent) < i ? items[static_cast<std::size_t>(n.parent)] : nullptr;
        auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(this);
        item->setText(0, QString::fromStdString(n.token));
        item->setText(1, QString::number(n.logProbability, 'f', 3));
        if (n.chosen) {
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int c = 0; c < 3; ++c)
                item->setFont(c, bold);
            if (static_cast<std::size_t>(chosenStep) < t.alternatives.size()) {
                QStringList alt;
                for (const auto& a : t.alternatives[static_cast<std::size_t>(chosenStep)])
                    alt << QStringLiteral("%1 %2").arg(QString::fromStdString(a.token)).arg(a.p, 0, 'f', 2);
                item->setText(2, alt.join(QStringLiteral(", ")));
                item->setToolTip(2, alt.join(QStringLiteral("\n")));
            }
            ++chosenStep;
            for (QTreeWidgetItem* up = item; up; up = up->parent())
                up->setExpanded(true);
        }
        items[i] = item;
    }
}

QStringList DecoderTree::chosenPath() const
{
    QStringList out;
    const QTreeWidgetItem* at = nullptr;
    for (int i = 0; i < topLevelItemCount(); ++i)
        if (topLevelItem(i)->font(0).bold())
            at = topLevelItem(i);
    while (at) {
        out << at->text(0);
        const QTreeWidgetItem* next = nullptr;
        for (int i = 0; i < at->childCount(); ++i)
            if (at->child(i)->font(0).bold())
                next = at->child(i);
        at = next;
    }
    return out;
}

} // namespace traveller::ui
