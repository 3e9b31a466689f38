#include "traveller/core/Presets.h"

#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/s2s/Translation.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace traveller {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> yamlFiles(const fs::path& dir)
{
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file(ec) && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
            files.push_back(fs::weakly_canonical(e.path(), ec));
    std::sort(files.begin(), files.end());
    return files;
}

// One code per kind, not the kind as an argument: the window says the whole
// sentence in its language, with no English word inside it.
const char* noSuchPresetCode(PresetKind kind)
{
    switch (kind) {
    case PresetKind::Experiment: return "preset.no_such_experiment";
    case PresetKind::Translation: return "preset.no_such_translation";
    case PresetKind::Sweep: return "preset.no_such_sweep";
    }
    return "preset.no_such_experiment";
}

} // namespace

std::vector<std::string> presetFolders()
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("TRAVELLER_PRESET_DIR"); env && *env)
        dirs.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back((exe.parent_path() / "../share/traveller/presets").lexically_normal().string());  // installed
        dirs.push_back((exe.parent_path() / "../../resources/presets").lexically_normal().string());    // build/bin
    }
    if (*TRAVELLER_SOURCE_PRESET_DIR)
        dirs.emplace_back(TRAVELLER_SOURCE_PRESET_DIR);
    return dirs;
}

std::vector<Preset> presetCatalogue()
{
    for (const auto& folder : presetFolders()) {
        std::vector<Preset> out;
        for (const auto& file : yamlFiles(folder)) {
            Preset p{file.stem().string(), file.string(), PresetKind::Experiment};
            try {
                loadExperimentFile(p.path);
            } catch (const std::exception&) {
                try {
                    loadTranslationFile(p.path);
                    p.kind = PresetKind::Translation;
                } catch (const std::exception&) {
                    continue;  // neither: not a preset this version can run
                }
            }
            out.push_back(std::move(p));
        }
        for (const auto& file : yamlFiles(fs::path(folder) / "sweeps"))
            out.push_back({file.stem().string(), file.string(), PresetKind::Sweep});
        if (!out.empty())
            return out;
    }
    return {};
}

std::vector<Preset> presetsOf(PresetKind kind)
{
    std::vector<Preset> out;
    for (auto& p : presetCatalogue())
        if (p.kind == kind)
            out.push_back(std::move(p));
    return out;
}

std::string resolvePreset(const std::string& arg, PresetKind kind)
{
    std::error_code ec;
    if (fs::is_regular_file(arg, ec))
        return arg;
    for (const auto& folder : presetFolders()) {
        const fs::path dir = kind == PresetKind::Sweep ? fs::path(folder) / "sweeps" : fs::path(folder);
        const fs::path p = dir / (arg + ".yaml");
        if (fs::is_regular_file(p, ec))
            return p.string();
    }
    throw ConfigError("", 0, 0, message(noSuchPresetCode(kind)), arg);
}

} // namespace traveller
