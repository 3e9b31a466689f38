#include "traveller/core/lab/LabReport.h"

#include "LabSeeds.h"
#include "chart/ChartSvg.h"
#include "traveller/core/Errors.h"
#include "traveller/core/io/Escape.h"
#include "traveller/core/lesson/Lesson.h"
#include "traveller/core/Format.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/RunRules.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>

namespace traveller {

namespace {

namespace fs = std::filesystem;

// ------------------------------------------------------------ a small document

// A block's text is plain text with code spans (samples, paths, the
// translations) between kCodeOpen and kCodeClose; each renderer escapes both
// with its format's rule (Escape.h). Text that comes from people or from the
// library (notes, samples) enters through code() or cleanText, which turn
// these two control characters into U+FFFD, so it cannot open a span.
constexpr char kCodeOpen = '\x0e';
constexpr char kCodeClose = '\x0f';

struct Block {
    enum Kind { Heading, Paragraph, Table, Chart, Quote, Item } kind = Paragraph;
    int level = 1;
    std::string text;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::string chartName;  // file-name part: <stem>-<chartName>.svg
    std::string svg;
};

class Document {
public:
    explicit Document(std::string lang) : lang_(std::move(lang)) {}
    std::string t(const std::string& english) const { return labText(english, lang_); }
    // "{0} ... {1}" with the arguments, after translating the template.
    std::string f(const std::string& english, const std::vector<std::string>& args) const
    {
        std::string s = t(english);
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string mark = "{" + std::to_string(i) + "}";
            for (std::size_t at = s.find(mark); at != std::string::npos; at = s.find(mark, at + args[i].size()))
                s.replace(at, mark.size(), args[i]);
        }
        return s;
    }
    void heading(int level, const std::string& text) { add(Block::Heading, level, text); }
    void para(const std::string& text) { add(Block::Paragraph, 0, text); }
    void quote(const std::string& text) { add(Block::Quote, 0, text); }
    void item(const std::string& text) { add(Block::Item, 0, text); }
    void table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows)
    {
        Block b;
        b.kind = Block::Table;
        b.header = std::move(header);
        b.rows = std::move(rows);
        blocks.push_back(std::move(b));
    }
    void chart(const std::string& name, const std::string& svg, const std::string& caption)
    {
        Block b;
        b.kind = Block::Chart;
        b.chartName = name;
        b.svg = svg;
        b.text = caption;
        blocks.push_back(std::move(b));
    }
    const std::string& lang() const { return lang_; }
    std::vector<Block> blocks;

private:
    void add(Block::Kind kind, int level, const std::string& text)
    {
        Block b;
        b.kind = kind;
        b.level = level;
        b.text = text;
        blocks.push_back(std::move(b));
    }
    std::string lang_;
};

// The text's plain runs and code spans, in order (second: a code span).
std::vector<std::pair<std::string, bool>> spans(const std::string& text)
{
    std::vector<std::pair<std::string, bool>> out{{"", false}};
    for (const char c : text) {
        if (c == kCodeOpen || c == kCodeClose) {
            if (out.back().first.empty())
                out.back().second = c == kCodeOpen;
            else
                out.emplace_back("", c == kCodeOpen);
        } else {
            out.back().first += c;
        }
    }
    return out;
}

std::string mdInline(const std::string& text)
{
    std::string out;
    for (const auto& [run, code] : spans(text))
        out += code ? markdownCode(run) : markdownText(run);
    return out;
}

std::string toMarkdown(const Document& doc, const std::string& stem)
{
    std::string out;
    for (const Block& b : doc.blocks) {
        switch (b.kind) {
        case Block::Heading:
            out += std::string(static_cast<std::size_t>(b.level), '#') + " " + mdInline(b.text) + "\n\n";
            break;
        case Block::Paragraph: out += mdInline(b.text) + "\n\n"; break;
        case Block::Quote: out += "> " + mdInline(b.text) + "\n\n"; break;
        case Block::Item: out += "- " + mdInline(b.text) + "\n\n"; break;
        case Block::Table: {
            out += "|";
            for (const auto& h : b.header)
                out += " " + mdInline(h) + " |";
            out += "\n|";
            for (std::size_t i = 0; i < b.header.size(); ++i)
                out += " --- |";
            out += "\n";
            for (const auto& row : b.rows) {
                out += "|";
                for (const auto& c : row)
                    out += " " + mdInline(c) + " |";
                out += "\n";
            }
            out += "\n";
            break;
        }
        case Block::Chart:
            out += "![" + mdInline(b.text) + "](" + markdownUrl(stem + "-" + b.chartName + ".svg") + ")\n\n";
            break;
        }
    }
    return out;
}

// `text` with its code spans (the samples) as HTML.
std::string htmlInline(const std::string& text)
{
    std::string out;
    for (const auto& [run, code] : spans(text))
        out += code ? "<code>" + xmlEscaped(run) + "</code>" : xmlEscaped(run);
    return out;
}

