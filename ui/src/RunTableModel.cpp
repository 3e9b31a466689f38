#include "RunTableModel.h"

#include "Format.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/ui/Language.h"

#include <QApplication>
#include <QDateTime>
#include <QEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPalette>
#include <QTimeZone>

#include <cmath>

namespace traveller::ui {

namespace {

// Longer texts than this may be cut by the column: the tooltip holds them whole.
constexpr int kLongText = 40;

bool finite(double v) { return std::isfinite(v); }

QString localTime(const QString& iso)
{
    QDateTime t = QDateTime::fromString(iso, Qt::ISODate);
    if (!t.isValid())
        return iso;
    if (t.timeSpec() == Qt::LocalTime)
        t.setTimeZone(QTimeZone::utc());  // the library writes UTC
    return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

bool isNumber(RunColumn c)
{
    switch (c) {
    case RunColumn::Id:
    case RunColumn::Hidden:
    case RunColumn::Lr:
    case RunColumn::Epochs:
    case RunColumn::Perplexity:
    case RunColumn::Loss:
    case RunColumn::Heldout:
    case RunColumn::Bleu:
    case RunColumn::Speed:
    case RunColumn::Time:
    case RunColumn::Best:
    case RunColumn::Count:
        return true;
    default:
        return false;
    }
}

// NaN (no epoch yet) sorts after every number when ascending.
QVariant number(double v) { return finite(v) ? v : std::numeric_limits<double>::infinity(); }

// A group's figure: "mean ± sd" (sample sd over its n runs), the mean alone
// for one value, "" for none.
QString spreadText(const Spread& s, int decimals = 3)
{
    if (s.n == 0 || !finite(s.mean))
        return {};
    if (s.n == 1)
        return format::number(s.mean, decimals);
    return QStringLiteral("%1 ± %2").arg(format::number(s.mean, decimals), format::number(s.sd, decimals));
}

} // namespace

double heldoutBleu(const std::string& results)
{
    const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(results)).object();
    const QJsonValue score = root.value("heldout").toObject().value("corpus_bleu");
    return root.value("heldout_pairs").toInt() > 0 && score.isDouble() ? score.toDouble() : RunRow::kNone;
}

RunRow runRow(const StoredRun& r, const std::vector<StoredEpoch>* epochs)
{
    RunRow row;
    row.id = r.id;
    row.name = QString::fromStdString(r.name);
    row.sweep = QString::fromStdString(r.sweep);
    row.label = QString::fromStdString(r.label);
    row.translation = r.isTranslation();
    try {
        if (row.translation) {
            const TranslationConfig t = r.translationConfig();
            row.arch = QString::fromStdString(toString(t.model.cell));
            row.attention = t.model.decoder == S2sDecoder::Attention;
            row.hidden = t.model.hidden;
            row.lr = t.train.lr;
            row.lrText = QString::fromStdString(translationValue(t, "train.lr"));
        } else {
            const ExperimentConfig config = r.config();
            row.arch = QString::fromStdString(toString(config.model.arch));
            row.layers = config.model.layers;
            row.hidden = config.model.hidden;
            row.lr = config.train.lr;
            row.lrText = QString::fromStdString(configValue(config, "train.lr"));
        }
    } catch (const std::exception&) {
        row.cellKnown = false;  // a config this version cannot read
    }
    row.state = r.state;
    row.blewUpAt = r.blewUpAt;
    row.message = QString::fromStdString(r.message);
    row.epochsDone = r.epochsDone;
    row.epochs = r.epochs;
    // A translation run's value is its loss: not a perplexity.
    if (r.epochsDone > 0)
        (row.translation ? row.loss : row.perplexity) = r.perplexity;
    if (row.translation)
        row.bleu = heldoutBleu(r.results);
    if (epochs && !epochs->empty())
        row.heldout = epochs->back().heldoutPerplexity;
    row.tokensPerSecond = r.tokensPerSecond > 0 ? r.tokensPerSecond : RunRow::kNone;
    row.seconds = r.seconds > 0 ? r.seconds : RunRow::kNone;
    row.createdAt = QString::fromStdString(r.createdAt);
    if (!row.translation)
        row.sample = format::finalSample(r, epochs);
    else if (!r.samples.empty())
        row.sample = QStringLiteral("%1 → %2").arg(QString::fromStdString(r.samples.begin()->first),
                                                   QString::fromStdString(r.samples.begin()->second));
    row.device = QString::fromStdString(r.device);
    for (const auto& t : r.tags)
        row.tags << QString::fromStdString(t);
    return row;
}

RunRow runRow(const RunQueue::Run& r)
{
    using S = RunQueue::RunState;
    RunRow row;
    row.id = r.outcome.libraryId > 0 ? r.outcome.libraryId : r.info.libraryId;
    row.name = r.name;
    row.arch = QString::fromStdString(toString(r.config.model.arch));
    row.layers = r.config.model.layers;
    row.hidden = r.config.model.hidden;
    row.lr = r.config.train.lr;
    row.lrText = QString::fromStdString(configValue(r.config, "train.lr"));
    switch (r.state) {
    case S::Queued: row.state = StoredState::Queued; break;
    case S::Training: row.state = StoredState::Running; break;
    case S::Finished: row.state = StoredState::Finished; break;
    case S::Stopped: row.state = StoredState::Stopped; break;
    case S::Diverged: row.state = StoredState::Diverged; break;
    case S::Failed: row.state = StoredState::Failed; break;
    case S::Loading: row.word = QStringLiteral("loading"); break;
    case S::Paused: row.word = QStringLiteral("paused"); break;
    case S::Cancelled: row.word = QStringLiteral("cancelled"); break;
    }
    row.blewUpAt = r.outcome.blewUpAt;
    row.message = r.outcome.message;
    row.epochs = r.config.train.epochs;
    row.epochsDone = r.last.epoch;
    if (r.last.epoch > 0) {
        row.perplexity = r.last.perplexity;
        row.heldout = r.last.heldoutPerplexity;
    }
    if (r.last.elapsedSeconds > 0)
        row.seconds = r.last.elapsedSeconds;
    const double speed = r.outcome.tokensPerSecond > 0 ? r.outcome.tokensPerSecond : r.last.tokensPerSecond;
    if (speed > 0)
        row.tokensPerSecond = speed;
    if (r.outcome.seconds > 0)
        row.seconds = r.outcome.seconds;
    row.sample = r.outcome.finalSample;
    row.statusNote = r.statusText;
    row.device = r.info.device;
    row.colour = r.color;
    return row;
}

RunTableModel::RunTableModel(QObject* parent) : QAbstractTableModel(parent)
{
    // setLanguage installs a translator, which the application hears as LanguageChange.
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);
}

