// Hostile names and notes in every export (issue 25, item 10): runs named
// with line breaks, <script>, <!--, '|', quotes, commas, Markdown syntax,
// control characters and bytes that are not UTF-8, and a lab note of the
// same, exported as CSV, Markdown, SVG, HTML and JSON and read back by a real
// parser (nlohmann-json, an RFC 4180 reader, Python's xml.etree and
// html.parser). The checks are on structure: each name stays in its one
// cell, line or element and reads back as itself (invalid UTF-8 as U+FFFD),
// and a report with hostile text has the same headings, rows and tags as
// one with plain text.
#include "TestLibrary.h"

#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/io/Escape.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/lab/LabReport.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

using namespace traveller;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::vector<std::string> kHostileNames = {
    "line one\n# Heading\n<script>alert(1)</script>",
    "<!-- the rest is a comment",
    "a | b | c",
    "quote \" comma , semicolon ; apostrophe '",
    "bad \xff\xfe utf8 \xc3",
    "`tick` *star* _under_ [link](http://x) \\ ~~strike~~ ![img](x.png)",
    "- list\n1. item\n> quote\n    code",
    "\r\nCR LF \x1b[31m red \x07 bell",
    "&lt; entity &amp; <b>bold</b> </td></tr>",
    "=HYPERLINK(\"http://x\")",
    "   leading spaces",
    "循环神经网络 \xe2\x82 cut",
};

const char* kHostileNote = "first <script>alert(1)</script>\n# not a heading\n<!-- hidden\n| a | table |\n- list item\n"
                           "1. numbered\n`tick` *star* _u_ [l](x) </blockquote>\nbad \xff\xfe byte \xc3\n"
                           "\x1b[31m escape \x0e shift \x0f\n   indented";

std::string readAll(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> splitLines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trimmed(const std::string& s)
{
    const auto a = s.find_first_not_of(" \t");
    return a == std::string::npos ? "" : s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// What a name reads as in one line of Markdown: line breaks are spaces.
std::string flat(const std::string& text)
{
    std::string s = cleanText(text);
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

// Markdown inline text back to the text it shows: backslash escapes and the
// entities the escaping rule writes.
std::string unescapeMarkdown(const std::string& md)
{
    static const std::pair<const char*, const char*> kEntities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}, {"&apos;", "'"},
        {"&#32;", " "}, {"&#9;", "\t"}, {"&#10;", "\n"}, {"&#13;", "\r"}};
    std::string out;
    for (std::size_t i = 0; i < md.size();) {
        if (md[i] == '\\' && i + 1 < md.size() && std::ispunct(static_cast<unsigned char>(md[i + 1]))) {
            out += md[i + 1];
            i += 2;
            continue;
        }
        bool entity = false;
        for (const auto& [from, to] : kEntities)
            if (md.compare(i, std::strlen(from), from) == 0) {
                out += to;
                i += std::strlen(from);
                entity = true;
                break;
            }
        if (!entity)
            out += md[i++];
    }
    return out;
}

// A GitHub table row's cells: split at the pipes no backslash escapes.
std::vector<std::string> tableCells(const std::string& row)
{
    std::vector<std::string> cells;
    std::string cell;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (row[i] == '\\' && i + 1 < row.size()) {
            cell += row.substr(i, 2);
            ++i;
        } else if (row[i] == '|') {
            cells.push_back(cell);
            cell.clear();
        } else {
            cell += row[i];
        }
    }
    cells.push_back(cell);
    if (!cells.empty() && trimmed(cells.front()).empty())
        cells.erase(cells.begin());
    if (!cells.empty() && trimmed(cells.back()).empty())
        cells.pop_back();
    return cells;
}

// RFC 4180: fields separated by commas, records by line breaks; a quoted
// field may hold both, with "" for a quote. nullopt when `text` breaks it.
std::optional<std::vector<std::vector<std::string>>> readCsv(const std::string& text)
{
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false, wasQuoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                field += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                field += c;
        } else if (c == '"') {
            if (!field.empty() || wasQuoted)
                return std::nullopt;  // a quote inside an unquoted field
            quoted = wasQuoted = true;
        } else if (c == ',' || c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
            rows.back().push_back(field);
            field.clear();
            wasQuoted = false;
            if (c == '\r')
                ++i;
            if (c != ',')
                rows.emplace_back();
        } else {
            if (wasQuoted)
                return std::nullopt;  // text after a closing quote
            field += c;
        }
    }
    if (quoted)
        return std::nullopt;
    if (!field.empty() || !rows.back().empty())
        rows.back().push_back(field);
    else
        rows.pop_back();
    return rows;
}

