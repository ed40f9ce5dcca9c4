{{ -0.0|tojson }} {{ 1e16|tojson }} {{ 0.1|tojson }} {{ 1e-07|tojson }} {{ 3.0|tojson }} {{ (1, 'a')|tojson }} {{ ('<'|e)|tojson }}
{{ {'b': {'d': 1, 'c': 2}, 'a': []}|tojson(indent=1) }}
{{ [1, [2, {'x': none}]]|tojson(indent=0) }}
{{ '\u2028\u2029\x7f\x00\x1f'|tojson }}