bool RunTableModel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == QCoreApplication::instance() && event->type() == QEvent::LanguageChange && !columns_.empty()) {
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
        if (!rows_.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    }
    return QAbstractTableModel::eventFilter(watched, event);
}

void RunTableModel::setColumns(const std::vector<RunColumn>& columns, const QStringList& settings)
{
    beginResetModel();
    columns_.clear();
    for (RunColumn c : columns) {
        if (c != RunColumn::Setting) {
            columns_.push_back({c, -1, {}});
            continue;
        }
        for (int i = 0; i < settings.size(); ++i)
            columns_.push_back({c, i, settings[i]});
    }
    endResetModel();
}

void RunTableModel::setRows(std::vector<RunRow> rows)
{
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

void RunTableModel::setRow(int row, RunRow value)
{
    if (row < 0 || row >= rowCount())
        return;
    rows_[static_cast<std::size_t>(row)] = std::move(value);
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
}

void RunTableModel::appendRow(RunRow value)
{
    beginInsertRows({}, rowCount(), rowCount());
    rows_.push_back(std::move(value));
    endInsertRows();
}

void RunTableModel::removeRowAt(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    beginRemoveRows({}, row, row);
    rows_.erase(rows_.begin() + row);
    endRemoveRows();
}

void RunTableModel::setTicked(int row, bool ticked)
{
    if (row < 0 || row >= rowCount() || rows_[static_cast<std::size_t>(row)].ticked == ticked)
        return;
    rows_[static_cast<std::size_t>(row)].ticked = ticked;
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1), {Qt::CheckStateRole});
}

Qt::ItemFlags RunTableModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && checkable_ && columns_[static_cast<std::size_t>(index.column())].kind == *checkable_)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

bool RunTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::CheckStateRole || !(flags(index) & Qt::ItemIsUserCheckable))
        return false;
    const bool on = value.value<Qt::CheckState>() == Qt::Checked;
    if (rows_[static_cast<std::size_t>(index.row())].ticked == on)
        return true;
    setTicked(index.row(), on);
    Q_EMIT tickToggled(index.row(), on);
    return true;
}

void RunTableModel::setColour(int row, const QColor& colour)
{
    if (row < 0 || row >= rowCount() || rows_[static_cast<std::size_t>(row)].colour == colour)
        return;
    rows_[static_cast<std::size_t>(row)].colour = colour;
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1), {Qt::ForegroundRole});
}

int RunTableModel::rowOf(qint64 id) const
{
    for (int r = 0; r < rowCount(); ++r)
        if (rows_[static_cast<std::size_t>(r)].id == id)
            return r;
    return -1;
}

int RunTableModel::columnOf(RunColumn kind) const { return columnOf(this, kind); }