std::string toHtml(const Document& doc, const std::string& title)
{
    std::string out = "<!DOCTYPE html>\n<html lang=\"" + std::string(doc.lang() == "zh_CN" ? "zh-CN" : "en") +
                      "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + xmlEscaped(title) +
                      "</title>\n<style>\n"
                      "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;max-width:1000px;margin:2em auto;"
                      "padding:0 1em;line-height:1.5;color:#222}\n"
                      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;"
                      "text-align:left;vertical-align:top}th{background:#eee}\n"
                      "code{background:#f3f3f3;padding:0 .2em}blockquote{border-left:4px solid #8ab;margin:1em 0;"
                      "padding:.2em 1em;background:#f5f9fa}\nfigure{margin:1em 0}figure svg{width:100%;height:auto}\n"
                      "</style>\n</head>\n<body>\n";
    bool inList = false;
    for (const Block& b : doc.blocks) {
        if (inList != (b.kind == Block::Item))
            out += inList ? "</ul>\n" : "<ul>\n";
        inList = b.kind == Block::Item;
        switch (b.kind) {
        case Block::Heading: {
            const std::string h = "h" + std::to_string(std::min(b.level, 6));
            out += "<" + h + ">" + htmlInline(b.text) + "</" + h + ">\n";
            break;
        }
        case Block::Paragraph: out += "<p>" + htmlInline(b.text) + "</p>\n"; break;
        case Block::Quote: out += "<blockquote>" + htmlInline(b.text) + "</blockquote>\n"; break;
        case Block::Item: out += "<li>" + htmlInline(b.text) + "</li>\n"; break;
        case Block::Table: {
            out += "<table>\n<tr>";
            for (const auto& h : b.header)
                out += "<th>" + htmlInline(h) + "</th>";
            out += "</tr>\n";
            for (const auto& row : b.rows) {
                out += "<tr>";
                for (const auto& c : row)
                    out += "<td>" + htmlInline(c) + "</td>";
                out += "</tr>\n";
            }
            out += "</table>\n";
            break;
        }
        case Block::Chart: {
            // The SVG document inline, without its XML declaration.
            std::string svg = b.svg;
            if (svg.rfind("<?xml", 0) == 0)
                svg = svg.substr(svg.find("?>") + 2);
            out += "<figure>" + svg + "<figcaption>" + htmlInline(b.text) + "</figcaption></figure>\n";
            break;
        }
        }
    }
    if (inList)
        out += "</ul>\n";
    out += "</body>\n</html>\n";
    return out;
}

// ------------------------------------------------------------ measurements

std::string num(double v, int decimals = 3) { return formatNumber(v, decimals); }

std::string code(const std::string& s) { return s.empty() ? "—" : kCodeOpen + cleanText(s) + kCodeClose; }

struct RunFacts {
    const StoredRun* run = nullptr;
    std::vector<StoredEpoch> epochs;
    double heldout() const { return epochs.empty() ? NAN : epochs.back().heldoutPerplexity; }
    std::string sample() const
    {
        if (!run)
            return "";
        for (const auto& [prefix, text] : run->samples)
            if (prefix != "traveller")
                return text;
        return "";
    }
    bool finished() const { return run && run->state == StoredState::Finished; }
    // The run over seeds (lab run --seeds): its group, n >= 2 when grouped.
    RunGroup group;
    bool grouped() const { return group.final.n >= 2; }
};

// A tuning value as trained in `mode` (the quick lab's epochs are a tenth):
// labRunLabel's rule for a value of the axis.
std::string axisShown(const std::string& axis, const std::string& value, LabMode mode)
{
    if (axis != "epochs")
        return value;
    const std::string label = labRunLabel(LabRun{"", axis, value, false}, mode);
    return mode == LabMode::Quick ? label.substr(label.find('=') + 1) : value;
}

class LabData {
public:
    LabData(RunStore& store, LabMode mode) : store_(store), mode_(mode)
    {
        for (const auto& step : labSteps()) {
            auto runs = labRunsOf(store, step, mode);
            auto groups = lab::seedGroups(store, step, mode, runs);
            for (auto& [label, run] : runs) {
                RunFacts f;
                stored_[step.id][label] = std::make_unique<StoredRun>(run);
                f.run = stored_[step.id][label].get();
                f.epochs = store.epochs(run.id);
                if (const auto g = groups.find(label); g != groups.end())
                    f.group = std::move(g->second);
                facts_[step.id][label] = std::move(f);
            }
        }
    }
    const RunFacts* get(const LabStep& step, const std::string& label) const
    {
        const auto s = facts_.find(step.id);
        if (s == facts_.end())
            return nullptr;
        const auto r = s->second.find(label);
        return r == s->second.end() ? nullptr : &r->second;
    }
    // The run of `axis` at `value`: the base run where the value is the book's.
    const RunFacts* at(const LabStep& step, const std::string& axis, const std::string& value) const
    {
        const std::string book = axis == "epochs" ? "500" : axis == "lr" ? "1" : "256";
        return value == book ? get(step, "base") : get(step, axis + "=" + axisShown(axis, value, mode_));
    }
    bool any() const { return !facts_.empty(); }
    RunStore& store() const { return store_; }
    LabMode mode() const { return mode_; }

private:
    RunStore& store_;
    LabMode mode_;
    std::map<std::string, std::map<std::string, std::unique_ptr<StoredRun>>> stored_;
    std::map<std::string, std::map<std::string, RunFacts>> facts_;
};

