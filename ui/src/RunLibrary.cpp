#include "traveller/ui/RunLibrary.h"

#include "traveller/core/RunStore.h"

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
        error_ = QString::fromStdString(e.what());
    }
    return store_;
}

} // namespace traveller::ui
