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

// The run's weights staged in `target` and checked there; "" when it has none.
std::string stageWeights(RunStore& target, RunStore& source, const StoredRun& run)
{
    const std::string path = source.checkpointPath(run.id);
    struct stat st{};
    if (run.checkpointEpoch <= 0 || ::lstat(path.c_str(), &st) != 0)
        return "";
    const int fd = openRegularFile(path, true);
    std::string staged;
    try {
        staged = target.stageCheckpoint(fd);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    try {
        const std::string config = checkpointFileConfig(staged);
        const int epoch = checkpointFileEpoch(staged);
        if (config.empty() ||
            weightsIdentity(parseExperimentYaml(config, "checkpoint")) != weightsIdentity(run.config()) ||
            (epoch != 0 && epoch != run.checkpointEpoch))
            throw StoreError(message("lesson.open_weights", {run.name, path}));
    } catch (const StoreError&) {
        ::unlink(staged.c_str());
        throw;
    } catch (const std::exception&) {
        ::unlink(staged.c_str());
        throw StoreError(message("lesson.open_weights", {run.name, path}));
    }
    return staged;
}

} // namespace

std::int64_t openLessonRun(RunStore& target, const Lesson& lesson, const std::string& name)
{
    if (lesson.library.empty())
        throw StoreError(message("lesson.no_library"));
    RunStore source(lesson.library);
    const std::vector<StoredRun> runs = source.runs();
    const StoredRun* found = namedRun(runs, name);
    if (!found) {
        std::string names;
        for (const StoredRun& r : runs)
            names += (names.empty() ? "" : ", ") + r.name;
        throw StoreError(message("lesson.no_library_run", {name, names}));
    }
    if (found->isTranslation())
        throw StoreError(message("lesson.open_translation", {name}));
    const std::string key = "lesson:" + lesson.library + "#" + std::to_string(found->id);
    if (const std::int64_t already = target.importedFrom(key); already != 0)
        return already;

    ImportedRun imported;
    imported.run.config = found->config();
    imported.run.name = found->name;
    imported.run.label = found->label;
    imported.run.programVersion = found->programVersion;
    imported.source = key;
    imported.state = *found;
    imported.epochs = source.epochs(found->id);
    const std::string staged = stageWeights(target, source, *found);
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

} // namespace traveller::lesson