const std::vector<std::string>& axisValues(const std::string& axis)
{
    static const std::vector<std::string> epochs{"250", "500", "750", "1000"};
    static const std::vector<std::string> lr{"0.01", "0.1", "1", "10"};
    static const std::vector<std::string> hidden{"128", "256", "512", "1024"};
    return axis == "epochs" ? epochs : axis == "lr" ? lr : hidden;
}

// A run's curve for a report chart; the training curve carries the settings
// changed while it trained as marks (issue 27.2).
chart::Series series(const std::string& name, const RunFacts& facts, bool heldout, std::uint32_t color)
{
    chart::Series s;
    s.name = name;
    s.color = color;
    if (!heldout && facts.run)
        for (const SettingEvent& e : facts.run->events)
            s.marks.push_back({static_cast<double>(e.epoch), eventMarkLabel(e)});
    for (const auto& e : facts.epochs) {
        const double y = heldout ? e.heldoutPerplexity : e.perplexity;
        if (std::isnan(y))
            continue;
        s.x.push_back(e.epoch);
        s.y.push_back(y);
    }
    return s;
}

// A final perplexity above the vocabulary's size (28 characters) is worse than
// guessing uniformly: the run has not recovered from diverging.
constexpr double kGuessingPerplexity = 28.0;

constexpr std::uint32_t kPalette[] = {0x1f77b4, 0xd62728, 0x2ca02c, 0xff7f0e, 0x9467bd, 0x8c564b};

std::string status(const Document& d, const RunFacts* f)
{
    if (!f)
        return d.t("not run yet");
    return d.t(stateLabel(f->run->state, f->run->blewUpAt));
}

// "1.300 ± 0.020 over 3 seeds" where the run has seeds (RunEvidence's
// spread), else the one run's value.
std::string overSeeds(const Document& d, const Spread& s, double single)
{
    if (s.n < 2)
        return num(single);
    return d.f("{0} ± {1} over {2} seeds", {num(s.mean), num(s.sd), std::to_string(s.n)});
}
std::string finalText(const Document& d, const RunFacts* f) { return overSeeds(d, f->group.final, f->run->perplexity); }
// The same in a sentence that says the seeds already: "1.300 ± 0.020".
std::string meanAndSd(const RunFacts* f)
{
    return f->grouped() ? num(f->group.final.mean) + " ± " + num(f->group.final.sd) : num(f->run->perplexity);
}
std::string heldoutText(const Document& d, const RunFacts* f) { return overSeeds(d, f->group.heldout, f->heldout()); }

// ------------------------------------------------------------ observations

// The book's length of every language-model run of the lab.
constexpr int kBookEpochs = 500;

// "After 50 epochs (the book trains 500, …) the final perplexities rank …":
// the cells' ranking says how long the runs it ranks trained, and claims the
// book's settings only for full-lab runs of the book's length.
LabObservation cellRanking(const LabData& data, const Document& d,
                           const std::vector<std::pair<std::string, const RunFacts*>>& bases)
{
    LabObservation o;
    o.kind = LabObservation::Kind::CellRanking;
    o.epochs = bases.front().second->run->epochsDone;
    for (const auto& [name, f] : bases)
        if (f->run->epochsDone != o.epochs)
            o.epochs = 0;
    o.bookSettings = data.mode() == LabMode::Full && o.epochs == kBookEpochs;
    auto byTrain = bases;
    std::sort(byTrain.begin(), byTrain.end(),
              [](const auto& a, const auto& b) { return a.second->run->perplexity < b.second->run->perplexity; });
    std::string ranking;
    for (const auto& [name, f] : byTrain) {
        ranking += (ranking.empty() ? "" : " < ") + name + " " + num(f->run->perplexity);
        if (o.epochs == 0)
            ranking += " " + d.f("({0} epochs)", {std::to_string(f->run->epochsDone)});
    }
    auto byTime = bases;
    std::sort(byTime.begin(), byTime.end(),
              [](const auto& a, const auto& b) { return a.second->run->seconds < b.second->run->seconds; });
    std::string times;
    for (const auto& [name, f] : byTime)
        times += ", " + name + " " + formatDuration(f->run->seconds);
    const std::string length = std::to_string(o.epochs);
    const std::string book = std::to_string(kBookEpochs);
    if (o.bookSettings)
        o.text = d.f("After {2} epochs at the book's settings the final perplexities rank {0}; training took{1}.",
                     {ranking, times.substr(1), length});
    else if (o.epochs > 0)
        o.text = d.f("After {2} epochs (the book trains {3}; a shorter run can rank the cells differently) the final "
                     "perplexities rank {0}; training took{1}.",
                     {ranking, times.substr(1), length, book});
    else
        o.text = d.f("Measured at different lengths (the book trains {2}), the final perplexities rank {0}; training "
                     "took{1}.",
                     {ranking, times.substr(1), book});
    return o;
}

