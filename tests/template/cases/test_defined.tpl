{{ results is defined }} {{ nothing is defined }} {{ nothing is undefined }} {{ results.tlp is defined }}
{{ results.results[0] is defined }} {{ results.results[0].scan is undefined }} {{ results.errors is defined }}
{{ nothing is not defined }}
