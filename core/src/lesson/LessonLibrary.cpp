// A run a lesson opens (`open:` NAME) from the run library shipped beside it,
// copied into the student's library once: its settings, epochs, samples and
// weights, as the Slurm import copies a run folder. The lesson's library is
// only read (it may sit under /usr/share), and what it holds is checked as a
// run folder from elsewhere is: the weights a plain file (never a link), a
// checkpoint of the run's own settings at the epoch the run records.
#include "traveller/core/lesson/Lesson.h"

#include "store/WeightsIdentity.h"
#include "traveller/core/Errors.h"
#include "traveller/core/io/SafeFile.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/store/RunStore.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace traveller::lesson {

namespace {

// The newest finished run of that name (else the newest of any state).
const StoredRun* namedRun(const std::vector<StoredRun>& runs, const std::string& name)
{
    const StoredRun* best = nullptr;
    for (const StoredRun& r : runs) {
        if (r.name != name)
            continue;
        const bool finished = r.state == StoredState::Finished;
        if (!best || (finished && best->state != StoredState::Finished) ||
            (finished == (best->state == StoredState::Finished) && r.id > best->id))
            best = &r;
    }
    return best;
}

// `readable` (the weights, staged or read through their opened file) is a
// checkpoint of the run's own settings at the epoch the run records; else
// lesson.open_weights naming `shown`, the weights' place in the library.
void checkWeights(const std::string& readable, const StoredRun& run, const std::string& shown)
{
    try {
        const std::string config = checkpointFileConfig(readable);
        const int epoch = checkpointFileEpoch(readable);
        if (config.empty() ||
            weightsIdentity(parseExperimentYaml(config, "checkpoint")) != weightsIdentity(run.config()) ||
            (epoch != 0 && epoch != run.checkpointEpoch))
            throw StoreError(message("lesson.open_weights", {run.name, shown}));
    } catch (const StoreError&) {
        throw;
    } catch (const std::exception&) {
        throw StoreError(message("lesson.open_weights", {run.name, shown}));
    }
}

// The run's weights opened as a plain file (never a link), -1 when it has none.
int openWeights(RunStore& source, const StoredRun& run)
{
    const std::string path = source.checkpointPath(run.id);
    struct stat st{};
    if (run.checkpointEpoch <= 0 || ::lstat(path.c_str(), &st) != 0)
        return -1;
    return openRegularFile(path, true);
}

// The run's weights staged in `target` and checked there; "" when it has none.
std::string stageWeights(RunStore& target, RunStore& source, const StoredRun& run)
{
    const int fd = openWeights(source, run);
    if (fd < 0)
        return "";
    std::string staged;
    try {
        staged = target.stageCheckpoint(fd);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    try {
        checkWeights(staged, run, source.checkpointPath(run.id));
    } catch (...) {
        ::unlink(staged.c_str());
        throw;
    }
    return staged;
}

// A run the lesson opens, as openLessonRun finds it: the newest of that
// name, a language-model run.
const StoredRun& runToOpen(const std::vector<StoredRun>& runs, const std::string& name)
{
    const StoredRun* found = namedRun(runs, name);
    if (!found) {
        std::string names;
        for (const StoredRun& r : runs)
            names += (names.empty() ? "" : ", ") + r.name;
        throw StoreError(message("lesson.no_library_run", {name, names}));
    }
    if (found->isTranslation())
        throw StoreError(message("lesson.open_translation", {name}));
    return *found;
}

} // namespace

std::int64_t openLessonRun(RunStore& target, const Lesson& lesson, const std::string& name)
{
    if (lesson.library.empty())
        throw StoreError(message("lesson.no_library"));
    RunStore source(lesson.library);
    const std::vector<StoredRun> runs = source.runs();
    const StoredRun& found = runToOpen(runs, name);
    const std::string key = "lesson:" + lesson.library + "#" + std::to_string(found.id);
    if (const std::int64_t already = target.importedFrom(key); already != 0)
        return already;

    ImportedRun imported;
    imported.run.config = found.config();
    imported.run.name = found.name;
    imported.run.label = found.label;
    imported.run.programVersion = found.programVersion;
    imported.source = key;
    imported.state = found;
    imported.epochs = source.epochs(found.id);
    const std::string staged = stageWeights(target, source, found);
    if (staged.empty())
        imported.state.checkpointEpoch = 0;
    bool inserted = true;
    std::int64_t id = 0;
    try {
        id = target.importRun(imported, 0, &inserted, staged);
    } catch (...) {
        if (!staged.empty())
            ::unlink(staged.c_str());
        throw;
    }
    if (!inserted && !staged.empty())
        ::unlink(staged.c_str());
    return id;
}

void checkLibraryRuns(const Lesson& lesson)
{
    std::vector<std::string> names;
    for (const LessonStep& step : lesson.steps)
        for (const LessonRun& r : step.runs)
            if (!r.open.empty() && std::find(names.begin(), names.end(), r.open) == names.end())
                names.push_back(r.open);
    if (names.empty())
        return;
    if (lesson.library.empty())
        throw StoreError(message("lesson.no_library"));
    RunStore source(lesson.library);
    const std::vector<StoredRun> runs = source.runs();
    for (const std::string& name : names) {
        const StoredRun& run = runToOpen(runs, name);
        // Read where they lie, through the file opened as a plain file
        // (/proc/self/fd names that very file): nothing is copied.
        const int fd = openWeights(source, run);
        if (fd < 0)
            continue;
        try {
            checkWeights("/proc/self/fd/" + std::to_string(fd), run, source.checkpointPath(run.id));
        } catch (...) {
            ::close(fd);
            throw;
        }
        ::close(fd);
    }
}

} // namespace traveller::lesson
