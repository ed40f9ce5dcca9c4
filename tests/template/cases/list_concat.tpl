{{ [1] + [2, 3] }} {{ results.results[0].uuid + ['extra'] }} {{ (1, 2) + (3,) }}