int RunTableModel::columnOf(const QAbstractItemModel* model, RunColumn kind)
{
    for (int c = 0; model && c < model->columnCount(); ++c)
        if (model->headerData(c, Qt::Horizontal, ColumnRole) == QVariant(static_cast<int>(kind)))
            return c;
    return -1;
}

int RunTableModel::columnOf(const QAbstractItemModel* model, const QString& header)
{
    for (int c = 0; model && c < model->columnCount(); ++c)
        if (model->headerData(c, Qt::Horizontal).toString() == header)
            return c;
    return -1;
}

int RunTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(columns_.size());
}

QString RunTableModel::text(int row, int column) const
{
    if (row < 0 || row >= rowCount() || column < 0 || column >= columnCount())
        return {};
    const RunRow& r = rows_[static_cast<std::size_t>(row)];
    const Column& c = columns_[static_cast<std::size_t>(column)];
    switch (c.kind) {
    case RunColumn::Id: return r.id > 0 ? QString::number(r.id) : QString();
    case RunColumn::Run:
    case RunColumn::Name: return r.name;
    case RunColumn::Cell:
        if (!r.cellKnown)
            return QStringLiteral("?");
        if (r.translation)
            return tr("seq2seq %1%2").arg(r.arch, r.attention ? tr(" + attention") : QString());
        return r.arch + (r.layers > 1 ? QStringLiteral(" ×%1").arg(r.layers) : QString());
    case RunColumn::Hidden: return r.hidden > 0 ? QString::number(r.hidden) : QString();
    case RunColumn::Lr: return r.lrText;
    case RunColumn::Status:
        if (!r.statusNote.isEmpty())
            return r.statusNote;
        return r.state ? stateLook(*r.state, r.blewUpAt).label : statusText(r.word);
    case RunColumn::Epochs: return r.epochs > 0 ? QStringLiteral("%1/%2").arg(r.epochsDone).arg(r.epochs) : QString();
    case RunColumn::Perplexity:
        if (r.isGroup())
            return spreadText(r.finalSpread);
        return std::isnan(r.perplexity) ? QString() : format::number(r.perplexity);
    case RunColumn::Best:
        if (r.isGroup())
            return spreadText(r.bestSpread);
        return finite(r.best) ? format::number(r.best) : QString();
    case RunColumn::Count: return r.isGroup() ? QString::number(r.members.size()) : QString();
    case RunColumn::Family: return r.family;
    case RunColumn::Loss: return std::isnan(r.loss) ? QString() : format::number(r.loss, 4);
    case RunColumn::Heldout:
        if (r.isGroup())
            return spreadText(r.heldoutSpread);
        return std::isnan(r.heldout) ? QString() : format::number(r.heldout);
    case RunColumn::Bleu: return finite(r.bleu) ? QString::number(r.bleu, 'f', 3) : QString();
    case RunColumn::Sweep: return r.sweep;
    case RunColumn::Label: return r.label;
    case RunColumn::Tags: return r.tags.join(QStringLiteral(", "));
    case RunColumn::Speed:
        if (r.isGroup())
            return spreadText(r.speedSpread, 0);
        return finite(r.tokensPerSecond) ? QString::number(r.tokensPerSecond, 'f', 0) : QString();
    case RunColumn::Time: return finite(r.seconds) ? format::duration(r.seconds) : QString();
    case RunColumn::Created: return localTime(r.createdAt);
    case RunColumn::Sample: return r.sample;
    case RunColumn::Device: return r.device;
    case RunColumn::Setting: return c.setting < r.settings.size() ? r.settings[c.setting] : QString();
    }
    return {};
}

QVariant RunTableModel::sortValue(const RunRow& r, const Column& c, int row) const
{
    switch (c.kind) {
    case RunColumn::Id: return r.id > 0 ? static_cast<double>(r.id) : row + 1e12;  // unstarted: in the list's order
    case RunColumn::Hidden: return r.hidden > 0 ? QVariant(double(r.hidden)) : number(RunRow::kNone);
    case RunColumn::Lr: return number(r.lr);
    case RunColumn::Epochs: return double(r.epochsDone);
    case RunColumn::Perplexity: return number(r.isGroup() ? r.finalSpread.mean : r.perplexity);
    case RunColumn::Loss: return number(r.loss);
    case RunColumn::Heldout: return number(r.isGroup() ? r.heldoutSpread.mean : r.heldout);
    case RunColumn::Best: return number(r.isGroup() ? r.bestSpread.mean : r.best);
    case RunColumn::Count: return double(std::max<qsizetype>(1, r.members.size()));
    case RunColumn::Bleu: return number(r.bleu);
    case RunColumn::Speed: return number(r.isGroup() ? r.speedSpread.mean : r.tokensPerSecond);
    case RunColumn::Time: return number(r.seconds);
    case RunColumn::Created: return r.createdAt;
    case RunColumn::Family: return r.familyKey;
    case RunColumn::Setting: {
        // A swept value as written in YAML: numeric when it reads as a number.
        bool ok = false;
        const QString value = text(row, static_cast<int>(&c - columns_.data()));
        const double v = value.toDouble(&ok);
        return ok ? QVariant(v) : QVariant(value);
    }
    default: return text(row, static_cast<int>(&c - columns_.data()));
    }
}

