#pragma once
// The gp sampler's acquisition for several objectives: the log of the
// expected hypervolume improvement (EHVI) a point would bring, given each
// objective's GP posterior there (independent objectives), averaged over a
// fixed set of normal draws, the same for every point and every proposal of
// a study (so that the acquisition is smooth in the point and proposals are
// reproducible). The log, as for single-objective EI, keeps differences
// visible where the improvement is tiny.

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace tunelab::gp {

class ExpectedHypervolume {
 public:
  // `front_of`: the values whose front a point improves on; `observed`:
  // every complete trial's values (with those of a warm start), which set
  // the reference point a tenth of each objective's range beyond its worst
  // value. Both in the GPs' units (each objective warped and standardised
  // as its GP sees it); `observed` not empty.
  ExpectedHypervolume(const std::vector<std::vector<double>>& front_of,
                      const std::vector<std::vector<double>>& observed, std::size_t draws,
                      std::uint64_t seed);

  // log EHVI for a posterior mean and standard deviation per objective;
  // -1e300 where no draw improves.
  double log_value(const Eigen::VectorXd& mean, const Eigen::VectorXd& sd) const;

 private:
  double improvement(const std::vector<double>& point) const;

  std::vector<std::vector<double>> front_;  // sorted by the first objective
  std::vector<double> reference_;
  // Three objectives or more: boxes that together are what the front does
  // not dominate below the reference (lower corners, then upper corners,
  // `objectives` numbers each), so that a point's improvement is the sum of
  // its overlaps with them.
  std::vector<double> box_lower_, box_upper_;
  std::vector<Eigen::VectorXd> draws_;
};

}  // namespace tunelab::gp
