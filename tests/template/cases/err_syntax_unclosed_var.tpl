tlp: {{ results.tlp
