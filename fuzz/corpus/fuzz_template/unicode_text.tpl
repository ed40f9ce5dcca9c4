été {{ "😀"|upper }} {{ results.results[1].scan.s|tojson }} {# é #}
