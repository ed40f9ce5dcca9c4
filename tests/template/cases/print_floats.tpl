{{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 2 ** 0.5 }} {{ 10 / 4 }} {{ 1e-5 }} {{ 1e300 * 10 }}
{{ 100.0 }} {{ 1e16 - 1 }} {{ 0.5 * 2 }} {{ -1.5 }} {{ 3.14159 }} {{ 1 / 7 }}
{{ results.results[2].scan.ratio }} {{ results.results[2].scan.tiny }} {{ results.results[2].scan.huge }}
{{ results.results[2].scan.neg_zero }} {{ results.results[2].scan.whole }} {{ results.results[2].scan.entropy }}