QVariant RunTableModel::foreground(const RunRow& r, const Column& c) const
{
    if ((c.kind == RunColumn::Run || c.kind == RunColumn::Name) && r.colour.isValid())
        return r.colour;
    if (c.kind == RunColumn::Status && r.state) {
        const StateLook look = stateLook(*r.state, r.blewUpAt);
        if (look.marked)
            return look.colour;
    }
    return {};
}

QString RunTableModel::toolTip(const RunRow& r, const Column& c) const
{
    switch (c.kind) {
    case RunColumn::Name:
    case RunColumn::Run:
        if (r.isGroup()) {
            QStringList ids;
            for (qint64 id : r.members)
                ids << QString::number(id);
            return tr("%1: the runs %2").arg(r.name, ids.join(QStringLiteral(", ")));
        }
        return r.name;  // it may be elided
    case RunColumn::Sample: return r.sample;
    case RunColumn::Status: return r.message.isEmpty() ? r.statusNote : coreText(r.message.toStdString());
    case RunColumn::Bleu: return tr("Corpus BLEU-4 over the held-out pairs");
    default: return {};
    }
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const RunRow& r = rows_[static_cast<std::size_t>(index.row())];
    const Column& c = columns_[static_cast<std::size_t>(index.column())];
    switch (role) {
    case Qt::DisplayRole: return text(index.row(), index.column());
    case SortRole: return sortValue(r, c, index.row());
    case IdRole: return QVariant::fromValue<qint64>(r.id);
    case RowRole: return index.row();
    case Qt::CheckStateRole:
        if (flags(index) & Qt::ItemIsUserCheckable)
            return static_cast<int>(r.ticked ? Qt::Checked : Qt::Unchecked);
        return {};
    case Qt::ForegroundRole: return foreground(r, c);
    case Qt::TextAlignmentRole:
        if (isNumber(c.kind))
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole: {
        const QString tip = toolTip(r, c);
        if (!tip.isEmpty())
            return tip;
        const QString shown = text(index.row(), index.column());
        return shown.size() > kLongText ? shown : QVariant();
    }
    default: return {};
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    const Column& c = columns_[static_cast<std::size_t>(section)];
    if (role == ColumnRole)
        return static_cast<int>(c.kind);
    if (role == Qt::ToolTipRole && c.kind == RunColumn::Heldout)
        return tr("Perplexity on held-out text, never trained on");
    if (role == Qt::ToolTipRole && c.kind == RunColumn::Best)
        return tr("The lowest perplexity over the epochs; a group's mean ± standard deviation over its runs");
    if (role == Qt::ToolTipRole && c.kind == RunColumn::Count)
        return tr("How many runs a group row stands for (runs that differ only in their seed, or agree on the chosen settings)");
    if (role == Qt::ToolTipRole && c.kind == RunColumn::Bleu)
        return tr("Corpus BLEU-4 on held-out pairs, never trained on");
    if (role != Qt::DisplayRole)
        return {};
    switch (c.kind) {
    case RunColumn::Id: return tr("Id");
    case RunColumn::Run: return tr("Run");
    case RunColumn::Name: return tr("Name");
    case RunColumn::Cell: return tr("Cell");
    case RunColumn::Hidden: return tr("Hidden");
    case RunColumn::Lr: return tr("LR");
    case RunColumn::Status: return tr("Status");
    case RunColumn::Epochs: return tr("Epochs");
    case RunColumn::Perplexity: return tr("Perplexity");
    case RunColumn::Loss: return tr("Loss");
    case RunColumn::Heldout: return tr("Held-out");
    case RunColumn::Bleu: return tr("BLEU");
    case RunColumn::Sweep: return tr("Sweep");
    case RunColumn::Label: return tr("Label");
    case RunColumn::Tags: return tr("Tags");
    case RunColumn::Speed: return tr("tok/s");
    case RunColumn::Time: return tr("Time");
    case RunColumn::Created: return tr("Created");
    case RunColumn::Sample: return tr("Sample");
    case RunColumn::Device: return tr("Device");
    case RunColumn::Best: return tr("Best");
    case RunColumn::Count: return tr("n");
    case RunColumn::Family: return tr("Family");
    case RunColumn::Setting: return c.key;
    }
    return {};
}

} // namespace traveller::ui
