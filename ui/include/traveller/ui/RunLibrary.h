// The run library as the window sees it: one RunStore shared by the Sweeps
// and Runs tabs and by their worker threads (RunStore serialises its own
// writes), opened on first use so that a window that never records a run
// leaves no database behind.
#pragma once

#include <QString>

#include <memory>

namespace traveller {
class RunStore;
}

namespace traveller::ui {

class RunLibrary {
public:
    // folderOption as RunStore::resolveFolder takes it: empty means
    // $TRAVELLER_HOME, then $XDG_DATA_HOME/traveller, then ~/.local/share/traveller.
    explicit RunLibrary(const QString& folderOption = {});
    ~RunLibrary();

    QString folder() const { return folder_; }
    // Opens the store on the first call. Null, with error() saying why, when
    // it cannot be opened; a later call tries again. Workers keep their copy
    // of the pointer, so the store outlives every thread that writes to it.
    std::shared_ptr<RunStore> store();
    QString error() const { return error_; }
    // What a run trained while store() is null is told: it trains, but
    // nothing of it reaches the library, and why.
    QString unrecordedNote() const;

private:
    QString folder_;
    QString error_;
    std::shared_ptr<RunStore> store_;
};

} // namespace traveller::ui