const char* kParser = R"PY(import json, sys
from html.parser import HTMLParser
import xml.etree.ElementTree as ET
mode, path = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
try:
    data.decode('utf-8')
except UnicodeDecodeError as e:
    print(json.dumps({'error': 'not UTF-8: ' + str(e)})); sys.exit(0)
if mode == 'xml':
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        print(json.dumps({'error': str(e)})); sys.exit(0)
    name = lambda el: el.tag.split('}')[-1]
    print(json.dumps({'tags': [name(el) for el in root.iter()],
                      'texts': [''.join(el.itertext()) for el in root.iter() if name(el) in ('title', 'text')]}))
else:
    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.events, self.comments, self.open, self.texts = [], 0, [], {}
        def handle_starttag(self, tag, attrs):
            self.events.append('<' + tag)
            if tag in ('blockquote', 'td', 'th', 'li', 'p', 'code', 'h1', 'h2', 'h3'):
                self.open.append([tag, ''])
        def handle_startendtag(self, tag, attrs):
            self.events.append('<' + tag + '/>')
        def handle_endtag(self, tag):
            self.events.append('</' + tag)
            if self.open and self.open[-1][0] == tag:
                t, text = self.open.pop()
                self.texts.setdefault(t, []).append(text)
        def handle_data(self, data):
            for o in self.open:
                o[1] += data
        def handle_comment(self, data):
            self.comments += 1
    r = Reader()
    r.feed(data.decode('utf-8'))
    r.close()
    print(json.dumps({'events': r.events, 'comments': r.comments, 'texts': r.texts}))
)PY";

// `file` read by Python's xml.etree ("xml") or html.parser ("html").
json parsed(const fs::path& scratch, const std::string& mode, const fs::path& file)
{
    const fs::path script = scratch / "parse.py";
    if (!fs::exists(script))
        std::ofstream(script) << kParser;
    const ProgramOutput out = runProgram({"python3", script.string(), mode, file.string()});
    if (out.status != 0)
        return {{"error", "python3: " + out.err}};
    return json::parse(out.out);
}

bool havePython() { return runProgram({"python3", "-c", "import html.parser, xml.etree"}).status == 0; }

void expectNoActiveHtml(const std::string& text, const std::string& what)
{
    EXPECT_TRUE(isValidUtf8(text)) << what;
    EXPECT_EQ(lower(text).find("<script"), std::string::npos) << what;
    EXPECT_EQ(text.find("<!--"), std::string::npos) << what;
    for (const char c : text)
        EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 || c == '\n') << what << ": control character " << int(c);
}

// A library with one finished run per hostile name (its label, tag, message
// and sample hostile too), each with three epochs.
std::vector<std::int64_t> hostileRuns(RunStore& store)
{
    std::vector<std::int64_t> ids;
    for (const auto& name : kHostileNames) {
        NewRun n;
        n.config = parseExperimentYaml(kTinyExperiment);
        n.name = name;
        n.sweep = "hostile";
        n.label = name;
        n.programVersion = "test";
        const std::int64_t id = store.createRun(n);
        store.addTag(id, name);
        for (int e = 1; e <= 3; ++e) {
            StoredEpoch ep;
            ep.epoch = e;
            ep.perplexity = 20.0 - e;
            ep.tokensPerSecond = 1000;
            ep.elapsedSeconds = e;
            store.appendEpoch(id, ep, 1.0);
        }
        RunResult r;
        r.status = RunStatus::Finished;
        r.epochsDone = 3;
        r.perplexity = 17;
        r.message = name;
        r.samples["time traveller"] = "time traveller " + name;
        store.finishRun(id, r, 0);
        ids.push_back(id);
    }
    return ids;
}

