#include "RunEvents.h"

#include "traveller/core/Errors.h"
#include "traveller/core/io/Json.h"

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>

namespace traveller::cli {

namespace fs = std::filesystem;

std::string epochEvent(const EpochStats& s, const std::string& run)
{
    JsonObject o;
    o.add("event", "epoch");
    if (!run.empty())
        o.add("run", run);
    o.add("epoch", s.epoch).add("perplexity", s.perplexity).add("tokens_per_s", s.tokensPerSecond);
    if (std::isfinite(s.heldoutPerplexity))
        o.add("heldout_perplexity", s.heldoutPerplexity);
    if (s.hasSample)
        o.add("sample", s.sample);
    return o.str();
}

std::string doneEvent(const RunResult& r, int threads, const std::string& run, long long id)
{
    JsonObject samples;
    for (const auto& [prefix, text] : r.samples)
        samples.add(prefix, text);
    JsonObject done;
    done.add("event", "done");
    if (!run.empty())
        done.add("run", run);
    if (id > 0)
        done.add("id", static_cast<std::int64_t>(id));
    done.add("status", toString(r.status)).add("epochs", r.epochsDone);
    done.add("perplexity", r.perplexity).add("tokens_per_s", r.tokensPerSecond).add("seconds", r.seconds);
    if (std::isfinite(r.heldoutPerplexity))
        done.add("heldout_perplexity", r.heldoutPerplexity);
    done.add("device", r.device).add("threads", threads).addRaw("samples", samples.str());
    if (r.status == RunStatus::Diverged)
        done.add("diverged_epoch", r.divergedEpoch).add("message", r.message);
    if (r.status != RunStatus::Diverged && !r.message.empty())
        done.add("message", r.message);  // a failure, or a blow-up trained through (on_divergence: continue)
    return done.str();
}

int reportExitStatus(RunStatus status, int epochsDone, const std::string& message)
{
    switch (status) {
    case RunStatus::Diverged:
        std::cerr << "traveller-cli: " << message << '\n';
        return 3;
    case RunStatus::Stopped:
        std::cerr << "traveller-cli: interrupted after " << epochsDone << " epoch(s)\n";
        return 130;
    default:
        return 0;
    }
}

namespace {
RunControl* gInterruptTarget = nullptr;

void onInterrupt(int)
{
    if (gInterruptTarget)
        gInterruptTarget->requestStopFromSignal();
}
} // namespace

InterruptScope::InterruptScope(RunControl& control)
{
    gInterruptTarget = &control;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

InterruptScope::~InterruptScope()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    gInterruptTarget = nullptr;
}

} // namespace traveller::cli
