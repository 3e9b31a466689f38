// traveller-cli inspect: what a trained language model computes on a text
// (the Lens, headless): next-character guesses, hidden states and gates per
// layer, saliency, as one JSON object, written as it is produced.
#include "Commands.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/lm/Inspect.h"
#include "traveller/core/Presets.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/io/SafeFile.h"
#include "traveller/core/lm/Training.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

namespace traveller::cli {

namespace {

struct InspectArgs {
    std::string source, text, textFile, config, dataDir, library, top = "5",
        saliencyChars = std::to_string(kSaliencyCharacters);
    bool noSaliency = false;
    bool textGiven = false, textFileGiven = false;  // each option's count, set as the command runs
};

// The text to read: --text, or --text-file FILE (SafeFile.h: a regular file,
// never a FIFO or a device) or "-" for standard input, at most
// kMaxInspectTextBytes either way.
std::string inspectedText(const InspectArgs& a)
{
    if (!a.textGiven && !a.textFileGiven)
        throw UsageError("a text is required: give --text TEXT or --text-file FILE ('-' reads standard input)");
    if (a.textGiven) {
        if (a.text.empty())
            throw UsageError("--text must not be empty");
        return a.text;
    }
    if (a.textFile.empty())
        throw UsageError("--text-file must not be empty (give a file, or '-' for standard input)");
    ReadLimits limits;
    limits.maxBytes = kMaxInspectTextBytes;
    std::string text = readFileArgument(a.textFile, limits);
    if (text.empty())
        throw Error((a.textFile == "-" ? std::string("standard input") : a.textFile) + ": holds no text to inspect");
    return text;
}

bool looksLikeRunId(const std::string& s)
{
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

int inspect(const InspectArgs& a)
{
    InspectOptions options;
    options.topK = wholeNumber("--top", a.top, 1, 1000);
    options.saliency = !a.noSaliency;
    options.saliencyLimit = wholeNumber("--saliency-chars", a.saliencyChars, 0, 1000000);
    const std::string text = inspectedText(a);

    ExperimentConfig config;
    std::string checkpoint;
    if (looksLikeRunId(a.source) && !std::filesystem::exists(a.source)) {
        RunStore store(RunStore::resolveFolder(a.library));
        const StoredRun run = store.run(runId(a.source));
        if (const RuleVerdict possible = canGenerate(run); !possible)
            throw Error(possible.reason);
        config = run.config();
        checkpoint = store.checkpointPath(run.id);
    } else {
        checkpoint = a.source;
        if (!std::filesystem::is_regular_file(checkpoint))
            throw Error(checkpoint + ": no such checkpoint file, and not a run id of the library");
        if (!a.config.empty()) {
            config = loadExperimentFile(resolvePreset(a.config, PresetKind::Experiment));
        } else {
            const std::string yaml = checkpointFileConfig(checkpoint);
            if (yaml.empty())
                throw UsageError(checkpoint + " does not say which experiment it holds (written by an older "
                                 "Traveller): give it with --config FILE or PRESET");
            config = parseExperimentYaml(yaml, checkpoint);
        }
    }
    config.train.device = "cpu";
    setTrainingThreads(config.train.threads);  // the threads, and the heap kept between steps
    LmSession session(config, resolveDataDir(a.dataDir));
    session.loadCheckpoint(checkpoint);
    const Inspection in = session.inspect(text, options);
    if (in.saliencyLeftOut)
        std::cerr << "traveller-cli: saliency left out: the text has " << in.steps.size()
                  << " characters and saliency, which grows with the square of the length, is computed for up to "
                  << options.saliencyLimit << " (1,000 characters at hidden 1024 take about 95 s on 2 cores); "
                  << "--saliency-chars " << in.steps.size() << " computes it\n";
    writeInspectionJson(std::cout, in);
    std::cout << '\n' << std::flush;
    if (!std::cout)
        throw Error("cannot write the JSON to standard output");
    return 0;
}

} // namespace

void addInspectCommand(CLI::App& app, int& status)
{
    auto args = std::make_shared<InspectArgs>();
    CLI::App* c = app.add_subcommand("inspect", "What a trained language model computes on a text, character by character");
    c->add_option("source", args->source, "A run id of the library, or a checkpoint file (traveller-cli train --checkpoint)")
        ->required();
    CLI::Option* text = c->add_option("--text", args->text, "The text to read");
    CLI::Option* textFile = c->add_option("--text-file", args->textFile,
                  "Read the text from FILE ('-': standard input), up to " + byteLimitText(kMaxInspectTextBytes))
        ->type_name("FILE")
        ->excludes(text);
    c->add_option("--top", args->top, "Next-character guesses per character")->capture_default_str();
    c->add_flag("--no-saliency", args->noSaliency, "Skip the saliency (one backward pass per character)");
    c->add_option("--saliency-chars", args->saliencyChars,
                  "Compute saliency for texts of up to this many characters (its cost grows with the square of the length)")
        ->capture_default_str();
    c->add_option("--config", args->config, "The experiment of a checkpoint file that does not say (FILE or PRESET)");
    c->add_option("--data-dir", args->dataDir, "Corpus folder (the vocabulary comes from it)")->type_name("DIR");
    c->add_option("--library", args->library, "The run library's folder")->type_name("DIR");
    c->footer("Prints one JSON object: arch, layers, hidden, perplexity (of the text), steps [{char, next, p_next, "
              "top [{char, p}], layers [{h, gates {...}, c}]}] and saliency[t][s] = |d log p(next of t) / d input s|.\n");
    c->callback([args, text, textFile, &status] {
        args->textGiven = text->count() > 0;
        args->textFileGiven = textFile->count() > 0;
        status = inspect(*args);
    });
}

} // namespace traveller::cli
