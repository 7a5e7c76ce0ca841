// bench/ratio_reporter.hpp: a Google Benchmark console reporter that also keeps the median real time of
// every case named "<case>/<impl>", and prints peer / ctorch per case after the run. Shared by the
// one-file benchmark programs (conv_bench, nn_bench) so each prints its ratios the same way.
#pragma once
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace ctorch_bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::map<std::string, double>> times;  // case -> impl -> time (the case's unit)
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      const std::string name = r.run_name.function_name;
      const auto slash = name.find('/');
      if (slash == std::string::npos) continue;
      times[name.substr(0, slash)][name.substr(slash + 1)] = r.GetAdjustedRealTime();
    }
  }
  // Prints "case ctorch peer peer/ctorch" for every case that has both; returns {sum ctorch, sum peer} over
  // the cases whose name contains `total_filter` (empty: none).
  std::pair<double, double> print_ratios(const char* peer, const char* unit,
                                         const std::string& total_filter = "") const {
    std::printf("\n%-22s %12s %12s %8s   (%s, real time)\n", "case", "ctorch", peer, "ratio", unit);
    double sc = 0, sp = 0;
    for (const auto& [c, m] : times) {
      if (!m.count("ctorch") || !m.count(peer)) continue;
      const double a = m.at("ctorch"), t = m.at(peer);
      std::printf("%-22s %12.2f %12.2f %7.2fx\n", c.c_str(), a, t, t / a);
      if (!total_filter.empty() && c.find(total_filter) != std::string::npos) sc += a, sp += t;
    }
    return {sc, sp};
  }
};

}  // namespace ctorch_bench
