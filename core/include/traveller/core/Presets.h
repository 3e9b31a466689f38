// The presets shipped with Traveller (resources/presets, installed under
// share/traveller/presets): where they are, what each is, and finding one by
// name. One catalogue for the CLI (`presets`, `train NAME`, `sweep NAME`,
// `translate NAME`) and the window's preset menus.
#pragma once

#include <string>
#include <vector>

namespace traveller {

enum class PresetKind { Experiment, Translation, Sweep };

struct Preset {
    std::string name;  // the file name without .yaml: what `traveller-cli train NAME` takes
    std::string path;  // absolute
    PresetKind kind = PresetKind::Experiment;
};

// Where presets are looked for, first match wins: $TRAVELLER_PRESET_DIR, the
// installed share/traveller/presets beside the program, a checkout's
// resources/presets (build/bin/..), and the source tree this was built from.
std::vector<std::string> presetFolders();

// The presets of the first folder that has any, sorted by name within each
// kind. Sweeps live in the folder's sweeps/; a file that is neither a valid
// experiment nor a valid translation is left out.
std::vector<Preset> presetCatalogue();
std::vector<Preset> presetsOf(PresetKind kind);

// `arg` itself when it names a file; otherwise the preset of that name and
// kind. Throws ConfigError naming what was looked for.
std::string resolvePreset(const std::string& arg, PresetKind kind);

} // namespace traveller
