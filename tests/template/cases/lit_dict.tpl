{{ {'plugin': 'yara', 'hits': [1, 2], 'ok': true} }}
{{ {} }} {{ {'nested': {'k': none}} }}
{{ {'a': 1}['a'] }} {{ {'a': 1}.a }}
