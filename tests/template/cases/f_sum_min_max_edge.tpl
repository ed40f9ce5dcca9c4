[{{ []|max }}] {{ {'b': 1, 'a': 2}|max }} {{ [1.5, 1]|max }} {{ [true, 2]|max }} {{ ['a', 'B']|min(case_sensitive=true) }} {{ [0.1, 0.2, 0.3]|sum }} {{ [[1], [2]]|sum(start=[0]) }}
{% for r in results.results if r.plugin == 'entropy' %}{{ r.scan.sections|max(attribute='size')|tojson }} {{ r.scan.sections|sum(attribute='size') }}{% endfor %}

