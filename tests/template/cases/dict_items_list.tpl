{{ results.plugins.items()|list }}
{{ {'a': 1, 'b': [2]}.items()|list }}
{{ results.plugins.keys()|list }} {{ results.plugins.values()|list }}
