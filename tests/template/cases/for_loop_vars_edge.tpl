{% for x in [] %}never{% endfor %}[{{ loop }}] {{ loop is defined }}
{% for x in 'ab' %}{{ loop.index }}{{ x }}{% for y in [1, 2] %}({{ loop.index }}{{ loop.length }}){% endfor %}{{ loop.last }} {% endfor %}

{% for k, v in {'a': 1, 'b': 2}.items() %}{{ loop.revindex }}{{ k }}{{ v }}{% endfor %}
{% for a, b in [(1, 2), [3, 4], 'xy'] %}{{ a }}{{ b }} {% endfor %}
{% for r in results.results if r.plugin != 'hash' %}{{ loop.cycle('<', '>') }}{% else %}none{% endfor %}