// The observations as they are said: each sentence with what it was measured on.
class Said {
public:
    Said(const LabData& data, const Document& d) : data(data), d(d) {}
    // A sentence about runs of one step at one length: the base run's.
    LabObservation& operator()(LabObservation::Kind kind, const RunFacts* base, std::string text)
    {
        LabObservation o;
        o.kind = kind;
        o.text = std::move(text);
        o.epochs = base ? base->run->epochsDone : 0;
        o.bookSettings = data.mode() == LabMode::Full && o.epochs == kBookEpochs;
        out.push_back(std::move(o));
        return out.back();
    }
    const LabData& data;
    const Document& d;
    std::vector<LabObservation> out;
};

// Whether two runs over seeds differ by more than their seeds do; the
// clause that says so, and which list of `o` the setting goes in.
void seedClause(Said& say, const RunFacts& base, const RunFacts& other, const std::string& label,
                std::vector<std::string>& parts, LabObservation& o)
{
    if (!base.grouped() || !other.grouped())
        return;
    const std::string n = std::to_string(std::min(base.group.final.n, other.group.final.n));
    const bool beyond = beyondSeedSpread(base.group.final, other.group.final);
    parts.push_back(say.d.f(beyond ? "the difference exceeds the seeds' spread ({0} seeds each)"
                                   : "the difference lies within the seeds' spread ({0} seeds each)",
                            {n}));
    o.seeds = std::stoi(n);
    (beyond ? o.beyondSpread : o.withinSpread).push_back(label);
}

void learningRates(Said& say, const LabStep& step, const RunFacts* base)
{
    const Document& d = say.d;
    const RunFacts* lr10 = say.data.get(step, "lr=10");
    if (base && lr10 && base->finished()) {
        const double a = lr10->run->perplexity, b = base->run->perplexity;
        std::vector<std::string> parts;
        if (lr10->run->state == StoredState::Diverged || !(a < kGuessingPerplexity)) {
            parts.push_back(d.t("it diverges: the learning rate is too high for this cell"));
        } else {
            if (const int at = lr10->run->blewUpAt; at > 0)
                parts.push_back(d.f("it blew up at epoch {0} and came back down", {std::to_string(at)}));
            parts.push_back(d.t(a < b * 0.95   ? "it trains better than at learning rate 1"
                                : a <= b * 1.2 ? "it trains as well as at learning rate 1"
                                               : "it trains, but worse than at learning rate 1"));
        }
        LabObservation spread;
        seedClause(say, *base, *lr10, "lr=10", parts, spread);
        std::string verdict;
        for (const auto& p : parts)
            verdict += (verdict.empty() ? "" : d.t("; ")) + p;
        LabObservation& o = say(LabObservation::Kind::LearningRate10, base,
                                d.f("{0} at learning rate 10 ends at perplexity {1} (learning rate 1: {2}): {3}.",
                                    {step.title, meanAndSd(lr10), meanAndSd(base), verdict}));
        o.seeds = spread.seeds;
        o.beyondSpread = spread.beyondSpread;
        o.withinSpread = spread.withinSpread;
    }
    const RunFacts* lr001 = say.data.get(step, "lr=0.01");
    if (base && lr001 && lr001->finished())
        say(LabObservation::Kind::LearningRate001, base,
            d.f("{0} at learning rate 0.01 reaches only perplexity {1} in the same epochs (learning rate 1: {2}): too "
                "small a step.",
                {step.title, num(lr001->run->perplexity), num(base->run->perplexity)}));
}