// The runs' Markdown (runsToMarkdown or the report file): one heading per
// run, one table row per run with the table's eleven cells, each name read
// back whole from its cell and its heading, samples in a fence or a one-line
// <pre> block.
void expectRunsMarkdown(const std::string& md, const std::vector<StoredRun>& runs, const std::string& what)
{
    expectNoActiveHtml(md, what);
    std::vector<std::string> headings, rows;
    for (const auto& line : splitLines(md)) {
        if (line.rfind("#", 0) == 0)
            headings.push_back(line);
        if (line.rfind("|", 0) == 0)
            rows.push_back(line);
        if (line.rfind("<pre", 0) == 0) {
            EXPECT_NE(line.find("</code></pre>"), std::string::npos) << what << ": " << line;
        }
    }
    ASSERT_EQ(headings.size(), 2 + runs.size()) << what << "\n" << md;
    ASSERT_EQ(rows.size(), 2 + runs.size()) << what << "\n" << md;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const std::string expected = trimmed(flat(runs[i].name));
        const auto cells = tableCells(rows[2 + i]);
        ASSERT_EQ(cells.size(), 11u) << what << ": " << rows[2 + i];
        EXPECT_EQ(trimmed(cells[0]), std::to_string(runs[i].id)) << what;
        EXPECT_EQ(trimmed(unescapeMarkdown(cells[1])), expected) << what << ": " << rows[2 + i];
        const std::string heading = headings[2 + i];
        const std::string prefix = "### " + std::to_string(runs[i].id) + ". ";
        ASSERT_EQ(heading.rfind(prefix, 0), 0u) << what << ": " << heading;
        EXPECT_EQ(trimmed(unescapeMarkdown(heading.substr(prefix.size()))), expected) << what;
    }
}

} // namespace

TEST(Escape, InvalidUtf8BecomesReplacementCharacters)
{
    const std::string r = "\xEF\xBF\xBD";
    EXPECT_EQ(validUtf8("ok \xc3\xa9 \xf0\x9f\x98\x80"), "ok \xc3\xa9 \xf0\x9f\x98\x80");
    EXPECT_EQ(validUtf8("\xff"), r);
    EXPECT_EQ(validUtf8("a\xc3"), "a" + r);                    // cut at the end
    EXPECT_EQ(validUtf8("\xe2\x82x"), r + "x");                // one maximal subpart
    EXPECT_EQ(validUtf8("\xc0\xaf"), r + r);                   // overlong
    EXPECT_EQ(validUtf8("\xed\xa0\x80"), r + r + r);           // a surrogate
    EXPECT_EQ(validUtf8("\xf4\x90\x80\x80"), r + r + r + r);   // past U+10FFFF
    EXPECT_EQ(cleanText("a\x1b" "b\x7f\tc\n\xef\xbf\xbe"), "a" + r + "b" + r + "\tc\n" + r);
    for (const auto& name : kHostileNames) {
        for (const std::string& out : {xmlEscaped(name), csvField(name), markdownText(name), markdownCode(name),
                                       markdownCodeBlock({name, name}), markdownUrl(name)}) {
            EXPECT_TRUE(isValidUtf8(out)) << out;
            EXPECT_EQ(out.find_first_of(std::string("\x1b\x07\x0e\x0f", 4)), std::string::npos) << out;
        }
        EXPECT_EQ(markdownText(name).find_first_of("\n\r<>"), std::string::npos) << markdownText(name);
        EXPECT_EQ(xmlEscaped(name).find_first_of("\n\r\t<>\""), std::string::npos) << xmlEscaped(name);
        EXPECT_EQ(markdownUrl(name).find_first_of(" ()[]<>\n"), std::string::npos) << markdownUrl(name);
    }
}

TEST(EscapeExport, CsvReadsBackEveryFieldWhole)
{
    TestLibrary lib;
    RunStore store(lib.str());
    hostileRuns(store);
    const auto runs = store.runsOfSweep("hostile");
    const std::string csv = runsToCsv(runs);
    EXPECT_TRUE(isValidUtf8(csv));
    const auto table = readCsv(csv);
    ASSERT_TRUE(table) << "not RFC 4180:\n" << csv;
    ASSERT_EQ(table->size(), 1 + runs.size()) << csv;
    const std::size_t columns = table->front().size();
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto& row = (*table)[1 + i];
        ASSERT_EQ(row.size(), columns) << "row " << i;
        EXPECT_EQ(row[0], std::to_string(runs[i].id));
        EXPECT_EQ(row[1], cleanText(runs[i].name));
        EXPECT_EQ(row[3], cleanText(runs[i].label));
        EXPECT_EQ(row[columns - 3], cleanText(runs[i].tags.at(0)));
        EXPECT_EQ(row[columns - 2], cleanText(runs[i].samples.at("time traveller")));
        EXPECT_EQ(row[columns - 1], "");  // changes made while it trained: none
    }
}

