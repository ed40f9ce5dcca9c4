{% for u in results.results[0].uuid|default([]) %}
{{ loop.index }} of {{ loop.length }}: {{ u }}
{% endfor %}
{% for r in results.results %}{{ loop.length }}{% endfor %}
