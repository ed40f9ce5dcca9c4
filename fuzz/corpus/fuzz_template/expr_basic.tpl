payloads: {{ results.payloads }}
tlp: {{ results.tlp }}
date: {{ results.date }}
results: {{ results.results|length }}
