#include "report/html_page.h"

#include <fmt/format.h>

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>

namespace tunelab {
namespace {

std::string base64(const std::string& bytes) {
  using namespace boost::archive::iterators;
  using Encoder = base64_from_binary<transform_width<std::string::const_iterator, 6, 8>>;
  std::string text(Encoder(bytes.begin()), Encoder(bytes.end()));
  text.append((3 - bytes.size() % 3) % 3, '=');
  return text;
}

constexpr const char* kStyle = R"css(
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2em auto; max-width: 1100px;
       padding: 0 1.5em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-top: 1.6em; }
.lead { font-size: 1.1em; background: #f3f7ee; border-left: 4px solid #1a9850; padding: 0.7em 1em; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e5e5e5; }
figcaption { color: #555; font-size: 0.92em; }
.missing { color: #8a6d3b; background: #fcf8e3; padding: 0.5em 1em; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.8em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.7em; text-align: left; }
th { background: #f4f4f4; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.marked td { background: #e8f5e0; font-weight: bold; }
table.matrix td, table.matrix th { padding: 0.15em 0.35em; text-align: right; }
table.matrix thead th { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left;
                        max-height: 12em; overflow: hidden; }
table.matrix td.dark { color: #fff; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
nav a { margin-right: 1em; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
)css";

// Marks the page when every figure has been decoded (data-figures-shown),
// and puts a visible note in place of one that cannot be shown.
constexpr const char* kFigureCheck = R"js(
window.addEventListener("load", function () {
  var figures = document.querySelectorAll("figure img");
  var shown = 0;
  figures.forEach(function (img) {
    if (img.complete && img.naturalWidth > 0) { shown++; return; }
    var note = document.createElement("p");
    note.className = "missing";
    note.textContent = "This figure could not be shown: " + img.alt;
    img.replaceWith(note);
  });
  document.body.setAttribute("data-figures-shown", shown + " of " + figures.length);
});
)js";

bool looks_numeric(const std::string& text) {
  if (text.empty()) return false;
  std::size_t used = 0;
  try {
    (void)std::stod(text, &used);
  } catch (...) {
    return false;
  }
  return used == text.size();
}

}  // namespace

std::string html_escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {}

void HtmlPage::raw(const std::string& html) { body_ += html + "\n"; }

void HtmlPage::heading(int level, const std::string& text, const std::string& anchor) {
  body_ +=
      fmt::format("<h{0}{1}>{2}</h{0}>\n", level,
                  anchor.empty() ? "" : " id=\"" + html_escaped(anchor) + "\"", html_escaped(text));
}

void HtmlPage::paragraph(const std::string& text) {
  body_ += "<p>" + html_escaped(text) + "</p>\n";
}

void HtmlPage::figure(const std::string& svg, const std::string& caption, const std::string& alt) {
  ++figures_;
  body_ += fmt::format(
      "<figure><img class=\"figure\" alt=\"{}\" src=\"data:image/svg+xml;base64,{}\">"
      "<figcaption>{}</figcaption></figure>\n",
      html_escaped(alt), base64(svg), html_escaped(caption));
}

void HtmlPage::missing(const std::string& why) {
  body_ += "<p class=\"missing\">" + html_escaped(why) + "</p>\n";
}

void HtmlPage::table(const std::vector<std::string>& columns,
                     const std::vector<std::vector<std::string>>& rows,
                     const std::vector<bool>& marked) {
  body_ += "<div class=\"wide\"><table>\n<thead><tr>";
  for (const auto& c : columns) body_ += "<th>" + html_escaped(c) + "</th>";
  body_ += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    body_ += r < marked.size() && marked[r] ? "<tr class=\"marked\">" : "<tr>";
    for (const auto& cell : rows[r])
      body_ +=
          (looks_numeric(cell) ? "<td class=\"number\">" : "<td>") + html_escaped(cell) + "</td>";
    body_ += "</tr>\n";
  }
  body_ += "</tbody></table></div>\n";
}

void HtmlPage::count_matrix(const std::string& corner, const std::vector<std::string>& names,
                            const std::vector<std::vector<int>>& counts) {
  body_ += "<div class=\"wide\"><table class=\"matrix\">\n<thead><tr><th>" + html_escaped(corner) +
           "</th>";
  for (const auto& name : names) body_ += "<th>" + html_escaped(name) + "</th>";
  body_ += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < counts.size(); ++r) {
    body_ += "<tr><th>" + html_escaped(r < names.size() ? names[r] : "") + "</th>";
    long long total = 0;
    for (const int n : counts[r]) total += n;
    for (const int n : counts[r]) {
      const double share = total > 0 ? static_cast<double>(n) / total : 0;
      body_ += fmt::format(
          "<td class=\"number{}\" style=\"background: rgba(33, 102, 172, {:.2f})\">{}</td>",
          share > 0.55 ? " dark" : "", share, n);
    }
    body_ += "</tr>\n";
  }
  body_ += "</tbody></table></div>\n";
}

void HtmlPage::preformatted(const std::string& text, const std::string& summary) {
  const std::string pre = "<pre>" + html_escaped(text) + "</pre>";
  body_ += summary.empty()
               ? pre + "\n"
               : "<details><summary>" + html_escaped(summary) + "</summary>" + pre + "</details>\n";
}

std::string HtmlPage::html() const {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n<script>{}</script>\n</head>\n"
      "<body data-figures=\"{}\">\n{}</body>\n</html>\n",
      html_escaped(title_), kStyle, kFigureCheck, figures_, body_);
}

}  // namespace tunelab
