#include "traveller/ui/CorpusLocations.h"
#include "traveller/ui/Language.h"

#include "traveller/core/Errors.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QThread>

namespace traveller::ui {

CorpusLocations::CorpusLocations(QString dataDir, QObject* parent) : QObject(parent), dataDir_(std::move(dataDir))
{
    qRegisterMetaType<traveller::DataFile>();
}

CorpusLocations::~CorpusLocations()
{
    for (auto& [file, d] : downloads_) {
        d.cancel->store(true);  // libcurl notices within a second
        d.thread->disconnect(this);
        d.thread->wait();
        delete d.thread;
    }
}

QString CorpusLocations::bookKey(DataFile file)
{
    return file == DataFile::TimeMachine ? QStringLiteral("timemachine") : QStringLiteral("fra-eng");
}

QString CorpusLocations::displayName(DataFile file)
{
    return file == DataFile::TimeMachine ? tr("The Time Machine") : tr("the English-French pairs (fra-eng)");
}

QString CorpusLocations::localFile(DataFile file) const
{
    const auto it = local_.find(file);
    return it == local_.end() ? QString() : it->second;
}

QString CorpusLocations::corpus(DataFile file) const
{
    const QString local = localFile(file);
    return local.isEmpty() ? bookKey(file) : local;
}

QString CorpusLocations::bookPath(DataFile file) const
{
    return QDir(dataDir_).filePath(QString::fromStdString(dataFileInfo(file).relativePath));
}

QString CorpusLocations::bookFileProblem(DataFile file) const
{
    const QFileInfo info(bookPath(file));
    const qint64 size = info.exists() ? info.size() : -1;
    const qint64 modified = info.exists() ? info.lastModified().toMSecsSinceEpoch() : -1;
    Checked& last = checked_[file];
    if (size >= 0 && last.size == size && last.modifiedMs == modified)
        return last.problem;  // the same file as at the last check: its SHA-1 is not computed again
    last = Checked{size, modified, QString()};
    try {
        requireDataFile(file, dataDir_.toStdString());
    } catch (const CorpusError& e) {
        const QString path = QDir::toNativeSeparators(bookPath(file));
        if (e.message().code == "corpus.missing")
            last.problem = tr("The data folder has no copy of %1 yet:\n%2").arg(displayName(file), path);
        else if (e.message().code == "corpus.wrong_sha1")
            last.problem = tr("The file in the data folder is not the book's %1 (its SHA-1 differs):\n%2")
                               .arg(displayName(file), path);
        else
            last.problem = tr("The copy of %1 in the data folder cannot be used:\n%2")
                               .arg(displayName(file), coreText(e));
    }
    return last.problem;
}

CorpusLocations::Choice CorpusLocations::useLocalFile(DataFile file, const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    try {
        if (installDataFile(file, path.toStdString(), dataDir_.toStdString())) {
            local_.erase(file);
            checked_.erase(file);
            lastMessage_ = tr("%1 is the book's copy of %2: it is now in the data folder, for every tab")
                               .arg(name, displayName(file));
            Q_EMIT changed(file);
            return Choice::Installed;
        }
        lastMessage_ = tr("%1 is not the book's copy of %2: the tabs that train on it use it where it is; the Lab "
                          "needs the book's")
                           .arg(name, displayName(file));
    } catch (const CorpusError& e) {
        if (e.path() == path.toStdString()) {
            lastMessage_ = tr("Cannot use %1: %2").arg(QDir::toNativeSeparators(path), coreText(e));
            return Choice::Failed;
        }
        // The book's copy, but the data folder cannot take it (a read-only
        // shared folder): it is used where it is.
        lastMessage_ = tr("%1 could not be copied into the data folder (%2): the tabs that train on it use it where "
                          "it is; the Lab needs it in the data folder")
                           .arg(name, coreText(e));
    }
    local_[file] = path;
    Q_EMIT changed(file);
    return Choice::LocalText;
}

void CorpusLocations::setLocalFile(DataFile file, const QString& path)
{
    if (path.isEmpty() || !QFileInfo(path).isFile() || localFile(file) == path)
        return;
    local_[file] = path;
    Q_EMIT changed(file);
}

void CorpusLocations::download(DataFile file)
{
    if (downloading(file))
        return;
    const QString name = displayName(file);
    Q_EMIT progress(file, tr("Downloading %1 into %2…").arg(name, QDir::toNativeSeparators(dataDir_)));
    auto error = std::make_shared<QString>();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    QThread* thread = QThread::create([this, file, name, error, cancel, dir = dataDir_.toStdString()] {
        // Posted to the GUI thread; dropped if the window is gone by then
        // (the destructor joins this thread first).
        auto tell = [this, file](const QString& text) {
            QMetaObject::invokeMethod(this, [this, file, text] { Q_EMIT progress(file, text); }, Qt::QueuedConnection);
        };
        FetchControl control;
        control.cancel = cancel.get();
        control.log = [tell](const std::string& line) { tell(QString::fromStdString(line)); };
        control.progress = [tell, name](std::int64_t done, std::int64_t total) {
            tell(total > 0 ? tr("Downloading %1: %2 of %3 kB").arg(name).arg(done / 1024).arg(total / 1024)
                           : tr("Downloading %1: %2 kB").arg(name).arg(done / 1024));
        };
        try {
            fetchDataFile(file, dir, control);
        } catch (const std::exception& e) {
            *error = coreText(e);
        }
    });
    downloads_[file] = Download{thread, cancel};
    connect(thread, &QThread::finished, this, [this, file, error] {
        downloads_.at(file).thread->deleteLater();
        downloads_.erase(file);
        checked_.erase(file);
        if (error->isEmpty())
            local_.erase(file);  // asked for the book's copy: every tab uses it now
        Q_EMIT downloadFinished(file, error->isEmpty() ? QString() : tr("Download failed: %1").arg(*error));
        Q_EMIT changed(file);
    });
    thread->start();
    Q_EMIT changed(file);
}

} // namespace traveller::ui
