#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/Language.h"

#include "traveller/core/store/RunStore.h"

#include <QCoreApplication>

#include <exception>

namespace traveller::ui {

RunLibrary::RunLibrary(const QString& folderOption)
    : folder_(QString::fromStdString(RunStore::resolveFolder(folderOption.toStdString())))
{
}

RunLibrary::~RunLibrary() = default;

std::shared_ptr<RunStore> RunLibrary::store()
{
    if (store_)
        return store_;
    try {
        store_ = std::make_shared<RunStore>(folder_.toStdString());
        error_.clear();
    } catch (const std::exception& e) {
        error_ = coreText(e);
    }
    return store_;
}

QString RunLibrary::unrecordedNote() const
{
    return QCoreApplication::translate("RunLibrary", "not recorded: the run library in %1 cannot be opened (%2)")
        .arg(folder_, error_.isEmpty() ? QCoreApplication::translate("RunLibrary", "unknown error") : error_);
}

} // namespace traveller::ui
