{% for k, items in results.results|groupby('payload_id') %}{{ k }}:{{ items|length }} {% endfor %}

{% for g in [{'a': {'b': 2}}, {'a': {'b': 1}}, {'a': {'b': 2}}]|groupby('a.b') %}{{ g.grouper }}={{ g.list|length }} {% endfor %}

{{ [{'t': 'x'}, {'t': 'y'}]|groupby('t')|list }}
