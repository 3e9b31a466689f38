#include "Checkpoint.h"

#include "traveller/core/Errors.h"

#include <cstdio>

namespace traveller {

void saveCheckpointFile(torch::nn::Module& model, torch::optim::Optimizer& optimizer, const std::string& path,
                        const CheckpointExtras& extras)
{
    torch::serialize::OutputArchive archive;
    model.save(archive);
    torch::serialize::OutputArchive optimizerArchive;
    optimizer.save(optimizerArchive);
    archive.write("optimizer", optimizerArchive);
    for (const auto& [key, tensor] : extras)
        archive.write("extra." + key, tensor, /*is_buffer=*/true);
    const std::string tmp = path + ".tmp";
    try {
        archive.save_to(tmp);
    } catch (const c10::Error& e) {
        std::remove(tmp.c_str());
        throw Error("cannot write checkpoint '" + path + "': " + std::string(e.what_without_backtrace()).substr(0, 200));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error("cannot write checkpoint '" + path + "'");
    }
}

void loadCheckpointFile(torch::nn::Module& model, torch::optim::Optimizer& optimizer, const std::string& path,
                        const torch::Device& device, CheckpointExtras* extras)
{
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path, device);
        model.load(archive);
        torch::serialize::InputArchive optimizerArchive;
        if (archive.try_read("optimizer", optimizerArchive))
            optimizer.load(optimizerArchive);
        if (extras) {
            for (auto it = extras->begin(); it != extras->end();) {
                if (archive.try_read("extra." + it->first, it->second, /*is_buffer=*/true))
                    ++it;
                else
                    it = extras->erase(it);
            }
        }
    } catch (const c10::Error& e) {
        throw Error("cannot load checkpoint '" + path + "': it is missing or does not match this model (" +
                    std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
}

} // namespace traveller
