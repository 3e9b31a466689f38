// The catalogue of the core's user-facing message templates (Messages.h).
// QT_TRANSLATE_NOOP only marks each template for Qt's lupdate (the window's
// translation table); the core has no Qt and the macro is the text itself.
#include "traveller/core/Messages.h"

#include <algorithm>
#include <map>
#include <regex>
#include <stdexcept>

#ifndef QT_TRANSLATE_NOOP
#define QT_TRANSLATE_NOOP(context, text) text
#endif

namespace traveller {

namespace {

const std::vector<MessageTemplate> kCatalogue = {
    // Training: divergence (TrainingLoop, LmSession)
    {"train.diverged", QT_TRANSLATE_NOOP("traveller::CoreMessages", "diverged at epoch {0}: {1} ({2} is too high?)")},
    {"train.loss_nan", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the loss became NaN")},
    {"train.loss_inf", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the loss became infinite")},
    {"train.grad_nan", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the gradient norm became NaN")},
    {"train.grad_inf", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the gradient norm became infinite")},
    {"train.learning_rate", QT_TRANSLATE_NOOP("traveller::CoreMessages", "learning rate {0}")},
    {"train.perplexity_limit", QT_TRANSLATE_NOOP("traveller::CoreMessages", "perplexity {0} exceeds {1}, {2} x the vocabulary size")},
    {"train.blew_up", QT_TRANSLATE_NOOP("traveller::CoreMessages", "blew up at epoch {0}: {1}; training continued (train.on_divergence: continue)")},
    {"train.detach_random", QT_TRANSLATE_NOOP("traveller::CoreMessages", "false needs data.sampling: sequential (random batches start from a zero state, so "
                             "there is nothing to carry)")},
    {"train.detach_too_big", QT_TRANSLATE_NOOP("traveller::CoreMessages", "false keeps the whole epoch's graph: {0} time steps x {1} streams, about {2} GiB, "
                              "over the limit of {3} GiB; use fewer data.max_tokens or a smaller model")},
    // Devices (LmSession, TranslationSession)
    {"device.unknown", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown device '{0}': use cpu, cuda, cuda:N or auto")},
    {"device.no_cuda_build", QT_TRANSLATE_NOOP("traveller::CoreMessages", "device {0} requested, but this LibTorch build has no CUDA support (Debian's libtorch "
                              "is CPU-only); use --device cpu, or build against a CUDA LibTorch")},
    {"device.no_gpu", QT_TRANSLATE_NOOP("traveller::CoreMessages", "device {0} requested, but no CUDA GPU is visible (check the driver and "
                       "CUDA_VISIBLE_DEVICES); use --device cpu")},
    {"device.index", QT_TRANSLATE_NOOP("traveller::CoreMessages", "device {0} requested, but only {1} CUDA GPU(s) are visible ({2})")},
    // Corpora (Corpus, DataStore, LmBatches, TranslationData); CorpusError puts "<path>: " before them
    {"corpus.cannot_open", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open the corpus file")},
    {"corpus.cannot_read", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot read the corpus file")},
    {"corpus.unreadable", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot be read")},
    {"corpus.not_utf8", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is not UTF-8 text: {0} at byte offset {1}; a corpus must be a UTF-8 text file")},
    {"corpus.too_large", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is larger than {0} GiB; a corpus is read whole for its vocabulary, so give a smaller file")},
    {"corpus.too_few_book", QT_TRANSLATE_NOOP("traveller::CoreMessages", "holds fewer than two tokens after cleaning (the book's cleaning keeps the letters a-z "
                             "only; set data.normalize: unicode for text in other scripts); it cannot train a model")},
    {"corpus.too_few", QT_TRANSLATE_NOOP("traveller::CoreMessages", "holds fewer than two tokens; it cannot train a model")},
    {"corpus.heldout_too_big", QT_TRANSLATE_NOOP("traveller::CoreMessages", "has {0} tokens: too few to hold out {1} (data.heldout) after {2} training tokens")},
    {"corpus.batch_too_big", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0} tokens cannot fill one batch of {1} x {2} steps; lower data.batch_size or "
                              "data.num_steps, or raise data.max_tokens")},
    {"corpus.missing", QT_TRANSLATE_NOOP("traveller::CoreMessages", "missing (expected SHA-1 {0}); run `traveller-cli fetch-data` to download it, or point "
                        "--data-dir / TRAVELLER_DATA_DIR at a folder holding {1}")},
    {"corpus.wrong_sha1", QT_TRANSLATE_NOOP("traveller::CoreMessages", "SHA-1 is {0}, expected {1} (the file is truncated, corrupt or a different text); run "
                           "`traveller-cli fetch-data` to download it, or point --data-dir / TRAVELLER_DATA_DIR at a "
                           "folder holding {2}")},
    {"corpus.download_failed", QT_TRANSLATE_NOOP("traveller::CoreMessages", "download of {0} failed ({1}); nothing was changed")},
    {"corpus.download_sha1", QT_TRANSLATE_NOOP("traveller::CoreMessages", "download of {0} has SHA-1 {1}, expected {2}; nothing was changed")},
    {"corpus.translation_cannot_open", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open the translation corpus")},
    {"corpus.no_pairs", QT_TRANSLATE_NOOP("traveller::CoreMessages", "holds no \"English<TAB>French\" lines in its first {0} lines")},
    // Configuration (ConfigFields, ExperimentConfig, Sweep, cells); ConfigError puts
    // "<file>: line L, column C: <key>: " before them
    {"config.integer", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected an integer, got '{0}'")},
    {"config.int_range", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be between {0} and {1}, got {2}")},
    {"config.number", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a number, got '{0}'")},
    {"config.at_least", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be at least {0}, got {1}")},
    {"config.greater_than", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be greater than {0}, got {1}")},
    {"config.at_least_at_most", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be at least {0} and at most {1}, got {2}")},
    {"config.greater_than_at_most", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must be greater than {0} and at most {1}, got {2}")},
    {"config.boolean", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected true or false, got '{0}'")},
    {"config.one_of", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected one of {0}, got '{1}'")},
    {"config.unknown_key_known", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown key; known keys: {0}")},
    {"config.unknown_key", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown key")},
    {"sweep.repeat_and_seed_grid", QT_TRANSLATE_NOOP("traveller::CoreMessages", "repeat: N runs seeds 0 to N-1; the grid's train.seed chooses seeds too: give one of them")},
    {"config.unknown_key_expected", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown key; expected one of {0}")},
    {"config.plain_key", QT_TRANSLATE_NOOP("traveller::CoreMessages", "keys must be plain names")},
    {"config.duplicate_key", QT_TRANSLATE_NOOP("traveller::CoreMessages", "duplicate key: it is already set above in the same mapping")},
    {"config.expected_mapping", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a mapping of {0}")},
    {"config.single_value_of", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a single value of type {0}")},
    {"config.not_empty", QT_TRANSLATE_NOOP("traveller::CoreMessages", "must not be empty")},
    {"config.malformed_yaml", QT_TRANSLATE_NOOP("traveller::CoreMessages", "malformed YAML: {0}")},
    {"config.cannot_open_experiment", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open experiment file")},
    {"config.cannot_open_sweep", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot open sweep file")},
    {"config.single_value", QT_TRANSLATE_NOOP("traveller::CoreMessages", "expected a single value")},
    {"config.set_syntax", QT_TRANSLATE_NOOP("traveller::CoreMessages", "--set expects KEY=VALUE, got '{0}'")},
    {"config.unknown_cell", QT_TRANSLATE_NOOP("traveller::CoreMessages", "unknown cell '{0}' (known: {1})")},
    // Files handed to Traveller (SafeFile.h); FileError puts "<path>: " before them
    {"file.missing", QT_TRANSLATE_NOOP("traveller::CoreMessages", "no such file")},
    {"file.not_regular", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is {0}, not a regular file; give a file")},
    {"file.symlink", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is a symbolic link; only plain files inside the folder are read")},
    {"file.too_large", QT_TRANSLATE_NOOP("traveller::CoreMessages", "is larger than the limit of {0}")},
    {"file.kind_folder", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a folder")},
    {"file.kind_fifo", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a FIFO (named pipe)")},
    {"file.kind_socket", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a socket")},
    {"file.kind_device", QT_TRANSLATE_NOOP("traveller::CoreMessages", "a device")},
    {"file.kind_other", QT_TRANSLATE_NOOP("traveller::CoreMessages", "something other than a file")},
    {"file.cannot_read", QT_TRANSLATE_NOOP("traveller::CoreMessages", "cannot be read: {0}")},
    {"library.read_only", QT_TRANSLATE_NOOP("traveller::CoreMessages", "the run library is read-only here (this user cannot write its folder or file, or it is on a read-only file system); it can be listed and exported, not changed. Nothing was changed")},
    {"text.too_long", QT_TRANSLATE_NOOP("traveller::CoreMessages", "{0} is longer than the limit of {1}")},
};

std::string escapeRegex(const std::string& text)
{
    static const std::string special = R"(\^$.|?*+()[]{})";
    std::string out;
    for (char c : text) {
        if (special.find(c) != std::string::npos)
            out += '\\';
        out += c;
    }
    return out;
}

struct Compiled {
    const MessageTemplate* tmpl;
    std::regex re;
    std::vector<int> order;  // the argument index of each capture group
};

const std::vector<Compiled>& compiled()
{
    static const std::vector<Compiled> all = [] {
        std::vector<Compiled> out;
        static const std::regex placeholder(R"(\{(\d+)\})");
        for (const auto& t : kCatalogue) {
            const std::string text = t.english;
            std::string pattern = "^";
            std::vector<int> order;
            auto begin = std::sregex_iterator(text.begin(), text.end(), placeholder);
            std::size_t last = 0;
            for (auto it = begin; it != std::sregex_iterator(); ++it) {
                pattern += escapeRegex(text.substr(last, static_cast<std::size_t>(it->position()) - last));
                pattern += "([\\s\\S]*?)";
                order.push_back(std::stoi((*it)[1].str()));
                last = static_cast<std::size_t>(it->position() + it->length());
            }
            pattern += escapeRegex(text.substr(last)) + "$";
            out.push_back({&t, std::regex(pattern), order});
        }
        // The most specific first: "must be at least {0} and at most {1}, got
        // {2}" before "must be at least {0}, got {1}", which would match it too.
        auto literal = [](const Compiled& c) {
            return std::regex_replace(std::string(c.tmpl->english), placeholder, "").size();
        };
        std::stable_sort(out.begin(), out.end(),
                         [&](const Compiled& a, const Compiled& b) { return literal(a) > literal(b); });
        return out;
    }();
    return all;
}

} // namespace

const std::vector<MessageTemplate>& messageCatalogue() { return kCatalogue; }

const MessageTemplate* findTemplate(const std::string& code)
{
    for (const auto& t : kCatalogue)
        if (code == t.code)
            return &t;
    return nullptr;
}

std::string fillTemplate(const std::string& pattern, const std::vector<std::string>& args)
{
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{') {
            const std::size_t close = pattern.find('}', i);
            if (close != std::string::npos && close > i + 1 &&
                pattern.find_first_not_of("0123456789", i + 1) == close) {
                const std::size_t n = std::stoul(pattern.substr(i + 1, close - i - 1));
                out += n < args.size() ? args[n] : pattern.substr(i, close - i + 1);
                i = close;
                continue;
            }
        }
        out += pattern[i];
    }
    return out;
}

std::string Message::text() const
{
    const MessageTemplate* t = findTemplate(code);
    return t ? fillTemplate(t->english, args) : (args.empty() ? code : args.front());
}

Message message(const std::string& code, std::vector<std::string> args)
{
    if (!findTemplate(code))
        throw std::logic_error("no message template '" + code + "'");
    return {code, std::move(args)};
}

std::optional<Message> parseMessage(const std::string& text)
{
    for (const auto& c : compiled()) {
        std::smatch m;
        if (!std::regex_match(text, m, c.re))
            continue;
        Message out{c.tmpl->code, {}};
        int count = 0;
        for (int n : c.order)
            count = std::max(count, n + 1);
        out.args.assign(static_cast<std::size_t>(count), std::string());
        for (std::size_t g = 0; g < c.order.size(); ++g)
            out.args[static_cast<std::size_t>(c.order[g])] = m[static_cast<int>(g + 1)].str();
        return out;
    }
    return std::nullopt;
}

} // namespace traveller