TEST(EscapeExport, MarkdownKeepsEachNameInItsCellAndHeading)
{
    TestLibrary lib;
    std::vector<StoredRun> runs;
    {
        RunStore store(lib.str());
        hostileRuns(store);
        runs = store.runsOfSweep("hostile");
        expectRunsMarkdown(runsToMarkdown(runs, "Report <script> # | title\n# two"), runs, "runsToMarkdown");
    }
    // The command itself, as a student runs it.
    const CliResult r = cli("runs export --markdown --quiet --library \"" + lib.str() + "\" 2>/dev/null");
    ASSERT_EQ(r.status, 0) << r.output;
    expectRunsMarkdown(r.output, runs, "runs export --markdown");
}

TEST(EscapeExport, MarkdownReportLinksItsSvgChartWhichParses)
{
    if (!havePython())
        GTEST_SKIP() << "no python3 to parse the SVG";
    TestLibrary lib;
    RunStore store(lib.str());
    hostileRuns(store);
    const auto runs = store.runsOfSweep("hostile");
    const fs::path md = lib.path() / "my report (1) #2.md";
    const std::string title = "Sweep <!-- x\n# y";
    const std::string chart = writeMarkdownReport(store, runs, md.string(), title);
    const std::string text = readAll(md);
    expectRunsMarkdown(text, runs, md.string());
    // The image link is one token whose target is the chart's file name.
    EXPECT_NE(text.find("](" + markdownUrl(fs::path(chart).filename().string()) + ")\n"), std::string::npos) << text;
    EXPECT_EQ(markdownUrl(fs::path(chart).filename().string()), "my%20report%20%281%29%20%232-perplexity.svg");

    const json svg = parsed(lib.path(), "xml", chart);
    ASSERT_FALSE(svg.contains("error")) << svg.dump();
    std::vector<std::string> texts = svg["texts"];
    for (const auto& tag : svg["tags"])
        EXPECT_NE(tag, "script");
    EXPECT_NE(std::find(texts.begin(), texts.end(), cleanText(title + ": perplexity per epoch")), texts.end());
    for (const auto& r : runs)
        EXPECT_NE(std::find(texts.begin(), texts.end(), std::to_string(r.id) + ". " + cleanText(r.label)), texts.end())
            << "the curve of run " << r.id << " keeps its whole name as its title";
}

TEST(EscapeExport, JsonLinesParseBackTheNames)
{
    TestLibrary lib;
    std::vector<StoredRun> runs;
    {
        RunStore store(lib.str());
        hostileRuns(store);
        runs = store.runsOfSweep("hostile");
    }
    const CliResult r = cli("runs list --json --library \"" + lib.str() + "\" 2>/dev/null");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto lines = splitLines(r.output);
    ASSERT_EQ(lines.size(), runs.size()) << r.output;
    std::map<std::int64_t, std::string> names;
    for (const auto& line : lines) {
        json j;
        ASSERT_NO_THROW(j = json::parse(line)) << line;  // strict: invalid UTF-8 throws
        names[j["id"].get<std::int64_t>()] = j["name"].get<std::string>();
    }
    for (const auto& run : runs)
        EXPECT_EQ(names[run.id], validUtf8(run.name)) << "run " << run.id;
}

namespace {

// A lab library: the RNN's and the GRU's base runs with `sample`, and
// `note` on steps 1.1 and 3.
void labLibrary(RunStore& store, const std::string& sample, const std::string& note)
{
    for (const char* key : {"rnn", "gru"}) {
        const LabStep& step = *findLabStep(key);
        NewRun n;
        n.sweep = labSweepName(step, LabMode::Full);
        n.label = "base";
        n.name = sample;
        const std::int64_t id = store.createRun(n);
        for (int e = 1; e <= 3; ++e)
            store.appendEpoch(id, {e, 10.0 - e, 1000, 1.0 * e, "", 12.0 - e}, 1.0);
        RunResult r;
        r.status = RunStatus::Finished;
        r.epochsDone = 3;
        r.samples["time traveller"] = sample;
        store.finishRun(id, r, 0);
    }
    store.setLabNote("1.1", note);
    store.setLabNote("3", note);
}

// A plain note with as many lines as the hostile one.
std::string plainNote()
{
    std::string note = "plain line";
    for (std::size_t i = 1; i < splitLines(kHostileNote).size(); ++i)
        note += "\nplain line";
    return note;
}

struct Reports {
    std::vector<std::string> files;  // the Markdown report, then its charts
    fs::path html;
};

Reports writeReports(const TestLibrary& lib, const std::string& name, const std::string& sample,
                     const std::string& note)
{
    RunStore store((lib.path() / name).string());
    labLibrary(store, sample, note);
    LabReportOptions options;
    options.programVersion = "test <b>";
    Reports r;
    r.files = writeLabReport(store, (lib.path() / (name + ".md")).string(), options);
    r.html = lib.path() / (name + ".html");
    writeLabReport(store, r.html.string(), options);
    return r;
}

} // namespace