// Hidden units: the size with the lowest held-out perplexity, and the larger
// ones that fit the training text better but the held-out worse.
void hiddenUnits(Said& say, const LabStep& step, const RunFacts* base)
{
    const Document& d = say.d;
    std::vector<std::pair<int, const RunFacts*>> sizes;
    for (const auto& v : axisValues("hidden"))
        if (const RunFacts* f = say.data.at(step, "hidden", v); f && f->finished() && !std::isnan(f->heldout()))
            sizes.emplace_back(std::stoi(v), f);
    if (sizes.size() < 2)
        return;
    auto best = std::min_element(sizes.begin(), sizes.end(),
                                 [](const auto& a, const auto& b) { return a.second->heldout() < b.second->heldout(); });
    std::vector<std::string> overfit;
    for (const auto& [h, f] : sizes)
        if (h > best->first && f->run->perplexity < best->second->run->perplexity &&
            f->heldout() > best->second->heldout())
            overfit.push_back(std::to_string(h) + " (" + num(f->run->perplexity) + " / " + num(f->heldout()) + ")");
    std::string list;
    for (const auto& o : overfit)
        list += (list.empty() ? "" : ", ") + o;
    if (overfit.empty())
        say(LabObservation::Kind::HiddenUnits, base,
            d.f("{0}: the lowest held-out perplexity is at {1} hidden units ({2}); no larger size fits "
                "the training text better while doing worse on held-out text, so no overfitting is "
                "measured.",
                {step.title, std::to_string(best->first), num(best->second->heldout())}));
    else
        say(LabObservation::Kind::HiddenUnits, base,
            d.f("{0}: the lowest held-out perplexity is at {1} hidden units ({2}); larger sizes fit "
                "the training text better but the held-out text worse, they overfit: {3} "
                "(hidden units: training / held-out perplexity).",
                {step.title, std::to_string(best->first), num(best->second->heldout()), list}));
}

void epochLengths(Said& say, const LabStep& step)
{
    const Document& d = say.d;
    const RunFacts* shortest = say.data.at(step, "epochs", "250");
    const RunFacts* longest = say.data.at(step, "epochs", "1000");
    if (!shortest || !longest || !shortest->finished() || !longest->finished() || std::isnan(shortest->heldout()) ||
        std::isnan(longest->heldout()))
        return;
    const bool worse = longest->heldout() > shortest->heldout();
    const LabMode mode = say.data.mode();
    say(LabObservation::Kind::Epochs, nullptr,
        d.f("{0}: from {1} to {2} epochs training perplexity goes {3} -> {4} and held-out perplexity "
            "{5} -> {6}: {7}.",
            {step.title, axisShown("epochs", "250", mode), axisShown("epochs", "1000", mode),
             num(shortest->run->perplexity), num(longest->run->perplexity), num(shortest->heldout()),
             num(longest->heldout()),
             d.t(worse ? "more epochs memorise the training text (overfitting)" : "more epochs still help on unseen text")}));
}

// Over seeds: each setting's mean ± sd, and which settings differ from the
// base run by more than the seeds' spread (beyondSeedSpread) and which not.
void seedSpread(Said& say, const LabStep& step, const RunFacts* base)
{
    if (!base || !base->grouped())
        return;
    const Document& d = say.d;
    const int n = base->group.final.n;
    // Each setting's mean ± sd; its seeds only where they are not the base run's.
    const auto shown = [&](const std::string& label, const RunFacts* f) {
        std::string out = label + " " + meanAndSd(f);
        if (f->group.final.n != n)
            out += " " + d.f("({0} seeds)", {std::to_string(f->group.final.n)});
        return out;
    };
    std::string groups = shown(d.t("base"), base);
    std::vector<std::string> beyond, within;
    for (const LabRun& r : step.runs) {
        const std::string label = labRunLabel(r, say.data.mode());
        const RunFacts* f = r.base ? nullptr : say.data.get(step, label);
        if (!f || !f->grouped())
            continue;
        groups += d.t(", ") + shown(label, f);
        (beyondSeedSpread(base->group.final, f->group.final) ? beyond : within).push_back(label);
    }
    const auto join = [&](const std::vector<std::string>& labels) {
        std::string out;
        for (const auto& l : labels)
            out += (out.empty() ? "" : d.t(", ")) + l;
        return out;
    };
    std::string text = d.f("{0} over {1} seeds (final perplexity, mean ± standard deviation): {2}.",
                           {step.title, std::to_string(n), groups});
    if (!beyond.empty())
        text += d.t(" ") + d.f("Beyond the seeds' spread from the base run: {0}.", {join(beyond)});
    if (!within.empty())
        text += d.t(" ") + d.f("Within the seeds' spread of the base run (the seeds cannot tell them apart): {0}.",
                               {join(within)});
    LabObservation& o = say(LabObservation::Kind::SeedSpread, base, text);
    o.seeds = n;
    o.beyondSpread = beyond;
    o.withinSpread = within;
}

void seq2seqObservation(Said& say)
{
    const LabStep* s2s = findLabStep("seq2seq");
    const RunFacts* book = say.data.get(*s2s, "book");
    const RunFacts* big = say.data.get(*s2s, "2x256");
    if (!book || !big || !book->finished() || !big->finished())
        return;
    const auto heldoutBleu = [&](const RunFacts* f) {
        return measureCheck(say.data.store(), *f->run, ReferenceCheck{"heldout_bleu", "", 0, 0});
    };
    LabObservation& o = say(LabObservation::Kind::Seq2seq, book,
                            say.d.f("Seq2seq after {4} epochs: 2 layers of 256 hidden units end at loss {0} (the "
                                    "book's 32 units: {1}), BLEU-4 on held-out pairs {2} (32 units: {3}).",
                                    {num(big->run->perplexity, 4), num(book->run->perplexity, 4), num(heldoutBleu(big)),
                                     num(heldoutBleu(book)), std::to_string(book->run->epochsDone)}));
    o.bookSettings = say.data.mode() == LabMode::Full;  // its book length is 300 epochs
}

