last plugin: {{ results.results[-1].plugin }}
last uuid of last result: {{ results.results[-1].uuid[-1] }}
second to last: {{ results.results[-2].payload_id }}
