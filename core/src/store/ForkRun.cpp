// Forking a run (Fork.h): the fork's settings, where its weights come from,
// and the one transaction that makes it.
#include "traveller/core/store/Fork.h"

#include "traveller/core/Format.h"
#include "traveller/core/Messages.h"
#include "traveller/core/lm/Training.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace traveller {

namespace {

// "lr=0.3" for train.lr=0.3: the name says what the fork changed.
std::string shortChange(const std::string& key, const std::string& value)
{
    const auto dot = key.find('.');
    return (dot == std::string::npos ? key : key.substr(dot + 1)) + "=" + value;
}

std::string forkName(const StoredRun& parent, const ForkRequest& request)
{
    std::string name = parent.name + " fork@" + std::to_string(request.epoch);
    for (const auto& [key, value] : request.changes)
        name += " " + shortChange(key, value);
    return name.size() > 200 ? name.substr(0, 200) : name;
}

// The file of the parent's weights at `epoch`, opened without following a
// link; -1 and `why` when there is none.
int openWeights(RunStore& store, const StoredRun& parent, int epoch, std::string& why)
{
    std::vector<std::string> candidates;
    if (parent.checkpointEpoch == epoch)
        candidates.push_back(store.checkpointPath(parent.id));
    candidates.push_back(store.keptCheckpointPath(parent.id, epoch));
    for (const std::string& path : candidates) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            why = path + ": " + std::strerror(errno);
            continue;
        }
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            why = path + ": not a regular file";
            continue;
        }
        // The file's own epoch must be the one asked for (a continue rewrites
        // the last checkpoint).
        int fileEpoch = 0;
        try {
            fileEpoch = checkpointFileEpoch("/proc/self/fd/" + std::to_string(fd));
        } catch (const std::exception& e) {
            why = e.what();
        }
        if (fileEpoch == epoch)
            return fd;
        ::close(fd);
        if (why.empty())
            why = path + " holds epoch " + std::to_string(fileEpoch);
    }
    return -1;
}

} // namespace

std::vector<int> forkEpochs(RunStore& store, const StoredRun& run)
{
    std::vector<int> out;
    for (const int e : store.keptCheckpointEpochs(run.id))
        if (e <= run.epochsDone)
            out.push_back(e);
    if (run.checkpointEpoch > 0 && run.checkpointEpoch <= run.epochsDone)
        out.push_back(run.checkpointEpoch);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

ExperimentConfig forkSettings(const ExperimentConfig& parent, int epoch,
                              const std::vector<std::pair<std::string, std::string>> & changes)
{
    ExperimentConfig config = parent;
    ScheduleEntry at{epoch + 1, 0, {}};
    std::set<std::string> changed;
    for (const auto& [key, value] : changes) {
        // The schema's range and the live rule, as for a change while training.
        const ExperimentConfig changedNow = withLiveChange(config, key, value, epoch + 1);
        if (key == "train.epochs") {
            config.train.epochs = changedNow.train.epochs;  // the fork's own end, in its settings
            continue;
        }
        // The others land at the branch point from the schedule: the settings
        // it started with stay the parent's, so a replay trains the parent's
        // epochs up to it and then the fork's.
        changed.insert(key);
        at.set.emplace_back(key, value);
    }
    // What the parent changed later is the parent's future; for a key the
    // fork sets, the fork's value holds from its branch point on.
    auto& schedule = config.train.schedule;
    for (auto& entry : schedule)
        if (entry.epoch > epoch)
            entry.set.erase(std::remove_if(entry.set.begin(), entry.set.end(),
                                           [&](const auto& kv) { return changed.count(kv.first) > 0; }),
                            entry.set.end());
    schedule.erase(std::remove_if(schedule.begin(), schedule.end(), [](const ScheduleEntry& e) { return e.set.empty(); }),
                   schedule.end());
    // The schedule's epochs are trained to: a parent's later train.epochs entry
    // no longer decides the fork's end when the fork sets it.
    if (std::any_of(changes.begin(), changes.end(), [](const auto& kv) { return kv.first == "train.epochs"; }))
        for (auto& entry : schedule)
            entry.set.erase(std::remove_if(entry.set.begin(), entry.set.end(),
                                           [&](const auto& kv) { return kv.first == "train.epochs" && entry.epoch > epoch; }),
                            entry.set.end());
    schedule.erase(std::remove_if(schedule.begin(), schedule.end(), [](const ScheduleEntry& e) { return e.set.empty(); }),
                   schedule.end());
    if (!at.set.empty()) {
        const auto pos = std::find_if(schedule.begin(), schedule.end(), [&](const ScheduleEntry& e) {
            return e.epoch > at.epoch || (e.epoch == at.epoch && e.batch > 0);
        });
        schedule.insert(pos, at);
    }
    if (config.train.epochs <= epoch)
        throw ConfigError("train.epochs", 0, 0,
                          message("fork.no_epochs_left", {std::to_string(epoch), std::to_string(config.train.epochs)}));
    validate(config);
    return config;
}

std::int64_t forkRun(RunStore& store, std::int64_t parentId, const ForkRequest& request)
{
    const StoredRun parent = store.run(parentId);
    if (const RuleVerdict possible = canFork(parent, request.epoch, forkEpochs(store, parent)); !possible)
        throw StoreError(possible.why);
    NewRun run;
    run.config = forkSettings(parent.config(), request.epoch, request.changes);
    run.config.name.clear();
    run.name = request.name.empty() ? forkName(parent, request) : request.name;
    run.programVersion = request.programVersion;
    std::string why;
    const int fd = openWeights(store, parent, request.epoch, why);
    if (fd < 0)
        throw StoreError(message("fork.weights_gone", {std::to_string(parentId), std::to_string(request.epoch), why}));
    std::string staged;
    try {
        staged = store.stageCheckpoint(fd);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return store.createFork(run, parentId, request.epoch, staged);
}

} // namespace traveller
