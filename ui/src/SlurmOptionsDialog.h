// The Sweeps tab's "Submit to Slurm…" dialog: the options of a submission,
// remembered between submissions.
#pragma once

#include "traveller/core/cluster/Cluster.h"

#include <optional>

class QWidget;

namespace traveller::ui {

// Asks for the partition, time limit, CPUs and GPUs per run, runs at once
// and the run folder of a sweep of `runs` runs; nullopt when cancelled.
std::optional<SlurmOptions> askSlurmOptions(QWidget* parent, int runs);

} // namespace traveller::ui
