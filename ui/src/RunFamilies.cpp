#include "RunFamilies.h"

#include <QHash>
#include <QSet>

namespace traveller::ui {

namespace {

QString padded(qint64 id) { return QStringLiteral("%1").arg(id, 12, 10, QLatin1Char('0')); }

} // namespace

void setFamilies(std::vector<RunRow>& rows, const std::vector<StoredRun>& runs)
{
    QHash<qint64, const StoredRun*> byId;
    QSet<qint64> parents;
    for (const StoredRun& r : runs) {
        byId.insert(r.id, &r);
        if (r.parentId > 0)
            parents.insert(r.parentId);
    }
    for (RunRow& row : rows) {
        const StoredRun* run = byId.value(row.id);
        if (!run || row.isGroup() || (run->parentId <= 0 && !parents.contains(run->id)))
            continue;
        // The path from the family's root (the first ancestor still in the
        // library) down to this run; a cycle cannot be written, but is cut.
        QList<const StoredRun*> path{run};
        QSet<qint64> seen{run->id};
        while (path.front()->parentId > 0 && byId.contains(path.front()->parentId) &&
               !seen.contains(path.front()->parentId)) {
            seen.insert(path.front()->parentId);
            path.prepend(byId.value(path.front()->parentId));
        }
        QStringList key;
        for (const StoredRun* r : path)
            key << padded(r->id);
        row.familyKey = key.join(QLatin1Char('/'));
        const int depth = static_cast<int>(path.size()) - 1;
        if (depth == 0) {
            const bool orphan = run->parentId > 0;  // its parent was deleted
            row.family = orphan ? QStringLiteral("#%1 @%2 \u00d7").arg(run->id).arg(run->branchEpoch)
                                : QStringLiteral("#%1").arg(run->id);
        } else {
            row.family = QString(2 * (depth - 1), QLatin1Char(' ')) +
                         QStringLiteral("\u2514 #%1 @%2").arg(run->id).arg(run->branchEpoch);
        }
    }
}

} // namespace traveller::ui
