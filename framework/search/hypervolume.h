#pragma once
// The hypervolume of a set of points (all objectives losses): the volume they
// dominate up to a reference point, the measure by which fronts of several
// objectives are compared, and how much one more point would add to it (what
// the gp sampler's expected hypervolume improvement averages).

#include <vector>

namespace tunelab {

// Exact: a sweep in two objectives, slices along the last objective beyond
// (Hypervolume by Slicing Objectives; fine for the few objectives and the
// fronts of a study). Points not below the reference in every objective add
// nothing.
double hypervolume(std::vector<std::vector<double>> points, const std::vector<double>& reference);

// What `point` adds to the hypervolume of `points` (the box between it and
// the reference, less what `points` already dominate of it).
double hypervolume_improvement(const std::vector<std::vector<double>>& points,
                               const std::vector<double>& point,
                               const std::vector<double>& reference);

}  // namespace tunelab