TEST(EscapeLab, MarkdownReportKeepsItsStructureWithAHostileNote)
{
    if (!havePython())
        GTEST_SKIP() << "no python3 to parse the SVG charts";
    TestLibrary lib;
    const Reports plain = writeReports(lib, "plain", "time traveller plain", plainNote());
    const Reports hostile = writeReports(lib, "hostile", "time traveller " + kHostileNames[0] + kHostileNames[4], kHostileNote);
    const std::string md = readAll(hostile.files[0]);
    expectNoActiveHtml(md, "lab report");
    auto shape = [](const std::string& text) {
        std::vector<std::string> headings;
        std::size_t quotes = 0, rows = 0;
        for (const auto& line : splitLines(text)) {
            if (line.rfind("#", 0) == 0)
                headings.push_back(line);
            quotes += line.rfind("> ", 0) == 0;
            rows += line.rfind("|", 0) == 0;
        }
        return std::make_tuple(headings, quotes, rows);
    };
    EXPECT_EQ(shape(md), shape(readAll(plain.files[0]))) << md;
    std::vector<std::string> quoted;
    for (const auto& line : splitLines(md))
        if (line.rfind("> ", 0) == 0)
            quoted.push_back(trimmed(unescapeMarkdown(line.substr(2))));
    std::vector<std::string> expected;
    for (const auto& line : splitLines(kHostileNote))
        expected.push_back(trimmed(flat(line)));
    for (std::size_t i = 0; i < quoted.size(); ++i)
        EXPECT_EQ(quoted[i], expected[i % expected.size()]) << "each note line is one quote line, whole";
    for (std::size_t i = 1; i < hostile.files.size(); ++i) {
        const json svg = parsed(lib.path(), "xml", hostile.files[i]);
        EXPECT_FALSE(svg.contains("error")) << hostile.files[i] << ": " << svg.dump();
    }
}

TEST(EscapeLab, HtmlReportHasTheSameTagsWithAHostileNote)
{
    if (!havePython())
        GTEST_SKIP() << "no python3 to parse the HTML";
    TestLibrary lib;
    const Reports plain = writeReports(lib, "plain", "time traveller plain", plainNote());
    const std::string sample = "time traveller " + kHostileNames[0] + kHostileNames[8];
    const Reports hostile = writeReports(lib, "hostile", sample, kHostileNote);
    const std::string page = readAll(hostile.html);
    EXPECT_TRUE(isValidUtf8(page)) << "invalid UTF-8 in a note reaches the HTML";
    EXPECT_EQ(lower(page).find("<script"), std::string::npos);
    const json a = parsed(lib.path(), "html", plain.html);
    const json b = parsed(lib.path(), "html", hostile.html);
    ASSERT_FALSE(b.contains("error")) << b.dump();
    EXPECT_EQ(b["comments"], 0);
    EXPECT_EQ(a["events"], b["events"]) << "hostile text added or removed a tag";
    std::vector<std::string> quotes = b["texts"]["blockquote"];
    const auto lines = splitLines(kHostileNote);
    ASSERT_EQ(quotes.size(), 2 * lines.size());
    for (std::size_t i = 0; i < quotes.size(); ++i)
        EXPECT_EQ(quotes[i], cleanText(lines[i % lines.size()])) << "each note line reads back whole";
    std::vector<std::string> codes = b["texts"]["code"];
    EXPECT_NE(std::find(codes.begin(), codes.end(), cleanText(sample)), codes.end()) << "the sample reads back whole";
}
