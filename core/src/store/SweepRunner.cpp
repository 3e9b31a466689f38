#include "traveller/core/store/SweepRunner.h"

#include "traveller/core/store/RunRules.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

namespace traveller {

namespace {

namespace fs = std::filesystem;

// Per-run adapter from the session's observer to the sweep's.
class IndexedObserver : public TrainingObserver {
public:
    IndexedObserver(SweepObserver& sweep, std::size_t index) : sweep_(sweep), index_(index) {}
    void onBatch(const BatchStats& s) override { sweep_.onBatch(index_, s); }
    void onEpoch(const EpochStats& s) override { sweep_.onEpoch(index_, s); }

private:
    SweepObserver& sweep_;
    std::size_t index_;
};

// Everything but the epoch count: runs with equal keys share a trajectory.
std::string chainKey(ExperimentConfig config)
{
    config.train.epochs = 0;
    config.name.clear();
    return toYaml(config);
}

// A rough cost for ordering parallel work, longest first: multiply-adds per
// token of the recurrent layers times epochs.
double estimatedCost(const ExperimentConfig& c)
{
    const CellInfo& cell = c.model.arch.info();
    const double h = c.model.hidden;
    return c.train.epochs * c.model.layers * cell.gates * h * ((cell.hiddenWeights ? h : 0.0) + 32);
}

// A kept run as the sweep reports it: finished or diverged as recorded; one
// not ended (another process trains it) as stopped.
RunResult keptResult(const StoredRun& run)
{
    RunResult r;
    const StoredState state = run.state;
    r.status = state == StoredState::Finished ? RunStatus::Finished
               : state == StoredState::Diverged ? RunStatus::Diverged
                                                : RunStatus::Stopped;
    r.epochsDone = run.epochsDone;
    r.perplexity = run.perplexity;
    r.tokensPerSecond = run.tokensPerSecond;
    r.seconds = run.seconds;
    r.device = run.device;
    r.samples = run.samples;
    r.blewUpAt = run.blewUpAt;
    r.message = state == StoredState::Finished || state == StoredState::Diverged ? run.message
                                                                                  : std::string(toString(state));
    return r;
}

} // namespace

std::vector<std::vector<std::size_t>> epochChains(const std::vector<ExperimentConfig>& configs)
{
    std::vector<std::vector<std::size_t>> chains;
    std::map<std::string, std::size_t> chainOf;
    for (std::size_t i = 0; i < configs.size(); ++i) {
        const auto [it, isNew] = chainOf.emplace(chainKey(configs[i]), chains.size());
        if (isNew)
            chains.push_back({i});
        else
            chains[it->second].push_back(i);
    }
    for (auto& chain : chains)
        std::stable_sort(chain.begin(), chain.end(), [&](std::size_t a, std::size_t b) {
            return configs[a].train.epochs < configs[b].train.epochs;
        });
    return chains;
}

void continueFrom(RunStore& store, std::int64_t from, std::int64_t to, int epoch)
{
    const std::string source = store.checkpointPath(from);
    const std::string target = store.checkpointPath(to);
    const std::string tmp = target + ".tmp";
    std::error_code ec;
    fs::copy_file(source, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec)
        fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw StoreError("cannot copy run " + std::to_string(from) + "'s checkpoint to run " + std::to_string(to) +
                         ": " + ec.message());
    }
    store.copyProgress(from, to, epoch);
    store.setCheckpointEpoch(to, epoch);
}

SweepRunner::SweepRunner(RunStore& store, const Sweep& sweep, const SweepOptions& options,
                         const std::vector<SweepRunPlan>& plan)
    : store_(store), options_(options)
{
    if (!plan.empty() && plan.size() != sweep.runs.size())
        throw StoreError("sweep '" + sweep.name + "': a plan of " + std::to_string(plan.size()) + " run(s) for " +
                         std::to_string(sweep.runs.size()));
    std::vector<ExperimentConfig> configs;
    bool allCpu = true;
    for (const auto& run : sweep.runs) {
        ExperimentConfig config = run.config;
        if (!options.device.empty())
            setConfigValue(config, "train.device", options.device);
        allCpu = allCpu && resolveDeviceSpec(config.train.device) == "cpu";  // throws DeviceError
        configs.push_back(config);
    }
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    // Two single-threaded CPU runs at once finished a small grid 20-40% sooner
    // than one run on all cores (docs/SWEEPS.md); a GPU takes one run at a time.
    parallel_ = options.parallel > 0 ? options.parallel : (allCpu && cores >= 2 && configs.size() >= 2 ? 2 : 1);
    // Parallel runs share the cores: each gets its slice, at least one thread.
    const int totalThreads = options.threads > 0 ? options.threads : cores;
    threadsPerRun_ = parallel_ == 1 ? options.threads : std::max(1, totalThreads / parallel_);
    if (parallel_ > 1 || options.threads > 0)
        for (auto& config : configs)
            config.train.threads = threadsPerRun_;

    // Chains: runs equal but for their epochs, shortest first. A chain of one
    // is an ordinary run.
    continues_.assign(configs.size(), -1);
    if (options.chainEpochs) {
        chains_ = epochChains(configs);
        for (const auto& chain : chains_)
            for (std::size_t k = 1; k < chain.size(); ++k)
                continues_[chain[k]] = static_cast<int>(chain[k - 1]);
    } else {
        for (std::size_t i = 0; i < configs.size(); ++i)
            chains_.push_back({i});
    }
    // With several workers, the longest chains go first so that none is left
    // running alone at the end.
    if (parallel_ > 1)
        std::stable_sort(chains_.begin(), chains_.end(), [&](const auto& a, const auto& b) {
            return estimatedCost(configs[a.back()]) > estimatedCost(configs[b.back()]);
        });

    for (std::size_t i = 0; i < configs.size(); ++i) {
        const SweepRunPlan p = plan.empty() ? SweepRunPlan{} : plan[i];
        actions_.push_back(p.action);
        ids_.push_back(p.action == SweepRunAction::Create
                           ? store.createRun({configs[i], configs[i].displayName(), sweep.name, sweep.runs[i].label,
                                              options.record.programVersion})
                           : p.id);
    }
}

