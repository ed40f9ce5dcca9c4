{{ 'abc' is lower }} {{ 'Abc' is lower }} {{ 'ABC' is upper }} {{ 'AbC' is upper }} {{ 'abc1' is lower }} {{ '123' is upper }}
{% for t in results.results[0].scan[0].tags|default([]) %}
{{ t }}: {{ t is lower }} {{ t is upper }}
{% endfor %}