std::vector<LabObservation> observations(const LabData& data, const Document& d)
{
    Said say(data, d);
    std::vector<std::pair<std::string, const RunFacts*>> bases;
    for (const auto& step : labSteps()) {
        if (step.kind != LabStepKind::LanguageModel)
            continue;
        const RunFacts* base = data.get(step, "base");
        if (base)
            bases.emplace_back(step.title, base);
        learningRates(say, step, base);
        hiddenUnits(say, step, base);
        epochLengths(say, step);
        seedSpread(say, step, base);
    }
    if (bases.size() >= 2)
        say.out.push_back(cellRanking(data, d, bases));
    seq2seqObservation(say);
    return say.out;
}

// ------------------------------------------------------------ sections

void checksTable(Document& d, RunStore& store, LabMode mode)
{
    std::vector<std::vector<std::string>> rows;
    for (const auto& step : labSteps())
        for (const auto& c : labChecks(store, step, mode))
            rows.push_back({step.id + " " + d.t(step.title), c.describe(d.lang())});
    if (rows.empty())
        d.para(d.t("No step carries reference values."));
    else
        d.table({d.t("step"), d.t("check against the book")}, rows);
}

void notes(Document& d, const std::map<std::string, std::string>& all, const std::string& step)
{
    const auto it = all.find(step);
    d.heading(3, d.t("Notes"));
    if (it == all.end() || it->second.empty()) {
        d.para(d.t("(no notes yet)"));
        return;
    }
    std::string text = it->second;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty())
            d.quote(cleanText(line));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
}

void languageModelStep(Document& d, const LabData& data, const LabStep& step, const std::map<std::string, std::string>& allNotes)
{
    d.heading(2, step.id + " " + d.t(step.title));
    d.para(d.t(step.what));
    const RunFacts* base = data.get(step, "base");
    d.heading(3, d.t("Base run"));
    if (!base) {
        d.para(d.t("Not run yet."));
    } else {
        chart::LineChartSpec spec;
        spec.clippedNote = d.t("{0} point(s) outside the axis, drawn at its edge");
        spec.title = step.title + ": " + d.t("perplexity per epoch");
        spec.xLabel = d.t("epoch");
        spec.yLabel = d.t("perplexity (log)");
        spec.series.push_back(series(d.t("training"), *base, false, kPalette[0]));
        spec.series.push_back(series(d.t("held-out"), *base, true, kPalette[1]));
        d.chart(step.key + "-base", chart::lineChartSvg(spec), spec.title);
        d.table({d.t("final perplexity"), d.t("held-out perplexity"), d.t("epochs"), d.t("time"), d.t("status")},
                {{finalText(d, base), heldoutText(d, base), std::to_string(base->run->epochsDone),
                  formatDuration(base->run->seconds), status(d, base)}});
        d.para(d.t("Sample") + ": " + code(base->sample()));
        if (!base->run->events.empty()) {
            std::string changes;
            for (const SettingEvent& e : base->run->events)
                changes += (changes.empty() ? "" : "; ") + eventMarkLabel(e) + " (" + d.t("epoch") + " " +
                           std::to_string(e.epoch) + ")";
            d.para(d.t("Settings changed while it trained") + ": " + changes);
        }
        for (const auto& c : labChecks(data.store(), step, data.mode()))
            d.para(d.t("Reference check") + ": " + c.describe(d.lang()));
    }
    for (const char* axis : {"epochs", "lr", "hidden"}) {
        const std::string title = std::string(axis) == "epochs" ? "Tuning: epochs"
                                  : std::string(axis) == "lr"   ? "Tuning: learning rate"
                                                                : "Tuning: hidden units";
        d.heading(3, d.t(title));
        std::vector<std::vector<std::string>> rows;
        chart::LineChartSpec spec;
        spec.clippedNote = d.t("{0} point(s) outside the axis, drawn at its edge");
        spec.title = step.title + " — " + d.t(title);
        spec.xLabel = d.t("epoch");
        spec.yLabel = d.t("perplexity (log)");
        std::size_t colour = 0;
        for (const auto& v : axisValues(axis)) {
            const RunFacts* f = data.at(step, axis, v);
            const std::string shown = axisShown(axis, v, data.mode());
            if (!f) {
                rows.push_back({shown, "—", "—", "—", d.t("not run yet"), "—"});
                ++colour;
                continue;
            }
            rows.push_back({shown, finalText(d, f), heldoutText(d, f), formatDuration(f->run->seconds),
                            status(d, f), code(f->sample())});
            spec.series.push_back(series(std::string(axis) + " " + shown, *f, false, kPalette[colour++ % 6]));
        }
        const std::string axisName = std::string(axis) == "epochs" ? d.t("epochs")
                                     : std::string(axis) == "lr"   ? d.t("learning rate")
                                                                   : d.t("hidden units");
        d.table({axisName, d.t("final perplexity"), d.t("held-out perplexity"), d.t("time"), d.t("status"),
                 d.t("sample")},
                rows);
        if (!spec.series.empty())
            d.chart(step.key + "-" + axis, chart::lineChartSvg(spec), spec.title);
    }
    notes(d, allNotes, step.id);
}

