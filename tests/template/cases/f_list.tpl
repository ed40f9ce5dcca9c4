{{ 'abc'|list }} {{ (1, 2)|list }} {{ results.plugins|list }} {{ {'a': 1, 'b': 2}|list }} {{ []|list }}
