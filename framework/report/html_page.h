#pragma once
// A self-contained HTML page: styles inline, figures embedded as SVG data,
// nothing fetched from the network.

#include <string>
#include <vector>

namespace tunelab {

std::string html_escaped(const std::string& text);

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);

  // `html` is inserted as is; everything else here is escaped.
  void raw(const std::string& html);
  void heading(int level, const std::string& text, const std::string& anchor = "");
  void paragraph(const std::string& text);
  // An SVG document as a figure with a caption. Each figure is checked when
  // the page loads; one that cannot be shown says so in its place.
  void figure(const std::string& svg, const std::string& caption, const std::string& alt);
  // A note where a figure or table would be, saying why it is not.
  void missing(const std::string& why);
  // `marked` rows are highlighted (the best trial).
  void table(const std::vector<std::string>& columns,
             const std::vector<std::vector<std::string>>& rows,
             const std::vector<bool>& marked = {});
  // A square table of counts (a confusion matrix): each cell shaded by its
  // share of its row, from white (none) to full blue (all), the column names
  // written upwards so that many classes fit the page's width.
  void count_matrix(const std::string& corner, const std::vector<std::string>& names,
                    const std::vector<std::vector<int>>& counts);
  void preformatted(const std::string& text, const std::string& summary = "");

  std::string html() const;

 private:
  std::string title_, body_;
  int figures_ = 0;
};

}  // namespace tunelab