void comparisonStep(Document& d, const LabData& data, const LabStep& step, const std::map<std::string, std::string>& allNotes)
{
    d.heading(2, step.id + " " + d.t(step.title));
    d.para(d.t(step.what));
    chart::LineChartSpec spec;
    spec.clippedNote = d.t("{0} point(s) outside the axis, drawn at its edge");
    spec.title = d.t("RNN, GRU and LSTM at the book's settings");
    spec.xLabel = d.t("epoch");
    spec.yLabel = d.t("perplexity (log)");
    std::vector<std::vector<std::string>> rows;
    std::size_t colour = 0;
    for (const char* key : {"rnn", "gru", "lstm"}) {
        const LabStep& s = *findLabStep(key);
        const RunFacts* f = data.get(s, "base");
        if (!f) {
            rows.push_back({s.title, "—", "—", "—", d.t("not run yet"), "—"});
            ++colour;
            continue;
        }
        rows.push_back({s.title, finalText(d, f), heldoutText(d, f), formatDuration(f->run->seconds),
                        status(d, f), code(f->sample())});
        spec.series.push_back(series(s.title, *f, false, kPalette[colour++]));
    }
    if (!spec.series.empty())
        d.chart("comparison", chart::lineChartSvg(spec), spec.title);
    d.table({d.t("cell"), d.t("final perplexity"), d.t("held-out perplexity"), d.t("time"), d.t("status"), d.t("sample")},
            rows);
    notes(d, allNotes, step.id);
}

void translationStep(Document& d, const LabData& data, const LabStep& step, const std::map<std::string, std::string>& allNotes)
{
    d.heading(2, step.id + " " + d.t(step.title));
    d.para(d.t(step.what));
    chart::LineChartSpec spec;
    spec.clippedNote = d.t("{0} point(s) outside the axis, drawn at its edge");
    spec.title = d.t("Seq2seq training loss");
    spec.xLabel = d.t("epoch");
    spec.yLabel = d.t("loss (log)");
    std::size_t colour = 0;
    for (const auto& r : step.runs) {
        const RunFacts* f = data.get(step, r.label);
        d.heading(3, r.label == "book" ? d.t("The book's settings") : d.t("2 layers of 256 hidden units"));
        if (!f) {
            d.para(d.t("Not run yet."));
            ++colour;
            continue;
        }
        spec.series.push_back(series(r.label, *f, false, kPalette[colour++]));
        d.table({d.t("final loss"), d.t("epochs"), d.t("time"), d.t("status")},
                {{num(f->run->perplexity, 4), std::to_string(f->run->epochsDone), formatDuration(f->run->seconds),
                  status(d, f)}});
        const auto j = nlohmann::json::parse(f->run->results, nullptr, false);
        if (!j.is_discarded() && j.contains("eval")) {
            std::vector<std::vector<std::string>> rows;
            for (const auto& row : j["eval"].value("rows", nlohmann::json::array()))
                rows.push_back({code(row.value("source", "")), code(row.value("output", "")),
                                code(row.value("reference", "")),
                                num(row.contains("bleu") && row["bleu"].is_number() ? row["bleu"].get<double>() : NAN)});
            d.table({d.t("English"), d.t("translation"), d.t("reference"), "BLEU"}, rows);
        }
        if (!j.is_discarded() && j.contains("heldout")) {
            const auto& h = j["heldout"];
            const double bleu = h.contains("corpus_bleu") && h["corpus_bleu"].is_number() ? h["corpus_bleu"].get<double>() : NAN;
            d.para(d.f("Held-out pairs ({0}, never trained on): corpus BLEU-4 {1}.",
                       {std::to_string(j.value("heldout_pairs", 0)), num(bleu)}));
            std::vector<std::vector<std::string>> rows;
            for (const auto& l : h.value("by_length", nlohmann::json::array()))
                rows.push_back({std::to_string(l.value("source_words", 0)), std::to_string(l.value("pairs", 0)),
                                num(l.value("corpus_bleu", NAN)), num(l.value("mean_sentence_bleu", NAN))});
            if (!rows.empty())
                d.table({d.t("source words"), d.t("pairs"), d.t("corpus BLEU-4"), d.t("mean sentence BLEU")}, rows);
        }
        if (r.base)
            for (const auto& c : labChecks(data.store(), step, data.mode()))
                d.para(d.t("Reference check") + ": " + c.describe(d.lang()));
    }
    if (!spec.series.empty())
        d.chart("seq2seq", chart::lineChartSvg(spec), spec.title);
    notes(d, allNotes, step.id);
}