RecordOptions SweepRunner::recordOptionsFor(std::size_t index) const
{
    // A resumed run trains with this sweep's share of the threads and device,
    // as a created one does through its config.
    RecordOptions record = options_.record;
    if (actions_[index] == SweepRunAction::Resume) {
        if (parallel_ > 1 || options_.threads > 0)
            record.threads = threadsPerRun_;
        if (!options_.device.empty())
            record.device = options_.device;
    }
    return record;
}

bool SweepRunner::continueChain(std::size_t index, const std::vector<RunResult>& results)
{
    // A continuation starts where the shorter run ended, when that run
    // trained to its end and its checkpoint is there, and this run has
    // trained nothing yet. Otherwise (it diverged, failed, stopped; a
    // resumed run that has its own epochs) the run trains on its own.
    const int before = continues_[index];
    if (before < 0 || results[static_cast<std::size_t>(before)].status != RunStatus::Finished)
        return false;
    const std::int64_t id = ids_[index];
    const std::int64_t from = ids_[static_cast<std::size_t>(before)];
    const int epoch = results[static_cast<std::size_t>(before)].epochsDone;
    const StoredRun target = store_.run(id);
    const bool fresh = target.epochsDone == 0 && target.checkpointEpoch == 0;
    if (!fresh || epoch <= 0 || epoch >= target.epochs || store_.run(from).checkpointEpoch != epoch ||
        !fs::is_regular_file(store_.checkpointPath(from)))
        return false;
    continueFrom(store_, from, id, epoch);
    return true;
}

std::vector<RunResult> SweepRunner::run(SweepObserver& observer, RunControl& control)
{
    std::vector<RunResult> results(ids_.size());
    for (auto& r : results) {
        r.status = RunStatus::Stopped;
        r.message = "not started";
    }
    for (std::size_t index = 0; index < ids_.size(); ++index)
        if (actions_[index] == SweepRunAction::Keep) {
            results[index] = keptResult(store_.run(ids_[index]));
            observer.onRunKept(index, ids_[index], results[index]);
        }
    std::atomic<std::size_t> next{0};
    auto trainOne = [&](std::size_t index) {
        const std::int64_t id = ids_[index];
        RunResult& result = results[index];
        auto fail = [&](const std::exception& e) {
            result = RunResult();
            result.status = RunStatus::Failed;
            result.message = e.what();
        };
        bool continued = false;
        try {
            continued = continueChain(index, results);
        } catch (const std::exception& e) {
            fail(e);
            try {
                store_.finishRun(id, result, 0);
            } catch (const std::exception&) {
                // The run stays queued; its message is still reported below.
            }
            observer.onRunFinished(index, id, result);
            return;
        }
        observer.onRunStarted(index, id);
        IndexedObserver forward(observer, index);
        try {
            result = trainRecordedRun(store_, id, recordOptionsFor(index), forward, control);
            // The run's wall time includes the epochs it took over, as stored.
            if (continued)
                result.seconds = store_.run(id).seconds;
        } catch (const std::exception& e) {
            fail(e);  // trainRecordedRun has stored it (or another process owns the run)
        }
        observer.onRunFinished(index, id, result);
    };
    // Nothing may leave a worker by an exception (std::terminate): whatever
    // one run meets (its row deleted by another process, an observer that
    // throws, a full disk) fails that run alone and the sweep goes on.
    auto trainGuarded = [&](std::size_t index) {
        std::string why;
        try {
            trainOne(index);
            return;
        } catch (const std::exception& e) {
            why = e.what();
        } catch (...) {
            why = "unknown error";
        }
        RunResult& result = results[index];
        result = RunResult();
        result.status = RunStatus::Failed;
        result.message = why;
    };
    auto worker = [&] {
        for (std::size_t c = next++; c < chains_.size() && !control.stopRequested(); c = next++)
            for (std::size_t index : chains_[c]) {
                if (control.stopRequested())
                    break;
                if (actions_[index] != SweepRunAction::Keep)
                    trainGuarded(index);
            }
    };
    std::vector<std::thread> workers;
    for (int w = 1; w < std::min<int>(parallel_, static_cast<int>(chains_.size())); ++w)
        workers.emplace_back(worker);
    worker();
    for (auto& t : workers)
        t.join();
    return results;
}

} // namespace traveller
