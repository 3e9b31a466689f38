// Text from people and other programs (run names, tags, labels, lab notes,
// messages, samples, imported state.json) on its way into a file Traveller
// writes: one rule per output format, here and nowhere else. Every export
// (RunExport, ChartSvg, LabReport, the Slurm job scripts) calls these.
//
// The rules for text start from cleanText: invalid UTF-8 becomes U+FFFD, and
// so do the control characters no format carries as text (markdownUrl and
// shellQuoted keep every byte: a path must still name its file). Then:
//
//   format                      rule            what the text can no longer do
//   HTML, XML, SVG (text and    xmlEscaped      open a tag or a comment, end an
//   attribute values)                           attribute, be an unparsable byte
//   CSV (RFC 4180)              csvField        start a field or a row
//   Markdown, inline            markdownText    start a block (heading, list,
//                                               quote, table row, code), a link,
//                                               emphasis, raw HTML or a comment
//   Markdown, code              markdownCode,   end its code span or fence
//                               markdownCodeBlock
//   Markdown, link target       markdownUrl     end the link
//   POSIX sh, one word          shellQuoted     be more than one word
//   JSON strings                jsonString (Json.h: nlohmann-json with
//                               invalid UTF-8 replaced by U+FFFD)
#pragma once

#include <string>
#include <vector>

namespace traveller {

// Well-formed UTF-8: every byte that is not part of a well-formed character
// (a stray continuation byte, a cut sequence, an overlong form, a surrogate,
// beyond U+10FFFF) becomes U+FFFD, one per maximal ill-formed subpart.
std::string validUtf8(const std::string& text);
// True when `text` is well-formed UTF-8 already.
bool isValidUtf8(const std::string& text);
// validUtf8, and U+FFFD for C0 control characters other than tab, line feed
// and carriage return, for DEL and for the non-characters U+FFFE and U+FFFF
// (none of them may appear in XML 1.0).
std::string cleanText(const std::string& text);

// Text for HTML or XML (SVG included), as element content or inside a quoted
// attribute value: & < > " ' as entities, tab, line feed and carriage
// return as character references (each reads back as itself).
std::string xmlEscaped(const std::string& text);

// One CSV field (RFC 4180): in double quotes, doubled inside, when it holds
// a comma, a quote, a line feed or a carriage return.
std::string csvField(const std::string& text);

// Inline Markdown (CommonMark and GitHub's tables) that reads as the text
// itself: line breaks become spaces; < > & become entities; \ ` * _ [ ] # |
// ~ are backslash-escaped; what would start a list, a rule or a code block
// at its start (- or + and a blank, --, a number with . or ) and a blank, a
// leading blank) is escaped too. Fit for a paragraph, a heading, a quote, a
// list item and a table cell.
std::string markdownText(const std::string& text);
// Inline code: `text` when nothing in it needs escaping, else
// <code>markdownText(text)</code>.
std::string markdownCode(const std::string& text);
// Lines of code as a block: a ```text fence when nothing in them needs
// escaping, else an HTML <pre><code> block of xmlEscaped lines (which no
// Markdown inside it can end).
std::string markdownCodeBlock(const std::vector<std::string>& lines);
// A relative link or image target: every byte but A-Z a-z 0-9 - . _ ~ /
// percent-encoded, so spaces, parentheses and brackets cannot end it.
std::string markdownUrl(const std::string& path);

// One word for POSIX sh: in single quotes, a quote inside as '\''. Carries
// every byte but NUL unchanged; the Slurm job scripts refuse control
// characters before they quote (scriptValue in core/src/cluster/Slurm.cpp).
std::string shellQuoted(const std::string& text);

} // namespace traveller
