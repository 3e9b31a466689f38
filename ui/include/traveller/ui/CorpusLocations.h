// Where the window's corpora are: one object, owned by the window, that every
// tab asks (The Time Machine for the Language model tab, the English-French
// pairs for the Translate tab, both for the Lab) and every tab's corpus
// banner changes. A corpus is the book's verified file in the data folder,
// or a local text file chosen instead of it:
//   - a chosen file that is the book's copy (SHA-1 checked) is copied into
//     the data folder (core's installDataFile), so every tab, the Lab, sweeps
//     and the CLI find it;
//   - another text is remembered as that corpus's local file: the tabs that
//     train on a corpus of their own choosing (Language model, Translate) use
//     it from where it is; the Lab, which checks its runs against the book,
//     keeps asking for the book's.
// Downloads run here, one per corpus, each on its own thread; changed() tells
// every tab. Widget-free: the window owns it, the banners show it.
#pragma once

#include "traveller/core/DataStore.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <map>
#include <memory>

class QThread;

namespace traveller::ui {

class CorpusLocations : public QObject {
    Q_OBJECT
public:
    // What "Use a local file…" did with a file.
    enum class Choice { Installed, LocalText, Failed };

    explicit CorpusLocations(QString dataDir, QObject* parent = nullptr);
    // Cancels downloads in progress (libcurl notices within a second) and joins them.
    ~CorpusLocations() override;

    QString dataDir() const { return dataDir_; }
    // What a config's data.corpus names: the local text file when one is
    // chosen, else the book's key ("timemachine", "fra-eng").
    QString corpus(DataFile file) const;
    static QString bookKey(DataFile file);
    // The corpus as a reader names it ("The Time Machine", in the window's language).
    static QString displayName(DataFile file);
    QString localFile(DataFile file) const;
    // Where the book's file belongs in the data folder.
    QString bookPath(DataFile file) const;
    // Empty when the book's verified file is in the data folder; else why
    // not, in the window's language (checked again when the file changed).
    QString bookFileProblem(DataFile file) const;
    bool hasBookFile(DataFile file) const { return bookFileProblem(file).isEmpty(); }
    // Something to train on: the book's file or a local text.
    bool usable(DataFile file) const { return !localFile(file).isEmpty() || hasBookFile(file); }

    // "Use a local file…": the book's copy goes into the data folder (and
    // the local file is forgotten), another text becomes the local file.
    // lastMessage() says what happened, in the window's language.
    Choice useLocalFile(DataFile file, const QString& path);
    // Remembered from the last session; a file that is gone is ignored.
    void setLocalFile(DataFile file, const QString& path);
    QString lastMessage() const { return lastMessage_; }

    bool downloading(DataFile file) const { return downloads_.count(file) > 0; }

public Q_SLOTS:
    // Fetches the book's file into the data folder (SHA-1 checked, on its own
    // thread); progress() meanwhile, then downloadFinished() and changed().
    void download(traveller::DataFile file);

Q_SIGNALS:
    // The corpus's file, its local choice or its download changed.
    void changed(traveller::DataFile file);
    void progress(traveller::DataFile file, const QString& text);
    // `error` is empty when the book's file is now in the data folder.
    void downloadFinished(traveller::DataFile file, const QString& error);

private:
    struct Download {
        QThread* thread = nullptr;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    struct Checked {
        qint64 size = -1;
        qint64 modifiedMs = -1;
        QString problem;
    };

    QString dataDir_;
    std::map<DataFile, QString> local_;
    std::map<DataFile, Download> downloads_;
    mutable std::map<DataFile, Checked> checked_;  // the last SHA-1 check, by size and time
    QString lastMessage_;
};

} // namespace traveller::ui

Q_DECLARE_METATYPE(traveller::DataFile)