// The answers students gave in lessons (issue 29.4), kept in the same
// library: each lesson by its title (a shipped lesson's, or its name when its
// file is not at hand), each answered step with its question.
void lessonAnswers(Document& d, RunStore& store)
{
    const std::vector<std::string> names = store.answeredLessons();
    if (names.empty())
        return;
    d.heading(2, d.t("Lesson answers"));
    for (const std::string& name : names) {
        std::optional<lesson::Lesson> found;
        try {
            if (const std::string path = lesson::resolveLesson(name); !path.empty())
                found = lesson::loadLesson(path);
        } catch (const std::exception&) {
            found.reset();  // a lesson file that no longer reads: its answers still go in
        }
        d.heading(3, cleanText(found ? found->title.of(d.lang()) : name));
        for (const auto& [index, answer] : store.lessonAnswers(name)) {
            std::string step = d.f("Step {0}", {std::to_string(index + 1)});
            if (found && index >= 0 && static_cast<std::size_t>(index) < found->steps.size()) {
                const lesson::LessonStep& s = found->steps[static_cast<std::size_t>(index)];
                step += " — " + s.title.of(d.lang());
                if (!s.question.empty())
                    step += ": " + s.question.of(d.lang());
            }
            d.item(cleanText(step));
            d.quote(cleanText(answer));
        }
    }
}

std::string today() { return utcNow("%Y-%m-%d"); }

Document buildReport(RunStore& store, const LabReportOptions& options)
{
    Document d(options.lang);
    const LabData data(store, options.mode);
    const auto allNotes = store.labNotes();
    d.heading(1, d.t("RNN lab report"));
    d.para(d.f("Written by Traveller {0} on {1} from the run library {2}; {3}.",
               {options.programVersion, today(), code(store.folder()),
                d.t(options.mode == LabMode::Quick ? "the class-length version (--quick: a tenth of the epochs)"
                                                   : "the lab's full settings")}));
    d.heading(2, d.t("Reference checks"));
    checksTable(d, store, options.mode);
    for (const auto& step : labSteps()) {
        switch (step.kind) {
        case LabStepKind::LanguageModel: languageModelStep(d, data, step, allNotes); break;
        case LabStepKind::Comparison: comparisonStep(d, data, step, allNotes); break;
        case LabStepKind::Translation: translationStep(d, data, step, allNotes); break;
        case LabStepKind::Conclusions: {
            d.heading(2, step.id + " " + d.t(step.title));
            d.heading(3, d.t("What the data says"));
            const auto said = observations(data, d);
            if (said.empty())
                d.para(d.t("Nothing is recorded yet."));
            for (const auto& s : said)
                d.item(s.text);
            notes(d, allNotes, step.id);
            break;
        }
        }
    }
    lessonAnswers(d, store);
    return d;
}

} // namespace

std::vector<LabObservation> labObservationList(RunStore& store, LabMode mode, const std::string& lang)
{
    const Document d(lang);
    return observations(LabData(store, mode), d);
}

std::vector<std::string> labObservations(RunStore& store, LabMode mode, const std::string& lang)
{
    std::vector<std::string> out;
    for (auto& o : labObservationList(store, mode, lang))
        out.push_back(std::move(o.text));
    return out;
}

std::vector<std::string> writeLabReport(RunStore& store, const std::string& path, const LabReportOptions& options)
{
    if (!labLanguageKnown(options.lang))
        throw Error("unknown report language '" + options.lang + "'; expected en or zh_CN");
    const fs::path target(path);
    std::string ext = target.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != ".md" && ext != ".html" && ext != ".htm")
        throw Error("the lab report is written as FILE.md or FILE.html, not '" + path + "'");
    const Document doc = buildReport(store, options);
    std::vector<std::string> written{path};
    checkExportTarget(store, path);
    // A report goes where it is asked to, or nowhere: a mistyped folder is
    // not made (a report must not land somewhere the user never chose).
    if (std::error_code ec; !target.parent_path().empty() && !fs::is_directory(target.parent_path(), ec))
        throw Error("cannot write the lab report: the folder '" + target.parent_path().string() +
                    "' does not exist");
    if (ext == ".md") {
        const std::string stem = target.stem().string();
        std::vector<std::pair<std::string, std::string>> charts;
        for (const Block& b : doc.blocks)
            if (b.kind == Block::Chart) {
                const fs::path p = target.parent_path() / (stem + "-" + b.chartName + ".svg");
                checkExportTarget(store, p.string());
                charts.emplace_back(p.string(), b.svg);
            }
        for (const auto& [p, svg] : charts) {
            writeFileAtomically(p, svg);
            written.push_back(p);
        }
        writeFileAtomically(path, toMarkdown(doc, stem));
    } else {
        writeFileAtomically(path, toHtml(doc, doc.t("RNN lab report")));
    }
    return written;
}

} // namespace traveller
