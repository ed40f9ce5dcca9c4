uuid: {{ results.results[0].uuid }}
tags: {{ results.results[0].scan[0].tags }}
meta: {{ results.results[0].scan[0].meta }}
source_meta: {{ results.results[0].source_meta }}
tuple: {{ ('x', 1) }}
quotes: {{ ["it's", 'say "hi"', 'both \' and "', 'back\\slash', 'tab\there'] }}
